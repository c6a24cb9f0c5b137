package seed

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// bigTables are the tables that grow with the applications: reading one
// whole is what a list must never do.
var bigTables = []string{"applications", "candidates", "messages", "review_assignments", "reviews"}

// bigAliases are the names the lists' SQL gives those tables, as SQLite's
// plans name them.
var bigAliases = []string{"a", "c", "m", "r", "v"}

// maxSorted is how many rows a list may sort, or pass over, rather than
// read a page in its index's order: a few pages, where the filter leaves
// that few (a small job's tab), which PostgreSQL rightly sorts. What a plan
// must never do is sort a large job's rows, or skip other jobs' rows, for
// one page.
const maxSorted = 200

// Problems checks the plan of one statement of list l, as Explain or
// ExplainGeneric gave it, and returns what is wrong with it: reading a big
// table whole; walking a primary key other than to fetch rows by id;
// sorting, or filtering out, more than a few pages of rows (unless l sorts
// by design); reading in order down none of l's indexes. PostgreSQL may
// sort a few rows instead of reading them in order: that is no problem.
//
// A statement of a Counts list sent with Replan (planned for its values
// each time) may read down any index, and may walk a few ids of a primary
// key when the plan ran (EXPLAIN ANALYZE) and read few rows; every other
// statement is held to the rules above.
func (l List) Problems(d sqldb.Dialect, st sqldb.Statement, plan []string) []string {
	counts := l.Counts && st.Replan
	if d == sqldb.Postgres {
		return pgProblems(l, counts, plan)
	}
	return sqliteProblems(l, counts, plan)
}

func usesOneOf(d sqldb.Dialect, plan []string, indexes []string) bool {
	for _, line := range plan {
		for _, idx := range indexes {
			if d == sqldb.Postgres && (strings.Contains(line, " using "+idx+" on ") || strings.Contains(line, " on "+idx+" ")) {
				return true
			}
			if d == sqldb.SQLite && (strings.Contains(line, " INDEX "+idx+" ") || strings.HasSuffix(line, " INDEX "+idx)) {
				return true
			}
		}
	}
	return false
}

var pgNode = regexp.MustCompile(`^\s*(?:->\s+)?([A-Z][A-Za-z ]+?)(?: Backward)?(?: using (\S+))? on (\S+)`)

// pgProblems reads a PostgreSQL plan (EXPLAIN's text format) node by node.
func pgProblems(l List, counts bool, plan []string) []string {
	var out []string
	sorts := false
	for i, line := range plan {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "->"))
		if strings.HasPrefix(t, "Sort ") || strings.HasPrefix(t, "Incremental Sort ") {
			sorts = true
			if n := planRows(t); !l.Sorts && n > maxSorted {
				out = append(out, fmt.Sprintf("sorts %d rows: %s", n, t))
			}
		}
		if strings.HasPrefix(t, "Rows Removed by Filter: ") {
			n, _ := strconv.Atoi(strings.TrimPrefix(t, "Rows Removed by Filter: "))
			if at := strings.TrimSpace(plan[node(plan, i)]); n > maxSorted && onBigTable(at) {
				out = append(out, fmt.Sprintf("passes over %d rows: %s", n, at))
			}
		}
		m := pgNode.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		// "Index Scan using X on table", or "Bitmap Index Scan on X".
		kind, index, table := m[1], m[2], m[3]
		if index == "" && strings.HasSuffix(table, "_pkey") {
			index, table = table, strings.TrimSuffix(table, "_pkey")
		}
		if !slices.Contains(bigTables, table) {
			continue
		}
		switch {
		case kind == "Seq Scan":
			out = append(out, "reads all of "+table+": "+t)
		case index == table+"_pkey" && !strings.Contains(cond(plan, i), "(id = ") &&
			!(counts && strings.Contains(t, "actual time=") && planRows(t) <= maxSorted):
			// A count planned for its values may rightly walk the few
			// newest ids (the newest application of all); the rows
			// it passes over are checked above.
			out = append(out, "walks the primary key: "+t)
		}
	}
	if !sorts && !counts && !usesOneOf(sqldb.Postgres, plan, l.Indexes) {
		out = append(out, fmt.Sprintf("reads in order down none of %s", strings.Join(l.Indexes, ", ")))
	}
	return out
}

// onBigTable says whether a plan node reads one of bigTables: passing
// over the rows of a small table (the counts, a few per job) is cheaper
// than an index, and PostgreSQL rightly does so.
func onBigTable(node string) bool {
	m := pgNode.FindStringSubmatch(node)
	return m != nil && (slices.Contains(bigTables, m[3]) || slices.Contains(bigTables, strings.TrimSuffix(m[3], "_pkey")))
}

var rowsRe = regexp.MustCompile(`rows=(\d+)`)

// planRows is how many rows a plan node handles: the actual count when
// the plan was run (EXPLAIN ANALYZE's second rows=), else the estimate.
func planRows(node string) int {
	m := rowsRe.FindAllStringSubmatch(node, -1)
	if len(m) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

// node is the line of the plan node that line i describes.
func node(plan []string, i int) int {
	for j := i; j > 0; j-- {
		if strings.HasPrefix(strings.TrimSpace(plan[j]), "->") {
			return j
		}
	}
	return 0
}

// cond is the Index Cond of the plan node on line i, or "".
func cond(plan []string, i int) string {
	depth := indent(plan[i])
	for _, line := range plan[i+1:] {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "->") || indent(line) <= depth {
			return ""
		}
		if strings.HasPrefix(t, "Index Cond:") {
			return t
		}
	}
	return ""
}

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// sqliteProblems reads a SQLite plan (EXPLAIN QUERY PLAN's details).
// SQLite plans every statement for its values, and is told the index of
// an application list, so the index is checked without exception.
func sqliteProblems(l List, counts bool, plan []string) []string {
	var out []string
	for _, line := range plan {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		big := slices.Contains(bigTables, f[1]) || slices.Contains(bigAliases, f[1])
		switch {
		case f[0] == "SCAN" && big:
			out = append(out, "reads all of "+f[1]+": "+line)
		case f[0] == "SEARCH" && big && strings.Contains(line, "INTEGER PRIMARY KEY") && !strings.Contains(line, "(rowid=?)"):
			out = append(out, "walks the primary key: "+line)
		case !l.Sorts && strings.HasPrefix(line, "USE TEMP B-TREE FOR") && strings.HasSuffix(line, "ORDER BY"):
			out = append(out, "sorts: "+line)
		}
	}
	if !counts && !usesOneOf(sqldb.SQLite, plan, l.Indexes) {
		out = append(out, fmt.Sprintf("reads down none of %s", strings.Join(l.Indexes, ", ")))
	}
	return out
}
