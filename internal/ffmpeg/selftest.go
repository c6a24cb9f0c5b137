package ffmpeg

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SelfTest shows that media works on this machine, the way recordings
// use it: ffmpeg encodes a second of test pattern in a box, under the
// limits of a rendition, into the box's output directory, and Probe reads
// the result back through a box's input. A machine where the box's user
// cannot reach TempDir, or ffmpeg misses a library in the box, fails
// here. It is for the worker's start-up check and `anyhour doctor`.
func (t Tools) SelfTest(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("ffmpeg: ffmpeg in the sandbox: %w", err)
		}
	}()
	dir, err := os.MkdirTemp(t.TempDir, "anyhour-selftest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sample := filepath.Join(dir, "sample.mkv")
	l := renditionJob
	l.Wall, l.FileBytes = 30*time.Second, 1*mb
	_, err = t.run(ctx, job{bin: t.FFmpeg, out: sample, limits: l, args: []string{
		"-nostdin", "-hide_banner", "-v", "error", "-filter_threads", threads,
		"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-threads", threads,
		"-f", "matroska", "-y", "file:" + boxOutput}})
	if err != nil {
		return err
	}
	info, err := t.Probe(ctx, sample)
	if err != nil {
		return err
	}
	if info.VideoCodec != "h264" || info.Width != 320 || info.Height != 240 {
		return fmt.Errorf("probing a sample read %+v, want 320x240 H.264", info)
	}
	return nil
}
