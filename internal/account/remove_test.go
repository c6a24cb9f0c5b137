package account_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

const goodPassword = "another good password"

// team is an organisation with an owner, an admin and a reviewer, each
// able to sign in with goodPassword (the owner with ownerPassword).
type team struct {
	s                    *account.Service
	owner, admin, rita   account.Member
	ritaSession, ritaKey string
}

const ownerPassword = "correct horse battery"

func newTeam(t *testing.T) team {
	t.Helper()
	tm, _ := newTeamDB(t)
	return tm
}

// newTeamDB is newTeam, also returning its database.
func newTeamDB(t *testing.T) (team, *sqldb.DB) {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	s := account.New(db)
	_, owner, err := s.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "olivia@acme.example", Password: ownerPassword})
	if err != nil {
		t.Fatal(err)
	}
	tm := team{s: s, owner: owner}
	tm.admin = tm.join(t, "adam@acme.example", account.Admin)
	tm.rita = tm.join(t, "rita@acme.example", account.Reviewer)
	if tm.ritaSession, _, err = s.Login(ctx, "rita@acme.example", goodPassword, account.Client{IP: "192.0.2.7", UserAgent: "Firefox"}); err != nil {
		t.Fatal(err)
	}
	if tm.ritaKey, _, err = s.CreateAPIToken(ctx, tm.rita, "laptop"); err != nil {
		t.Fatal(err)
	}
	return tm, db
}

func (tm team) join(t *testing.T, email string, role account.Role) account.Member {
	t.Helper()
	ctx := context.Background()
	secret, _, err := tm.s.InviteMember(ctx, tm.owner, email, role)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tm.s.AcceptInvite(ctx, secret, strings.Split(email, "@")[0], goodPassword, account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ritaIsIn reports whether Rita's session and API token both still work.
func (tm team) ritaIsIn(t *testing.T) bool {
	t.Helper()
	ctx := context.Background()
	_, errS := tm.s.SessionMember(ctx, tm.ritaSession)
	_, errK := tm.s.TokenMember(ctx, tm.ritaKey)
	if (errS == nil) != (errK == nil) {
		t.Fatalf("Rita's session (%v) and token (%v) disagree", errS, errK)
	}
	return errS == nil
}

func TestRemoveMemberRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	if _, err := tm.s.Bootstrap(ctx, account.NewOrg{OrgName: "Rival", Email: "rex@rival.example"}); err != nil {
		t.Fatal(err)
	}
	rival, err := tm.s.Members(ctx, account.Member{OrgID: tm.owner.OrgID + 1})
	if err != nil || len(rival) != 1 {
		t.Fatalf("rival members %v, %v", rival, err)
	}
	tests := []struct {
		name  string
		actor account.Member
		id    int64
		kind  error
		msg   string
	}{
		{"a reviewer", tm.rita, tm.admin.ID, apperr.ErrForbidden, "only owners and admins"},
		{"another organisation's owner", rival[0], tm.rita.ID, apperr.ErrNotFound, "member not found"},
		{"a missing id", tm.owner, 999999, apperr.ErrNotFound, "member not found"},
		{"an admin removing the owner", tm.admin, tm.owner.ID, apperr.ErrForbidden, "only an owner can remove an owner"},
		{"the owner removing herself", tm.owner, tm.owner.ID, apperr.ErrConflict, "you cannot remove yourself"},
		{"an admin removing himself", tm.admin, tm.admin.ID, apperr.ErrConflict, "you cannot remove yourself"},
	}
	for _, tt := range tests {
		err := tm.s.RemoveMember(ctx, tt.actor, tt.id)
		if !errors.Is(err, tt.kind) || !strings.Contains(apperr.Message(err), tt.msg) {
			t.Errorf("%s: %v, want %v saying %q", tt.name, err, tt.kind, tt.msg)
		}
	}
	if !tm.ritaIsIn(t) {
		t.Error("a refused removal signed Rita out")
	}
	// An admin demoted a moment ago acts with the new role, even with
	// the member read at the start of the request.
	stale := tm.admin
	if err := tm.s.SetRole(ctx, tm.owner, tm.admin.ID, account.Reviewer); err != nil {
		t.Fatal(err)
	}
	if err := tm.s.RemoveMember(ctx, stale, tm.rita.ID); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a demoted admin removes: %v, want forbidden", err)
	}
	if !tm.ritaIsIn(t) {
		t.Error("the demoted admin removed Rita")
	}
}

func TestRemoveMember(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	if err := tm.s.RemoveMember(ctx, tm.admin, tm.rita.ID); err != nil {
		t.Fatal(err)
	}
	if tm.ritaIsIn(t) {
		t.Fatal("Rita's session and token work after her removal")
	}
	if _, _, err := tm.s.Login(ctx, "rita@acme.example", goodPassword, account.Client{}); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("removed member signs in: %v", err)
	}
	// Kept, disabled, not deleted.
	got, err := tm.s.Member(ctx, tm.owner, tm.rita.ID)
	if err != nil || got.DisabledAt == nil || got.Can(account.Review) {
		t.Errorf("removed member reads %+v, %v", got, err)
	}
	if err := tm.s.RemoveMember(ctx, tm.owner, tm.rita.ID); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "already removed") {
		t.Errorf("removing twice: %v", err)
	}
	if err := tm.s.SetRole(ctx, tm.owner, tm.rita.ID, account.Admin); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "was removed") {
		t.Errorf("a removed member's role changed: %v", err)
	}
	log, err := tm.s.AuditLog(ctx, tm.owner, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	removed, ritas := false, 0
	for _, e := range log {
		removed = removed || e.Action == "member.remove" && e.Target == "rita@acme.example" && e.Actor == "adam@acme.example" && e.Detail == "reviewer"
		if e.ActorID != nil && *e.ActorID == tm.rita.ID {
			ritas++
		}
	}
	if !removed {
		t.Errorf("the audit log %+v does not record the removal", log)
	}
	if ritas == 0 {
		t.Error("Rita's own audit entries are gone")
	}
}

// TestTwoOwnersRemovingEachOther: both try at once; one wins and the
// organisation keeps an owner.
func TestTwoOwnersRemovingEachOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	otto := tm.join(t, "otto@acme.example", account.Owner)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = tm.s.RemoveMember(ctx, tm.owner, otto.ID) }()
	go func() { defer wg.Done(); errs[1] = tm.s.RemoveMember(ctx, otto, tm.owner.ID) }()
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("both or neither removal went through: %v, %v", errs[0], errs[1])
	}
	members, err := tm.s.Members(ctx, tm.admin)
	if err != nil {
		t.Fatal(err)
	}
	owners := 0
	for _, m := range members {
		if m.Role == account.Owner && m.DisabledAt == nil {
			owners++
		}
	}
	if owners != 1 {
		t.Fatalf("%d owners left", owners)
	}
}
