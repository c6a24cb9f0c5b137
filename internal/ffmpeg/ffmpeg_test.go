package ffmpeg_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

func TestNeedsRendition(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		info ffmpeg.Info
		want bool
	}{
		{"chromium webm", ffmpeg.Info{Container: "webm", VideoCodec: "vp8", AudioCodec: "opus"}, true},
		{"vp9 webm", ffmpeg.Info{Container: "webm", VideoCodec: "vp9", AudioCodec: "opus"}, true},
		{"safari mp4", ffmpeg.Info{Container: "mp4", VideoCodec: "h264", AudioCodec: "aac"}, false},
		{"silent h264 mp4", ffmpeg.Info{Container: "mp4", VideoCodec: "h264"}, false},
		{"h264 with opus in mp4", ffmpeg.Info{Container: "mp4", VideoCodec: "h264", AudioCodec: "opus"}, true},
		{"hevc mp4", ffmpeg.Info{Container: "mp4", VideoCodec: "hevc", AudioCodec: "aac"}, true},
		{"h264 in matroska", ffmpeg.Info{Container: "matroska", VideoCodec: "h264", AudioCodec: "aac"}, true},
		{"audio-only webm", ffmpeg.Info{Container: "webm", AudioCodec: "opus"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.info.NeedsRendition(); got != tt.want {
				t.Errorf("NeedsRendition() = %v, want %v", got, tt.want)
			}
		})
	}
}

// boxReachableDir returns an empty directory for Tools.TempDir, which the
// box's host user can pass through, as through /tmp.
func boxReachableDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustProbe probes path and fails the test on error.
func mustProbe(t *testing.T, tools ffmpeg.Tools, path string) ffmpeg.Info {
	t.Helper()
	info, err := tools.Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// formatDuration asks ffprobe directly for the duration the container
// declares, "N/A" when it declares none.
func formatDuration(t *testing.T, tools ffmpeg.Tools, path string) string {
	t.Helper()
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}

// wantDuration fails the test unless got is within 0.1 s of want seconds.
func wantDuration(t *testing.T, got time.Duration, want float64) {
	t.Helper()
	if math.Abs(got.Seconds()-want) > 0.1 {
		t.Errorf("duration %v, want %vs ± 0.1s", got, want)
	}
}

// wantFrameRate fails the test unless got is within 2% of want.
func wantFrameRate(t *testing.T, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > want/50 {
		t.Errorf("frame rate %v, want %v ± 2%%", got, want)
	}
}

// wantDeclaredDuration fails the test unless the container itself says it
// lasts want seconds, give or take 0.1 s.
func wantDeclaredDuration(t *testing.T, tools ffmpeg.Tools, path string, want float64) {
	t.Helper()
	s := formatDuration(t, tools, path)
	got, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s declares duration %q", path, s)
	}
	if math.Abs(got-want) > 0.1 {
		t.Errorf("%s declares %vs, want %vs ± 0.1s", path, got, want)
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	for _, p := range []string{tools.FFmpeg, tools.FFprobe} {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("tool path %q is not absolute", p)
		}
	}
}

// runFFmpeg runs ffmpeg with args to make an input no mediatest helper
// makes; the last argument is the output.
func runFFmpeg(t *testing.T, tools ffmpeg.Tools, args ...string) {
	t.Helper()
	args = append([]string{"-nostdin", "-v", "error", "-y"}, args...)
	if out, err := exec.Command(tools.FFmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, out)
	}
}
