package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestCandidateFileStepInBrowser: in Chromium, on a phone and on a
// desktop, a candidate picks two files in the file step; the page sends
// them through the tus endpoint in chunks, and the connection dropping
// in the middle of the larger one loses nothing: it resumes where the
// server got to. The step, the review page and, once submitted, the
// reviewer's page with the files pass axe.
func TestCandidateFileStepInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := apptest.New(t, app.Config{})
	ts := &testServer{Server: w.Server, DB: w.DB, Svc: w.Services}
	ts.signIn(t)
	owner := ts.member(t, "olivia@acme.example")
	job, err := w.Openings.CreateJob(ctx, owner, opening.JobInput{Title: candPtr("Designer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := w.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Design exercise"),
		Steps: &[]opening.Step{{Kind: opening.KindFile, Title: "Your design", Prompt: "Upload your design as a PDF, and a screenshot if you like.",
			Files: &opening.FileRules{Types: []string{"pdf", "png"}, MaxFiles: 2, MaxMB: 10}}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("design "), 600_000)...) // 4.2 MB: five chunks
	pdfPath := filepath.Join(dir, "my design.pdf")
	if err := os.WriteFile(pdfPath, big, 0o644); err != nil {
		t.Fatal(err)
	}
	pngPath := filepath.Join(dir, "screen.png")
	if err := os.WriteFile(pngPath, onePixelPNG, 0o644); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	var apps []int64
	for i, size := range []struct {
		name string
		w, h int
	}{{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}, {"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}} {
		res, err := w.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: fmt.Sprintf("ada%d@example.com", i)}})
		if err != nil {
			t.Fatal(err)
		}
		inv := res.Invitations[0]
		apps = append(apps, inv.Application.ID)
		p := b.Page(t, size.w, size.h)
		p.Navigate(w.URL + "/c/" + inv.Token)
		p.WaitVisible("a.cand-big")
		// The page's script stores the browser's zone and reloads: wait
		// for the reloaded page rather than race it.
		candEventually(t, "the page script stores the zone", func() bool {
			a, err := w.Applications.ByToken(ctx, inv.Token)
			return err == nil && a.TimeZone != ""
		})
		p.WaitVisible("summary[data-zone]")
		p.Click("a.cand-big")
		p.WaitVisible("form.cand-file-form[data-tus]")
		p.CheckAccessibility()
		p.Screenshot("file-step-" + size.name)

		// A slow uplink, cut once the first megabytes are in.
		p.SetNetwork(false, 1<<20)
		p.SetUploadFiles("#files", pdfPath, pngPath)
		p.Click("form.cand-file-form button[type=submit]")
		candEventually(t, "the upload begins", func() bool {
			return uploadsBegun(t, ts, inv.Application.ID) > 0
		})
		time.Sleep(1500 * time.Millisecond) // a chunk or two on their way
		p.SetNetwork(true, 0)
		time.Sleep(1500 * time.Millisecond)
		if got := p.Text(".upload-status"); !strings.Contains(got, "trying again") && !strings.Contains(got, "Uploading") {
			t.Errorf("%s: offline, the status says %q", size.name, got)
		}
		p.SetNetwork(false, 0)
		candEventually(t, "both files are in", func() bool { return readyFiles(t, w, inv.Application) == 2 })
		p.WaitVisible(".file-list li + li")
		if got := p.Text(".file-list"); !strings.Contains(got, "my design.pdf") || !strings.Contains(got, "screen.png") {
			t.Errorf("%s: the files listed: %q", size.name, got)
		}
		p.CheckAccessibility()
		p.Screenshot("file-step-uploaded-" + size.name)

		// The review page lists them, and the candidate submits.
		p.Navigate(w.URL + candAppPath(inv) + "/review")
		p.WaitVisible(".file-list")
		p.CheckAccessibility()
		p.Click("form[action$='/submit'] button[type=submit]")
		p.WaitVisible("main")

		team := b.Page(t, size.w, size.h)
		teamSignInPage(team, w.URL)
		team.Navigate(fmt.Sprintf("%s/applications/%d", w.URL, inv.Application.ID))
		team.WaitVisible(".review-files")
		team.CheckAccessibility()
		team.Screenshot("file-review-" + size.name)
	}
	// Every byte arrived as sent, after the connection dropped.
	for _, id := range apps {
		files, err := w.Files.ForApplication(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, fs := range files {
			for _, f := range fs {
				if f.Name == "my design.pdf" && f.Size != int64(len(big)) {
					t.Errorf("application %d: the PDF arrived with %d bytes of %d", id, f.Size, len(big))
				}
			}
		}
	}
}

// uploadsBegun counts the application's file uploads the server has
// begun.
func uploadsBegun(t *testing.T, ts *testServer, appID int64) int64 {
	t.Helper()
	var n int64
	rows, err := ts.DB.Query(context.Background(), `SELECT status FROM answer_files WHERE application_id = $1`, appID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		n++
	}
	return n
}

// readyFiles counts a's files the server holds whole.
func readyFiles(t *testing.T, w *apptest.World, a application.Application) int {
	t.Helper()
	files, err := w.Files.ForApplication(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fs := range files {
		for _, f := range fs {
			if f.Status == "ready" {
				n++
			}
		}
	}
	return n
}
