// Package outbox keeps what anyhour emails, to whom, and
// whether it went out. An email is queued in the transaction of the change
// that causes it, and a queue task sends it through an smtp.Sender, with
// retries and backoff while the SMTP server is down. Without a server
// configured, emails are kept, and admins read them on a page.
//
// Sending is at most once: a worker marks an email "sending" before it
// speaks to the server, and a worker that finds an email in that state
// (its predecessor died mid-send) does not send it again but marks it
// "unknown" for an admin to look at. Admins see every unknown email
// (Unknown) and may send one again (Resend), knowing that the recipient
// may then have it twice. Every email has one Message-ID, so that a copy
// sent again can be recognised.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Status is where an email stands.
type Status string

// The statuses of an email.
const (
	Queued  Status = "queued"
	Sending Status = "sending"
	Sent    Status = "sent"
	Unknown Status = "unknown" // a worker died while sending it
	Failed  Status = "failed"
	Kept    Status = "kept" // no SMTP server: kept for admins to read
)

// Email is one email of the outbox.
type Email struct {
	ID            int64
	OrgID         int64
	ApplicationID int64 // 0 if it concerns no application
	Kind          string
	To            smtp.Address
	Subject       string
	Text, HTML    string
	MessageID     string
	Ref           string // what it is about, such as "message:12"
	Status        Status
	Attempts      int
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SentAt        *time.Time
	DismissedAt   *time.Time // set aside by an admin while unknown or failed (Dismiss)
}

// maxAttempts spreads retries over about a day and a half: the backoff
// doubles from 2 s up to an hour between attempts.
const maxAttempts = 40

// TaskSend is the queue task that sends one email.
const TaskSend = "email.send"

// Linker makes a fresh link to an application's candidate pages, for an
// email about to be sent; the outbox package never stores one.
type Linker func(ctx context.Context, appID int64) (string, error)

// Service keeps the outbox and sends it.
type Service struct {
	db       *sqldb.DB
	accounts *account.Service // audits what admins do with emails
	now      func() time.Time
	log      *slog.Logger

	mu     sync.Mutex
	sender smtp.Sender // nil: keep emails for admins
	from   smtp.Address
	host   string // for Message-IDs
	link   Linker
	refs   map[string]RefLinker // by email kind
	guard  Guard

	// afterSend runs after the server accepted an email and before that
	// is recorded; tests use it to stand for a worker that dies there.
	afterSend func()
}

// New returns a Service over db that keeps emails until SetSender.
func New(db *sqldb.DB, accounts *account.Service) *Service {
	return &Service{db: db, accounts: accounts, now: time.Now, log: slog.New(slog.DiscardHandler), host: "anyhour.invalid"}
}

// SetSender makes the service send through sender, from from; host names
// this installation in Message-IDs. A nil sender keeps emails instead.
func (s *Service) SetSender(sender smtp.Sender, from smtp.Address, host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sender, s.from = sender, from
	if host != "" {
		s.host = host
	}
}

// SetLinker gives the service what makes candidates' links at send time.
func (s *Service) SetLinker(l Linker) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.link = l
}

// RefLinker makes, at send time, the link of an email about ref (its
// Draft.Ref), such as a team member's link to reset their password.
type RefLinker func(ctx context.Context, ref string) (string, error)

// SetRefLinker gives the service what makes the links of emails of kind,
// which put LinkFromRef where the link goes.
func (s *Service) SetRefLinker(kind string, l RefLinker) {
	s.mu.Lock()
	defer s.mu.Unlock()
	refs := map[string]RefLinker{kind: l} // a new map: List reads the old one unlocked
	for k, v := range s.refs {
		if k != kind {
			refs[k] = v
		}
	}
	s.refs = refs
}

// Sends reports whether emails go out through a server, rather than
// being kept for admins to read.
func (s *Service) Sends() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sender != nil
}

// SetLogger sets where the service logs sending.
func (s *Service) SetLogger(l *slog.Logger) { s.log = l }

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Draft is an email to queue.
type Draft struct {
	OrgID         int64
	ApplicationID int64 // 0 if none
	Kind          string
	To            smtp.Address
	Content       Content
	// WithLink puts a fresh link to ApplicationID's candidate pages where
	// Content.Action.URL is LinkHere.
	WithLink bool
	Delay    time.Duration // send no sooner than this
	// Ref names what the email is about ("message:12"), for Cancel.
	Ref string
}

