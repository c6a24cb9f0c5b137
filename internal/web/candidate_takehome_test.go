package web_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/opening"
)

// takehomeStep adds to f an interview of one take-home step: Python, three
// hours, a four hours' window, paid.
func (f *candidateFixture) takehomeStep(t *testing.T) opening.Interview {
	t.Helper()
	iv, err := f.ts.Svc.Openings.CreateInterview(context.Background(), f.owner, opening.InterviewInput{JobID: &f.job.ID,
		Title: candPtr("Take-home"), Steps: &[]opening.Step{{Kind: opening.KindTakehome, Title: "Pricing",
			Prompt: "Make `total` add up the items.",
			Takehome: &opening.TakehomeTask{Language: opening.Python, Hours: 3, WindowHours: 4,
				Compensation: &opening.Compensation{Amount: "150", Currency: "EUR", Terms: "paid within 14 days of submitting"},
				Starter:      map[string]string{"app/pricing.py": "def total(items):\n    return 0\n"},
				Visible:      map[string]string{"tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n"},
				Hidden:       map[string]string{"hidden/test_total.py": "from app.pricing import total\n\ndef test_sum():\n    assert total([1, 2]) == 3\n"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return iv
}

// TestCandidateTakehomeStep: the step says the effort, the window and the
// pay before the candidate starts; starting makes the repository and shows
// the password once; a page loaded later does not show it, and a new one
// replaces it.
func TestCandidateTakehomeStep(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	f := newCandidateFixture(t)
	iv := f.takehomeStep(t)
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	step := candStepPath(inv, iv.Steps[0])

	resp, body := b.get(step)
	doc := candHTML(t, body)
	facts := candText(doc, ".takehome-facts")
	for _, want := range []string{"About 3 hours of work", "4 hours from when you start", "150 EUR: paid within 14 days of submitting", "Python"} {
		if !strings.Contains(facts, want) {
			t.Errorf("before the start, the facts %q lack %q", facts, want)
		}
	}
	if resp.StatusCode != http.StatusOK || doc.Find(`form[action="`+step+`/takehome"] button`).Length() != 1 || strings.Contains(body, "git clone") {
		t.Fatalf("before the start: %d\n%s", resp.StatusCode, candText(doc, "main"))
	}

	// The starter downloads as a zip without starting the clock.
	resp, body = b.get(step + "/takehome.zip")
	if zr, err := zip.NewReader(strings.NewReader(body), int64(len(body))); resp.StatusCode != http.StatusOK || err != nil ||
		resp.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || len(zr.File) != 2 {
		t.Fatalf("the starter's zip: %d %q %v", resp.StatusCode, resp.Header.Get("Content-Disposition"), err)
	}
	if _, err := f.ts.Svc.Takehomes.Repo(context.Background(), inv.Application.ID, iv.Steps[0].ID); err == nil {
		t.Error("downloading the starter started the step")
	}

	resp, body = b.post(step+"/takehome", candForm())
	doc = candHTML(t, body)
	password := candText(doc, "code.password")
	clone := f.ts.URL + "/git/"
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(password, "ahg_") || !strings.Contains(candText(doc, ".git-howto"), "git clone "+clone) ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("after the start: %d, password %q, cache %q\n%s", resp.StatusCode, password, resp.Header.Get("Cache-Control"), candText(doc, "main"))
	}
	if !strings.Contains(candText(doc, ".takehome-facts"), "Pushes are taken until") {
		t.Errorf("the window's end is not said: %q", candText(doc, ".takehome-facts"))
	}

	// Later, the password is not shown again.
	_, body = b.get(step)
	if strings.Contains(body, password) || candHTML(t, body).Find("code.password").Length() != 0 {
		t.Error("the password is shown on a later visit")
	}
	// A new one replaces it: the old one no longer opens the repository.
	_, body = b.post(step+"/takehome", candForm())
	again := candText(candHTML(t, body), "code.password")
	if again == "" || again == password {
		t.Fatalf("a new password: %q", again)
	}
	repo, err := f.ts.Svc.Takehomes.Repo(context.Background(), inv.Application.ID, iv.Steps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.Svc.Takehomes.Authenticate(context.Background(), repo.ApplicationID, repo.StepID, repo.Username, password); err == nil {
		t.Error("the old password still opens the repository")
	}
	if _, err := f.ts.Svc.Takehomes.Authenticate(context.Background(), repo.ApplicationID, repo.StepID, repo.Username, again); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

// TestCandidateTakehomeZip: without git, a candidate hands in a zip of
// their work on the step page; a zip that tries to leave the repository
// is refused with the reason, and the work handed in before stays.
func TestCandidateTakehomeZip(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	f := newCandidateFixture(t)
	iv := f.takehomeStep(t)
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	step := candStepPath(inv, iv.Steps[0])
	b.post(step+"/takehome", candForm())

	work := zipBytes(t, map[string]string{"work/app/pricing.py": "def total(items):\n    return sum(items)\n", "work/tests/test_pricing.py": "def test_x():\n    pass\n"})
	resp, body := b.postFile(step+"/takehome/upload", nil, "work", "work.zip", work)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, ".flash"), "Your zip is in, as commit") || !strings.Contains(candText(doc, ".push-list"), "Upload work.zip in the browser") {
		t.Fatalf("a zip of work: %d %q\n%s", resp.StatusCode, candText(doc, ".flash"), candText(doc, "main"))
	}
	evil := zipBytes(t, map[string]string{"../../../etc/cron.d/evil": "* * * * * root sh\n"})
	resp, body = b.postFile(step+"/takehome/upload", nil, "work", "evil.zip", evil)
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "[role=alert]"), "not a path a repository may hold") ||
		doc.Find(".push-list > li").Length() != 1 {
		t.Errorf("an evil zip: %d %q, %d pushes listed", resp.StatusCode, candText(doc, "[role=alert]"), doc.Find(".push-list > li").Length())
	}
}

func zipBytes(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, text := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTeamSetsTakehomeFiles: the team replaces a take-home's starter and
// tests with zips on the step's own page; a hidden test that is also in
// the starter is refused with the reason, and nothing saved is lost.
func TestTeamSetsTakehomeFiles(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	iv := f.takehomeStep(t)
	b := f.ts.signInAs(t, "olivia@acme.example", "correct horse battery")
	page := fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, iv.Steps[0].ID)
	resp, body := b.get(page)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, "#set-hidden"), "Hidden tests") || !strings.Contains(candText(doc, "main"), "hidden/test_total.py") {
		t.Fatalf("the page: %d\n%s", resp.StatusCode, candText(doc, "main"))
	}
	starter := zipBytes(t, map[string]string{"pricing/app/__init__.py": "", "pricing/app/pricing.py": "def total(items):\n    raise NotImplementedError\n", "pricing/README.md": "# Pricing\n"})
	resp, body = b.postFile(page, url.Values{"set": {"starter"}}, "archive", "starter.zip", starter)
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, ".flash"), "Saved: 3 files.") || !strings.Contains(candText(doc, "#set-starter"), "") {
		t.Fatalf("a starter zip: %d %q", resp.StatusCode, candText(doc, ".flash"))
	}
	got, err := f.ts.Svc.Openings.Interview(context.Background(), f.owner, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if th := got.Steps[0].Takehome; len(th.Starter) != 3 || th.Starter["app/pricing.py"] == "" || len(th.Hidden) != 1 {
		t.Errorf("saved: %+v", th)
	}
	leak := zipBytes(t, map[string]string{"README.md": "# Pricing\n"})
	resp, body = b.postFile(page, url.Values{"set": {"hidden"}}, "archive", "hidden.zip", leak)
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "[role=alert]"), "hidden tests must never reach it") {
		t.Errorf("hidden tests copied from the starter: %d %q", resp.StatusCode, candText(doc, "[role=alert]"))
	}
	binary := zipBytes(t, map[string]string{"logo.png": "\x89PNG\x00\x00"})
	resp, body = b.postFile(page, url.Values{"set": {"starter"}}, "archive", "bin.zip", binary)
	if doc = candHTML(t, body); resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "[role=alert]"), "not a text file") {
		t.Errorf("a binary starter: %d %q", resp.StatusCode, candText(doc, "[role=alert]"))
	}
	if got, _ := f.ts.Svc.Openings.Interview(context.Background(), f.owner, iv.ID); len(got.Steps[0].Takehome.Starter) != 3 || len(got.Steps[0].Takehome.Hidden) != 1 {
		t.Errorf("refused zips changed the step: %+v", got.Steps[0].Takehome)
	}
}

