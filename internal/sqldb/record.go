package sqldb

import (
	"context"
	"slices"
	"sync"
)

// Statement is one statement as a DB method sent it: its SQL text and the
// arguments bound to it, after the conversions every argument goes
// through (times in UTC, to the microsecond) and without Replan.
type Statement struct {
	SQL  string
	Args []any
	// Replan says the statement was sent with Replan: PostgreSQL planned
	// it for these values, rather than perhaps keeping a generic plan.
	Replan bool
}

// Recorder collects the statements run with a context that Record made.
// A benchmark or a test calls a service with such a context, then
// explains the statements the service really sent, with its values,
// instead of a copy of its SQL that could drift from it.
type Recorder struct {
	mu         sync.Mutex
	statements []Statement
}

type recorderKey struct{}

// Record returns a context under which every statement run through a DB
// is added to rec.
func Record(ctx context.Context, rec *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, rec)
}

// Statements returns what was recorded so far, oldest first.
func (r *Recorder) Statements() []Statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.statements)
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.statements = nil
	r.mu.Unlock()
}

// record adds q to the context's recorder, if it has one. args are as
// bound (bindArgs done), and may start with Replan.
func record(ctx context.Context, q string, args []any) {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	if r == nil {
		return
	}
	st := Statement{SQL: q}
	if len(args) > 0 {
		if _, ok := args[0].(replan); ok {
			st.Replan, args = true, args[1:]
		}
	}
	st.Args = slices.Clone(args)
	r.mu.Lock()
	r.statements = append(r.statements, st)
	r.mu.Unlock()
}
