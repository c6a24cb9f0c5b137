package queue

import (
	"fmt"
	"slices"
	"strings"
)

// pool is a Pool at run time. Only Run's loop takes its slots, so a pool
// the loop saw with a free slot still has one when the loop has claimed
// a task for it; the handlers free them.
type pool struct {
	name  string
	kinds []string // nil for the default pool
	slots chan struct{}
}

func newPool(name string, kinds []string, concurrency int) *pool {
	return &pool{name: name, kinds: slices.Clone(kinds), slots: make(chan struct{}, max(concurrency, 1))}
}

func (p *pool) hasFreeSlot() bool { return len(p.slots) < cap(p.slots) }

// poolFor returns the pool whose slots run tasks of kind.
func (w *Worker) poolFor(kind string) *pool {
	if p, ok := w.poolOf[kind]; ok {
		return p
	}
	return w.pools[len(w.pools)-1]
}

// kindFilter narrows a claim to the kinds listed, or with not to all
// the others. The zero value claims any kind.
type kindFilter struct {
	not   bool
	kinds []string
}

// sql returns the filter as a condition on t.kind for claimSQL, with its
// arguments numbered from $first.
func (f kindFilter) sql(first int) (string, []any) {
	if len(f.kinds) == 0 {
		return "", nil
	}
	ps := make([]string, len(f.kinds))
	args := make([]any, len(f.kinds))
	for i, k := range f.kinds {
		ps[i], args[i] = fmt.Sprintf("$%d", first+i), k
	}
	op := "IN"
	if f.not {
		op = "NOT IN"
	}
	return fmt.Sprintf("AND t.kind %s (%s)", op, strings.Join(ps, ", ")), args
}

// claimable says which kinds Run may claim now: those of the pools with
// a free slot. ok is false when no pool has one.
func (w *Worker) claimable() (f kindFilter, ok bool) {
	var open, full []string // kinds of the named pools
	for _, p := range w.pools[:len(w.pools)-1] {
		if p.hasFreeSlot() {
			open = append(open, p.kinds...)
		} else {
			full = append(full, p.kinds...)
		}
	}
	if w.pools[len(w.pools)-1].hasFreeSlot() {
		return kindFilter{not: true, kinds: full}, true
	}
	return kindFilter{kinds: open}, len(open) > 0
}
