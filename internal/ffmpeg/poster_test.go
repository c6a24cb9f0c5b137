package ffmpeg_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

func TestPoster(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	webm := ffmpegtest.WebM(t, dir, 3)
	remuxed := filepath.Join(dir, "remuxed.webm")
	if _, err := tools.Remux(context.Background(), webm, remuxed, mustProbe(t, tools, webm)); err != nil {
		t.Fatal(err)
	}
	// The camera stopped after a second, the microphone went on: there is
	// no frame at 4 s, so Poster falls back to the first frame.
	frozen := filepath.Join(dir, "frozen.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-t", "1", "-i", "testsrc=size=320x240:rate=15",
		"-f", "lavfi", "-t", "5", "-i", "sine=sample_rate=48000",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", frozen)
	for _, tt := range []struct {
		name string
		in   string
		at   time.Duration
	}{
		{"video shorter than audio", frozen, 4 * time.Second},
		{"middle", remuxed, 1500 * time.Millisecond},
		{"start", remuxed, 0},
		{"before start", remuxed, -time.Minute},
		{"last frame", remuxed, 2990 * time.Millisecond}, // no frame starts after it: clamped
		{"past end", remuxed, time.Hour},
		{"browser webm without cues", webm, 2 * time.Second},
		{"mp4", ffmpegtest.MP4(t, dir, 2), time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "poster.jpg")
			if err := tools.Poster(context.Background(), tt.in, out, tt.at); err != nil {
				t.Fatal(err)
			}
			w, h := decodeJPEG(t, out)
			if w != 320 || h != 240 {
				t.Errorf("poster is %dx%d, want 320x240", w, h)
			}
		})
	}
}

// A poster is at most 1280 pixels wide, with the video's aspect ratio.
func TestPosterScalesDown(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "wide.mp4")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=1920x1080:rate=5", "-t", "1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", in)
	out := filepath.Join(dir, "poster.jpg")
	if err := tools.Poster(context.Background(), in, out, 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if w, h := decodeJPEG(t, out); w != 1280 || h != 720 {
		t.Errorf("poster is %dx%d, want 1280x720", w, h)
	}
}

func TestPosterAudioOnly(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "voice.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "libopus", in)
	out := filepath.Join(dir, "poster.jpg")
	if err := tools.Poster(context.Background(), in, out, 0); err == nil {
		t.Fatal("Poster of an audio-only file succeeded")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed Poster left %s: %v", out, err)
	}
}

// decodeJPEG checks that path is a JPEG that decodes and returns its size.
func decodeJPEG(t *testing.T, path string) (w, h int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) {
		t.Fatalf("%s starts % x, not a JPEG", path, b[:min(len(b), 4)])
	}
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return m.Bounds().Dx(), m.Bounds().Dy()
}
