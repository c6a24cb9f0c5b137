package upload_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/video"
)

// uploadFile is where the disk store keeps loc's bytes (its info is the
// same name with .info).
func (w *world) uploadFile(loc string) string {
	return filepath.Join(w.app.Config.DataDir, "blobs", "uploads", filepath.Base(loc))
}

// mustJSONError checks that r is the API's error document with code,
// names no file on the server and none of tusd's own words.
func (w *world) mustJSONError(what string, r reply, status int, code string) {
	w.t.Helper()
	if r.status != status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		w.t.Errorf("%s: %d %q %s, want %d in JSON", what, r.status, r.header.Get("Content-Type"), r.body, status)
		return
	}
	if r.body == "" { // HEAD
		return
	}
	if !isJSONError(r.body, code) {
		w.t.Errorf("%s: %s, want the JSON error shape with code %q", what, r.body, code)
	}
	for _, leak := range []string{w.app.Config.DataDir, "/tmp", "uploads/", "ERR_", "tusd", ".info"} {
		if strings.Contains(r.body, leak) {
			w.t.Errorf("%s says %q: %s", what, leak, r.body)
		}
	}
}

// TestTusErrorsAreJSON: the errors tusd makes itself, and a store error
// whose text names a file on the server, reach the client in the API's
// JSON error shape, saying what to do, naming no file.
func TestTusErrorsAreJSON(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[1]
	loc := c.mustCreate(step.ID, -1)
	if r := c.patch(loc, 0, []byte("abcdef"), false); r.status != http.StatusNoContent {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	octet := map[string]string{"Content-Type": "application/offset+octet-stream"}
	with := func(h map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	meta := metadata("step_id", itoa(step.ID))
	for _, tc := range []struct {
		name   string
		method string
		path   string
		header map[string]string
		body   string
		status int
		code   string
	}{
		{"no Tus-Resumable", "POST", "/api/v1/uploads/", map[string]string{"Tus-Resumable": "", "Upload-Defer-Length": "1", "Upload-Metadata": meta}, "", 412, "invalid"},
		{"both lengths", "POST", "/api/v1/uploads/", map[string]string{"Upload-Length": "10", "Upload-Defer-Length": "1", "Upload-Metadata": meta}, "", 400, "invalid"},
		{"a bad deferral", "POST", "/api/v1/uploads/", map[string]string{"Upload-Defer-Length": "2", "Upload-Metadata": meta}, "", 400, "invalid"},
		{"no length at all", "POST", "/api/v1/uploads/", map[string]string{"Upload-Metadata": meta}, "", 400, "invalid"},
		{"a PATCH of text", "PATCH", loc, map[string]string{"Content-Type": "text/plain", "Upload-Offset": "6"}, "x", 400, "invalid"},
		{"a stale offset", "PATCH", loc, with(octet, "Upload-Offset", "2"), "x", 409, "conflict"},
		{"a length below the offset", "PATCH", loc, with(octet, "Upload-Offset", "6", "Upload-Length", "3"), "x", 400, "invalid"},
		{"an unknown upload", "PATCH", "/api/v1/uploads/0123456789abcdef0123456789abcdef", with(octet, "Upload-Offset", "0"), "x", 404, "not_found"},
		{"a download", "GET", loc, nil, "", 400, "invalid"},
	} {
		r := c.do(tc.method, tc.path, tc.header, []byte(tc.body))
		w.mustJSONError(tc.name, r, tc.status, tc.code)
	}

	// A store error whose text names the upload's file (its bytes are a
	// directory now) is an internal error, named nowhere in the answer.
	file := w.uploadFile(loc)
	if err := os.Rename(file, file+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(file, 0o700); err != nil {
		t.Fatal(err)
	}
	head := c.do("HEAD", loc, nil, nil)
	offset, _ := parseInt(head.header.Get("Upload-Offset"))
	w.mustJSONError("a PATCH the store fails", c.patch(loc, offset, []byte("x"), false), 500, "internal")
}

// TestLostUpload: an unfinished upload whose info cannot be read back
// (the 0-byte info a full disk left behind before creation was atomic)
// is no longer answered 500 for good. A PATCH or HEAD is told it was lost
// (410, upload_lost) so the client sends it again as a new upload; the
// take is marked lost, does not count (a one-take step records again) and
// what was left of it is gone. DELETE discards such an upload (204).
func TestLostUpload(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0] // one take
	loc := c.mustCreate(step.ID, -1)
	if r := c.patch(loc, 0, []byte("abc"), false); r.status != http.StatusNoContent {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	breakInfo(t, w.uploadFile(loc))

	w.mustJSONError("a PATCH of a lost upload", c.patch(loc, 3, []byte("def"), false), http.StatusGone, "upload_lost")
	take := w.takes(w.alice.Application, step.ID)[0]
	if !take.Lost() || take.Counts() || !strings.Contains(take.Error, "record it again") {
		t.Fatalf("the lost take: %s %q", take.Status, take.Error)
	}
	if _, err := os.Stat(w.uploadFile(loc)); !os.IsNotExist(err) {
		t.Errorf("the lost upload's bytes are still there: %v", err)
	}
	if r := c.do("HEAD", loc, nil, nil); r.status != http.StatusGone || r.header.Get("Anyhour-Error") != "upload_lost" {
		t.Errorf("HEAD of the lost upload afterwards: %d %q", r.status, r.header.Get("Anyhour-Error"))
	}
	// It counts as no take: the one take is still to record.
	again := c.mustCreate(step.ID, -1)
	c.send(again, randomBytes(2000), 2000)

	// DELETE of a lost upload discards it: 204.
	bob := w.tus(w.bob.Token)
	bobLoc := bob.mustCreate(step.ID, -1)
	breakInfo(t, w.uploadFile(bobLoc))
	if r := bob.do("DELETE", bobLoc, nil, nil); r.status != http.StatusNoContent {
		t.Errorf("DELETE of a lost upload: %d %s", r.status, r.body)
	}
	if take := w.takes(w.bob.Application, step.ID)[0]; !take.Lost() {
		t.Errorf("after DELETE, Bob's take is %s %q", take.Status, take.Error)
	}
}

// breakInfo leaves an upload's info as a full disk left it with a store
// that wrote it in place: empty.
func breakInfo(t *testing.T, file string) {
	t.Helper()
	if err := os.Truncate(file+".info", 0); err != nil {
		t.Fatal(err)
	}
}

// TestLostUploadBlocksNothing: a lost upload the client never comes back
// to (the device is gone) blocks neither another take nor a submission:
// both see it is lost and mark it so; and the step page's discard button
// marks it lost too, counting as no take.
func TestLostUploadBlocksNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	ctx := context.Background()
	c := w.tus(w.alice.Token)
	one, three := w.iv.Steps[0], w.iv.Steps[1]

	// Another take of a one-take step.
	breakInfo(t, w.uploadFile(c.mustCreate(one.ID, -1)))
	if r := c.create(one.ID, -1); r.status != http.StatusCreated {
		t.Fatalf("a take while a lost one is uploading: %d %s", r.status, r.body)
	}
	if take := w.takes(w.alice.Application, one.ID)[0]; !take.Lost() {
		t.Errorf("the first take is %s %q, want lost", take.Status, take.Error)
	}

	// The discard button on the candidate's step page.
	breakInfo(t, w.uploadFile(c.mustCreate(three.ID, -1)))
	lost := w.takes(w.alice.Application, three.ID)[0]
	page := w.candidatePage(w.alice)
	stepPath := fmt.Sprintf("/candidate/%d/steps/%d", w.alice.Application.ID, three.ID)
	if status, body := page("POST", stepPath+"/discard", url.Values{"discard": {itoa(lost.ID)}}); status != http.StatusOK {
		t.Errorf("discarding a lost take on the step page: %d\n%s", status, body)
	}
	if take := w.takes(w.alice.Application, three.ID)[0]; !take.Lost() || take.Counts() {
		t.Errorf("discarded from the page, the lost take is %s %q", take.Status, take.Error)
	}
	// The step page says so of a lost take at once, without a discard.
	breakInfo(t, w.uploadFile(c.mustCreate(three.ID, -1)))
	if status, body := page("GET", stepPath, nil); status != http.StatusOK || !strings.Contains(body, "could not keep this recording") || strings.Contains(body, `name="discard"`) {
		t.Errorf("the step page with a lost take: %d\n%s", status, body)
	}
	if take := w.takes(w.alice.Application, three.ID)[1]; !take.Lost() {
		t.Errorf("shown on the step page, the lost take is %s %q", take.Status, take.Error)
	}

	// A submission, with Bob's lost upload still uploading.
	bob := w.tus(w.bob.Token)
	breakInfo(t, w.uploadFile(bob.mustCreate(three.ID, -1)))
	if _, err := w.app.Applications.Submit(ctx, w.bob.Application); err != nil {
		t.Fatalf("submitting with a lost upload: %v", err)
	}
	if take := w.takes(w.bob.Application, three.ID)[0]; !take.Lost() {
		t.Errorf("after the submission, Bob's take is %s %q", take.Status, take.Error)
	}
}

// TestUploadStillBeingMade: an upload whose store holds nothing a moment
// after its row was written may still be being made (a client that
// retried its create was pointed at it): 409, try again. A minute later
// nothing there means lost.
func TestUploadStillBeingMade(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[1]
	loc := c.mustCreate(step.ID, -1)
	for _, f := range []string{w.uploadFile(loc), w.uploadFile(loc) + ".info"} {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	w.mustJSONError("a PATCH of an upload not there yet", c.patch(loc, 0, []byte("x"), false), http.StatusConflict, "conflict")
	if _, err := w.app.DB.Exec(context.Background(), `UPDATE media SET created_at = $1`, time.Now().Add(-2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	w.mustJSONError("a PATCH of an upload gone for two minutes", c.patch(loc, 0, []byte("x"), false), http.StatusGone, "upload_lost")
}

// TestSweepUnfinishedUploads: the periodic sweep removes unfinished
// uploads nobody can finish any more (past their resume window) and
// those lost, once older than the expiry; it leaves alone an unfinished
// take its candidate may still come back to, and anything finished.
func TestSweepUnfinishedUploads(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{UploadExpiry: time.Hour})
	ctx := context.Background()
	alice, bob := w.tus(w.alice.Token), w.tus(w.bob.Token)
	one, three := w.iv.Steps[0], w.iv.Steps[1]

	finished := alice.mustCreate(one.ID, -1)
	alice.send(finished, randomBytes(5000), 5000)
	waiting := alice.mustCreate(three.ID, -1) // Alice may come back to it
	alice.patch(waiting, 0, []byte("abc"), false)
	lost := bob.mustCreate(one.ID, -1)
	breakInfo(t, w.uploadFile(lost))
	abandoned := bob.mustCreate(three.ID, -1)

	sweep := func(at time.Time) {
		t.Helper()
		w.app.Videos.SetClock(func() time.Time { return at })
		w.app.Files.SetClock(func() time.Time { return at })
		if _, err := w.app.DB.Exec(ctx, `UPDATE tasks SET run_at = $1 WHERE status = 'pending'`, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := w.app.EnsurePeriodic(ctx); err != nil {
			t.Fatal(err)
		}
		w.process()
	}
	// Within the expiry: nothing goes, not even the lost upload.
	sweep(time.Now().Add(30 * time.Minute))
	if take := w.takes(w.bob.Application, one.ID)[0]; take.Status != video.Uploading {
		t.Fatalf("within the expiry, the lost take is %s", take.Status)
	}
	// Past the expiry, before the deadline: the lost one goes.
	sweep(time.Now().Add(2 * time.Hour))
	if take := w.takes(w.bob.Application, one.ID)[0]; !take.Lost() {
		t.Errorf("past the expiry, the lost take is %s %q", take.Status, take.Error)
	}
	if take := w.takes(w.bob.Application, three.ID)[0]; take.Status != video.Uploading {
		t.Errorf("before its resume window closed, the abandoned take is %s", take.Status)
	}
	// Past the deadline and the resume window: the abandoned ones go.
	sweep(w.alice.Application.DeadlineAt.Add(video.ResumeWindow + 2*time.Hour))
	for _, tc := range []struct {
		name string
		take video.Recording
		loc  string
	}{
		{"Alice's waiting take", w.takes(w.alice.Application, three.ID)[0], waiting},
		{"Bob's abandoned take", w.takes(w.bob.Application, three.ID)[0], abandoned},
	} {
		if tc.take.Status != video.Failed || tc.take.Counts() {
			t.Errorf("%s after its window: %s %q", tc.name, tc.take.Status, tc.take.Error)
		}
		if _, err := os.Stat(w.uploadFile(tc.loc) + ".info"); !os.IsNotExist(err) {
			t.Errorf("%s: its info is still there (%v)", tc.name, err)
		}
	}
	if take := w.takes(w.alice.Application, one.ID)[0]; take.Size != 5000 || take.Lost() {
		t.Errorf("the finished take is %s, %d bytes %q", take.Status, take.Size, take.Error)
	}
	if _, err := os.Stat(w.uploadFile(finished)); err != nil {
		t.Errorf("the finished take's file: %v", err)
	}
}

// candidatePage returns a function that requests the candidate's pages as
// their browser does, once it followed their link, following redirects.
func (w *world) candidatePage(inv application.Invitation) func(method, path string, form url.Values) (int, string) {
	w.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(w.srv.URL + "/c/" + inv.Token)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	return func(method, path string, form url.Values) (int, string) {
		w.t.Helper()
		req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.Do(req)
		if err != nil {
			w.t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
}

// TestFinishAfterAStop: the server stopped between an upload's last byte
// and recording its end. The client's next HEAD finishes it; so does a
// PATCH with nothing left to send; for files as for takes.
func TestFinishAfterAStop(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	ctx := context.Background()
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[1]
	unfinish := func() {
		t.Helper()
		if _, err := w.app.DB.Exec(ctx, `UPDATE media SET status = 'uploading', size = 0`); err != nil {
			t.Fatal(err)
		}
	}
	loc := c.mustCreate(step.ID, -1)
	c.send(loc, randomBytes(3000), 3000)
	unfinish()
	if r := c.do("HEAD", loc, nil, nil); r.status != http.StatusOK {
		t.Fatalf("HEAD: %d", r.status)
	}
	if take := w.takes(w.alice.Application, step.ID)[0]; take.Status != video.Processing || take.Size != 3000 {
		t.Errorf("after a HEAD the take is %s, %d bytes", take.Status, take.Size)
	}
	unfinish()
	if r := c.patch(loc, 3000, nil, false); r.status != http.StatusNoContent {
		t.Fatalf("an empty PATCH at the end: %d %s", r.status, r.body)
	}
	if take := w.takes(w.alice.Application, step.ID)[0]; take.Status != video.Processing || take.Size != 3000 {
		t.Errorf("after an empty PATCH the take is %s, %d bytes", take.Status, take.Size)
	}
}
