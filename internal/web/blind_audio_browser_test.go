package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestBlindReviewInBrowser: a reviewer of a job reviewed blind plays a
// video answer in Chromium and hears it: the page has an <audio> player,
// the shortcuts and watch coverage work on it, and, by Chromium's own
// network log, no request ever goes to the video, its poster or its MP4
// copy, and the page holds neither the name nor the email. A guest of a
// share link, likewise.
func TestBlindReviewInBrowser(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 6)
	appID := strconv.FormatInt(w.ada.ID, 10)
	_, body := w.owner.post("/share", url.Values{"app": {appID}, "guest_name": {"Hana Hiring"}, "mode": {"view"}, "days": {"7"}})
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no share link:\n%s", body)
	}
	w.setBlind(t, true)

	b := browsertest.NewWithOptions(t, browsertest.Options{ExtraFlags: []string{"--autoplay-policy=no-user-gesture-required"}})
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	requests := p.RecordRequests()
	teamSignInPage(p, w.URL)
	p.Navigate(w.URL + w.appPath(w.ada))
	sel := fmt.Sprintf("#media-%d", w.take.ID)
	p.WaitVisible(sel + " .speeds") // the script has enhanced the player
	const a = `document.querySelector("audio")`
	waitJS(t, p, "the audio's metadata loads", a+`.readyState >= 1 && `+a+`.duration > 5`)
	var videos int
	p.Eval(`document.querySelectorAll("video").length`, &videos)
	if videos != 0 {
		t.Errorf("the blind page has %d video elements", videos)
	}
	if got := p.Text(sel + " .blind-note"); got != blindNote {
		t.Errorf("the player says %q", got)
	}
	p.CheckAccessibility()
	var text string
	p.Eval(`document.documentElement.outerHTML`, &text)
	for _, s := range []string{"Ada", "Lovelace", "ada@example.com"} {
		if strings.Contains(text, s) {
			t.Errorf("the blind page, as the browser holds it, shows %q", s)
		}
	}

	// K plays, with focus on the player; K again pauses, and pausing
	// reports what was heard.
	p.Type(sel+" audio", "k")
	waitJS(t, p, "the audio plays", `!`+a+`.paused && `+a+`.currentTime > 1.5`)
	p.Type(sel+" audio", "k")
	waitJS(t, p, "the audio pauses", a+`.paused`)
	candEventually(t, "what was heard reaches the server", func() bool { return w.watched(t) > 1 })
	waitJS(t, p, "the page shows the coverage", `document.querySelector("`+sel+` [data-mine] .cov-pct").textContent !== "0%"`)
	p.Screenshot("team-blind-audio-player")

	// A guest of a share link hears it the same way.
	g := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	guestRequests := g.RecordRequests()
	g.Navigate(w.URL + link + "/a/" + appID)
	waitJS(t, g, "the guest's audio loads", a+`.readyState >= 1`)
	g.CheckAccessibility()
	g.Eval(`document.documentElement.outerHTML`, &text)
	for _, s := range []string{"Ada", "Lovelace", "ada@example.com"} {
		if strings.Contains(text, s) {
			t.Errorf("the guest's blind page, as the browser holds it, shows %q", s)
		}
	}
	g.Eval(a+`.play().then(() => true)`, nil)
	waitJS(t, g, "the guest's audio plays", `!`+a+`.paused && `+a+`.currentTime > 1.5`)
	g.Eval(a+`.pause(), true`, nil)
	candEventually(t, "what the guest heard reaches the team", func() bool {
		cov, err := w.app.Videos.ApplicationCoverage(context.Background(), w.om.OrgID, w.ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cov[w.take.ID] {
			if c.MemberID == 0 && strings.HasPrefix(c.Name, "Hana Hiring") && c.Seconds > 1 {
				return true
			}
		}
		return false
	})
	g.Screenshot("guest-blind-audio-player-phone")

	for who, reqs := range map[string]*browsertest.Requests{"the reviewer": requests, "the guest": guestRequests} {
		urls := reqs.URLs()
		heard := false
		for _, u := range urls {
			if found := shows(u, w.take.ID); len(found) > 0 {
				t.Errorf("%s's browser requested %s (%v)", who, u, found)
			}
			heard = heard || strings.HasSuffix(u, fmt.Sprintf("/media/%d/audio.m4a", w.take.ID))
		}
		if !heard {
			t.Errorf("%s's browser never requested the audio; it requested %q", who, urls)
		}
	}
}
