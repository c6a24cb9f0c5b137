package upload_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// fileWorld is an interview with one file step (PDF or zip, two files of
// at most 1 MB) and two candidates, Alice and Bob.
type fileWorld struct {
	*world
	step         opening.Step
	alice, bob   application.Invitation
	aliceC, bobC *tus
}

func newFileWorld(t *testing.T) *fileWorld {
	t.Helper()
	w := &fileWorld{world: newWorld(t, app.Config{})}
	ctx := context.Background()
	job, err := w.app.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Designer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := w.app.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Take-home"), Steps: &[]opening.Step{
		{Kind: opening.KindFile, Title: "Your write-up", Files: &opening.FileRules{Types: []string{"pdf", "zip"}, MaxFiles: 2, MaxMB: 1}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w.step = iv.Steps[0]
	res, err := w.app.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: "Alice A", Email: "alice@example.com"}, {Name: "Bob B", Email: "bob@example.com"}})
	if err != nil || len(res.Invitations) != 2 {
		t.Fatalf("invite: %v %+v", err, res)
	}
	w.alice, w.bob = res.Invitations[0], res.Invitations[1]
	w.aliceC, w.bobC = w.tus(w.alice.Token), w.tus(w.bob.Token)
	return w
}

// createFile starts the upload of a file named name of length bytes.
func (c *tus) createFile(stepID int64, name string, length int64) reply {
	h := map[string]string{"Upload-Metadata": metadata("purpose", "file", "step_id", strconv.FormatInt(stepID, 10), "filename", name)}
	if length < 0 {
		h["Upload-Defer-Length"] = "1"
	} else {
		h["Upload-Length"] = strconv.FormatInt(length, 10)
	}
	return c.do("POST", "/api/v1/uploads/", h, nil)
}

// upload sends a whole file and returns the last PATCH's reply.
func (c *tus) upload(stepID int64, name string, data []byte) reply {
	c.t.Helper()
	r := c.createFile(stepID, name, int64(len(data)))
	if r.status != http.StatusCreated {
		return r
	}
	return c.do("PATCH", r.header.Get("Location"), map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}, data)
}

// sendKnown uploads data[from:] in chunks of n bytes to an upload whose
// length was stated at creation.
func (c *tus) sendKnown(loc string, from int, data []byte, n int) {
	c.t.Helper()
	for off := from; off < len(data); off += n {
		end := min(off+n, len(data))
		r := c.patch(loc, int64(off), data[off:end], false)
		if r.status != http.StatusNoContent {
			c.t.Fatalf("patch at %d: %d %s", off, r.status, r.body)
		}
	}
}

func pdf(n int) []byte { return append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), n)...) }

// files is the candidate's answer's files, from the API.
func (w *fileWorld) files(token string) []map[string]any {
	w.t.Helper()
	for _, a := range w.candidate(token)["answers"].([]any) {
		ans := a.(map[string]any)
		if int64(ans["step_id"].(float64)) == w.step.ID {
			var out []map[string]any
			for _, f := range ans["files"].([]any) {
				out = append(out, f.(map[string]any))
			}
			return out
		}
	}
	return nil
}

func mustStatus(t *testing.T, what string, r reply, want int, says string) {
	t.Helper()
	if r.status != want || !strings.Contains(r.body, says) {
		t.Errorf("%s: %d %s, want %d saying %q", what, r.status, r.body, want, says)
	}
}

