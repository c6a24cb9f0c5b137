package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// TestCandidateTakehomeStepInBrowser: in Chromium, on a phone and on a
// desktop, a candidate reads the take-home's terms, starts it, copies the
// credentials the page shows once, pushes with git, and sees the push
// listed. Every state of the page passes axe.
func TestCandidateTakehomeStepInBrowser(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	ctx := context.Background()
	w := apptest.New(t, app.Config{})
	g, err := grader.New(sandboxtest.New(t), grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Gradings.SetGrader(g, nil)
	w.RunWorker(t) // each push waits for its grading
	ts := &testServer{Server: w.Server, DB: w.DB, Svc: w.Services}
	ts.signIn(t)
	f := &candidateFixture{ts: ts, owner: ts.member(t, "olivia@acme.example")}
	if f.job, err = w.Openings.CreateJob(ctx, f.owner, opening.JobInput{Title: candPtr("Engineer")}); err != nil {
		t.Fatal(err)
	}
	iv := f.takehomeStep(t)
	b := browsertest.New(t)
	for i, size := range []struct {
		name string
		w, h int
	}{{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}, {"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}} {
		res, err := w.Applications.Invite(ctx, f.owner, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: fmt.Sprintf("ada%d@example.com", i)}})
		if err != nil {
			t.Fatal(err)
		}
		inv := res.Invitations[0]
		p := b.Page(t, size.w, size.h)
		p.Navigate(w.URL + "/c/" + inv.Token)
		p.WaitVisible("a.cand-big")
		candEventually(t, "the page script stores the zone", func() bool {
			a, err := w.Applications.ByToken(ctx, inv.Token)
			return err == nil && a.TimeZone != ""
		})
		p.WaitVisible("summary[data-zone]")
		p.Navigate(w.URL + candStepPath(inv, iv.Steps[0]))
		p.WaitVisible(".takehome-facts")
		p.CheckAccessibility()
		p.Screenshot("takehome-before-" + size.name)

		p.Submit(`form[action$="/takehome"]`)
		p.WaitVisible("code.password")
		p.CheckAccessibility()
		p.Screenshot("takehome-started-" + size.name)
		password := strings.TrimSpace(p.Text("code.password"))
		clone := strings.TrimSpace(p.Text("code.copyable"))

		// The candidate's git, with what the page showed.
		u, _ := url.Parse(clone)
		u.User = url.UserPassword(fmt.Sprintf("candidate-%d-%d", inv.Application.ID, iv.Steps[0].ID), password)
		dir := filepath.Join(t.TempDir(), "work")
		for _, args := range [][]string{{"clone", "--quiet", u.String(), dir}} {
			candGit(t, "", args...)
		}
		if err := os.WriteFile(filepath.Join(dir, "app", "pricing.py"), []byte("def total(items):\n    return sum(items)\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		candGit(t, dir, "commit", "--quiet", "-am", "Add up the items")
		candGit(t, dir, "push", "--quiet")

		p.Navigate(w.URL + candStepPath(inv, iv.Steps[0]))
		p.WaitVisible(".push-list")
		if got := p.Text(".push-list"); !strings.Contains(got, "Add up the items") || !strings.Contains(got, "10 / 10 points from the hidden tests") {
			t.Errorf("%s: the pushes read %q", size.name, got)
		}
		p.Click(".push-list details summary")
		p.CheckAccessibility()
		p.Screenshot("takehome-pushed-" + size.name)
	}
}

// candGit runs git as a candidate would, without prompts or the machine's
// configuration.
func candGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = git.Env("GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
}
