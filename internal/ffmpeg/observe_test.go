package ffmpeg_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

// TestObserve: each command reports its name and outcome to Observe: a
// recording probed, remuxed and given a poster is ok three times; random
// bytes are refused; a cancelled command says so.
func TestObserve(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	type heard struct{ command, outcome string }
	var mu sync.Mutex
	var got []heard
	tools.Observe = func(command, outcome string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if d <= 0 {
			t.Errorf("%s took %v", command, d)
		}
		got = append(got, heard{command, outcome})
	}
	ctx := context.Background()
	dir := t.TempDir()
	in := ffmpegtest.WebM(t, dir, 1)
	info, err := tools.Probe(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	playable := filepath.Join(dir, "playable.webm")
	if _, err := tools.Remux(ctx, in, playable, info); err != nil {
		t.Fatal(err)
	}
	if err := tools.Poster(ctx, playable, filepath.Join(dir, "poster.jpg"), 0); err != nil {
		t.Fatal(err)
	}
	noise := make([]byte, 64<<10)
	rand.Read(noise)
	bad := filepath.Join(dir, "noise.webm")
	if err := os.WriteFile(bad, noise, 0o600); err != nil {
		t.Fatal(err)
	}
	tools.Probe(ctx, bad)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tools.AudioM4A(cancelled, playable, filepath.Join(dir, "audio.m4a"))

	want := []heard{{"probe", ffmpeg.OutcomeOK}, {"remux", ffmpeg.OutcomeOK}, {"poster", ffmpeg.OutcomeOK},
		{"probe", ffmpeg.OutcomeRefused}, {"audio", ffmpeg.OutcomeCancelled}}
	if !slices.Equal(got, want) {
		t.Errorf("heard %v, want %v", got, want)
	}
}
