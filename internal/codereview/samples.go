package codereview

import "github.com/anyhour/anyhour/internal/opening"

// Sample is a ready-made code-review task a team copies into an interview
// (and the demo uses).
type Sample struct {
	Key     string                 // "python-handler", "javascript-pagination", "go-cache"
	Title   string                 // the step's title
	Prompt  string                 // Markdown instructions to the candidate
	Minutes int                    // expected time, 30-45
	Task    opening.CodeReviewTask // Diff, Planted (with Explanation for reviewers), Tolerance 2
}

// reviewAsk closes every sample's prompt: what the candidate is to do.
const reviewAsk = "Review the change as you would a colleague's pull request: comment on the lines where " +
	"something is wrong or could be better, saying why and what you would do instead. " +
	"Then write a summary with your overall verdict: would you approve it as it is, or ask for changes first?"

// Samples are the ready-made tasks, in the order a team is offered them.
var Samples = []Sample{
	{
		Key:   "python-handler",
		Title: "Review: item search and deletion (Python, Flask)",
		Prompt: "Your colleague Sam has opened a pull request against the items API of a Flask app. Their description:\n\n" +
			"> **Add search and delete endpoints to the items API**\n" +
			">\n" +
			"> The mobile app needs two more things from the items API: finding items by title, and removing an item. " +
			"This adds `GET /api/items/search?q=…` (with optional `sort` and `limit` parameters) and " +
			"`DELETE /api/items/<id>`, with tests for both.\n\n" +
			"`get_db()` returns the request's SQLite connection (its rows read like dicts), and `@login_required` " +
			"answers 401 unless someone is signed in, as `current_user`.\n\n" +
			reviewAsk,
		Minutes: 35,
		Task: opening.CodeReviewTask{
			Diff: pythonHandlerDiff, Files: pythonHandlerFiles,
			Planted: []opening.Planted{
				{
					File: "app/items/views.py", Side: opening.SideNew, LineStart: 56, LineEnd: 57,
					Label:  "SQL injection in search: the query term is formatted into the SQL",
					Points: 5,
					Explanation: "The search term `q` goes into the SQL through an f-string, so a term such as `' OR 1=1 --` or a `UNION SELECT …` " +
						"reads (or, with other drivers, changes) any table. A good comment names SQL injection and asks for a bound parameter: " +
						"`WHERE title LIKE ?` with `(f\"%{q}%\", limit)`, escaping `%` and `_` in the term if literal matches matter. " +
						"The `sort` column is checked against a fixed list, so that part of the f-string is safe.",
				},
				{
					File: "app/items/views.py", Side: opening.SideNew, LineStart: 68, LineEnd: 70,
					Label:  "Missing ownership check: any signed-in user can delete anyone's item",
					Points: 5,
					Explanation: "delete_item checks that the item exists but not that it belongs to `current_user`, so any signed-in user " +
						"can delete other people's items just by trying ids. A good comment asks for an ownership (or admin) check before the DELETE, " +
						"e.g. `if row[\"owner_id\"] != current_user.id: abort(403)` (or 404, so as not to reveal that the item exists), " +
						"and for a test in which one user tries to delete another's item.",
				},
				{
					File: "app/items/views.py", Side: opening.SideNew, LineStart: 50, LineEnd: 50,
					Label:  "Search limit is neither validated nor capped",
					Points: 2,
					Explanation: "`int()` on the `limit` parameter raises ValueError for input such as `?limit=abc`, which becomes a 500, " +
						"and nothing caps it, so `?limit=10000000` returns every matching row in one response. " +
						"A good comment asks to parse it safely (e.g. `request.args.get(\"limit\", 50, type=int)`) and clamp it to a maximum such as 100.",
				},
			},
			Tolerance: 2,
		},
	},
	{
		Key:   "javascript-pagination",
		Title: "Review: monthly revenue report (JavaScript)",
		Prompt: "Your colleague Lena has opened a pull request for the finance dashboard. Their description:\n\n" +
			"> **Add the monthly revenue report**\n" +
			">\n" +
			"> Finance wants a report of how much each customer has spent, biggest spenders first. " +
			"This adds `fetchOrdersPage` to the orders API client, and a new `src/reports/revenue.js` that goes through " +
			"a customer's orders page by page, sums the ones that were not cancelled, and builds the report's rows.\n\n" +
			"The orders endpoint answers `{ items, total_count }` for one page; `request` (from `src/api/client.js`) " +
			"makes the HTTP call and resolves to the parsed JSON, or rejects on an error status.\n\n" +
			reviewAsk,
		Minutes: 30,
		Task: opening.CodeReviewTask{
			Diff: javascriptPaginationDiff, Files: javascriptPaginationFiles,
			Planted: []opening.Planted{
				{
					File: "src/reports/revenue.js", Side: opening.SideNew, LineStart: 15, LineEnd: 15,
					Label:  "Off-by-one: the last page of orders is never fetched",
					Points: 4,
					Explanation: "Pages are numbered from 1 and there are `pageCount` of them, so the loop must run while `page <= pageCount`; " +
						"with `<` the last page is skipped and every customer with more than one page of orders is under-counted. " +
						"A good comment points at the bound and asks for a test with exactly two pages (or a total that is a multiple of the page size).",
				},
				{
					File: "src/reports/revenue.js", Side: opening.SideNew, LineStart: 34, LineEnd: 35,
					Label:  "Unhandled promise: the report is built before the totals arrive, and errors are lost",
					Points: 5,
					Explanation: "`customerRevenue(id).then(…)` is neither awaited nor returned, so the function sorts and returns `totals` " +
						"while it is still empty (the report comes out empty), and a failed fetch becomes an unhandled rejection instead of failing the report. " +
						"A good comment asks to wait for the work, e.g. `await Promise.all(customerIds.map(async (id) => [id, await customerRevenue(id)]))`, " +
						"perhaps with a bound on concurrency, and to let errors reach the caller.",
				},
			},
			Tolerance: 2,
		},
	},
	{
		Key:   "go-cache",
		Title: "Review: cached log tail endpoint (Go)",
		Prompt: "Your colleague Ari has opened a pull request for an internal operations service written in Go. Their description:\n\n" +
			"> **Serve the tail of a log file, cached**\n" +
			">\n" +
			"> The ops dashboard shows the last lines of each log file and polls every few seconds. " +
			"This adds `GET /logs/{name}?n=100`, which answers the last `n` lines of the file as JSON. " +
			"To keep the polling cheap, the last 1000 lines of each file are kept in memory and only read again " +
			"when the file's modification time changes.\n\n" +
			"The service is built with Go 1.22 or later, so `ServeMux` patterns with a method and a `{name}` wildcard work.\n\n" +
			reviewAsk,
		Minutes: 40,
		Task: opening.CodeReviewTask{
			Diff: goCacheDiff, Files: goCacheFiles,
			Planted: []opening.Planted{
				{
					File: "internal/logview/tail.go", Side: opening.SideNew, LineStart: 37, LineEnd: 37,
					Label:  "Data race: the cache map is read without holding the mutex",
					Points: 5,
					Explanation: "net/http serves each request in its own goroutine, and `tail` reads `c.entries` without holding `c.mu` " +
						"while other requests write it under the lock: a concurrent map read and write, which the runtime may stop with " +
						"`fatal error: concurrent map read and map write`. A good comment asks to hold the lock for the lookup too " +
						"(or use a sync.RWMutex and RLock), and may mention that `go test -race` with parallel requests catches it.",
				},
				{
					File: "internal/logview/tail.go", Side: opening.SideNew, LineStart: 57, LineEnd: 59,
					Label:  "Leaked file handle when reading the file fails",
					Points: 4,
					Explanation: "When `lastLines` fails (bufio.ErrTooLong on a line over 1 MB, or a read error) `readTail` returns without " +
						"closing `f`, so every poll of such a file leaks a file descriptor until the process runs out of them. " +
						"A good comment asks for `defer f.Close()` right after the successful `os.Open`; a comment at the `os.Open` saying so " +
						"is this issue too, for reviewers to confirm.",
				},
			},
			Tolerance: 2,
		},
	},
}

