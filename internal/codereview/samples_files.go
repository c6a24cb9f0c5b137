package codereview

// The ready-made tasks' files whole, as their changes leave them: a
// candidate reads around the hunks and comments on any line.

var pythonHandlerFiles = map[string]string{
	"app/items/views.py": `from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from app.db import get_db

bp = Blueprint("items", __name__, url_prefix="/api/items")


def serialize(row):
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "owner_id": row["owner_id"],
        "created_at": row["created_at"].isoformat(),
    }


@bp.get("/<int:item_id>")
@login_required
def get_item(item_id):
    row = get_db().execute(
        "SELECT * FROM items WHERE id = ?", (item_id,)
    ).fetchone()
    if row is None:
        abort(404)
    return jsonify(serialize(row))


@bp.post("/")
@login_required
def create_item():
    data = request.get_json(silent=True) or {}
    title = (data.get("title") or "").strip()
    if not title:
        return jsonify(error="title is required"), 400
    db = get_db()
    cur = db.execute(
        "INSERT INTO items (title, description, owner_id) VALUES (?, ?, ?)",
        (title, data.get("description", ""), current_user.id),
    )
    db.commit()
    return jsonify(id=cur.lastrowid), 201


@bp.get("/search")
@login_required
def search_items():
    q = request.args.get("q", "").strip()
    limit = int(request.args.get("limit", 50))
    if not q:
        return jsonify(items=[])
    sort = request.args.get("sort", "created_at")
    if sort not in ("created_at", "title"):
        sort = "created_at"
    rows = get_db().execute(
        f"SELECT * FROM items WHERE title LIKE '%{q}%' ORDER BY {sort} DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return jsonify(items=[serialize(row) for row in rows])


@bp.delete("/<int:item_id>")
@login_required
def delete_item(item_id):
    db = get_db()
    row = db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        abort(404)
    db.execute("DELETE FROM items WHERE id = ?", (item_id,))
    db.commit()
    current_app.logger.info("user %s deleted item %s", current_user.id, item_id)
    return "", 204
`,
	"tests/test_items.py": `def test_create_item(client, alice):
    client.login(alice)
    resp = client.post("/api/items/", json={"title": "Desk lamp"})
    assert resp.status_code == 201
    item = client.get(f"/api/items/{resp.json['id']}").json
    assert item["title"] == "Desk lamp"
    assert item["owner_id"] == alice.id


def test_create_item_needs_title(client, alice):
    client.login(alice)
    resp = client.post("/api/items/", json={"title": "  "})
    assert resp.status_code == 400


def test_search_items(client, alice):
    client.login(alice)
    client.post("/api/items/", json={"title": "Desk lamp"})
    client.post("/api/items/", json={"title": "Floor lamp"})
    client.post("/api/items/", json={"title": "Bookshelf"})
    resp = client.get("/api/items/search?q=lamp&sort=title")
    assert resp.status_code == 200
    assert [i["title"] for i in resp.json["items"]] == ["Floor lamp", "Desk lamp"]


def test_search_without_query(client, alice):
    client.login(alice)
    resp = client.get("/api/items/search")
    assert resp.json == {"items": []}


def test_delete_item(client, alice):
    client.login(alice)
    item_id = client.post("/api/items/", json={"title": "Old chair"}).json["id"]
    assert client.delete(f"/api/items/{item_id}").status_code == 204
    assert client.get(f"/api/items/{item_id}").status_code == 404


def test_delete_missing_item(client, alice):
    client.login(alice)
    assert client.delete("/api/items/9999").status_code == 404
`,
}

