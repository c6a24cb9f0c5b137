package demo

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/ffmpeg"
)

// videoVariants is how many different demo recordings there are; they
// are made once per process and shared among the candidates.
const videoVariants = 3

var (
	videoMu    sync.Mutex
	videoCache = map[int][]byte{}
)

// demoVideo returns the n-th demo candidate's recording: a few seconds of
// test pattern, tinted, and a tone, as VP8/Opus WebM like a browser
// records. It needs ffmpeg; without it the demo has no recordings and
// says nothing (the pages show "not recorded").
func demoVideo(ctx context.Context, n int) ([]byte, bool) {
	n %= videoVariants
	videoMu.Lock()
	defer videoMu.Unlock()
	if b, ok := videoCache[n]; ok {
		return b, true
	}
	b, ok := makeDemoVideo(ctx, n)
	if ok {
		videoCache[n] = b
	}
	return b, ok
}

func makeDemoVideo(ctx context.Context, n int) ([]byte, bool) {
	tools, err := ffmpeg.Find()
	if err != nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	seconds := strconv.Itoa(6 + 2*n)
	cmd := exec.CommandContext(ctx, tools.FFmpeg, "-nostdin", "-hide_banner", "-v", "error",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24:duration="+seconds,
		"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=48000:duration=%s", 220+60*n, seconds),
		"-vf", fmt.Sprintf("hue=h=%d", 110*n), "-threads", "2",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "600k", "-c:a", "libopus", "-b:a", "64k",
		"-f", "webm", "pipe:1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

// recordVideo gives candidate c's answer to a video step, when ffmpeg can
// make one; the worker processes it like any upload. The candidate agrees
// to be recorded first, as the step page asks.
func (s *seeder) recordVideo(ctx context.Context, a application.Application, stepID int64) error {
	s.videos++
	b, ok := demoVideo(ctx, s.videos)
	if !ok {
		return nil
	}
	a, err := s.svc.Applications.ConsentToVideo(ctx, a)
	if err != nil {
		return err
	}
	_, err = s.svc.Videos.AddTake(ctx, a, stepID, bytes.NewReader(b), "take.webm", "video/webm")
	return err
}
