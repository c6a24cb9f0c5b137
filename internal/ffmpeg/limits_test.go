package ffmpeg_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// recorder runs commands in the real box and keeps each one's Result,
// for tests that look at what a command cost.
type recorder struct {
	*sandbox.Box
	mu   sync.Mutex
	runs []sandbox.Result
}

func (r *recorder) Run(ctx context.Context, cmd sandbox.Command) (sandbox.Result, error) {
	res, err := r.Box.Run(ctx, cmd)
	r.mu.Lock()
	r.runs = append(r.runs, res)
	r.mu.Unlock()
	return res, err
}

// take returns the Results kept since the last take.
func (r *recorder) take() []sandbox.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	runs := r.runs
	r.runs = nil
	return runs
}

// wantLimit fails the test unless err is a *LimitError whose reason
// mentions want.
func wantLimit(t *testing.T, err error, want string) {
	t.Helper()
	var le *ffmpeg.LimitError
	if !errors.As(err, &le) || !errors.Is(err, ffmpeg.ErrLimit) {
		t.Fatalf("got %v, want a *LimitError mentioning %q", err, want)
	}
	if !strings.Contains(le.Reason, want) {
		t.Errorf("reason %q, want it to mention %q", le.Reason, want)
	}
}

// TestPictureBomb: two black VP8 frames of 8192×8192 make a file of about
// 110 KB whose decoding takes hundreds of megabytes. Probe reads its size
// without decoding it and Check refuses it; if a header hides the size,
// the decoders refuse the first frame; either way the box's memory stays
// a fraction of what decoding the file takes.
func TestPictureBomb(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	rec := &recorder{Box: tools.Runner.(*sandbox.Box)}
	tools.Runner = rec
	ctx := context.Background()
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "color=c=black:s=8192x8192:r=2", "-t", "1",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-lag-in-frames", "0", "-auto-alt-ref", "0",
		"-threads", "1", bomb)
	// What decoding it takes, outside any box.
	decode := exec.Command(tools.FFmpeg, "-nostdin", "-v", "error", "-threads", "2", "-i", bomb, "-f", "null", "-")
	if out, err := decode.CombinedOutput(); err != nil {
		t.Fatalf("decoding the bomb: %v: %s", err, out)
	}
	decodeBytes := decode.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	bounded := func(t *testing.T) {
		t.Helper()
		for _, res := range rec.take() {
			if res.MaxRSSBytes > decodeBytes/3 {
				t.Errorf("a box peaked at %d MB; decoding the file takes %d MB", res.MaxRSSBytes>>20, decodeBytes>>20)
			}
		}
	}

	t.Run("honest header", func(t *testing.T) {
		info := mustProbe(t, tools, bomb)
		if info.Width != 8192 || info.Height != 8192 {
			t.Fatalf("Probe = %+v, want 8192x8192", info)
		}
		wantLimit(t, ffmpeg.DefaultLimits.Check(info), "8192×8192")
		// Were Check skipped, the decoders would still refuse it.
		wantLimit(t, tools.Poster(ctx, bomb, filepath.Join(dir, "poster.jpg"), 0), "8192×8192")
		wantLimit(t, tools.RenditionMP4(ctx, bomb, filepath.Join(dir, "rendition.mp4")), "8192×8192")
		bounded(t)
	})

	t.Run("lying header", func(t *testing.T) {
		b, err := os.ReadFile(bomb)
		if err != nil {
			t.Fatal(err)
		}
		// Matroska's PixelWidth (B0) and PixelHeight (BA), two bytes each:
		// 8192 becomes 640 and 480.
		for _, r := range []struct{ old, new []byte }{
			{[]byte{0xB0, 0x82, 0x20, 0x00}, []byte{0xB0, 0x82, 0x02, 0x80}},
			{[]byte{0xBA, 0x82, 0x20, 0x00}, []byte{0xBA, 0x82, 0x01, 0xE0}},
		} {
			if bytes.Count(b, r.old) != 1 {
				t.Fatalf("the bomb holds %x %d times, want once", r.old, bytes.Count(b, r.old))
			}
			b = bytes.Replace(b, r.old, r.new, 1)
		}
		liar := filepath.Join(dir, "liar.webm")
		if err := os.WriteFile(liar, b, 0o644); err != nil {
			t.Fatal(err)
		}
		info := mustProbe(t, tools, liar)
		if info.Width != 640 || info.Height != 480 {
			t.Fatalf("Probe = %+v, want the header's 640x480", info)
		}
		if err := ffmpeg.DefaultLimits.Check(info); err != nil {
			t.Fatalf("Check refused what the header says: %v", err)
		}
		// Remux copies packets and decodes none, so it is no bother; every
		// command that decodes refuses the first frame.
		if _, err := tools.Remux(ctx, liar, filepath.Join(dir, "playable.webm"), info); err != nil {
			t.Errorf("Remux: %v", err)
		}
		wantLimit(t, tools.Poster(ctx, liar, filepath.Join(dir, "poster.jpg"), 0), "8192×8192")
		wantLimit(t, tools.RenditionMP4(ctx, liar, filepath.Join(dir, "rendition.mp4")), "8192×8192")
		wantLimit(t, tools.Check(ctx, liar), "8192×8192")
		bounded(t)
	})

	for _, name := range []string{"poster.jpg", "rendition.mp4"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("a refused command left %s: %v", name, err)
		}
	}
}

// TestFrameRate: a second of 1000 frames is refused; 60 frames a second
// are fine. The rate is counted from the packets.
func TestFrameRate(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		rate    string
		want    float64
		refused bool
	}{
		{"1000", 1000, true},
		{"60", 60, false},
	} {
		in := filepath.Join(dir, tt.rate+".webm")
		runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=160x120:rate="+tt.rate, "-t", "1",
			"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-threads", "2", in)
		info := mustProbe(t, tools, in)
		wantFrameRate(t, info.FrameRate, tt.want)
		err := ffmpeg.DefaultLimits.Check(info)
		if tt.refused {
			wantLimit(t, err, "1000 frames a second")
		} else if err != nil {
			t.Errorf("%s fps: %v", tt.rate, err)
		}
	}
}

// TestStreams: a file of ten audio streams is refused.
func TestStreams(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	in := filepath.Join(t.TempDir(), "many.webm")
	args := []string{"-f", "lavfi", "-i", "sine=duration=1"}
	for range 10 {
		args = append(args, "-map", "0:a")
	}
	runFFmpeg(t, tools, append(args, "-c:a", "libopus", in)...)
	info := mustProbe(t, tools, in)
	if info.Streams != 10 {
		t.Fatalf("Probe counted %d streams, want 10", info.Streams)
	}
	wantLimit(t, ffmpeg.DefaultLimits.Check(info), "10 streams")
}

// TestDurationHeaderLies: a container that declares one second over four
// seconds of packets is four seconds long for Probe.
func TestDurationHeaderLies(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "long.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=160x120:rate=15", "-t", "4",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", in)
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	// Matroska's Duration (44 89), an 8-byte float of milliseconds.
	i := bytes.Index(b, []byte{0x44, 0x89, 0x88})
	if i < 0 {
		t.Fatal("no 8-byte Duration in the file")
	}
	binary.BigEndian.PutUint64(b[i+3:], math.Float64bits(1000))
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := formatDuration(t, tools, in); !strings.HasPrefix(got, "1.0") {
		t.Fatalf("the patched file declares %s s, want 1", got)
	}
	wantDuration(t, mustProbe(t, tools, in).Duration, 4)
}
