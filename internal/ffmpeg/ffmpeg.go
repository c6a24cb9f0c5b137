// Package ffmpeg turns a recorded video answer into files every browser can
// play, using Debian's ffmpeg and ffprobe. Each command runs in a fresh
// sandbox box (see "Uploads are untrusted" below), never through a shell,
// bounded by its context.
//
// Why remux: Chromium's MediaRecorder writes WebM as a live stream. The
// file has no duration and no Cues (the index), because the recorder never
// goes back to fill them in, so players show no length and cannot seek.
// Remux copies the streams, without re-encoding, into a file of the same
// container that has both (Cues at the front). Safari's fragmented MP4 gets
// the same treatment, coming out as a plain MP4 with its index at the front
// (+faststart) so playback starts before the download ends.
//
// Why a rendition: older Safari, on iPhones especially, and other older
// browsers cannot play VP8/VP9 with Opus in WebM. When NeedsRendition says
// so, RenditionMP4 encodes an H.264/AAC MP4 that plays everywhere; the
// remuxed original stays the better copy for browsers that can play it.
//
// Why an audio copy: a job reviewed blind shows its reviewers no faces.
// AudioM4A writes the sound alone, as AAC in an MP4 audio file, so that
// they hear an answer without the video, its poster or its MP4 copy ever
// reaching their browser.
//
// A worker handles an uploaded answer in this order:
//
//	info, err := tools.Probe(ctx, upload) // ErrNotMedia: reject the upload
//	err = ffmpeg.DefaultLimits.Check(info) // *LimitError: reject it, saying why
//	contentType, err := tools.Remux(ctx, upload, playable, info)
//	if info.VideoCodec != "" {
//		err = tools.Poster(ctx, playable, poster, info.Duration/3)
//	}
//	if info.NeedsRendition() {
//		err = tools.RenditionMP4(ctx, playable, mp4)
//	}
//	err = tools.AudioM4A(ctx, playable, m4a) // answers; ErrNoAudio for a silent one
//
// ErrNotMedia is what Probe reports for an upload that is not audio or
// video we can read: random bytes, an empty file, text, or an image. A
// still image is not an answer even though ffmpeg decodes it as a one-frame
// video, so image formats are refused, and neither a cover picture nor a
// single-frame video stream counts as video.
//
// Uploads are untrusted. A file of a few hundred kilobytes can hold
// pictures of 8192×8192 that take a decoder seconds and gigabytes, and a
// decoder with a bug is a way into the server. So:
//
//   - every ffmpeg and ffprobe runs in a box of Tools.Runner (a
//     sandbox.Box: bubblewrap, its own host user, no network, no host
//     files but /usr, a seccomp filter, a memory cgroup, a process cap, a
//     wall clock, capped output and file sizes; limits.go has each
//     command's). It sees its input read-only
//     at /in/input and writes its one output into /out, a fresh host
//     directory from which the file is moved into place once the box is
//     gone (stage.go). Tools without a Runner run nothing: ErrNoSandbox.
//   - Probe reads only headers and packet timestamps, decoding nothing,
//     and Limits.Check refuses a picture, a frame rate or a stream count
//     beyond DefaultLimits before any decoder sees the file.
//   - A header can lie, so every decoder is told the largest picture it
//     may allocate (-max_pixels): a frame beyond it fails the command at
//     once with a *LimitError, as does a box that runs out of memory.
//   - Every input is opened through the file protocol alone and only the
//     Matroska/WebM and MP4/QuickTime demuxers, the containers browsers
//     record. That also keeps ffmpeg's playlist demuxers (HLS, concat),
//     which can read other files or URLs, out of reach.
//   - Threads are capped, and the environment is empty.
package ffmpeg

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// ErrNotMedia means the file is not audio or video we can read. Probe
// returns it wrapped, with ffprobe's reason; test with errors.Is.
var ErrNotMedia = errors.New("ffmpeg: not audio or video")

