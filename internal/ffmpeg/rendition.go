package ffmpeg

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// RenditionMP4 encodes in as an MP4 of H.264 (libx264, preset veryfast,
// CRF 23, yuv420p, at most 1280 pixels wide, even width and height) and AAC at 128 kb/s, with its
// index first (+faststart): a copy every browser plays. An audio-only in
// gives an audio-only MP4. out is replaced only if RenditionMP4 succeeds.
//
// This is the slow step, so callers run it in the background and bound it
// with ctx: three minutes of 640x480 test pattern take about 5 s on two
// threads, and camera footage, harder to compress, takes longer.
func (t Tools) RenditionMP4(ctx context.Context, in, out string) (err error) {
	defer t.observe(ctx, "rendition", time.Now(), &err)
	defer apperr.Wrap(&err, "ffmpeg.RenditionMP4(%q, %q)", in, out)
	size, err := fileSize(in)
	if err != nil {
		return err
	}
	args := append(ffmpegArgs(),
		"-map", "0:V:0?", "-map", "0:a:0?",
		// Browsers record at a variable frame rate, with timestamps in
		// milliseconds. Keep each frame's own timestamp, to the
		// millisecond: by default ffmpeg would round them to ticks of the
		// nominal frame rate (1/30 s) and drop frames that land on the
		// same tick.
		"-fps_mode", "vfr", "-enc_time_base:v", "1:1000",
		// At most 1280 pixels wide (a 4K upload would take an age to
		// encode, for a copy only old browsers use), and H.264 in 4:2:0
		// needs even dimensions.
		"-vf", "scale='trunc(min(iw,1280)/2)*2':-2",
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "128k",
		"-threads", threads,
		"-movflags", "+faststart", "-f", "mp4")
	l := renditionJob
	// H.264 at most 1280 wide at CRF 23 is rarely larger than what a
	// browser uploads; twice that, and room for a short one, is plenty.
	l.FileBytes = 2*size + 64*mb
	_, err = t.run(ctx, job{bin: t.FFmpeg, in: in, out: out, limits: l, args: append(args, "-y", "file:"+boxOutput)})
	return err
}
