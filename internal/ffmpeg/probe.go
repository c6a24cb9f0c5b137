package ffmpeg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// maxProbeJSON bounds what Probe reads from ffprobe: a few kilobytes for
// any real recording, more only for a file crafted to have many streams.
const maxProbeJSON = 1 << 20

// Probe reads the container, codecs, size, duration, stream count and
// frame rate of the file at path, without decoding it: ffprobe reads the
// headers (with -nofind_stream_info), then every packet's timestamp. It
// returns ErrNotMedia, wrapped with ffprobe's reason, for a file that is
// not audio or video we can read (see the package doc); a missing or
// unreadable file is reported as such. Probe accepts a file of any size
// or length: Limits.Check says whether it is one we take.
//
// The duration is the longer of what the container declares (a
// browser's WebM declares none) and the span of its packets, so a header
// cannot claim ten seconds over an hour of video. Reading the packets
// takes about 50 ms for three minutes of video, since nothing is decoded.
func (t Tools) Probe(ctx context.Context, path string) (info Info, err error) {
	defer t.observe(ctx, "probe", time.Now(), &err)
	return t.probe(ctx, path)
}

// probe is Probe for the commands that probe their input first, which
// observe the whole of their work, the probe included.
func (t Tools) probe(ctx context.Context, path string) (info Info, err error) {
	defer apperr.Wrap(&err, "ffmpeg.Probe(%q)", path)
	if err := readable(path); err != nil {
		return Info{}, err
	}
	res, err := t.run(ctx, job{bin: t.FFprobe, in: path, limits: probeJob,
		args: ffprobeArgs("-print_format", "json", "-show_format", "-show_streams")})
	if exit := (*exitError)(nil); errors.As(err, &exit) {
		return Info{}, fmt.Errorf("%w: %s", ErrNotMedia, exit.stderr)
	}
	if err != nil {
		return Info{}, err
	}
	if res.stdoutTruncated {
		return Info{}, fmt.Errorf("%w: ffprobe described more than %d bytes of streams", ErrNotMedia, maxProbeJSON)
	}
	var p probeOutput
	if err := json.Unmarshal(res.stdout, &p); err != nil {
		return Info{}, fmt.Errorf("reading ffprobe output: %w", err)
	}
	info, video, err := p.info()
	if err != nil {
		return Info{}, err
	}
	pk, err := t.packets(ctx, path, video)
	if err != nil {
		return Info{}, err
	}
	if pk.n > 0 {
		info.Duration = max(info.Duration, spanSeconds(pk.end-pk.start))
	}
	info.FrameRate = pk.frameRate()
	if info.Duration <= 0 {
		return Info{}, fmt.Errorf("%w: no audio or video data", ErrNotMedia)
	}
	return info, nil
}

// readable reports a missing, unreadable or special file as such, before
// ffprobe would call it ErrNotMedia (or, for a FIFO, wait on it).
func readable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// probeOutput is the part of ffprobe's -show_format -show_streams JSON
// that Probe reads. Fields ffprobe knows as N/A are left out of its JSON.
type probeOutput struct {
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
	} `json:"format"`
	Streams []probeStream `json:"streams"`
}

type probeStream struct {
	Index       int    `json:"index"`
	CodecType   string `json:"codec_type"`
	CodecName   string `json:"codec_name"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Duration    string `json:"duration"`
	NbFrames    string `json:"nb_frames"`
	Disposition struct {
		AttachedPic int `json:"attached_pic"`
	} `json:"disposition"`
	SideData []sideData `json:"side_data_list"`
}

// sideData is one entry of a stream's side data; the display matrix has a
// rotation in degrees.
type sideData struct {
	Rotation float64 `json:"rotation"`
}

// info picks the first real video stream and the first audio stream,
// ignoring cover pictures and single frames, and takes the duration from
// the container, else from the longest stream. Duration is 0 when neither
// knows it. video is the index of the video stream, -1 if none.
func (p probeOutput) info() (_ Info, videoIndex int, _ error) {
	var info Info
	var video, audio *probeStream
	var longest time.Duration
	for i := range p.Streams {
		s := &p.Streams[i]
		switch {
		case s.CodecType == "video" && video == nil && s.Disposition.AttachedPic == 0 && s.NbFrames != "1":
			video = s
		case s.CodecType == "audio" && audio == nil:
			audio = s
		default:
			continue
		}
		longest = max(longest, seconds(s.Duration))
	}
	if video == nil && audio == nil {
		return Info{}, -1, fmt.Errorf("%w: %s holds no audio or video stream", ErrNotMedia, p.Format.FormatName)
	}
	videoIndex = -1
	if video != nil {
		if video.Width <= 0 || video.Height <= 0 {
			// Matroska and MP4 both state it; without it the size limit
			// could not be checked before decoding.
			return Info{}, -1, fmt.Errorf("%w: the video stream states no picture size", ErrNotMedia)
		}
		videoIndex = video.Index
		info.VideoCodec = video.CodecName
		info.Width, info.Height = video.Width, video.Height
		for _, sd := range video.SideData {
			if r := math.Mod(math.Abs(sd.Rotation), 180); r == 90 {
				info.Width, info.Height = info.Height, info.Width
			}
		}
	}
	if audio != nil {
		info.AudioCodec = audio.CodecName
	}
	info.Streams = len(p.Streams)
	info.Container = container(p.Format.FormatName, info.VideoCodec, info.AudioCodec)
	info.Duration = seconds(p.Format.Duration)
	if info.Duration == 0 {
		info.Duration = longest
	}
	return info, videoIndex, nil
}

// webmCodecs are the codecs the WebM subset of Matroska allows.
var webmCodecs = map[string]bool{"": true, "vp8": true, "vp9": true, "av1": true, "opus": true, "vorbis": true}

// container normalises ffprobe's format_name, which names the demuxer and
// so cannot tell WebM from other Matroska, or MP4 from QuickTime.
func container(formatName, video, audio string) string {
	switch {
	case strings.Contains(formatName, "matroska") && webmCodecs[video] && webmCodecs[audio]:
		return "webm"
	case strings.Contains(formatName, "matroska"):
		return "matroska"
	case strings.Contains(formatName, "mp4"):
		return "mp4"
	}
	name, _, _ := strings.Cut(formatName, ",")
	return name
}

// seconds parses one of ffprobe's decimal durations; anything else is 0.
func seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return fromSeconds(f)
}

// spanSeconds converts a span of packets to a Duration, the longest one
// there is if the timestamps run further than a Duration can hold.
func spanSeconds(f float64) time.Duration {
	if f >= math.MaxInt64/float64(time.Second) {
		return math.MaxInt64
	}
	return fromSeconds(f)
}

// fromSeconds converts seconds to a Duration, or 0 if f is not a positive
// number a Duration can hold.
func fromSeconds(f float64) time.Duration {
	if !(f > 0) || f >= math.MaxInt64/float64(time.Second) {
		return 0
	}
	return time.Duration(math.Round(f * float64(time.Second)))
}
