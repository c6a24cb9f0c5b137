package outbox

import (
	"context"
	"fmt"
)

// OutstandingStatuses are the statuses of emails that have not gone out
// (or, for Unknown, may not have): the ones to watch. Sent and Kept
// emails only pile up, and an admin's Dismiss sets one aside.
var OutstandingStatuses = []Status{Queued, Sending, Unknown, Failed}

// Outstanding counts the emails of every organisation in each of
// OutstandingStatuses, for metrics; every one is present, zero or not.
// The partial index emails_outstanding answers it from a few entries, so
// it stays cheap however long the log grows; its condition must stay the
// same text as the index's for the databases to use it.
func (s *Service) Outstanding(ctx context.Context) (_ map[Status]int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("outbox: outstanding: %w", err)
		}
	}()
	rows, err := s.db.Query(ctx, `SELECT status, COUNT(*) FROM emails WHERE status <> 'sent' AND status <> 'kept' AND dismissed_at IS NULL GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := make(map[Status]int, len(OutstandingStatuses))
	for _, st := range OutstandingStatuses {
		counts[st] = 0
	}
	for rows.Next() {
		var st Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		counts[st] = n
	}
	return counts, rows.Err()
}