// LinkHere, at the start of an Action URL, stands for the candidate's
// link; what follows it (such as "?to=messages") is kept after the link.
const LinkHere = "link:candidate"

// LinkFromRef, as an Action URL, stands for the link that the RefLinker
// of the email's kind makes from its Ref when it is sent.
const LinkFromRef = "link:ref"

// Queue adds d to the outbox in tx and queues its sending in the same
// transaction, so that the email exists if and only if the change that
// caused it does. It returns the email's id.
func (s *Service) Queue(ctx context.Context, tx *sqldb.DB, d Draft) (_ int64, err error) {
	defer apperr.Wrap(&err, "outbox.Queue")
	to, err := smtp.CheckAddress(d.To.Email)
	if err != nil {
		return 0, apperr.Invalid("email", "%q is not an email address", d.To.Email)
	}
	marker := ""
	if d.WithLink {
		marker = "anyhour-link-" + randomHex(12)
	}
	c := d.Content
	for _, link := range []string{LinkHere, LinkFromRef} {
		if c.Action == nil || !strings.HasPrefix(c.Action.URL, link) {
			continue
		}
		if marker == "" {
			return 0, errors.New("email: a link action without WithLink")
		}
		a := *c.Action
		a.URL = marker + strings.TrimPrefix(a.URL, link)
		c.Action = &a
	}
	text, html, err := c.render()
	if err != nil {
		return 0, err
	}
	now := s.now()
	var app any
	if d.ApplicationID != 0 {
		app = d.ApplicationID
	}
	s.mu.Lock()
	host := s.host
	s.mu.Unlock()
	msgID := fmt.Sprintf("%s.%s@%s", d.Kind, randomHex(12), host)
	var id int64
	err = tx.WriteRow(ctx, `INSERT INTO emails (org_id, application_id, kind, to_name, to_email, subject, body_text, body_html,
			link_marker, message_id, status, created_at, updated_at, ref)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $11, $12) RETURNING id`,
		d.OrgID, app, d.Kind, smtp.HeaderText(d.To.Name), to, smtp.HeaderText(c.Subject), text, html, marker, msgID, now, d.Ref).Scan(&id)
	if err != nil {
		return 0, err
	}
	opts := []queue.Option{queue.MaxAttempts(maxAttempts)}
	if d.Delay > 0 {
		opts = append(opts, queue.Delay(d.Delay))
	}
	if _, err := queue.Enqueue(ctx, tx, TaskSend, sendPayload{ID: id}, opts...); err != nil {
		return 0, err
	}
	return id, nil
}

// LastQueued is when an email of kind was last queued about application
// appID, inside tx; nil for never.
func (s *Service) LastQueued(ctx context.Context, tx *sqldb.DB, appID int64, kind string) (_ *time.Time, err error) {
	defer apperr.Wrap(&err, "outbox.LastQueued(%d)", appID)
	var last time.Time
	err = tx.QueryRow(ctx, `SELECT created_at FROM emails WHERE application_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`, appID, kind).Scan(&last)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, nil
	}
	return &last, err
}

