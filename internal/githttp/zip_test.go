package githttp_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
)

// TestZipUpload: work handed in as a zip becomes a commit, graded like a
// push; a zip that would put files outside the repository, hold links,
// unpack to more than it says or hold too many files is refused with the
// reason, and nothing handed in before is lost.
func TestZipUpload(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	c := w.start(w.alice)

	// A project zipped with its folder and its .git: both are dropped.
	good := gittest.Zip(t, map[string]string{
		"pricing-main/app/__init__.py":  "",
		"pricing-main/app/pricing.py":   "def total(items):\n    return sum(items)\n",
		"pricing-main/README.md":        "# Pricing\n",
		"pricing-main/.git/config":      "[core]\n\thooksPath = /tmp\n",
		"pricing-main/.git/hooks/x":     "#!/bin/sh\n",
		"pricing-main/tests/test_it.py": "def test_it():\n    pass\n",
	})
	p, err := w.Takehomes.Upload(ctx, w.alice, w.step.ID, "pricing-main.zip", good)
	if err != nil || p == nil || p.Via != "zip" {
		t.Fatalf("a good zip: %+v, %v", p, err)
	}
	repo, _ := w.Takehomes.Repo(ctx, w.alice.ID, w.step.ID)
	g, err := w.Takehomes.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	files, err := g.Files(ctx, repo.Head, 0)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, " "); got != "README.md app/__init__.py app/pricing.py tests/test_it.py" {
		t.Errorf("the commit holds %s", got)
	}
	if log, _ := g.Log(ctx, repo.Head, 5); len(log) != 2 || log[0].Author != "Alice A" || log[0].Message != "Upload pricing-main.zip in the browser" || log[1].ID != c.Repo.Starter {
		t.Errorf("history %+v", log)
	}
	kept := repo.Head

	// What a hostile or broken zip holds.
	var lying bytes.Buffer
	zw := zip.NewWriter(&lying)
	big := bytes.Repeat([]byte{0}, 3<<20)
	var deflated bytes.Buffer
	{
		fw, _ := zip.NewWriter(&deflated).CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
		_ = fw
	}
	h := &zip.FileHeader{Name: "bomb.bin", Method: zip.Store, CRC32: crc32.ChecksumIEEE(big), CompressedSize64: uint64(len(big)), UncompressedSize64: 10}
	if raw, err := zw.CreateRaw(h); err == nil {
		raw.Write(big)
	}
	zw.Close()

	var link bytes.Buffer
	zw = zip.NewWriter(&link)
	lh := &zip.FileHeader{Name: "app/secrets"}
	lh.SetMode(fs.ModeSymlink | 0o777)
	lf, _ := zw.CreateHeader(lh)
	lf.Write([]byte("/etc/passwd"))
	zw.Close()

	many := map[string]string{}
	for i := range 5001 {
		many[fmt.Sprintf("f%d.txt", i)] = ""
	}
	for _, bad := range []struct {
		name string
		data []byte
		kind error
		says string
	}{
		{"a path leaving the repository", gittest.Zip(t, map[string]string{"../../etc/cron.d/x": "* * * * * root sh\n"}), apperr.ErrInvalid, "not a path a repository may hold"},
		{"an absolute path", gittest.Zip(t, map[string]string{"/etc/passwd": "x"}), apperr.ErrInvalid, "not a path a repository may hold"},
		{"a link", link.Bytes(), apperr.ErrInvalid, "is a link or a special file"},
		{"a file over the limit", gittest.Zip(t, map[string]string{"data.bin": strings.Repeat("x", 1<<20+1)}), apperr.ErrTooLarge, "larger than the limit of 1 MB a file"},
		{"a zip that lies about its size", lying.Bytes(), nil, ""},
		{"too many files", gittest.Zip(t, many), apperr.ErrInvalid, "at most 5000 files"},
		{"not a zip", []byte("PK\x03\x04 but not really"), apperr.ErrInvalid, "not a zip file"},
		{"nothing in it", gittest.Zip(t, map[string]string{}), apperr.ErrInvalid, "holds no files"},
	} {
		p, err := w.Takehomes.Upload(ctx, w.alice, w.step.ID, "work.zip", bad.data)
		if err == nil {
			t.Errorf("%s: taken as %+v", bad.name, p)
			continue
		}
		if bad.kind != nil && (!errors.Is(err, bad.kind) || !strings.Contains(apperr.Message(err), bad.says)) {
			t.Errorf("%s: %v, want %v saying %q", bad.name, err, bad.kind, bad.says)
		}
		if r, _ := w.Takehomes.Repo(ctx, w.alice.ID, w.step.ID); r.Head != kept {
			t.Errorf("%s: the head moved", bad.name)
		}
	}

	// After submitting, no more work is taken.
	if _, err := w.Applications.Submit(ctx, w.alice); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Takehomes.Upload(ctx, w.alice, w.step.ID, "late.zip", good); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "you have submitted") {
		t.Errorf("an upload after submitting: %v", err)
	}

	// The repository downloads as a zip, at any of its commits, and not at
	// another repository's.
	var buf bytes.Buffer
	if err := w.Takehomes.WriteZip(ctx, repo, c.Repo.Starter, "work", &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 4 || zr.File[0].Name != "work/README.md" {
		t.Errorf("the starter's zip: %v %d", err, len(zr.File))
	}
	w.start(w.bob)
	bobs, err := w.Takehomes.Upload(ctx, w.bob, w.step.ID, "bob.zip", gittest.Zip(t, map[string]string{"bob.txt": "Bob's own work\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Takehomes.WriteZip(ctx, repo, bobs.Commit, "work", &buf); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another repository's commit: %v", err)
	}
}

// TestFeedbackReachesTheCandidateWithTheDecision: reviewers comment on
// lines of the work; the candidate reads the comments marked feedback
// once told the decision, and never the team's own.
func TestFeedbackReachesTheCandidateWithTheDecision(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	w.start(w.alice)
	if _, err := w.Takehomes.Upload(ctx, w.alice, w.step.ID, "work.zip", gittest.Zip(t, map[string]string{"app/pricing.py": "def total(items):\n    return sum(items)\n"})); err != nil {
		t.Fatal(err)
	}
	a, err := w.Applications.Submit(ctx, w.alice)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := w.Takehomes.TeamRepo(ctx, w.owner, a, w.step.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []takehome.CommentInput{
		{Commit: repo.Head, Path: "app/pricing.py", Side: "new", Line: 2, Body: "Clear and short.", Feedback: true},
		{Commit: repo.Head, Path: "app/pricing.py", Side: "new", Line: 1, Body: "Strong hire, but ask about floats."},
	} {
		if _, err := w.Takehomes.AddComment(ctx, w.owner, repo, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []takehome.CommentInput{
		{Commit: repo.Head, Path: "app/pricing.py", Side: "new", Line: 99, Body: "x"},
		{Commit: repo.Head, Path: "app/nothing.py", Side: "new", Line: 1, Body: "x"},
		{Commit: strings.Repeat("a", 40), Path: "app/pricing.py", Side: "new", Line: 1, Body: "x"},
		{Commit: repo.Head, Path: "app/pricing.py", Side: "new", Line: 1, Body: "   "},
	} {
		if _, err := w.Takehomes.AddComment(ctx, w.owner, repo, bad); err == nil {
			t.Errorf("a comment %+v was added", bad)
		}
	}
	feedback := func() []takehome.Comment {
		a, err := w.Applications.Application(ctx, w.owner, a.ID) // as it is now
		if err != nil {
			t.Fatal(err)
		}
		v, err := w.Views.ForCandidate(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v.Steps[0].Feedback
	}
	if got := feedback(); len(got) != 0 {
		t.Errorf("before the decision the candidate reads %+v", got)
	}
	if _, problems, err := w.Decisions.Decide(ctx, w.owner, []int64{a.ID}, decision.Input{Outcome: decision.Advance, Template: "Good news, [first name]."}); err != nil || len(problems) > 0 {
		t.Fatalf("decide: %v %+v", err, problems)
	}
	if got := feedback(); len(got) != 1 || got[0].Body != "Clear and short." || got[0].Line != 2 {
		t.Errorf("after the decision the candidate reads %+v", got)
	}
}

// TestPaymentRecord: the team records paying a take-home's compensation,
// and takes the record back; a reviewer cannot, nor anyone for a step
// without compensation or not started.
func TestPaymentRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(t *opening.TakehomeTask) {
		t.Compensation = &opening.Compensation{Amount: "150", Currency: "EUR"}
	})
	ctx := context.Background()
	if err := w.Takehomes.RecordPayment(ctx, w.owner, w.alice, w.step.ID, "2026-12-07", "INV-1"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("before the start: %v", err)
	}
	w.start(w.alice)
	for _, bad := range []string{"7 Dec", "2026-13-01"} {
		if err := w.Takehomes.RecordPayment(ctx, w.owner, w.alice, w.step.ID, bad, ""); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("the day %q: %v", bad, err)
		}
	}
	if err := w.Takehomes.RecordPayment(ctx, w.owner, w.alice, w.step.ID, "2026-12-07", "INV-1"); err != nil {
		t.Fatal(err)
	}
	r, _ := w.Takehomes.Repo(ctx, w.alice.ID, w.step.ID)
	if r.PaidOn != "2026-12-07" || r.PaidReference != "INV-1" {
		t.Errorf("the record: %q %q", r.PaidOn, r.PaidReference)
	}
	reviewer := w.owner
	reviewer.Role = account.Reviewer
	if err := w.Takehomes.RecordPayment(ctx, reviewer, w.alice, w.step.ID, "", ""); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer: %v", err)
	}
	if err := w.Takehomes.RecordPayment(ctx, w.owner, w.alice, w.step.ID, "", "ignored"); err != nil {
		t.Fatal(err)
	}
	if r, _ := w.Takehomes.Repo(ctx, w.alice.ID, w.step.ID); r.PaidOn != "" || r.PaidReference != "" {
		t.Errorf("taken back: %q %q", r.PaidOn, r.PaidReference)
	}
}

// TestUploadedZipIsGraded: work handed in as a zip in the browser is
// graded as a push is, the hidden tests giving the points and the
// repository's own tests shown as the candidate's checks.
func TestUploadedZipIsGraded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	w.grade()
	ctx := context.Background()
	w.start(w.alice)
	work := gittest.Zip(t, map[string]string{
		"app/__init__.py":       "",
		"app/pricing.py":        "def total(items):\n    return sum(items)\n",
		"tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n",
	})
	if _, err := w.Takehomes.Upload(ctx, w.alice, w.step.ID, "work.zip", work); err != nil {
		t.Fatal(err)
	}
	pushes := w.graded(w.alice, 1)
	g := pushes[0].Grading
	if pushes[0].Via != "zip" || g.Status != takehome.Done || g.Score == nil || *g.Score != 10 || len(g.Checks) != 1 || !g.Checks[0].Passed {
		t.Fatalf("the zip's grading: %+v", pushes[0])
	}
	answers, err := w.Applications.Answers(ctx, w.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := answers[w.step.ID]; a.Score == nil || *a.Score != 10 {
		t.Errorf("the answer's score: %v", a.Score)
	}
}
