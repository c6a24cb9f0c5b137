package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// TaskInfo is a task's row, for the admin UI and tests.
type TaskInfo struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Status      string // one of the Status constants
	Attempts    int
	MaxAttempts int
	RunAt       time.Time
	SerialKey   string    // see SerialKey; empty for none
	LeaseUntil  time.Time // zero unless running
	Worker      string    // the worker that claimed it last, if any
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Get returns the task with the given ID, or ErrNotFound.
func Get(ctx context.Context, db *sqldb.DB, id int64) (TaskInfo, error) {
	var ti TaskInfo
	var payload string
	var lease sql.NullTime
	var key sql.NullString
	err := db.QueryRow(ctx, `
		SELECT id, kind, payload, status, attempts, max_attempts, run_at, serial_key, lease_until,
			worker, last_error, created_at, updated_at
		FROM tasks WHERE id = $1`, id,
	).Scan(&ti.ID, &ti.Kind, &payload, &ti.Status, &ti.Attempts, &ti.MaxAttempts, &ti.RunAt, &key, &lease,
		&ti.Worker, &ti.LastError, &ti.CreatedAt, &ti.UpdatedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return TaskInfo{}, fmt.Errorf("queue: get task %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return TaskInfo{}, fmt.Errorf("queue: get task %d: %w", id, err)
	}
	ti.Payload = []byte(payload)
	ti.LeaseUntil = lease.Time
	ti.SerialKey = key.String
	return ti, nil
}

// Stats counts tasks by status. Every status is present, zero or not.
func Stats(ctx context.Context, db *sqldb.DB) (_ map[string]int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("queue: stats: %w", err)
		}
	}()
	rows, err := db.Query(ctx, `SELECT status, COUNT(*) FROM tasks GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{StatusPending: 0, StatusRunning: 0, StatusDone: 0, StatusFailed: 0}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		counts[status] = n
	}
	return counts, rows.Err()
}