// Cancel deletes, in tx, the emails about ref that are still waiting to
// be sent. It fails with ErrConflict if one has already gone, or is going.
func (s *Service) Cancel(ctx context.Context, tx *sqldb.DB, ref string) (err error) {
	defer apperr.Wrap(&err, "outbox.Cancel")
	// Delete first, then look: a worker that took the email in between
	// left it behind, and the caller's transaction rolls back.
	if _, err := tx.Exec(ctx, `DELETE FROM emails WHERE ref = $1 AND status = 'queued'`, ref); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM emails WHERE ref = $1`, ref).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflict("it has already been sent")
	}
	return nil
}

// Guard decides, just before an email goes out, whether it still should:
// it returns why not, or "" to send. Package notify refuses emails to
// candidates who withdrew or whose link was revoked in the meantime.
type Guard func(ctx context.Context, e Email) (why string, err error)

// SetGuard sets the guard; call it while wiring.
func (s *Service) SetGuard(g Guard) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guard = g
}

type sendPayload struct {
	ID int64 `json:"email_id"`
}

// RegisterTasks adds the sending of emails to w.
func (s *Service) RegisterTasks(w *queue.Worker) { w.Handle(TaskSend, s.handleSend) }

func (s *Service) handleSend(ctx context.Context, t queue.Task) error {
	var p sendPayload
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	e, marker, err := s.load(ctx, p.ID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil // gone with its organisation
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	sender, from, link, guard := s.sender, s.from, s.link, s.guard
	if l, ok := s.refs[e.Kind]; ok {
		link = func(ctx context.Context, _ int64) (string, error) { return l(ctx, e.Ref) }
	}
	s.mu.Unlock()

	switch e.Status {
	case Sent, Unknown, Failed, Kept:
		return nil // done before: a queue retry must not send again
	case Sending:
		// A worker began sending it and died before recording the end: the
		// server may have it. Never risk sending twice.
		return s.mark(ctx, e.ID, Sending, Unknown, "a worker stopped while sending this email; it may or may not have gone out, so it was not sent again")
	}
	if guard != nil {
		why, err := guard(ctx, e)
		if err != nil {
			return err
		}
		if why != "" {
			return s.mark(ctx, e.ID, Queued, Failed, "not sent: "+why)
		}
	}
	if sender == nil {
		return s.mark(ctx, e.ID, Queued, Kept, "no SMTP server is configured (ANYHOUR_SMTP_URL)")
	}
	if marker != "" {
		if link == nil {
			return errors.New("email: no linker to make the candidate's link")
		}
		url, err := link(ctx, e.ApplicationID)
		if err != nil {
			if errors.Is(err, apperr.ErrNotFound) || errors.Is(err, apperr.ErrConflict) {
				return s.mark(ctx, e.ID, Queued, Failed, "its link could not be made: "+apperr.Message(err))
			}
			return err
		}
		e.Text = strings.ReplaceAll(e.Text, marker, url)
		e.HTML = strings.ReplaceAll(e.HTML, marker, url)
	}
	// Claim the email: only one worker may go on, and from here a death
	// leaves it "sending".
	if err := s.mark(ctx, e.ID, Queued, Sending, ""); err != nil {
		return err
	}
	err = sender.Send(ctx, smtp.Message{From: from, To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML,
		MessageID: e.MessageID, Date: s.now()})
	if err != nil {
		status := Queued
		if t.Attempt >= t.MaxAttempts {
			status = Failed
		}
		if merr := s.mark(ctx, e.ID, Sending, status, err.Error()); merr != nil {
			return errors.Join(err, merr)
		}
		s.log.Warn("email not sent", slog.Int64("email_id", e.ID), slog.String("kind", e.Kind), slog.Int("attempt", t.Attempt), slog.String("error", err.Error()))
		return err
	}
	if s.afterSend != nil {
		s.afterSend()
	}
	if err := s.recordSent(ctx, e.ID); err != nil {
		return fmt.Errorf("email %d was sent but recording it failed: %w", e.ID, err)
	}
	s.log.Info("email sent", slog.Int64("email_id", e.ID), slog.String("kind", e.Kind))
	return nil
}

// recordSent records that the server took email id. It has, so a passing
// fault of the database must not leave the email "sending": the write is
// tried again every second for as long as the task's lease holds (ctx).
// If the lease is lost first, the error is not permanent: the task's next
// attempt finds the email "sending" and marks it unknown for an admin.
func (s *Service) recordSent(ctx context.Context, id int64) error {
	for {
		err := s.mark(ctx, id, Sending, Sent, "")
		if err == nil || errors.Is(err, errMoved) {
			return err
		}
		s.log.Warn("email sent, but recording it failed; trying again", slog.Int64("email_id", id), slog.String("error", err.Error()))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
}

// errMoved is why mark fails when the email was no longer in the status
// it was to move from: another worker moved it.
var errMoved = errors.New("moved by another worker")

// mark moves an email from one status to another; it fails if the email
// was not in from (another worker moved it).
func (s *Service) mark(ctx context.Context, id int64, from, to Status, lastError string) error {
	now := s.now()
	q := `UPDATE emails SET status = $1, last_error = $2, updated_at = $3`
	if from == Queued && to == Sending {
		q += `, attempts = attempts + 1`
	}
	if to == Sent {
		q += `, sent_at = $3`
	}
	res, err := s.db.Exec(ctx, q+` WHERE id = $4 AND status = $5`, to, lastError, now, id, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return queue.Permanent(fmt.Errorf("email %d is no longer %s: %w", id, from, errMoved))
	}
	return nil
}

const columns = `id, org_id, COALESCE(application_id, 0), kind, to_name, to_email, subject, body_text, body_html,
	message_id, ref, status, attempts, last_error, created_at, updated_at, sent_at, dismissed_at`

type scanner interface{ Scan(...any) error }

func scan(row scanner, extra ...any) (Email, error) {
	var e Email
	dest := append([]any{&e.ID, &e.OrgID, &e.ApplicationID, &e.Kind, &e.To.Name, &e.To.Email, &e.Subject, &e.Text, &e.HTML,
		&e.MessageID, &e.Ref, &e.Status, &e.Attempts, &e.LastError, &e.CreatedAt, &e.UpdatedAt, &e.SentAt, &e.DismissedAt}, extra...)
	return e, row.Scan(dest...)
}

func (s *Service) load(ctx context.Context, id int64) (Email, string, error) {
	var marker string
	e, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+`, link_marker FROM emails WHERE id = $1`, id), &marker)
	return e, marker, err
}

// MaxList is the most emails List returns.
const MaxList = 200

// hiddenSQL is, for each email, the number of the candidate it went to
// when their job is reviewed blind and they are not revealed, else 0:
// admins read that such an email went, not to whom or what it said
// (package application's blind review).
const hiddenSQL = `COALESCE((SELECT a.candidate_number FROM applications a JOIN candidates c ON c.id = a.candidate_id
	WHERE a.id = emails.application_id AND a.blind AND c.email = emails.to_email), 0)`

// List returns the organisation's latest emails, newest first, for its
// admins. Bodies of emails that carried a candidate's link show where the
// link went, never a link.
func (s *Service) List(ctx context.Context, actor account.Member) (_ []Email, err error) {
	defer apperr.Wrap(&err, "outbox.List")
	if !CanManage(actor) {
		return nil, errForbidden
	}
	return s.listWhere(ctx, `WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, actor.OrgID, MaxList)
}

