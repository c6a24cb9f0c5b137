package uploadlock

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"log/slog"
	"sync"
	"time"

	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// Postgres is a Locker shared by every process on one PostgreSQL
// database. An upload's lock is a session-level advisory lock, keyed by a
// 64-bit hash of the upload's id, held on a connection of its own for as
// long as the lock is: the lock cannot outlive its holder, since
// PostgreSQL drops it with the connection when a process dies.
//
// The connections come from a pool apart from the queries' (at most
// MaxSessions per process, each held only while a request on an upload
// runs), so that a request holding a lock never waits for a connection to
// query with, nor keeps a query waiting.
//
// A holder's connection is pinged every PingEvery. If it is lost (the
// database restarted, the network cut), so is the lock, and another
// process may take it: the holder is then asked to let go at once, as a
// takeover would, and keeps only what arrived. The window in which two
// processes may write is the time it takes to notice: at most PingEvery
// when the connection is reset (a restart, a terminated backend), and up
// to PingWait more when the network is cut without a word. A ping that is
// only slow (a loaded database) is waited for: the connection, and the
// lock, are still there, and the upload goes on.
//
// Asking a holder in another process to let go goes through NOTIFY on
// Channel; each process LISTENs on one more connection, opened when it
// first takes a lock.
type Postgres struct {
	sessions *sql.DB
	log      *slog.Logger

	mu   sync.Mutex
	held map[string]*pgLock // by upload id: the locks this process holds

	ctx        context.Context // ends with Close
	stop       context.CancelFunc
	listenOnce sync.Once
	tried      chan struct{} // closed once the listener is in place, or failed, the first time
	stopped    chan struct{} // closed once the listener is gone
}

// Tuning.
const (
	// MaxSessions is how many locks one process holds at once, each
	// on a connection, beside the queries' own pool.
	MaxSessions = 20
	// PingEvery is how often a held lock's connection is checked.
	PingEvery = time.Second
	// PingWait is how long a ping may take before the lock counts as
	// lost with its connection.
	PingWait = 5 * time.Second
	// Channel is the NOTIFY channel release requests go through.
	Channel = "anyhour_upload_release"
	// lockKey is the advisory lock's key: the same text hashed by every
	// process, in a key space of its own.
	lockKey = `hashtextextended('anyhour upload ' || $1, 0)`
)

// NewPostgres returns a Locker on db, which must be PostgreSQL. Close
// releases its connections.
func NewPostgres(db *sqldb.DB, logger *slog.Logger) (*Postgres, error) {
	sessions, err := db.SessionPool(MaxSessions + 1) // and the listener
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Postgres{sessions: sessions, log: logger, held: map[string]*pgLock{},
		ctx: ctx, stop: stop, tried: make(chan struct{}), stopped: make(chan struct{})}, nil
}

// Close stops listening and closes the connections. Locks still held are
// dropped with them.
func (p *Postgres) Close() error {
	p.stop()
	p.listenOnce.Do(func() { close(p.stopped) }) // never started: nothing to wait for
	<-p.stopped
	return p.sessions.Close()
}

// NewLock returns the lock of upload id.
func (p *Postgres) NewLock(id string) (tusd.Lock, error) { return &pgLock{p: p, id: id}, nil }

// listen starts, the first time, the goroutine that hears release
// requests, and waits until it listens: a holder is then sure to hear a
// request sent after it took its lock. If the first try fails (the
// database is down), Lock goes on and fails too.
func (p *Postgres) listen(ctx context.Context) {
	p.listenOnce.Do(func() { go p.listenLoop() })
	select {
	case <-p.tried:
	case <-ctx.Done():
	}
}

