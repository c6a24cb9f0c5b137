package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// TestCandidateDiscardsLostTake: a take that never finished uploading
// blocks submission, until the candidate discards it on the step page;
// it then counts as a take, and only they may discard it.
func TestCandidateDiscardsLostTake(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ctx := context.Background()
	steps := []opening.Step{{Kind: opening.KindVideo, Title: "Say hello", MaxSeconds: 60, Retakes: 1}}
	iv, err := f.ts.Svc.Openings.CreateInterview(ctx, f.owner, opening.InterviewInput{JobID: &f.job.ID, Title: candPtr("Video"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	other := f.invite(t, iv, "Bob", "bob@example.com")
	if _, err := f.ts.Svc.Applications.ConsentToVideo(ctx, inv.Application); err != nil {
		t.Fatal(err)
	}
	m, err := f.ts.Svc.Videos.BeginUpload(ctx, video.CandidateViewer(inv.Application), video.UploadRequest{StepID: iv.Steps[0].ID, Length: -1}, "lost")
	if err != nil {
		t.Fatal(err)
	}
	b := f.ts.browser(t)
	f.open(t, b, inv)
	step := candStepPath(inv, iv.Steps[0])
	resp, body := b.get(step)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find(`button[name=discard][value="`+strconv.FormatInt(m.ID, 10)+`"]`).Length() != 1 {
		t.Fatalf("the step page offers no discard for an unfinished take: %d\n%s", resp.StatusCode, body)
	}
	resp, body = b.post(candAppPath(inv)+"/submit", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "still uploading") {
		t.Errorf("submit with a take uploading: %d", resp.StatusCode)
	}

	// Another candidate cannot discard it.
	ob := f.ts.browser(t)
	f.open(t, ob, other)
	if resp, _ := ob.post(candStepPath(other, iv.Steps[0])+"/discard", candForm("discard", strconv.FormatInt(m.ID, 10))); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another candidate's discard: %d, want 404", resp.StatusCode)
	}

	resp, body = b.post(step+"/discard", candForm("discard", strconv.FormatInt(m.ID, 10)))
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(candHTML(t, body), ".flash"), "discarded") {
		t.Fatalf("discard: %d\n%s", resp.StatusCode, body)
	}
	takes, _ := f.ts.Svc.Videos.Takes(ctx, inv.Application, iv.Steps[0].ID)
	if len(takes) != 1 || takes[0].Status != video.Discarded || video.TakesLeft(iv.Steps[0], takes) != 1 {
		t.Errorf("after discarding: %+v", takes)
	}
	if resp, _ := b.post(step+"/discard", candForm("discard", strconv.FormatInt(m.ID, 10))); resp.StatusCode != http.StatusConflict {
		t.Errorf("discarding twice: %d, want 409", resp.StatusCode)
	}
	if resp, _ := b.post(candAppPath(inv)+"/submit", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("submit after discarding: %d", resp.StatusCode)
	}
}
