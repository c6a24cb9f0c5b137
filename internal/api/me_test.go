package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
)

// TestMeListsEveryPermission asks GET /me as a member of every role: each
// gets exactly what the permission table gives their role, every
// permission of the table shows up for some role, and the OpenAPI
// document names them all.
func TestMeListsEveryPermission(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	owner := w.member(t, "owner")
	seen := map[string]bool{}
	for _, role := range account.Roles {
		token := "owner"
		if role != account.Owner {
			m := joinAs(t, w, owner, string(role)+"@acme.example", role)
			secret, _, err := w.Accounts.CreateAPIToken(ctx, m, "test")
			if err != nil {
				t.Fatal(err)
			}
			token = string(role)
			w.vars[token] = secret
		}
		m := w.member(t, token)
		var want []string
		for _, p := range account.AllPermissions() {
			if m.Can(p) {
				want = append(want, string(p))
			}
		}
		res := w.do(t, scenario{name: string(role), method: "GET", path: "/api/v1/me", token: token, want: http.StatusOK})
		var got []string
		for _, p := range mustLookup(t, res, "permissions").([]any) {
			got = append(got, p.(string))
			seen[p.(string)] = true
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: permissions %v, want %v", role, got, want)
		}
	}
	var documented []string
	raw, _ := json.Marshal(openapiDoc()["components"].(map[string]any)["schemas"].(map[string]any)["Me"].(map[string]any)["properties"].(map[string]any)["permissions"].(map[string]any)["items"].(map[string]any)["enum"])
	json.Unmarshal(raw, &documented)
	for _, p := range account.AllPermissions() {
		if !seen[string(p)] {
			t.Errorf("no role's GET /me lists %s", p)
		}
		if !slices.Contains(documented, string(p)) {
			t.Errorf("openapi.json does not list %s among the permissions", p)
		}
	}
	if !seen[string(account.MessageCandidates)] {
		t.Error("message_candidates is never listed")
	}
}

// joinAs invites email into actor's organisation with role and accepts
// the invitation.
func joinAs(t *testing.T, w *world, actor account.Member, email string, role account.Role) account.Member {
	t.Helper()
	ctx := context.Background()
	secret, _, err := w.Accounts.InviteMember(ctx, actor, email, role)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Accounts.AcceptInvite(ctx, secret, "", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
