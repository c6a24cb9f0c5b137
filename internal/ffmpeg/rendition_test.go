package ffmpeg_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

func TestRenditionMP4(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 2)
	if !mustProbe(t, tools, in).NeedsRendition() {
		t.Fatal("NeedsRendition false for a VP8/Opus WebM")
	}
	out := filepath.Join(dir, "rendition.mp4")
	if err := tools.RenditionMP4(context.Background(), in, out); err != nil {
		t.Fatal(err)
	}
	got := mustProbe(t, tools, out)
	want := ffmpeg.Info{Container: "mp4", VideoCodec: "h264", AudioCodec: "aac", Width: 320, Height: 240, Streams: 2}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(ffmpeg.Info{}, "Duration", "FrameRate")); diff != "" {
		t.Errorf("rendition mismatch (-want +got):\n%s", diff)
	}
	wantDuration(t, got.Duration, 2)
	wantFrameRate(t, got.FrameRate, 15)
	if got.NeedsRendition() {
		t.Error("NeedsRendition true for the rendition itself")
	}
	boxes := mp4Boxes(t, out)
	if moov, mdat := slices.Index(boxes, "moov"), slices.Index(boxes, "mdat"); moov < 0 || moov > mdat {
		t.Errorf("top-level boxes %v, want moov before mdat (+faststart)", boxes)
	}
}

// An odd-sized video comes out with even dimensions, as H.264 in 4:2:0
// requires.
func TestRenditionOddSize(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "odd.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=321x241:rate=15", "-t", "1",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", in)
	out := filepath.Join(dir, "rendition.mp4")
	if err := tools.RenditionMP4(context.Background(), in, out); err != nil {
		t.Fatal(err)
	}
	if got := mustProbe(t, tools, out); got.Width != 320 || got.Height != 240 || got.AudioCodec != "" {
		t.Errorf("rendition of silent 321x241 is %dx%d with audio %q, want 320x240 silent", got.Width, got.Height, got.AudioCodec)
	}
}

// Cancelling the context kills ffmpeg at once and leaves no output, and
// nothing of the box's directory.
func TestRenditionMP4Cancel(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	tools.TempDir = boxReachableDir(t)
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 10)
	out := filepath.Join(dir, "rendition.mp4")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Cancel once ffmpeg has started writing, so the test knows it
	// interrupts a running encode, however fast this machine is.
	cancelled := make(chan time.Time, 1)
	go func() {
		for ctx.Err() == nil {
			outs, _ := filepath.Glob(filepath.Join(tools.TempDir, "anyhour-ffmpeg-*-*", "out", "output"))
			for _, o := range outs {
				if fi, err := os.Stat(o); err == nil && fi.Size() > 0 && ctx.Err() == nil {
					cancelled <- time.Now()
					cancel()
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	err := tools.RenditionMP4(ctx, in, out)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RenditionMP4 = %v, want context.Canceled", err)
	}
	// 5 s, not "at once": a loaded machine can be slow to reap ffmpeg;
	// an encode left running would take far longer than that.
	if d := time.Since(<-cancelled); d > 5*time.Second {
		t.Errorf("RenditionMP4 returned %v after its context was cancelled", d)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("cancelled RenditionMP4 left %s: %v", out, err)
	}
	if left, _ := os.ReadDir(tools.TempDir); len(left) > 0 {
		t.Errorf("cancelled RenditionMP4 left %s behind", left[0].Name())
	}
}

func TestRenditionMP4Cancelled(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tools.RenditionMP4(ctx, in, filepath.Join(dir, "r.mp4")); !errors.Is(err, context.Canceled) {
		t.Fatalf("RenditionMP4 with a cancelled context = %v, want context.Canceled", err)
	}
}
