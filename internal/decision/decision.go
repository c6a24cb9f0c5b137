// Package decision records what the team decided about an application
// (advance, reject or hold) and tells the candidate: the message, written
// from a template with the candidate's and the job's names, goes into the
// conversation (and so by email), optionally with feedback built from the
// reviews' ratings and the team's own words. The candidate's status page
// shows the decision. One decision or many at once; a preview shows each
// message before anything is sent.
package decision

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Outcome is what was decided.
type Outcome string

// The outcomes.
const (
	Advance Outcome = "advance"
	Reject  Outcome = "reject"
	Hold    Outcome = "hold"
)

// Outcomes lists the outcomes in the order pages offer them.
var Outcomes = []Outcome{Advance, Hold, Reject}

// Valid reports whether o is an outcome.
func (o Outcome) Valid() bool { return o == Advance || o == Reject || o == Hold }

// Label is the outcome for the team.
func (o Outcome) Label() string {
	switch o {
	case Advance:
		return "Advance"
	case Reject:
		return "Reject"
	case Hold:
		return "Hold"
	}
	return string(o)
}

// Done is the outcome as a list names an application decided so:
// "Advanced", "On hold", "Rejected".
func (o Outcome) Done() string {
	switch o {
	case Advance:
		return "Advanced"
	case Reject:
		return "Rejected"
	case Hold:
		return "On hold"
	}
	return string(o)
}

// ForCandidate is the outcome as the candidate's status page names it.
func (o Outcome) ForCandidate() string {
	switch o {
	case Advance:
		return "The team would like to go further with you"
	case Reject:
		return "The team decided not to go further"
	case Hold:
		return "Your application is on hold"
	}
	return string(o)
}

// CandidateWord is the outcome as the candidate's status line says it.
func (o Outcome) CandidateWord() string {
	switch o {
	case Advance:
		return "Going further"
	case Reject:
		return "Not going further"
	case Hold:
		return "On hold"
	}
	return string(o)
}

// Templates are the standard messages each outcome starts with, until a
// job has its own (SaveJobTemplate); the team edits them before sending.
// Placeholders in square brackets are filled in for each candidate.
var Templates = map[Outcome]string{
	Advance: "Hello [first name],\n\nThank you for your answers for the [job title] role. We enjoyed them and would like to go further with you: we will write shortly with the next step.\n\n[company]",
	Hold:    "Hello [first name],\n\nThank you for your answers for the [job title] role. We have not decided yet: we are still meeting other candidates and will write again within two weeks.\n\n[company]",
	Reject:  "Hello [first name],\n\nThank you for the time you gave to the [job title] interview. We have decided not to go further with your application this time. We know that is disappointing, and we are grateful for your answers.\n\n[company]",
}

// Placeholder is a name in square brackets that a message may use.
type Placeholder struct {
	Text  string // as written: "[first name]"
	Label string // what it becomes
	field string
}

// Placeholders are the names a message may use, in the order the form
// offers them.
var Placeholders = []Placeholder{
	{"[first name]", "the candidate's first name", ".Candidate.FirstName"},
	{"[full name]", "the candidate's full name", ".Candidate.Name"},
	{"[job title]", "the job's title", ".Job.Title"},
	{"[interview]", "the interview's title", ".Interview.Title"},
	{"[company]", "your organisation's name", ".Org.Name"},
}

// Reasons are the reasons the decision form suggests for the team's
// records; the team may write its own.
var Reasons = map[Outcome][]string{
	Advance: {"Strong answers", "Skills match the role", "Experience", "Communication"},
	Hold:    {"Waiting for other candidates", "Role on hold", "Needs another opinion"},
	Reject:  {"Skills gap", "Experience level", "Answers incomplete", "Role filled", "Location or timing"},
}

// Decision is one decision on an application.
type Decision struct {
	ID            int64
	ApplicationID int64
	Outcome       Outcome
	Message       string // as sent
	Feedback      string // as given; empty for none
	Reason        string // for the team's records; never sent
	DecidedBy     string // the member's name
	CreatedAt     time.Time
	// VisibleAt is when the candidate learns of it, for a message sent
	// later; nil when at once.
	VisibleAt *time.Time
	MessageID int64 // the message that told, or tells, the candidate
}

// Pending reports whether the candidate has yet to learn of d at now.
func (d Decision) Pending(now time.Time) bool { return d.VisibleAt != nil && d.VisibleAt.After(now) }

