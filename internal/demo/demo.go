// Package demo fills a demo organisation so that a newcomer sees a living
// product: jobs, interviews, and candidates in every state.
//
// Everything goes through the domain services, so demo data obeys every
// rule real data does: word limits, scoring, who may review what. The
// only liberty taken is the clock: invitations are spread over the last
// three weeks by setting the services' clocks while seeding.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/domain"
)

// Services are the domain services the seed goes through, so that demo
// data obeys every rule real data does.
type Services = domain.Services

// Login is how to sign in to the demo organisation.
type Login struct {
	Org, Email, Password string
}

// The demo organisation and its team.
const (
	OrgName    = "Northwind Robotics"
	OrgZone    = "Europe/Berlin"
	OwnerEmail = "owner@northwind.example"
)

// team is the demo organisation's members by role.
type team map[account.Role]account.Member

// seeder holds what a Seed call shares between its steps: the services
// and a clock it moves through the last three weeks.
type seeder struct {
	svc    Services
	now    time.Time // when Seed was called; nothing is dated after it
	clock  time.Time
	team   team
	videos int // recordings made so far, to tell them apart
}

// Seed creates the demo organisation on an installation that has none:
// the owner and two members, two jobs with interviews, and candidates in
// every state, some reviewed. Each member gets a new random password; the
// owner's is returned. On an installation that is already set up it
// fails with apperr.ErrConflict and writes nothing.
//
// Seed sets the clocks of svc.Accounts and svc.Applications while it runs
// and puts back time.Now at the end, so call it before serving requests.
func Seed(ctx context.Context, svc Services) (login Login, err error) {
	defer apperr.Wrap(&err, "demo.Seed")
	s := &seeder{svc: svc, now: time.Now(), team: team{}}
	clock := func() time.Time { return s.clock }
	svc.Accounts.SetClock(clock)
	svc.Applications.SetClock(clock)
	svc.Videos.SetClock(clock)
	svc.Messages.SetClock(clock)
	svc.Files.SetClock(clock)
	defer svc.Files.SetClock(time.Now)
	defer svc.Messages.SetClock(time.Now)
	defer svc.Accounts.SetClock(time.Now)
	defer svc.Applications.SetClock(time.Now)
	defer svc.Videos.SetClock(time.Now)

	if login, err = s.createTeam(ctx); err != nil {
		return login, err
	}
	for _, j := range []job{backendJob(), successJob()} {
		if err := s.createJob(ctx, j); err != nil {
			return login, fmt.Errorf("job %q: %w", j.title, err)
		}
	}
	return login, nil
}

// at moves the clock to daysAgo days before Seed was called.
func (s *seeder) at(daysAgo float64) {
	s.clock = s.now.Add(-time.Duration(daysAgo * float64(24*time.Hour)))
}

// createTeam sets up the organisation, its owner, and a recruiter and a
// reviewer who join through invitations.
func (s *seeder) createTeam(ctx context.Context) (Login, error) {
	login := Login{Org: OrgName, Email: OwnerEmail, Password: newPassword()}
	s.at(24)
	_, owner, err := s.svc.Accounts.Setup(ctx, account.NewOrg{
		OrgName: OrgName, TimeZone: OrgZone, Name: "Lena Hoffmann", Email: OwnerEmail, Password: login.Password,
	})
	if err != nil {
		return login, err
	}
	s.team[account.Owner] = owner
	members := []struct {
		name, email string
		role        account.Role
		daysAgo     float64
	}{
		{"Noor Haddad", "noor.haddad@northwind.example", account.Recruiter, 23.8},
		{"Samuel Adeyemi", "samuel.adeyemi@northwind.example", account.Reviewer, 23.5},
	}
	for _, m := range members {
		s.at(m.daysAgo)
		secret, _, err := s.svc.Accounts.InviteMember(ctx, owner, m.email, m.role)
		if err != nil {
			return login, err
		}
		s.at(m.daysAgo - 0.1)
		joined, err := s.svc.Accounts.AcceptInvite(ctx, secret, m.name, newPassword(), account.Client{IP: "127.0.0.1", UserAgent: "anyhour demo"})
		if err != nil {
			return login, err
		}
		s.team[m.role] = joined
	}
	return login, nil
}
