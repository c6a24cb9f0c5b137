package ffmpeg_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

// TestAudioM4A: a browser's recording, and Safari's, give an AAC-only
// MP4 with its index first, as long as the recording, with the
// recording's channels kept and nothing of its picture.
func TestAudioM4A(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		in   string
	}{
		{"chromium webm", ffmpegtest.WebM(t, dir, 2)},
		{"safari mp4", ffmpegtest.MP4(t, dir, 2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "audio.m4a")
			if err := tools.AudioM4A(context.Background(), tc.in, out); err != nil {
				t.Fatal(err)
			}
			got := mustProbe(t, tools, out)
			want := ffmpeg.Info{Container: "mp4", AudioCodec: "aac", Streams: 1}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(ffmpeg.Info{}, "Duration")); diff != "" {
				t.Errorf("audio copy mismatch (-want +got):\n%s", diff)
			}
			wantDuration(t, got.Duration, 2)
			if ch := audioStream(t, tools, out, "channels"); ch != "1" {
				t.Errorf("a mono recording's copy has %s channels", ch)
			}
			if rate, err := strconv.Atoi(audioStream(t, tools, out, "bit_rate")); err != nil || rate < 48_000 || rate > 112_000 {
				t.Errorf("bit rate %d (%v), want about 96 kb/s", rate, err)
			}
			boxes := mp4Boxes(t, out)
			if moov, mdat := slices.Index(boxes, "moov"), slices.Index(boxes, "mdat"); moov < 0 || moov > mdat {
				t.Errorf("top-level boxes %v, want moov before mdat (+faststart)", boxes)
			}
		})
	}
}

// Stereo stays stereo; six channels come down to two. Nothing of the
// original's metadata, a name in its title say, reaches the copy.
func TestAudioM4AChannelsAndMetadata(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		layout, want string
	}{
		{"stereo", "2"},
		{"5.1", "2"},
	} {
		t.Run(tc.layout, func(t *testing.T) {
			in := filepath.Join(dir, strings.ReplaceAll(tc.layout, ".", "_")+".webm")
			runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
				"-t", "1", "-ac", map[string]string{"stereo": "2", "5.1": "6"}[tc.layout],
				"-metadata", "title=Ada Lovelace answers", "-metadata:s:a:0", "title=Ada's microphone",
				"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", in)
			out := filepath.Join(t.TempDir(), "audio.m4a")
			if err := tools.AudioM4A(context.Background(), in, out); err != nil {
				t.Fatal(err)
			}
			if ch := audioStream(t, tools, out, "channels"); ch != tc.want {
				t.Errorf("%s recording: the copy has %s channels, want %s", tc.layout, ch, tc.want)
			}
			tags, err := exec.Command(tools.FFprobe, "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", out).Output()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(tags), "Ada") {
				t.Errorf("the copy keeps the original's titles: %s", tags)
			}
		})
	}
}

// A recording without sound gives ErrNoAudio and no file, not a crash or
// an empty copy.
func TestAudioM4ANoAudio(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "silent.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", in)
	out := filepath.Join(dir, "audio.m4a")
	err := tools.AudioM4A(context.Background(), in, out)
	if !errors.Is(err, ffmpeg.ErrNoAudio) {
		t.Fatalf("AudioM4A of a silent video = %v, want ErrNoAudio", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("AudioM4A of a silent video left %s: %v", out, err)
	}
	// Bytes that are not media are refused as such, not as silence.
	junk := filepath.Join(dir, "junk.webm")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a video ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := tools.AudioM4A(context.Background(), junk, out); !errors.Is(err, ffmpeg.ErrNotMedia) {
		t.Errorf("AudioM4A of junk = %v, want ErrNotMedia", err)
	}
}

func TestAudioM4ACancelled(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tools.AudioM4A(ctx, in, filepath.Join(dir, "a.m4a")); !errors.Is(err, context.Canceled) {
		t.Fatalf("AudioM4A with a cancelled context = %v, want context.Canceled", err)
	}
}

// audioStream asks ffprobe directly for one field of the first audio
// stream.
func audioStream(t *testing.T, tools ffmpeg.Tools, path, field string) string {
	t.Helper()
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-select_streams", "a:0", "-show_entries", "stream="+field, "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}