func (p *Postgres) listenLoop() {
	defer close(p.stopped)
	var once sync.Once
	ready := func() { once.Do(func() { close(p.tried) }) }
	wait := 100 * time.Millisecond
	for p.ctx.Err() == nil {
		err := sqldb.Listen(p.ctx, p.sessions, Channel, func() { ready(); wait = 100 * time.Millisecond }, p.releaseRequested)
		ready() // tried, at least
		if p.ctx.Err() != nil {
			return
		}
		// Release requests are not heard until it is back: a takeover
		// waits for the lock in vain and answers 423; the client retries.
		p.log.Warn("upload locks: not listening for release requests; retrying", slog.Duration("in", wait), slog.Any("error", err))
		select {
		case <-p.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// releaseRequested asks the holder of upload id's lock in this process,
// if any, to let go.
func (p *Postgres) releaseRequested(id string) {
	p.mu.Lock()
	k := p.held[id]
	p.mu.Unlock()
	if k != nil {
		k.release()
	}
}

type pgLock struct {
	p       *Postgres
	id      string
	conn    *sql.Conn
	release func()
	lost    bool               // the connection failed while held: never reuse it
	held    context.Context    // ends with Unlock, and a ping under way with it
	unlock  context.CancelFunc // ends held
	done    chan struct{}
}

// Lock takes upload id's advisory lock on a connection of its own; see
// the package's doc for what happens when another request holds it.
func (k *pgLock) Lock(ctx context.Context, requestRelease func()) error {
	k.p.listen(ctx)
	conn, err := k.p.sessions.Conn(ctx)
	if err != nil {
		return k.failed(ctx, err)
	}
	var lastAsk time.Time
	wait := 10 * time.Millisecond
	for {
		var got bool
		err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+lockKey+`)`, k.id).Scan(&got)
		if err != nil {
			discard(conn)
			return k.failed(ctx, err)
		}
		if got {
			break
		}
		if !takeover(ctx) {
			conn.Close()
			return ErrLocked
		}
		if time.Since(lastAsk) >= PingEvery {
			// Asked again now and then, in case the holder's process was
			// not listening the first time.
			if _, err := conn.ExecContext(ctx, `SELECT pg_notify($1, $2)`, Channel, k.id); err != nil {
				discard(conn)
				return k.failed(ctx, err)
			}
			lastAsk = time.Now()
		}
		select {
		case <-ctx.Done():
			conn.Close()
			return ErrLocked
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
	k.conn, k.release = conn, requestRelease
	k.held, k.unlock = context.WithCancel(context.Background())
	k.done = make(chan struct{})
	k.p.mu.Lock()
	k.p.held[k.id] = k
	k.p.mu.Unlock()
	go k.watch()
	return nil
}

// failed is Lock's error when the database failed it: 503 with
// Retry-After, or 423 if the request's time to wait ran out.
func (k *pgLock) failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ErrLocked
	}
	k.p.log.Warn("upload locks: cannot take a lock", slog.String("upload", k.id), slog.Any("error", err))
	return errUnavailable
}

// errUnavailable is a lock that could not be taken because the database
// failed: 503, in the API's JSON error shape.
var errUnavailable = tusd.Error{ErrorCode: "unavailable", Message: "anyhour cannot reach its database just now; please try again in a few seconds",
	HTTPResponse: tusd.HTTPResponse{StatusCode: 503,
		Body:   `{"error":{"code":"unavailable","message":"anyhour cannot reach its database just now; please try again in a few seconds"}}` + "\n",
		Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8", "Retry-After": "5"}}}

// watch pings the lock's connection until Unlock; if it fails, the lock
// is gone with it, and the holder is asked to let go at once.
func (k *pgLock) watch() {
	defer close(k.done)
	t := time.NewTicker(PingEvery)
	defer t.Stop()
	for {
		select {
		case <-k.held.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(k.held, PingWait)
		err := k.conn.PingContext(ctx)
		cancel()
		if err != nil && k.held.Err() != nil {
			// Unlock cut a slow ping short: the connection's state is
			// unknown, and closing it lets the lock go.
			k.lost = true
			return
		}
		if err != nil {
			k.lost = true
			k.p.log.Warn("upload locks: lost a lock with its connection; its request stops", slog.String("upload", k.id), slog.Any("error", err))
			k.release()
			return
		}
	}
}

// Unlock lets the lock go and hands the connection back, or closes it if
// it cannot say for sure that the lock is gone.
func (k *pgLock) Unlock() error {
	k.unlock()
	<-k.done
	k.p.mu.Lock()
	if k.p.held[k.id] == k {
		delete(k.p.held, k.id)
	}
	k.p.mu.Unlock()
	if k.lost {
		discard(k.conn)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// All of them: a connection goes back to the pool holding none.
	if _, err := k.conn.ExecContext(ctx, `SELECT pg_advisory_unlock_all()`); err != nil {
		discard(k.conn)
		return nil // closing the connection drops the lock
	}
	return k.conn.Close()
}

// discard closes conn for good, ending its session and whatever locks it
// holds, instead of handing it back to the pool.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}
