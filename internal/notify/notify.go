// Package notify decides which emails anyhour sends when something
// happens: the invitation when a candidate is invited, a note to the
// candidate when the team writes to them, a word to the owners when a
// webhook endpoint is turned off, and a team member's link to choose a
// new password. It hooks into the domain
// services and queues each email through package outbox in the
// transaction of the change, so that nothing is sent for a change that
// did not happen and nothing is lost for one that did.
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/assign"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/webhook"
)

// Email kinds, as the outbox records them.
const (
	KindInvitation      = "invitation"
	KindLink            = "link"
	KindMessage         = "message"
	KindWebhookDisabled = "webhook_disabled"
)

// Notifier decides which emails go out when, and writes them; its methods
// are reactions to changes of the other services (package domain).
type Notifier struct {
	accounts     *account.Service
	openings     *opening.Service
	outbox       *outbox.Service
	messages     *message.Service
	applications *application.Service
	assignments  *assign.Service
}

// New returns the Notifier, whose methods package domain registers as
// reactions to the services' changes, and the daily digests, whose ticks
// a worker must run. It sets the outbox's guard and the links of the
// emails about a member's own account.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service, applications *application.Service, messages *message.Service,
	assignments *assign.Service, outbox *outbox.Service) (*Notifier, *Digests) {
	n := &Notifier{accounts: accounts, openings: openings, outbox: outbox, messages: messages, applications: applications, assignments: assignments}
	outbox.SetGuard(n.guard)
	d := newDigests(n, db)
	setAccountLinks(n, d)
	return n, d
}

// MessageCancelled takes back the email of a message sent later that
// the team cancelled.
func (n *Notifier) MessageCancelled(ctx context.Context, tx *sqldb.DB, m message.Message) error {
	return n.outbox.Cancel(ctx, tx, messageRef(m.ID))
}

// WebhookDisabled tells the organisation's owners and admins that an
// endpoint failed for a day and was turned off.
func (n *Notifier) WebhookDisabled(ctx context.Context, tx *sqldb.DB, e webhook.Endpoint) error {
	org, err := n.accounts.Org(ctx, e.OrgID)
	if err != nil {
		return err
	}
	managers, err := n.accounts.Managers(ctx, e.OrgID)
	if err != nil {
		return err
	}
	for _, m := range managers {
		c := outbox.Content{
			OrgName:  org.Name,
			Colour:   org.Colour,
			Subject:  "A webhook endpoint was turned off",
			Greeting: fmt.Sprintf("Hello %s,", m.Name),
			Paragraphs: []string{
				fmt.Sprintf("The webhook endpoint %s was turned off: %s. Events are no longer sent to it.", e.URL, e.DisabledReason),
				"Its delivery log shows what the endpoint answered. Once it works again, turn it back on from the Webhooks page under Settings, and send the deliveries you need again from the log.",
			},
		}
		if _, err := n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: e.OrgID, Kind: KindWebhookDisabled,
			To: smtp.Address{Name: m.Name, Email: m.Email}, Content: c}); err != nil {
			return err
		}
	}
	return nil
}

