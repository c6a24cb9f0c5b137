package sqldb

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Explain returns the plan of a recorded statement, run with its own
// arguments: EXPLAIN QUERY PLAN on SQLite; on PostgreSQL, EXPLAIN
// (ANALYZE, BUFFERS), which runs it (use it on reads). It is for
// benchmarks and tests, which check that a statement is read down the
// index meant for it.
func (db *DB) Explain(ctx context.Context, st Statement) ([]string, error) {
	if db.Dialect == Postgres {
		return db.explainLines(ctx, `EXPLAIN (ANALYZE, BUFFERS) `+st.SQL, st.Args)
	}
	return db.explainLines(ctx, `EXPLAIN QUERY PLAN `+st.SQL, st.Args)
}

// ExplainGeneric returns, on PostgreSQL, the generic plan of a recorded
// statement: the one made for any values, which PostgreSQL may settle on
// for a statement prepared once and run many times, as pgx runs them
// (unless it was sent with Replan). SQLite has no such plan; there it is
// Explain.
func (db *DB) ExplainGeneric(ctx context.Context, st Statement) (_ []string, err error) {
	if db.Dialect != Postgres {
		return db.Explain(ctx, st)
	}
	conn, err := db.reader.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PREPARE anyhour_explained AS `+st.SQL); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DEALLOCATE anyhour_explained`)
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `RESET plan_cache_mode`)
	var lits []string
	for _, a := range st.Args {
		l, err := literal(a)
		if err != nil {
			return nil, err
		}
		lits = append(lits, l)
	}
	q := `EXPLAIN EXECUTE anyhour_explained`
	if len(lits) > 0 {
		q += `(` + strings.Join(lits, ", ") + `)`
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	return lines, rows.Err()
}

func (db *DB) explainLines(ctx context.Context, q string, args []any) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		if db.Dialect == Postgres {
			var l string
			if err := rows.Scan(&l); err != nil {
				return nil, err
			}
			lines = append(lines, l)
			continue
		}
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		lines = append(lines, detail)
	}
	return lines, rows.Err()
}

// literal writes v as a PostgreSQL literal of unknown type, which EXECUTE
// turns into the type of the statement's parameter.
func literal(v any) (string, error) {
	quote := func(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
	if v == nil {
		return "NULL", nil
	}
	switch x := v.(type) {
	case time.Time:
		return quote(x.Format(time.RFC3339Nano)), nil
	case []byte:
		return `'\x` + fmt.Sprintf("%x", x) + `'`, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return "NULL", nil
		}
		return literal(rv.Elem().Interface())
	case reflect.String:
		return quote(rv.String()), nil
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return quote(fmt.Sprint(v)), nil
	case reflect.Slice:
		var els []string
		for i := 0; i < rv.Len(); i++ {
			e := fmt.Sprint(rv.Index(i).Interface())
			if rv.Index(i).Kind() == reflect.String {
				e = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(e) + `"`
			}
			els = append(els, e)
		}
		return quote("{" + strings.Join(els, ",") + "}"), nil
	}
	return "", fmt.Errorf("sqldb: cannot write %T as a literal", v)
}
