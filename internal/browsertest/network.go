package browsertest

import (
	"context"
	"fmt"

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