// ErrNoSandbox is what every command of Tools without a Runner returns:
// media never runs ffmpeg on an upload outside a box.
var ErrNoSandbox = errors.New("ffmpeg: no sandbox to run ffmpeg in")

// Tools runs ffmpeg and ffprobe, each command in a fresh box.
type Tools struct {
	FFmpeg, FFprobe string // absolute paths under /usr, which every box sees
	// Runner runs each command; a *sandbox.Box also says, through its
	// HostUser method, which host user must be able to reach the files.
	Runner sandbox.Runner
	// TempDir is where each command's input and output directory is
	// made; "" means os.TempDir(). The box's host user must be able to
	// pass through it (/tmp's mode 1777 lets anyone).
	TempDir string
	// Observe, if set, hears how long each of Probe, Remux, Poster,
	// RenditionMP4, AudioM4A and Check took and how it ended (see
	// Outcome), for metrics.
	Observe func(command, outcome string, d time.Duration)
}

// New finds ffmpeg and ffprobe (see Find) and returns Tools that run them
// in r's boxes. It removes what servers that died in the middle of a
// command left in the temporary directory.
func New(r sandbox.Runner) (Tools, error) {
	if r == nil {
		return Tools{}, ErrNoSandbox
	}
	t, err := Find()
	if err != nil {
		return Tools{}, err
	}
	t.Runner = r
	removeStale(os.TempDir())
	return t, nil
}

// Find looks up ffmpeg and ffprobe, preferring Debian's /usr/bin over
// whatever comes first on PATH. The Tools it returns have no Runner: they
// name the binaries, for running them on files of our own (tests, the
// demo), and run nothing themselves.
func Find() (Tools, error) {
	ffmpeg, err := find("ffmpeg")
	if err != nil {
		return Tools{}, err
	}
	ffprobe, err := find("ffprobe")
	if err != nil {
		return Tools{}, err
	}
	return Tools{FFmpeg: ffmpeg, FFprobe: ffprobe}, nil
}

func find(name string) (string, error) {
	if fi, err := os.Stat("/usr/bin/" + name); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return "/usr/bin/" + name, nil
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("ffmpeg: %s not found in /usr/bin or PATH; install the Debian package ffmpeg (apt-get install ffmpeg): %w", name, err)
	}
	return path, nil
}

// Info is what Probe learns.
type Info struct {
	Duration   time.Duration
	Container  string // "webm", "mp4" or "matroska" (Matroska holding codecs WebM does not allow, such as H.264)
	VideoCodec string // "vp8", "vp9", "h264", … or "" if no video stream
	AudioCodec string // "opus", "aac", … or "" if no audio stream
	// Width and Height are the displayed size: a phone's portrait MP4 is
	// stored landscape with a rotation, and they are swapped back here.
	Width, Height int
	// FrameRate is the video's frames per second on average, counted
	// from its packets; 0 without video.
	FrameRate float64
	// Streams is how many streams the container holds, of any kind.
	Streams int
}

// NeedsRendition reports whether the file is not already H.264 video with
// AAC (or no) audio in MP4, the one combination every browser plays, and
// so needs RenditionMP4 for Safari and older browsers.
func (i Info) NeedsRendition() bool {
	playable := i.Container == "mp4" && i.VideoCodec == "h264" && (i.AudioCodec == "aac" || i.AudioCodec == "")
	return !playable
}

// containers maps Info.Container to the ffmpeg muxer and content type of
// the remuxed file. Matroska that is not WebM (Chrome on macOS and Windows
// can record H.264 into it) becomes MP4, which takes those codecs and
// which browsers play, where few play Matroska.
var containers = map[string]struct{ muxer, contentType string }{
	"webm":     {"webm", "video/webm"},
	"mp4":      {"mp4", "video/mp4"},
	"matroska": {"mp4", "video/mp4"},
}
