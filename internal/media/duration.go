package media

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"time"
)

// packetSpan measures a file that declares no duration, as a browser's
// WebM does, by reading every packet's timestamp and duration. Only the
// container is parsed, nothing is decoded: ffprobe lists the ~14,000
// packets of a three-minute recording in about 50 ms, as fast as
// "ffmpeg -c copy -f null" and without parsing its progress lines. The
// span runs from the earliest packet start (slightly negative for Opus,
// whose encoder delay comes first) to the latest packet end, which is
// what the Matroska muxer writes as the duration on Remux.
func (t Tools) packetSpan(ctx context.Context, path string) (time.Duration, error) {
	args, err := ffprobeArgs(path, "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0")
	if err != nil {
		return 0, err
	}
	var span spanWriter
	if _, err := run(ctx, t.FFprobe, &span, args...); err != nil {
		return 0, err
	}
	if span.n == 0 {
		return 0, nil
	}
	return fromSeconds(span.end - span.start), nil
}

// spanWriter reads ffprobe's packet lines ("pts_time,duration_time", more
// fields after them for packets with side data) as they arrive, so a long
// recording's packet list is never held in memory.
type spanWriter struct {
	start, end float64
	n          int
	partial    []byte
	skip       bool // the current line is too long to be a packet line
}

func (s *spanWriter) Write(p []byte) (int, error) {
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			break
		}
		switch {
		case s.skip:
			s.skip = false
		case len(s.partial) > 0:
			s.line(append(s.partial, p[:i]...))
		default:
			s.line(p[:i])
		}
		s.partial = s.partial[:0]
		p = p[i+1:]
	}
	if len(s.partial)+len(p) > 1024 {
		s.partial, s.skip = s.partial[:0], true
	} else if !s.skip {
		s.partial = append(s.partial, p...)
	}
	return n, nil
}

func (s *spanWriter) line(l []byte) {
	fields := bytes.SplitN(l, []byte(","), 3)
	pts, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil || math.IsNaN(pts) || math.IsInf(pts, 0) {
		return // N/A: a packet without a timestamp says nothing about the span
	}
	end := pts
	if len(fields) > 1 {
		if d, err := strconv.ParseFloat(string(fields[1]), 64); err == nil && d > 0 && !math.IsInf(d, 0) {
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
}
