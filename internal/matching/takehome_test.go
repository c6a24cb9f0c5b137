package matching_test

import (
	"context"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestTakehomesAreCompared: a take-home's last push before the submission
// is compared file by file, its language's files only, the starter's
// files set aside.
func TestTakehomesAreCompared(t *testing.T) {
	gittest.Need(t)
	w := newWorld(t)
	ctx := context.Background()
	job, err := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Backend")})
	if err != nil {
		t.Fatal(err)
	}
	step := opening.Step{Kind: opening.KindTakehome, Title: "Counts", Takehome: &opening.TakehomeTask{Language: opening.Python, Hours: 2,
		Starter: map[string]string{"app/__init__.py": "", "app/counts.py": starter},
		Hidden:  map[string]string{"hidden/test_counts.py": "from app.counts import word_counts\n\ndef test_one():\n    assert word_counts('a') == [('a', 1)]\n"}}}
	iv, err := w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Take-home"), Steps: &[]opening.Step{step}})
	if err != nil {
		t.Fatal(err)
	}
	st := iv.Steps[0]
	apps := map[string]application.Application{}
	for _, c := range []struct{ name, code string }{{"Ann", ada}, {"Ben", bob}, {"Cat", dee}} {
		res, err := w.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: c.name, Email: strings.ToLower(c.name) + "@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		a := res.Invitations[0].Application
		if _, err := w.Takehomes.Start(ctx, a, st.ID); err != nil {
			t.Fatal(err)
		}
		work := gittest.Zip(t, map[string]string{"app/__init__.py": "", "app/counts.py": c.code, "NOTES.md": "I " + c.name + " wrote this.\n"})
		if _, err := w.Takehomes.Upload(ctx, a, st.ID, "work.zip", work); err != nil {
			t.Fatal(err)
		}
		if a, err = w.Applications.ByToken(ctx, res.Invitations[0].Token); err != nil {
			t.Fatal(err)
		}
		if a, err = w.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		apps[c.name] = a
	}
	w.Work(t)
	r, err := w.Matchings.Report(ctx, w.owner, st.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.State.Submissions != 3 || len(r.Pairs) != 1 {
		t.Fatalf("state %+v, pairs %+v: want Ann and Ben of 3", r.State, r.Pairs)
	}
	p := r.Pairs[0]
	if p.LeftApplication != apps["Ann"].ID || p.RightApplication != apps["Ben"].ID || p.Similarity < 0.9 {
		t.Fatalf("pair = %+v", p)
	}
	for _, f := range p.Fragments {
		if f.Left.File != "app/counts.py" || f.Right.File != "app/counts.py" {
			t.Errorf("fragment %+v is not in app/counts.py", f)
		}
	}
	v, err := w.Matchings.Pair(ctx, w.owner, st.ID, apps["Ann"].ID, apps["Ben"].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Left.Files) != 2 || len(v.Template) != 2 { // app/__init__.py and app/counts.py; NOTES.md is not Python
		t.Errorf("the pair's files: %d left, %d in the template", len(v.Left.Files), len(v.Template))
	}
}