// Input is a decision as the team asks for it.
type Input struct {
	Outcome  Outcome
	Template string // the message, with fields
	// Ratings adds the reviews' average rating of each answer to the
	// feedback; Feedback is the team's own words. Both may be empty.
	Ratings  bool
	Feedback string
	Reason   string // for the team's records; never sent
	// SendAt sends the message, and lets the candidate learn of the
	// decision, later; nil sends it at once.
	SendAt *time.Time
	// SaveForJob keeps Template as the job's message for this outcome,
	// when every application is of one job.
	SaveForJob bool
}

// Limits.
const (
	MaxTemplate = 10_000
	MaxFeedback = 5_000
	MaxReason   = 200
	MaxBatch    = 200
)

// Preview is the message and feedback one candidate would get.
type Preview struct {
	Application application.Application
	Message     string
	Feedback    string
}

// Service records decisions.
type Service struct {
	db           *sqldb.DB
	accounts     *account.Service
	openings     *opening.Service
	applications *application.Service
	reviews      *review.Service
	messages     *message.Service
	now          func() time.Time
	hooks        []Hook
}

// Hook is work another package does with a decision, in its transaction:
// package webhook emits decision.made.
type Hook func(ctx context.Context, tx *sqldb.DB, a application.Application, d Decision) error

// New returns a Service over db.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service, applications *application.Service, reviews *review.Service, messages *message.Service) *Service {
	return &Service{db: db, accounts: accounts, openings: openings, applications: applications, reviews: reviews, messages: messages, now: time.Now}
}

