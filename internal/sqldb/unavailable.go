package sqldb

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/anyhour/anyhour/internal/apperr"
)

// ErrUnavailable is what a request gets when the database cannot serve it
// for a passing reason: the pages and the API answer 503 with Retry-After,
// and the message says to try again, never where the database is.
var ErrUnavailable = &apperr.Error{Kind: apperr.ErrUnavailable,
	Message: "anyhour cannot reach its database just now; please try again in a few seconds"}

// ErrDiskFull is ErrUnavailable for a database whose disk is full: a
// write fails whole (SQLite and PostgreSQL roll it back), nothing the
// database acknowledged before is lost, and writes work again once space
// is freed, without a restart.
var ErrDiskFull = &apperr.Error{Kind: apperr.ErrUnavailable,
	Message: "anyhour's disk is full just now, so this was not saved; please try again in a few minutes"}

// Unavailable reports whether err is a passing fault of the database
// rather than of the request: PostgreSQL unreachable, restarting, out of
// connections or cut off mid-query; SQLite's disk full, failing or its
// writer busy past the timeout.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, apperr.ErrUnavailable) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutting down, crashed, starting up
			return true
		case pgErr.Code == "53300", pgErr.Code == "53100": // too many connections, disk full
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() & 0xff { // the primary code
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_CANTOPEN:
			return true
		}
		return false
	}
	var netErr *net.OpError
	return errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "failed to connect")
}

// Classify returns err marked as ErrUnavailable when it is a passing fault
// of the database (Unavailable), keeping the driver's error in the chain
// for logs, and err itself otherwise.
func Classify(err error) error {
	if err == nil || errors.Is(err, apperr.ErrUnavailable) || !Unavailable(err) {
		return err
	}
	if diskFull(err) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// diskFull reports whether err says the database's disk is full.
func diskFull(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "53100"
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteErr.Code()&0xff == sqlite3.SQLITE_FULL
	}
	return errors.Is(err, syscall.ENOSPC)
}