// TestFileStepUploads: a PDF goes up through tus in two chunks, counts as
// the answer, and downloads back byte for byte with the served type, as
// an attachment under a sandboxing CSP; the team reads it only after
// submission.
func TestFileStepUploads(t *testing.T) {
	t.Parallel()
	w := newFileWorld(t)
	data := pdf(300_000)
	r := w.aliceC.createFile(w.step.ID, "Write-up (final).pdf", int64(len(data)))
	if r.status != http.StatusCreated || r.header.Get("Anyhour-File-Id") == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	w.aliceC.sendKnown(r.header.Get("Location"), 0, data, 128<<10)
	fs := w.files(w.alice.Token)
	if len(fs) != 1 || fs[0]["status"] != "ready" || fs[0]["name"] != "Write-up (final).pdf" || fs[0]["size"].(float64) != float64(len(data)) ||
		fs[0]["content_type"] != "application/pdf" {
		t.Fatalf("the answer's files: %+v", fs)
	}
	url := fs[0]["url"].(string)
	got := w.aliceC.do("GET", url, nil, nil)
	if got.status != http.StatusOK || got.body != string(data) || got.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") || !strings.Contains(got.header.Get("Content-Security-Policy"), "sandbox") ||
		got.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the candidate's download: %d %v", got.status, got.header)
	}
	// Inline, a PDF goes to the browser's viewer, which a sandbox would
	// blank; it still may not be framed elsewhere, nor sniffed.
	if inline := w.aliceC.do("GET", url+"?inline=1", nil, nil); !strings.HasPrefix(inline.header.Get("Content-Disposition"), "inline") ||
		inline.header.Get("Content-Security-Policy") != "frame-ancestors 'none'" || inline.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("a PDF asked inline: %v", inline.header)
	}
	// Bob and the team (before submission) cannot read it.
	if r := w.bobC.do("GET", url, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("another candidate's download: %d", r.status)
	}
	team := w.tus(w.apiToken)
	if r := team.do("GET", url, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("the team before submission: %d", r.status)
	}
	if _, err := w.app.Applications.Submit(context.Background(), w.alice.Application); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if r := team.do("GET", url, nil, nil); r.status != http.StatusOK || r.body != string(data) {
		t.Errorf("the team after submission: %d", r.status)
	}
	var app struct {
		Answers []struct {
			Files []struct {
				Name string `json:"name"`
				Size int64  `json:"size"`
			} `json:"files"`
		} `json:"answers"`
	}
	r = team.do("GET", "/api/v1/applications/"+strconv.FormatInt(w.alice.Application.ID, 10), nil, nil)
	if err := json.Unmarshal([]byte(r.body), &app); err != nil || len(app.Answers) != 1 || len(app.Answers[0].Files) != 1 ||
		app.Answers[0].Files[0].Size != int64(len(data)) {
		t.Errorf("the team's application: %d %s", r.status, r.body)
	}
	// After submission nothing more goes up, and nothing comes off.
	mustStatus(t, "an upload after submission", w.aliceC.createFile(w.step.ID, "late.pdf", 100), http.StatusConflict, "")
	id := int64(fs[0]["id"].(float64))
	mustStatus(t, "a removal after submission", w.aliceC.do("DELETE", "/api/v1/candidate/files/"+strconv.FormatInt(id, 10), nil, nil), http.StatusConflict, "")
	if got := w.files(w.alice.Token); len(got) != 1 {
		t.Errorf("after submission the files are %+v", got)
	}
}

