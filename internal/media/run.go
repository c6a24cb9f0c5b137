package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const (
	// threads bounds each command's decoder, encoder and filter threads,
	// so a few answers processed at once cannot take over the machine.
	threads = "2"
	// stderrTail is how much of a command's stderr an error keeps: the
	// end, where ffmpeg says what finally went wrong.
	stderrTail = 4 << 10
	// waitDelay bounds how long a killed command may hold its pipes open
	// before Wait gives up on it.
	waitDelay = 5 * time.Second
	// demuxers are the only input formats ffmpeg may use: Matroska/WebM
	// and MP4/QuickTime, what browsers record. Images, playlists and the
	// rest are refused once recognised, before their demuxer reads them.
	demuxers = "matroska,mov"
)

// run runs bin with args, writing its stdout to stdout (discarded if nil).
// The error of a failed command carries the end of its stderr; when ctx
// ends, the command is killed and the error wraps ctx's error.
func run(ctx context.Context, bin string, stdout io.Writer, args ...string) (stderr string, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout = stdout
	var tail tailBuffer
	cmd.Stderr = &tail
	cmd.WaitDelay = waitDelay
	// A clean environment: FFREPORT, for one, would make ffmpeg write log
	// files into the working directory.
	cmd.Env = []string{"AV_LOG_FORCE_NOCOLOR=1"}
	err = cmd.Run()
	stderr = tail.String()
	if ctx.Err() != nil {
		return stderr, fmt.Errorf("%s stopped: %w", filepath.Base(bin), ctx.Err())
	}
	if err != nil {
		return stderr, fmt.Errorf("%s: %w: %s", filepath.Base(bin), err, strings.TrimSpace(stderr))
	}
	return stderr, nil
}

// input returns the arguments that open path as the input: only through
// the file protocol and only with the demuxers we accept. The "file:"
// prefix keeps a name like "-i" or "http:x" from being read as an option
// or a URL.
func input(path string) ([]string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return []string{
		"-threads", threads,
		"-protocol_whitelist", "file",
		"-format_whitelist", demuxers,
		"-i", "file:" + abs,
	}, nil
}

// ffmpegArgs starts every ffmpeg command line: no keyboard, no banner,
// errors only, bounded filter threads, then the input options and in.
func ffmpegArgs(in string, inputOpts ...string) ([]string, error) {
	inArgs, err := input(in)
	if err != nil {
		return nil, err
	}
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-filter_threads", threads}
	args = append(args, inputOpts...)
	return append(args, inArgs...), nil
}

// ffprobeArgs is the ffprobe command line: no banner, errors only, args,
// then in. ffprobe has no -nostdin; its stdin is /dev/null.
func ffprobeArgs(in string, args ...string) ([]string, error) {
	inArgs, err := input(in)
	if err != nil {
		return nil, err
	}
	all := append([]string{"-hide_banner", "-v", "error"}, args...)
	return append(all, inArgs...), nil
}

// writeFile lets write produce a file at a temporary path beside out and
// renames it to out only if write succeeded, so a failed or cancelled
// command never leaves half a file at out. write receives the path in the
// "file:" form ffmpeg should be given.
func writeFile(out string, write func(tmpURL string) error) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(abs), ".media-*"+filepath.Ext(abs))
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if err := write("file:" + tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if fi, err := os.Stat(tmp); err != nil || fi.Size() == 0 {
		os.Remove(tmp)
		return errEmptyOutput
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// errEmptyOutput means ffmpeg succeeded but wrote nothing, as it does when
// asked for a frame past the end of a video.
var errEmptyOutput = errors.New("media: ffmpeg wrote no output")

// tailBuffer keeps the last stderrTail bytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= stderrTail {
		p = p[len(p)-stderrTail:]
		t.b = t.b[:0]
	}
	if over := len(t.b) + len(p) - stderrTail; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	t.b = append(t.b, p...)
	return n, nil
}

func (t *tailBuffer) String() string { return string(t.b) }
