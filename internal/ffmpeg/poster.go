package ffmpeg

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// posterEndMargin keeps the poster time this far before the end: ffmpeg
// writes no frame at all when asked for one after the last frame starts,
// and a browser's variable frame rate can leave long gaps there.
const posterEndMargin = time.Second

// Poster writes to out a JPEG of the frame at at, scaled down to at most
// 1280 pixels wide with its aspect ratio kept. at is clamped into the
// video; if no frame can be taken there (a gap, a broken cluster), Poster
// takes the first frame instead, unless a limit stopped it. out is
// replaced only if Poster succeeds.
func (t Tools) Poster(ctx context.Context, in, out string, at time.Duration) (err error) {
	defer t.observe(ctx, "poster", time.Now(), &err)
	defer apperr.Wrap(&err, "ffmpeg.Poster(%q, %q, %v)", in, out, at)
	info, err := t.probe(ctx, in)
	if err != nil {
		return err
	}
	if info.VideoCodec == "" {
		return errors.New("no video stream to take a poster from")
	}
	at = min(at, info.Duration-posterEndMargin)
	at = max(at, 0)
	err = t.frame(ctx, in, out, at)
	if err != nil && at > 0 && ctx.Err() == nil && !errors.Is(err, ErrLimit) {
		if err0 := t.frame(ctx, in, out, 0); err0 != nil {
			return fmt.Errorf("%w; first frame: %w", err, err0)
		}
		return nil
	}
	return err
}

// frame writes the first frame at or after at as a JPEG.
func (t Tools) frame(ctx context.Context, in, out string, at time.Duration) error {
	var seek []string
	if at > 0 {
		// Before -i, -ss seeks to the keyframe before at and decodes up
		// to at: exact, and fast even in a browser's WebM without Cues
		// (80 ms at 90 s into a three-minute recording).
		seek = []string{"-ss", strconv.FormatFloat(at.Seconds(), 'f', 3, 64)}
	}
	args := append(ffmpegArgs(seek...),
		"-map", "0:V:0", "-frames:v", "1",
		"-vf", "scale=w='min(1280,iw)':h=-2",
		"-q:v", "3", "-threads", threads,
		"-f", "image2", "-c:v", "mjpeg", "-update", "1")
	_, err := t.run(ctx, job{bin: t.FFmpeg, in: in, out: out, limits: posterJob, args: append(args, "-y", "file:"+boxOutput)})
	return err
}
