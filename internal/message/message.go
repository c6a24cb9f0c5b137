// Package message owns the conversation between a hiring team and each
// candidate: one thread per application, the team's internal notes beside
// it, and "seen" receipts both ways. Who may do what is decided here, in
// one place: candidates read and write their own thread and never see an
// internal note; team members with ViewApplications read threads and
// write notes; MessageCandidates is needed to write to the candidate.
package message

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// MaxBody is the longest message accepted, in characters.
const MaxBody = 10_000

// Message is one message of a thread.
type Message struct {
	ID            int64
	ApplicationID int64
	MemberID      int64 // 0 for the candidate's messages
	AuthorName    string
	Internal      bool // a note only the team sees
	Body          string
	CreatedAt     time.Time
	// SeenAt is when the other side first read the message: a team member
	// for the candidate's messages, the candidate for the team's. Internal
	// notes have none.
	SeenAt *time.Time
	// VisibleAt is when a message sent later reaches the candidate; nil
	// for one sent at once.
	VisibleAt   *time.Time
	Attachments []Attachment
}

// SentAt is when m reached the other side: when a message sent later
// was due, or when it was written.
func (m Message) SentAt() time.Time {
	if m.VisibleAt != nil {
		return *m.VisibleAt
	}
	return m.CreatedAt
}

// Scheduled reports whether m waits to be sent at now.
func (m Message) Scheduled(now time.Time) bool { return m.VisibleAt != nil && m.VisibleAt.After(now) }

// FromCandidate reports whether the candidate wrote m.
func (m Message) FromCandidate() bool { return m.MemberID == 0 }

// Service runs the conversation.
type Service struct {
	db           *sqldb.DB
	blobs        blob.Store
	accounts     *account.Service
	applications *application.Service
	now          func() time.Time
	posted       []func(ctx context.Context, tx *sqldb.DB, a application.Application, m Message) error
	cancelled    []func(ctx context.Context, tx *sqldb.DB, m Message) error
}

// OnCancel adds fn to what runs, in the same transaction, when a message
// sent later is cancelled: the email queued for it goes too.
func (s *Service) OnCancel(fn func(ctx context.Context, tx *sqldb.DB, m Message) error) {
	s.cancelled = append(s.cancelled, fn)
}

// New returns a Service over db, keeping attachments in blobs.
func New(db *sqldb.DB, blobs blob.Store, accounts *account.Service, applications *application.Service) *Service {
	return &Service{db: db, blobs: blobs, accounts: accounts, applications: applications, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// OnPost adds fn to what runs, in the same transaction, whenever a message
// is posted: emails and webhooks queue their work there, so that a
// message is never saved without them nor they sent without it.
func (s *Service) OnPost(fn func(ctx context.Context, tx *sqldb.DB, a application.Application, m Message) error) {
	s.posted = append(s.posted, fn)
}

var bodyField = plaintext.Field{Name: "body", Label: "the message", Max: MaxBody, Required: true, Multiline: true}

// Post adds a team member's message to an application's thread: to the
// candidate, or, with internal, a note for the team alone.
func (s *Service) Post(ctx context.Context, actor account.Member, appID int64, body string, internal bool) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.Post(%d)", appID)
	return s.PostFiles(ctx, actor, appID, body, internal, nil)
}

// PostFiles is Post with files attached.
func (s *Service) PostFiles(ctx context.Context, actor account.Member, appID int64, body string, internal bool, files []File) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.PostFiles(%d)", appID)
	a, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return Message{}, err
	}
	if !internal {
		if !actor.Can(account.MessageCandidates) {
			return Message{}, apperr.Forbidden("your role cannot write to candidates; write an internal note instead")
		}
		if a.Status == application.Withdrawn {
			return Message{}, apperr.Conflict("the candidate withdrew from this interview; write an internal note instead")
		}
	}
	m := Message{ApplicationID: a.ID, MemberID: actor.ID, AuthorName: actor.Name, Internal: internal}
	return m, s.insertFiles(ctx, a, &m, body, files, nil)
}

// MaxSchedule is how far ahead a message may be scheduled.
const MaxSchedule = 90 * 24 * time.Hour

