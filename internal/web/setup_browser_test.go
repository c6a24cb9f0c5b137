package web_test

import (
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestSetupChoosesTheBrowsersZone: the first-run form starts at the
// zone of the browser it is filled in, from a list, not at UTC, under
// today's name though Chromium reports Asia/Calcutta; the organisation
// gets it.
func TestSetupChoosesTheBrowsersZone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	p.SetTimeZone("Asia/Kolkata")
	p.Navigate(ts.URL + "/setup")
	p.WaitVisible("select#tz")
	waitJS(t, p, "the browser's zone is chosen", `document.getElementById("tz").value === "Asia/Kolkata"`)
	p.CheckAccessibility()
	p.SetValue("#org", "Acme")
	p.SetValue("#name", "Olivia Owner")
	p.SetValue("#email", "olivia@acme.example")
	p.SetValue("#password", teamPassword)
	p.Submit("#password")
	p.WaitVisible("main h1")
	var zone string
	if err := ts.DB.QueryRow(t.Context(), `SELECT time_zone FROM organizations`).Scan(&zone); err != nil || zone != "Asia/Kolkata" {
		t.Errorf("the organisation's zone: %q, %v", zone, err)
	}
}
