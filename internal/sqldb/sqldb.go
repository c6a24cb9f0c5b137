// Package sqldb is the one seam between anyhour and its database: SQLite by
// default, PostgreSQL when the URL says so. Both run the same SQL text
// wherever possible: Postgres-style $N placeholders (modernc's SQLite binds
// them by number), RETURNING, ON CONFLICT, CTEs.
//
// Known traps, and how this package meets them:
//
//   - Timestamps. SQLite has no time type: columns declared TIMESTAMP hold
//     text in the "sqlite" time format, which modernc parses back into
//     time.Time. Every time.Time argument is converted to UTC and truncated
//     to microseconds (Postgres' resolution) before it is bound, so text
//     comparisons order correctly and a value read back equals the one
//     written. Never use CURRENT_TIMESTAMP defaults: pass the time from Go.
//     An expression such as MAX(created_at) has no declared type and comes
//     back from SQLite as text; select the column itself instead, or scan it
//     into a Time.
//   - Booleans. SQLite stores 0/1; database/sql scans those into bool. Write
//     TRUE and FALSE literals, which both dialects accept.
//   - Case-insensitive matching. Emails are stored lower-cased; search uses
//     LOWER(col) LIKE LOWER($1), which both dialects index the same way.
//   - Claiming queue tasks. Postgres needs FOR UPDATE SKIP LOCKED; SQLite's
//     single writer already serialises UPDATE … RETURNING. See Dialect.Pick.
//   - JSON documents are TEXT in both dialects and decoded in Go.
//   - Plans kept for any value. pgx prepares each statement once per
//     connection, and PostgreSQL may then keep one generic plan for it,
//     whatever the arguments. A statement whose best plan depends on them
//     (a full-text match: a word in three texts or in most) passes Replan.
//   - Lists ordered by id. Both planners may read such a list down the
//     primary key and skip the rows of other jobs or organisations, which
//     reads the whole table when the list's rows are the oldest. The list
//     must lead its order with its filter's column, and keep it there on
//     PostgreSQL (see application.listQuery). Record and Explain show the
//     plans of the statements a service really sends.
package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors returned by DB methods after the driver's errors are normalised.
var (
	// ErrConflict is a unique-constraint violation from either driver.
	ErrConflict = errors.New("sqldb: conflict")
	// ErrNotFound is sql.ErrNoRows; domain packages map it to their own.
	ErrNotFound = sql.ErrNoRows
)

// Dialect names the SQL flavour a DB speaks.
type Dialect int

// The two dialects anyhour runs on.
const (
	SQLite Dialect = iota
	Postgres
)

// Pick returns the SQL text for this dialect. Keep calls to it rare and
// next to the query, so every fork stays greppable.
func (d Dialect) Pick(sqliteSQL, postgresSQL string) string {
	if d == Postgres {
		return postgresSQL
	}
	return sqliteSQL
}

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is a handle to the database. On SQLite it holds a single-connection
// writer pool, used by Transact and Exec, and a reader pool for Query; on
// Postgres both are the same pool. Inside Transact, a DB is bound to the
// transaction and every method runs in it.
type DB struct {
	Dialect Dialect
	reader  *sql.DB
	writer  *sql.DB
	tx      *sql.Tx
	after   *[]func() // in a transaction: what runs once it commits
	url     string    // PostgreSQL: what Open was given, for SessionPool
}

// AfterCommit runs fn once the transaction db is in commits, and never if
// it rolls back; outside a transaction it runs fn at once. Use it for
// what must not happen before the data is visible, such as waking the
// workers for a task just queued.
func (db *DB) AfterCommit(fn func()) {
	if db.tx == nil {
		fn()
		return
	}
	*db.after = append(*db.after, fn)
}

// Open connects to the database named by url: a postgres:// or
// postgresql:// URL selects PostgreSQL, anything else is a SQLite file path
// (an optional sqlite:// or file: prefix is stripped).
func Open(ctx context.Context, rawURL string) (*DB, error) {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return openPostgres(ctx, rawURL)
	}
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "file:")
	return openSQLite(ctx, path)
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("sqldb: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqldb: connect to postgres: %w", err)
	}
	return &DB{Dialect: Postgres, reader: pool, writer: pool, url: rawURL}, nil
}