// Schedule adds a team member's message to the candidate that reaches
// them at at: until then they cannot read it and no email goes, and the
// team can cancel it.
func (s *Service) Schedule(ctx context.Context, actor account.Member, appID int64, body string, at time.Time, files ...File) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.Schedule(%d)", appID)
	now := s.now()
	if !at.After(now) {
		return Message{}, apperr.Invalid("send_at", "choose a time in the future to send it")
	}
	if at.Sub(now) > MaxSchedule {
		return Message{}, apperr.Invalid("send_at", "a message can be scheduled at most 90 days ahead")
	}
	a, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return Message{}, err
	}
	if !actor.Can(account.MessageCandidates) {
		return Message{}, apperr.Forbidden("your role cannot write to candidates; write an internal note instead")
	}
	if a.Status == application.Withdrawn {
		return Message{}, apperr.Conflict("the candidate withdrew from this interview; write an internal note instead")
	}
	m := Message{ApplicationID: a.ID, MemberID: actor.ID, AuthorName: actor.Name, VisibleAt: &at}
	return m, s.insertFiles(ctx, a, &m, body, files, nil)
}

// Cancel withdraws a message scheduled for later that has not reached the
// candidate yet.
func (s *Service) Cancel(ctx context.Context, actor account.Member, msgID int64) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.Cancel(%d)", msgID)
	if !actor.Can(account.MessageCandidates) {
		return Message{}, apperr.Forbidden("your role cannot write to candidates")
	}
	var m Message
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		m, err = s.CancelInTx(ctx, tx, actor.OrgID, msgID)
		return err
	})
	return m, err
}

