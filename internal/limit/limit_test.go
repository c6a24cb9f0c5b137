package limit_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/limit"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// twoProcesses returns two stores over two handles on one database, as
// two anyhour processes have, and the first handle for looking.
func twoProcesses(t *testing.T) (*sqldb.DB, *limit.Store, *limit.Store) {
	t.Helper()
	db, u := sqldbtest.OpenURL(t)
	other, err := sqldb.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return db, limit.New(db), limit.New(other)
}

func counts(t *testing.T, db *sqldb.DB, scope string) map[string]int {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT key, n FROM rate_limits WHERE scope = $1`, scope)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

// TestBurstAcrossProcessesGetsExactlyMax: 40 uses at once, half through
// each of two processes, from four addresses against one email: exactly
// the email's 10 are allowed, and a refused use counts against none of
// its keys (the addresses' counts add up to the 10).
func TestBurstAcrossProcessesGetsExactlyMax(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, a, b := twoProcesses(t)
	rule := limit.Rule{Scope: "sign_in", Max: 10, Window: 15 * time.Minute}
	now := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := range 40 {
		store := a
		if i%2 == 1 {
			store = b
		}
		wg.Go(func() {
			_, ok, err := store.Take(ctx, now, rule, fmt.Sprintf("ip:192.0.2.%d", i%4), "email:olivia@acme.example")
			if err != nil {
				t.Errorf("take %d: %v", i, err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 10 {
		t.Errorf("%d of 40 uses at once were allowed, want exactly 10", allowed)
	}
	c := counts(t, db, "sign_in")
	ips := 0
	for k, n := range c {
		if strings.HasPrefix(k, "ip:") {
			ips += n
		}
	}
	if c["email:olivia@acme.example"] != 10 || ips != 10 {
		t.Errorf("counts after the burst: %v; want the email at 10 and the addresses adding up to 10", c)
	}
}

// TestWindowAndGiveBack: a full window refuses until it ends; a use given
// back makes room in its own window, and one given back after its window
// ended takes nothing from the next.
func TestWindowAndGiveBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, s, _ := twoProcesses(t)
	rule := limit.Rule{Scope: "runs", Max: 3, Window: time.Minute}
	t0 := time.Now()
	take := func(at time.Time) (limit.Taken, bool) {
		t.Helper()
		tk, ok, err := s.Take(ctx, at, rule, "app:7")
		if err != nil {
			t.Fatal(err)
		}
		return tk, ok
	}
	first, _ := take(t0)
	take(t0.Add(10 * time.Second))
	take(t0.Add(20 * time.Second))
	if _, ok := take(t0.Add(59 * time.Second)); ok {
		t.Errorf("a fourth use in the window was allowed")
	}
	if err := first.Give(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := take(t0.Add(59 * time.Second)); !ok {
		t.Errorf("a use given back did not make room")
	}
	if _, ok := take(t0.Add(59 * time.Second)); ok {
		t.Errorf("one use given back made room for two")
	}
	last, ok := take(t0.Add(time.Minute))
	if !ok {
		t.Fatalf("the window's end did not free the key")
	}
	// A use of the old window given back now leaves the new one alone.
	if err := first.Give(ctx); err != nil {
		t.Fatal(err)
	}
	if c := counts(t, db, "runs"); c["app:7"] != 1 {
		t.Errorf("after a new window and a stale give-back: %v, want 1", c)
	}
	if err := last.Give(ctx); err != nil {
		t.Fatal(err)
	}
	if err := (limit.Taken{}).Give(ctx); err != nil {
		t.Errorf("giving back nothing: %v", err)
	}
}

// TestLease: with Max 1 and uses given back, one holder at a time; a
// holder that never gives back (its process died) holds the key only
// until the window ends, and a clock jumped five minutes ahead frees it.
func TestLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, a, b := twoProcesses(t)
	t0 := time.Now()
	lease := limit.Rule{Scope: "run", Max: 1, Window: 3 * time.Minute}
	held, ok, err := a.Take(ctx, t0, lease, "42")
	if err != nil || !ok {
		t.Fatalf("first holder: %v %v", ok, err)
	}
	if _, ok, _ := b.Take(ctx, t0.Add(time.Second), lease, "42"); ok {
		t.Errorf("a second holder while the first holds")
	}
	if err := held.Give(ctx); err != nil {
		t.Fatal(err)
	}
	second, ok, err := b.Take(ctx, t0.Add(2*time.Minute), lease, "42")
	if err != nil || !ok {
		t.Fatalf("after the first gave back: %v %v", ok, err)
	}
	// The second's lease runs from its own start, not the first's.
	if _, ok, _ := a.Take(ctx, t0.Add(4*time.Minute), lease, "42"); ok {
		t.Errorf("the second holder's lease ended with the first's window")
	}
	_ = second // its process dies: never given back
	if _, ok, _ := a.Take(ctx, t0.Add(2*time.Minute+5*time.Minute), lease, "42"); !ok {
		t.Errorf("a clock five minutes on did not free a dead holder's key")
	}
}

// TestKeysOfAnyBytes: keys come from what people type; a very long one,
// one that is not UTF-8 and one with a NUL are counted like any other,
// and apart from each other, on both databases.
func TestKeysOfAnyBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, s, _ := twoProcesses(t)
	rule := limit.Rule{Scope: "odd", Max: 1, Window: time.Minute}
	now := time.Now()
	for _, k := range []string{strings.Repeat("a", 100_000), strings.Repeat("a", 100_001), "email:\xff\xfe", "email:a\x00b", "sha256:" + strings.Repeat("0", 64)} {
		if _, ok, err := s.Take(ctx, now, rule, k); err != nil || !ok {
			t.Errorf("first use of %.20q: %v %v", k, ok, err)
		}
		if _, ok, err := s.Take(ctx, now, rule, k); err != nil || ok {
			t.Errorf("second use of %.20q: %v %v, want refused", k, ok, err)
		}
	}
}

// TestPrune: windows that ended are removed, open ones kept.
func TestPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, s, _ := twoProcesses(t)
	t0 := time.Now()
	short := limit.Rule{Scope: "short", Max: 5, Window: time.Minute}
	long := limit.Rule{Scope: "long", Max: 5, Window: time.Hour}
	for i := range 5 {
		s.Take(ctx, t0, short, fmt.Sprint("k", i))
		s.Take(ctx, t0, long, fmt.Sprint("k", i))
	}
	n, err := s.Prune(ctx, t0.Add(5*time.Minute))
	if err != nil || n != 5 {
		t.Errorf("pruned %d (%v), want the 5 ended windows", n, err)
	}
	if c := counts(t, db, "short"); len(c) != 0 {
		t.Errorf("ended windows left: %v", c)
	}
	if c := counts(t, db, "long"); len(c) != 5 {
		t.Errorf("open windows: %v, want 5", c)
	}
}

func TestBadRule(t *testing.T) {
	t.Parallel()
	_, s, _ := twoProcesses(t)
	if _, _, err := s.Take(context.Background(), time.Now(), limit.Rule{Scope: "x", Max: 0, Window: time.Minute}, "k"); err == nil {
		t.Errorf("a rule allowing nothing was taken")
	}
}

// BenchmarkSignInCost is what the limit adds to a sign-in that works: a
// use of two keys taken, then given back.
func BenchmarkSignInCost(b *testing.B) {
	ctx := context.Background()
	s := limit.New(sqldbtest.Open(b))
	rule := limit.Rule{Scope: "sign_in", Max: 10, Window: 15 * time.Minute}
	now := time.Now()
	for i := 0; b.Loop(); i++ {
		tk, ok, err := s.Take(ctx, now, rule, fmt.Sprint("ip:192.0.2.", i%250), "email:olivia@acme.example")
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		if err := tk.Give(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
