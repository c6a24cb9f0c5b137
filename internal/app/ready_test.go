package app_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
	"github.com/anyhour/anyhour/internal/testproc"
)

// TestReadyWhenTheBlobStoreCannotBeWritten: a blob directory that refuses
// writes turns /readyz to 503 with Retry-After, naming the failed check
// without its path; writable again, /readyz is 200 again.
func TestReadyWhenTheBlobStoreCannotBeWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := apptest.New(t, app.Config{DataDir: dir})
	ready(t, a.URL, http.StatusOK)
	undo := refuseWrites(t, dir+"/blobs")
	r := ready(t, a.URL, http.StatusServiceUnavailable)
	if r.check("database") != "ok" || r.check("blob_store") == "ok" {
		t.Errorf("checks: %s", r.body)
	}
	if strings.Contains(r.body, dir) || strings.Contains(r.body, "blobs") {
		t.Errorf("/readyz shows a path: %s", r.body)
	}
	undo()
	ready(t, a.URL, http.StatusOK)
}

// TestReadyWhenS3IsCut: with the blob store in S3, cutting the network to
// the server turns /readyz to 503, naming neither the endpoint nor the
// credentials; restoring it brings 200 back.
func TestReadyWhenS3IsCut(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	u, err := url.Parse(cfg.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testproc.NewProxy(t, u.Host)
	cfg.Endpoint = "http://" + proxy.Addr
	a := apptest.New(t, app.Config{BlobURL: s3test.URL(cfg)})
	ready(t, a.URL, http.StatusOK)
	proxy.Cut()
	r := ready(t, a.URL, http.StatusServiceUnavailable)
	if r.check("database") != "ok" || r.check("blob_store") == "ok" {
		t.Errorf("checks: %s", r.body)
	}
	for _, leak := range []string{proxy.Addr, u.Host, cfg.AccessKey, cfg.SecretKey, cfg.Bucket} {
		if strings.Contains(r.body, leak) {
			t.Errorf("/readyz says %q: %s", leak, r.body)
		}
	}
	proxy.Restore()
	waitReady(t, a.URL)
}

// readyReply is what /readyz answered.
type readyReply struct {
	body   string
	checks map[string]string // name → "ok" or the error
}

func (r readyReply) check(name string) string { return r.checks[name] }

// ready asks url's /readyz and fails the test unless it answers want, in
// the JSON shape, with Retry-After on a 503.
func ready(t *testing.T, base string, want int) readyReply {
	t.Helper()
	if want == http.StatusOK {
		// A check may miss its deadline on a loaded machine; ready is
		// what /readyz comes to say.
		waitReady(t, base)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(base + "/readyz")
	if err != nil {
		t.Fatalf("readyz: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := readyReply{body: string(b), checks: map[string]string{}}
	if resp.StatusCode != want {
		t.Fatalf("readyz: %d, want %d: %s", resp.StatusCode, want, b)
	}
	if want == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
		t.Error("a 503 from readyz without Retry-After")
	}
	var body app.Readiness
	if err := json.Unmarshal(b, &body); err != nil || len(body.Checks) != 2 || body.Ready != (want == http.StatusOK) {
		t.Fatalf("readyz body %s: %v", b, err)
	}
	for _, c := range body.Checks {
		r.checks[c.Name] = "ok"
		if !c.OK {
			r.checks[c.Name] = "failed: " + c.Error
		}
	}
	return r
}

// waitReady polls /readyz until it answers 200, for up to 30 seconds.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("not ready again: %d %s", resp.StatusCode, b)
			}
		} else if time.Now().After(deadline) {
			t.Fatalf("not ready again: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// refuseWrites makes dir refuse new files, even to root, and returns
// what undoes it. Root ignores permissions, so as root it sets the
// immutable attribute, which needs a file system that has it (ext4,
// xfs, btrfs do; overlayfs and tmpfs do not).
func refuseWrites(t *testing.T, dir string) (undo func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		undo = func() { os.Chmod(dir, 0o700) }
		t.Cleanup(undo)
		return undo
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("!!! cannot make %s refuse writes as root: chattr +i: %v %s (the file system has no immutable attribute; run as another user to use permissions)", dir, err, out)
	}
	undo = func() { exec.Command("chattr", "-i", dir).Run() }
	t.Cleanup(undo)
	return undo
}

// stallOn listens on addr and takes connections without ever answering,
// as a database that hangs does; the returned func closes it all.
func stallOn(t *testing.T, addr string) (stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("stall on %s: %v", addr, err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ln.Close()
			mu.Lock()
			defer mu.Unlock()
			for _, c := range conns {
				c.Close()
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
