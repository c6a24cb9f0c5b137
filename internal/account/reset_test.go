package account_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

// resets records the requests a team's account service hands to its
// ResetHook, as package notify would email them.
type resets struct {
	tm   team
	db   *sqldb.DB
	w    *queue.Worker
	mu   sync.Mutex
	refs map[string][]string // by email
}

func newResets(t *testing.T, tm team, db *sqldb.DB) *resets {
	r := &resets{tm: tm, db: db, refs: map[string][]string{}}
	tm.s.OnPasswordReset(func(_ context.Context, _ *sqldb.DB, m account.Member, ref string) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.refs[m.Email] = append(r.refs[m.Email], ref)
		return nil
	})
	r.w = queue.New(db, queue.Config{Concurrency: 1, Name: "t", Logger: slog.New(slog.DiscardHandler)})
	tm.s.RegisterTasks(r.w)
	return r
}

// ask requests a reset for email and runs the worker; it returns the
// newest ref handed to the hook for that address.
func (r *resets) ask(t *testing.T, email string) string {
	t.Helper()
	if err := r.tm.s.RequestPasswordReset(context.Background(), email, account.Client{IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if err := r.w.RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	refs := r.refs[email]
	if len(refs) == 0 {
		return ""
	}
	return refs[len(refs)-1]
}

// link makes the link's token as the email is sent.
func (r *resets) link(t *testing.T, ref string) string {
	t.Helper()
	token, err := r.tm.s.ResetLink(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func isDeadLink(err error) bool {
	return errors.Is(err, apperr.ErrNotFound) && strings.Contains(apperr.Message(err), "no longer works")
}

// TestResetForUnknownAddressTakesTheSamePath: on the request's path, an
// address with an account and one without do exactly the same writes:
// one queued task each, nothing else. What differs happens in the task.
func TestResetForUnknownAddressTakesTheSamePath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm, db := newTeamDB(t)
	r := newResets(t, tm, db)
	count := func(q string) int {
		var n int
		if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count(`SELECT COUNT(*) FROM tasks`)
	for _, addr := range []string{"rita@acme.example", "nobody@acme.example"} {
		if err := tm.s.RequestPasswordReset(ctx, addr, account.Client{IP: "192.0.2.1"}); err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
	}
	var payloads []string
	rows, err := db.Query(ctx, `SELECT kind, payload FROM tasks ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind, payload string
		rows.Scan(&kind, &payload)
		if kind == "account.password_reset" {
			payloads = append(payloads, payload)
		}
	}
	rows.Close()
	if got := count(`SELECT COUNT(*) FROM tasks`); got != before+2 || len(payloads) != 2 ||
		strings.Replace(payloads[0], "rita", "nobody", 1) != payloads[1] {
		t.Errorf("tasks %d → %d, payloads %q: want one task each, alike but for the address", before, got, payloads)
	}
	if n := count(`SELECT COUNT(*) FROM password_resets`); n != 0 {
		t.Errorf("%d reset rows before the task ran", n)
	}
	if err := r.w.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if len(r.refs) != 1 || len(r.refs["rita@acme.example"]) != 1 {
		t.Errorf("emails asked for: %v; want one, to Rita", r.refs)
	}
	if _, err := tm.s.ResetLink(ctx, "password_reset:999"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a link for no request: %v", err)
	}
	if err := tm.s.RequestPasswordReset(ctx, "not an address", account.Client{}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a malformed address: %v", err)
	}
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm, db := newTeamDB(t)
	r := newResets(t, tm, db)
	now := time.Now()
	tm.s.SetClock(func() time.Time { return now })

	first := r.link(t, r.ask(t, "rita@acme.example"))
	if m, err := tm.s.PendingReset(ctx, first); err != nil || m.ID != tm.rita.ID {
		t.Fatalf("PendingReset = %+v, %v", m, err)
	}
	// A newer request replaces the older link, and the older email gets
	// none if it is sent after.
	olderRef := r.refs["rita@acme.example"][0]
	newer := r.ask(t, "rita@acme.example")
	if _, err := tm.s.PendingReset(ctx, first); !isDeadLink(err) {
		t.Errorf("the replaced link: %v", err)
	}
	if _, err := tm.s.ResetLink(ctx, olderRef); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a link made for a replaced request: %v", err)
	}
	// An hour after it is sent, a link stops working.
	second := r.link(t, newer)
	now = now.Add(account.ResetLifetime + time.Second)
	if _, _, err := tm.s.ResetPassword(ctx, second, "a brand new password", account.Client{}); !isDeadLink(err) {
		t.Errorf("an expired link: %v", err)
	}
	now = now.Add(-account.ResetLifetime)

	third := r.link(t, r.ask(t, "rita@acme.example"))
	if _, _, err := tm.s.ResetPassword(ctx, third, "short", account.Client{}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a short password: %v", err)
	}
	phone := tm.signIn(t, "rita@acme.example", goodPassword, safariPhone)
	session, m, err := tm.s.ResetPassword(ctx, third, "a brand new password", account.Client{IP: "192.0.2.5", UserAgent: firefoxLinux})
	if err != nil || m.ID != tm.rita.ID {
		t.Fatalf("ResetPassword = %+v, %v", m, err)
	}
	if signedIn(tm.s, tm.ritaSession) || signedIn(tm.s, phone) || !signedIn(tm.s, session) {
		t.Error("the reset should end every session and start its own")
	}
	if _, _, err := tm.s.Login(ctx, "rita@acme.example", goodPassword, account.Client{}); err == nil {
		t.Error("the old password signs in")
	}
	tm.signIn(t, "rita@acme.example", "a brand new password", firefoxLinux)
	// Used once, never again.
	if _, _, err := tm.s.ResetPassword(ctx, third, "yet another password", account.Client{}); !isDeadLink(err) {
		t.Errorf("a used link: %v", err)
	}
	if _, err := tm.s.PendingReset(ctx, "ahr_not-a-token"); !isDeadLink(err) {
		t.Errorf("a made-up link: %v", err)
	}
	log, _ := tm.s.AuditLog(ctx, tm.owner, 0, 20)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "member.password_reset ") || !strings.Contains(got, "member.password_reset_request") {
		t.Errorf("audit log %s", got)
	}
}

// TestResetLinkOfRemovedMember: removing a member kills the link they
// were sent, and a request for them sends nothing.
func TestResetLinkOfRemovedMember(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm, db := newTeamDB(t)
	r := newResets(t, tm, db)
	token := r.link(t, r.ask(t, "rita@acme.example"))
	queued := r.ask(t, "rita@acme.example")
	if err := tm.s.RemoveMember(ctx, tm.owner, tm.rita.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tm.s.ResetPassword(ctx, token, "a brand new password", account.Client{}); !isDeadLink(err) {
		t.Errorf("the removed member's link: %v", err)
	}
	if _, err := tm.s.ResetLink(ctx, queued); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a link made for a removed member: %v", err)
	}
	if ref := r.ask(t, "rita@acme.example"); ref != queued {
		t.Errorf("a request for a removed member asked for an email (%s)", ref)
	}
}

// TestResetLinkUsedTwiceAtOnce: of two uses at once, one wins.
func TestResetLinkUsedTwiceAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm, db := newTeamDB(t)
	r := newResets(t, tm, db)
	token := r.link(t, r.ask(t, "rita@acme.example"))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = tm.s.ResetPassword(ctx, token, "password number "+string(rune('a'+i)), account.Client{})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Errorf("both or neither use worked: %v, %v", errs[0], errs[1])
	}
}

func TestResetRequestsAreRateLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm, _ := newTeamDB(t)
	for _, addr := range []string{"rita@acme.example", "nobody@acme.example"} {
		for i := range 10 {
			ip := "192.0.2." + string(rune('0'+i)) // a new address each time: the email is what is counted
			if err := tm.s.RequestPasswordReset(ctx, addr, account.Client{IP: ip}); err != nil {
				t.Fatalf("%s, request %d: %v", addr, i+1, err)
			}
		}
		err := tm.s.RequestPasswordReset(ctx, addr, account.Client{IP: "198.51.100.1"})
		if !errors.Is(err, apperr.ErrRateLimited) {
			t.Errorf("%s, request 11: %v, want rate limited", addr, err)
		}
	}
	// Asking for resets does not lock the owner out of signing in.
	tm.signIn(t, "rita@acme.example", goodPassword, firefoxLinux)
}

// TestResetRequestsAcrossProcesses: 30 requests at once for one address,
// half through each of two anyhour processes on one database, from
// addresses of their own: exactly 10 go through, as from one process.
func TestResetRequestsAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, u := sqldbtest.OpenURL(t)
	other, err := sqldb.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	processes := []*account.Service{account.New(db), account.New(other)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]int{}
	for i := range 30 {
		wg.Go(func() {
			err := processes[i%2].RequestPasswordReset(ctx, "rita@acme.example", account.Client{IP: fmt.Sprintf("192.0.2.%d", i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				got["sent"]++
			case errors.Is(err, apperr.ErrRateLimited):
				got["limited"]++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got["sent"] != 10 || got["limited"] != 20 {
		t.Errorf("30 requests at once through two processes: %v, want 10 sent and 20 limited", got)
	}
}
