package ffmpeg

import (
	"errors"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// Limits are what we accept of a file. Check tests Probe's Info against
// them before anything is decoded; a header can lie, so the decoders
// refuse larger pictures themselves (maxPixels) and every command runs
// with a memory cap and a wall clock (the job limits below).
type Limits struct {
	// Width and Height bound the picture, either way round: a phone's
	// portrait video is as welcome as its landscape one.
	Width, Height int
	// FrameRate bounds the video's frames per second on average, counted
	// from its packets (a header's frame rate is not trusted, and a
	// browser's recording states none). Frames times pixels is what
	// decoding costs; the average over the recording bounds the frames.
	FrameRate float64
	// Streams bounds how many streams the container may hold.
	Streams int
}

// DefaultLimits are the limits for every recording and upload.
//
// 4096×2160 is DCI 4K: browsers record 1080p at most unless a 4K webcam
// is asked for, and phones and cameras film intro videos at up to UHD
// (3840×2160). An 8192×8192 picture is 7.6 times as many pixels, and
// decoders hold several pictures at once. 120 frames a second covers
// every camera's normal modes (browsers record at 30 or 60) and phones'
// 120 fps slow motion. Browsers write 2 streams; phones and cameras add a
// few of metadata or timecode, so 8 leaves room, while a crafted file may
// declare thousands.
var DefaultLimits = Limits{Width: 4096, Height: 2160, FrameRate: 120, Streams: 8}

// maxPixels is the largest picture any decoder may allocate (ffmpeg's
// -max_pixels): that of DefaultLimits. A header that claims a small
// picture over frames of 8192×8192 fails at the first such frame, before
// it costs memory.
const maxPixels = 4096 * 2160

// ErrLimit is wrapped by every *LimitError.
var ErrLimit = errors.New("ffmpeg: beyond the limits")

// LimitError says which limit a file is beyond, in a sentence for the
// person who sent it. Trying again cannot help.
type LimitError struct {
	Reason string // e.g. "Its picture is 8192×8192 pixels; the largest accepted is 4096×2160."
}

func (e *LimitError) Error() string { return "ffmpeg: " + e.Reason }
func (e *LimitError) Unwrap() error { return ErrLimit }

// Check returns a *LimitError if info is beyond l, else nil.
func (l Limits) Check(info Info) error {
	long, short := max(info.Width, info.Height), min(info.Width, info.Height)
	limLong, limShort := max(l.Width, l.Height), min(l.Width, l.Height)
	switch {
	case info.Streams > l.Streams:
		return &LimitError{Reason: fmt.Sprintf("It holds %d streams; at most %d are accepted.", info.Streams, l.Streams)}
	case long > limLong || short > limShort:
		return &LimitError{Reason: fmt.Sprintf("Its picture is %d×%d pixels; the largest accepted is %d×%d.",
			info.Width, info.Height, l.Width, l.Height)}
	case info.FrameRate > l.FrameRate:
		return &LimitError{Reason: fmt.Sprintf("It has %.0f frames a second; at most %.0f are accepted.", info.FrameRate, l.FrameRate)}
	}
	return nil
}

// mb is a megabyte, as the limits' messages count them.
const mb = 1_000_000

// Each command's box. Memory was measured with 4K (3840×2160) H.264 and
// VP9 uploads, the heaviest files the limits let in, in the box's cgroup
// (which counts the page cache of the files read and written too): probe
// 12 MB, remux 34 MB, poster 142 MB, rendition 236 MB, decoding it all
// 148 MB. The caps are two to three times that, for decoders that hold
// more reference pictures than our test files make them. Processes count
// threads: a rendition peaks at 9 (ffmpeg's own, two each for the
// decoder, the filters and libx264, its lookahead, the muxer), plus
// bubblewrap's. No command writes more than its one output, and none
// needs /tmp.
var (
	// probeJob reads headers and packets: no decoding.
	probeJob = sandbox.Limits{Wall: 2 * time.Minute, MemoryBytes: 128 * mb, Processes: 16,
		FileBytes: 1 * mb, OutputBytes: maxProbeJSON, TmpBytes: 1 << 20}
	// remuxJob copies packets; ffmpeg decodes a frame or two to learn
	// the streams.
	remuxJob = sandbox.Limits{Wall: 10 * time.Minute, MemoryBytes: 256 * mb, Processes: 32,
		OutputBytes: 64 << 10, TmpBytes: 1 << 20} // FileBytes from the input's size
	// posterJob decodes from a keyframe to one frame and scales it.
	posterJob = sandbox.Limits{Wall: 2 * time.Minute, MemoryBytes: 512 * mb, Processes: 32,
		FileBytes: 16 * mb, OutputBytes: 64 << 10, TmpBytes: 1 << 20}
	// renditionJob decodes everything and encodes H.264 at most 1280
	// wide; the caller's context is its real clock.
	renditionJob = sandbox.Limits{Wall: 2 * time.Hour, MemoryBytes: 768 * mb, Processes: 32,
		OutputBytes: 64 << 10, TmpBytes: 1 << 20} // FileBytes from the input's size
	// audioJob decodes the sound alone and encodes AAC; no picture is
	// decoded. The caller's context is its real clock.
	audioJob = sandbox.Limits{Wall: 2 * time.Hour, MemoryBytes: 256 * mb, Processes: 32,
		OutputBytes: 64 << 10, TmpBytes: 1 << 20} // FileBytes from the input's size and length
	// checkJob decodes everything and writes nothing.
	checkJob = sandbox.Limits{Wall: 2 * time.Hour, MemoryBytes: 512 * mb, Processes: 32,
		FileBytes: 1 * mb, OutputBytes: 64 << 10, TmpBytes: 1 << 20}
)