// TestTeamSetsTakehomeFilesFromTar: the starter may come as a .tar.gz;
// a link in it is refused.
func TestTeamSetsTakehomeFilesFromTar(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	iv := f.takehomeStep(t)
	b := f.ts.signInAs(t, "olivia@acme.example", "correct horse battery")
	page := fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, iv.Steps[0].ID)
	tgz := func(entries ...*tar.Header) []byte {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		for _, h := range entries {
			body := []byte("print('hi')\n")
			if h.Typeflag == tar.TypeReg {
				h.Size = int64(len(body))
			}
			tw.WriteHeader(h)
			if h.Typeflag == tar.TypeReg {
				tw.Write(body)
			}
		}
		tw.Close()
		gz.Close()
		return buf.Bytes()
	}
	good := tgz(&tar.Header{Name: "pricing/", Typeflag: tar.TypeDir, Mode: 0o755}, &tar.Header{Name: "pricing/app/main.py", Typeflag: tar.TypeReg, Mode: 0o644})
	resp, body := b.postFile(page, url.Values{"set": {"starter"}}, "archive", "starter.tar.gz", good)
	if doc := candHTML(t, body); resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, ".flash"), "Saved: 1 file.") {
		t.Fatalf("a .tar.gz: %d %q %q", resp.StatusCode, candText(doc, ".flash"), candText(doc, "[role=alert]"))
	}
	link := tgz(&tar.Header{Name: "app/secret", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"})
	resp, body = b.postFile(page, url.Values{"set": {"starter"}}, "archive", "evil.tar.gz", link)
	if doc := candHTML(t, body); resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "[role=alert]"), "a link or a special file") {
		t.Errorf("a link in a tar: %d %q", resp.StatusCode, candText(doc, "[role=alert]"))
	}
}

