package sandbox_test

import (
	"os"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// goCmd builds and runs a Go program in the box with the toolchain in
// /usr/local/go (already under /usr; the Bind shows how a toolchain
// elsewhere would be added) and a build cache in the host dir cache.
func goCmd(src, cache string, lim sandbox.Limits) sandbox.Command {
	return sandbox.Command{
		Args: []string{"/bin/sh", "-c", "go build -o /tmp/prog . && exec /tmp/prog"},
		Env: []string{
			"PATH=/usr/local/go/bin:/usr/bin:/bin", "HOME=/tmp", "GOPATH=/tmp/gopath",
			"GOCACHE=/cache", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0",
		},
		Files: []sandbox.File{
			{Path: "go.mod", Data: []byte("module prog\n\ngo 1.26\n")},
			{Path: "main.go", Data: []byte(src)},
		},
		Binds: []sandbox.Bind{
			{Src: "/usr/local/go", Dst: "/usr/local/go"},
			{Src: cache, Dst: "/cache", Writable: true},
		},
		Limits: lim,
	}
}

func TestGo(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/local/go/bin/go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Go toolchain in /usr/local/go")
		}
		t.Skip("SKIPPING: no Go toolchain in /usr/local/go")
	}
	b := newBox(t)
	cache := hostDir(t, true)

	start := time.Now()
	res := mustRun(t, b, goCmd(`package main

import "fmt"

func main() { fmt.Println("hello from go") }
`, cache, sandbox.Limits{Wall: 180 * time.Second, MemoryBytes: 1 << 30})) // a cold-cache build is slow on a loaded machine
	t.Logf("hello world, cold cache: %v (CPU %v, peak %d MB)", time.Since(start), res.CPU, res.MaxRSSBytes>>20)
	if res.ExitCode != 0 || string(res.Stdout) != "hello from go\n" {
		t.Fatalf("exit %d %q stdout %q stderr %s", res.ExitCode, res.Signal, res.Stdout, tail(res.Stderr))
	}

	start = time.Now()
	res = mustRun(t, b, goCmd(`package main

func main() {
	var keep [][]byte
	for {
		b := make([]byte, 8<<20)
		for i := range b {
			b[i] = 1
		}
		keep = append(keep, b)
	}
}
`, cache, sandbox.Limits{Wall: 30 * time.Second, MemoryBytes: 192 << 20}))
	t.Logf("memory bomb, warm cache: %v, exit %d %q, memory exceeded %v", time.Since(start), res.ExitCode, res.Signal, res.MemoryExceeded)
	if !res.MemoryExceeded || res.ExitCode != -1 {
		t.Errorf("exit %d %q, MemoryExceeded %v, stderr %s", res.ExitCode, res.Signal, res.MemoryExceeded, tail(res.Stderr))
	}
	stillWorks(t, b)
}
