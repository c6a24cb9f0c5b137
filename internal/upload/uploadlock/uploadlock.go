// Package uploadlock holds the locks that keep two requests from writing
// one tus upload at once (tusd's handler.Locker): in this process alone
// (Local, for SQLite, where one serve process runs), or across every
// process sharing a PostgreSQL database (Postgres), so that any number of
// serve processes behind a load balancer take uploads, on the disk store
// and on S3.
//
// Both follow one rule when the lock is held. A request that reads or
// ends the upload (HEAD, DELETE; the handler marks it with WithTakeover)
// asks the holder to let go, as tusd's locks do: the holder stops reading
// its body, keeps what arrived and answers that another request took
// over, and the newcomer goes ahead. That is how a client resumes at once
// after losing a connection the server has not noticed yet: it asks for
// the offset, and the dangling request gives way. A PATCH is refused at
// once with 423 Locked instead: two writers of one upload are two tabs or
// a duplicated request, and the one already writing is the one to keep,
// so that exactly one is acknowledged and the other is told to ask for
// the offset and try again (clients retry on 423).
package uploadlock

import (
	"context"
	"net/http"
	"sync"

	tusd "github.com/tus/tusd/v2/pkg/handler"
)

type takeoverKey struct{}

// WithTakeover marks a request that may ask the holder of its upload's
// lock to let go.
func WithTakeover(ctx context.Context) context.Context {
	return context.WithValue(ctx, takeoverKey{}, true)
}

// WithoutTakeover marks a request that must not ask the holder to let
// go, whatever its method.
func WithoutTakeover(ctx context.Context) context.Context {
	return context.WithValue(ctx, takeoverKey{}, false)
}

// takeover reports whether ctx's request may ask the holder to let go.
func takeover(ctx context.Context) bool {
	v, _ := ctx.Value(takeoverKey{}).(bool)
	return v
}

// ErrLocked is the answer to a PATCH while another request writes the
// upload, and to any request that waited for the lock in vain: 423, in
// the API's JSON error shape. The client asks for the offset and tries
// again.
var ErrLocked = tusd.Error{ErrorCode: "locked", Message: "another request is writing to this upload; ask for its offset (HEAD) and try again in a moment",
	HTTPResponse: tusd.HTTPResponse{StatusCode: http.StatusLocked,
		Body:   `{"error":{"code":"locked","message":"another request is writing to this upload; ask for its offset (HEAD) and try again in a moment"}}` + "\n",
		Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}

// Local is a Locker for one process.
type Local struct {
	mu   sync.Mutex
	held map[string]*localEntry
}

type localEntry struct {
	release  func()
	released chan struct{}
}

// NewLocal returns a Locker for one process.
func NewLocal() *Local { return &Local{held: map[string]*localEntry{}} }

// NewLock returns the lock of upload id.
func (l *Local) NewLock(id string) (tusd.Lock, error) { return &localLock{l: l, id: id}, nil }

type localLock struct {
	l  *Local
	id string
	e  *localEntry
}

// Lock takes the lock; see the package's doc for what happens when it is
// held.
func (k *localLock) Lock(ctx context.Context, requestRelease func()) error {
	for {
		k.l.mu.Lock()
		e := k.l.held[k.id]
		if e == nil {
			k.e = &localEntry{release: requestRelease, released: make(chan struct{})}
			k.l.held[k.id] = k.e
			k.l.mu.Unlock()
			return nil
		}
		k.l.mu.Unlock()
		if !takeover(ctx) {
			return ErrLocked
		}
		e.release()
		select {
		case <-ctx.Done():
			return ErrLocked
		case <-e.released:
		}
	}
}

// Unlock lets the lock go.
func (k *localLock) Unlock() error {
	k.l.mu.Lock()
	if k.l.held[k.id] == k.e {
		delete(k.l.held, k.id)
	}
	k.l.mu.Unlock()
	close(k.e.released)
	return nil
}
