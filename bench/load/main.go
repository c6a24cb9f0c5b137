// Command load compares one `anyhour serve` with two behind HAProxy on
// the same PostgreSQL database, under a mix of what people do, and prints
// a Markdown report (see BENCHMARKS.md, "One serve process or two"):
//
//   - (1) one serve process, straight (plain HTTP to its port);
//   - (2) the same process behind HAProxy (HTTPS, the repository's
//     deploy/haproxy/anyhour.cfg with one server);
//   - (3) two serve processes behind HAProxy (the same file, two servers).
//
// Every configuration has the same worker process beside it. A closed
// loop of -c clients sends, as fast as answers come, a mix of team pages,
// candidate pages, API reads and writes (autosaved answers, messages),
// chosen at random with fixed weights; the configurations take turns in
// rounds (1 2 3 3 2 1 …) so that the machine's drift falls on all alike.
// It reports requests per second and the 50th and 99th percentile of
// latency, in all and per kind of request.
//
// The load generator runs on the same machine, and takes CPU from the
// processes it measures.
//
//	go run ./bench/load [-d 15s] [-rounds 2] [-c 16] [-pg postgres://…/postgres] [-out FILE]
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anyhour/anyhour/bench/machine"
	"github.com/anyhour/anyhour/internal/cluster"
)

func main() {
	d := flag.Duration("d", 15*time.Second, "measured time per configuration and round")
	rounds := flag.Int("rounds", 2, "rounds; each runs every configuration, in turn, forwards then backwards")
	conc := flag.Int("c", 16, "clients sending at once")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL admin URL (a database that exists)")
	out := flag.String("out", "", "also write the Markdown report to this file")
	flag.Parse()
	report, err := run(*d, *rounds, *conc, *pg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/load:", err)
		os.Exit(1)
	}
	fmt.Print(report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench/load:", err)
			os.Exit(1)
		}
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/load: "+format+"\n", args...)
}

// target is one configuration: where the clients send.
type target struct {
	name string
	base string
}

// deployment is what the configurations share.
type deployment struct {
	dir      string
	serve1   *cluster.Node
	serve2   *cluster.Node
	worker   *cluster.Node
	one      *cluster.Proxy // HAProxy with serve1
	two      *cluster.Proxy // HAProxy with serve1 and serve2
	client   *http.Client
	targets  []target
	apiToken string // the owner's, from anyhour admin bootstrap
}

func run(d time.Duration, rounds, conc int, pg string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	started := time.Now()
	dep, stop, err := deploy(ctx, pg)
	defer stop()
	if err != nil {
		return "", err
	}
	logf("seeding")
	w, err := seed(dep)
	if err != nil {
		return "", err
	}
	logf("seeded in %s", time.Since(started).Round(time.Second))

	loadBefore := loadavg()
	results := map[string]*tally{}
	for _, t := range dep.targets {
		results[t.name] = newTally()
	}
	var order []target
	for r := range rounds {
		if r%2 == 0 {
			order = append(order, dep.targets...)
		} else {
			rev := slices.Clone(dep.targets)
			slices.Reverse(rev)
			order = append(order, rev...)
		}
	}
	for i, t := range order {
		logf("round %d/%d: %s", i+1, len(order), t.name)
		drive(dep.client, t.base, w, conc, 2*time.Second, nil) // warm up
		drive(dep.client, t.base, w, conc, d, results[t.name])
	}
	return report(dep, results, d, rounds, conc, time.Since(started), loadBefore, loadavg()), nil
}

