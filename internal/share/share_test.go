package share_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/share"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

// TestShareLinks: a link shares submitted applications of one job with a
// named guest, to view or to rate, until it expires or is revoked; a
// changed token, another application, rating through a view-only link
// and the wrong picks are refused; openings are logged and a guest's
// ratings kept in their name.
func TestShareLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	s := domaintest.New(t, db)
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	s.Shares.SetClock(func() time.Time { return now })
	token, _ := s.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@acme.example"})
	owner, _ := s.Accounts.TokenMember(ctx, token)
	other, _ := s.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Globex", Email: "owner@globex.example"})
	stranger, _ := s.Accounts.TokenMember(ctx, other)
	secret, _, _ := s.Accounts.InviteMember(ctx, owner, "rita@acme.example", account.Reviewer)
	rita, err := s.Accounts.AcceptInvite(ctx, secret, "Rita", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(title string) (opening.Interview, []application.Application) {
		job, _ := s.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr(title)})
		iv, err := s.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
			Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Why us"}}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@" + title + ".example"}, {Name: "Bob", Email: "bob@" + title + ".example"}, {Name: "Cyd", Email: "cyd@" + title + ".example"}})
		if err != nil {
			t.Fatal(err)
		}
		var apps []application.Application
		for i, inv := range res.Invitations {
			a, _ := s.Applications.ByToken(ctx, inv.Token)
			if i < 2 {
				if a, err = s.Applications.Submit(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			apps = append(apps, a)
		}
		return iv, apps
	}
	iv, apps := mk("eng")
	_, others := mk("design")
	ada, bob, cyd := apps[0], apps[1], apps[2]
	many := make([]int64, 21)
	for i := range many {
		many[i] = int64(i + 1)
	}
	for name, c := range map[string]struct {
		m    account.Member
		in   share.Input
		kind error
	}{
		"a reviewer's":    {rita, share.Input{ApplicationIDs: []int64{ada.ID}, GuestName: "Hana"}, apperr.ErrForbidden},
		"nothing":         {owner, share.Input{GuestName: "Hana"}, apperr.ErrInvalid},
		"21 applications": {owner, share.Input{ApplicationIDs: many, GuestName: "Hana"}, apperr.ErrInvalid},
		"two jobs":        {owner, share.Input{ApplicationIDs: []int64{ada.ID, others[0].ID}, GuestName: "Hana"}, apperr.ErrInvalid},
		"not submitted":   {owner, share.Input{ApplicationIDs: []int64{cyd.ID}, GuestName: "Hana"}, apperr.ErrInvalid},
		"another org's":   {stranger, share.Input{ApplicationIDs: []int64{ada.ID}, GuestName: "Hana"}, apperr.ErrNotFound},
		"no name":         {owner, share.Input{ApplicationIDs: []int64{ada.ID}}, apperr.ErrInvalid},
		"not an email":    {owner, share.Input{ApplicationIDs: []int64{ada.ID}, GuestName: "Hana", GuestEmail: "hana"}, apperr.ErrInvalid},
		"a year":          {owner, share.Input{ApplicationIDs: []int64{ada.ID}, GuestName: "Hana", Days: 365}, apperr.ErrInvalid},
	} {
		if _, _, err := s.Shares.Create(ctx, c.m, c.in); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}

	view, viewToken, err := s.Shares.Create(ctx, owner, share.Input{ApplicationIDs: []int64{ada.ID, bob.ID}, GuestName: "Hana Hiring"})
	if err != nil {
		t.Fatal(err)
	}
	if !view.ExpiresAt.Equal(now.Add(7*24*time.Hour)) || view.CanRate {
		t.Errorf("a link by default: %+v, want view only for seven days", view)
	}
	rate, rateToken, err := s.Shares.Create(ctx, owner, share.Input{ApplicationIDs: []int64{ada.ID}, GuestName: "Hana Hiring", CanRate: true, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM share_links WHERE token_hash = $1 OR token_hash = $2`, viewToken, rateToken).Scan(&stored)
	if stored != 0 {
		t.Error("a token is stored as it is")
	}

	l, err := s.Shares.Open(ctx, viewToken)
	if err != nil || l.ID != view.ID || len(l.ApplicationIDs) != 2 {
		t.Fatalf("open: %+v, %v", l, err)
	}
	flip := "A"
	if strings.HasSuffix(viewToken, "A") {
		flip = "B"
	}
	changed := viewToken[:len(viewToken)-1] + flip
	for name, tok := range map[string]string{"changed": changed, "made up": "ahs_nothing", "empty": "", "another kind": "ahk_" + viewToken[4:]} {
		if _, err := s.Shares.Open(ctx, tok); !errors.Is(err, apperr.ErrUnauthenticated) {
			t.Errorf("a %s token: %v", name, err)
		}
	}
	if _, err := s.Shares.Application(ctx, l, cyd.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("an application the link does not share: %v", err)
	}
	if _, err := s.Shares.Application(ctx, l, others[0].ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another job's application: %v", err)
	}
	if err := s.Shares.Seen(ctx, l, ada.ID); err != nil {
		t.Fatal(err)
	}
	step := iv.Steps[0].ID
	good := review.Input{Ratings: map[int64]int{step: 4}, Recommendation: review.Yes, Note: "Strong"}
	if err := s.Shares.Rate(ctx, l, ada.ID, good); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("rating through a link to view: %v", err)
	}
	rl, _ := s.Shares.Open(ctx, rateToken)
	if err := s.Shares.Rate(ctx, rl, bob.ID, good); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("rating an application the link does not share: %v", err)
	}
	if err := s.Shares.Rate(ctx, rl, ada.ID, review.Input{Ratings: map[int64]int{step: 6}, Recommendation: review.Yes}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a rating of 6: %v", err)
	}
	if err := s.Shares.Rate(ctx, rl, ada.ID, good); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Shares.Ratings(ctx, owner.OrgID, ada.ID, 0)
	if err != nil || len(rs) != 1 || rs[0].GuestName != "Hana Hiring" || rs[0].Input.Ratings[step] != 4 {
		t.Fatalf("the guest's ratings: %+v, %v", rs, err)
	}
	links, err := s.Shares.ForApplication(ctx, owner, ada.ID)
	if err != nil || len(links) != 2 || links[1].Opens != 1 || links[1].LastOpened == nil {
		t.Fatalf("the links of Ada's application: %+v, %v", links, err)
	}
	if _, err := s.Shares.ForApplication(ctx, stranger, ada.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation lists the links: %v", err)
	}

	// Revoked: the link closes at once. Expired: after its days.
	if err := s.Shares.Revoke(ctx, stranger, view.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation revokes: %v", err)
	}
	if err := s.Shares.Revoke(ctx, owner, view.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Shares.Open(ctx, viewToken); !errors.Is(err, apperr.ErrUnauthenticated) || !strings.Contains(apperr.Message(err), "revoked") {
		t.Errorf("a revoked link: %v", err)
	}
	now = now.Add(2*24*time.Hour + time.Second)
	if _, err := s.Shares.Open(ctx, rateToken); !errors.Is(err, apperr.ErrUnauthenticated) || !strings.Contains(apperr.Message(err), "expired on 9 Dec 2026") {
		t.Errorf("an expired link: %v", err)
	}
	_ = rate

	// A link closes when its maker leaves the team.
	now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	secret, _, _ = s.Accounts.InviteMember(ctx, owner, "rex@acme.example", account.Recruiter)
	rex, err := s.Accounts.AcceptInvite(ctx, secret, "Rex Recruiter", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	_, rexToken, err := s.Shares.Create(ctx, rex, share.Input{ApplicationIDs: []int64{ada.ID}, GuestName: "Gus Guest"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Shares.Open(ctx, rexToken); err != nil {
		t.Fatalf("Rex's link: %v", err)
	}
	if err := s.Accounts.RemoveMember(ctx, owner, rex.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Shares.Open(ctx, rexToken); !errors.Is(err, apperr.ErrUnauthenticated) || !strings.Contains(apperr.Message(err), "no longer on the team") {
		t.Errorf("a link whose maker left: %v", err)
	}
}
