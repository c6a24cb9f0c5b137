package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, app.Config{})
	srv := a.Server
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %v %v", path, resp.StatusCode, err)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s lacks the security headers", path)
		}
	}
	a.DB.Close()
	if resp, err := http.Get(srv.URL + "/readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %v %v, want 503", resp.StatusCode, err)
	}
}

// TestWorkerRunsInterviewTasks edits an interview and waits for the
// embedded worker to finish the task the edit enqueued.
func TestWorkerRunsInterviewTasks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.New(t, app.Config{})
	a.RunWorker(t)

	_, owner, err := a.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Eng")})
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("R1"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	steps := iv.Steps
	steps[0].Title = "A, edited"
	if _, err := a.Openings.UpdateInterview(ctx, owner, iv.ID, opening.InterviewInput{Steps: &steps}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		stats, err := queue.Stats(ctx, a.DB)
		if err != nil {
			t.Fatal(err)
		}
		if stats[queue.StatusDone] == 1 {
			break
		}
		if stats[queue.StatusFailed] > 0 || time.Now().After(deadline) {
			t.Fatalf("task not done: %v", stats)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBadBlobURLKeepsItsSecret: an S3 URL that does not parse is refused
// without repeating the secret in it.
func TestBadBlobURLKeepsItsSecret(t *testing.T) {
	t.Parallel()
	_, err := app.New(app.Config{DataDir: t.TempDir(), BlobURL: "s3://AKIAEXAMPLE:wJalr/XUtnSECRET@bucket?endpoint=http://127.0.0.1:9"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), sqldbtest.Open(t))
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("err = %v", err)
	}
}
