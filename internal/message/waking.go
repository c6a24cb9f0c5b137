package message

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/worktime"
)

// CandidateHours are the hours a candidate may be written to: 09:00 to
// 20:00 in their zone, or in the team's while theirs is not known.
func (s *Service) CandidateHours(ctx context.Context, a application.Application) (_ worktime.Hours, err error) {
	defer apperr.Wrap(&err, "message.CandidateHours(%d)", a.ID)
	teamZone := ""
	if a.TimeZone == "" {
		org, err := s.accounts.Org(ctx, a.OrgID)
		if err != nil {
			return worktime.Hours{}, err
		}
		teamZone = org.TimeZone
	}
	return worktime.Waking(a.Zone(teamZone)), nil
}

// PostInWorkingHours sends a message to the candidate in their waking
// hours (CandidateHours): now if they are in them, else scheduled for
// when they begin.
func (s *Service) PostInWorkingHours(ctx context.Context, actor account.Member, appID int64, body string, files []File) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.PostInWorkingHours(%d)", appID)
	a, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return Message{}, err
	}
	hours, err := s.CandidateHours(ctx, a)
	if err != nil {
		return Message{}, err
	}
	now := s.now()
	at := hours.Next(now)
	if !at.After(now.Add(time.Minute)) {
		return s.PostFiles(ctx, actor, appID, body, false, files)
	}
	return s.Schedule(ctx, actor, appID, body, at, files...)
}
