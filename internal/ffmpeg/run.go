package ffmpeg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

const (
	// threads bounds each command's decoder, encoder and filter threads,
	// so a few answers processed at once cannot take over the machine.
	threads = "2"
	// stderrTail is how much of a command's stderr an error keeps: the
	// end, where ffmpeg says what finally went wrong.
	stderrTail = 4 << 10
	// demuxers are the only input formats ffmpeg may use: Matroska/WebM
	// and MP4/QuickTime, what browsers record. Images, playlists and the
	// rest are refused once recognised, before their demuxer reads them.
	demuxers = "matroska,mov"
	// boxInput is where a command's box sees its input, read-only, and
	// boxOutput the file it writes, in the one writable directory /out.
	boxInput  = "/in/input"
	boxOutDir = "/out"
	boxOutput = boxOutDir + "/output"
)

// job is one ffmpeg or ffprobe command and the box it runs in.
type job struct {
	bin    string   // t.FFmpeg or t.FFprobe
	in     string   // host path of the input, seen in the box at boxInput; "" for none
	args   []string // the arguments after bin
	out    string   // host path that receives boxOutput on success; "" if the command writes no file
	limits sandbox.Limits
}

// result is what a command printed.
type result struct {
	stdout          []byte
	stdoutTruncated bool
	stderr          string
}

// run runs j in a fresh box: its input bound read-only at boxInput, an
// empty directory bound writable at boxOutDir when j has an output, no
// network, and j.limits (see limits.go). On success the output is moved
// to j.out, so a failed or cancelled command never leaves half a file
// there. When ctx ends the box is killed and the error wraps ctx's.
//
// A command over its memory, or whose decoder met a picture larger than
// maxPixels, or whose output grew past its cap, fails with a
// *LimitError: that file is beyond what we accept, and trying again
// would not help. Any other exit but 0 is an *exitError.
func (t Tools) run(ctx context.Context, j job) (result, error) {
	if t.Runner == nil {
		return result{}, ErrNoSandbox
	}
	if !strings.HasPrefix(j.bin, "/usr/") {
		return result{}, fmt.Errorf("ffmpeg: %s is outside /usr, the only system directory a box sees; install Debian's ffmpeg", j.bin)
	}
	st, err := t.stage(j.in, j.out != "")
	if err != nil {
		return result{}, err
	}
	defer st.remove()
	l := j.limits
	if deadline, ok := ctx.Deadline(); ok {
		// Let ctx end the command, so the error says so, rather than the
		// box's own clock a moment earlier.
		l.Wall = min(l.Wall, max(time.Until(deadline)+time.Second, time.Second))
	}
	// The wall clock bounds time. RLIMIT_CPU counts every thread, and an
	// encode keeps several busy, so it is set well above the clock, which
	// is then always what ends a slow command.
	l.CPU = 8 * l.Wall
	cmd := sandbox.Command{
		Args:   append([]string{j.bin}, j.args...),
		Env:    []string{"AV_LOG_FORCE_NOCOLOR=1"}, // nothing else: FFREPORT, for one, would make ffmpeg write log files
		Binds:  systemBinds(),
		Limits: l,
	}
	if j.in != "" {
		cmd.Binds = append(cmd.Binds, sandbox.Bind{Src: st.input, Dst: boxInput})
	}
	if j.out != "" {
		cmd.Binds = append(cmd.Binds, sandbox.Bind{Src: st.outDir, Dst: boxOutDir, Writable: true})
	}
	r, err := t.Runner.Run(ctx, cmd)
	res := result{stdout: r.Stdout, stdoutTruncated: r.StdoutTruncated, stderr: string(r.Stderr)}
	name := filepath.Base(j.bin)
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("%s stopped: %w", name, ctx.Err())
	case err != nil:
		return res, fmt.Errorf("%s in the sandbox: %w", name, err)
	case r.MemoryExceeded:
		return res, &LimitError{Reason: fmt.Sprintf("It needs more than %d MB of memory to read.", l.MemoryBytes/1e6)}
	}
	if w, h, ok := oversizePicture(res.stderr); ok {
		return res, &LimitError{Reason: fmt.Sprintf("Its pictures are %d×%d pixels; the largest accepted is %d×%d.",
			w, h, DefaultLimits.Width, DefaultLimits.Height)}
	}
	switch {
	case r.TimedOut:
		return res, fmt.Errorf("%s ran out of time (%v): %s", name, l.Wall, tail(res.stderr))
	case r.Signal == "file size limit exceeded":
		return res, &LimitError{Reason: fmt.Sprintf("Its converted copy would be larger than %d MB.", l.FileBytes/1e6)}
	case r.Signal != "":
		return res, fmt.Errorf("%s killed by signal %q: %s", name, r.Signal, tail(res.stderr))
	case r.ExitCode != 0:
		return res, &exitError{name: name, code: r.ExitCode, stderr: tail(res.stderr)}
	}
	if j.out != "" {
		if err := st.deliver(j.out); err != nil {
			return res, err
		}
	}
	return res, nil
}

