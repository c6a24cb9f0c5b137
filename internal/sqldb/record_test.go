package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

// TestRecordStatements records what runs under a recording context, as
// bound (times in UTC), and nothing else; the recorded statement explains
// with its own arguments, its generic plan too.
func TestRecordStatements(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	if _, err := db.Exec(ctx, `INSERT INTO organizations (name, created_at) VALUES ($1, $2)`, "Unrecorded", at); err != nil {
		t.Fatal(err)
	}
	var rec sqldb.Recorder
	rctx := sqldb.Record(ctx, &rec)
	if _, err := db.Exec(rctx, `INSERT INTO organizations (name, created_at) VALUES ($1, $2)`, "O'Brien & Co", at); err != nil {
		t.Fatal(err)
	}
	var n int
	const count = `SELECT COUNT(*) FROM organizations WHERE created_at >= $1 AND name <> $2`
	if err := db.QueryRow(rctx, count, sqldb.Replan, at, "none").Scan(&n); err != nil || n != 2 {
		t.Fatalf("count = %d, %v; want 2", n, err)
	}
	err := db.Transact(rctx, func(tx *sqldb.DB) error {
		rows, err := tx.Query(ctx, `SELECT id FROM organizations WHERE name = $1`, "not recorded: a context of its own")
		if err == nil {
			rows.Close()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	bound := at.UTC().Truncate(time.Microsecond)
	want := []sqldb.Statement{
		{SQL: `INSERT INTO organizations (name, created_at) VALUES ($1, $2)`, Args: []any{"O'Brien & Co", bound}},
		{SQL: count, Args: []any{bound, "none"}, Replan: true},
	}
	if diff := cmp.Diff(want, rec.Statements()); diff != "" {
		t.Errorf("recorded (-want +got):\n%s", diff)
	}
	st := rec.Statements()[1]
	for name, explain := range map[string]func(context.Context, sqldb.Statement) ([]string, error){
		"Explain": db.Explain, "ExplainGeneric": db.ExplainGeneric} {
		plan, err := explain(ctx, st)
		if err != nil || len(plan) == 0 {
			t.Errorf("%s: %q, %v", name, plan, err)
		}
		if name == "ExplainGeneric" && db.Dialect == sqldb.Postgres && !strings.Contains(strings.Join(plan, "\n"), "$1") {
			t.Errorf("the generic plan names no parameter:\n%s", strings.Join(plan, "\n"))
		}
	}
	rec.Reset()
	if got := rec.Statements(); len(got) != 0 {
		t.Errorf("after Reset: %v", got)
	}
}