// MessageCancelled goes back on a decision whose message, sent later, the
// team cancelled before it went: the candidate never learns of it, and the
// application is as it was before it (application.Service.Undecide).
func (s *Service) MessageCancelled(ctx context.Context, tx *sqldb.DB, m message.Message) (err error) {
	defer apperr.Wrap(&err, "decision.MessageCancelled")
	var appID int64
	err = tx.QueryRow(ctx, `SELECT application_id FROM decisions WHERE message_id = $1`, m.ID).Scan(&appID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM decisions WHERE message_id = $1`, m.ID); err != nil {
		return err
	}
	var before Outcome
	err = tx.QueryRow(ctx, `SELECT outcome FROM decisions WHERE application_id = $1 ORDER BY id DESC LIMIT 1`, appID).Scan(&before)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return err
	}
	return s.applications.Undecide(ctx, tx, appID, string(before))
}

// OnDecide adds a hook to Decide. Call it while wiring.
func (s *Service) OnDecide(h Hook) { s.hooks = append(s.hooks, h) }

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

var (
	templateField = plaintext.Field{Name: "template", Label: "the message", Max: MaxTemplate, Required: true, Multiline: true}
	feedbackField = plaintext.Field{Name: "feedback", Label: "the feedback", Max: MaxFeedback, Multiline: true}
	reasonField   = plaintext.Field{Name: "reason", Label: "the reason", Max: MaxReason}
)

// check validates in and parses its template.
func check(actor account.Member, in Input) (template, Input, error) {
	if !actor.Can(account.MessageCandidates) || !actor.Can(account.ManageJobs) {
		return nil, in, apperr.Forbidden("your role cannot decide on applications")
	}
	if !in.Outcome.Valid() {
		return nil, in, apperr.Invalid("outcome", "choose advance, hold or reject")
	}
	var err error
	if in.Template, err = templateField.Check(in.Template); err != nil {
		return nil, in, err
	}
	if in.Feedback, err = feedbackField.Check(in.Feedback); err != nil {
		return nil, in, err
	}
	if in.Reason, err = reasonField.Check(in.Reason); err != nil {
		return nil, in, err
	}
	t, err := parseTemplate(in.Template)
	if err != nil {
		return nil, in, err
	}
	return t, in, nil
}

// template is a message split into text and fields. Templates are typed
// by the team and run on the server, so they are not Go templates (which
// can loop and pad without bound): only the Placeholders are understood,
// and each is replaced by a name of at most a couple of hundred
// characters. Messages saved before placeholders were written in square
// brackets used {{.Candidate.FirstName}} and the like, which still work.
type template []part

type part struct {
	text  string
	field string // a Placeholder's field, or "" for text
}

// placeholder matches [a name] of one to four words, and the older
// {{.Field}}.
var placeholder = regexp.MustCompile(`\[\s*([A-Za-z]+(?:[ \t]+[A-Za-z]+){0,3})\s*\]|\{\{-?\s*(.*?)\s*-?\}\}`)

func parseTemplate(src string) (template, error) {
	var t template
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(src, -1) {
		var field string
		if m[2] >= 0 {
			name := "[" + strings.ToLower(strings.Join(strings.Fields(src[m[2]:m[3]]), " ")) + "]"
			i := slices.IndexFunc(Placeholders, func(p Placeholder) bool { return p.Text == name })
			if i < 0 {
				return nil, apperr.Invalid("template", "the message has %s, which is not a placeholder; use %s, or write it without square brackets", src[m[0]:m[1]], placeholderList())
			}
			field = Placeholders[i].field
		} else {
			name := src[m[4]:m[5]]
			i := slices.IndexFunc(Placeholders, func(p Placeholder) bool { return p.field == name })
			if i < 0 {
				return nil, apperr.Invalid("template", "the message has {{%s}}, which is not a placeholder; use %s", name, placeholderList())
			}
			field = Placeholders[i].field
		}
		t = append(t, part{text: src[last:m[0]]}, part{field: field})
		last = m[1]
	}
	rest := src[last:]
	if strings.Contains(rest, "{{") {
		return nil, apperr.Invalid("template", "the message has a {{ that is not closed; write placeholders in square brackets, such as [first name]")
	}
	return append(t, part{text: rest}), nil
}

func placeholderList() string {
	var names []string
	for _, p := range Placeholders {
		names = append(names, p.Text)
	}
	return strings.Join(names, ", ")
}

// execute fills the fields.
// names reports whether t names the candidate.
func (t template) names() bool {
	return slices.ContainsFunc(t, func(p part) bool { return p.field == ".Candidate.FirstName" || p.field == ".Candidate.Name" })
}

func (t template) execute(values map[string]string) string {
	var b strings.Builder
	for _, p := range t {
		if p.field == "" {
			b.WriteString(p.text)
		} else {
			b.WriteString(values[p.field])
		}
	}
	return b.String()
}

// Preview renders, for each application, what its candidate would get.
// Nothing is saved or sent.
func (s *Service) Preview(ctx context.Context, actor account.Member, appIDs []int64, in Input) (_ []Preview, err error) {
	defer apperr.Wrap(&err, "decision.Preview")
	t, in, err := check(actor, in)
	if err != nil {
		return nil, err
	}
	if len(appIDs) == 0 || len(appIDs) > MaxBatch {
		return nil, apperr.Invalid("applications", "choose between 1 and %d applications", MaxBatch)
	}
	var out []Preview
	for _, id := range appIDs {
		a, err := s.applications.Application(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		p, err := s.render(ctx, actor, t, in, a)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *Service) render(ctx context.Context, actor account.Member, t template, in Input, a application.Application) (Preview, error) {
	org, err := s.accounts.Org(ctx, actor.OrgID)
	if err != nil {
		return Preview{}, err
	}
	job, err := s.openings.JobInOrg(ctx, actor.OrgID, a.JobID)
	if err != nil {
		return Preview{}, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, actor.OrgID, a.InterviewID)
	if err != nil {
		return Preview{}, err
	}
	if a.Blind && t.names() {
		return Preview{}, apperr.Invalid("template", "%s is reviewed blind, so a message cannot name them: reveal them first (once the reviews are in), or take [first name] and [full name] out of the message", a.TeamName())
	}
	msg := t.execute(map[string]string{".Candidate.FirstName": a.Candidate.FirstName(), ".Candidate.Name": a.Candidate.Name,
		".Job.Title": job.Title, ".Interview.Title": iv.Title, ".Org.Name": org.Name})
	p := Preview{Application: a, Message: strings.TrimSpace(msg)}
	var parts []string
	if in.Ratings {
		avg, err := s.reviews.StepAverages(ctx, a.ID)
		if err != nil {
			return p, err
		}
		var lines []string
		for _, st := range iv.Steps {
			if v, ok := avg[st.ID]; ok {
				lines = append(lines, fmt.Sprintf("- %s: %.1f out of 5", st.Title, v))
			}
		}
		if len(lines) > 0 {
			parts = append(parts, "How the team rated your answers:\n"+strings.Join(lines, "\n"))
		}
	}
	if in.Feedback != "" {
		parts = append(parts, in.Feedback)
	}
	p.Feedback = strings.Join(parts, "\n\n")
	if n := utf8.RuneCountInString(p.body()); n > message.MaxBody {
		return p, apperr.Invalid("template", "for %s the message with its feedback comes to %d characters; the most a message holds is %d", a.TeamName(), n, message.MaxBody)
	}
	return p, nil
}

// body is what the candidate is sent: the message, then the feedback.
func (p Preview) body() string {
	if p.Feedback == "" {
		return p.Message
	}
	return p.Message + "\n\nFeedback\n\n" + p.Feedback
}

// Problem is an application a batch could not decide on, and why.
type Problem struct {
	ApplicationID int64
	Candidate     string
	Reason        string
}

// Decide records the decision for each application, moves it to decided
// and sends its candidate the message (with the feedback) through the
// conversation, each application in its own transaction. Applications
// that cannot be decided (not submitted, another organisation's) are
// reported and the rest go ahead.
func (s *Service) Decide(ctx context.Context, actor account.Member, appIDs []int64, in Input) (_ []Decision, _ []Problem, err error) {
	defer apperr.Wrap(&err, "decision.Decide")
	t, in, err := check(actor, in)
	if err != nil {
		return nil, nil, err
	}
	if len(appIDs) == 0 || len(appIDs) > MaxBatch {
		return nil, nil, apperr.Invalid("applications", "choose between 1 and %d applications", MaxBatch)
	}
	var done []Decision
	var problems []Problem
	for _, id := range appIDs {
		d, err := s.decideOne(ctx, actor, t, in, id)
		var ae *apperr.Error
		switch {
		case err == nil:
			done = append(done, d)
		case errors.As(err, &ae) && !errors.Is(err, apperr.ErrForbidden):
			name := fmt.Sprintf("application %d", id)
			if a, err := s.applications.Application(ctx, actor, id); err == nil {
				name = a.Candidate.Name
			}
			problems = append(problems, Problem{ApplicationID: id, Candidate: name, Reason: apperr.Message(err)})
		default:
			return done, problems, err
		}
	}
	return done, problems, nil
}

func (s *Service) decideOne(ctx context.Context, actor account.Member, t template, in Input, appID int64) (Decision, error) {
	a, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return Decision{}, err
	}
	p, err := s.render(ctx, actor, t, in, a)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{ApplicationID: a.ID, Outcome: in.Outcome, Message: p.Message, Feedback: p.Feedback, Reason: in.Reason,
		DecidedBy: actor.Name, CreatedAt: s.now(), VisibleAt: in.SendAt}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// A decision whose message has not gone yet is replaced: its
		// message is cancelled, so the candidate hears only this one.
		var pending int64
		err := tx.QueryRow(ctx, `SELECT COALESCE(message_id, 0) FROM decisions WHERE application_id = $1 AND visible_at > $2
			ORDER BY id DESC LIMIT 1`, a.ID, s.now()).Scan(&pending)
		if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
			return err
		}
		if pending != 0 {
			if _, err := s.messages.CancelInTx(ctx, tx, a.OrgID, pending); err != nil {
				return err
			}
		}
		a, err := s.applications.MarkDecided(ctx, tx, actor, a.ID, string(in.Outcome))
		if err != nil {
			return err
		}
		// The same decision sent twice in a row (a double click, two
		// tabs) is sent once.
		var last Decision
		err = tx.QueryRow(ctx, `SELECT `+decisionColumns+` FROM decisions
			WHERE application_id = $1 ORDER BY id DESC LIMIT 1`, a.ID).Scan(last.fields()...)
		if err == nil && last.Outcome == d.Outcome && last.Message == d.Message && last.Feedback == d.Feedback && last.Reason == d.Reason &&
			sameTime(last.VisibleAt, d.VisibleAt) && d.CreatedAt.Sub(last.CreatedAt) < 10*time.Minute {
			last.ApplicationID = a.ID
			d = last
			return nil
		}
		if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
			return err
		}
		if err := tx.WriteRow(ctx, `INSERT INTO decisions (org_id, application_id, outcome, message, feedback, reason, decided_by, decided_by_name, created_at, visible_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			a.OrgID, a.ID, d.Outcome, d.Message, d.Feedback, d.Reason, actor.ID, actor.Name, d.CreatedAt, d.VisibleAt).Scan(&d.ID); err != nil {
			return err
		}
		var told message.Message
		if d.VisibleAt != nil {
			told, err = s.messages.ScheduleInTx(ctx, tx, actor, a, p.body(), *d.VisibleAt)
		} else {
			told, err = s.messages.PostInTx(ctx, tx, actor, a, p.body())
		}
		if err != nil {
			return err
		}
		d.MessageID = told.ID
		if _, err := tx.Exec(ctx, `UPDATE decisions SET message_id = $1 WHERE id = $2`, told.ID, d.ID); err != nil {
			return err
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, a, d); err != nil {
				return err
			}
		}
		return s.accounts.Audit(ctx, tx, actor, "application.decide", a.AuditTarget(), d.Outcome.Label(), "")
	})
	return d, err
}