// pythonHandlerDiff adds a search and a delete endpoint to a Flask
// blueprint.
const pythonHandlerDiff = `diff --git a/app/items/views.py b/app/items/views.py
index fcba9c9..1f73c57 100644
--- a/app/items/views.py
+++ b/app/items/views.py
@@ -1,4 +1,4 @@
-from flask import Blueprint, abort, jsonify, request
+from flask import Blueprint, abort, current_app, jsonify, request
 from flask_login import current_user, login_required
 
 from app.db import get_db
@@ -41,3 +41,33 @@ def create_item():
     )
     db.commit()
     return jsonify(id=cur.lastrowid), 201
+
+
+@bp.get("/search")
+@login_required
+def search_items():
+    q = request.args.get("q", "").strip()
+    limit = int(request.args.get("limit", 50))
+    if not q:
+        return jsonify(items=[])
+    sort = request.args.get("sort", "created_at")
+    if sort not in ("created_at", "title"):
+        sort = "created_at"
+    rows = get_db().execute(
+        f"SELECT * FROM items WHERE title LIKE '%{q}%' ORDER BY {sort} DESC LIMIT ?",
+        (limit,),
+    ).fetchall()
+    return jsonify(items=[serialize(row) for row in rows])
+
+
+@bp.delete("/<int:item_id>")
+@login_required
+def delete_item(item_id):
+    db = get_db()
+    row = db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
+    if row is None:
+        abort(404)
+    db.execute("DELETE FROM items WHERE id = ?", (item_id,))
+    db.commit()
+    current_app.logger.info("user %s deleted item %s", current_user.id, item_id)
+    return "", 204
diff --git a/tests/test_items.py b/tests/test_items.py
index 6bd753c..d907ef4 100644
--- a/tests/test_items.py
+++ b/tests/test_items.py
@@ -11,3 +11,31 @@ def test_create_item_needs_title(client, alice):
     client.login(alice)
     resp = client.post("/api/items/", json={"title": "  "})
     assert resp.status_code == 400
+
+
+def test_search_items(client, alice):
+    client.login(alice)
+    client.post("/api/items/", json={"title": "Desk lamp"})
+    client.post("/api/items/", json={"title": "Floor lamp"})
+    client.post("/api/items/", json={"title": "Bookshelf"})
+    resp = client.get("/api/items/search?q=lamp&sort=title")
+    assert resp.status_code == 200
+    assert [i["title"] for i in resp.json["items"]] == ["Floor lamp", "Desk lamp"]
+
+
+def test_search_without_query(client, alice):
+    client.login(alice)
+    resp = client.get("/api/items/search")
+    assert resp.json == {"items": []}
+
+
+def test_delete_item(client, alice):
+    client.login(alice)
+    item_id = client.post("/api/items/", json={"title": "Old chair"}).json["id"]
+    assert client.delete(f"/api/items/{item_id}").status_code == 204
+    assert client.get(f"/api/items/{item_id}").status_code == 404
+
+
+def test_delete_missing_item(client, alice):
+    client.login(alice)
+    assert client.delete("/api/items/9999").status_code == 404
`

