// Package limit counts, in the database, what people may do only so many
// times in a while: sign-in attempts, requests that send email, code runs.
// Every anyhour process on the database shares the counts, and a use is
// taken with one conditional write, so that a burst spread over any number
// of processes gets exactly the limit.
//
// A key's window opens at its first use and lasts Rule.Window; it allows
// Rule.Max uses and then refuses until it ends. One row counts such a
// window exactly. (The counters in memory that this replaced slid their
// windows over each use's time; with an anchored window, a key may get up
// to twice Max in quick succession as one window ends and the next opens,
// never more than Max in one window.)
//
// A Rule with Max 1 whose use is given back when done is a lease: one
// holder at a time, and a holder that died frees the key when its window
// ends.
//
// Times come from the caller (its service's clock), so that tests can
// jump them: a window ends when the clock passes it, however it got there.
package limit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Rule is a limit: Max uses of Scope per key in a Window.
type Rule struct {
	Scope  string        // what is limited, such as "sign_in"
	Max    int           // uses allowed in one window; at least 1
	Window time.Duration // how long a window lasts from its first use
}

// Store keeps the counts in the database.
type Store struct {
	db *sqldb.DB

	mu       sync.Mutex
	prunedAt time.Time // when this process last removed ended windows
}

// New returns a Store over db.
func New(db *sqldb.DB) *Store { return &Store{db: db} }

// Taken is a use counted against one or more keys; Give hands it back.
// The zero Taken holds nothing.
type Taken struct {
	s     *Store
	scope string
	uses  []use
}

// use is one key's count, named by its window's end: a use given back
// after its window ended (and the key's next window opened) is not taken
// from the next one.
type use struct {
	key  string
	ends time.Time
}

// takeSQL counts one use of a key: it opens a window when there is none,
// when the last one has ended, or when every use of it was given back,
// and counts one more use in the open window if it has room. It returns
// no row when the window is full, and then changes nothing. On
// PostgreSQL, ON CONFLICT DO UPDATE locks the row and judges the WHERE on
// its newest version, so concurrent uses queue and each sees the others';
// on SQLite the one writer does the same.
const takeSQL = `INSERT INTO rate_limits (scope, key, n, ends_at) VALUES ($1, $2, 1, $4)
	ON CONFLICT (scope, key) DO UPDATE SET
		n = CASE WHEN rate_limits.ends_at <= $3 OR rate_limits.n <= 0 THEN 1 ELSE rate_limits.n + 1 END,
		ends_at = CASE WHEN rate_limits.ends_at <= $3 OR rate_limits.n <= 0 THEN excluded.ends_at ELSE rate_limits.ends_at END
	WHERE rate_limits.ends_at <= $3 OR rate_limits.n < $5
	RETURNING ends_at`

// errFull rolls back the uses already counted when a later key is full.
var errFull = errors.New("limit: full")

// Take counts one use of r against every key at now, or none: ok is false,
// and nothing is counted, when any key's window is full. Keys are taken in
// one transaction, in a fixed order, so that two Takes never wait for each
// other in a circle.
func (s *Store) Take(ctx context.Context, now time.Time, r Rule, keys ...string) (_ Taken, ok bool, err error) {
	defer apperr.Wrap(&err, "limit.Take(%s)", r.Scope)
	if r.Max < 1 || r.Window <= 0 || len(keys) == 0 {
		return Taken{}, false, fmt.Errorf("limit: bad rule %+v for %d keys", r, len(keys))
	}
	stored := make([]string, len(keys))
	for i, k := range keys {
		stored[i] = storedKey(k)
	}
	slices.Sort(stored)
	stored = slices.Compact(stored)
	t := Taken{s: s, scope: r.Scope}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		t.uses = t.uses[:0]
		for _, k := range stored {
			var ends time.Time
			err := tx.QueryRow(ctx, takeSQL, r.Scope, k, now, now.Add(r.Window), r.Max).Scan(&ends)
			if errors.Is(err, sqldb.ErrNotFound) {
				return errFull
			}
			if err != nil {
				return err
			}
			t.uses = append(t.uses, use{k, ends})
		}
		return nil
	})
	if errors.Is(err, errFull) {
		return Taken{}, false, nil
	}
	if err != nil {
		return Taken{}, false, err
	}
	s.pruneIfDue(ctx, now)
	return t, true, nil
}

// Give hands the use back, as if it had not been taken: a sign-in that
// succeeded, a run that ended. A key whose window has ended since has
// nothing to give back. Giving back twice is a mistake it does not catch.
func (t Taken) Give(ctx context.Context) (err error) {
	if len(t.uses) == 0 {
		return nil
	}
	defer apperr.Wrap(&err, "limit.Give(%s)", t.scope)
	return t.s.db.Transact(ctx, func(tx *sqldb.DB) error {
		for _, u := range t.uses {
			if _, err := tx.Exec(ctx, `UPDATE rate_limits SET n = n - 1
				WHERE scope = $1 AND key = $2 AND ends_at = $3 AND n > 0`, t.scope, u.key, u.ends); err != nil {
				return err
			}
		}
		return nil
	})
}

// maxKey is the longest key stored as it is; longer ones, and ones
// PostgreSQL's text cannot hold, are stored as their hash.
const maxKey = 200

// storedKey is k as the table holds it. Keys come from requests (a typed
// email address): one of any length or bytes must be counted, not fail.
func storedKey(k string) string {
	if len(k) <= maxKey && utf8.ValidString(k) && !strings.ContainsRune(k, 0) && !strings.HasPrefix(k, "sha256:") {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return "sha256:" + hex.EncodeToString(sum[:])
}