const decisionColumns = `id, application_id, outcome, message, feedback, reason, decided_by_name, created_at, visible_at, COALESCE(message_id, 0)`

func (d *Decision) fields() []any {
	return []any{&d.ID, &d.ApplicationID, &d.Outcome, &d.Message, &d.Feedback, &d.Reason, &d.DecidedBy, &d.CreatedAt, &d.VisibleAt, &d.MessageID}
}

// sameTime reports whether two times to send, nil for at once, are one.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// Latest is an application's latest decision, or nil. Callers check that
// the application is the reader's.
func (s *Service) Latest(ctx context.Context, appID int64) (_ *Decision, err error) {
	defer apperr.Wrap(&err, "decision.Latest(%d)", appID)
	var d Decision
	err = s.db.QueryRow(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE application_id = $1 ORDER BY id DESC LIMIT 1`, appID).Scan(d.fields()...)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, nil
	}
	return &d, err
}

// ForCandidate is the latest decision the candidate has learnt of: one
// whose message is sent later stays the team's until then.
func (s *Service) ForCandidate(ctx context.Context, appID int64) (_ *Decision, err error) {
	defer apperr.Wrap(&err, "decision.ForCandidate(%d)", appID)
	var d Decision
	err = s.db.QueryRow(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE application_id = $1 AND (visible_at IS NULL OR visible_at <= $2)
		ORDER BY id DESC LIMIT 1`, appID, s.now()).Scan(d.fields()...)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, nil
	}
	return &d, err
}

