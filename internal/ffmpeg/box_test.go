package ffmpeg_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

// TestWithoutSandbox: Tools without a Runner run nothing.
func TestWithoutSandbox(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	in := ffmpegtest.WebM(t, t.TempDir(), 1)
	tools.Runner = nil
	if _, err := tools.Probe(context.Background(), in); !errors.Is(err, ffmpeg.ErrNoSandbox) {
		t.Errorf("Probe without a sandbox = %v, want ErrNoSandbox", err)
	}
	if _, err := ffmpeg.New(nil); !errors.Is(err, ffmpeg.ErrNoSandbox) {
		t.Errorf("New(nil) = %v, want ErrNoSandbox", err)
	}
}

// TestPipeline follows a browser's recording through Probe, Remux,
// Poster and RenditionMP4 in the box: the outputs are the server's
// files, the input is untouched, and nothing is left of the boxes'
// directories.
func TestPipeline(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	tools.TempDir = boxReachableDir(t)
	ctx := context.Background()
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 3)
	before, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	info := mustProbe(t, tools, in)
	if err := ffmpeg.DefaultLimits.Check(info); err != nil {
		t.Fatal(err)
	}
	playable, poster, mp4 := filepath.Join(dir, "playable.webm"), filepath.Join(dir, "poster.jpg"), filepath.Join(dir, "video.mp4")
	if _, err := tools.Remux(ctx, in, playable, info); err != nil {
		t.Fatal(err)
	}
	if err := tools.Poster(ctx, playable, poster, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := tools.RenditionMP4(ctx, playable, mp4); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{playable, poster, mp4} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Getuid() || fi.Size() == 0 {
			t.Errorf("%s: %d bytes owned by uid %d, want some owned by %d", filepath.Base(p), fi.Size(), st.Uid, os.Getuid())
		}
	}
	if after, _ := os.ReadFile(in); !bytes.Equal(after, before) {
		t.Error("the input changed")
	}
	if left, _ := os.ReadDir(tools.TempDir); len(left) > 0 {
		t.Errorf("the boxes' directories are left: %s…", left[0].Name())
	}
	if got := mustProbe(t, tools, mp4); got.VideoCodec != "h264" || got.AudioCodec != "aac" {
		t.Errorf("rendition holds %s/%s, want h264/aac", got.VideoCodec, got.AudioCodec)
	}
}

// TestPrivateInput: a file only the server may read reaches the box as a
// copy, and the file itself is left as it was.
func TestPrivateInput(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	in := ffmpegtest.WebM(t, t.TempDir(), 1)
	if err := os.Chmod(in, 0o600); err != nil {
		t.Fatal(err)
	}
	if info := mustProbe(t, tools, in); info.VideoCodec != "vp8" {
		t.Errorf("Probe = %+v", info)
	}
	if fi, err := os.Stat(in); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the input is now %v (%v)", fi.Mode(), err)
	}
}

// TestSelfTest: on a machine with ffmpeg and bubblewrap the self-test
// passes; where the box's user cannot reach TempDir it fails, as every
// recording would.
func TestSelfTest(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	ctx := context.Background()
	if err := tools.SelfTest(ctx); err != nil {
		t.Fatal(err)
	}
	// Where boxes run as the server's user, they reach whatever it made.
	if _, _, ok := tools.Runner.(interface{ HostUser() (int, int, bool) }).HostUser(); ok {
		tools.TempDir = t.TempDir() // 0700, the server's
		if err := tools.SelfTest(ctx); err == nil {
			t.Error("the self-test passed with a TempDir the box cannot reach")
		}
	}
}
