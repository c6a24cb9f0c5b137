package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"
)

// compareResult is (d): the compare page with four video answers side by
// side, the time from asking each player to play to its first frame
// shown, in headless Chromium on loopback, over several page loads.
type compareResult struct {
	loads         int
	median, p95   time.Duration // per player, over every load
	slowestMedian time.Duration // the last of the four players to show a frame, per load
	page          time.Duration // median time to load the page (DOMContentLoaded)
}

const compareLoads = 10

// comparePage seeds four candidates with a 20-second take each,
// processed as the worker does, and times the compare page in Chromium.
func comparePage(ctx context.Context) (*compareResult, error) {
	dir, err := scratch("compare")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ln, base, err := listen()
	if err != nil {
		return nil, err
	}
	w, err := newWorld(ctx, filepath.Join(dir, "data"), base, []string{"Introduce yourself"}, 120, 4)
	if err != nil {
		return nil, err
	}
	defer w.app.Close()
	stop := w.serve(ln)
	defer stop()

	take := filepath.Join(dir, "take.webm")
	out, err := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440", "-t", "20", "-c:v", "libvpx", "-b:v", "800k", "-c:a", "libopus", take).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("making a take with ffmpeg: %v: %s", err, out)
	}
	data, err := os.ReadFile(take)
	if err != nil {
		return nil, err
	}
	step := w.iv.Steps[0].ID
	for _, inv := range w.invs {
		c := &tusClient{http: http.DefaultClient, base: base, token: inv.Token}
		if _, err := c.upload(ctx, step, data, 1<<20); err != nil {
			return nil, err
		}
	}
	if err := w.app.Worker().RunUntilIdle(ctx); err != nil {
		return nil, fmt.Errorf("processing the takes: %w", err)
	}
	q := url.Values{}
	for _, inv := range w.invs {
		a, err := w.app.Applications.ByToken(ctx, inv.Token)
		if err != nil {
			return nil, err
		}
		if _, err := w.app.Applications.Submit(ctx, a); err != nil {
			return nil, err
		}
		q.Add("app", strconv.FormatInt(a.ID, 10))
	}

	tab, closeBrowser, err := startBrowser(filepath.Join(dir, "profile"), "", "")
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	signIn := fmt.Sprintf(`(() => {
		document.querySelector("#email").value = %s;
		document.querySelector("#password").value = %s;
		document.querySelector("#password").form.requestSubmit();
	})()`, jsString(benchOwner), jsString(benchPassword))
	if err := do(tab, 30*time.Second, chromedp.Navigate(base+"/login"), chromedp.Evaluate[chromedp.Void](signIn),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/reviews"]`))); err != nil {
		return nil, fmt.Errorf("signing in: %w", err)
	}
	page := fmt.Sprintf("%s/jobs/%d/compare?%s", base, w.iv.JobID, q.Encode())
	res := &compareResult{loads: compareLoads}
	var each, slowest, loads []time.Duration
	for i := 0; i < compareLoads; i++ {
		if err := do(tab, 30*time.Second, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(".compare-col video"))); err != nil {
			return nil, fmt.Errorf("the compare page: %w", err)
		}
		// Each player is asked to play at once, muted as autoplay wants;
		// its first frame shown is what a reviewer waits for.
		times, err := eval[[]float64](tab, 60*time.Second, `(async () => {
			const vs = [...document.querySelectorAll(".compare-col video")];
			if (vs.length !== 4) throw new Error(vs.length + " players");
			const shown = vs.map((v) => new Promise((resolve, reject) => {
				const t0 = performance.now();
				v.muted = true;
				v.requestVideoFrameCallback(() => resolve(performance.now() - t0));
				v.play().catch(reject);
			}));
			const out = await Promise.all(shown);
			out.push(performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd);
			return out;
		})()`)
		if err != nil {
			return nil, fmt.Errorf("timing the players: %w", err)
		}
		ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
		last := time.Duration(0)
		for _, v := range times[:4] {
			each = append(each, ms(v))
			last = max(last, ms(v))
		}
		slowest = append(slowest, last)
		loads = append(loads, ms(times[4]))
	}
	slices.Sort(each)
	slices.Sort(slowest)
	slices.Sort(loads)
	res.median, res.p95 = each[len(each)/2], each[len(each)*95/100]
	res.slowestMedian, res.page = slowest[len(slowest)/2], loads[len(loads)/2]
	return res, nil
}
