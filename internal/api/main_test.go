package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

const testBaseURL = "https://anyhour.example"

// world is a running API over a database of its own, and the variables a
// scenario collects as it goes (ids, tokens, cursors).
type world struct {
	Services
	db     *sqldb.DB
	server *Server
	srv    *httptest.Server
	logs   *syncBuffer
	vars   map[string]string
}

// newWorld starts the API the way app mounts it, with the same middleware.
func newWorld(t *testing.T) *world {
	t.Helper()
	db := sqldbtest.Open(t)
	svc := domaintest.New(t, db)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := New(svc, Config{BaseURL: testBaseURL + "/"}, logger)
	mux := http.NewServeMux()
	s.Register(mux)
	srv := httptest.NewServer(httpx.Chain(mux, httpx.Log(logger), httpx.SecurityHeaders, httpx.CrossOrigin))
	t.Cleanup(srv.Close)
	return &world{Services: svc, db: db, server: s, srv: srv, logs: logs, vars: map[string]string{}}
}

// setClock moves the clock of the candidate side of the domain to now.
func (w *world) setClock(now func() time.Time) {
	w.Applications.SetClock(now)
}

// bootstrap creates organisation org with member email if missing and
// stores a new API token of theirs in vars[name].
func (w *world) bootstrap(t *testing.T, name, org, email string) {
	t.Helper()
	token, err := w.Accounts.Bootstrap(context.Background(), account.NewOrg{OrgName: org, Email: email})
	if err != nil {
		t.Fatalf("bootstrap %s: %v", email, err)
	}
	w.vars[name] = token
}

// member returns the member a token var acts for.
func (w *world) member(t *testing.T, tokenVar string) account.Member {
	t.Helper()
	m, err := w.Accounts.TokenMember(context.Background(), w.vars[tokenVar])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// scenario is one request and what must come back. Path and body may hold
// {name} placeholders, filled from the world's vars; token names the var
// holding the bearer token.
type scenario struct {
	name   string
	method string
	path   string
	token  string
	body   string
	header map[string]string
	want   int
	checks []check
}

type result struct {
	status int
	header http.Header
	body   []byte
	json   any // the body decoded with UseNumber; nil if not JSON
}

// check looks at one result; it may save values into the world's vars.
type check func(t *testing.T, w *world, r *result)

// flow runs dependent scenarios in order and stops at the first failure,
// since every later step builds on the earlier ones.
func (w *world) flow(t *testing.T, steps []scenario) {
	t.Helper()
	for _, sc := range steps {
		if !t.Run(sc.name, func(t *testing.T) { w.do(t, sc) }) {
			t.FailNow()
		}
	}
}

// table runs independent scenarios.
func (w *world) table(t *testing.T, cases []scenario) {
	t.Helper()
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) { w.do(t, sc) })
	}
}

// do sends sc's request, checks the status and that the response is what
// the OpenAPI document says, then runs sc's checks.
func (w *world) do(t *testing.T, sc scenario) *result {
	t.Helper()
	path := w.fill(t, sc.path)
	var body io.Reader
	if sc.body != "" {
		body = strings.NewReader(w.fill(t, sc.body))
	}
	req, err := http.NewRequest(sc.method, w.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if sc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.token != "" {
		tok, ok := w.vars[sc.token]
		if !ok {
			t.Fatalf("no token var %q", sc.token)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range sc.header {
		req.Header.Set(k, w.fill(t, v))
	}
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	res := &result{status: resp.StatusCode, header: resp.Header}
	if res.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(bytes.NewReader(res.body))
		dec.UseNumber()
		if err := dec.Decode(&res.json); err != nil {
			t.Fatalf("response is not JSON: %v\n%s", err, res.body)
		}
	}
	if res.status != sc.want {
		t.Fatalf("%s %s: status %d, want %d\n%s", sc.method, path, res.status, sc.want, res.body)
	}
	conformsToOpenAPI(t, sc.method, path, res)
	for _, c := range sc.checks {
		c(t, w, res)
	}
	return res
}

var placeholder = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

// fill replaces {name} with vars[name]; JSON braces never match.
func (w *world) fill(t *testing.T, s string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		v, ok := w.vars[m[1:len(m)-1]]
		if !ok {
			t.Fatalf("no var %s", m)
		}
		return v
	})
}

