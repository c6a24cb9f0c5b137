package ffmpeg_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

func TestRemuxWebM(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	ctx := context.Background()
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 3)
	if cues, _ := webmLayout(t, in); cues {
		t.Fatal("browser-like WebM already has Cues")
	}
	out := filepath.Join(dir, "out.webm")
	ct, err := tools.Remux(ctx, in, out, mustProbe(t, tools, in))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "video/webm" {
		t.Errorf("content type %q, want video/webm", ct)
	}
	cues, beforeClusters := webmLayout(t, out)
	if !cues || !beforeClusters {
		t.Errorf("remuxed WebM: Cues present %v, before the clusters %v; want both", cues, beforeClusters)
	}
	wantDeclaredDuration(t, tools, out, 3)
	if err := tools.Check(ctx, out); err != nil {
		t.Error(err)
	}
	if got := mustProbe(t, tools, out); got.VideoCodec != "vp8" || got.AudioCodec != "opus" {
		t.Errorf("remuxed codecs %q/%q, want vp8/opus", got.VideoCodec, got.AudioCodec)
	}
}

func TestRemuxMP4(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	ctx := context.Background()
	dir := t.TempDir()
	in := ffmpegtest.MP4(t, dir, 2)
	out := filepath.Join(dir, "out.mp4")
	ct, err := tools.Remux(ctx, in, out, mustProbe(t, tools, in))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "video/mp4" {
		t.Errorf("content type %q, want video/mp4", ct)
	}
	boxes := mp4Boxes(t, out)
	moov, mdat := slices.Index(boxes, "moov"), slices.Index(boxes, "mdat")
	if moov < 0 || moov > mdat || slices.Contains(boxes, "moof") {
		t.Errorf("top-level boxes %v, want moov before mdat and no moof", boxes)
	}
	wantDeclaredDuration(t, tools, out, 2)
	if err := tools.Check(ctx, out); err != nil {
		t.Error(err)
	}
}

// Chrome on macOS and Windows can record H.264 into Matroska; browsers
// play that as MP4.
func TestRemuxMatroska(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "h264.mkv")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=sample_rate=48000",
		"-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "libopus", "-live", "1", in)
	info := mustProbe(t, tools, in)
	if info.Container != "matroska" || !info.NeedsRendition() {
		t.Errorf("H.264/Opus Matroska probes as %+v, NeedsRendition %v; want matroska, true", info, info.NeedsRendition())
	}
	out := filepath.Join(dir, "out")
	ct, err := tools.Remux(context.Background(), in, out, info)
	if err != nil {
		t.Fatal(err)
	}
	got := mustProbe(t, tools, out)
	if ct != "video/mp4" || got.Container != "mp4" || got.VideoCodec != "h264" || got.AudioCodec != "opus" {
		t.Errorf("remuxed to %q holding %+v, want video/mp4 holding h264/opus", ct, got)
	}
}

func TestRemuxUnknownContainer(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if _, err := tools.Remux(context.Background(), ffmpegtest.WebM(t, dir, 1), out, ffmpeg.Info{}); err == nil {
		t.Fatal("Remux without Probe's Info succeeded")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed Remux left %s: %v", out, err)
	}
}

// webmLayout reads the top-level elements of a WebM's Segment and reports
// whether it has Cues and whether they come before the first Cluster.
func webmLayout(t *testing.T, path string) (cues, beforeClusters bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const (
		idSegment = 0x18538067
		idCluster = 0x1F43B675
		idCues    = 0x1C53BB6B
	)
	seenCluster := false
	for off := 0; off < len(b); {
		id, size, n := ebmlElement(b[off:])
		if n == 0 {
			break
		}
		off += n
		switch {
		case id == idSegment:
			continue // descend: its children are what we want
		case id == idCues:
			return true, !seenCluster
		case id == idCluster:
			seenCluster = true
		}
		if size < 0 { // unknown size, as a live stream writes clusters
			break
		}
		off += int(size)
	}
	return false, false
}

// ebmlElement reads an element header: its ID (marker bits kept, as IDs
// are written), its size (-1 for unknown) and the header's length, 0 if b
// does not start with one.
func ebmlElement(b []byte) (id uint32, size int64, n int) {
	idLen, _ := vint(b)
	if idLen == 0 || idLen > 4 {
		return 0, 0, 0
	}
	for _, c := range b[:idLen] {
		id = id<<8 | uint32(c)
	}
	sizeLen, sizeVal := vint(b[idLen:])
	if sizeLen == 0 {
		return 0, 0, 0
	}
	if sizeVal == 1<<(7*sizeLen)-1 {
		sizeVal = -1
	}
	return id, sizeVal, idLen + sizeLen
}

// vint reads an EBML variable-length integer: its length and its value
// with the length marker cleared.
func vint(b []byte) (int, int64) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0
	}
	n := 1
	for b[0]&(0x80>>(n-1)) == 0 {
		n++
	}
	if len(b) < n {
		return 0, 0
	}
	v := int64(b[0] & (0xFF >> n))
	for _, c := range b[1:n] {
		v = v<<8 | int64(c)
	}
	return n, v
}

// mp4Boxes lists the types of an MP4's top-level boxes in order.
func mp4Boxes(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var boxes []string
	for off := 0; off+8 <= len(b); {
		size := int(binary.BigEndian.Uint32(b[off:]))
		boxes = append(boxes, string(b[off+4:off+8]))
		switch size {
		case 0:
			return boxes
		case 1:
			size = int(binary.BigEndian.Uint64(b[off+8:]))
		}
		if size < 8 {
			t.Fatalf("%s: bad box size %d at %d", path, size, off)
		}
		off += size
	}
	return boxes
}
