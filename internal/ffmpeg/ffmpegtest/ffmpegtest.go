// Package ffmpegtest gives tests the media tools, running in the real
// sandbox, and makes small recordings for them: a WebM shaped like the
// one Chromium's MediaRecorder uploads and an MP4 like Safari's, both
// 320x240 at 15 fps with a test pattern and a tone, so each takes a
// fraction of a second to make.
package ffmpegtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// Require returns the ffmpeg tools, running in bubblewrap boxes, or skips
// the test loudly when ffmpeg or bubblewrap is missing. With CI=true in
// the environment a missing tool fails the test instead, so CI cannot
// pass by skipping.
func Require(t testing.TB) ffmpeg.Tools {
	t.Helper()
	tools, err := ffmpeg.Find()
	if err != nil {
		missing(t, "media tests need ffmpeg and ffprobe (apt-get install ffmpeg)", err)
	}
	b, err := box()
	if errors.Is(err, sandbox.ErrNoBwrap) {
		missing(t, "media tests need bubblewrap, which ffmpeg runs in (apt-get install bubblewrap)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	tools.Runner = b
	return tools
}

// box is the process's one sandbox for media tests; a Box is safe for
// concurrent use.
var box = sync.OnceValues(func() (*sandbox.Box, error) { return sandbox.New(sandbox.Options{}) })

func missing(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s: %v", what, err)
	}
	t.Skipf("SKIPPING: %s: %v", what, err)
}

// WebM writes a VP8/Opus WebM of the given length into dir and returns its
// path. Like a browser's recording it is written as a live stream, to a
// pipe, so it has neither a duration nor Cues.
func WebM(t testing.TB, dir string, seconds float64) string {
	t.Helper()
	return record(t, dir, "answer.webm", seconds,
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-g", "30",
		"-c:a", "libopus", "-b:a", "48k",
		"-f", "webm", "-live", "1")
}

// MP4 writes an H.264/AAC MP4 of the given length into dir and returns its
// path. Like Safari's recording it is fragmented, its index not first.
func MP4(t testing.TB, dir string, seconds float64) string {
	t.Helper()
	return record(t, dir, "answer.mp4", seconds,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30",
		"-c:a", "aac", "-b:a", "64k",
		"-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4")
}

// record encodes seconds of test pattern and tone with the given codec
// and muxer arguments, writing to stdout so the muxer cannot seek back.
func record(t testing.TB, dir, name string, seconds float64, codecArgs ...string) string {
	t.Helper()
	tools := Require(t)
	path := filepath.Join(dir, name)
	for i := 1; ; i++ {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			break
		}
		path = filepath.Join(dir, fmt.Sprintf("%d-%s", i, name))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := []string{"-nostdin", "-hide_banner", "-v", "error",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", strconv.FormatFloat(seconds, 'f', 3, 64), "-threads", "2"}
	args = append(args, codecArgs...)
	cmd := exec.CommandContext(ctx, tools.FFmpeg, append(args, "pipe:1")...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = f, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("making %s: %v: %s", name, err, stderr.Bytes())
	}
	return path
}