// lookup finds a dotted path in decoded JSON: "steps.0.id"; a final "#"
// is the length of an array or object.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			if part == "#" {
				return len(x), true
			}
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			if part == "#" {
				return len(x), true
			}
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func mustLookup(t *testing.T, r *result, path string) any {
	t.Helper()
	v, ok := lookup(r.json, path)
	if !ok {
		t.Fatalf("no %s in %s", path, r.body)
	}
	return v
}

// is checks that path holds want, compared as JSON ({var} in a string want
// is filled in).
func is(path string, want any) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		got, exp := mustLookup(t, r, w.fill(t, path)), want
		if s, ok := want.(string); ok {
			exp = w.fill(t, s)
			if n, ok := got.(json.Number); ok {
				got = n.String() // an id compared with a saved one
			}
		}
		g, _ := json.Marshal(got)
		x, _ := json.Marshal(exp)
		if string(g) != string(x) {
			t.Errorf("%s = %s, want %s", path, g, x)
		}
	}
}

// near checks a number to within a millionth.
func near(path string, want float64) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		n, ok := mustLookup(t, r, w.fill(t, path)).(json.Number)
		f, err := n.Float64()
		if !ok || err != nil || f-want > 1e-6 || want-f > 1e-6 {
			t.Errorf("%s = %v, want %v", path, n, want)
		}
	}
}

// absent checks that path is not in the response.
func absent(path string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		if v, ok := lookup(r.json, w.fill(t, path)); ok {
			t.Errorf("%s = %v, want it absent", path, v)
		}
	}
}

// contains checks that the string at path contains sub ({var} filled in).
func contains(path, sub string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		s, _ := mustLookup(t, r, w.fill(t, path)).(string)
		if sub = w.fill(t, sub); !strings.Contains(s, sub) {
			t.Errorf("%s = %q, want it to contain %q", path, s, sub)
		}
	}
}

// notEmpty checks that the string at path is not empty.
func notEmpty(path string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		if s, _ := mustLookup(t, r, path).(string); s == "" {
			t.Errorf("%s is empty", path)
		}
	}
}

// errorIs checks the error body's code and that its message holds sub.
func errorIs(code, sub string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		is("error.code", code)(t, w, r)
		contains("error.message", sub)(t, w, r)
	}
}

// save stores the value at path in vars[name]; numbers keep their digits.
func save(path, name string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		w.vars[name] = fmt.Sprint(mustLookup(t, r, path))
	}
}

// saveBody stores the whole body in vars[name], to compare with later.
func saveBody(name string) check {
	return func(t *testing.T, w *world, r *result) { w.vars[name] = string(r.body) }
}

// sameBody checks that the body is byte for byte the one saved as name:
// another organisation's id must look exactly like a missing one.
func sameBody(name string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		if string(r.body) != w.vars[name] {
			t.Errorf("body\n%s\ndiffers from %s\n%s", r.body, name, w.vars[name])
		}
	}
}

// headerIs checks a response header.
func headerIs(name, want string) check {
	return func(t *testing.T, w *world, r *result) {
		t.Helper()
		if got := r.header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// noSecretsLogged fails if any token var shows up in the logs.
func (w *world) noSecretsLogged(t *testing.T, tokenVars ...string) {
	t.Helper()
	logs := w.logs.String()
	for _, name := range tokenVars {
		if tok := w.vars[name]; tok != "" && strings.Contains(logs, tok) {
			t.Errorf("the logs hold token %s", name)
		}
	}
}
