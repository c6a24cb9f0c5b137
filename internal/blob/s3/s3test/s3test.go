// Package s3test starts a real S3 server for tests: versitygw, a pure-Go
// gateway that serves a local directory through the S3 API.
//
// The binary is built once by scripts/tools.sh and found through
// ANYHOUR_VERSITYGW, or else in the cache that script fills. Without it
// the tests that need S3 skip, loudly; with CI=true they fail instead.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/testproc"
)

// Version is the versitygw release the harness expects, as pinned in
// scripts/tools.sh.
const Version = "v1.8.0"

// Start runs a versitygw on 127.0.0.1 over a fresh temporary directory,
// with random root credentials and one empty bucket of a random name, and
// returns the Config to reach it. The server stops when the test ends.
func Start(t testing.TB) s3.Config {
	t.Helper()
	bin := binary(t)
	cfg := s3.Config{
		Bucket:    "anyhour-test-" + randomHex(6),
		Region:    s3.DefaultRegion,
		AccessKey: randomHex(10),
		SecretKey: randomHex(20),
	}
	// The free port found below can be taken before versitygw binds it;
	// that is rare, so just try again.
	var err error
	for range 3 {
		if cfg.Endpoint, err = start(t, bin, cfg); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s3.NewClient(cfg).CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &cfg.Bucket}); err != nil {
		t.Fatalf("s3test: create bucket %q: %v", cfg.Bucket, err)
	}
	return cfg
}

// URL is cfg as an s3:// URL, credentials included, as ANYHOUR_BLOB_URL
// would hold it.
func URL(cfg s3.Config) string {
	return cfg.URL()
}

// binary finds versitygw, or ends the test.
func binary(t testing.TB) string {
	return testproc.Binary(t, "ANYHOUR_VERSITYGW", "versitygw", Version, "S3 tests")
}

// start runs versitygw on a free port and waits until it answers.
func start(t testing.TB, bin string, cfg s3.Config) (endpoint string, err error) {
	addr, err := testproc.FreeAddr()
	if err != nil {
		return "", err
	}
	root := t.TempDir()
	var out testproc.Output
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+cfg.AccessKey, "ROOT_SECRET_KEY="+cfg.SecretKey)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	testproc.DieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}

	cfg.Endpoint = "http://" + addr
	if err := waitReady(cfg, exited); err != nil {
		stop()
		return "", fmt.Errorf("versitygw on %s: %w\n%s", addr, err, out.String())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	return cfg.Endpoint, nil
}

// waitReady polls ListBuckets until the server answers it. The SDK's
// retries, with their backoff, would only slow the polling down.
func waitReady(cfg s3.Config, exited <-chan struct{}) error {
	client := s3.NewClient(cfg)
	noRetry := func(o *awss3.Options) { o.RetryMaxAttempts = 1 }
	deadline := time.Now().Add(30 * time.Second) // a loaded machine starts it slowly
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := client.ListBuckets(ctx, &awss3.ListBucketsInput{}, noRetry)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("exited early: %w", err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after 10 s: %w", err)
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