// CanManage reports whether m may read the organisation's emails and
// send one again: owners and admins. It is the one place where the
// outbox's permission lives; pages ask it before offering either.
func CanManage(m account.Member) bool { return m.Can(account.ManageOrg) }

// errForbidden refuses the outbox to the roles CanManage refuses.
var errForbidden = apperr.Forbidden("your role cannot read or send again the organisation's emails")

// listWhere reads the emails that where (a WHERE clause and what follows)
// selects, as admins may read them.
func (s *Service) listWhere(ctx context.Context, where string, args ...any) ([]Email, error) {
	rows, err := s.db.Query(ctx, `SELECT `+columns+`, link_marker, `+hiddenSQL+` FROM emails `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s.mu.Lock()
	refs := s.refs
	s.mu.Unlock()
	out := []Email{}
	for rows.Next() {
		var marker string
		var hidden int
		e, err := scan(rows, &marker, &hidden)
		if err != nil {
			return nil, err
		}
		out = append(out, redact(e, marker, hidden, refs))
	}
	return out, rows.Err()
}

// redact makes e fit for admins to read: no usable link, and nothing of a
// candidate whose job is reviewed blind (hidden is their number, or 0).
func redact(e Email, marker string, hidden int, refs map[string]RefLinker) Email {
	if hidden > 0 {
		name := fmt.Sprintf("Candidate %d", hidden)
		if e.To.Email != "" { // a server's refusal may quote the address
			e.LastError = regexp.MustCompile("(?i)"+regexp.QuoteMeta(e.To.Email)).ReplaceAllLiteralString(e.LastError, name)
		}
		e.To = smtp.Address{Name: name}
		e.Text = "[To a candidate of a job reviewed blind: the address and the message stay hidden until the candidate is revealed.]"
		e.HTML, marker = "", ""
	}
	if marker != "" {
		what := "[the candidate's personal link, made when sent]"
		if _, ok := refs[e.Kind]; ok {
			what = "[a personal link, made when sent]"
		}
		e.Text = strings.ReplaceAll(e.Text, marker, what)
		e.HTML = strings.ReplaceAll(e.HTML, marker, "#")
	}
	return e
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
