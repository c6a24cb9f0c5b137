package demo_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/demo"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func services(t testing.TB, db *sqldb.DB) demo.Services { return domaintest.New(t, db) }

func TestSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	svc := services(t, db)
	login, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if login.Org != demo.OrgName || login.Email != demo.OwnerEmail || len(login.Password) < account.MinPasswordLength {
		t.Fatalf("Seed returned %+v", login)
	}

	_, owner, err := svc.Accounts.Login(ctx, login.Email, login.Password, account.Client{IP: "127.0.0.1"})
	if err != nil {
		t.Fatalf("the owner cannot sign in with the returned password: %v", err)
	}
	if owner.Role != account.Owner {
		t.Errorf("owner's role = %s", owner.Role)
	}
	members, err := svc.Accounts.Members(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 3 {
		t.Errorf("%d members, want 3", len(members))
	}

	// The inbox: Tomasz has waited past the target, Yuki not yet, and
	// Elif's questions were answered.
	inbox, err := svc.Messages.Inbox(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	org, err := svc.Accounts.Org(ctx, owner.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 3 || inbox[0].CandidateName != "Tomasz Nowak" || !inbox[0].Overdue(now, org.Work) ||
		inbox[1].CandidateName != "Yuki Tanaka" || inbox[1].Overdue(now, org.Work) || inbox[1].WaitingSince == nil ||
		inbox[2].CandidateName != "Elif Yılmaz" || inbox[2].WaitingSince != nil || inbox[2].Last.SeenAt == nil {
		t.Errorf("the demo inbox: %+v", inbox)
	}

	jobs, err := svc.Openings.Jobs(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 {
		t.Fatalf("%d jobs, want 2", len(jobs))
	}
	counts, err := svc.Applications.CountsByJob(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		c := counts[j.ID]
		if n := c.Total(); n < 10 || n > 14 {
			t.Errorf("%s: %d candidates, want 10 to 14", j.Title, n)
		}
		for _, st := range []application.Status{application.Invited, application.Started, application.Submitted} {
			if c[st] == 0 {
				t.Errorf("%s: no application is %s (counts %v)", j.Title, st, c)
			}
		}
		checkSubmitted(t, svc, owner, j)
	}

	var reviews, reviewers int
	if err := db.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT member_id) FROM reviews`).Scan(&reviews, &reviewers); err != nil {
		t.Fatal(err)
	}
	if reviews < 6 || reviewers != 3 {
		t.Errorf("%d reviews by %d members, want several by all 3", reviews, reviewers)
	}

	// Whoever recorded agreed to be recorded first.
	var unasked int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM media m JOIN applications a ON a.id = m.application_id
		WHERE a.video_consent_at IS NULL OR a.video_consent_at > m.created_at`).Scan(&unasked); err != nil || unasked != 0 {
		t.Errorf("%d recordings without consent before them (%v)", unasked, err)
	}
}

// checkSubmitted checks that j has reviewed and unreviewed submissions
// and that their quiz scores differ, and that invitations are spread over
// the last weeks.
func checkSubmitted(t *testing.T, svc demo.Services, owner account.Member, j opening.Job) {
	t.Helper()
	page, err := svc.Applications.Applications(context.Background(), owner, application.Filter{JobID: j.ID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	scores := map[float64]bool{}
	reviewed, unreviewed := 0, 0
	oldest, newest := page.Items[0].InvitedAt, page.Items[0].InvitedAt
	for _, a := range page.Items {
		if a.InvitedAt.Before(oldest) {
			oldest = a.InvitedAt
		}
		if a.InvitedAt.After(newest) {
			newest = a.InvitedAt
		}
		if a.Status != application.Submitted {
			continue
		}
		if a.Score == nil || a.MaxScore == nil || *a.MaxScore == 0 {
			t.Errorf("%s: submitted application %d has no score", j.Title, a.ID)
			continue
		}
		scores[*a.Score] = true
		if a.ReviewCount > 0 {
			reviewed++
		} else {
			unreviewed++
		}
	}
	if reviewed == 0 || unreviewed == 0 {
		t.Errorf("%s: %d reviewed and %d unreviewed submissions, want both", j.Title, reviewed, unreviewed)
	}
	if len(scores) < 3 {
		t.Errorf("%s: quiz scores %v, want at least 3 different", j.Title, scores)
	}
	if span := newest.Sub(oldest); span < 14*24*time.Hour {
		t.Errorf("%s: invitations span %v, want about three weeks", j.Title, span)
	}
}

func TestSeedTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := services(t, sqldbtest.Open(t))
	if _, err := demo.Seed(ctx, svc); err != nil {
		t.Fatalf("first Seed: %v", err)
	}
	_, err := demo.Seed(ctx, svc)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("second Seed: %v, want a conflict", err)
	}
}