// TestTeamEditsTakehomeFiles: the team writes a file of the starter in
// the page, renames it, and removes it; a hidden test typed into the
// starter by mistake is refused, and what was typed comes back.
func TestTeamEditsTakehomeFiles(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	iv := f.takehomeStep(t)
	b := f.ts.signInAs(t, "olivia@acme.example", "correct horse battery")
	page := fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, iv.Steps[0].ID)
	resp, body := b.get(page + "?edit=starter:")
	if doc := candHTML(t, body); resp.StatusCode != http.StatusOK || doc.Find("#editor textarea#file-text").Length() != 1 {
		t.Fatalf("a new file's editor: %d", resp.StatusCode)
	}
	resp, body = b.post(page, url.Values{"set": {"starter"}, "old": {""}, "path": {"app/money.py"}, "text": {"def cents(x):\r\n    return round(x * 100)\r\n"}})
	if doc := candHTML(t, body); !strings.Contains(candText(doc, ".flash"), "Saved app/money.py.") {
		t.Fatalf("a new file: %d %q %q", resp.StatusCode, candText(doc, ".flash"), candText(doc, "[role=alert]"))
	}
	resp, body = b.post(page, url.Values{"set": {"starter"}, "old": {"app/money.py"}, "path": {"app/cents.py"}, "text": {"def cents(x):\n    return round(x * 100)\n"}})
	got, _ := f.ts.Svc.Openings.Interview(context.Background(), f.owner, iv.ID)
	if st := got.Steps[0].Takehome.Starter; st["app/cents.py"] != "def cents(x):\n    return round(x * 100)\n" || st["app/money.py"] != "" {
		t.Errorf("renamed: %v", st)
	}
	hidden := got.Steps[0].Takehome.Hidden["hidden/test_total.py"]
	resp, body = b.post(page, url.Values{"set": {"starter"}, "old": {""}, "path": {"tests/copy.py"}, "text": {hidden}, "edit": {"starter:"}})
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "[role=alert]"), "hidden tests must never reach it") || doc.Find("#file-text").Text() != hidden {
		t.Errorf("a hidden test into the starter: %d %q", resp.StatusCode, candText(doc, "[role=alert]"))
	}
	b.post(page, url.Values{"set": {"starter"}, "old": {"app/cents.py"}, "action": {"remove"}})
	if got, _ := f.ts.Svc.Openings.Interview(context.Background(), f.owner, iv.ID); got.Steps[0].Takehome.Starter["app/cents.py"] != "" || len(got.Steps[0].Takehome.Starter) != 1 {
		t.Errorf("removed: %v", got.Steps[0].Takehome.Starter)
	}
}
