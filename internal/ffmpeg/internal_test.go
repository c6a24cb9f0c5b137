package ffmpeg

import (
	"math"
	"strings"
	"testing"
	"time"
)

// parsePackets spans every packet with a timestamp, and counts and spans
// the video stream's on their own.
func TestParsePackets(t *testing.T) {
	out := "1,-0.007000,0.020000\n" +
		"0,0.000000,N/A\n" +
		"1,N/A,0.020000\n" +
		"1,2.994000,0.020000,side_data,\n" +
		"0,2.000000,0.066000\n" +
		"x,1.0,1.0\n" + // not a packet line: ignored
		"0,1.000000,0.066000"
	s := parsePackets([]byte(out), 0)
	if got, want := fromSeconds(s.end-s.start), 3021*time.Millisecond; got != want || s.n != 5 {
		t.Errorf("span %v over %d packets, want %v over 5", got, s.n, want)
	}
	if got, want := s.frameRate(), 1.0; math.Abs(got-want) > 1e-9 || s.frames != 3 {
		t.Errorf("%v frames a second over %d frames, want %v over 3", got, s.frames, want)
	}
	if s := parsePackets([]byte(out), -1); s.frames != 0 || s.n != 5 {
		t.Errorf("without video: %d frames of %d packets, want 0 of 5", s.frames, s.n)
	}
}

func TestTail(t *testing.T) {
	got := tail("start " + strings.Repeat("x", stderrTail) + " the end\n")
	if len(got) != stderrTail-1 || !strings.HasSuffix(got, "x the end") {
		t.Errorf("tail is %d bytes ending %q", len(got), got[max(0, len(got)-20):])
	}
}

func TestOversizePicture(t *testing.T) {
	stderr := "[vp8 @ 0x55] [IMGUTILS @ 0x7f] Picture size 8192x8192 exceeds specified max pixel count 8847360, see the documentation if you wish to increase it\n"
	if w, h, ok := oversizePicture(stderr); !ok || w != 8192 || h != 8192 {
		t.Errorf("oversizePicture = %d, %d, %v; want 8192, 8192, true", w, h, ok)
	}
	if _, _, ok := oversizePicture("Invalid data found when processing input"); ok {
		t.Error("oversizePicture found a size in an unrelated error")
	}
}

func TestContainer(t *testing.T) {
	for _, tt := range []struct{ format, video, audio, want string }{
		{"matroska,webm", "vp8", "opus", "webm"},
		{"matroska,webm", "vp9", "", "webm"},
		{"matroska,webm", "h264", "opus", "matroska"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac", "mp4"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "", "aac", "mp4"},
	} {
		if got := container(tt.format, tt.video, tt.audio); got != tt.want {
			t.Errorf("container(%q, %q, %q) = %q, want %q", tt.format, tt.video, tt.audio, got, tt.want)
		}
	}
}

// A phone's portrait video is stored landscape with a rotation; Info gives
// the size it is shown at.
func TestInfoRotation(t *testing.T) {
	var p probeOutput
	p.Format.FormatName = "mov,mp4,m4a,3gp,3g2,mj2"
	p.Format.Duration = "1.5"
	p.Streams = []probeStream{{CodecType: "video", CodecName: "h264", Width: 1280, Height: 720, SideData: []sideData{{Rotation: -90}}}}
	info, _, err := p.info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 720 || info.Height != 1280 || info.Duration != 1500*time.Millisecond {
		t.Errorf("info = %+v, want 720x1280 for 1.5s", info)
	}
}
