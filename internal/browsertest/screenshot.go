package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// Screenshot saves a PNG of the whole page, not just the viewport, as
// <name>.png and returns its path. The file goes to the directory in
// ANYHOUR_SCREENSHOTS when that is set (it is created if needed), so that a
// person or CI can look at the pictures after the run; otherwise it goes to
// a temporary directory of the test. name must be a plain file name.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	what := fmt.Sprintf("Screenshot(%q)", name)
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\`) {
		p.t.Fatalf("browsertest: %s: want a plain file name such as \"login-phone\"", what)
	}
	dir := os.Getenv("ANYHOUR_SCREENSHOTS")
	if dir == "" {
		dir = p.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("browsertest: %s: %v", what, err)
	}

	// Quality 100 makes a PNG; FullScreenshot captures beyond the viewport.
	png := run(p, what, chromedp.FullScreenshot(100))
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatalf("browsertest: %s: %v", what, err)
	}
	return path
}