// javascriptPaginationDiff adds a revenue report that pages through a
// customer's orders.
const javascriptPaginationDiff = `diff --git a/src/api/orders.js b/src/api/orders.js
index 5efdf75..3975499 100644
--- a/src/api/orders.js
+++ b/src/api/orders.js
@@ -16,3 +16,17 @@ export async function cancelOrder(orderId, reason) {
     body: JSON.stringify({ reason }),
   });
 }
+
+/**
+ * Fetches one page of a customer's orders, newest first. Pages are
+ * numbered from 1; the answer carries the customer's number of orders.
+ */
+export async function fetchOrdersPage(customerId, page, pageSize) {
+  const params = new URLSearchParams({
+    customer: customerId,
+    page: String(page),
+    per_page: String(pageSize),
+  });
+  const body = await request('/orders?' + params);
+  return { orders: body.items, totalCount: body.total_count };
+}
diff --git a/src/reports/revenue.js b/src/reports/revenue.js
new file mode 100644
index 0000000..9b2fb62
--- /dev/null
+++ b/src/reports/revenue.js
@@ -0,0 +1,45 @@
+import { fetchOrdersPage } from '../api/orders.js';
+import { logger } from '../logger.js';
+
+const PAGE_SIZE = 100;
+
+/**
+ * Sums the value, in cents, of every order a customer has placed,
+ * leaving out cancelled ones.
+ */
+export async function customerRevenue(customerId) {
+  const first = await fetchOrdersPage(customerId, 1, PAGE_SIZE);
+  const pageCount = Math.ceil(first.totalCount / PAGE_SIZE);
+  let total = sumCents(first.orders);
+
+  for (let page = 2; page < pageCount; page++) {
+    const { orders } = await fetchOrdersPage(customerId, page, PAGE_SIZE);
+    total += sumCents(orders);
+  }
+  return total;
+}
+
+function sumCents(orders) {
+  return orders
+    .filter((order) => order.status !== 'cancelled')
+    .reduce((sum, order) => sum + order.total_cents, 0);
+}
+
+/**
+ * Builds the rows of the monthly revenue report: one for each customer,
+ * the biggest spenders first.
+ */
+export async function buildRevenueReport(customerIds) {
+  const totals = new Map();
+  for (const id of customerIds) {
+    customerRevenue(id).then((cents) => totals.set(id, cents));
+  }
+  logger.info('revenue report built', { customers: customerIds.length });
+  return [...totals]
+    .sort(([, a], [, b]) => b - a)
+    .map(([customerId, cents]) => ({ customerId, total: formatCents(cents) }));
+}
+
+export function formatCents(cents) {
+  return (cents / 100).toFixed(2);
+}
`