// JobTemplate is the message job jobID starts with for outcome o: the
// one the team saved for it, or the standard one (saved is false).
func (s *Service) JobTemplate(ctx context.Context, actor account.Member, jobID int64, o Outcome) (body string, saved bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT body FROM decision_templates WHERE job_id = $1 AND org_id = $2 AND outcome = $3`, jobID, actor.OrgID, o).Scan(&body)
	if errors.Is(err, sqldb.ErrNotFound) {
		return Templates[o], false, nil
	}
	return body, err == nil, err
}

// SaveJobTemplate keeps in.Template as job jobID's message for
// in.Outcome, for the next decisions on the job's candidates.
func (s *Service) SaveJobTemplate(ctx context.Context, actor account.Member, jobID int64, in Input) (err error) {
	defer apperr.Wrap(&err, "decision.SaveJobTemplate(%d)", jobID)
	_, in, err = check(actor, in)
	if err != nil {
		return err
	}
	if _, err := s.openings.Job(ctx, actor, jobID); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `INSERT INTO decision_templates (org_id, job_id, outcome, body, updated_by_name, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (job_id, outcome) DO UPDATE SET body = excluded.body, updated_by_name = excluded.updated_by_name, updated_at = excluded.updated_at`,
			actor.OrgID, jobID, in.Outcome, in.Template, actor.Name, s.now()); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "job.decision_message", fmt.Sprintf("job %d", jobID), in.Outcome.Label(), "")
	})
}

// Waiting lists actor's organisation's applications submitted at least
// olderThan ago and still without a decision, the longest waiting first.
func (s *Service) Waiting(ctx context.Context, actor account.Member, olderThan time.Duration) (_ []application.Application, err error) {
	defer apperr.Wrap(&err, "decision.Waiting")
	if !actor.Can(account.ViewApplications) {
		return nil, apperr.Forbidden("your role cannot read applications")
	}
	return s.applications.SubmittedBefore(ctx, actor, s.now().Add(-olderThan), MaxBatch)
}
