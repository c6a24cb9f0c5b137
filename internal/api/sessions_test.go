package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
)

// TestSessionsThroughTheAPI lists and ends a member's web sessions with
// their API token; another member's session id is not found.
func TestSessionsThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	ctx := context.Background()
	withMember(t, w, "owner", "rita", account.Reviewer)
	withMember(t, w, "owner", "adam", account.Admin)
	signIn := func(ua string) string {
		tok, _, err := w.Accounts.Login(ctx, "rita@acme.example", "a long enough password", account.Client{IP: "198.51.100.4", UserAgent: ua})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	laptop := signIn("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	phone := signIn("curl/8.5.0")
	signedIn := func(tok string) bool { _, err := w.Accounts.SessionMember(ctx, tok); return err == nil }
	w.flow(t, []scenario{
		{name: "list", method: "GET", path: "/api/v1/me/sessions", token: "rita", want: http.StatusOK,
			checks: []check{is("sessions.#", 2), is("sessions.0.device", "curl"), is("sessions.1.device", "Firefox on Linux"),
				is("sessions.1.ip", "198.51.100.4"), is("sessions.1.last_seen_at", nil), save("sessions.0.id", "phone"), save("sessions.1.id", "laptop")}},
		{name: "another member's sessions are not listed", method: "GET", path: "/api/v1/me/sessions", token: "adam", want: http.StatusOK,
			checks: []check{is("sessions.#", 0)}},
		{name: "missing session", method: "DELETE", path: "/api/v1/me/sessions/999999", token: "adam", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "session not found"), saveBody("missing_session")}},
		{name: "another member's session", method: "DELETE", path: "/api/v1/me/sessions/{laptop}", token: "adam", want: http.StatusNotFound,
			checks: []check{sameBody("missing_session")}},
		{name: "the owner ends rita's session", method: "DELETE", path: "/api/v1/me/sessions/{laptop}", token: "owner", want: http.StatusNotFound,
			checks: []check{sameBody("missing_session")}},
		{name: "end the phone's", method: "DELETE", path: "/api/v1/me/sessions/{phone}", token: "rita", want: http.StatusNoContent,
			checks: []check{func(t *testing.T, w *world, r *result) {
				if signedIn(phone) || !signedIn(laptop) {
					t.Error("the wrong session ended")
				}
			}}},
		{name: "end them all", method: "DELETE", path: "/api/v1/me/sessions", token: "rita", want: http.StatusNoContent,
			checks: []check{func(t *testing.T, w *world, r *result) {
				if signedIn(laptop) {
					t.Error("the laptop is still signed in")
				}
			}}},
		{name: "none left, the token still works", method: "GET", path: "/api/v1/me/sessions", token: "rita", want: http.StatusOK,
			checks: []check{is("sessions.#", 0)}},
	})
}
