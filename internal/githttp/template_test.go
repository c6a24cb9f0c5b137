package githttp_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/opening"
)

// templateURL is the step's template address with a member's API token.
func (w *world) templateURL(token string) string {
	u, _ := url.Parse(w.URL + "/git/template/" + strconv.FormatInt(w.step.ID, 10) + ".git")
	u.User = url.UserPassword("owner@example.com", token)
	return u.String()
}

// stepNow is the step as saved.
func (w *world) stepNow() opening.Step {
	w.t.Helper()
	iv, err := w.Openings.InterviewInOrg(context.Background(), w.owner.OrgID, w.alice.InterviewID)
	if err != nil {
		w.t.Fatal(err)
	}
	st, _ := iv.Step(w.step.ID)
	return st
}

// TestTemplatePush: a member who may edit the interview clones the step's
// template with an API token, pushes a new starter and tests, and the step
// takes them once checked; a push the step cannot take (a hidden test in
// the starter, a binary file) is refused, and nothing changes; a change
// made in the page comes into the template as a commit by anyhour.
func TestTemplatePush(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	token, _, err := w.Accounts.CreateAPIToken(ctx, w.owner, "git")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "template")
	mustGit(t, filepath.Dir(dir), "clone", "--quiet", w.templateURL(token), dir)
	for _, f := range []string{"app/pricing.py", "tests/test_pricing.py", ".anyhour/hidden/hidden/test_total.py", ".anyhour/README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the template lacks %s", f)
		}
	}

	// A new starter file, a new visible test by its name, a new hidden test.
	commit(t, dir, "app/tax.py", "RATE = 0.2\n", "Tax")
	commit(t, dir, "tests/test_tax.py", "from app.tax import RATE\n\ndef test_rate():\n    assert RATE == 0.2\n", "Tax test")
	commit(t, dir, ".anyhour/hidden/hidden/test_more.py", "from app.pricing import total\n\ndef test_three():\n    assert total([1, 1, 1]) == 3\n", "More hidden")
	out := mustGit(t, dir, "push", "--quiet")
	if !strings.Contains(out, "remote: anyhour: Saved as the step's files: 4 starter files, 2 visible tests, 2 hidden tests.") {
		t.Errorf("the push said:\n%s", out)
	}
	st := w.stepNow()
	if st.Takehome.Starter["app/tax.py"] != "RATE = 0.2\n" || st.Takehome.Visible["tests/test_tax.py"] == "" || st.Takehome.Hidden["hidden/test_more.py"] == "" {
		t.Fatalf("the step's files: %+v", st.Takehome)
	}
	if _, ok := st.Takehome.Starter[".anyhour/README.md"]; ok {
		t.Error("the template's README became a starter file")
	}
	// A candidate who starts now gets them, and no hidden test.
	alice := w.clone(w.start(w.alice))
	if _, err := os.Stat(filepath.Join(alice, "app", "tax.py")); err != nil {
		t.Error("the candidate's repository lacks the new starter file")
	}
	for _, p := range []string{".anyhour", "hidden"} {
		if _, err := os.Stat(filepath.Join(alice, p)); err == nil {
			t.Errorf("the candidate's repository holds %s", p)
		}
	}

	// Refused pushes change nothing, here or there.
	head := strings.TrimSpace(mustGit(t, dir, "rev-parse", "HEAD"))
	for _, c := range []struct{ name, path, text, want string }{
		{"a hidden test in the starter", "app/copy.py", st.Takehome.Hidden["hidden/test_total.py"], "hidden tests must never reach it"},
		{"a binary file", "logo.png", "\x89PNG\r\n\x1a\n\x00\x00", "logo.png is not a text file"},
	} {
		commit(t, dir, c.path, c.text, c.name)
		out, ok := gitRun(t, dir, "push")
		if ok || !strings.Contains(out, c.want) || !strings.Contains(out, "Nothing was changed") {
			t.Errorf("%s: the push said (ok %v):\n%s", c.name, ok, out)
		}
		mustGit(t, dir, "reset", "--quiet", "--hard", head)
	}
	if remote := strings.Fields(mustGit(t, dir, "ls-remote", "origin", "main"))[0]; remote != head {
		t.Errorf("a refused push moved the template to %s", remote)
	}
	if now := w.stepNow(); len(now.Takehome.Starter) != 4 {
		t.Errorf("a refused push changed the step: %+v", now.Takehome.Starter)
	}
	// Other branches and rewrites are refused.
	if out, ok := gitRun(t, dir, "push", "origin", "HEAD:refs/heads/other"); ok || !strings.Contains(out, "only the branch main") {
		t.Errorf("a push to another branch: %s", out)
	}

	// A change in the page reaches the template with the next pull.
	iv, err := w.Openings.InterviewInOrg(ctx, w.owner.OrgID, w.alice.InterviewID)
	if err != nil {
		t.Fatal(err)
	}
	task := *iv.Steps[0].Takehome
	task.Starter = map[string]string{"app/__init__.py": "", "app/pricing.py": "def total(items):\n    return None\n", "app/tax.py": "RATE = 0.25\n"}
	iv.Steps[0].Takehome = &task
	if _, err := w.Openings.UpdateInterview(ctx, w.owner, iv.ID, opening.InterviewInput{Steps: &iv.Steps}); err != nil {
		t.Fatal(err)
	}
	mustGit(t, dir, "pull", "--quiet")
	if data, _ := os.ReadFile(filepath.Join(dir, "app", "tax.py")); string(data) != "RATE = 0.25\n" {
		t.Errorf("after a pull the template holds %q", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err == nil {
		t.Error("a file removed in the page is still in the template")
	}
	if log := mustGit(t, dir, "log", "-1", "--format=%an: %s"); !strings.Contains(log, "anyhour: The step's files as saved in anyhour") {
		t.Errorf("the page's change came in as %q", log)
	}
}

// TestTemplateAccess: the template opens only to a member of the step's
// organisation whose role may edit interviews, with a live API token; a
// candidate's credentials, a reviewer's token, another organisation's
// token and a made-up one are each refused, and none learns the files.
func TestTemplateAccess(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	ctx := context.Background()
	creds := w.start(w.alice)

	secret, _, err := w.Accounts.InviteMember(ctx, w.owner, "rita@example.com", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	rita, err := w.Accounts.AcceptInvite(ctx, secret, "Rita", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	ritaToken, _, err := w.Accounts.CreateAPIToken(ctx, rita, "git")
	if err != nil {
		t.Fatal(err)
	}
	otherToken, err := w.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Globex", Email: "owner@globex.example"})
	if err != nil {
		t.Fatal(err)
	}
	revoked, tok, err := w.Accounts.CreateAPIToken(ctx, w.owner, "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Accounts.RevokeAPIToken(ctx, w.owner, tok.ID); err != nil {
		t.Fatal(err)
	}
	for name, password := range map[string]string{
		"a candidate's password":       creds.Password,
		"a reviewer's token":           ritaToken,
		"another organisation's token": otherToken,
		"a revoked token":              revoked,
		"a made-up token":              "aht_" + strings.Repeat("x", 40),
	} {
		dir := filepath.Join(t.TempDir(), "template")
		out, ok := gitRun(t, filepath.Dir(dir), "clone", "--quiet", w.templateURL(password), dir)
		if ok || !strings.Contains(out, "fatal") {
			t.Errorf("%s opened the template:\n%s", name, out)
		}
		if _, err := os.Stat(filepath.Join(dir, ".anyhour")); err == nil {
			t.Errorf("%s read the hidden tests", name)
		}
	}
}
