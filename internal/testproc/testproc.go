// Package testproc finds and starts the helper servers tests run on
// loopback (an S3 server, an SMTP catcher): the binaries scripts/tools.sh
// builds once into a cache, free ports to run them on, and their output.
package testproc

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Binary finds the tool name at version: the path in the environment
// variable env, or the cache scripts/tools.sh fills. Without it the test
// skips, loudly; with CI=true it fails instead, since CI must not skip.
func Binary(t testing.TB, env, name, version, needs string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		return p
	}
	dir := os.Getenv("ANYHOUR_TOOLS_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "anyhour-tools")
	}
	p := filepath.Join(dir, name+"-"+version, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	msg := fmt.Sprintf("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"+
		"!!! %s %s not found at %s and %s is not set:\n"+
		"!!! %s cannot run. Build it once with\n"+
		"!!!     eval \"$(bash scripts/tools.sh)\"\n"+
		"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", name, version, p, env, needs)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// FreeAddr returns a 127.0.0.1 address with a port nobody listens on.
// Another process can take it before the caller binds it; callers retry.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Output collects a server's output, written from two pipes at once.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Output) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Reset empties the output.
func (b *Output) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *Output) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
