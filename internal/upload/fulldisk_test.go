package upload_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/testproc"
	"github.com/anyhour/anyhour/internal/video"
)

// TestFullDisk runs uploads on a real disk that fills up (a 2 MB tmpfs
// holding the data directory; the database is elsewhere). An upload begun
// while the disk is full is not made at all: 503 with Retry-After in the
// JSON shape, naming no file, and no take is left behind it. A PATCH
// that fills the disk keeps the bytes that fitted and says so; the final
// PATCH, whose length the store must write down, leaves the upload as it
// was. Once space is freed, without a restart, the same upload resumes
// and finishes byte for byte, and nothing is left beside it.
func TestFullDisk(t *testing.T) {
	dir, ok := testproc.TinyDisk(t, 2<<20)
	if !ok {
		return
	}
	w := newWorld(t, app.Config{DataDir: dir})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[1]
	uploads := filepath.Join(dir, "blobs", "uploads")
	full := func(what string, r reply) {
		t.Helper()
		w.mustJSONError(what, r, http.StatusServiceUnavailable, "unavailable")
		if r.header.Get("Retry-After") == "" || (r.body != "" && !strings.Contains(r.body, "storage is full")) {
			t.Errorf("%s: Retry-After %q, %s", what, r.header.Get("Retry-After"), r.body)
		}
	}

	// Creation on a full disk.
	free := testproc.Fill(t, dir)
	full("creating an upload on a full disk", c.create(step.ID, -1))
	if entries, _ := os.ReadDir(uploads); len(entries) != 0 {
		t.Errorf("a creation on a full disk left %d files, such as %s", len(entries), entries[0].Name())
	}
	if takes := w.takes(w.alice.Application, step.ID); len(takes) != 0 {
		t.Errorf("a creation on a full disk left a take: %+v", takes[0])
	}
	free()

	// A PATCH that fills the disk.
	file := randomBytes(1 << 20)
	loc := c.mustCreate(step.ID, -1)
	if r := c.patch(loc, 0, file[:100_000], false); r.status != http.StatusNoContent {
		t.Fatalf("a first chunk: %d %s", r.status, r.body)
	}
	free = testproc.Fill(t, dir)
	full("a PATCH on a full disk", c.patch(loc, 100_000, file[100_000:600_000], false))
	head := c.do("HEAD", loc, nil, nil)
	kept, err := parseInt(head.header.Get("Upload-Offset"))
	if head.status != http.StatusOK || err != nil || kept < 100_000 || kept >= 600_000 {
		t.Fatalf("HEAD after a PATCH filled the disk: %d, offset %q", head.status, head.header.Get("Upload-Offset"))
	}
	// The last PATCH states the length, which the store writes down
	// first: on a full disk it fails whole, and the upload is as it was.
	full("the last PATCH on a full disk", c.patch(loc, kept, file[kept:], true))
	head = c.do("HEAD", loc, nil, nil)
	if head.status != http.StatusOK || head.header.Get("Upload-Offset") != itoa(kept) || head.header.Get("Upload-Defer-Length") != "1" {
		t.Fatalf("HEAD after the last PATCH failed: %d, offset %q, deferred %q", head.status, head.header.Get("Upload-Offset"), head.header.Get("Upload-Defer-Length"))
	}
	t.Logf("on the full disk %d bytes of the PATCH were kept (%s)", kept-100_000, testproc.Used(dir))

	// Space is freed: the same upload resumes, without a restart.
	free()
	c.sendFrom(loc, int(kept), file, 300_000)
	take := w.takes(w.alice.Application, step.ID)[0]
	if take.Status != video.Processing || take.Size != int64(len(file)) {
		t.Fatalf("the take after the disk was freed: %s, %d bytes", take.Status, take.Size)
	}
	obj, err := w.app.Blobs.Open(context.Background(), take.OriginalKey)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(obj)
	obj.Close()
	if !bytes.Equal(got, file) {
		t.Errorf("the upload finished after a full disk differs: %d vs %d bytes", len(got), len(file))
	}
	entries, _ := os.ReadDir(uploads)
	for _, e := range entries {
		if e.Name() != take.UploadID && e.Name() != take.UploadID+".info" {
			t.Errorf("left in the uploads directory: %s", e.Name())
		}
	}
}
