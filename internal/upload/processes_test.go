package upload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/video"
)

// twoProcesses is two anyhour servers on one PostgreSQL database and one
// store, as two serve processes behind a load balancer: each its own app,
// with its own upload locks and its own connections.
type twoProcesses struct {
	*world             // on the first
	b       *tus       // Alice, talking to the second
	db      *sqldb.DB  // the first's database handle, for pg_locks
	s3      *s3.Config // the bucket, on S3
	blobDir string     // the store's directory, on disk
}

func newTwoProcesses(t *testing.T, store string) *twoProcesses {
	t.Helper()
	if sqldbtest.Dialect() != sqldb.Postgres {
		t.Skip("two serve processes share PostgreSQL; on SQLite one process runs, and the PostgreSQL run of the suite takes this test")
	}
	var cfg app.Config
	p := &twoProcesses{}
	switch store {
	case "disk":
		p.blobDir = t.TempDir()
		cfg.BlobURL = "file://" + p.blobDir
	case "s3":
		c := s3test.Start(t)
		p.s3 = &c
		cfg.BlobURL = s3test.URL(c)
	}
	first := apptest.New(t, cfg)
	p.db = first.DB
	p.world = newWorldOn(t, first)
	second := first.Another(t)
	p.b = &tus{t: t, base: second.URL, token: p.alice.Token}
	return p
}

// onB is loc, an upload's address on the first server, on the second.
func (p *twoProcesses) onB(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.b.base + u.Path
}