// SessionPool opens a pool of at most max connections to the same
// PostgreSQL database, apart from the one queries use, for work that
// keeps state in a connection's session across statements, such as an
// advisory lock held while a request runs: a connection held that way
// for seconds must never keep a query waiting for one, nor wait for one
// itself while its holder queries. The caller closes it. SQLite has no
// sessions to share between processes: there it is an error.
func (db *DB) SessionPool(max int) (*sql.DB, error) {
	if db.Dialect != Postgres {
		return nil, errors.New("sqldb: session pools are for PostgreSQL")
	}
	pool, err := sql.Open("pgx", db.url)
	if err != nil {
		return nil, fmt.Errorf("sqldb: open postgres sessions: %w", err)
	}
	pool.SetMaxOpenConns(max)
	pool.SetMaxIdleConns(max / 4)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool, nil
}

// sqlitePragmas are applied to every connection. busy_timeout must come
// first: the connection has to block on a busy database before WAL mode is
// set, in case another connection is setting it at the same moment.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"cache_size(-16000)",
	"temp_store(MEMORY)",
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqldb: sqlite path: %w", err)
	}
	// Create the file for this user alone before SQLite does (it would
	// use 0644): SQLite gives the -wal and -shm files it makes later the
	// database file's permissions.
	if f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("sqldb: create sqlite %s: %w", path, err)
	}
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	// IMMEDIATE takes the write lock at BEGIN, so a transaction that reads
	// then writes never fails half way with SQLITE_BUSY.
	q.Set("_txlock", "immediate")
	dsn := "file:" + abs + "?" + q.Encode()

	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqldb: open sqlite %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", dsn+"&_query_only=1")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	return &DB{Dialect: SQLite, reader: reader, writer: writer}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.tx != nil {
		return errors.New("sqldb: Close inside a transaction")
	}
	err := db.writer.Close()
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	return err
}

// Ping reports whether the database answers a query that reads it: on
// SQLite one that reads the file, which pinging the pool would not.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	err := db.reader.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // answered: nothing is migrated yet
	}
	return normalize(err)
}

// InTx reports whether db is bound to a transaction.
func (db *DB) InTx() bool { return db.tx != nil }

// Exec runs a statement that returns no rows, on the writer.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	args = bindArgs(args)
	record(ctx, q, args)
	var res sql.Result
	var err error
	if db.tx != nil {
		res, err = db.tx.ExecContext(ctx, q, args...)
	} else {
		res, err = db.writer.ExecContext(ctx, q, args...)
	}
	return res, normalize(err)
}

// Replan, passed as the first argument of Query or QueryRow, has
// PostgreSQL plan the statement for the values it is given, each time it
// runs. Otherwise a statement is prepared once per connection, and after
// five runs PostgreSQL may settle on a generic plan, one made for any
// values, and keep it: cheaper, and right for most statements, but not for
// one whose best plan depends on the values, such as a full-text match on
// a word that may be in three texts or in most of them (package search).
// SQLite plans every statement for its values anyway; there Replan is
// dropped.
var Replan = replan{}

type replan struct{}

// options turns Replan, if args starts with it, into what the driver
// understands.
func (db *DB) options(args []any) []any {
	if len(args) == 0 {
		return args
	}
	if _, ok := args[0].(replan); !ok {
		return args
	}
	if db.Dialect == Postgres {
		// An unnamed statement, planned with its values at every run; pgx
		// still caches its description, so it costs no extra round trip.
		return append([]any{pgx.QueryExecModeCacheDescribe}, args[1:]...)
	}
	return args[1:]
}

// Query runs a query on the reader pool, or in the transaction.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	args = bindArgs(args)
	record(ctx, q, args)
	args = db.options(args)
	var rows *sql.Rows
	var err error
	if db.tx != nil {
		rows, err = db.tx.QueryContext(ctx, q, args...)
	} else {
		rows, err = db.reader.QueryContext(ctx, q, args...)
	}
	return rows, normalize(err)
}

