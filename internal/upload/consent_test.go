package upload_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
)

// TestNoTakeWithoutConsent: a candidate who has not agreed to be recorded
// cannot start a take, through tus or any other way in, and nothing of it
// is stored: no recording row, no answer, no byte under the blob store.
// Once they agree, the same request works.
func TestNoTakeWithoutConsent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	ctx := context.Background()
	res, err := w.app.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: "Carol C", Email: "carol@example.com"}})
	if err != nil || len(res.Invitations) != 1 {
		t.Fatalf("invite: %v %+v", err, res)
	}
	carol := res.Invitations[0]
	step := w.iv.Steps[0]
	c := w.tus(carol.Token)

	for _, length := range []int64{-1, 1000} {
		r := c.create(step.ID, length)
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "not agreed to be recorded") {
			t.Errorf("create (length %d) before consent: %d %s", length, r.status, r.body)
		}
	}
	// With a body too (creation-with-upload), in case it were stored
	// before the refusal.
	r := c.do("POST", "/api/v1/uploads/", map[string]string{"Upload-Length": "3", "Content-Type": "application/offset+octet-stream",
		"Upload-Metadata": metadata("step_id", itoa(step.ID))}, []byte("abc"))
	if r.status < 400 {
		t.Errorf("create with a body before consent: %d %s", r.status, r.body)
	}
	if _, err := w.app.Videos.AddTake(ctx, carol.Application, step.ID, bytes.NewReader([]byte("not a video")), "take.webm", "video/webm"); !errors.Is(err, application.ErrNoVideoConsent) {
		t.Errorf("AddTake before consent: %v", err)
	}

	if takes := w.takes(carol.Application, step.ID); len(takes) != 0 {
		t.Errorf("recordings stored before consent: %+v", takes)
	}
	if answers, _ := w.app.Applications.Answers(ctx, carol.Application.ID); len(answers) != 0 {
		t.Errorf("answers before consent: %+v", answers)
	}
	if files := blobFiles(t, w); len(files) != 0 {
		t.Errorf("bytes stored before consent: %v", files)
	}

	a, err := w.app.Applications.ConsentToVideo(ctx, carol.Application)
	if err != nil {
		t.Fatal(err)
	}
	if a.VideoConsentAt == nil {
		t.Fatal("consent was not recorded")
	}
	c.mustCreate(step.ID, -1)
}

// TestConsentRecordsTime: agreeing records the time once; agreeing again
// keeps the first time, and after submission nobody agrees any more.
func TestConsentRecordsTime(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	ctx := context.Background()
	res, err := w.app.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: "Dan D", Email: "dan@example.com"}})
	if err != nil || len(res.Invitations) != 1 {
		t.Fatalf("invite: %v %+v", err, res)
	}
	dan := res.Invitations[0].Application
	if dan.VideoConsentAt != nil {
		t.Fatalf("consent before asking: %v", dan.VideoConsentAt)
	}
	a, err := w.app.Applications.ConsentToVideo(ctx, dan)
	if err != nil || a.VideoConsentAt == nil {
		t.Fatalf("consent: %v %v", err, a.VideoConsentAt)
	}
	first := a.VideoConsentAt.Truncate(time.Microsecond) // what the database keeps
	again, err := w.app.Applications.ConsentToVideo(ctx, a)
	if err != nil || again.VideoConsentAt == nil || !again.VideoConsentAt.Equal(first) {
		t.Errorf("agreeing again: %v %v, want %v", err, again.VideoConsentAt, first)
	}
	read, err := w.app.Applications.Application(ctx, w.owner, dan.ID)
	if err != nil || read.VideoConsentAt == nil || !read.VideoConsentAt.Equal(first) {
		t.Errorf("the team reads consent %v (%v), want %v", read.VideoConsentAt, err, first)
	}
	if _, err := w.app.Applications.Submit(ctx, read); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.Applications.ConsentToVideo(ctx, read); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("consent after submitting: %v, want a conflict", err)
	}
}

// blobFiles lists every file under the world's blob directory.
func blobFiles(t *testing.T, w *world) []string {
	t.Helper()
	var files []string
	root := filepath.Join(w.app.Config.DataDir, "blobs")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, strings.TrimPrefix(path, root))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return files
}
