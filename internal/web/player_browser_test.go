package web_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestVideoPlayerInBrowser is a reviewer watching a video answer in
// Chromium: play and pause from the keyboard, seek, change the speed, pin
// a comment at the current moment, seek to it from the list, and see the
// watched spans reach the server. It checks the page with axe-core and
// saves screenshots (to $ANYHOUR_SCREENSHOTS when set).
func TestVideoPlayerInBrowser(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 12)
	// Headless Chromium has no speakers; without this flag it may refuse
	// to play sound that no person asked for.
	b := browsertest.NewWithOptions(t, browsertest.Options{ExtraFlags: []string{"--autoplay-policy=no-user-gesture-required"}})
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(p, w.URL)
	p.Navigate(w.URL + w.appPath(w.ada))
	sel := fmt.Sprintf("#media-%d", w.take.ID)
	p.WaitVisible(sel + " .speeds") // the script has enhanced the player
	const v = `document.querySelector("video")`
	waitJS(t, p, "the video's metadata loads", v+`.readyState >= 1 && `+v+`.duration > 11`)
	p.CheckAccessibility()

	// Keep a copy of every report the player sends.
	p.Eval(`window.reports = []; const send = window.fetch; window.fetch = (url, init) => {
		if (String(url).endsWith("/views")) reports.push(JSON.parse(init.body).spans);
		return send(url, init);
	}; true`, nil)

	// K plays, with focus on the video.
	p.Type(sel+" video", "k")
	waitJS(t, p, "the video plays", `!`+v+`.paused && `+v+`.currentTime > 0.5`)

	// Seek to the middle and speed up. Where the seek left from is read in
	// the same call: on a loaded machine the video may have played well
	// past 0.5 s by then.
	var seekedFrom float64
	p.Eval(`(() => { const t = `+v+`.currentTime; `+v+`.currentTime = `+v+`.duration / 2; return t; })()`, &seekedFrom)
	p.Click(sel + ` .speeds button[data-rate="1.5"]`)
	var speed struct {
		Rate    float64
		Pressed string
		Stored  string
	}
	p.Eval(`({rate: `+v+`.playbackRate, pressed: document.querySelector("`+sel+` .speeds [aria-pressed=true]").textContent,
		stored: localStorage.getItem("anyhour.player.rate")})`, &speed)
	if speed.Rate != 1.5 || speed.Pressed != "1.5×" || speed.Stored != "1.5" {
		t.Errorf("after choosing 1.5×: %+v", speed)
	}
	// ] and > are faster, [ and < slower.
	p.Type(sel+" video", "]")
	waitJS(t, p, "] speeds up to 2×", v+`.playbackRate === 2`)
	p.Type(sel+" video", "<")
	waitJS(t, p, "< slows down to 1.5×", v+`.playbackRate === 1.5`)
	waitJS(t, p, "the video plays on from the middle", v+`.currentTime > 7.5`)

	// K again pauses, and pausing reports what was watched.
	p.Type(sel+" video", "k")
	waitJS(t, p, "the video pauses", v+`.paused`)
	var watched float64
	candEventually(t, "the watched spans reach the server", func() bool {
		watched = w.watched(t)
		return watched > 0
	})
	// About 0–0.5 s, then from 6 s to the pause; never the skipped middle.
	// The upper bound is loose because on a loaded machine both stretches
	// can run on longer before the test seeks and pauses.
	if watched < 1.5 || watched > 8 {
		t.Errorf("watched %.2f s, want the two stretches played (about 2–3 s; seeked from %.2f s)", watched, seekedFrom)
	}
	var first [][][2]float64
	p.Eval(`reports`, &first)
	for _, r := range first {
		for _, sp := range r {
			if sp[0] < 5.5 && sp[1] > seekedFrom+0.5 {
				t.Errorf("the player reported %v as watched, across the skipped middle from %.2f s (reports %v)", sp, seekedFrom, first)
			}
		}
	}
	waitJS(t, p, "the page shows the coverage", `document.querySelector("`+sel+` [data-mine] .cov-pct").textContent !== "0%"`)

	// J and L step back and forward 5 s.
	var before, after float64
	p.Eval(v+`.currentTime`, &before)
	p.Type(sel+" video", "j")
	waitJS(t, p, "J seeks", `!`+v+`.seeking`)
	p.Eval(v+`.currentTime`, &after)
	p.Type(sel+" video", kb.ArrowRight)
	waitJS(t, p, "→ seeks", `!`+v+`.seeking`)
	var back float64
	p.Eval(v+`.currentTime`, &back)
	if math.Abs(after-(before-5)) > 0.2 || math.Abs(back-before) > 0.2 {
		t.Errorf("J went from %.2f to %.2f s, and → to %.2f s", before, after, back)
	}

	// C focuses the comment box with the current moment.
	var at float64
	p.Eval(v+`.currentTime`, &at)
	p.Type(sel+" video", "c")
	var focus struct{ ID, At, Button string }
	p.Eval(`({id: document.activeElement.id, at: document.querySelector("`+sel+` input[name=at]").value,
		button: document.querySelector("`+sel+` .comment-form button").textContent})`, &focus)
	want := fmt.Sprintf("%d:%02d", int(at+0.5)/60, int(at+0.5)%60)
	if focus.ID != fmt.Sprintf("comment-body-%d", w.take.ID) || focus.At != want || focus.Button != "Add a comment at "+want {
		t.Errorf("after C: %+v, want the comment box focused at %s", focus, want)
	}
	p.Type(fmt.Sprintf("#comment-body-%d", w.take.ID), "Clear about trade-offs here.")
	p.Eval(`window.sameDocument = true`, nil)
	p.Click(sel + " .comment-form button[type=submit]")
	p.WaitVisible(sel + " .comments li.new")
	if got := p.Text(sel + " .comments li.new"); !strings.Contains(got, want) || !strings.Contains(got, "Olivia Owner") {
		t.Errorf("new comment reads %q", got)
	}
	if got := p.Text(sel + " .comments li.new .comment-body"); got != "Clear about trade-offs here." {
		t.Errorf("new comment's text is %q", got)
	}
	var same bool
	p.Eval(`window.sameDocument === true && document.querySelector("`+sel+` textarea").value === ""`, &same)
	if !same {
		t.Error("the comment reloaded the page or kept its text")
	}

	// Its time seeks the video there.
	p.Eval(v+`.currentTime = 1`, nil)
	p.Click(sel + " .comments li.new button.at")
	var now float64
	waitJS(t, p, "the video seeks to the comment", `!`+v+`.seeking`)
	p.Eval(v+`.currentTime`, &now)
	if math.Abs(now-at) > 0.2 {
		t.Errorf("after clicking the comment's time the video is at %.2f s, want %.2f", now, at)
	}
	// Space plays and pauses, once each.
	p.Type(sel+" video", " ")
	waitJS(t, p, "Space plays", `!`+v+`.paused && `+v+`.currentTime > `+fmt.Sprint(at+0.3))
	p.Type(sel+" video", " ")
	waitJS(t, p, "Space pauses", v+`.paused`)
	// That report holds only what was new.
	var reports [][][2]float64
	waitJS(t, p, "the player reports again", fmt.Sprintf("reports.length > %d", len(first)))
	p.Eval(`reports`, &reports)
	for _, sp := range reports[len(reports)-1] {
		if sp[0] < at-0.5 {
			t.Errorf("the last report sends %v again (reports %v)", sp, reports)
		}
	}
	p.Click(sel + " .shortcuts summary")
	p.WaitVisible(sel + " .shortcuts dl")
	p.Screenshot("team-video-player-desktop")

	// A reload lists the comment and the coverage from the server.
	p.Navigate(w.URL + w.appPath(w.ada))
	p.WaitVisible(sel + " .speeds")
	if got := p.Text(sel + " [data-mine] .cov-text"); got == "You: 0% watched" || !strings.HasSuffix(got, "% watched") {
		t.Errorf("after a reload the coverage reads %q", got)
	}
	if n := p.Text(sel + " .comments"); !strings.Contains(n, "Clear about trade-offs here.") {
		t.Errorf("after a reload the comments read %q", n)
	}

	// Leaving the page while it plays still reports what was watched.
	seen := w.watched(t)
	p.Eval(v+`.currentTime = 0`, nil)
	p.Type(sel+" video", "k")
	waitJS(t, p, "the video plays from the start", `!`+v+`.paused && `+v+`.currentTime > 3`)
	p.Navigate(w.URL + "/")
	candEventually(t, "the report sent as the page is left arrives", func() bool { return w.watched(t) > seen+1 })

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	teamSignInPage(phone, w.URL)
	phone.Navigate(w.URL + w.appPath(w.ada))
	phone.WaitVisible(sel + " .speeds")
	waitJS(t, phone, "the video's metadata loads", v+`.readyState >= 1`)
	phone.CheckAccessibility()
	var fits bool
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth && `+v+`.getBoundingClientRect().width > innerWidth * 0.8`, &fits)
	if !fits {
		t.Error("on a phone the page scrolls sideways or the video is not full width")
	}
	phone.Screenshot("team-video-player-phone")
}

// waitJS waits until the JavaScript expression ok is true.
func waitJS(t *testing.T, p *browsertest.Page, what, ok string) {
	t.Helper()
	candEventually(t, what, func() bool {
		var yes bool
		p.Eval(`!!(`+ok+`)`, &yes)
		return yes
	})
}

// watched is how many seconds of Ada's take the owner has watched, as
// the server counts them.
func (w *videoWorld) watched(t *testing.T) float64 {
	t.Helper()
	cov, err := w.app.Videos.ApplicationCoverage(context.Background(), w.om.OrgID, w.ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cov[w.take.ID] {
		if c.MemberID == w.om.ID {
			return c.Seconds
		}
	}
	return 0
}
