package account_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := account.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "correct") {
		t.Errorf("hash %q is not an argon2id hash", h)
	}
	if ok, _ := account.CheckPassword(h, "correct horse battery"); !ok {
		t.Error("right password rejected")
	}
	if ok, _ := account.CheckPassword(h, "correct horse batterY"); ok {
		t.Error("wrong password accepted")
	}
}

func TestBootstrapIsIdempotentAndTokensAreHashed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	s := account.New(db)
	in := account.NewOrg{OrgName: "Acme", Email: "Olivia@Acme.example"}
	t1, err := s.Bootstrap(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := s.Bootstrap(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if t1 == t2 {
		t.Error("bootstrap returned the same token twice")
	}
	var orgs, members int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations`).Scan(&orgs)
	db.QueryRow(ctx, `SELECT COUNT(*) FROM members`).Scan(&members)
	if orgs != 1 || members != 1 {
		t.Errorf("after two bootstraps: %d orgs, %d members, want 1 and 1", orgs, members)
	}
	var n int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR token_hash = $2`, t1, t2).Scan(&n)
	if n != 0 {
		t.Error("a token is stored in plain text")
	}
	m, err := s.TokenMember(ctx, t1)
	if err != nil || m.Email != "olivia@acme.example" || m.Role != account.Owner {
		t.Fatalf("TokenMember = %+v, %v", m, err)
	}
	// Another organisation cannot claim the owner's address.
	if _, err := s.Bootstrap(ctx, account.NewOrg{OrgName: "Other", Email: "olivia@acme.example"}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("bootstrap of another org with a taken email: %v, want conflict", err)
	}
	tokens, _ := s.APITokens(ctx, m)
	if err := s.RevokeAPIToken(ctx, m, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenMember(ctx, t2); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("revoked token still works: %v", err)
	}
}

func TestRolesAndInvites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := account.New(sqldbtest.Open(t))
	_, owner, err := s.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "olivia@acme.example", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Setup(ctx, account.NewOrg{OrgName: "Again", Email: "x@example.com"}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("second setup: %v, want conflict", err)
	}
	secret, _, err := s.InviteMember(ctx, owner, "rita@acme.example", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	rita, err := s.AcceptInvite(ctx, secret, "Rita", "another good password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcceptInvite(ctx, secret, "Rita", "another good password", account.Client{}); err == nil {
		t.Error("an invitation was used twice")
	}
	if rita.Can(account.ManageJobs) || !rita.Can(account.Review) {
		t.Errorf("reviewer permissions wrong: %+v", rita)
	}
	if _, _, err := s.InviteMember(ctx, rita, "eve@acme.example", account.Owner); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("reviewer invites: %v, want forbidden", err)
	}
	if err := s.SetRole(ctx, owner, owner.ID, account.Admin); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("demoting the last owner: %v, want conflict", err)
	}
	if err := s.SetRole(ctx, owner, rita.ID, account.Recruiter); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, owner, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"org.create", "member.invite", "member.join", "member.role"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit log %v lacks %s", actions, want)
		}
	}
	if _, err := s.AuditLog(ctx, rita, 0, 50); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("recruiter reads audit log: %v", err)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := account.New(sqldbtest.Open(t))
	if _, _, err := s.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "olivia@acme.example", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	token, m, err := s.Login(ctx, " OLIVIA@acme.example ", "correct horse battery", account.Client{IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionMember(ctx, token); err != nil || got.ID != m.ID {
		t.Errorf("session member = %+v, %v", got, err)
	}
	if err := s.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionMember(ctx, token); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("session after logout: %v", err)
	}
	_, _, errWrong := s.Login(ctx, "olivia@acme.example", "nope nope nope", account.Client{IP: "192.0.2.1"})
	_, _, errNobody := s.Login(ctx, "nobody@acme.example", "nope nope nope", account.Client{IP: "192.0.2.1"})
	if apperr.Message(errWrong) != apperr.Message(errNobody) {
		t.Errorf("sign-in errors tell accounts apart: %q vs %q", apperr.Message(errWrong), apperr.Message(errNobody))
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "no-at", "a@b\r\nBcc: x@y", "Name <a@b.example>", "a@"} {
		if _, err := account.NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
	if got, err := account.NormalizeEmail("  Ada@Example.COM "); err != nil || got != "ada@example.com" {
		t.Errorf("NormalizeEmail = %q, %v", got, err)
	}
}

// TestLoginLimitHoldsUnderParallelGuesses fires many wrong guesses at once:
// no more than the budget may reach the password check, and afterwards
// even the right password is refused.
func TestLoginLimitHoldsUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := account.New(sqldbtest.Open(t))
	if _, _, err := s.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "olivia@acme.example", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrong := 0
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.Login(ctx, "olivia@acme.example", "not the password", account.Client{IP: "192.0.2.9"})
			if errors.Is(err, apperr.ErrUnauthenticated) {
				mu.Lock()
				wrong++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wrong > 10 {
		t.Errorf("%d of 40 parallel guesses were checked; the budget is 10", wrong)
	}
	if _, _, err := s.Login(ctx, "olivia@acme.example", "correct horse battery", account.Client{IP: "192.0.2.9"}); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("right password after the budget: %v, want rate limited", err)
	}
}
