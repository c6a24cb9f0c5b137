package domain_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/seed"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// TestListPlansOnSkewedData seeds each skewed shape at a few thousand
// applications, has the planner read the tables (ANALYZE), then records
// every statement each list sends and checks its plan, with the values
// it was sent with: read down the list's index, never the whole table,
// never walking the primary key (the plan that read 78,000 rows for one
// page of an old job on PostgreSQL), and no sort but where the list
// sorts by design. On PostgreSQL the generic plan, which a statement
// prepared once may settle on, is checked too. The plans, not the times:
// make bench times them at 1k and 100k.
func TestListPlansOnSkewedData(t *testing.T) {
	ctx := context.Background()
	for _, shape := range seed.Shapes {
		t.Run(string(shape), func(t *testing.T) {
			db := sqldbtest.Open(t)
			svc := domaintest.New(t, db)
			w, err := seed.New(ctx, db, svc, shape, planSize(db.Dialect), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			lists, err := w.Lists(ctx, svc)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lists {
				t.Run(l.Name, func(t *testing.T) {
					var rec sqldb.Recorder
					if _, err := l.Run(sqldb.Record(ctx, &rec)); err != nil {
						t.Fatal(err)
					}
					sts := rec.Statements()
					if len(sts) == 0 {
						t.Fatal("the list sent no statement")
					}
					for _, st := range sts {
						checkPlan(t, db, l, st, "", db.Explain)
						if db.Dialect == sqldb.Postgres && !st.Replan {
							checkPlan(t, db, l, st, "generic ", db.ExplainGeneric)
						}
					}
				})
			}
		})
	}
}

// planSize is how many applications the plans are checked at. SQLite is
// told which index a list is read down, so a few thousand show it.
// PostgreSQL chooses, and reads tables of a few thousand rows whole and
// sorts them, as it should at that size and would not at 100k: at 20,000
// its choices are those it makes on a large database.
func planSize(d sqldb.Dialect) int {
	if d == sqldb.Postgres {
		return 20_000
	}
	return 4_000
}

func checkPlan(t *testing.T, db *sqldb.DB, l seed.List, st sqldb.Statement, kind string,
	explain func(context.Context, sqldb.Statement) ([]string, error)) {
	t.Helper()
	plan, err := explain(context.Background(), st)
	if err != nil {
		t.Fatalf("explain %s: %v", st.SQL, err)
	}
	if problems := l.Problems(db.Dialect, st, plan); len(problems) > 0 {
		t.Errorf("%splan of %s\nwith %v:\n  %s\n%s", kind, strings.Join(strings.Fields(st.SQL), " "), st.Args,
			strings.Join(plan, "\n  "), strings.Join(problems, "\n"))
	}
}
