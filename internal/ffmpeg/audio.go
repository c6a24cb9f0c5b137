package ffmpeg

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// ErrNoAudio is what AudioM4A returns for a recording without sound: there
// is nothing to make an audio copy of. Test with errors.Is.
var ErrNoAudio = errors.New("ffmpeg: the recording has no audio stream")

// audioBytesPerSecond is what the audio copy writes: 96 kb/s of AAC,
// plus room for the container.
const audioBytesPerSecond = 96_000 / 8 * 5 / 4

// AudioM4A writes the sound of in, and nothing else, to out: AAC at
// 96 kb/s, mono or stereo as the recording was (more channels are mixed
// down to stereo), in an MP4 audio file (.m4a) with its index first
// (+faststart), which every browser plays in an <audio> element. It is
// what a blind reviewer hears: no picture, no cover art, no subtitles,
// no metadata of the original (which could carry a name) go into it.
//
// A recording with no audio stream gives ErrNoAudio, wrapped, and writes
// nothing. out is replaced only if AudioM4A succeeds. The audio is
// decoded and encoded again, which takes about a second per minute.
func (t Tools) AudioM4A(ctx context.Context, in, out string) (err error) {
	defer t.observe(ctx, "audio", time.Now(), &err)
	defer apperr.Wrap(&err, "ffmpeg.AudioM4A(%q, %q)", in, out)
	info, err := t.probe(ctx, in)
	if err != nil {
		return err
	}
	if info.AudioCodec == "" {
		return ErrNoAudio
	}
	size, err := fileSize(in)
	if err != nil {
		return err
	}
	args := append(ffmpegArgs(),
		"-map", "0:a:0", "-vn", "-sn", "-dn",
		"-map_metadata", "-1", "-map_chapters", "-1",
		// Keep mono as mono and stereo as stereo; anything else becomes
		// stereo, which every browser and earphone plays.
		"-af", "aformat=channel_layouts=mono|stereo",
		"-c:a", "aac", "-b:a", "96k",
		"-threads", threads,
		"-movflags", "+faststart", "-f", "mp4")
	l := audioJob
	// The copy is 96 kb/s whatever the original's rate: a long
	// recording with a thin audio track can grow, so the cap follows its
	// length, and its size covers a length the header understates.
	l.FileBytes = size + int64(info.Duration.Seconds()+60)*audioBytesPerSecond + 4*mb
	_, err = t.run(ctx, job{bin: t.FFmpeg, in: in, out: out, limits: l, args: append(args, "-y", "file:"+boxOutput)})
	return err
}
