package browsertest

import (
	"context"
	"fmt"
	"sync"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// SetNetwork changes the tab's connection: offline cuts it (requests
// fail, navigator.onLine turns false and the page gets an "offline"
// event); otherwise uploadBytesPerSecond, when above zero, throttles what
// the page sends, as on a slow uplink. SetNetwork(false, 0) restores a
// normal connection.
func (p *Page) SetNetwork(offline bool, uploadBytesPerSecond float64) {
	p.t.Helper()
	what := fmt.Sprintf("SetNetwork(offline=%v, upload=%v B/s)", offline, uploadBytesPerSecond)
	up := uploadBytesPerSecond
	if up <= 0 {
		up = -1
	}
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		p.fail(what, err)
	}
	cond := &network.Conditions{Offline: offline, DownloadThroughput: -1, UploadThroughput: up}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{cond}}); err != nil {
		p.fail(what, err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState,
		network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: up}); err != nil {
		p.fail(what, err)
	}
}

// Requests are the requests a tab sent, as RecordRequests saw them.
type Requests struct {
	mu   sync.Mutex
	urls []string
}

// URLs lists the address of every request sent so far, in order.
func (r *Requests) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// RecordRequests records, from now on, the address of every request the
// tab sends: documents, scripts, fetches, and what <video> and <audio>
// elements load, range requests included, as DevTools' network log
// shows them.
func (p *Page) RecordRequests() *Requests {
	p.t.Helper()
	r := &Requests{}
	err := chromedp.Listen(p.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			r.mu.Lock()
			r.urls = append(r.urls, e.Request.URL)
			r.mu.Unlock()
		}
	})
	if err != nil {
		p.fail("RecordRequests()", err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		p.fail("RecordRequests()", err)
	}
	return r
}
