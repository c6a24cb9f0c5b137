package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	godiff "github.com/sourcegraph/go-diff/diff"
)

// maxLine is the highest line number a diff may name.
const maxLine = 1_000_000

// ErrBadPatch is wrapped by ParsePatch's refusals.
var ErrBadPatch = errors.New("git: a diff that cannot be read")

// ParsePatch reads a unified diff, as git diff or diff -u write it, into
// files as Diff gives them: each file's hunks with their lines numbered
// on both sides, its status, and whether it is binary. Paths lose git's
// a/ and b/ prefixes. A diff holding no file is refused.
func ParsePatch(text string) ([]FileDiff, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	parsed, err := godiff.ParseMultiFileDiff([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPatch, err)
	}
	var files []FileDiff
	for _, p := range parsed {
		if len(files) == MaxDiffFiles {
			return nil, fmt.Errorf("%w: it changes more than %d files", ErrBadPatch, MaxDiffFiles)
		}
		f, err := patchFile(p)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: it holds no file's changes (a unified diff starts with --- and +++ lines, then @@ hunks)", ErrBadPatch)
	}
	return files, nil
}

func patchFile(p *godiff.FileDiff) (FileDiff, error) {
	orig, name := p.OrigName, p.NewName
	switch {
	case strings.HasPrefix(orig, "a/") && strings.HasPrefix(name, "b/") || orig == "/dev/null" && strings.HasPrefix(name, "b/") || name == "/dev/null" && strings.HasPrefix(orig, "a/"):
		orig, name = strings.TrimPrefix(orig, "a/"), strings.TrimPrefix(name, "b/")
	case orig != name && orig != "/dev/null" && name != "/dev/null":
		// diff -ru old new, or one side prefixed only: the same path
		// under two top directories is one file.
		o, n := orig, name
		if i := strings.IndexByte(o, '/'); i > 0 {
			o = o[i+1:]
		}
		if i := strings.IndexByte(n, '/'); i > 0 {
			n = n[i+1:]
		}
		switch {
		case o == n:
			orig, name = o, n
		case o == name:
			orig = name
		case n == orig:
			name = orig
		}
	}
	f := FileDiff{Path: name, Status: "modified"}
	for _, x := range p.Extended {
		switch {
		case strings.HasPrefix(x, "Binary files ") || x == "GIT binary patch":
			f.Binary = true
		case strings.HasPrefix(x, "rename from "):
			orig = strings.TrimPrefix(x, "rename from ")
		case strings.HasPrefix(x, "rename to "):
			name = strings.TrimPrefix(x, "rename to ")
		case strings.HasPrefix(x, "diff --git ") && name == "" && orig == "":
			// A binary file or a change of mode only: the names are here.
			parts := strings.Fields(strings.TrimPrefix(x, "diff --git "))
			if len(parts) == 2 {
				orig, name = strings.TrimPrefix(parts[0], "a/"), strings.TrimPrefix(parts[1], "b/")
			}
		}
	}
	f.Path = name
	switch {
	case orig == "/dev/null":
		f.Status = "added"
	case name == "/dev/null":
		f.Status, f.Path = "deleted", orig
	case orig != name && orig != "":
		f.Status, f.OldPath = "renamed", orig
	}
	if f.Path == "" || CheckPath(f.Path) != nil || (f.OldPath != "" && CheckPath(f.OldPath) != nil) {
		return f, fmt.Errorf("%w: %q is not a file's path", ErrBadPatch, clipPath(f.Path))
	}
	for _, h := range p.Hunks {
		hunk := Hunk{Header: fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.OrigStartLine, h.OrigLines, h.NewStartLine, h.NewLines)}
		if h.Section != "" {
			hunk.Header += " " + h.Section
		}
		if h.OrigStartLine < 0 || h.NewStartLine < 0 || h.OrigStartLine > maxLine || h.NewStartLine > maxLine ||
			(h.OrigStartLine == 0 && h.OrigLines > 0) || (h.NewStartLine == 0 && h.NewLines > 0) {
			return f, fmt.Errorf("%w: in %s, a hunk's header (%s) names lines no file has", ErrBadPatch, clipPath(f.Path), hunk.Header)
		}
		oldN, newN := int(h.OrigStartLine), int(h.NewStartLine)
		oldLeft, newLeft := int(h.OrigLines), int(h.NewLines)
		body := strings.TrimSuffix(string(h.Body), "\n")
		for _, s := range strings.Split(body, "\n") {
			if oldLeft <= 0 && newLeft <= 0 {
				// Past the hunk's lines: blank lines between files, the marker.
				if strings.TrimSpace(s) != "" && !strings.HasPrefix(s, "\\") {
					return f, fmt.Errorf("%w: in %s, a hunk holds more lines than its header (%s) says", ErrBadPatch, clipPath(f.Path), hunk.Header)
				}
				continue
			}
			kind := byte(' ')
			if s != "" {
				kind = s[0]
				s = s[1:]
			}
			switch kind {
			case '+':
				hunk.Lines = append(hunk.Lines, DiffLine{Kind: '+', New: newN, Text: s})
				newN, newLeft = newN+1, newLeft-1
				f.Added++
			case '-':
				hunk.Lines = append(hunk.Lines, DiffLine{Kind: '-', Old: oldN, Text: s})
				oldN, oldLeft = oldN+1, oldLeft-1
				f.Removed++
			case ' ':
				hunk.Lines = append(hunk.Lines, DiffLine{Kind: ' ', Old: oldN, New: newN, Text: s})
				oldN, newN, oldLeft, newLeft = oldN+1, newN+1, oldLeft-1, newLeft-1
			case '\\':
				// "\ No newline at end of file"
			default:
				return f, fmt.Errorf("%w: in %s, a hunk's line starts with %q, not +, - or a space", ErrBadPatch, clipPath(f.Path), kind)
			}
		}
		if oldLeft != 0 || newLeft != 0 {
			return f, fmt.Errorf("%w: in %s, a hunk's lines do not add up to what its header (%s) says", ErrBadPatch, clipPath(f.Path), hunk.Header)
		}
		f.Hunks = append(f.Hunks, hunk)
	}
	return f, nil
}

func clipPath(p string) string {
	if len(p) > 80 {
		return p[:77] + "…"
	}
	return p
}

// DiffTrees is the unified diff from the files before to the files after
// (path → content), as git writes it with renames found, made in a
// repository of its own that is gone when it returns.
func DiffTrees(ctx context.Context, before, after map[string]string) (string, error) {
	dir, err := os.MkdirTemp("", "anyhour-diff-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	r, err := Init(ctx, dir+"/repo.git", 0)
	if err != nil {
		return "", err
	}
	var parent string
	ids := make([]string, 0, 2)
	for _, tree := range []map[string]string{before, after} {
		paths := make([]string, 0, len(tree))
		for p := range tree {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		files := make([]File, 0, len(paths))
		for _, p := range paths {
			files = append(files, File{Path: p, Data: []byte(tree[p])})
		}
		id, err := r.Commit(ctx, files, parent, "tree\n", Signature{Name: "anyhour", Email: "noreply@anyhour.invalid"})
		if err != nil {
			return "", err
		}
		ids, parent = append(ids, id), id
	}
	out, err := r.run(ctx, nil, "diff", "--no-ext-diff", "--no-textconv", "--no-color", "-M", "-U3", ids[0], ids[1])
	if err != nil {
		return "", err
	}
	return string(out), nil
}