// CancelInTx is Cancel inside tx, for organisation orgID, for a change
// that withdraws a message of its own (a new decision replacing one
// whose message has not gone yet). The caller has checked permissions.
func (s *Service) CancelInTx(ctx context.Context, tx *sqldb.DB, orgID, msgID int64) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.CancelInTx(%d)", msgID)
	var m Message
	err = func() error {
		err := tx.QueryRow(ctx, `SELECT id, application_id, COALESCE(member_id, 0), author_name, internal, body, created_at, seen_at, visible_at
			FROM messages WHERE id = $1 AND org_id = $2`, msgID, orgID).
			Scan(&m.ID, &m.ApplicationID, &m.MemberID, &m.AuthorName, &m.Internal, &m.Body, &m.CreatedAt, &m.SeenAt, &m.VisibleAt)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("message")
		}
		if err != nil {
			return err
		}
		if !m.Scheduled(s.now()) {
			return apperr.Conflict("the message has already reached the candidate")
		}
		one := []Message{m}
		if err := s.attach(ctx, m.ApplicationID, one); err != nil {
			return err
		}
		keys := one[0].Attachments
		if _, err := tx.Exec(ctx, `DELETE FROM message_attachments WHERE message_id = $1`, m.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM messages WHERE id = $1`, m.ID); err != nil {
			return err
		}
		// The candidate waits again for the answer that is not coming:
		// since their first message after the team's last.
		if _, err := tx.Exec(ctx, `UPDATE applications SET awaiting_reply_since = (
				SELECT MIN(c.created_at) FROM messages c WHERE c.application_id = $1 AND c.member_id IS NULL
					AND c.id > COALESCE((SELECT MAX(t.id) FROM messages t WHERE t.application_id = $1 AND t.member_id IS NOT NULL AND NOT t.internal), 0))
			WHERE id = $1`, m.ApplicationID); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			for _, a := range keys {
				s.blobs.Delete(context.WithoutCancel(ctx), a.key)
			}
		})
		for _, fn := range s.cancelled {
			if err := fn(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	}()
	return m, err
}

// PostAsCandidate adds the candidate's message to their own thread. They
// may write at any stage, after submitting and after a decision too,
// unless they withdrew.
func (s *Service) PostAsCandidate(ctx context.Context, a application.Application, body string) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.PostAsCandidate")
	return s.PostAsCandidateFiles(ctx, a, body, nil)
}

// PostAsCandidateFiles is PostAsCandidate with files attached.
func (s *Service) PostAsCandidateFiles(ctx context.Context, a application.Application, body string, files []File) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.PostAsCandidateFiles")
	if a.RevokedAt != nil {
		return Message{}, application.ErrLinkRevoked
	}
	if a.Status == application.Withdrawn {
		return Message{}, apperr.Conflict("you withdrew from this interview, so the team no longer receives messages here")
	}
	// A first look, before any file is stored: most messages over the
	// limits stop here. The look that counts is made again in the
	// transaction that saves the message.
	if err := s.withinLimits(ctx, s.db, a, len(files)); err != nil {
		return Message{}, err
	}
	m := Message{ApplicationID: a.ID, AuthorName: a.Candidate.Name}
	return m, s.insertFiles(ctx, a, &m, body, files, func(tx *sqldb.DB) error {
		return s.withinLimitsLocked(ctx, tx, a, len(files))
	})
}

// Limits on what one candidate may send, so that a link in the wrong
// hands cannot fill the store or the team's inbox.
const (
	MaxCandidateMessagesPerHour = 20
	MaxCandidateFiles           = 30 // per application
)

// withinLimitsLocked is withinLimits inside the transaction that saves
// the candidate's message, holding the application's row until it
// commits. A burst of messages sent at once, to any number of processes,
// then counts one after another, each seeing the ones saved before it:
// counting and then saving without the lock let a burst of 40 store 28
// where 20 were allowed. (On SQLite the transaction alone serialises
// them: it holds the database's one write lock from its start.)
func (s *Service) withinLimitsLocked(ctx context.Context, tx *sqldb.DB, a application.Application, files int) error {
	var id int64
	if err := tx.QueryRow(ctx, tx.Dialect.Pick(`SELECT id FROM applications WHERE id = $1`,
		`SELECT id FROM applications WHERE id = $1 FOR UPDATE`), a.ID).Scan(&id); err != nil {
		return err
	}
	return s.withinLimits(ctx, tx, a, files)
}

// withinLimits checks the candidate's budget of messages and files,
// counted from what db holds.
func (s *Service) withinLimits(ctx context.Context, db *sqldb.DB, a application.Application, files int) error {
	var recent, stored int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM messages WHERE application_id = $1 AND member_id IS NULL AND created_at > $2`,
		a.ID, s.now().Add(-time.Hour)).Scan(&recent); err != nil {
		return err
	}
	if recent >= MaxCandidateMessagesPerHour {
		return apperr.New(apperr.ErrRateLimited, "you have sent %d messages in the last hour; the team will answer them, so please wait before writing again", recent)
	}
	if files == 0 {
		return nil
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM message_attachments f JOIN messages m ON m.id = f.message_id
		WHERE m.application_id = $1 AND m.member_id IS NULL`, a.ID).Scan(&stored); err != nil {
		return err
	}
	if stored+files > MaxCandidateFiles {
		return apperr.Invalid("files", "you have sent %d files already; the most is %d. Write to the team if they need more", stored, MaxCandidateFiles)
	}
	return nil
}

// PostInTx adds a team member's message to the candidate to an
// application's thread inside tx, for a change that sends one as part of
// itself (a decision). The caller has checked that actor may write.
func (s *Service) PostInTx(ctx context.Context, tx *sqldb.DB, actor account.Member, a application.Application, body string) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.PostInTx")
	m := Message{ApplicationID: a.ID, MemberID: actor.ID, AuthorName: actor.Name}
	if m.Body, err = bodyField.Check(body); err != nil {
		return m, err
	}
	return m, s.insertTx(ctx, tx, a, &m)
}

// ScheduleInTx is PostInTx for a message that reaches the candidate at
// at (Schedule): a decision sent later.
func (s *Service) ScheduleInTx(ctx context.Context, tx *sqldb.DB, actor account.Member, a application.Application, body string, at time.Time) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.ScheduleInTx")
	now := s.now()
	if !at.After(now) {
		return Message{}, apperr.Invalid("send_at", "choose a time in the future to send it")
	}
	if at.Sub(now) > MaxSchedule {
		return Message{}, apperr.Invalid("send_at", "a message can be scheduled at most 90 days ahead")
	}
	m := Message{ApplicationID: a.ID, MemberID: actor.ID, AuthorName: actor.Name, VisibleAt: &at}
	if m.Body, err = bodyField.Check(body); err != nil {
		return m, err
	}
	return m, s.insertTx(ctx, tx, a, &m)
}

// PostAsCandidateInTx adds a message from the candidate inside tx, for a
// change the candidate makes that the team should read in the thread (a
// request for more time).
func (s *Service) PostAsCandidateInTx(ctx context.Context, tx *sqldb.DB, a application.Application, body string) (_ Message, err error) {
	defer apperr.Wrap(&err, "message.PostAsCandidateInTx")
	m := Message{ApplicationID: a.ID, AuthorName: a.Candidate.Name}
	if m.Body, err = bodyField.Check(body); err != nil {
		return m, err
	}
	return m, s.insertTx(ctx, tx, a, &m)
}

func (s *Service) insert(ctx context.Context, a application.Application, m *Message, body string) error {
	return s.insertFiles(ctx, a, m, body, nil, nil)
}

// insertFiles checks body, stores files, and saves the message with them;
// a message with files may have no text. guard, if not nil, runs first in
// the transaction that saves the message, and an error from it saves
// nothing.
func (s *Service) insertFiles(ctx context.Context, a application.Application, m *Message, body string, files []File, guard func(tx *sqldb.DB) error) error {
	field := bodyField
	field.Required = len(files) == 0
	var err error
	if m.Body, err = field.Check(body); err != nil {
		return err
	}
	stored, remove, err := s.storeFiles(ctx, a.OrgID, files)
	if err != nil {
		return err
	}
	m.Attachments = stored
	if err := s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if guard != nil {
			if err := guard(tx); err != nil {
				return err
			}
		}
		return s.insertTx(ctx, tx, a, m)
	}); err != nil {
		remove()
		return err
	}
	return nil
}

func (s *Service) insertTx(ctx context.Context, tx *sqldb.DB, a application.Application, m *Message) error {
	m.CreatedAt = s.now()
	var member any
	if m.MemberID != 0 {
		member = m.MemberID
	}
	err := tx.WriteRow(ctx, `INSERT INTO messages (org_id, application_id, member_id, author_name, internal, body, created_at, visible_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.OrgID, a.ID, member, m.AuthorName, m.Internal, m.Body, m.CreatedAt, m.VisibleAt).Scan(&m.ID)
	if err != nil {
		return err
	}
	if err := insertAttachments(ctx, tx, a.OrgID, m, m.CreatedAt); err != nil {
		return err
	}
	switch {
	case m.Internal:
	case m.FromCandidate():
		_, err = tx.Exec(ctx, `UPDATE applications SET last_message_at = $1,
			awaiting_reply_since = COALESCE(awaiting_reply_since, $1) WHERE id = $2`, m.CreatedAt, a.ID)
	default:
		_, err = tx.Exec(ctx, `UPDATE applications SET last_message_at = $1, awaiting_reply_since = NULL WHERE id = $2`, m.CreatedAt, a.ID)
	}
	if err != nil {
		return err
	}
	for _, fn := range s.posted {
		if err := fn(ctx, tx, a, *m); err != nil {
			return err
		}
	}
	return nil
}