// loadavg is the machine's load average over the last minute, from
// /proc/loadavg: other work on the machine shows in it.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// deploy builds anyhour, makes a database, and starts two serve processes,
// a worker and the two proxies. stop ends them all and drops the database.
func deploy(ctx context.Context, pg string) (*deployment, func(), error) {
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	dir, err := os.MkdirTemp("", "anyhour-bench-load-")
	if err != nil {
		return nil, stop, err
	}
	stops = append(stops, func() { os.RemoveAll(dir) })
	dep := &deployment{dir: dir}
	haproxy, err := cluster.HAProxyBinary()
	if err != nil {
		return nil, stop, err
	}
	config, err := cluster.FindConfig()
	if err != nil {
		return nil, stop, err
	}
	logf("building anyhour")
	bin, err := cluster.Build(ctx, dir)
	if err != nil {
		return nil, stop, err
	}
	dbURL, drop, err := cluster.CreateDatabase(ctx, pg, "anyhour_bench_load")
	if err != nil {
		return nil, stop, err
	}
	stops = append(stops, func() { drop() })

	addr1, err := cluster.FreeAddr()
	if err != nil {
		return nil, stop, err
	}
	addr2, err := cluster.FreeAddr()
	if err != nil {
		return nil, stop, err
	}
	for _, p := range []struct {
		px      **cluster.Proxy
		name    string
		servers []string
	}{{&dep.one, "proxy-one", []string{addr1}}, {&dep.two, "proxy-two", []string{addr1, addr2}}} {
		pdir := filepath.Join(dir, p.name)
		os.MkdirAll(pdir, 0o700)
		px, err := cluster.StartProxy(ctx, haproxy, config, pdir, p.servers)
		if err != nil {
			return nil, stop, err
		}
		*p.px = px
		stops = append(stops, func() { px.Stop(5 * time.Second) })
	}
	// One disk store shared by the processes (one machine); no SMTP, so
	// emails are kept for admins and nothing leaves the machine.
	env := []string{
		"ANYHOUR_DATABASE_URL=" + dbURL,
		"ANYHOUR_BLOB_URL=file://" + filepath.Join(dir, "blobs"),
		"ANYHOUR_BASE_URL=" + dep.two.URL,
		"ANYHOUR_TRUSTED_PROXIES=127.0.0.1/32",
		"ANYHOUR_WORKERS=1",
	}
	if dep.serve1, err = cluster.StartServe("serve1", bin, dir, addr1, env); err != nil {
		return nil, stop, err
	}
	stops = append(stops, func() { dep.serve1.Stop(30 * time.Second) })
	if err := dep.serve1.Ready(ctx); err != nil { // it migrates the database first
		return nil, stop, err
	}
	if dep.serve2, err = cluster.StartServe("serve2", bin, dir, addr2, env); err != nil {
		return nil, stop, err
	}
	stops = append(stops, func() { dep.serve2.Stop(30 * time.Second) })
	if dep.worker, err = cluster.StartWorker("worker", bin, dir, env); err != nil {
		return nil, stop, err
	}
	stops = append(stops, func() { dep.worker.Stop(30 * time.Second) })
	for _, n := range []*cluster.Node{dep.serve2, dep.worker} {
		if err := n.Ready(ctx); err != nil {
			return nil, stop, err
		}
	}
	for _, s := range []string{"serve1", "serve2"} {
		if err := dep.two.WaitStatus(ctx, s, "UP"); err != nil {
			return nil, stop, err
		}
	}
	if err := dep.one.WaitStatus(ctx, "serve1", "UP"); err != nil {
		return nil, stop, err
	}
	token, err := cluster.Run(ctx, bin, append(env, "ANYHOUR_DATA_DIR="+filepath.Join(dir, "admin")),
		"admin", "bootstrap", "--org", "Acme", "--email", ownerEmail, "--password", ownerPassword)
	if err != nil {
		return nil, stop, err
	}
	dep.apiToken = strings.TrimSpace(token)
	// Each proxy has a self-signed certificate of its own.
	pool := x509.NewCertPool()
	pool.AddCert(dep.one.Cert)
	pool.AddCert(dep.two.Cert)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool}
	transport.MaxIdleConnsPerHost = 256
	transport.ForceAttemptHTTP2 = false
	dep.client = &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	dep.targets = []target{
		{"(1) one serve, straight", dep.serve1.URL()},
		{"(2) one serve behind HAProxy", dep.one.URL},
		{"(3) two serves behind HAProxy", dep.two.URL},
	}
	return dep, stop, nil
}

const (
	ownerEmail    = "owner@acme.example"
	ownerPassword = "a long password for the benchmark"
)

// world is what the seed made: the ids and credentials requests use.
type world struct {
	apiToken  string
	session   string // the owner's session cookie, name=value
	job       int64
	interview int64
	steps     []int64
	submitted []cand // answered and submitted: the team reads them
	open      []cand // started, not submitted: they save and write
}

type cand struct {
	app   int64
	token string
}

