package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
	"github.com/anyhour/anyhour/internal/testproc"
)

// childServeEnv, when set, makes the test binary run `anyhour serve`
// with the arguments in it (JSON) instead of the tests, so that a test
// can kill a real server process.
const childServeEnv = "ANYHOUR_TEST_CHILD_SERVE"

func init() {
	raw := os.Getenv(childServeEnv)
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		panic(err)
	}
	// Its logs go to stderr, which the test keeps (startChild).
	if err := run(context.Background(), args, os.Stdout, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startChild runs anyhour with args in a child process, which is killed
// when the test ends, and returns it with what it logs, which is shown if
// the test fails.
func startChild(t *testing.T, args []string) (*exec.Cmd, *testproc.Output) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childServeEnv+"="+string(raw))
	out := &testproc.Output{}
	cmd.Stdout, cmd.Stderr = io.Discard, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("anyhour %s (pid %d) logged:\n%s", args[0], cmd.Process.Pid, out.String())
		}
	})
	return cmd, out
}

// startServer runs serve in a child process and waits until it answers.
func startServer(t *testing.T, args []string, addr string) *exec.Cmd {
	t.Helper()
	cmd, _ := startChild(t, args)
	// Up to a minute: a loaded machine can be slow to start the server.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server never became ready")
	return nil
}

// TestKilledServerResumesUpload kills the server with SIGKILL in the
// middle of a PATCH, restarts it, and resumes the upload from the offset
// the new process reports: nothing acknowledged may be missing, and the
// file must come out byte-identical, on disk and in S3.
func TestKilledServerResumesUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	t.Run("disk", func(t *testing.T) {
		dir := t.TempDir()
		killMidUpload(t, dir, nil, func(id string) ([]byte, error) {
			return os.ReadFile(filepath.Join(dir, "blobs", "uploads", id))
		})
	})
	// tusd's S3 store keeps an upload's tail under 5 MiB as an object of
	// its own, which a PATCH used to delete before the new bytes arrived.
	t.Run("s3", func(t *testing.T) {
		cfg := s3test.Start(t)
		store, err := s3.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		killMidUpload(t, t.TempDir(), []string{"--blob-url", cfg.URL()}, func(id string) ([]byte, error) {
			objectID, _, _ := strings.Cut(id, "+")
			obj, err := store.Open(context.Background(), "uploads/"+objectID)
			if err != nil {
				return nil, err
			}
			defer obj.Close()
			return io.ReadAll(obj)
		})
	})
}

// killMidUpload runs the scenario on a server started with extra
// arguments; read returns the finished upload's bytes from the store.
func killMidUpload(t *testing.T, dir string, extra []string, read func(id string) ([]byte, error)) {
	addr := freePort(t)
	db := dbArgs(t, dir)
	dbURL := db[len(db)-1]
	args := append(append([]string{"serve", "--listen", addr, "--workers", "1"}, db...), extra...)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "bootstrap", "--org", "Acme", "--email", "o@acme.example", "--data-dir", dir, "--database-url", dbURL}, &out, discard); err != nil {
		t.Fatal(err)
	}
	apiToken := strings.TrimSpace(out.String())
	server := startServer(t, args, addr)
	base := "http://" + addr

	call := func(method, path, token string, body any, header map[string]string, data []byte) (*http.Response, []byte) {
		t.Helper()
		var r io.Reader = bytes.NewReader(data)
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, r)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	var job, iv struct {
		ID    int64 `json:"id"`
		Steps []struct {
			ID int64 `json:"id"`
		} `json:"steps"`
	}
	_, b := call("POST", "/api/v1/jobs", apiToken, map[string]any{"title": "Engineer"}, nil, nil)
	json.Unmarshal(b, &job)
	_, b = call("POST", "/api/v1/interviews", apiToken, map[string]any{"job_id": job.ID, "title": "Screen",
		"steps": []any{map[string]any{"kind": "video", "title": "Hello", "max_seconds": 60}}}, nil, nil)
	if err := json.Unmarshal(b, &iv); err != nil || len(iv.Steps) != 1 {
		t.Fatalf("create interview: %s", b)
	}
	_, b = call("POST", fmt.Sprintf("/api/v1/interviews/%d/invitations", iv.ID), apiToken,
		map[string]any{"candidates": []any{map[string]any{"name": "Ada", "email": "ada@example.com"}}}, nil, nil)
	var invited struct {
		Invitations []struct {
			Token string `json:"token"`
		} `json:"invitations"`
	}
	if err := json.Unmarshal(b, &invited); err != nil || len(invited.Invitations) != 1 {
		t.Fatalf("invite: %s", b)
	}
	token := invited.Invitations[0].Token
	if resp, b := call("POST", "/api/v1/candidate/video_consent", token, nil, nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("agree to be recorded: %d %s", resp.StatusCode, b)
	}

	file := make([]byte, 6<<20)
	rand.Read(file)
	tus := map[string]string{"Tus-Resumable": "1.0.0"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range tus {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	resp, b := call("POST", "/api/v1/uploads/", token, nil, with(map[string]string{"Upload-Defer-Length": "1",
		"Upload-Metadata": "step_id " + base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(iv.Steps[0].ID, 10)))}), nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create upload: %d %s", resp.StatusCode, b)
	}
	loc := strings.TrimPrefix(resp.Header.Get("Location"), base)
	id := loc[strings.LastIndex(loc, "/")+1:]
	patch := with(map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
	if resp, b := call("PATCH", loc, token, nil, patch, file[:2<<20]); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("first PATCH: %d %s", resp.StatusCode, b)
	}

	// The second PATCH sends 2 MiB of its 4, then the server is killed.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PATCH", base+loc, pr)
	for k, v := range with(map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.Itoa(2 << 20)}) {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.ContentLength = 4 << 20
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	if _, err := pw.Write(file[2<<20 : 4<<20]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the server write what it got
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	server.Wait()
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-errc

	startServer(t, args, addr)
	resp, _ = call("HEAD", loc, token, nil, tus, nil)
	offset, err := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	if err != nil || offset < 2<<20 || offset > 4<<20 {
		t.Fatalf("HEAD after the restart: %d, offset %q", resp.StatusCode, resp.Header.Get("Upload-Offset"))
	}
	t.Logf("the killed server kept %d of the %d bytes sent", offset, 4<<20)
	final := with(map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.Itoa(offset), "Upload-Length": strconv.Itoa(len(file))})
	if resp, b := call("PATCH", loc, token, nil, final, file[offset:]); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("resuming PATCH: %d %s", resp.StatusCode, b)
	}
	got, err := read(id)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, file) {
		t.Fatalf("the resumed upload differs from the file: %d vs %d bytes", len(got), len(file))
	}
	// And it became the answer (random bytes, so processing fails it).
	_, b = call("GET", "/api/v1/candidate", token, nil, nil, nil)
	if !strings.Contains(string(b), `"media":{"id"`) {
		t.Errorf("the upload is not the answer: %s", b)
	}
}