// Thread returns an application's messages and notes, oldest first, for
// a team member, and marks the candidate's messages seen by them.
func (s *Service) Thread(ctx context.Context, actor account.Member, appID int64) (_ []Message, err error) {
	defer apperr.Wrap(&err, "message.Thread(%d)", appID)
	a, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(ctx, `UPDATE messages SET seen_at = $1, seen_by = $2
		WHERE application_id = $3 AND member_id IS NULL AND seen_at IS NULL`, s.now(), actor.ID, a.ID); err != nil {
		return nil, err
	}
	msgs, err := s.load(ctx, a.ID, true)
	for i := range msgs {
		if msgs[i].FromCandidate() {
			// Named as the team sees the candidate: by pseudonym while
			// the job is reviewed blind.
			msgs[i].AuthorName = a.Candidate.Name
		}
	}
	return msgs, err
}

// CandidateThread returns the candidate's thread without internal notes,
// oldest first, and marks the team's messages read by the candidate.
func (s *Service) CandidateThread(ctx context.Context, a application.Application) (_ []Message, err error) {
	defer apperr.Wrap(&err, "message.CandidateThread")
	now := s.now()
	if _, err := s.db.Exec(ctx, `UPDATE messages SET seen_at = $1
		WHERE application_id = $2 AND member_id IS NOT NULL AND NOT internal AND seen_at IS NULL
			AND (visible_at IS NULL OR visible_at <= $1)`, now, a.ID); err != nil {
		return nil, err
	}
	return s.load(ctx, a.ID, false)
}

// Unread counts the team's messages the candidate has not read yet.
func (s *Service) Unread(ctx context.Context, a application.Application) (_ int, err error) {
	defer apperr.Wrap(&err, "message.Unread")
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM messages
		WHERE application_id = $1 AND member_id IS NOT NULL AND NOT internal AND seen_at IS NULL
			AND (visible_at IS NULL OR visible_at <= $2)`, a.ID, s.now()).Scan(&n)
	return n, err
}

// load reads a thread; internal notes only with notes.
func (s *Service) load(ctx context.Context, appID int64, notes bool) ([]Message, error) {
	q := `SELECT id, application_id, COALESCE(member_id, 0), author_name, internal, body, created_at, seen_at, visible_at
		FROM messages WHERE application_id = $1`
	args := []any{appID}
	if !notes {
		// The candidate's view: no notes, nothing scheduled for later.
		q += ` AND NOT internal AND (visible_at IS NULL OR visible_at <= $2)`
		args = append(args, s.now())
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY COALESCE(visible_at, created_at), id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.ApplicationID, &m.MemberID, &m.AuthorName, &m.Internal, &m.Body, &m.CreatedAt, &m.SeenAt, &m.VisibleAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, s.attach(ctx, appID, out)
}