// Invitation emails a newly invited candidate their link.
func (n *Notifier) Invitation(ctx context.Context, tx *sqldb.DB, _ account.Member, iv opening.Interview, job opening.Job, a application.Application) error {
	org, err := n.accounts.Org(ctx, a.OrgID)
	if err != nil {
		return err
	}
	steps := fmt.Sprintf("%d-step", len(iv.Steps))
	if len(iv.Steps) == 1 {
		steps = "one-step"
	}
	c := outbox.Content{
		OrgName:  org.Name,
		Colour:   org.Colour,
		Subject:  fmt.Sprintf("Your interview for %s at %s", job.Title, org.Name),
		Greeting: fmt.Sprintf("Hello %s,", a.Candidate.FirstName()),
		Paragraphs: []string{
			fmt.Sprintf("%s invites you to a %s interview for the %s role. There is no need to be online at a set time: answer whenever it suits you before %s.",
				org.Name, steps, job.Title, deadline(a.DeadlineAt, org.TimeZone)),
			fmt.Sprintf("It takes about %d minutes. You can stop at any time and come back with the same link, from any device; every answer is saved as you go.", iv.Minutes()),
		},
		Action: &outbox.Action{Label: "Open your interview", URL: outbox.LinkHere},
		After: []string{
			"Questions about the interview? Open it and write to the team from its page; they will answer there.",
			"The link is personal: please do not share it.",
		},
	}
	if _, err := n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: a.OrgID, ApplicationID: a.ID, Kind: KindInvitation,
		To: smtp.Address{Name: a.Candidate.Name, Email: a.Candidate.Email}, Content: c, WithLink: true}); err != nil {
		return err
	}
	return n.remind(ctx, tx, a, org, job)
}

// orgAndJob are the organisation and the job an email about a speaks of.
func (n *Notifier) orgAndJob(ctx context.Context, a application.Application) (account.Org, opening.Job, error) {
	org, err := n.accounts.Org(ctx, a.OrgID)
	if err != nil {
		return org, opening.Job{}, err
	}
	job, err := n.openings.JobInOrg(ctx, a.OrgID, a.JobID)
	return org, job, err
}

// linkGap is how long after emailing a candidate a new link another waits:
// a second click, or a colleague at the same moment, sends no second email.
const linkGap = 5 * time.Minute

// Link emails a candidate a fresh link to their interview, at the team's
// request.
func (n *Notifier) Link(ctx context.Context, tx *sqldb.DB, _ account.Member, a application.Application) error {
	last, err := n.outbox.LastQueued(ctx, tx, a.ID, KindLink)
	if err != nil {
		return err
	}
	if last != nil && time.Now().Sub(*last) < linkGap {
		return apperr.Conflict("a new link was emailed to %s a moment ago; it is on its way", a.TeamName())
	}
	org, job, err := n.orgAndJob(ctx, a)
	if err != nil {
		return err
	}
	para := fmt.Sprintf("The team at %[2]s sent you a new link to your interview for the %[1]s role. Any link you had before still works.", job.Title, org.Name)
	switch {
	case a.SubmittedAt != nil:
	case time.Now().Before(a.DeadlineAt):
		para += fmt.Sprintf(" Your answers are due by %s.", deadline(a.DeadlineAt, a.Zone(org.TimeZone)))
	default:
		para += " The deadline has passed, so answers can no longer be changed; with the link you can still read your status and write to the team."
	}
	c := outbox.Content{
		OrgName:    org.Name,
		Colour:     org.Colour,
		Subject:    fmt.Sprintf("Your link to the %s interview at %s", job.Title, org.Name),
		Greeting:   fmt.Sprintf("Hello %s,", a.Candidate.FirstName()),
		Paragraphs: []string{para},
		Action:     &outbox.Action{Label: "Open your interview", URL: outbox.LinkHere},
		After:      []string{"The link is personal: please do not share it."},
	}
	_, err = n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: a.OrgID, ApplicationID: a.ID, Kind: KindLink,
		To: smtp.Address{Name: a.Candidate.Name, Email: a.Candidate.Email}, Content: c, WithLink: true})
	return err
}