// TestFileStepRefusesBadFiles: each bad file is refused with a clear
// error, and what was already uploaded stays.
func TestFileStepRefusesBadFiles(t *testing.T) {
	t.Parallel()
	w := newFileWorld(t)
	if r := w.aliceC.upload(w.step.ID, "keep.pdf", pdf(1000)); r.status != http.StatusNoContent {
		t.Fatalf("the first file: %d %s", r.status, r.body)
	}
	mb := int64(1 << 20)
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	f, _ := zw.Create("zeros.bin")
	f.Write(make([]byte, 50<<20)) // 50 MB of zeros, a few KB zipped
	zw.Close()

	for _, tc := range []struct {
		name   string
		do     func() reply
		status int
		says   string
	}{
		{"over the size", func() reply { return w.aliceC.createFile(w.step.ID, "big.pdf", mb+1) }, http.StatusRequestEntityTooLarge, "1 MB"},
		{"a type not allowed", func() reply { return w.aliceC.createFile(w.step.ID, "notes.docx", 100) }, http.StatusBadRequest, "PDF or Zip archive"},
		{"no extension", func() reply { return w.aliceC.createFile(w.step.ID, "README", 100) }, http.StatusBadRequest, "PDF or Zip archive"},
		{"a path in the name", func() reply { return w.aliceC.createFile(w.step.ID, "../../etc/passwd.pdf", 100) }, http.StatusBadRequest, "path separator"},
		{"a Windows path", func() reply { return w.aliceC.createFile(w.step.ID, `C:\Users\a\cv.pdf`, 100) }, http.StatusBadRequest, "path separator"},
		{"a NUL byte", func() reply { return w.aliceC.createFile(w.step.ID, "cv\x00.pdf", 100) }, http.StatusBadRequest, "control character"},
		{"a right-to-left override", func() reply { return w.aliceC.createFile(w.step.ID, "cv\u202efdp.zip", 100) }, http.StatusBadRequest, "invisible formatting"},
		{"1,000 characters", func() reply { return w.aliceC.createFile(w.step.ID, strings.Repeat("a", 996)+".pdf", 100) }, http.StatusBadRequest, "at most 255"},
		{"a length not stated", func() reply { return w.aliceC.createFile(w.step.ID, "cv.pdf", -1) }, http.StatusBadRequest, "Upload-Length"},
		{"a video step's id", func() reply { return w.aliceC.createFile(w.iv.Steps[0].ID, "cv.pdf", 100) }, http.StatusNotFound, ""},
		{"a PDF that is not one", func() reply { return w.aliceC.upload(w.step.ID, "cv.pdf", []byte("<html><script>alert(1)</script>")) }, http.StatusBadRequest, "not one"},
		{"an empty file", func() reply { return w.aliceC.upload(w.step.ID, "empty.pdf", nil) }, http.StatusBadRequest, "empty"},
		{"the team uploading", func() reply { return w.tus(w.apiToken).createFile(w.step.ID, "cv.pdf", 100) }, http.StatusForbidden, "candidates"},
	} {
		mustStatus(t, tc.name, tc.do(), tc.status, tc.says)
	}

	// A zip bomb is a zip: stored as it came, never unpacked.
	if r := w.aliceC.upload(w.step.ID, "work.zip", bomb.Bytes()); r.status != http.StatusNoContent {
		t.Fatalf("a zip bomb of %d bytes: %d %s", bomb.Len(), r.status, r.body)
	}
	// Two files are the most: a third is refused.
	mustStatus(t, "a third file", w.aliceC.createFile(w.step.ID, "third.pdf", 100), http.StatusConflict, "at most 2 files")

	// Bob cannot touch Alice's upload, nor remove her file.
	loc := w.aliceC.createFile(w.step.ID, "x.pdf", 100)
	fs := w.files(w.alice.Token)
	if len(fs) != 2 {
		t.Fatalf("Alice's files after the refusals: %+v", fs)
	}
	aliceFile := strconv.FormatInt(int64(fs[0]["id"].(float64)), 10)
	mustStatus(t, "Bob removing Alice's file", w.bobC.do("DELETE", "/api/v1/candidate/files/"+aliceFile, nil, nil), http.StatusNotFound, "")
	_ = loc
	var aliceUpload string
	for _, f := range fs {
		if f["name"] == "keep.pdf" {
			aliceUpload = f["url"].(string)
		}
	}
	if r := w.bobC.do("GET", aliceUpload, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("Bob downloading Alice's file: %d", r.status)
	}
	// Alice removes one; the other stays, and another may come.
	mustStatus(t, "Alice removing her file", w.aliceC.do("DELETE", "/api/v1/candidate/files/"+aliceFile, nil, nil), http.StatusNoContent, "")
	if fs := w.files(w.alice.Token); len(fs) != 1 || fs[0]["name"] != "work.zip" {
		t.Errorf("after the removal: %+v", fs)
	}
	if r := w.aliceC.upload(w.step.ID, "again.pdf", pdf(10)); r.status != http.StatusNoContent {
		t.Errorf("a file after a removal: %d %s", r.status, r.body)
	}
}

// TestFileUploadOfAnotherCandidate: Bob cannot resume, read or delete
// Alice's unfinished upload by its id.
func TestFileUploadOfAnotherCandidate(t *testing.T) {
	t.Parallel()
	w := newFileWorld(t)
	data := pdf(2000)
	r := w.aliceC.createFile(w.step.ID, "cv.pdf", int64(len(data)))
	loc := r.header.Get("Location")
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	w.aliceC.patch(loc, 0, data[:1000], false)
	for _, m := range []string{"HEAD", "PATCH", "DELETE"} {
		var got reply
		if m == "PATCH" {
			got = w.bobC.patch(loc, 1000, data[1000:], false)
		} else {
			got = w.bobC.do(m, loc, nil, nil)
		}
		if got.status != http.StatusNotFound {
			t.Errorf("Bob's %s on Alice's upload: %d %s", m, got.status, got.body)
		}
	}
	// Alice's upload is untouched and finishes; submitting waited for it.
	if _, err := w.app.Applications.Submit(context.Background(), w.alice.Application); err == nil {
		t.Error("submitted with a file still uploading")
	}
	w.aliceC.sendKnown(loc, 1000, data, 1000)
	if fs := w.files(w.alice.Token); len(fs) != 1 || fs[0]["status"] != "ready" {
		t.Errorf("Alice's file: %+v", fs)
	}
}
