package application_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
)

// TestBlindReview: a blind job's team reads pseudonyms from every method
// that returns applications to a member, sorted lists do not betray the
// hidden names' order, the candidate still reads their own name, and a
// reveal takes the right role and the reviews.
func TestBlindReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Invited before the switch: hidden by it.
	zoe := f.invite(t, "zoe.zimmer@example.com")
	if zoe.Application.Number != 1 || zoe.Application.Blind {
		t.Fatalf("first invitation: number %d blind %v", zoe.Application.Number, zoe.Application.Blind)
	}
	job, n, err := f.applications.SetBlind(f.ctx, f.owner, f.iv.JobID, true)
	if err != nil || !job.Blind || n != 1 {
		t.Fatalf("SetBlind: %+v %d %v", job, n, err)
	}
	// Invited after: hidden from the start. The invitation echoes to the
	// inviter what they typed, with the number it took.
	res, err := f.applications.Invite(f.ctx, f.owner, f.iv.ID, []application.NewCandidate{{Name: "Aaron Abbott", Email: "aaron@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	aaron := res.Invitations[0]
	if got := aaron.Application; got.Candidate.Name != "Aaron Abbott" || got.Number != 2 || !got.Blind || got.TeamName() != "Candidate 2" {
		t.Errorf("invitation returned %+v", got)
	}
	if a, _ := f.applications.Application(f.ctx, f.owner, aaron.Application.ID); a.Candidate.Name != "Candidate 2" || a.Candidate.Email != "" {
		t.Errorf("read after inviting: %+v", a.Candidate)
	}

	a, err := f.applications.Application(f.ctx, f.owner, zoe.Application.ID)
	if err != nil || a.Candidate.Name != "Candidate 1" || a.Candidate.Email != "" || !a.Blind {
		t.Errorf("Application: %+v %v", a.Candidate, err)
	}
	if org, err := f.applications.InOrg(f.ctx, f.owner.OrgID, zoe.Application.ID); err != nil || org.Candidate.Name != "Candidate 1" {
		t.Errorf("InOrg: %+v %v", org.Candidate, err)
	}
	// Sorted by name, the list follows the pseudonyms: Zoe before Aaron,
	// though "Aaron" sorts first.
	page, err := f.applications.Applications(f.ctx, f.owner, application.Filter{JobID: f.iv.JobID, Sort: application.ByName, Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Items[0].Candidate.Name != "Candidate 1" || page.Next == "" {
		t.Fatalf("by name, page 1: %+v %v", page, err)
	}
	next, err := f.applications.Applications(f.ctx, f.owner, application.Filter{JobID: f.iv.JobID, Sort: application.ByName, Limit: 1, Cursor: page.Next})
	if err != nil || len(next.Items) != 1 || next.Items[0].Candidate.Name != "Candidate 2" {
		t.Fatalf("by name, page 2: %+v %v", next, err)
	}
	place, err := f.applications.Neighbours(f.ctx, f.owner, application.Filter{JobID: f.iv.JobID, Sort: application.ByName}, a)
	if err != nil || place.Next == nil || place.Next.Candidate.Name != "Candidate 2" || place.Next.Candidate.Email != "" {
		t.Errorf("Neighbours: %+v %v", place, err)
	}

	// The candidate reads their own name.
	own, err := f.applications.ByToken(f.ctx, zoe.Token)
	if err != nil || own.Candidate.Name != "Cand zoe.zimmer@example.com" || own.Candidate.Email != "zoe.zimmer@example.com" {
		t.Errorf("ByToken: %+v %v", own.Candidate, err)
	}
	if _, err := f.applications.Submit(f.ctx, own); err != nil {
		t.Fatal(err)
	}
	// Errors to the team name the pseudonym.
	if _, err := f.applications.EmailLink(f.ctx, f.owner, zoe.Application.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.MarkDecided(f.ctx, f.db, f.owner, aaron.Application.ID, "advance"); err == nil || !strings.Contains(err.Error(), "Candidate 2 has not") {
		t.Errorf("decide unsubmitted: %v, want it to name Candidate 2", err)
	}

	// Reveal: refused without reviews, to a reviewer, and to another
	// organisation; then done, once.
	if _, err := f.applications.Reveal(f.ctx, f.owner, zoe.Application.ID); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "no review yet") {
		t.Errorf("reveal without review: %v", err)
	}
	if _, err := f.db.Exec(f.ctx, `UPDATE applications SET review_count = 1 WHERE id = $1`, zoe.Application.ID); err != nil {
		t.Fatal(err)
	}
	reviewer := f.member(t, "rita@acme.example", account.Reviewer)
	if _, err := f.applications.Reveal(f.ctx, reviewer, zoe.Application.ID); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("reviewer reveals: %v", err)
	}
	if _, err := f.applications.Reveal(f.ctx, f.owner, aaron.Application.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("reveal unsubmitted: %v", err)
	}
	token, err := f.accounts.Bootstrap(f.ctx, account.NewOrg{OrgName: "Other", Email: "boss@other.example"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := f.accounts.TokenMember(f.ctx, token)
	if _, err := f.applications.Reveal(f.ctx, other, zoe.Application.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("other organisation reveals: %v", err)
	}
	shown, err := f.applications.Reveal(f.ctx, f.owner, zoe.Application.ID)
	if err != nil || shown.Candidate.Email != "zoe.zimmer@example.com" || shown.RevealedAt == nil {
		t.Fatalf("reveal: %+v %v", shown, err)
	}
	if _, err := f.applications.Reveal(f.ctx, f.owner, zoe.Application.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("second reveal: %v", err)
	}
	if a, _ := f.applications.Application(f.ctx, reviewer, zoe.Application.ID); a.Candidate.Name != "Cand zoe.zimmer@example.com" {
		t.Errorf("after reveal the reviewer reads %q", a.Candidate.Name)
	}

	// The audit log names the hidden candidate by pseudonym only, and
	// keeps the reveal.
	log, err := f.accounts.AuditLog(f.ctx, f.owner, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var reveal bool
	for _, e := range log {
		line := fmt.Sprintf("%+v", e)
		if strings.Contains(line, "aaron") {
			t.Errorf("audit entry names a hidden candidate: %s", line)
		}
		if e.Action == "application.reveal" {
			reveal = strings.Contains(e.Target, "Candidate 1")
		}
	}
	if !reveal {
		t.Error("no audit entry of the reveal naming Candidate 1")
	}

	// Off shows everyone; on again keeps the revealed shown.
	if _, n, err := f.applications.SetBlind(f.ctx, f.owner, f.iv.JobID, false); err != nil || n != 1 {
		t.Errorf("off: %d %v", n, err)
	}
	if _, n, err := f.applications.SetBlind(f.ctx, f.owner, f.iv.JobID, true); err != nil || n != 1 {
		t.Errorf("on again: %d %v", n, err)
	}
	if a, _ := f.applications.Application(f.ctx, f.owner, zoe.Application.ID); a.Blind {
		t.Error("a revealed candidate is hidden again")
	}
	if _, _, err := f.applications.SetBlind(f.ctx, reviewer, f.iv.JobID, false); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("reviewer switches blind off: %v", err)
	}
}

// TestCandidateNumbersAtOnce: invitations at once take distinct numbers.
func TestCandidateNumbersAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.applications.Invite(f.ctx, f.owner, f.iv.ID, []application.NewCandidate{{Email: fmt.Sprintf("p%d@example.com", i)}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	page, err := f.applications.Applications(f.ctx, f.owner, application.Filter{JobID: f.iv.JobID})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, a := range page.Items {
		if a.Number < 1 || a.Number > 8 || seen[a.Number] {
			t.Errorf("number %d", a.Number)
		}
		seen[a.Number] = true
	}
}

func (f *fixture) member(t *testing.T, email string, role account.Role) account.Member {
	t.Helper()
	secret, _, err := f.accounts.InviteMember(f.ctx, f.owner, email, role)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.accounts.AcceptInvite(f.ctx, secret, "Rita", "correct horse battery", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