// seed makes a job, an interview of two written steps, and invites 300
// candidates through the API; 150 answer and submit, 150 answer and stay
// open. The owner signs in with the form for a session.
func seed(dep *deployment) (*world, error) {
	base := dep.two.URL
	w := &world{apiToken: dep.apiToken}
	call := func(method, path, token string, in, out any) error {
		var body io.Reader
		if in != nil {
			b, _ := json.Marshal(in)
			body = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := dep.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: dep.client.Transport}
	resp, err := browser.PostForm(base+"/login", url.Values{"email": {ownerEmail}, "password": {ownerPassword}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	for _, c := range jar.Cookies(u) {
		w.session = c.Name + "=" + c.Value
	}
	if w.session == "" {
		return nil, fmt.Errorf("signing in gave no session cookie (%d at %s)", resp.StatusCode, resp.Request.URL)
	}

	var job struct{ ID int64 }
	if err := call("POST", "/api/v1/jobs", w.apiToken, map[string]any{"title": "Platform engineer"}, &job); err != nil {
		return nil, err
	}
	w.job = job.ID
	var iv struct {
		ID    int64
		Steps []struct{ ID int64 }
	}
	if err := call("POST", "/api/v1/interviews", w.apiToken, map[string]any{"job_id": job.ID, "title": "Screen", "steps": []any{
		map[string]any{"kind": "text", "title": "Why this team?"},
		map[string]any{"kind": "text", "title": "A system you would change"},
	}}, &iv); err != nil {
		return nil, err
	}
	w.interview = iv.ID
	for _, s := range iv.Steps {
		w.steps = append(w.steps, s.ID)
	}
	var invite []any
	for i := range 300 {
		invite = append(invite, map[string]any{"name": fmt.Sprintf("Candidate %d", i), "email": fmt.Sprintf("c%d@example.com", i)})
	}
	var invited struct {
		Invitations []struct {
			ApplicationID int64 `json:"application_id"`
			Token         string
		}
	}
	if err := call("POST", fmt.Sprintf("/api/v1/interviews/%d/invitations", iv.ID), w.apiToken, map[string]any{"candidates": invite}, &invited); err != nil {
		return nil, err
	}
	// Eight at a time: the machine has few cores, and the seed is not
	// what is measured.
	errs := make(chan error, len(invited.Invitations))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, inv := range invited.Invitations {
		c := cand{app: inv.ApplicationID, token: inv.Token}
		if i%2 == 0 {
			w.submitted = append(w.submitted, c)
		} else {
			w.open = append(w.open, c)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, s := range w.steps {
				text := strings.Repeat(fmt.Sprintf("Answer of candidate %d. ", i), 20)
				if err := call("PUT", fmt.Sprintf("/api/v1/candidate/answers/%d", s), c.token, map[string]any{"text": text}, nil); err != nil {
					errs <- err
					return
				}
			}
			if i%2 == 0 {
				if err := call("POST", "/api/v1/candidate/submit", c.token, nil, nil); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return w, nil
}

// kind is one kind of request in the mix.
type kind struct {
	name   string
	weight int
	make   func(w *world, r *rand.Rand, base string) *http.Request
}

var mix = []kind{
	{"team page: dashboard", 8, func(w *world, r *rand.Rand, base string) *http.Request {
		return page(base+"/", w.session)
	}},
	{"team page: job's applications", 8, func(w *world, r *rand.Rand, base string) *http.Request {
		return page(fmt.Sprintf("%s/jobs/%d", base, w.job), w.session)
	}},
	{"team page: an application", 10, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.submitted[r.IntN(len(w.submitted))]
		return page(fmt.Sprintf("%s/applications/%d", base, c.app), w.session)
	}},
	{"candidate page: welcome", 8, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.open[r.IntN(len(w.open))]
		return page(fmt.Sprintf("%s/candidate/%d", base, c.app), fmt.Sprintf("anyhour_c%d=%s", c.app, c.token))
	}},
	{"candidate page: a step", 14, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.open[r.IntN(len(w.open))]
		return page(fmt.Sprintf("%s/candidate/%d/steps/%d", base, c.app, w.steps[r.IntN(len(w.steps))]), fmt.Sprintf("anyhour_c%d=%s", c.app, c.token))
	}},
	{"API: applications list", 10, func(w *world, r *rand.Rand, base string) *http.Request {
		return api("GET", fmt.Sprintf("%s/api/v1/applications?interview_id=%d&limit=50", base, w.interview), w.apiToken, nil)
	}},
	{"API: an application", 10, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.submitted[r.IntN(len(w.submitted))]
		return api("GET", fmt.Sprintf("%s/api/v1/applications/%d", base, c.app), w.apiToken, nil)
	}},
	{"API: candidate's view", 10, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.open[r.IntN(len(w.open))]
		return api("GET", base+"/api/v1/candidate", c.token, nil)
	}},
	{"write: autosaved answer", 20, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.open[r.IntN(len(w.open))]
		text := fmt.Sprintf(`{"text":"Saved at %d by a candidate typing on."}`, r.Int64())
		return api("PUT", fmt.Sprintf("%s/api/v1/candidate/answers/%d", base, w.steps[r.IntN(len(w.steps))]), c.token, []byte(text))
	}},
	{"write: candidate's message", 2, func(w *world, r *rand.Rand, base string) *http.Request {
		c := w.open[r.IntN(len(w.open))]
		return api("POST", base+"/api/v1/candidate/messages", c.token, []byte(`{"body":"Is the deadline in my time zone?"}`))
	}},
}

