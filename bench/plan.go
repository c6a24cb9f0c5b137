package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// printPlans runs each of w's lists once with a recording context, then
// writes every statement the service sent, its arguments and its plan:
// EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite,
// with what seed.List.Problems finds wrong in it marked. On PostgreSQL the
// generic plan, the one a prepared statement may settle on, is checked too
// and shown if it is wrong. It returns how many statements were marked.
func (w *world) printPlans(ctx context.Context, out io.Writer) (int, error) {
	marked := 0
	fmt.Fprintf(out, "\n== %s, %s, %d applications: the statements each list sends, and their plans\n", dbLabel(w.db), w.shape, w.size)
	for _, l := range w.lists {
		var rec sqldb.Recorder
		if _, err := l.Run(sqldb.Record(ctx, &rec)); err != nil {
			return marked, fmt.Errorf("%s: %w", l.Name, err)
		}
		fmt.Fprintf(out, "\n-- %s\n", l.Name)
		for _, st := range rec.Statements() {
			fmt.Fprintf(out, "   %s\n   args: %s\n", strings.Join(strings.Fields(st.SQL), " "), args(st.Args))
			plan, err := w.sdb.Explain(ctx, st)
			if err != nil {
				return marked, fmt.Errorf("%s: explain: %w", l.Name, err)
			}
			problems := l.Problems(w.sdb.Dialect, st, plan)
			for _, line := range plan {
				fmt.Fprintf(out, "      %s\n", line)
			}
			if w.db == "postgres" && !st.Replan {
				generic, err := w.sdb.ExplainGeneric(ctx, st)
				if err != nil {
					return marked, fmt.Errorf("%s: explain the generic plan: %w", l.Name, err)
				}
				if p := l.Problems(w.sdb.Dialect, st, generic); len(p) > 0 {
					fmt.Fprintf(out, "      generic plan:\n")
					for _, line := range generic {
						fmt.Fprintf(out, "      %s\n", line)
					}
					problems = append(problems, p...)
				}
			}
			for _, p := range problems {
				fmt.Fprintf(out, "      <-- %s\n", p)
			}
			if len(problems) > 0 {
				marked++
			}
		}
	}
	return marked, nil
}

// args writes a statement's arguments the way a reader would type them.
func args(as []any) string {
	var out []string
	for i, a := range as {
		v := fmt.Sprintf("%v", a)
		switch x := a.(type) {
		case string:
			v = fmt.Sprintf("%q", x)
		case time.Time:
			v = x.Format(time.RFC3339Nano)
		case nil:
			v = "NULL"
		}
		out = append(out, fmt.Sprintf("$%d=%s", i+1, v))
	}
	return strings.Join(out, " ")
}
