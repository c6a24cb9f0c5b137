package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// joins records the requests to join a team's account service hands to
// its JoinHook, as package notify would email them.
type joins struct {
	refs map[string]string // newest ref by address
	name map[string]string
}

func newJoins(s *account.Service) *joins {
	j := &joins{refs: map[string]string{}, name: map[string]string{}}
	s.OnJoinRequest(func(_ context.Context, _ *sqldb.DB, inv account.Invite, _ account.Org, name, ref string) error {
		j.refs[inv.Email], j.name[inv.Email] = ref, name
		return nil
	})
	return j
}

// request invites email to the owner's team and asks to join with it;
// it returns the link's token as the email would carry it.
func (j *joins) request(t *testing.T, tm team, email, name string) string {
	t.Helper()
	ctx := context.Background()
	secret, _, err := tm.s.InviteMember(ctx, tm.owner, email, account.Recruiter)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.s.RequestJoin(ctx, secret, name, "chosen at joining", account.Client{IP: "192.0.2.3"}); err != nil {
		t.Fatalf("RequestJoin(%s): %v", email, err)
	}
	token, err := tm.s.JoinLink(ctx, j.refs[email])
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func isDeadJoin(err error) bool {
	return errors.Is(err, apperr.ErrNotFound) && strings.Contains(apperr.Message(err), "no longer works")
}

// TestJoinSaysTheSameForEveryAddress: asking to join with an address
// that has an account with another team goes exactly like asking with a
// free one; only the emailed link tells its owner, and no second account
// is made.
func TestJoinSaysTheSameForEveryAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm, db := newTeamDB(t)
	j := newJoins(tm.s)
	if _, err := tm.s.Bootstrap(ctx, account.NewOrg{OrgName: "Rival", Name: "Rex", Email: "rex@rival.example", Password: "rex's own password"}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	members := count(`SELECT COUNT(*) FROM members`)
	taken := j.request(t, tm, "rex@rival.example", "Rex")
	free := j.request(t, tm, "newbie@example.com", "Nina")
	if n := count(`SELECT COUNT(*) FROM members`); n != members {
		t.Fatalf("asking to join made %d members", n-members)
	}
	if n := count(`SELECT COUNT(*) FROM member_joins`); n != 2 {
		t.Errorf("%d requests kept, want one for each address", n)
	}

	// The owner of the taken address learns it through the link only.
	if _, err := tm.s.PendingJoin(ctx, taken); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "already has an account on anyhour, with another team") {
		t.Errorf("PendingJoin of a taken address: %v", err)
	}
	if _, _, err := tm.s.ConfirmJoin(ctx, taken, account.Client{}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("ConfirmJoin of a taken address: %v", err)
	}
	if n := count(`SELECT COUNT(*) FROM members WHERE email = 'rex@rival.example'`); n != 1 {
		t.Errorf("%d accounts for rex@rival.example", n)
	}
	if _, _, err := tm.s.Login(ctx, "rex@rival.example", "chosen at joining", account.Client{}); err == nil {
		t.Error("the password chosen at joining signs in to Rex's account")
	}

	jr, err := tm.s.PendingJoin(ctx, free)
	if err != nil || jr.Name != "Nina" || jr.Invite.Email != "newbie@example.com" || jr.Org.Name != "Acme" {
		t.Fatalf("PendingJoin = %+v, %v", jr, err)
	}
	session, m, err := tm.s.ConfirmJoin(ctx, free, account.Client{IP: "192.0.2.3"})
	if err != nil || m.Name != "Nina" || m.Role != account.Recruiter || m.OrgID != tm.owner.OrgID || !signedIn(tm.s, session) {
		t.Fatalf("ConfirmJoin = %+v, %v", m, err)
	}
	tm.signIn(t, "newbie@example.com", "chosen at joining", firefoxLinux)
	if _, _, err := tm.s.ConfirmJoin(ctx, free, account.Client{}); !isDeadJoin(err) {
		t.Errorf("a used link: %v", err)
	}
}

func TestJoinLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	j := newJoins(tm.s)
	now := time.Now()
	tm.s.SetClock(func() time.Time { return now })
	secret, inv, err := tm.s.InviteMember(ctx, tm.owner, "nina@example.com", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	ask := func() string {
		t.Helper()
		if err := tm.s.RequestJoin(ctx, secret, "Nina", "chosen at joining", account.Client{}); err != nil {
			t.Fatal(err)
		}
		token, err := tm.s.JoinLink(ctx, j.refs["nina@example.com"])
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	if err := tm.s.RequestJoin(ctx, secret, "Nina", "short", account.Client{}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a short password: %v", err)
	}
	first := ask()
	oldRef := j.refs["nina@example.com"]
	second := ask()
	if _, err := tm.s.PendingJoin(ctx, first); !isDeadJoin(err) {
		t.Errorf("a replaced link: %v", err)
	}
	if _, err := tm.s.JoinLink(ctx, oldRef); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a link made for a replaced request: %v", err)
	}
	now = now.Add(account.ResetLifetime + time.Second)
	if _, _, err := tm.s.ConfirmJoin(ctx, second, account.Client{}); !isDeadJoin(err) {
		t.Errorf("an expired link: %v", err)
	}
	third := ask()
	if err := tm.s.RevokeInvite(ctx, tm.owner, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tm.s.ConfirmJoin(ctx, third, account.Client{}); !isDeadJoin(err) {
		t.Errorf("a link of a withdrawn invitation: %v", err)
	}
	if err := tm.s.RequestJoin(ctx, secret, "Nina", "chosen at joining", account.Client{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("asking to join on a withdrawn invitation: %v", err)
	}
}

// TestRemovedMemberComesBack: a member removed from the team can be
// invited again and comes back as the same member, with the new role and
// password, and without the API tokens the removal revoked.
func TestRemovedMemberComesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	j := newJoins(tm.s)
	if err := tm.s.RemoveMember(ctx, tm.owner, tm.rita.ID); err != nil {
		t.Fatal(err)
	}
	token := j.request(t, tm, "rita@acme.example", "Rita Again")
	_, m, err := tm.s.ConfirmJoin(ctx, token, account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != tm.rita.ID || m.Role != account.Recruiter || m.DisabledAt != nil || m.Name != "Rita Again" {
		t.Errorf("Rita came back as %+v", m)
	}
	if _, err := tm.s.TokenMember(ctx, tm.ritaKey); err == nil {
		t.Error("the API token revoked at removal works again")
	}
	tm.signIn(t, "rita@acme.example", "chosen at joining", firefoxLinux)
	// On the team again, she cannot be invited.
	if _, _, err := tm.s.InviteMember(ctx, tm.owner, "rita@acme.example", account.Reviewer); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("inviting a member on the team: %v", err)
	}
}

// TestJoinRequestsAreRateLimited: an invitation link cannot be used to
// flood the invited address with emails.
func TestJoinRequestsAreRateLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	newJoins(tm.s)
	secret, _, err := tm.s.InviteMember(ctx, tm.owner, "nina@example.com", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := tm.s.RequestJoin(ctx, secret, "Nina", "chosen at joining", account.Client{IP: "192.0.2." + string(rune('0'+i))}); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if err := tm.s.RequestJoin(ctx, secret, "Nina", "chosen at joining", account.Client{IP: "198.51.100.1"}); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("request 11: %v, want rate limited", err)
	}
}