func page(u, cookie string) *http.Request {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept", "text/html")
	return req
}

func api(method, u, token string, body []byte) *http.Request {
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// tally collects latencies per kind.
type tally struct {
	mu      sync.Mutex
	all     []time.Duration
	byKind  map[string][]time.Duration
	errors  map[string]int
	elapsed time.Duration
}

func newTally() *tally {
	return &tally{byKind: map[string][]time.Duration{}, errors: map[string]int{}}
}

// drive sends the mix to base from conc clients for d, recording into t
// (nil: a warm-up, recorded nowhere).
func drive(client *http.Client, base string, w *world, conc int, d time.Duration, t *tally) {
	total := 0
	for _, k := range mix {
		total += k.weight
	}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var seq atomic.Uint64
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seq.Add(1), uint64(time.Now().UnixNano())))
			var mine []time.Duration
			kinds := map[string][]time.Duration{}
			errs := map[string]int{}
			for time.Now().Before(deadline) {
				n := r.IntN(total)
				k := mix[0]
				for _, c := range mix {
					if n < c.weight {
						k = c
						break
					}
					n -= c.weight
				}
				req := k.make(w, r, base)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat := time.Since(t0)
				if err != nil || resp.StatusCode >= 400 {
					status := "error"
					if err == nil {
						status = strconv.Itoa(resp.StatusCode)
					}
					errs[k.name+" "+status]++
					continue
				}
				mine = append(mine, lat)
				kinds[k.name] = append(kinds[k.name], lat)
			}
			if t == nil {
				return
			}
			t.mu.Lock()
			t.all = append(t.all, mine...)
			for k, v := range kinds {
				t.byKind[k] = append(t.byKind[k], v...)
			}
			for k, v := range errs {
				t.errors[k] += v
			}
			t.mu.Unlock()
		}()
	}
	wg.Wait()
	if t != nil {
		t.mu.Lock()
		t.elapsed += time.Since(start)
		t.mu.Unlock()
	}
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func report(dep *deployment, results map[string]*tally, d time.Duration, rounds, conc int, took time.Duration, loadBefore, loadAfter string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s %s/%s. Date: %s. PostgreSQL on the same machine.\n\n",
		machine.CPU(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "%d clients in a closed loop; each configuration measured %d times for %s (after 2 s of warm-up each time), in turns; whole run %s. "+
		"Load average (1 min) %s after seeding, %s at the end.\n\n",
		conc, rounds, d, took.Round(time.Second), loadBefore, loadAfter)
	fmt.Fprintf(&b, "| configuration | requests | requests/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|---:|\n")
	for _, t := range dep.targets {
		r := results[t.name]
		errs := 0
		for _, n := range r.errors {
			errs += n
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %d |\n", t.name, len(r.all), float64(len(r.all))/r.elapsed.Seconds(),
			ms(pct(r.all, 0.5)), ms(pct(r.all, 0.99)), errs)
	}
	fmt.Fprintf(&b, "\nPer kind of request, p50 / p99:\n\n| request (share of the mix) |")
	for _, t := range dep.targets {
		fmt.Fprintf(&b, " %s |", t.name)
	}
	fmt.Fprintf(&b, "\n|---|")
	for range dep.targets {
		fmt.Fprintf(&b, "---:|")
	}
	total := 0
	for _, k := range mix {
		total += k.weight
	}
	for _, k := range mix {
		fmt.Fprintf(&b, "\n| %s (%d%%) |", k.name, k.weight*100/total)
		for _, t := range dep.targets {
			ds := results[t.name].byKind[k.name]
			fmt.Fprintf(&b, " %s / %s |", ms(pct(ds, 0.5)), ms(pct(ds, 0.99)))
		}
	}
	b.WriteString("\n")
	for _, t := range dep.targets {
		r := results[t.name]
		if len(r.errors) == 0 {
			continue
		}
		keys := make([]string, 0, len(r.errors))
		for k := range r.errors {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "\nErrors in %s:", t.name)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s ×%d;", k, r.errors[k])
		}
		b.WriteString("\n")
	}
	return b.String()
}
