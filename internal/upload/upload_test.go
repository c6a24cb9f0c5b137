package upload_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/video"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// world is a running anyhour with an interview of two video steps (one
// take; three takes) and two invited candidates who agreed to be recorded.
type world struct {
	t        *testing.T
	app      *app.App
	srv      *httptest.Server
	owner    account.Member
	apiToken string
	iv       opening.Interview
	alice    application.Invitation
	bob      application.Invitation
}

func newWorld(t *testing.T, cfg app.Config) *world {
	t.Helper()
	return newWorldOn(t, apptest.New(t, cfg))
}

// newWorldOn is newWorld on a running app.
func newWorldOn(t *testing.T, aw *apptest.World) *world {
	t.Helper()
	ctx := context.Background()
	a := aw.App
	w := &world{t: t, app: a, srv: aw.Server}
	var err error
	w.apiToken, err = a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if w.owner, err = a.Accounts.TokenMember(ctx, w.apiToken); err != nil {
		t.Fatal(err)
	}
	job, err := a.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	w.iv, err = a.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"), Steps: &[]opening.Step{
		{Kind: opening.KindVideo, Title: "Introduce yourself", MaxSeconds: 30},
		{Kind: opening.KindVideo, Title: "A hard problem", MaxSeconds: 30, Retakes: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: "Alice A", Email: "alice@example.com"}, {Name: "Bob B", Email: "bob@example.com"}})
	if err != nil || len(res.Invitations) != 2 {
		t.Fatalf("invite: %v %+v", err, res)
	}
	w.alice, w.bob = res.Invitations[0], res.Invitations[1]
	// Both have agreed to be recorded (TestNoTakeWithoutConsent covers
	// a candidate who has not).
	w.consent(w.alice.Application)
	w.consent(w.bob.Application)
	return w
}

// consent records that a's candidate agreed to be recorded.
func (w *world) consent(a application.Application) {
	w.t.Helper()
	if _, err := w.app.Applications.ConsentToVideo(context.Background(), a); err != nil {
		w.t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// tus is a minimal tus 1.0 client, enough to drive the server the way the
// browser's recorder does.
type tus struct {
	t     *testing.T
	base  string
	token string
}

func (w *world) tus(token string) *tus { return &tus{t: w.t, base: w.srv.URL, token: token} }

type reply struct {
	status int
	header http.Header
	body   string
}

func (c *tus) do(method, url string, header map[string]string, body []byte) reply {
	c.t.Helper()
	if !strings.HasPrefix(url, "http") {
		url = c.base + url
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func metadata(kv ...string) string {
	var parts []string
	for i := 0; i < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

// create starts an upload for stepID; length < 0 defers it.
func (c *tus) create(stepID int64, length int64) reply {
	h := map[string]string{"Upload-Metadata": metadata("step_id", strconv.FormatInt(stepID, 10), "filename", "take.webm", "filetype", "video/webm")}
	if length < 0 {
		h["Upload-Defer-Length"] = "1"
	} else {
		h["Upload-Length"] = strconv.FormatInt(length, 10)
	}
	return c.do("POST", "/api/v1/uploads/", h, nil)
}

func (c *tus) mustCreate(stepID int64, length int64) string {
	c.t.Helper()
	r := c.create(stepID, length)
	if r.status != http.StatusCreated {
		c.t.Fatalf("create upload: %d %s", r.status, r.body)
	}
	return r.header.Get("Location")
}

// patch appends data at offset; final also states the whole length.
func (c *tus) patch(loc string, offset int64, data []byte, final bool) reply {
	h := map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.FormatInt(offset, 10)}
	if final {
		h["Upload-Length"] = strconv.FormatInt(offset+int64(len(data)), 10)
	}
	return c.do("PATCH", loc, h, data)
}

// send uploads data in chunks of n bytes, the last one final.
func (c *tus) send(loc string, data []byte, n int) { c.t.Helper(); c.sendFrom(loc, 0, data, n) }

// sendFrom uploads data[from:] in chunks of n bytes, the last one final.
func (c *tus) sendFrom(loc string, from int, data []byte, n int) {
	c.t.Helper()
	for off := from; off < len(data); off += n {
		end := min(off+n, len(data))
		r := c.patch(loc, int64(off), data[off:end], end == len(data))
		if r.status != http.StatusNoContent {
			c.t.Fatalf("patch at %d: %d %s", off, r.status, r.body)
		}
	}
}

// candidate returns GET /api/v1/candidate for token.
func (w *world) candidate(token string) map[string]any {
	w.t.Helper()
	r := (&tus{t: w.t, base: w.srv.URL, token: token}).do("GET", "/api/v1/candidate", nil, nil)
	var out map[string]any
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		w.t.Fatalf("candidate view: %d %s", r.status, r.body)
	}
	return out
}

func (w *world) takes(a application.Application, stepID int64) []video.Recording {
	w.t.Helper()
	ts, err := w.app.Videos.Takes(context.Background(), a, stepID)
	if err != nil {
		w.t.Fatal(err)
	}
	return ts
}

// process runs the queued tasks until none is left. The timeout only
// stops a hung test: ffmpeg in the sandbox on a busy machine (two cores,
// other test binaries) can take well over a minute for a long take.
func (w *world) process() {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	wk := w.app.Worker()
	if err := wk.RunUntilIdle(ctx); err != nil {
		w.t.Fatal(err)
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
