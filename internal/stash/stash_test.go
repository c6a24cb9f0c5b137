package stash_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/stash"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

type links struct{ URLs []string }

// TestSealedForItsOwner: a stash opens for its owner with its key within
// its time, and for nobody else: not another member, not another key, not
// after it expired; the database never holds what it says.
func TestSealedForItsOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	s := stash.New(db)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	const secret = "https://example.com/c/very-secret-token"
	id, key, err := s.Put(ctx, 7, links{URLs: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	var got links
	if err := s.Get(ctx, 7, id, key, &got); err != nil || len(got.URLs) != 1 || got.URLs[0] != secret {
		t.Fatalf("owner's get: %v %+v", err, got)
	}
	var raw string
	if err := db.QueryRow(ctx, `SELECT sealed FROM stashes WHERE id = $1`, id).Scan(&raw); err != nil || strings.Contains(raw, "secret") {
		t.Errorf("the database holds %q (%v)", raw, err)
	}
	_, otherKey, err := s.Put(ctx, 7, links{})
	if err != nil {
		t.Fatal(err)
	}
	for name, try := range map[string]func() error{
		"another member": func() error { return s.Get(ctx, 8, id, key, &got) },
		"another key":    func() error { return s.Get(ctx, 7, id, otherKey, &got) },
		"a broken key":   func() error { return s.Get(ctx, 7, id, "not base64!", &got) },
		"an unknown id":  func() error { return s.Get(ctx, 7, "00", key, &got) },
	} {
		if err := try(); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	now = now.Add(stash.TTL)
	if err := s.Get(ctx, 7, id, key, &got); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("after %v: %v, want not found", stash.TTL, err)
	}
	// The next Put clears what expired.
	if _, _, err := s.Put(ctx, 7, links{}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM stashes WHERE id = $1`, id).Scan(&n); err != nil || n != 0 {
		t.Errorf("an expired stash is still kept: %d (%v)", n, err)
	}
}
