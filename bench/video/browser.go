package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumPath is the browser, as internal/browsertest finds it.
func chromiumPath() string {
	if p := os.Getenv("ANYHOUR_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// startBrowser starts a headless Chromium whose fake camera plays y4m
// and fake microphone plays wav, with the switches internal/browsertest
// uses, and returns the context of its first tab.
func startBrowser(profile, y4m, wav string) (context.Context, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", y4m),
		chromedp.Flag("use-file-for-fake-audio-capture", wav),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() { cancel(); cancelAlloc() }
	// The first Do starts the browser and ties it to ctx, which must
	// have no deadline; the timer bounds the start instead.
	timer := time.AfterFunc(30*time.Second, cancel)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
	if !timer.Stop() || err != nil {
		stop()
		return nil, nil, fmt.Errorf("starting Chromium (%s): %v", chromiumPath(), err)
	}
	return ctx, stop, nil
}

// do runs steps in the tab under a timeout.
func do(ctx context.Context, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// eval runs a JavaScript expression, awaits it if it is a promise, and
// decodes its value into a T.
func eval[T any](ctx context.Context, timeout time.Duration, js string) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// throttle limits what the tab sends to bytesPerSecond, as
// browsertest.Page.SetNetwork does: the page sees a slow uplink.
func throttle(ctx context.Context, bytesPerSecond float64) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return err
	}
	cond := &network.Conditions{DownloadThroughput: -1, UploadThroughput: bytesPerSecond}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{cond}}); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, network.OverrideNetworkState,
		network.OverrideNetworkStateParams{DownloadThroughput: -1, UploadThroughput: bytesPerSecond})
	return err
}

// camera is a picture for the fake camera: an ffmpeg lavfi graph.
type camera struct {
	name  string // for the report
	graph string // ffmpeg -filter_complex, giving [v]
}

// fakeMedia writes the camera's picture as a 4-second y4m (Chromium
// loops it) and a voice as a wav: speech from espeak-ng where it is
// installed, as in the recorder's browser test, else a tone.
func fakeMedia(dir string, cam camera) (y4m, wav string, err error) {
	y4m, wav = filepath.Join(dir, "camera.y4m"), filepath.Join(dir, "voice.wav")
	if err := command("ffmpeg", "-nostdin", "-v", "error", "-filter_complex", cam.graph, "-map", "[v]", "-t", "4", "-pix_fmt", "yuv420p", y4m); err != nil {
		return "", "", err
	}
	if _, err := exec.LookPath("espeak-ng"); err == nil {
		return y4m, wav, command("espeak-ng", "-w", wav, "Hello, my name is Grace. I have spent ten years making computers easier to talk to.")
	}
	return y4m, wav, command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4", wav)
}

func command(name string, args ...string) error {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	return nil
}
