package queue

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Leases are timed by the database's clock, one clock for every worker.
// That clock may still jump: NTP putting right a wrong clock, a virtual
// machine resumed, someone's date command. The database's clock is this
// host's on SQLite, so one process sees its own tasks' leases jump too.
//
//   - A jump forward makes every lease look older than it is. A lease is
//     renewed every Lease/3, so a jump of more than 2/3 of a Lease would
//     let a worker take over tasks that are still running, and run them
//     twice. A worker that sees the clock jump forward takes over nothing,
//     and fails nothing as lost, for a Lease of its own monotonic clock:
//     by then every live holder has renewed by the new time.
//   - A jump back makes leases look younger: a dead worker's task would
//     wait out the jump before anyone took it over. A worker that sees
//     the clock jump back cuts every lease to at most a Lease (and the
//     least jump that counts) from the new now; a live holder's next
//     renewal sets less anyway.
//
// A jump is seen by comparing how far the database's clock moved between
// two of this worker's readings with how far its monotonic clock did.
// Readings differ by their queries' latency too, so only a difference of
// more than half a Lease (and at least jumpAtLeast) counts.
type leaseClock struct {
	mu        sync.Mutex
	wall      time.Time // the last reading, without a monotonic part
	mono      time.Time // this process's clock when it was read
	holdUntil time.Time // no takeover before this, by the monotonic clock
}

// jumpAtLeast is the least difference that counts as a jump, for short
// leases on a loaded machine.
const jumpAtLeast = 2 * time.Second

// leaseNow reads the database's clock for a claim or a sweep and says
// whether leases may be judged by it now (see leaseClock). Only the
// worker's claiming loop (or RunUntilIdle) calls it, one call at a time.
func (w *Worker) leaseNow(ctx context.Context) (now time.Time, judge bool, err error) {
	c := &w.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	now, mono, err := w.readClock(ctx)
	if err != nil {
		return now, false, err
	}
	limit := max(w.cfg.Lease/2, jumpAtLeast)
	if jump := c.jump(now, mono); jump > limit {
		c.holdUntil = mono.Add(w.cfg.Lease)
		w.log.Warn("queue: the database's clock jumped forward; no task is taken over for a lease",
			slog.Duration("jump", jump.Round(time.Millisecond)), slog.Duration("lease", w.cfg.Lease))
	} else if jump < -limit {
		// A reading that came back late looks like a jump back; a
		// second one tells the two apart.
		if now, mono, err = w.readClock(ctx); err != nil {
			return now, false, err
		}
		if jump = c.jump(now, mono); jump < -limit {
			n, err := w.cutLeases(ctx, now.Add(w.cfg.Lease+limit))
			if err != nil {
				// The last reading stays, so that the next one sees
				// the jump again and cuts.
				return now, false, fmt.Errorf("cutting leases after the clock jumped back: %w", err)
			}
			w.log.Warn("queue: the database's clock jumped back; leases cut to a lease and a half from now",
				slog.Duration("jump", jump.Round(time.Millisecond)), slog.Int64("tasks", n))
		}
	}
	c.wall, c.mono = now.Round(0), mono
	return now, !mono.Before(c.holdUntil), nil
}

// readClock reads the database's clock and this process's right after.
func (w *Worker) readClock(ctx context.Context) (time.Time, time.Time, error) {
	now, err := w.cfg.DBNow(ctx)
	return now, time.Now(), err
}

// jump is how much further the database's clock moved than this
// process's monotonic clock since the last reading; 0 at the first.
func (c *leaseClock) jump(now, mono time.Time) time.Duration {
	if c.wall.IsZero() {
		return 0
	}
	return now.Round(0).Sub(c.wall) - mono.Sub(c.mono)
}

// cutLeases ends every lease later than until at until: a Lease, and the
// least jump that counts, from now. Under a clock that only goes forward
// no lease is that long, so only leases set before the clock went back
// change; the margin keeps a reading that came back late (and so looked
// like a jump back) from cutting a lease a holder has just renewed.
func (w *Worker) cutLeases(ctx context.Context, until time.Time) (int64, error) {
	res, err := w.db.Exec(ctx, `UPDATE tasks SET lease_until = $1 WHERE status = 'running' AND lease_until > $1`, until)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
