package queue

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// Config tunes a Worker. Zero fields take the defaults noted.
type Config struct {
	// Concurrency is how many handlers of the default pool run at once:
	// the tasks of every kind that no Pool names. Default 4.
	Concurrency int
	// Pools give kinds worker slots of their own. Default none: every
	// kind shares the Concurrency slots.
	Pools []Pool
	// Lease is how long a claim holds without renewal, by the database's
	// clock; the worker renews it every Lease/3 while the handler runs,
	// and another worker may reclaim the task once it expires, so a task
	// whose worker died is taken over after about one Lease. Default
	// DefaultLease.
	Lease time.Duration
	// Poll is how often an idle worker looks for ready tasks. Default 1s.
	Poll time.Duration
	// Name identifies the worker in tasks.worker and in logs.
	// Default "hostname:pid".
	Name string
	// Logger receives the worker's logs. Default slog.Default().
	Logger *slog.Logger
	// Now tells the time by which tasks are due (run_at) and retried;
	// tests replace it. Leases do not use it: they are timed by the
	// database's clock (sqldb.DB.Now) and, while a handler runs, by this
	// process's monotonic clock, so that a worker whose clock is wrong or
	// jumps never takes a task that another still holds. Default
	// time.Now.
	Now func() time.Time
	// DBNow reads the database's clock, by which leases are timed; tests
	// replace it to make it jump. Default sqldb.DB.Now.
	DBNow func(ctx context.Context) (time.Time, error)
}

// DefaultLease is the lease a Worker takes unless Config.Lease says
// otherwise: renewed every 10 s while a handler runs, it lets another
// worker take over a dead worker's task within about 30 s, and lets a
// running task ride out a database that is unreachable for up to about
// 20 s (see heartbeat).
const DefaultLease = 30 * time.Second

// Pool is a set of task kinds with worker slots of their own. A task of
// a pool's kinds runs only in one of that pool's slots, and the worker
// claims it only while one is free, so slow tasks of one pool (code
// gradings) never keep those of another (emails) waiting for a slot.
type Pool struct {
	Name        string   // for logs
	Kinds       []string // each kind in one pool at most
	Concurrency int      // how many of its handlers run at once; default 1
}

// HandlerFunc does the work of one task. An error makes the task retry
// later, unless it is Permanent or the attempts are used up. The context
// is cancelled if the worker loses the task's lease, not when Run is
// asked to stop: Run waits for handlers to finish.
type HandlerFunc func(ctx context.Context, t Task) error

// Worker claims tasks from the database and runs their handlers. Register
// every kind with Handle, then call Run once.
type Worker struct {
	db  *sqldb.DB
	cfg Config
	log *slog.Logger

	pools  []*pool          // the named pools, then the default one
	poolOf map[string]*pool // by kind; kinds not in it go to the default pool

	mu       sync.Mutex
	handlers map[string]HandlerFunc

	clock leaseClock // the database's clock as claims and sweeps read it
}

// New returns a Worker over db's tasks table.
func New(db *sqldb.DB, cfg Config) *Worker {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Name == "" {
		host, _ := os.Hostname()
		cfg.Name = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DBNow == nil {
		cfg.DBNow = db.Now
	}
	w := &Worker{
		db:       db,
		cfg:      cfg,
		log:      cfg.Logger.With(slog.String("worker", cfg.Name)),
		poolOf:   make(map[string]*pool),
		handlers: make(map[string]HandlerFunc),
	}
	for _, p := range cfg.Pools {
		pl := newPool(p.Name, p.Kinds, p.Concurrency)
		for _, kind := range p.Kinds {
			if _, dup := w.poolOf[kind]; dup {
				panic("queue: kind " + kind + " is in two pools")
			}
			w.poolOf[kind] = pl
		}
		w.pools = append(w.pools, pl)
	}
	w.pools = append(w.pools, newPool("default", nil, cfg.Concurrency))
	return w
}

// Handle registers fn for tasks of the given kind. It panics if the kind
// already has a handler, as http.ServeMux does for a pattern.
func (w *Worker) Handle(kind string, fn HandlerFunc) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, dup := w.handlers[kind]; dup {
		panic("queue: second handler for kind " + kind)
	}
	w.handlers[kind] = fn
}

// Kinds returns the kinds that have a handler, sorted.
func (w *Worker) Kinds() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	kinds := make([]string, 0, len(w.handlers))
	for k := range w.handlers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

func (w *Worker) handler(kind string) HandlerFunc {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.handlers[kind]
}

func (w *Worker) now() time.Time { return w.cfg.Now() }