// locksHeld counts the advisory locks held on the test's database.
func (p *twoProcesses) locksHeld() int {
	p.t.Helper()
	var n int
	err := p.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n)
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// waitLocked waits until a request holds an upload's lock: the event
// that says the first PATCH is inside, writing.
func (p *twoProcesses) waitLocked() {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for p.locksHeld() == 0 {
		if time.Now().After(deadline) {
			p.t.Fatal("no request took the upload's lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitWriting waits until the PATCH of loc is inside, writing: it holds
// the upload's lock and, on disk, n bytes of it are in the file.
func (p *twoProcesses) waitWriting(loc string, n int64) {
	p.t.Helper()
	if p.blobDir != "" {
		file := filepath.Join(p.blobDir, "uploads", filepath.Base(loc))
		deadline := time.Now().Add(30 * time.Second)
		for {
			if fi, err := os.Stat(file); err == nil && fi.Size() >= n {
				break
			}
			if time.Now().After(deadline) {
				p.t.Fatalf("the first PATCH's bytes never reached %s", file)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	p.waitLocked()
}

// slowPatch starts a PATCH of data at offset on loc whose body arrives
// only as the test writes it: first is sent at once, the rest when the
// returned send is called. The reply comes on the channel.
func slowPatch(c *tus, loc string, offset int64, data []byte, first int) (send func(), answer <-chan reply) {
	pr, pw := io.Pipe()
	out := make(chan reply, 1)
	req, err := http.NewRequest("PATCH", loc, pr)
	if err != nil {
		c.t.Fatal(err)
	}
	req.ContentLength = int64(len(data))
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", itoa(offset))
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- reply{status: 0, body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		out <- reply{resp.StatusCode, resp.Header, string(b)}
	}()
	go pw.Write(data[:first])
	return func() {
		go func() {
			pw.Write(data[first:])
			pw.Close()
		}()
	}, out
}

// TestTwoProcessesPatchOneUpload: two serve processes on one PostgreSQL
// database and one store take PATCHes for the same upload, with different
// bytes, at the same moment. The first holds the upload's lock while the
// second tries: exactly one is acknowledged, the other hears a clear
// conflict (423, in the JSON shape), the other process reads the right
// offset, and once the upload is finished the object holds exactly the
// acknowledged bytes, with nothing left beside it (no orphan part on S3,
// no temporary or lock file on disk).
func TestTwoProcessesPatchOneUpload(t *testing.T) {
	for _, store := range []string{"disk", "s3"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			p := newTwoProcesses(t, store)
			step := p.iv.Steps[0]
			a := p.tus(p.alice.Token)
			loc := a.mustCreate(step.ID, -1)
			x, y, z := randomBytes(300_000), randomBytes(200_000), randomBytes(150_000)

			send, first := slowPatch(a, loc, 0, x, 100_000)
			p.waitWriting(loc, 100_000)
			// While the first process writes, the second is refused: a
			// PATCH on the other process, and one on the same process.
			for name, c := range map[string]*tus{"the other process": p.b, "the same process": a} {
				target := loc
				if c == p.b {
					target = p.onB(loc)
				}
				r := c.patch(target, 0, y, false)
				if r.status != http.StatusLocked || !isJSONError(r.body, "locked") {
					t.Errorf("a PATCH on %s while the first writes: %d %s", name, r.status, r.body)
				}
			}
			send()
			r := <-first
			if r.status != http.StatusNoContent || r.header.Get("Upload-Offset") != itoa(int64(len(x))) {
				t.Fatalf("the first PATCH: %d %s offset %q", r.status, r.body, r.header.Get("Upload-Offset"))
			}

			// The other process reads the upload's state as the first
			// left it, and refuses a PATCH at a stale offset.
			if r := p.b.do("HEAD", p.onB(loc), nil, nil); r.status != http.StatusOK || r.header.Get("Upload-Offset") != itoa(int64(len(x))) {
				t.Fatalf("HEAD on the other process: %d offset %q", r.status, r.header.Get("Upload-Offset"))
			}
			if r := p.b.patch(p.onB(loc), 0, y, false); r.status != http.StatusConflict || !isJSONError(r.body, "conflict") {
				t.Errorf("a PATCH at offset 0 after the first: %d %s", r.status, r.body)
			}
			if r := p.b.patch(p.onB(loc), int64(len(x)), z, true); r.status != http.StatusNoContent {
				t.Fatalf("the last PATCH, on the other process: %d %s", r.status, r.body)
			}

			take := p.takes(p.alice.Application, step.ID)[0]
			if take.Status != video.Processing || take.Size != int64(len(x)+len(z)) {
				t.Fatalf("the take: %s, %d bytes", take.Status, take.Size)
			}
			obj, err := p.app.Blobs.Open(context.Background(), take.OriginalKey)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(obj)
			obj.Close()
			if want := append(slices.Clone(x), z...); !bytes.Equal(got, want) {
				t.Errorf("the object holds %d bytes, not the %d acknowledged", len(got), len(want))
			}
			if left := p.leftovers(take.UploadID); len(left) > 0 {
				t.Errorf("left beside the finished upload: %q", left)
			}
			if n := p.locksHeld(); n != 0 {
				t.Errorf("%d upload locks still held", n)
			}
		})
	}
}

// TestTwoProcessesTakeOver: a client that lost track of its upload (its
// PATCH still held on one process, as after a connection the server has
// not seen drop) asks another process for the offset: the dangling PATCH
// is asked, across processes, to let go; it keeps what arrived and says
// another request took over; the HEAD answers the offset of what is kept,
// and the client resumes from there to a whole, exact file.
func TestTwoProcessesTakeOver(t *testing.T) {
	for _, store := range []string{"disk", "s3"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			p := newTwoProcesses(t, store)
			step := p.iv.Steps[0]
			a := p.tus(p.alice.Token)
			loc := a.mustCreate(step.ID, -1)
			x := randomBytes(400_000)
			if r := a.patch(loc, 0, x[:50_000], false); r.status != http.StatusNoContent {
				t.Fatalf("first chunk: %d %s", r.status, r.body)
			}

			_, dangling := slowPatch(a, loc, 50_000, x[50_000:], 100_000)
			p.waitLocked()
			head := p.b.do("HEAD", p.onB(loc), nil, nil)
			if head.status != http.StatusOK {
				t.Fatalf("HEAD on the other process while a PATCH hangs: %d", head.status)
			}
			r := <-dangling
			if r.status != 0 && (r.status != http.StatusConflict || !isJSONError(r.body, "conflict")) {
				t.Errorf("the PATCH taken over: %d %s", r.status, r.body)
			}
			t.Logf("the PATCH taken over answered %d %s; the HEAD says %s bytes are kept", r.status, r.body, head.header.Get("Upload-Offset"))
			kept, _ := parseInt(head.header.Get("Upload-Offset"))
			if kept < 50_000 || kept > int64(len(x)) {
				t.Fatalf("HEAD after the takeover: offset %d", kept)
			}
			p.b.sendFrom(p.onB(loc), int(kept), x, 120_000)
			take := p.takes(p.alice.Application, step.ID)[0]
			obj, err := p.app.Blobs.Open(context.Background(), take.OriginalKey)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(obj)
			obj.Close()
			if !bytes.Equal(got, x) {
				t.Errorf("resumed after the takeover, the object differs: %d vs %d bytes", len(got), len(x))
			}
			if left := p.leftovers(take.UploadID); len(left) > 0 {
				t.Errorf("left beside the finished upload: %q", left)
			}
		})
	}
}

// leftovers lists what the store holds under uploads/ beside the finished
// upload id and its info.
func (p *twoProcesses) leftovers(id string) []string {
	p.t.Helper()
	var names []string
	if p.s3 != nil {
		client := s3.NewClient(*p.s3)
		prefix := video.UploadsPrefix
		out, err := client.ListObjectsV2(context.Background(), &awss3.ListObjectsV2Input{Bucket: &p.s3.Bucket, Prefix: &prefix})
		if err != nil {
			p.t.Fatal(err)
		}
		for _, o := range out.Contents {
			names = append(names, strings.TrimPrefix(*o.Key, prefix))
		}
		mp, err := client.ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: &p.s3.Bucket})
		if err != nil {
			p.t.Fatal(err)
		}
		for _, u := range mp.Uploads {
			names = append(names, "multipart upload of "+*u.Key)
		}
	} else {
		entries, err := os.ReadDir(filepath.Join(p.blobDir, "uploads"))
		if err != nil {
			p.t.Fatal(err)
		}
		for _, e := range entries {
			names = append(names, e.Name())
		}
	}
	var left []string
	for _, n := range names {
		if n != id && n != id+".info" {
			left = append(left, n)
		}
	}
	return left
}

// isJSONError reports whether body is the API's error document with code.
func isJSONError(body, code string) bool {
	var e struct {
		Error struct{ Code, Message string }
	}
	return json.Unmarshal([]byte(body), &e) == nil && e.Error.Code == code && e.Error.Message != ""
}

func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// TestTakeOverOneProcess is TestTwoProcessesTakeOver within one process,
// on either database: the dangling PATCH lets go, the client resumes
// from what was kept, and its later requests are served as usual.
func TestTakeOverOneProcess(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	step := w.iv.Steps[0]
	a := w.tus(w.alice.Token)
	loc := a.mustCreate(step.ID, -1)
	x := randomBytes(400_000)
	_, dangling := slowPatch(a, loc, 0, x, 100_000)
	file := w.uploadFile(loc)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if fi, err := os.Stat(file); err == nil && fi.Size() >= 100_000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first PATCH's bytes never arrived")
		}
		time.Sleep(5 * time.Millisecond)
	}
	head := a.do("HEAD", loc, nil, nil)
	if head.status != http.StatusOK {
		t.Fatalf("HEAD while a PATCH hangs: %d", head.status)
	}
	if r := <-dangling; r.status != 0 && (r.status != http.StatusConflict || !isJSONError(r.body, "conflict")) {
		t.Errorf("the PATCH taken over: %d %s", r.status, r.body)
	}
	kept, _ := parseInt(head.header.Get("Upload-Offset"))
	if kept < 100_000 {
		t.Fatalf("HEAD after the takeover: offset %d", kept)
	}
	a.sendFrom(loc, int(kept), x, 120_000)
	take := w.takes(w.alice.Application, step.ID)[0]
	got := mustRead(t, filepath.Join(w.app.Config.DataDir, "blobs", filepath.FromSlash(take.OriginalKey)))
	if !bytes.Equal(got, x) {
		t.Errorf("resumed after the takeover, the file differs: %d vs %d bytes", len(got), len(x))
	}
}
