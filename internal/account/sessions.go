package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Session is one of a member's sign-ins, as they see it in their list.
type Session struct {
	ID         int64
	CreatedAt  time.Time
	LastSeenAt *time.Time // recorded at most once a minute
	ExpiresAt  time.Time
	UserAgent  string
	IP         string
	Current    bool // the session the list was asked for from
}

// Sessions lists actor's sessions that have not expired, newest first;
// the one whose token is current is marked.
func (s *Service) Sessions(ctx context.Context, actor Member, current string) (_ []Session, err error) {
	defer apperr.Wrap(&err, "account.Sessions")
	rows, err := s.db.Query(ctx, `SELECT id, created_at, last_seen_at, expires_at, user_agent, ip, token_hash = $3
		FROM sessions WHERE member_id = $1 AND expires_at > $2 ORDER BY id DESC`, actor.ID, s.now(), HashToken(current))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		var x Session
		if err := rows.Scan(&x.ID, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.UserAgent, &x.IP, &x.Current); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// EndSession signs actor out of one of their own sessions. Another
// member's session id is not found, exactly like a missing one.
func (s *Service) EndSession(ctx context.Context, actor Member, id int64) (err error) {
	defer apperr.Wrap(&err, "account.EndSession(%d)", id)
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var ua, ip string
		err := tx.QueryRow(ctx, `DELETE FROM sessions WHERE id = $1 AND member_id = $2 RETURNING user_agent, ip`, id, actor.ID).Scan(&ua, &ip)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("session")
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "session.end", actor.Email, Device(ua)+" from "+ip, "")
	})
}

// EndOtherSessions signs actor out everywhere but the session with token
// keep (none, from the API), and reports how many sessions ended.
func (s *Service) EndOtherSessions(ctx context.Context, actor Member, keep string) (_ int, err error) {
	defer apperr.Wrap(&err, "account.EndOtherSessions")
	var n int64
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		if n, err = endSessionsBut(ctx, tx, actor.ID, keep); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "session.end_others", actor.Email, fmt.Sprintf("%d ended", n), "")
	})
	return int(n), err
}

// endSessionsBut deletes memberID's sessions but the one with token keep.
func endSessionsBut(ctx context.Context, tx *sqldb.DB, memberID int64, keep string) (int64, error) {
	res, err := tx.Exec(ctx, `DELETE FROM sessions WHERE member_id = $1 AND token_hash <> $2`, memberID, HashToken(keep))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Device says in a few words which browser on which system a User-Agent
// header names, such as "Firefox on Linux"; enough to tell one's own
// sessions apart, not a fingerprint.
func (x Session) Device() string { return Device(x.UserAgent) }

// Device is Session.Device for a User-Agent header.
func Device(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return "An unknown browser"
}