// IDs runs a query of one integer column and returns its values, read to
// the end and closed, so that the caller may write in the same
// transaction at once (SQLite's one connection is free again). A writing
// statement (UPDATE … RETURNING id) must run inside Transact.
func (db *DB) IDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, normalize(rows.Err())
}

// In appends ids to args as placeholders and returns the list for an
// IN clause, "($3, $4, …)", numbered after the arguments already in args.
// ids must not be empty.
func In(args []any, ids []int64) (string, []any) {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, id)
		fmt.Fprintf(&b, "$%d", len(args))
	}
	b.WriteByte(')')
	return b.String(), args
}

// QueryRow runs a query expected to return at most one row. Outside a
// transaction it reads from the reader pool, so a statement that writes
// (INSERT … RETURNING) must run inside Transact or through WriteRow.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *Row {
	args = bindArgs(args)
	record(ctx, q, args)
	args = db.options(args)
	if db.tx != nil {
		return &Row{db.tx.QueryRowContext(ctx, q, args...)}
	}
	return &Row{db.reader.QueryRowContext(ctx, q, args...)}
}

// WriteRow runs a writing statement that returns one row (INSERT …
// RETURNING) on the writer.
func (db *DB) WriteRow(ctx context.Context, q string, args ...any) *Row {
	args = bindArgs(args)
	record(ctx, q, args)
	if db.tx != nil {
		return &Row{db.tx.QueryRowContext(ctx, q, args...)}
	}
	return &Row{db.writer.QueryRowContext(ctx, q, args...)}
}

// Row wraps sql.Row so that Scan's errors are normalised too.
type Row struct{ row *sql.Row }

// Scan copies the row's columns into dest; it returns ErrNotFound
// (sql.ErrNoRows) when there was no row and ErrConflict for a unique
// violation raised by an INSERT … RETURNING.
func (r *Row) Scan(dest ...any) error { return normalize(r.row.Scan(dest...)) }

// Transact runs fn in a transaction on the writer, committing if fn
// returns nil and rolling back otherwise. Inside fn use only tx: writing
// through the outer db would wait forever for SQLite's single writer.
// Nested calls run fn in the enclosing transaction.
func (db *DB) Transact(ctx context.Context, fn func(tx *DB) error) (err error) {
	if db.tx != nil {
		return fn(db)
	}
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", normalize(err))
	}
	var after []func()
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if cerr := sqlTx.Commit(); cerr != nil {
			err = fmt.Errorf("sqldb: commit: %w", normalize(cerr))
			return
		}
		for _, f := range after {
			f()
		}
	}()
	return fn(&DB{Dialect: db.Dialect, reader: db.reader, writer: db.writer, tx: sqlTx, after: &after, url: db.url})
}

// bindArgs makes argument values mean the same on both databases: times
// become UTC with microsecond precision.
func bindArgs(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = v.UTC().Truncate(time.Microsecond)
		case *time.Time:
			if v != nil {
				args[i] = v.UTC().Truncate(time.Microsecond)
			} else {
				args[i] = nil
			}
		}
	}
	return args
}

// normalize maps driver errors to this package's sentinels, keeping the
// original error in the chain for logs.
func normalize(err error) error {
	if err == nil {
		return nil
	}
	if Unavailable(err) {
		return Classify(err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrConflict, sqliteErr.Error())
		}
	}
	return err
}

// Listen runs LISTEN channel on a connection of pool (a SessionPool) and
// calls fn with the payload of each notification, in order, until ctx
// ends or the connection fails, and returns why. ready is called once
// the LISTEN is in place: a NOTIFY sent after that is heard. The
// connection is closed at the end, never handed back to the pool.
func Listen(ctx context.Context, pool *sql.DB, channel string, ready func(), fn func(payload string)) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return Classify(err)
	}
	defer conn.Close()
	var failed error
	conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			failed = fmt.Errorf("sqldb: LISTEN needs a PostgreSQL connection, not %T", dc)
			return driver.ErrBadConn
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			failed = Classify(err)
			return driver.ErrBadConn
		}
		ready()
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				failed = Classify(err)
				return driver.ErrBadConn // closed: it holds a LISTEN
			}
			fn(n.Payload)
		}
	})
	return failed
}
