package githttp_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/takehome"
)

// world is an interview with a take-home step and two candidates, Alice
// and Bob, on a server.
type world struct {
	t *testing.T
	*apptest.World
	owner      account.Member
	step       opening.Step
	alice, bob application.Application
}

func ptr[T any](v T) *T { return &v }

func newWorld(t *testing.T, change func(*opening.TakehomeTask)) *world {
	t.Helper()
	gittest.Need(t)
	ctx := context.Background()
	w := &world{t: t, World: apptest.New(t, app.Config{})}
	w.Takehomes.SetReportWait(200 * time.Millisecond) // no worker runs here, unless a test starts one
	token, err := w.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if w.owner, err = w.Accounts.TokenMember(ctx, token); err != nil {
		t.Fatal(err)
	}
	job, err := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	task := &opening.TakehomeTask{Language: opening.Python, Hours: 3, MaxRepoMB: 2, MaxFileMB: 1,
		Starter: map[string]string{"app/__init__.py": "", "app/pricing.py": "def total(items):\n    return 0\n", "README.md": "# Pricing\n"},
		Visible: map[string]string{"tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n"},
		Hidden:  map[string]string{"hidden/test_total.py": "from app.pricing import total\n\ndef test_sum():\n    assert total([1, 2]) == 3\n"},
	}
	if change != nil {
		change(task)
	}
	iv, err := w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Take-home"), Steps: &[]opening.Step{
		{Kind: opening.KindTakehome, Title: "Pricing", Takehome: task},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w.step = iv.Steps[0]
	res, err := w.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: "Alice A", Email: "alice@example.com"}, {Name: "Bob B", Email: "bob@example.com"}})
	if err != nil || len(res.Invitations) != 2 {
		t.Fatalf("invite: %v %+v", err, res)
	}
	for i, a := range []*application.Application{&w.alice, &w.bob} {
		if *a, err = w.Applications.ByToken(ctx, res.Invitations[i].Token); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// grade grades pushes as the server does, in the sandbox, and lets the
// push's output wait for them.
func (w *world) grade() *grader.Grader {
	t := w.t
	t.Helper()
	box, err := sandbox.New(sandbox.Options{})
	if errors.Is(err, sandbox.ErrNoBwrap) && os.Getenv("CI") != "true" {
		t.Skipf("SKIPPING: grading needs bubblewrap: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Gradings.SetGrader(g, nil)
	// Longer than the service's own wait (but within the hook's), so
	// that a push's report says how it was graded on a loaded machine too.
	w.Takehomes.SetReportWait(2 * takehome.ReportWait)
	w.RunWorker(t)
	return g
}

// graded waits for a's pushes to be graded, n of them.
func (w *world) graded(a application.Application, n int) []takehome.Push {
	w.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		pushes, err := w.Takehomes.Pushes(context.Background(), a.ID, w.step.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		done := len(pushes) == n
		for _, p := range pushes {
			done = done && p.Grading.Status != takehome.Queued && p.Grading.Status != takehome.Running
		}
		if done {
			return pushes
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the pushes were not graded: %+v", pushes)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// start starts a's take-home and returns its credentials.
func (w *world) start(a application.Application) takehome.Credentials {
	w.t.Helper()
	c, err := w.Takehomes.Start(context.Background(), a, w.step.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// cloneURL is the repository's address with the credentials in it, as a
// credential helper would give them.
func (w *world) cloneURL(c takehome.Credentials) string {
	u, _ := url.Parse(w.URL + "/git/" + c.Repo.Path())
	u.User = url.UserPassword(c.Username, c.Password)
	return u.String()
}

// gitRun runs git as a candidate would, in dir, without prompts or the
// machine's configuration; it returns the output and whether git
// succeeded.
func gitRun(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = git.Env("GIT_AUTHOR_NAME=Alice A", "GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice A", "GIT_COMMITTER_EMAIL=alice@example.com")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

func mustGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, ok := gitRun(t, dir, args...)
	if !ok {
		t.Fatalf("git %s: %s", strings.Join(args, " "), out)
	}
	return out
}

// clone clones the repository into a new directory.
func (w *world) clone(c takehome.Credentials) string {
	w.t.Helper()
	dir := filepath.Join(w.t.TempDir(), "work")
	mustGit(w.t, filepath.Dir(dir), "clone", "--quiet", w.cloneURL(c), dir)
	return dir
}

func commit(t *testing.T, dir, path, text, message string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, path), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	mustGit(t, dir, "add", "-A")
	mustGit(t, dir, "commit", "--quiet", "-m", message)
}

func TestCloneCommitPush(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	c := w.start(w.alice)
	dir := w.clone(c)

	// The starter and the visible tests, never the hidden ones, in one
	// commit by anyhour.
	for _, p := range []string{"app/pricing.py", "README.md", "tests/test_pricing.py"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("the clone lacks %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "hidden")); err == nil {
		t.Error("the hidden tests are in the candidate's repository")
	}
	if log := mustGit(t, dir, "log", "--all", "--format=%an %s"); strings.TrimSpace(log) != "anyhour Starter for Pricing" {
		t.Errorf("history %q, want the starter's one commit", log)
	}
	if out := mustGit(t, dir, "log", "--all", "-p"); strings.Contains(out, "test_sum") {
		t.Error("the hidden tests are in the repository's history")
	}

	commit(t, dir, "app/pricing.py", "def total(items):\n    return sum(items)\n", "Sum the items")
	out := mustGit(t, dir, "push", "origin", "main")
	if !strings.Contains(out, "remote: anyhour: push ") || !strings.Contains(out, "waits to be graded; see the results on the step's page: "+w.URL+"/candidate/") {
		t.Errorf("an accepted push said %q", out)
	}
	head := strings.TrimSpace(mustGit(t, dir, "rev-parse", "HEAD"))
	pushes, err := w.Takehomes.Pushes(ctx, w.alice.ID, w.step.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pushes) != 1 || pushes[0].Commit != head || pushes[0].Message != "Sum the items" || pushes[0].Via != "git" || pushes[0].Parent != c.Repo.Starter {
		t.Fatalf("pushes %+v, want one to %s", pushes, head)
	}
	answers, err := w.Applications.Answers(ctx, w.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if answers[w.step.ID].Commit != head || !answers[w.step.ID].Given(opening.KindTakehome) {
		t.Errorf("answer %+v, want commit %s", answers[w.step.ID], head)
	}

	// The candidate's view and the API's answer carry the repository.
	v, err := w.Views.ForCandidate(ctx, w.alice)
	if err != nil {
		t.Fatal(err)
	}
	if st := v.Steps[0]; st.Repo == nil || st.Repo.Head != head || len(st.Pushes) != 1 || !st.Answered || st.ClosesAt.IsZero() {
		t.Errorf("view: repo %+v, %d pushes, answered %v, closes %v", st.Repo, len(st.Pushes), st.Answered, st.ClosesAt)
	}
	// The team reads nothing of it before the candidate submits.
	tv, err := w.Views.ForMember(ctx, w.owner, w.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st := tv.Steps[0]; st.Repo != nil || len(st.Pushes) != 0 {
		t.Errorf("the team reads the repository before submission: %+v", st.Repo)
	}
}

func TestRefusedPushesLoseNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	c := w.start(w.alice)
	dir := w.clone(c)
	commit(t, dir, "app/pricing.py", "def total(items):\n    return sum(items)\n", "Sum")
	mustGit(t, dir, "push", "--quiet", "origin", "main")
	kept := strings.TrimSpace(mustGit(t, dir, "rev-parse", "HEAD"))

	refused := func(name, want string, args ...string) {
		t.Helper()
		out, ok := gitRun(t, dir, args...)
		if ok {
			t.Errorf("%s: accepted: %s", name, out)
		} else if !strings.Contains(out, want) {
			t.Errorf("%s: git said %q, want %q", name, out, want)
		}
		repo, err := w.Takehomes.Repo(ctx, w.alice.ID, w.step.ID)
		if err != nil {
			t.Fatal(err)
		}
		if repo.Head != kept {
			t.Errorf("%s: the head moved to %s", name, repo.Head)
		}
	}

	// Another branch.
	mustGit(t, dir, "switch", "--quiet", "-c", "feature")
	commit(t, dir, "notes.txt", "ideas\n", "Notes")
	refused("a push to another branch", "remote: anyhour: only the branch main is taken", "push", "origin", "feature")
	mustGit(t, dir, "switch", "--quiet", "main")

	// A rewrite of history.
	mustGit(t, dir, "commit", "--quiet", "--amend", "-m", "Sum, amended")
	refused("a force-push", "remote: anyhour: this push would rewrite main's history", "push", "--force", "origin", "main")
	mustGit(t, dir, "reset", "--quiet", "--hard", kept)

	// A file over the limit (1 MB here), and a repository over its limit
	// (2 MB), in incompressible bytes.
	noise := rand.New(rand.NewChaCha8([32]byte{7}))
	random := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(noise.Uint32())
		}
		return string(b)
	}
	commit(t, dir, "data.bin", random(1500<<10), "Data")
	refused("a file over the limit", "data.bin (1 MB) is larger than the limit of 1 MB a file", "push", "origin", "main")
	mustGit(t, dir, "reset", "--quiet", "--hard", kept)
	for i := range 3 {
		commit(t, dir, fmt.Sprintf("part%d.bin", i), random(900<<10), fmt.Sprintf("Part %d", i))
	}
	refused("a repository over its limit", "more than the limit of 2 MB", "push", "origin", "main")
	mustGit(t, dir, "reset", "--quiet", "--hard", kept)

	// Submitted: no more pushes, with the reason.
	if _, err := w.Applications.Submit(ctx, w.alice); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "late.txt", "late\n", "Late")
	refused("a push after submitting", "you have submitted your answers", "push", "origin", "main")

	// Everything pushed before is still there, for the team now.
	if pushes, _ := w.Takehomes.Pushes(ctx, w.alice.ID, w.step.ID); len(pushes) != 1 || pushes[0].Commit != kept {
		t.Errorf("pushes %+v, want the one kept", pushes)
	}
}

func TestWindowCloses(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(t *opening.TakehomeTask) { t.WindowHours = 4 })
	// Started five hours ago: the four hours' window ended an hour ago.
	w.Takehomes.SetClock(func() time.Time { return time.Now().Add(-5 * time.Hour) })
	c := w.start(w.alice)
	w.Takehomes.SetClock(time.Now)
	dir := w.clone(c)
	commit(t, dir, "app/pricing.py", "def total(items):\n    return sum(items)\n", "Late sum")
	out, ok := gitRun(t, dir, "push", "origin", "main")
	if ok || !strings.Contains(out, "remote: anyhour: this take-home closed at") || !strings.Contains(out, "Everything you pushed before then is kept") {
		t.Errorf("a push after the window: ok %v, %q", ok, out)
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	alice := w.start(w.alice)
	bob := w.start(w.bob)
	tmp := t.TempDir()
	try := func(name, rawURL string, wantOK bool) {
		t.Helper()
		out, ok := gitRun(t, tmp, "ls-remote", rawURL)
		if ok != wantOK {
			t.Errorf("%s: ok %v, want %v: %s", name, ok, wantOK, out)
		}
	}
	try("Alice's own", w.cloneURL(alice), true)

	// Bob's credentials on Alice's repository.
	crossed := alice
	crossed.Username, crossed.Password = bob.Username, bob.Password
	try("Bob's credentials on Alice's repository", w.cloneURL(crossed), false)

	// A new password revokes the old one.
	again := w.start(w.alice)
	if again.Password == alice.Password || again.Repo.Starter != alice.Repo.Starter {
		t.Fatalf("a second start: %+v", again)
	}
	try("a revoked password", w.cloneURL(alice), false)
	try("the new password", w.cloneURL(again), true)

	// Paths that name no repository, or try to leave the root.
	u, _ := url.Parse(w.cloneURL(again))
	for _, p := range []string{
		fmt.Sprintf("/git/%d/%d.git/../../%d/%d.git", w.alice.ID, w.step.ID, w.bob.ID, w.step.ID),
		fmt.Sprintf("/git/%d/%d.git", w.bob.ID, w.step.ID),
		fmt.Sprintf("/git/%d/999999.git", w.alice.ID),
		fmt.Sprintf("/git/0%d/%d.git", w.alice.ID, w.step.ID),
	} {
		u.Path = p
		try(p, u.String(), false)
	}
}

// TestRepositoryComesBackFromItsBundle removes a repository from disk, as
// a new machine would lack it, and clones it again: it is made from the
// bundle in the blob store, with every push.
func TestRepositoryComesBackFromItsBundle(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	c := w.start(w.alice)
	dir := w.clone(c)
	commit(t, dir, "app/pricing.py", "def total(items):\n    return sum(items)\n", "Sum")
	mustGit(t, dir, "push", "--quiet", "origin", "main")
	head := strings.TrimSpace(mustGit(t, dir, "rev-parse", "HEAD"))
	if err := os.RemoveAll(filepath.Join(w.Takehomes.Root(), c.Repo.Path())); err != nil {
		t.Fatal(err)
	}
	again := w.clone(c)
	if got := strings.TrimSpace(mustGit(t, again, "rev-parse", "HEAD")); got != head {
		t.Errorf("the restored repository is at %s, want %s", got, head)
	}
	// And it takes pushes with its hooks in place.
	commit(t, again, "other.txt", "x\n", "More")
	mustGit(t, again, "push", "--quiet", "origin", "main")
	mustGit(t, again, "switch", "--quiet", "-c", "side")
	if out, ok := gitRun(t, again, "push", "origin", "side"); ok || !strings.Contains(out, "only the branch main") {
		t.Errorf("the restored repository's hook: ok %v %q", ok, out)
	}
}

// TestNothingPushedRunsOnTheServer pushes what would run on a machine
// that checked the tree out with git's help: hooks, an attributes filter,
// a .git directory in the tree (refused by git's checks as it arrives).
// The server never checks a tree out, and reads files as they are.
func TestNothingPushedRunsOnTheServer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	c := w.start(w.alice)
	dir := w.clone(c)
	marker := filepath.Join(t.TempDir(), "ran")
	hook := "#!/bin/sh\ntouch " + marker + "\n"
	commit(t, dir, ".gitattributes", "* filter=pwn diff=pwn\n", "Attributes")
	commit(t, dir, "hooks/post-receive", hook, "A hook")
	commit(t, dir, "config", "[core]\n\thooksPath = hooks\n[filter \"pwn\"]\n\tsmudge = "+hook+"\n", "A config")
	mustGit(t, dir, "push", "--quiet", "origin", "main")
	head := strings.TrimSpace(mustGit(t, dir, "rev-parse", "HEAD"))
	repo, err := w.Takehomes.Repo(ctx, w.alice.ID, w.step.ID)
	if err != nil || repo.Head != head {
		t.Fatalf("repo %+v, %v; want head %s", repo, err, head)
	}
	g, err := w.Takehomes.Open(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	files, err := g.Files(ctx, head, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == "hooks/post-receive" && string(f.Data) != hook {
			t.Errorf("the hook file reads %q", f.Data)
		}
	}
	commit(t, dir, "more.txt", "x\n", "More")
	mustGit(t, dir, "push", "--quiet", "origin", "main")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("something pushed ran on the server")
	}

	// A tree holding .git, made by hand since git will not add one.
	blob := strings.TrimSpace(runStdin(t, dir, "[core]\n\tbare = false\n", "hash-object", "-w", "--stdin"))
	inner := strings.TrimSpace(runStdin(t, dir, "100644 blob "+blob+"\tconfig\n", "mktree"))
	tree := strings.TrimSpace(runStdin(t, dir, "040000 tree "+inner+"\t.git\n100644 blob "+blob+"\tREADME.md\n", "mktree"))
	evil := strings.TrimSpace(runStdin(t, dir, "Sneak a .git in\n", "commit-tree", tree, "-p", "HEAD"))
	mustGit(t, dir, "update-ref", "refs/heads/main", evil)
	if out, ok := gitRun(t, dir, "push", "origin", "main"); ok || !strings.Contains(strings.ToLower(out), "dotgit") {
		t.Errorf("a tree holding .git: ok %v, %q", ok, out)
	}
}

func runStdin(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = git.Env("GIT_AUTHOR_NAME=Alice A", "GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice A", "GIT_COMMITTER_EMAIL=alice@example.com")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestPushesAreGraded: each push is graded by the hidden tests, judged
// apart from the candidate's code, and the repository's own tests run as
// the candidate's checks; the last push's score is the answer's, and the
// candidate reads hidden tests without their names.
func TestPushesAreGraded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	w.grade()
	ctx := context.Background()
	c := w.start(w.alice)
	dir := w.clone(c)

	// A wrong answer, with a conftest.py that marks every test passed.
	commit(t, dir, "conftest.py", "import pytest\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    outcome = yield\n    outcome.get_result().outcome = 'passed'\n", "Helpers")
	out := mustGit(t, dir, "push")
	// The push's output says how it was graded, as the candidate may know.
	for _, want := range []string{"remote: anyhour: push ", "is in and graded.", "remote: anyhour: Your tests: 1 of 1 passed.", "remote: anyhour: Hidden tests: 0 of 1 passed, 0 of 10 points."} {
		if !strings.Contains(out, want) {
			t.Errorf("the push's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "test_sum") {
		t.Errorf("the push's output names a hidden test:\n%s", out)
	}
	pushes, err := w.Takehomes.Pushes(ctx, w.alice.ID, w.step.ID)
	if err != nil || len(pushes) != 1 {
		t.Fatalf("pushes %+v, %v", pushes, err)
	}
	first := pushes[0].Grading
	if first.Status != "done" || first.Score == nil || *first.Score != 0 || *first.MaxScore != 10 || len(first.Tests) != 1 || first.Tests[0].Name != "test_sum" {
		t.Fatalf("the wrong answer's grading: %+v", first)
	}
	if len(first.Checks) != 1 || !first.Checks[0].Passed || first.Checks[0].Points != 0 {
		t.Errorf("the candidate's own checks: %+v", first.Checks)
	}

	commit(t, dir, "app/pricing.py", "def total(items):\n    return sum(items)\n", "Sum the items")
	if out := mustGit(t, dir, "push"); !strings.Contains(out, "Hidden tests: 1 of 1 passed, 10 of 10 points.") {
		t.Errorf("the right answer's push said:\n%s", out)
	}
	pushes, _ = w.Takehomes.Pushes(ctx, w.alice.ID, w.step.ID)
	if g := pushes[1].Grading; len(pushes) != 2 || g.Status != "done" || *g.Score != 10 {
		t.Fatalf("the right answer's grading: %+v", pushes[len(pushes)-1].Grading)
	}
	answers, _ := w.Applications.Answers(ctx, w.alice.ID)
	if a := answers[w.step.ID]; a.Score == nil || *a.Score != 10 {
		t.Errorf("the answer's score: %v", a.Score)
	}
	v, err := w.Views.ForCandidate(ctx, w.alice)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Steps[0].Pushes[1].Grading.Tests; len(got) != 1 || got[0].Name != "hidden test 1" || got[0].Message != "" || !got[0].Passed {
		t.Errorf("the candidate reads the hidden tests as %+v", got)
	}
	if st := v.Steps[0]; !st.Scored || st.Score != 10 {
		t.Errorf("the candidate's view: scored %v, %v", st.Scored, st.Score)
	}
}

// TestJavaScriptPushesAreGraded: a JavaScript take-home, its hidden test
// importing the repository's modules by relative paths, graded on push.
func TestJavaScriptPushesAreGraded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(t *opening.TakehomeTask) {
		t.Language = opening.JavaScript
		t.Starter = map[string]string{"package.json": `{"type": "module"}` + "\n", "src/pricing.mjs": "export function total(items) {\n  return 0;\n}\n"}
		t.Visible = map[string]string{"test/pricing.test.mjs": "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { total } from '../src/pricing.mjs';\n\ntest('empty', () => assert.strictEqual(total([]), 0));\n"}
		t.Hidden = map[string]string{"test/hidden.test.mjs": "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { total } from '../src/pricing.mjs';\n\ntest('sum', () => assert.strictEqual(total([1, 2]), 3));\n"}
	})
	w.grade()
	c := w.start(w.alice)
	dir := w.clone(c)
	commit(t, dir, "src/pricing.mjs", "export function total(items) {\n  return items.reduce((a, b) => a + b, 0);\n}\n", "Sum")
	out := mustGit(t, dir, "push")
	for _, want := range []string{"Your tests: 1 of 1 passed.", "Hidden tests: 1 of 1 passed, 10 of 10 points."} {
		if !strings.Contains(out, want) {
			t.Errorf("the push's output lacks %q:\n%s", want, out)
		}
	}
}

// TestGoPushesAreGraded: a Go take-home, a module whose hidden tests
// test its packages from inside and outside, graded on push; its own
// tests run with go test.
func TestGoPushesAreGraded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(t *opening.TakehomeTask) {
		t.Language = opening.Go
		t.Starter = map[string]string{
			"go.mod":             "module example.com/shop\n\ngo 1.22\n",
			"pricing/pricing.go": "package pricing\n\n// Total adds up the prices.\nfunc Total(prices []int) int {\n\treturn 0\n}\n",
			"cmd/shop/main.go":   "package main\n\nimport \"example.com/shop/pricing\"\n\nfunc main() { println(pricing.Total(nil)) }\n",
		}
		t.Visible = map[string]string{"pricing/pricing_test.go": "package pricing\n\nimport \"testing\"\n\nfunc TestEmpty(t *testing.T) {\n\tif Total(nil) != 0 {\n\t\tt.Fatal(\"empty\")\n\t}\n}\n"}
		t.Hidden = map[string]string{"pricing/hidden_test.go": "package pricing_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/pricing\"\n)\n\nfunc TestSum(t *testing.T) {\n\tif pricing.Total([]int{1, 2}) != 3 {\n\t\tt.Fatal(\"sum\")\n\t}\n}\n"}
	})
	w.grade()
	c := w.start(w.alice)
	dir := w.clone(c)
	if _, err := os.Stat(filepath.Join(dir, "pricing", "hidden_test.go")); err == nil {
		t.Fatal("the hidden test is in the candidate's repository")
	}
	commit(t, dir, "pricing/pricing.go", "package pricing\n\n// Total adds up the prices.\nfunc Total(prices []int) int {\n\tsum := 0\n\tfor _, p := range prices {\n\t\tsum += p\n\t}\n\treturn sum\n}\n", "Sum")
	out := mustGit(t, dir, "push")
	pushes := w.graded(w.alice, 1)
	g := pushes[0].Grading
	if g.Status != takehome.Done || g.Score == nil || *g.Score != 10 || len(g.Tests) != 1 || g.Tests[0].Name != "TestSum" {
		t.Fatalf("the grading: %+v", g)
	}
	if len(g.Checks) != 1 || g.Checks[0].Name != "pricing::TestEmpty" || !g.Checks[0].Passed {
		t.Errorf("the candidate's own checks: %+v\n%s", g.Checks, g.Logs)
	}
	// The push's output gives the results, or where to read them when
	// the grading takes longer than the push waits.
	if !strings.Contains(out, "Hidden tests: 1 of 1 passed, 10 of 10 points.") && !strings.Contains(out, "see the results on the step's page") {
		t.Errorf("the push said:\n%s", out)
	}
}