// Message tells the candidate that the team wrote to them, quoting it.
// The candidate's own messages and the team's notes send nothing.
func (n *Notifier) Message(ctx context.Context, tx *sqldb.DB, a application.Application, m message.Message) error {
	if m.Internal || m.FromCandidate() {
		return nil
	}
	org, job, err := n.orgAndJob(ctx, a)
	if err != nil {
		return err
	}
	c := outbox.Content{
		OrgName:    org.Name,
		Colour:     org.Colour,
		Subject:    fmt.Sprintf("A message from %s about the %s role", org.Name, job.Title),
		Greeting:   fmt.Sprintf("Hello %s,", a.Candidate.FirstName()),
		Paragraphs: []string{fmt.Sprintf("%s from %s wrote to you about your interview for the %s role:", m.AuthorName, org.Name, job.Title)},
		Quote:      m.Body,
		Action:     &outbox.Action{Label: "Read and reply", URL: outbox.LinkHere + "?to=messages"},
		After:      []string{"Please reply from your interview page rather than to this email, so that the whole team sees it."},
	}
	d := outbox.Draft{OrgID: a.OrgID, ApplicationID: a.ID, Kind: KindMessage, Ref: messageRef(m.ID),
		To: smtp.Address{Name: a.Candidate.Name, Email: a.Candidate.Email}, Content: c, WithLink: true}
	if m.VisibleAt != nil {
		d.Delay = time.Until(*m.VisibleAt)
	}
	_, err = n.outbox.Queue(ctx, tx, d)
	return err
}

func messageRef(id int64) string { return fmt.Sprintf("message:%d", id) }

// guard stops emails to a candidate who withdrew or whose link was
// revoked after the email was queued: a message scheduled for later, say.
func (n *Notifier) guard(ctx context.Context, e outbox.Email) (string, error) {
	if e.ApplicationID == 0 {
		return "", nil
	}
	st, err := n.applications.StateOf(ctx, e.ApplicationID)
	if err != nil {
		return "", err
	}
	switch {
	case st.Status == application.Withdrawn:
		return "the candidate withdrew", nil
	case st.Revoked:
		return "the candidate's link was revoked", nil
	case e.Kind == KindReminder:
		return reminderStale(e, st), nil
	}
	return "", nil
}

// deadline writes t in the team's zone, naming the zone: the candidate's
// own is not known before they open the link.
func deadline(t time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	return t.In(loc).Format("Monday 2 January 2006, 15:04 MST")
}

// Extension puts a request for more time, and the team's answer, in the
// conversation: the request waits in the team's inbox like any question,
// and the answer reaches the candidate by email like any message.
func (n *Notifier) Extension(ctx context.Context, tx *sqldb.DB, actor *account.Member, a application.Application, e application.Extension) error {
	days := fmt.Sprintf("%d more days", e.Days)
	if e.Days == 1 {
		days = "one more day"
	}
	if a.Status == application.Withdrawn {
		return nil // nothing more is written to a candidate who withdrew
	}
	if actor == nil {
		_, err := n.messages.PostAsCandidateInTx(ctx, tx, a, fmt.Sprintf("I am asking for %s to finish the interview.\n\nReason: %s", days, e.Reason))
		return err
	}
	org, err := n.accounts.Org(ctx, a.OrgID)
	if err != nil {
		return err
	}
	zone := a.Zone(org.TimeZone)
	var body string
	switch e.Status {
	case application.ExtensionApproved:
		body = fmt.Sprintf("Your request for %s is approved: your new deadline is %s.", days, deadline(a.DeadlineAt, zone))
	case application.ExtensionDeclined:
		body = fmt.Sprintf("We are sorry: we cannot give more time on this occasion. Your deadline stays %s.", deadline(a.DeadlineAt, zone))
	case application.ExtensionGranted:
		body = fmt.Sprintf("We have given you %s: your new deadline is %s.", days, deadline(a.DeadlineAt, zone))
		if e.Reason != "" {
			body += "\n\n" + e.Reason
		}
	default:
		return nil
	}
	if _, err := n.messages.PostInTx(ctx, tx, *actor, a, body); err != nil {
		return err
	}
	if e.Status == application.ExtensionApproved || e.Status == application.ExtensionGranted {
		job, err := n.openings.JobInOrg(ctx, a.OrgID, a.JobID)
		if err != nil {
			return err
		}
		return n.remind(ctx, tx, a, org, job)
	}
	return nil
}
