package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
)

// withMember adds a member of role to the organisation of tokenVar's
// member, with an API token in vars[name] and their id in vars[name+"_id"].
func withMember(t *testing.T, w *world, tokenVar, name string, role account.Role) {
	t.Helper()
	m := joinAs(t, w, w.member(t, tokenVar), name+"@acme.example", role)
	secret, _, err := w.Accounts.CreateAPIToken(context.Background(), m, "script")
	if err != nil {
		t.Fatal(err)
	}
	w.vars[name], w.vars[name+"_id"] = secret, fmt.Sprint(m.ID)
}

// TestRoleChangeTakesEffectOnTheNextRequest: nothing keeps a member's
// role between requests; promoted or demoted, the next request of the
// same token has the new permissions.
func TestRoleChangeTakesEffectOnTheNextRequest(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	ctx := context.Background()
	withMember(t, w, "owner", "rita", account.Reviewer)
	setRole := func(role account.Role) check {
		return func(t *testing.T, w *world, r *result) {
			t.Helper()
			if err := w.Accounts.SetRole(ctx, w.member(t, "owner"), w.member(t, "rita").ID, role); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.flow(t, []scenario{
		{name: "a reviewer cannot create jobs", method: "POST", path: "/api/v1/jobs", token: "rita", body: `{"title": "Mine"}`,
			want: http.StatusForbidden, checks: []check{errorIs("forbidden", "your role cannot"), setRole(account.Recruiter)}},
		{name: "promoted, the next request may", method: "POST", path: "/api/v1/jobs", token: "rita", body: `{"title": "Mine"}`,
			want: http.StatusCreated},
		{name: "and me says so", method: "GET", path: "/api/v1/me", token: "rita", want: http.StatusOK,
			checks: []check{is("role", "recruiter"), is("permissions", []string{"manage_jobs", "invite_candidates", "view_applications", "review", "message_candidates"}),
				setRole(account.Reviewer)}},
		{name: "demoted, the next request may not", method: "POST", path: "/api/v1/jobs", token: "rita", body: `{"title": "Again"}`,
			want: http.StatusForbidden},
		{name: "and me says so again", method: "GET", path: "/api/v1/me", token: "rita", want: http.StatusOK,
			checks: []check{is("role", "reviewer"), is("permissions", []string{"view_applications", "review"})}},
	})
}

// TestRemoveMemberThroughTheAPI tries the mistakes and attacks first:
// another organisation's member id, a reviewer or an admin removing
// above them, removing oneself; then removes a member, whose token stops
// at once while their review stays.
func TestRemoveMemberThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	withMember(t, w, "owner", "rita", account.Reviewer)
	withMember(t, w, "owner", "adam", account.Admin)
	w.vars["owner_id"] = fmt.Sprint(w.member(t, "owner").ID)
	w.vars["other_id"] = fmt.Sprint(w.member(t, "other").ID)
	w.flow(t, []scenario{
		{name: "rita reviews", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "rita",
			body: `{"recommendation": "yes", "note": "Solid."}`, want: http.StatusOK},
		{name: "the owner reviews", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"recommendation": "no"}`, want: http.StatusOK},
		{name: "a reviewer lists the team", method: "GET", path: "/api/v1/members", token: "rita", want: http.StatusForbidden},
		{name: "a reviewer removes", method: "DELETE", path: "/api/v1/members/{adam_id}", token: "rita", want: http.StatusForbidden,
			checks: []check{errorIs("forbidden", "only owners and admins")}},
		{name: "missing member", method: "DELETE", path: "/api/v1/members/999999", token: "other", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "member not found"), saveBody("missing_member")}},
		{name: "another organisation's member", method: "DELETE", path: "/api/v1/members/{rita_id}", token: "other", want: http.StatusNotFound,
			checks: []check{sameBody("missing_member")}},
		{name: "not a number", method: "DELETE", path: "/api/v1/members/rita", token: "owner", want: http.StatusNotFound,
			checks: []check{sameBody("missing_member")}},
		{name: "an admin removes the owner", method: "DELETE", path: "/api/v1/members/{owner_id}", token: "adam", want: http.StatusForbidden,
			checks: []check{errorIs("forbidden", "only an owner can remove an owner")}},
		{name: "the owner removes herself", method: "DELETE", path: "/api/v1/members/{owner_id}", token: "owner", want: http.StatusConflict,
			checks: []check{errorIs("conflict", "you cannot remove yourself")}},
		{name: "the other organisation's sole owner removes himself", method: "DELETE", path: "/api/v1/members/{other_id}", token: "other",
			want: http.StatusConflict, checks: []check{errorIs("conflict", "you cannot remove yourself")}},
		{name: "rita is still in", method: "GET", path: "/api/v1/me", token: "rita", want: http.StatusOK},

		{name: "an admin removes rita", method: "DELETE", path: "/api/v1/members/{rita_id}", token: "adam", want: http.StatusNoContent},
		{name: "rita's token is refused at once", method: "GET", path: "/api/v1/me", token: "rita", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "unknown or revoked")}},
		{name: "and for writes", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "rita",
			body: `{"recommendation": "strong_yes"}`, want: http.StatusUnauthorized},
		{name: "her review stays", method: "GET", path: "/api/v1/applications/{bob_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("reviews.#", 2), is("reviews.1.reviewer.id", "{rita_id}"), is("reviews.1.note", "Solid.")}},
		{name: "the team lists her as removed", method: "GET", path: "/api/v1/members", token: "owner", want: http.StatusOK,
			checks: []check{is("members.#", 3), is("members.2.email", "rita@acme.example"), notEmpty("members.2.removed_at"), is("members.1.removed_at", nil)}},
		{name: "removing her twice", method: "DELETE", path: "/api/v1/members/{rita_id}", token: "owner", want: http.StatusConflict,
			checks: []check{errorIs("conflict", "already removed")}},
	})
	w.noSecretsLogged(t, "owner", "other", "rita", "adam")
}