// systemBinds are what ffmpeg needs of the host beyond /usr, which every
// box has: Debian's /etc/alternatives, through which it links libraries
// that have several providers (libblas.so.3 and liblapack.so.3 point
// there). It holds only symlinks, to files the box sees anyway. Nothing
// else outside /usr is read: no fontconfig (no filter draws text), no
// /etc/ld.so.cache (the loader searches the standard directories).
func systemBinds() []sandbox.Bind {
	const alternatives = "/etc/alternatives"
	if fi, err := os.Stat(alternatives); err != nil || !fi.IsDir() {
		return nil
	}
	return []sandbox.Bind{{Src: alternatives, Dst: alternatives}}
}

// exitError is a command that exited with a status other than 0.
type exitError struct {
	name   string
	code   int
	stderr string
}

func (e *exitError) Error() string {
	return fmt.Sprintf("%s: exit status %d: %s", e.name, e.code, e.stderr)
}

// oversizePicture finds, in ffmpeg's stderr, a decoder's refusal of a
// picture over -max_pixels and its size. libavutil words it "Picture size
// %ux%u exceeds specified max pixel count %d".
func oversizePicture(stderr string) (w, h int, ok bool) {
	m := oversizeRE.FindStringSubmatch(stderr)
	if m == nil {
		return 0, 0, false
	}
	w, _ = strconv.Atoi(m[1])
	h, _ = strconv.Atoi(m[2])
	return w, h, true
}

var oversizeRE = regexp.MustCompile(`Picture size (\d+)x(\d+) exceeds specified max pixel count`)

// tail is the end of a command's stderr, trimmed, for an error message.
func tail(stderr string) string {
	if len(stderr) > stderrTail {
		stderr = stderr[len(stderr)-stderrTail:]
	}
	return strings.TrimSpace(stderr)
}

// inputArgs open the box's input: only through the file protocol, only
// with the demuxers we accept, and with every decoder refusing pictures
// larger than maxPixels, whatever the header said.
func inputArgs() []string {
	return []string{
		"-threads", threads,
		"-max_pixels", strconv.Itoa(maxPixels),
		"-protocol_whitelist", "file",
		"-format_whitelist", demuxers,
		"-i", "file:" + boxInput,
	}
}

// ffmpegArgs starts every ffmpeg command line: no keyboard, no banner,
// errors only, bounded filter threads, then the input options and the
// input.
func ffmpegArgs(inputOpts ...string) []string {
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-filter_threads", threads}
	args = append(args, inputOpts...)
	return append(args, inputArgs()...)
}

// ffprobeArgs is the ffprobe command line: no banner, errors only, only
// what the container says (-nofind_stream_info: ffprobe would otherwise
// decode the first frames to fill in what it lacks), args, then the
// input. ffprobe opens decoders without decoding, so it is not given
// -max_pixels: an oversized header must be reported, not refused as
// unreadable. ffprobe has no -nostdin; the box's stdin is empty.
func ffprobeArgs(args ...string) []string {
	all := append([]string{"-hide_banner", "-v", "error", "-nofind_stream_info"}, args...)
	return append(all,
		"-protocol_whitelist", "file",
		"-format_whitelist", demuxers,
		"-i", "file:"+boxInput)
}

// errEmptyOutput means ffmpeg succeeded but wrote nothing, as it does when
// asked for a frame past the end of a video.
var errEmptyOutput = errors.New("ffmpeg: ffmpeg wrote no output")
