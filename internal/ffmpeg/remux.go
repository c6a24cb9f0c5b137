package ffmpeg

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// Remux copies the first video and first audio stream of in, without
// re-encoding, into out in the same container, and returns out's content
// type, "video/webm" or "video/mp4". WebM comes out with a duration and
// Cues at the front, so players show the length and seek at once; MP4
// comes out unfragmented with its index first (+faststart); other
// Matroska comes out as MP4. info is Probe's report on in.
//
// It takes about 0.1 s for three minutes of video. out is replaced only if
// Remux succeeds.
func (t Tools) Remux(ctx context.Context, in, out string, info Info) (contentType string, err error) {
	defer t.observe(ctx, "remux", time.Now(), &err)
	defer apperr.Wrap(&err, "ffmpeg.Remux(%q, %q)", in, out)
	c, ok := containers[info.Container]
	if !ok {
		return "", fmt.Errorf("cannot remux container %q", info.Container)
	}
	size, err := fileSize(in)
	if err != nil {
		return "", err
	}
	args := ffmpegArgs()
	// 0:V skips cover pictures; "?" lets an audio-only file through.
	args = append(args, "-map", "0:V:0?", "-map", "0:a:0?", "-c", "copy", "-f", c.muxer)
	if c.muxer == "mp4" {
		args = append(args, "-movflags", "+faststart")
	} else {
		// The muxer writes Cues at the end and the duration in the
		// header once it knows it; cues_to_front then moves the Cues
		// before the clusters, saving players a range request.
		args = append(args, "-cues_to_front", "1")
	}
	l := remuxJob
	l.FileBytes = size + size/4 + 16*mb // the same packets, a new index
	_, err = t.run(ctx, job{bin: t.FFmpeg, in: in, out: out, limits: l, args: append(args, "-y", "file:"+boxOutput)})
	if err != nil {
		return "", err
	}
	return c.contentType, nil
}
