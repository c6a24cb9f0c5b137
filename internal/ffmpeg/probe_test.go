package ffmpeg_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

func TestProbe(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		path string
		want ffmpeg.Info
	}{
		{"browser webm", ffmpegtest.WebM(t, dir, 2), ffmpeg.Info{Container: "webm", VideoCodec: "vp8", AudioCodec: "opus", Width: 320, Height: 240, Streams: 2}},
		{"safari mp4", ffmpegtest.MP4(t, dir, 2), ffmpeg.Info{Container: "mp4", VideoCodec: "h264", AudioCodec: "aac", Width: 320, Height: 240, Streams: 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := mustProbe(t, tools, tt.path)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(ffmpeg.Info{}, "Duration", "FrameRate")); diff != "" {
				t.Errorf("Probe mismatch (-want +got):\n%s", diff)
			}
			wantDuration(t, got.Duration, 2)
			wantFrameRate(t, got.FrameRate, 15)
		})
	}
}

// A browser's WebM declares no duration; Probe measures it from the
// packets, and Remux writes it into the file.
func TestProbeBrowserWebMDuration(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 3)
	if got := formatDuration(t, tools, in); got != "N/A" {
		t.Fatalf("browser-like WebM declares duration %q, want N/A", got)
	}
	info := mustProbe(t, tools, in)
	wantDuration(t, info.Duration, 3)

	out := filepath.Join(dir, "remuxed.webm")
	if _, err := tools.Remux(context.Background(), in, out, info); err != nil {
		t.Fatal(err)
	}
	wantDeclaredDuration(t, tools, out, 3)
	wantDuration(t, mustProbe(t, tools, out).Duration, 3)
}

func TestProbeNotMedia(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise := make([]byte, 1<<20)
	rand.Read(noise)
	webm, err := os.ReadFile(ffmpegtest.WebM(t, dir, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		path string
	}{
		{"random bytes named webm", write("noise.webm", noise)},
		// With every demuxer allowed, ffprobe takes these for an MP3
		// (probe score 1) and for ANSI art (by the .bin extension).
		{"random bytes named mp3", write("noise.mp3", noise)},
		{"random bytes named bin", write("noise.bin", noise)},
		{"empty", write("empty.webm", nil)},
		{"text", write("notes.webm", []byte("hello, this is not a video\n"))},
		{"png", write("still.png", encodeImage(t, png.Encode))}, // a still image is not an answer
		{"jpeg", write("still.jpg", encodeImage(t, encodeJPEG))},
		{"jpeg named webm", write("still.webm", encodeImage(t, encodeJPEG))},
		{"header only", write("header.webm", webm[:200])},
	} {
		t.Run(tt.name, func(t *testing.T) {
			info, err := tools.Probe(context.Background(), tt.path)
			if !errors.Is(err, ffmpeg.ErrNotMedia) {
				t.Fatalf("Probe = %+v, %v; want ErrNotMedia", info, err)
			}
		})
	}
}

// encodeImage returns a small gradient encoded by encode.
func encodeImage(t *testing.T, encode func(io.Writer, image.Image) error) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }

func TestProbeMissingFile(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	_, err := tools.Probe(context.Background(), filepath.Join(t.TempDir(), "gone.webm"))
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ffmpeg.ErrNotMedia) {
		t.Fatalf("Probe of a missing file = %v, want fs.ErrNotExist and not ErrNotMedia", err)
	}
}

// A relative path that looks like an option is still read as a file.
func TestProbeDashName(t *testing.T) {
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	if err := os.Rename(ffmpegtest.WebM(t, dir, 1), filepath.Join(dir, "-i.webm")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	info := mustProbe(t, tools, "-i.webm")
	if info.VideoCodec != "vp8" {
		t.Errorf("VideoCodec = %q, want vp8", info.VideoCodec)
	}
}
