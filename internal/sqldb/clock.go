package sqldb

import (
	"context"
	"time"
)

// Now is the database's clock. On PostgreSQL it is the server's: one
// clock for every process that shares the database, whatever their own
// clocks say, so that a process whose clock is wrong or jumps cannot
// misjudge what another wrote by its own. On SQLite, whose database is a
// file on this host, it is this host's clock, which every process sharing
// the file reads too; it costs no query.
//
// Package queue times its leases by it. Everything else that schedules
// work in the future passes its own time (see the package doc).
func (db *DB) Now(ctx context.Context) (time.Time, error) {
	if db.Dialect == SQLite {
		return time.Now(), nil
	}
	var t time.Time
	var err error
	if db.tx != nil {
		err = db.tx.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&t)
	} else {
		err = db.reader.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&t)
	}
	return t, normalize(err)
}
