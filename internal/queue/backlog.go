package queue

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// Backlog is the unfinished work of one task kind, for metrics.
type Backlog struct {
	Kind      string
	Ready     int // pending and due: waiting for a free slot
	Scheduled int // pending and due later: a retry after its backoff, a reminder
	Running   int // claimed by a worker (one that died holds it until its lease ends)
	// OldestReady is when the longest-waiting ready task became due;
	// zero when none is ready.
	OldestReady time.Time
}

// backlogSQL reads the pending and running tasks, which the tasks_ready
// index (status, run_at) finds without visiting the done and failed ones
// that pile up over time; a healthy queue holds few.
const backlogSQL = `
	SELECT kind,
		CASE WHEN status = 'running' THEN 'running' WHEN run_at <= $1 THEN 'ready' ELSE 'scheduled' END,
		COUNT(*), MIN(run_at)
	FROM tasks
	WHERE status IN ('pending', 'running')
	GROUP BY 1, 2`

// Backlogs reads every kind's backlog as of now, in one query, ordered by
// kind. Each of kinds is there, with zeros when it has nothing pending or
// running (a dashboard shows 0, not "no data"); any other kind only when
// it has.
func Backlogs(ctx context.Context, db *sqldb.DB, now time.Time, kinds ...string) (_ []Backlog, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("queue: backlog: %w", err)
		}
	}()
	rows, err := db.Query(ctx, backlogSQL, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKind := map[string]*Backlog{}
	for _, k := range kinds {
		byKind[k] = &Backlog{Kind: k}
	}
	for rows.Next() {
		var kind, state string
		var n int
		var oldest sqldb.Time
		if err := rows.Scan(&kind, &state, &n, &oldest); err != nil {
			return nil, err
		}
		b := byKind[kind]
		if b == nil {
			b = &Backlog{Kind: kind}
			byKind[kind] = b
		}
		switch state {
		case "ready":
			b.Ready, b.OldestReady = n, oldest.Time
		case "scheduled":
			b.Scheduled = n
		case "running":
			b.Running = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Backlog, 0, len(byKind))
	for _, b := range byKind {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Backlog) int { return strings.Compare(a.Kind, b.Kind) })
	return out, nil
}