// goCacheDiff adds an endpoint serving the cached tail of a log file.
const goCacheDiff = `diff --git a/internal/logview/server.go b/internal/logview/server.go
index 3547657..d9678a9 100644
--- a/internal/logview/server.go
+++ b/internal/logview/server.go
@@ -4,26 +4,32 @@ package logview
 
 import (
 	"encoding/json"
+	"errors"
+	"io/fs"
 	"net/http"
 	"os"
+	"path/filepath"
 	"sort"
+	"strconv"
 	"strings"
 )
 
 // Server serves the log files of one directory.
 type Server struct {
-	dir string
+	dir   string
+	tails *tailCache
 }
 
 // New returns a server for the log files in dir.
 func New(dir string) *Server {
-	return &Server{dir: dir}
+	return &Server{dir: dir, tails: newTailCache()}
 }
 
 // Handler routes the dashboard's requests.
 func (s *Server) Handler() http.Handler {
 	mux := http.NewServeMux()
 	mux.HandleFunc("GET /logs", s.list)
+	mux.HandleFunc("GET /logs/{name}", s.tail)
 	return mux
 }
 
@@ -44,6 +50,33 @@ func (s *Server) list(w http.ResponseWriter, r *http.Request) {
 	writeJSON(w, names)
 }
 
+// tail answers the last ?n= lines of one log file, 100 unless set.
+func (s *Server) tail(w http.ResponseWriter, r *http.Request) {
+	name := r.PathValue("name")
+	if !strings.HasSuffix(name, ".log") || name != filepath.Base(name) {
+		http.NotFound(w, r)
+		return
+	}
+	n := 100
+	if v := r.URL.Query().Get("n"); v != "" {
+		var err error
+		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > maxTail {
+			http.Error(w, "n is a number of lines from 1 to 1000", http.StatusBadRequest)
+			return
+		}
+	}
+	lines, err := s.tails.tail(filepath.Join(s.dir, name), n)
+	if errors.Is(err, fs.ErrNotExist) {
+		http.NotFound(w, r)
+		return
+	}
+	if err != nil {
+		http.Error(w, "cannot read the log file", http.StatusInternalServerError)
+		return
+	}
+	writeJSON(w, lines)
+}
+
 func writeJSON(w http.ResponseWriter, v any) {
 	w.Header().Set("Content-Type", "application/json")
 	json.NewEncoder(w).Encode(v)
diff --git a/internal/logview/tail.go b/internal/logview/tail.go
new file mode 100644
index 0000000..718c3fc
--- /dev/null
+++ b/internal/logview/tail.go
@@ -0,0 +1,83 @@
+package logview
+
+import (
+	"bufio"
+	"io"
+	"os"
+	"sync"
+	"time"
+)
+
+// maxTail is the most lines kept of a log file.
+const maxTail = 1000
+
+// tailCache keeps the last lines of the log files read, until a file
+// changes, so that the dashboard's polling does not read them again.
+type tailCache struct {
+	mu      sync.Mutex
+	entries map[string]tailEntry
+}
+
+type tailEntry struct {
+	modTime time.Time
+	lines   []string
+}
+
+func newTailCache() *tailCache {
+	return &tailCache{entries: make(map[string]tailEntry)}
+}
+
+// tail returns the last n lines of the file at path, reading the file
+// only when it changed since it was last read.
+func (c *tailCache) tail(path string, n int) ([]string, error) {
+	info, err := os.Stat(path)
+	if err != nil {
+		return nil, err
+	}
+	if e, ok := c.entries[path]; ok && e.modTime.Equal(info.ModTime()) {
+		return lastN(e.lines, n), nil
+	}
+
+	lines, err := readTail(path)
+	if err != nil {
+		return nil, err
+	}
+	c.mu.Lock()
+	c.entries[path] = tailEntry{modTime: info.ModTime(), lines: lines}
+	c.mu.Unlock()
+	return lastN(lines, n), nil
+}
+
+// readTail reads the last maxTail lines of the file at path.
+func readTail(path string) ([]string, error) {
+	f, err := os.Open(path)
+	if err != nil {
+		return nil, err
+	}
+	lines, err := lastLines(f, maxTail)
+	if err != nil {
+		return nil, err
+	}
+	return lines, f.Close()
+}
+
+// lastLines reads r to its end and returns its last keep lines.
+func lastLines(r io.Reader, keep int) ([]string, error) {
+	var lines []string
+	sc := bufio.NewScanner(r)
+	sc.Buffer(make([]byte, 64*1024), 1024*1024)
+	for sc.Scan() {
+		lines = append(lines, sc.Text())
+		if len(lines) > keep {
+			lines = lines[1:]
+		}
+	}
+	return lines, sc.Err()
+}
+
+func lastN(lines []string, n int) []string {
+	if n >= len(lines) {
+		return lines
+	}
+	return lines[len(lines)-n:]
+}
`
