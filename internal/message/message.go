// Package message owns the conversation between a hiring team and each
// candidate: one thread per application, the team's internal notes beside
// it, and "seen" receipts both ways. Who may do what is decided here, in
// one place: candidates read and write their own thread and never see an
// internal note; team members with ViewApplications read threads and
// write notes; MessageCandidates is needed to write to the candidate.
package message

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/interview"
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
}

// FromCandidate reports whether the candidate wrote m.
func (m Message) FromCandidate() bool { return m.MemberID == 0 }

// Service runs the conversation.
type Service struct {
	db         *sqldb.DB
	interviews *interview.Service
	now        func() time.Time
	posted     []func(ctx context.Context, tx *sqldb.DB, a interview.Application, m Message) error
}

// New returns a Service over db.
func New(db *sqldb.DB, interviews *interview.Service) *Service {
	return &Service{db: db, interviews: interviews, now: time.Now}
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// OnPost adds fn to what runs, in the same transaction, whenever a message
// is posted: emails and webhooks queue their work there, so that a
// message is never saved without them nor they sent without it.
func (s *Service) OnPost(fn func(ctx context.Context, tx *sqldb.DB, a interview.Application, m Message) error) {
	s.posted = append(s.posted, fn)
}

var bodyField = plaintext.Field{Name: "body", Label: "the message", Max: MaxBody, Required: true, Multiline: true}

// Post adds a team member's message to an application's thread: to the
// candidate, or, with internal, a note for the team alone.
func (s *Service) Post(ctx context.Context, actor account.Member, appID int64, body string, internal bool) (Message, error) {
	a, err := s.interviews.Application(ctx, actor, appID)
	if err != nil {
		return Message{}, err
	}
	if !internal {
		if !actor.Can(account.MessageCandidates) {
			return Message{}, apperr.Forbidden("your role cannot write to candidates; write an internal note instead")
		}
		if a.Status == interview.Withdrawn {
			return Message{}, apperr.Conflict("the candidate withdrew from this interview; write an internal note instead")
		}
	}
	m := Message{ApplicationID: a.ID, MemberID: actor.ID, AuthorName: actor.Name, Internal: internal}
	return m, s.insert(ctx, a, &m, body)
}

// PostAsCandidate adds the candidate's message to their own thread. They
// may write at any stage, after submitting and after a decision too,
// unless they withdrew.
func (s *Service) PostAsCandidate(ctx context.Context, a interview.Application, body string) (Message, error) {
	if a.RevokedAt != nil {
		return Message{}, interview.ErrLinkRevoked
	}
	if a.Status == interview.Withdrawn {
		return Message{}, apperr.Conflict("you withdrew from this interview, so the team no longer receives messages here")
	}
	m := Message{ApplicationID: a.ID, AuthorName: a.Candidate.Name}
	return m, s.insert(ctx, a, &m, body)
}

// PostInTx adds a team member's message to the candidate to an
// application's thread inside tx, for a change that sends one as part of
// itself (a decision). The caller has checked that actor may write.
func (s *Service) PostInTx(ctx context.Context, tx *sqldb.DB, actor account.Member, a interview.Application, body string) (Message, error) {
	m := Message{ApplicationID: a.ID, MemberID: actor.ID, AuthorName: actor.Name}
	var err error
	if m.Body, err = bodyField.Check(body); err != nil {
		return m, err
	}
	return m, s.insertTx(ctx, tx, a, &m)
}

// PostAsCandidateInTx adds a message from the candidate inside tx, for a
// change the candidate makes that the team should read in the thread (a
// request for more time).
func (s *Service) PostAsCandidateInTx(ctx context.Context, tx *sqldb.DB, a interview.Application, body string) (Message, error) {
	m := Message{ApplicationID: a.ID, AuthorName: a.Candidate.Name}
	var err error
	if m.Body, err = bodyField.Check(body); err != nil {
		return m, err
	}
	return m, s.insertTx(ctx, tx, a, &m)
}

func (s *Service) insert(ctx context.Context, a interview.Application, m *Message, body string) error {
	var err error
	if m.Body, err = bodyField.Check(body); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error { return s.insertTx(ctx, tx, a, m) })
}

func (s *Service) insertTx(ctx context.Context, tx *sqldb.DB, a interview.Application, m *Message) error {
	m.CreatedAt = s.now()
	var member any
	if m.MemberID != 0 {
		member = m.MemberID
	}
	err := tx.WriteRow(ctx, `INSERT INTO messages (org_id, application_id, member_id, author_name, internal, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.OrgID, a.ID, member, m.AuthorName, m.Internal, m.Body, m.CreatedAt).Scan(&m.ID)
	if err != nil {
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
func (s *Service) Thread(ctx context.Context, actor account.Member, appID int64) ([]Message, error) {
	a, err := s.interviews.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(ctx, `UPDATE messages SET seen_at = $1, seen_by = $2
		WHERE application_id = $3 AND member_id IS NULL AND seen_at IS NULL`, s.now(), actor.ID, a.ID); err != nil {
		return nil, err
	}
	return s.load(ctx, a.ID, true)
}

// CandidateThread returns the candidate's thread without internal notes,
// oldest first, and marks the team's messages read by the candidate.
func (s *Service) CandidateThread(ctx context.Context, a interview.Application) ([]Message, error) {
	if _, err := s.db.Exec(ctx, `UPDATE messages SET seen_at = $1
		WHERE application_id = $2 AND member_id IS NOT NULL AND NOT internal AND seen_at IS NULL`, s.now(), a.ID); err != nil {
		return nil, err
	}
	return s.load(ctx, a.ID, false)
}

// Unread counts the team's messages the candidate has not read yet.
func (s *Service) Unread(ctx context.Context, a interview.Application) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM messages
		WHERE application_id = $1 AND member_id IS NOT NULL AND NOT internal AND seen_at IS NULL`, a.ID).Scan(&n)
	return n, err
}

// load reads a thread; internal notes only with notes.
func (s *Service) load(ctx context.Context, appID int64, notes bool) ([]Message, error) {
	q := `SELECT id, application_id, COALESCE(member_id, 0), author_name, internal, body, created_at, seen_at
		FROM messages WHERE application_id = $1`
	if !notes {
		q += ` AND NOT internal`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.ApplicationID, &m.MemberID, &m.AuthorName, &m.Internal, &m.Body, &m.CreatedAt, &m.SeenAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
