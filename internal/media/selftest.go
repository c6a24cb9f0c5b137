package media

import (
	"context"
	"fmt"
	"time"
)

// SelfTest shows that media works on this machine: ffprobe starts in a
// box, and ffmpeg decodes and encodes a second of test pattern in one,
// under the limits a rendition has. It is for the worker's start-up
// check and `anyhour doctor`.
func (t Tools) SelfTest(ctx context.Context) error {
	probe := probeJob
	probe.Wall = 30 * time.Second
	if _, err := t.run(ctx, job{bin: t.FFprobe, args: []string{"-hide_banner", "-v", "error", "-version"}, limits: probe}); err != nil {
		return fmt.Errorf("media: ffprobe in the sandbox: %w", err)
	}
	encode := renditionJob
	encode.Wall, encode.FileBytes = 30*time.Second, 1*mb
	_, err := t.run(ctx, job{bin: t.FFmpeg, limits: encode, args: []string{
		"-nostdin", "-hide_banner", "-v", "error", "-filter_threads", threads,
		"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-threads", threads, "-f", "null", "-"}})
	if err != nil {
		return fmt.Errorf("media: ffmpeg in the sandbox: %w", err)
	}
	return nil
}
