// Package browsertest drives a headless Chromium from Go tests.
//
// It is for the few flows that depend on JavaScript (recording an answer,
// running code) and for accessibility and layout checks. A test starts one
// browser, opens a page at a viewport size, and calls methods that fail the
// test with a readable message when something goes wrong:
//
//	b := browsertest.New(t)
//	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
//	p.Navigate(srv.URL + "/login")
//	p.SetValue("#email", "ada@example.com")
//	p.Submit("#login")
//	p.CheckAccessibility()
//	p.Screenshot("login-phone")
//
// It uses Debian's chromium package, which CI installs with apt. When the
// browser is missing, tests skip outside CI and fail in CI (CI=true), so a
// missing install step cannot pass unnoticed.
//
// Environment:
//   - ANYHOUR_CHROMIUM: the browser binary (default /usr/bin/chromium).
//   - ANYHOUR_SCREENSHOTS: the directory for Screenshot files (default a
//     temporary directory of the test).
//   - CI: "true" turns a missing browser into a test failure.
package browsertest

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultChromium is the browser binary that New starts when ANYHOUR_CHROMIUM
// is not set. It is the launcher of Debian's chromium package.
const DefaultChromium = "/usr/bin/chromium"

// Timeout bounds each Page method, so that a selector that never matches fails
// the test with a message instead of hanging until go test's own timeout.
const Timeout = 15 * time.Second

// startTimeout bounds the start of the browser and of each tab. A cold start
// of Chromium takes about a second here; a loaded CI machine can be slower.
const startTimeout = 30 * time.Second

// Options changes how NewWithOptions starts the browser.
type Options struct {
	// FakeMedia grants camera and microphone access without a prompt and
	// gives the page Chromium's fake devices (a test pattern and a beep).
	// For real content add --use-file-for-fake-video-capture=F.y4m and
	// --use-file-for-fake-audio-capture=F.wav to ExtraFlags.
	FakeMedia bool

	// ExtraFlags are more command-line switches, such as
	// "--use-file-for-fake-video-capture=/path/to/f.y4m". A switch given
	// here replaces a default one of the same name.
	ExtraFlags []string
}

// Browser is one headless Chromium process, owned by one test.
type Browser struct {
	ctx context.Context // a chromedp context whose browser is running
}

// New starts a headless Chromium for t and closes it when t ends.
// See NewWithOptions.
func New(t testing.TB) *Browser {
	t.Helper()
	return NewWithOptions(t, Options{})
}

// NewWithOptions starts a headless Chromium for t with opts and closes it
// when t ends. Each browser gets a fresh profile in t.TempDir(). If the
// binary is missing, the test is skipped, or fails when CI=true; with
// -short it is skipped.
func NewWithOptions(t testing.TB, opts Options) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: not with -short")
	}
	path := chromiumPath(t)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path, t.TempDir(), opts)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// cancel kills the process and cancelAlloc waits for it to exit, so
	// that t.TempDir's removal of the profile (registered earlier, so run
	// later) does not race with Chromium still writing to it. A graceful
	// quit (chromedp.Cancel) would add about a second per browser.
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})

	// The first Do starts the process. It must run on a context without a
	// deadline, because chromedp ties the browser's life to that context;
	// the timer bounds the start instead.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		t.Fatalf("browsertest: Chromium (%s) did not start within %v", path, startTimeout)
	}
	if err != nil {
		t.Fatalf("browsertest: starting Chromium (%s): %v", path, err)
	}
	return &Browser{ctx: ctx}
}

// chromiumPath returns the browser binary, or ends the test when it is
// missing: a failure in CI, a skip elsewhere.
func chromiumPath(t testing.TB) string {
	t.Helper()
	path := os.Getenv("ANYHOUR_CHROMIUM")
	if path == "" {
		path = DefaultChromium
	}
	info, err := os.Stat(path)
	if err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
		return path
	}
	if err == nil {
		err = fs.ErrPermission
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("browsertest: headless Chromium not found at %s (%v); CI must install Debian's chromium (apt-get install -y chromium) or set ANYHOUR_CHROMIUM", path, err)
	}
	t.Skipf("SKIPPED: headless Chromium not found at %s (%v); install Debian's chromium (apt-get install -y chromium) or set ANYHOUR_CHROMIUM", path, err)
	return ""
}

// allocatorOptions returns chromedp's defaults plus the switches that work
// on our machines (see shared/DEPENDENCIES.md): no sandbox because tests run
// as root, no GPU, and no background traffic to Google, which the network
// here would refuse anyway.
func allocatorOptions(path, profileDir string, opts Options) []chromedp.ExecAllocatorOption {
	o := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profileDir),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	if opts.FakeMedia {
		o = append(o,
			chromedp.Flag("use-fake-ui-for-media-stream", true),
			chromedp.Flag("use-fake-device-for-media-stream", true),
		)
	}
	for _, f := range opts.ExtraFlags {
		name, value, hasValue := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if hasValue {
			o = append(o, chromedp.Flag(name, value))
		} else {
			o = append(o, chromedp.Flag(name, true))
		}
	}
	return o
}
