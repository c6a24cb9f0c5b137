package ffmpeg

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// Check decodes all of path's video and audio and returns an error
// carrying ffmpeg's complaints if any part failed to decode. ffmpeg exits
// with status 0 on a truncated or corrupt file, reporting the damage only
// on stderr ("File ended prematurely", "exceeds containing master
// element"), so any error output counts as failure, except what the
// null muxer says about timestamps: browsers' recordings can give two
// frames the same timestamp, which players take in their stride and
// which says nothing about whether the file decodes.
func (t Tools) Check(ctx context.Context, path string) (err error) {
	defer t.observe(ctx, "check", time.Now(), &err)
	defer apperr.Wrap(&err, "ffmpeg.Check(%q)", path)
	if err := readable(path); err != nil {
		return err
	}
	args := append(ffmpegArgs(), "-map", "0:V?", "-map", "0:a?", "-f", "null", "-")
	res, err := t.run(ctx, job{bin: t.FFmpeg, in: path, limits: checkJob, args: args})
	if err != nil {
		return err
	}
	var complaints []string
	for _, line := range strings.Split(res.stderr, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || (strings.HasPrefix(line, "[null @") && strings.Contains(line, "dts")) {
			continue
		}
		complaints = append(complaints, line)
	}
	if len(complaints) > 0 {
		return errors.New("ffmpeg: " + strings.Join(complaints, "\n"))
	}
	return nil
}
