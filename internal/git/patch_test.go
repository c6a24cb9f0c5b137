package git_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/git/gittest"
)

const gitPatch = `diff --git a/app/search.py b/app/search.py
index 3b18e51..a9f8c2d 100644
--- a/app/search.py
+++ b/app/search.py
@@ -1,3 +1,4 @@ import sqlite3
 def search(db, term):
-    rows = db.execute("SELECT * FROM items WHERE name = ?", (term,))
+    query = "SELECT * FROM items WHERE name = '%s'" % term
+    rows = db.execute(query)
     return rows.fetchall()

diff --git a/README.md b/README.md
deleted file mode 100644
--- a/README.md
+++ /dev/null
@@ -1 +0,0 @@
-# Old
diff --git a/new.txt b/new.txt
new file mode 100644
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,2 @@
+one
+two
\ No newline at end of file
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
`

func TestParsePatch(t *testing.T) {
	t.Parallel()
	files, err := git.ParsePatch(gitPatch)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("%d files: %+v", len(files), files)
	}
	f := files[0]
	if f.Path != "app/search.py" || f.Status != "modified" || f.Added != 2 || f.Removed != 1 || len(f.Hunks) != 1 {
		t.Errorf("the first file: %+v", f)
	}
	lines := f.Hunks[0].Lines
	if len(lines) != 5 || lines[0].Kind != ' ' || lines[0].Old != 1 || lines[0].New != 1 ||
		lines[1].Kind != '-' || lines[1].Old != 2 || lines[2].Kind != '+' || lines[2].New != 2 || lines[3].New != 3 ||
		lines[4].Old != 3 || lines[4].New != 4 || lines[4].Text != "    return rows.fetchall()" {
		t.Errorf("its lines: %+v", lines)
	}
	if files[1].Path != "README.md" || files[1].Status != "deleted" || files[1].Removed != 1 {
		t.Errorf("the deleted file: %+v", files[1])
	}
	if files[2].Path != "new.txt" || files[2].Status != "added" || files[2].Added != 2 {
		t.Errorf("the new file: %+v", files[2])
	}
	if files[3].Path != "logo.png" || !files[3].Binary {
		t.Errorf("the binary file: %+v", files[3])
	}

	// diff -u's own form, without git's prefixes.
	plain := "--- pricing.js\t2026-01-01 10:00:00\n+++ pricing.js\t2026-01-02 10:00:00\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n"
	if files, err := git.ParsePatch(plain); err != nil || len(files) != 1 || files[0].Path != "pricing.js" || files[0].Hunks[0].Lines[2].New != 2 {
		t.Errorf("diff -u: %+v, %v", files, err)
	}

	// diff -ru's two top directories are one file's two versions.
	ru := "--- old/app.py\t2026-01-01 10:00:00\n+++ new/app.py\t2026-01-02 10:00:00\n@@ -1 +1 @@\n-a\n+b\n"
	if files, err := git.ParsePatch(ru); err != nil || len(files) != 1 || files[0].Path != "app.py" || files[0].Status != "modified" {
		t.Errorf("diff -ru: %+v, %v", files, err)
	}

	for name, text := range map[string]string{
		"line 0 of a file":   "--- a/x\n+++ b/x\n@@ -0,1 +0,1 @@\n-a\n+b\n",
		"line 20 million":    "--- a/x\n+++ b/x\n@@ -20000000,1 +20000000,1 @@\n-a\n+b\n",
		"nothing":            "",
		"prose":              "Please review my change, it is great.\n",
		"a broken hunk":      "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n",
		"a path with ..":     "--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n",
		"a hunk line of ?s?": "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n?c\n",
	} {
		if _, err := git.ParsePatch(text); !errors.Is(err, git.ErrBadPatch) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDiffTrees(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	text, err := git.DiffTrees(context.Background(),
		map[string]string{"a.go": "package a\n\nfunc A() int { return 1 }\n", "gone.txt": "bye\n"},
		map[string]string{"a.go": "package a\n\nfunc A() int { return 2 }\n", "new.txt": "hi\n"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := git.ParsePatch(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Status+" "+f.Path)
	}
	if strings.Join(got, ", ") != "modified a.go, deleted gone.txt, added new.txt" {
		t.Errorf("files %v\n%s", got, text)
	}
}
