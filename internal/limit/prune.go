package limit

import (
	"context"
	"time"
)

// Ended windows are removed as uses are taken, by each process at most
// once every pruneEvery, at most pruneBatch rows at a time; a full batch
// leaves the next Take to go on, so that pruning keeps up with a spray of
// keys (an attacker trying addresses) without one long statement.
const (
	pruneEvery = time.Minute
	pruneBatch = 1000
)

// pruneSQL removes a batch of ended windows. On PostgreSQL it skips rows
// that a Take holds: it never waits for one, so it can never be part of a
// deadlock, and a Take that waited for it finds the row gone and starts
// the key afresh.
const (
	pruneSQLite = `DELETE FROM rate_limits WHERE (scope, key) IN
		(SELECT scope, key FROM rate_limits WHERE ends_at <= $1 LIMIT $2)`
	prunePostgres = `DELETE FROM rate_limits WHERE (scope, key) IN
		(SELECT scope, key FROM rate_limits WHERE ends_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`
)

// pruneIfDue removes ended windows when this process has not for a while.
// Its errors are dropped: the use was counted, and the next Take prunes.
func (s *Store) pruneIfDue(ctx context.Context, now time.Time) {
	s.mu.Lock()
	due := now.Sub(s.prunedAt) >= pruneEvery || now.Before(s.prunedAt)
	if due {
		s.prunedAt = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if n, err := s.Prune(ctx, now); err != nil || n == pruneBatch {
		s.mu.Lock()
		s.prunedAt = time.Time{}
		s.mu.Unlock()
	}
}

// Prune removes up to a batch of windows that ended by now, and returns
// how many it removed.
func (s *Store) Prune(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.Exec(ctx, s.db.Dialect.Pick(pruneSQLite, prunePostgres), now, pruneBatch)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