var javascriptPaginationFiles = map[string]string{
	"src/api/orders.js": `import { request } from './client.js';

/**
 * Fetches one order by its id.
 */
export async function fetchOrder(orderId) {
  return request('/orders/' + encodeURIComponent(orderId));
}

/**
 * Cancels an order that has not shipped yet.
 */
export async function cancelOrder(orderId, reason) {
  return request('/orders/' + encodeURIComponent(orderId) + '/cancel', {
    method: 'POST',
    body: JSON.stringify({ reason }),
  });
}

/**
 * Fetches one page of a customer's orders, newest first. Pages are
 * numbered from 1; the answer carries the customer's number of orders.
 */
export async function fetchOrdersPage(customerId, page, pageSize) {
  const params = new URLSearchParams({
    customer: customerId,
    page: String(page),
    per_page: String(pageSize),
  });
  const body = await request('/orders?' + params);
  return { orders: body.items, totalCount: body.total_count };
}
`,
	"src/reports/revenue.js": `import { fetchOrdersPage } from '../api/orders.js';
import { logger } from '../logger.js';

const PAGE_SIZE = 100;

/**
 * Sums the value, in cents, of every order a customer has placed,
 * leaving out cancelled ones.
 */
export async function customerRevenue(customerId) {
  const first = await fetchOrdersPage(customerId, 1, PAGE_SIZE);
  const pageCount = Math.ceil(first.totalCount / PAGE_SIZE);
  let total = sumCents(first.orders);

  for (let page = 2; page < pageCount; page++) {
    const { orders } = await fetchOrdersPage(customerId, page, PAGE_SIZE);
    total += sumCents(orders);
  }
  return total;
}

function sumCents(orders) {
  return orders
    .filter((order) => order.status !== 'cancelled')
    .reduce((sum, order) => sum + order.total_cents, 0);
}

/**
 * Builds the rows of the monthly revenue report: one for each customer,
 * the biggest spenders first.
 */
export async function buildRevenueReport(customerIds) {
  const totals = new Map();
  for (const id of customerIds) {
    customerRevenue(id).then((cents) => totals.set(id, cents));
  }
  logger.info('revenue report built', { customers: customerIds.length });
  return [...totals]
    .sort(([, a], [, b]) => b - a)
    .map(([customerId, cents]) => ({ customerId, total: formatCents(cents) }));
}

export function formatCents(cents) {
  return (cents / 100).toFixed(2);
}
`,
}

var goCacheFiles = map[string]string{
	"internal/logview/server.go": `// Package logview serves the service's log files to the operations
// dashboard.
package logview

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Server serves the log files of one directory.
type Server struct {
	dir   string
	tails *tailCache
}

// New returns a server for the log files in dir.
func New(dir string) *Server {
	return &Server{dir: dir, tails: newTailCache()}
}

// Handler routes the dashboard's requests.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /logs", s.list)
	mux.HandleFunc("GET /logs/{name}", s.tail)
	return mux
}

// list answers the names of the log files, sorted.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		http.Error(w, "cannot read the log directory", http.StatusInternalServerError)
		return
	}
	names := []string{}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".log") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	writeJSON(w, names)
}

// tail answers the last ?n= lines of one log file, 100 unless set.
func (s *Server) tail(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !strings.HasSuffix(name, ".log") || name != filepath.Base(name) {
		http.NotFound(w, r)
		return
	}
	n := 100
	if v := r.URL.Query().Get("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > maxTail {
			http.Error(w, "n is a number of lines from 1 to 1000", http.StatusBadRequest)
			return
		}
	}
	lines, err := s.tails.tail(filepath.Join(s.dir, name), n)
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "cannot read the log file", http.StatusInternalServerError)
		return
	}
	writeJSON(w, lines)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
`,
	"internal/logview/tail.go": `package logview

import (
	"bufio"
	"io"
	"os"
	"sync"
	"time"
)

// maxTail is the most lines kept of a log file.
const maxTail = 1000

// tailCache keeps the last lines of the log files read, until a file
// changes, so that the dashboard's polling does not read them again.
type tailCache struct {
	mu      sync.Mutex
	entries map[string]tailEntry
}

type tailEntry struct {
	modTime time.Time
	lines   []string
}

func newTailCache() *tailCache {
	return &tailCache{entries: make(map[string]tailEntry)}
}

// tail returns the last n lines of the file at path, reading the file
// only when it changed since it was last read.
func (c *tailCache) tail(path string, n int) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if e, ok := c.entries[path]; ok && e.modTime.Equal(info.ModTime()) {
		return lastN(e.lines, n), nil
	}

	lines, err := readTail(path)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.entries[path] = tailEntry{modTime: info.ModTime(), lines: lines}
	c.mu.Unlock()
	return lastN(lines, n), nil
}

// readTail reads the last maxTail lines of the file at path.
func readTail(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	lines, err := lastLines(f, maxTail)
	if err != nil {
		return nil, err
	}
	return lines, f.Close()
}

// lastLines reads r to its end and returns its last keep lines.
func lastLines(r io.Reader, keep int) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > keep {
			lines = lines[1:]
		}
	}
	return lines, sc.Err()
}

func lastN(lines []string, n int) []string {
	if n >= len(lines) {
		return lines
	}
	return lines[len(lines)-n:]
}
`,
}
