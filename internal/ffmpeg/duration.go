package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// maxPacketList bounds ffprobe's list of packets: at about 22 bytes a
// packet, some 700,000 packets, twice what half an hour at 120 frames a
// second and 50 audio packets a second makes.
const maxPacketList = 16 << 20

// packets reads every packet's stream, timestamp and duration, parsing
// the container only, nothing decoded: ffprobe lists the ~14,000 packets
// of a three-minute recording in about 50 ms. The span runs from the
// earliest packet start (slightly negative for Opus, whose encoder delay
// comes first) to the latest packet end, which is what the Matroska
// muxer writes as the duration on Remux. The video stream's packets are
// counted, and spanned on their own, for its frame rate.
func (t Tools) packets(ctx context.Context, path string, video int) (span, error) {
	l := probeJob
	l.OutputBytes = maxPacketList
	res, err := t.run(ctx, job{bin: t.FFprobe, in: path, limits: l,
		args: ffprobeArgs("-show_entries", "packet=stream_index,pts_time,duration_time", "-of", "csv=p=0")})
	if exit := (*exitError)(nil); errors.As(err, &exit) {
		return span{}, fmt.Errorf("%w: %s", ErrNotMedia, exit.stderr)
	}
	if err != nil {
		return span{}, err
	}
	if res.stdoutTruncated {
		return span{}, &LimitError{Reason: "It is cut into more packets than any recording within the limits."}
	}
	return parsePackets(res.stdout, video), nil
}

// span is what the packets say: when the first starts and the last ends;
// how many the video stream has, and when the first and the last start
// (the last one's duration is often unknown, or a guess).
type span struct {
	start, end            float64
	n                     int // packets with a timestamp
	videoFirst, videoLast float64
	frames                int // the video stream's packets with a timestamp
}

// frameRate is the video's frames per second on average, 0 if it has
// fewer than two frames at different times.
func (s span) frameRate() float64 {
	if s.frames < 2 || s.videoLast <= s.videoFirst {
		return 0
	}
	return float64(s.frames-1) / (s.videoLast - s.videoFirst)
}

// parsePackets reads ffprobe's packet lines ("stream_index,pts_time,
// duration_time", more fields after them for packets with side data);
// video is the video stream's index, -1 if none.
func parsePackets(out []byte, video int) span {
	var s span
	for _, l := range bytes.Split(out, []byte("\n")) {
		s.line(l, video)
	}
	return s
}

func (s *span) line(l []byte, video int) {
	fields := bytes.SplitN(l, []byte(","), 4)
	if len(fields) < 2 {
		return
	}
	stream, err := strconv.Atoi(string(fields[0]))
	if err != nil {
		return
	}
	pts, err := strconv.ParseFloat(string(fields[1]), 64)
	if err != nil || math.IsNaN(pts) || math.IsInf(pts, 0) {
		return // N/A: a packet without a timestamp says nothing about the span
	}
	end := pts
	if len(fields) > 2 {
		if d, err := strconv.ParseFloat(string(fields[2]), 64); err == nil && d > 0 && !math.IsInf(d, 0) {
			end += d
		}
	}
	if s.n == 0 || pts < s.start {
		s.start = pts
	}
	if s.n == 0 || end > s.end {
		s.end = end
	}
	s.n++
	if stream != video {
		return
	}
	if s.frames == 0 || pts < s.videoFirst {
		s.videoFirst = pts
	}
	if s.frames == 0 || pts > s.videoLast {
		s.videoLast = pts
	}
	s.frames++
}
