package media

import (
	"strings"
	"testing"
	"time"
)

// spanWriter must give the same answer however ffprobe's output is split
// across writes.
func TestSpanWriter(t *testing.T) {
	out := "-0.007000,0.020000\n" +
		"0.000000,N/A\n" +
		"N/A,0.020000\n" +
		"2.994000,0.020000,side_data,\n" +
		"2.940000,0.066000\n" +
		strings.Repeat("9", 5000) + ",1\n" + // too long to be a packet line: ignored
		"1.000000,0.020000"
	for _, chunk := range []int{1, 3, 7, 64, len(out)} {
		var s spanWriter
		for rest := out; rest != ""; {
			n := min(chunk, len(rest))
			s.Write([]byte(rest[:n]))
			rest = rest[n:]
		}
		s.Write([]byte("\n"))
		if got, want := fromSeconds(s.end-s.start), 3021*time.Millisecond; got != want || s.n != 5 {
			t.Errorf("chunks of %d: span %v over %d packets, want %v over 5", chunk, got, s.n, want)
		}
	}
}

func TestTailBuffer(t *testing.T) {
	var tb tailBuffer
	tb.Write([]byte("start "))
	tb.Write([]byte(strings.Repeat("x", stderrTail)))
	tb.Write([]byte(" the end"))
	if got := tb.String(); len(got) != stderrTail || !strings.HasSuffix(got, "x the end") {
		t.Errorf("tail is %d bytes ending %q", len(got), got[max(0, len(got)-20):])
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
	info, err := p.info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 720 || info.Height != 1280 || info.Duration != 1500*time.Millisecond {
		t.Errorf("info = %+v, want 720x1280 for 1.5s", info)
	}
}
