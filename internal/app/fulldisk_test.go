package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/testproc"
)

// candidateOf invites a candidate to an interview of one written step in
// a, and returns the invitation.
func candidateOf(t *testing.T, a *app.App) (application.Invitation, opening.Step) {
	t.Helper()
	ctx := context.Background()
	_, owner, err := a.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, err := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Eng")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("R1"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Tell us"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Invitations[0], iv.Steps[0]
}

// browser is a candidate's browser: it follows their link once, and
// keeps the cookie it gets.
func browser(t *testing.T, base, token string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/c/" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the candidate's link: %d", resp.StatusCode)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// postMessage sends the candidate's message form with one file.
func postMessage(t *testing.T, c *http.Client, base string, appID int64, body string, file []byte) (int, http.Header, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("body", body)
	fw, _ := mw.CreateFormFile("files", "notes.txt")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/candidate/%d/messages", base, appID), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestFullDiskMessageFile: a candidate sends a message with a file while
// the disk the files live on is full (a tmpfs, filled). The page says so
// (503, Retry-After), keeps what they wrote, names no file on the server,
// and nothing is stored: no message, no half a file. Once space is freed,
// without a restart, the same message goes with its file.
func TestFullDiskMessageFile(t *testing.T) {
	dir, ok := testproc.TinyDisk(t, 2<<20)
	if !ok {
		return
	}
	w := apptest.New(t, app.Config{DataDir: dir})
	inv, _ := candidateOf(t, w.App)
	c := browser(t, w.URL, inv.Token)
	file := bytes.Repeat([]byte("a line of notes\n"), 20_000) // 320 KB

	free := testproc.Fill(t, dir)
	status, header, page := postMessage(t, c, w.URL, inv.Application.ID, "Here are my notes.", file)
	if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" ||
		!strings.Contains(page, "storage is full") || !strings.Contains(page, "Here are my notes.") {
		t.Errorf("a message with a file on a full disk: %d, Retry-After %q\n%s", status, header.Get("Retry-After"), page)
	}
	for _, leak := range []string{dir, "no space left", "/tmp"} {
		if strings.Contains(page, leak) {
			t.Errorf("the page says %q", leak)
		}
	}
	if ms, err := w.Messages.CandidateThread(context.Background(), inv.Application); err != nil || len(ms) != 0 {
		t.Errorf("after a full disk the thread holds %d messages (%v)", len(ms), err)
	}
	if left := filesUnder(t, filepath.Join(dir, "blobs", "attachments")); len(left) > 0 {
		t.Errorf("a message refused on a full disk left files: %q", left)
	}
	free()

	if status, _, page := postMessage(t, c, w.URL, inv.Application.ID, "Here are my notes.", file); status != http.StatusSeeOther {
		t.Fatalf("the same message once the disk was freed: %d\n%s", status, page)
	}
	ms, err := w.Messages.CandidateThread(context.Background(), inv.Application)
	if err != nil || len(ms) != 1 || len(ms[0].Attachments) != 1 || ms[0].Attachments[0].Size != int64(len(file)) {
		t.Fatalf("after the disk was freed: %+v (%v)", ms, err)
	}
}

// filesUnder lists the files under dir, which may not exist.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// TestFullDiskSQLite: the SQLite database lives on a disk that fills up
// (a tmpfs, filled). A write answers 503 with Retry-After in the JSON
// shape, saying the disk is full and naming no file; the process goes on
// serving reads; what was saved before is all there; and once space is
// freed, without a restart, writes work again.
func TestFullDiskSQLite(t *testing.T) {
	if sqldbtest.Dialect() != sqldb.SQLite {
		t.Skip("the database is PostgreSQL, whose disk is not this process's; the SQLite run of the suite takes this test")
	}
	dir, ok := testproc.TinyDisk(t, 16<<20)
	if !ok {
		return
	}
	ctx := context.Background()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	a, err := app.Open(ctx, app.Config{DataDir: dir, BaseURL: srv.URL, Workers: 1}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv.Config.Handler = a.Handler()
	inv, step := candidateOf(t, a)
	put := func(text string) (int, http.Header, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"text": text})
		req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/candidate/answers/%d", srv.URL, step.ID), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+inv.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	saved := func() string {
		t.Helper()
		answers, err := a.Applications.Answers(ctx, inv.Application.ID)
		if err != nil {
			t.Fatal(err)
		}
		return answers[step.ID].Text
	}
	if status, _, body := put("before the disk filled"); status != http.StatusOK {
		t.Fatalf("an answer: %d %s", status, body)
	}
	// The write-ahead log folded into the database, as a checkpoint
	// leaves it: the next write must take new space.
	if _, err := a.DB.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}

	free := testproc.Fill(t, dir)
	status, header, body := put(strings.Repeat("while the disk is full ", 2000))
	if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" || !strings.Contains(body, `"code":"unavailable"`) ||
		!strings.Contains(body, "disk is full") {
		t.Errorf("an answer on a full disk: %d, Retry-After %q, %s", status, header.Get("Retry-After"), body)
	}
	for _, leak := range []string{dir, "anyhour.db", "SQLITE", "database or disk"} {
		if strings.Contains(body, leak) {
			t.Errorf("the answer on a full disk says %q: %s", leak, body)
		}
	}
	if got := saved(); got != "before the disk filled" {
		t.Errorf("on a full disk the saved answer is %.40q", got)
	}
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("the process on a full disk: %v %v", resp, err)
	}
	free()

	if status, _, body := put("after the disk was freed"); status != http.StatusOK {
		t.Fatalf("an answer once the disk was freed: %d %s", status, body)
	}
	if got := saved(); got != "after the disk was freed" {
		t.Errorf("once the disk was freed the saved answer is %.40q", got)
	}
}
