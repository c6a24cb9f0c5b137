package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/worktime"
)

// KindReminder is the reminder of a coming deadline.
const KindReminder = "reminder"

// reminderOffsets are how long before the deadline candidates are
// reminded; each goes out at reminderHour their time on the day it falls.
var reminderOffsets = []time.Duration{72 * time.Hour, 24 * time.Hour}

const reminderHour = 10

// reminderTimes are when to remind a candidate of deadline, seen from
// now: for each offset, 10:00 local on the day deadline-offset falls, or
// the day before if that day's 10:00 is later than it. Times already past
// (or within the hour) are left out.
func reminderTimes(deadline, now time.Time, hours worktime.Hours) []time.Time {
	loc := hours.Location()
	var out []time.Time
	for _, off := range reminderOffsets {
		t0 := deadline.Add(-off).In(loc)
		at := time.Date(t0.Year(), t0.Month(), t0.Day(), reminderHour, 0, 0, 0, loc)
		if at.After(t0) {
			at = time.Date(t0.Year(), t0.Month(), t0.Day()-1, reminderHour, 0, 0, 0, loc)
		}
		if at.After(now.Add(time.Hour)) {
			out = append(out, at)
		}
	}
	return out
}

// reminderRef names a reminder by application and deadline, so that a
// reminder for a deadline since moved is recognised and not sent.
func reminderRef(appID int64, deadline time.Time) string {
	return fmt.Sprintf("reminder:%d:%d", appID, deadline.Unix())
}

// remind queues the reminders of a's deadline.
func (n *Notifier) remind(ctx context.Context, tx *sqldb.DB, a application.Application, org account.Org, job opening.Job) error {
	zone := a.Zone(org.TimeZone)
	now := time.Now()
	for _, at := range reminderTimes(a.DeadlineAt, now, worktime.Waking(zone)) {
		left := a.DeadlineAt.Sub(at)
		when := fmt.Sprintf("in %d days", int(left.Hours()/24+0.5))
		if left < 36*time.Hour {
			when = "tomorrow"
		}
		c := outbox.Content{
			OrgName:  org.Name,
			Colour:   org.Colour,
			Subject:  fmt.Sprintf("Your interview for %s is due %s", job.Title, when),
			Greeting: fmt.Sprintf("Hello %s,", a.Candidate.FirstName()),
			Paragraphs: []string{
				fmt.Sprintf("A reminder that your interview for the %s role at %s is due %s: %s.", job.Title, org.Name, when, deadline(a.DeadlineAt, zone)),
				"Your answers so far are saved; open the interview to carry on where you left off.",
			},
			Action: &outbox.Action{Label: "Open your interview", URL: outbox.LinkHere},
			After:  []string{"Need more time? Ask from the interview's status page and say why; the team will answer."},
		}
		if _, err := n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: a.OrgID, ApplicationID: a.ID, Kind: KindReminder,
			Ref: reminderRef(a.ID, a.DeadlineAt), Delay: at.Sub(now), WithLink: true,
			To: smtp.Address{Name: a.Candidate.Name, Email: a.Candidate.Email}, Content: c}); err != nil {
			return err
		}
	}
	return nil
}

// reminderStale says why a reminder should no longer go: the candidate
// submitted, or the deadline moved (its new reminders are queued).
func reminderStale(e outbox.Email, st application.State) string {
	parts := strings.Split(e.Ref, ":")
	if len(parts) != 3 {
		return ""
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	switch {
	case st.Status != application.Invited && st.Status != application.Started:
		return "the candidate has submitted"
	case err == nil && st.Deadline.Unix() != unix:
		return "the deadline has moved since"
	}
	return ""
}
