// Command notify measures anyhour's outgoing notifications, in one run,
// and prints a Markdown report (see BENCHMARKS.md, "Email and webhooks"):
//
//   - (e) emails per second through the outbox to a local SMTP server
//     (Mailpit), and the queue delay of each email from being queued to
//     being accepted by the server, at the median and the 99th percentile;
//   - (w) webhook deliveries per second to a local HTTP receiver that
//     checks every signature, with the same delays.
//
// Each runs anyhour's services and worker in this process over SQLite in
// a temporary directory, with the worker at one task per core (the
// default) and again at 8. Mailpit is found like the tests find it
// (ANYHOUR_MAILPIT, or the cache scripts/tools.sh fills).
//
//	go run ./bench/notify [-n 1000] [-out FILE]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/webhook"
)

func main() {
	n := flag.Int("n", 1000, "emails and webhook deliveries per measurement")
	out := flag.String("out", "", "also write the Markdown report to this file")
	flag.Parse()
	report, err := run(*n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/notify:", err)
		os.Exit(1)
	}
	fmt.Print(report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench/notify:", err)
			os.Exit(1)
		}
	}
}

// result is one measurement.
type result struct {
	what     string
	workers  int
	n        int
	done     int
	elapsed  time.Duration // first queued to last done
	p50, p99 time.Duration // queue delay
	checked  string
}

func run(n int) (string, error) {
	start := time.Now()
	smtpAddr, stop, err := startMailpit()
	if err != nil {
		return "", err
	}
	defer stop()
	var rs []result
	for _, c := range []struct {
		workers int
		rate    float64
	}{{runtime.NumCPU(), 0}, {8, 0}, {runtime.NumCPU(), 100}} {
		n := n
		if c.rate > 0 {
			n = 500 // five seconds
		}
		r, err := emails(n, c.workers, smtpAddr, c.rate)
		if err != nil {
			return "", err
		}
		rs = append(rs, r)
		if r, err = webhooks(n, c.workers, c.rate); err != nil {
			return "", err
		}
		rs = append(rs, r)
	}
	var b bytes.Buffer
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s %s/%s; SQLite. Date: %s UTC. The whole run took %s.\n\n",
		host, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, start.UTC().Format("2006-01-02 15:04"), time.Since(start).Round(time.Second))
	fmt.Fprintln(&b, "| measurement | workers | done | per second | queue delay p50 | p99 | checked |")
	fmt.Fprintln(&b, "|---|---:|---:|---:|---:|---:|---|")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %d | %d of %d | %.0f | %s | %s | %s |\n", r.what, r.workers, r.done, r.n,
			float64(r.done)/r.elapsed.Seconds(), r.p50.Round(time.Millisecond), r.p99.Round(time.Millisecond), r.checked)
	}
	return b.String(), nil
}

// world is anyhour in this process over a fresh SQLite database.
type world struct {
	a     *app.App
	owner account.Member
	dir   string
}

func newWorld(cfg app.Config) (*world, error) {
	dir, err := os.MkdirTemp("", "anyhour-bench-notify-")
	if err != nil {
		return nil, err
	}
	cfg.DataDir = dir
	cfg.BaseURL = "http://127.0.0.1:1"
	a, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	_, owner, err := a.Accounts.Setup(context.Background(), account.NewOrg{OrgName: "Bench", Email: "owner@bench.example"})
	if err != nil {
		return nil, err
	}
	return &world{a: a, owner: owner, dir: dir}, nil
}

func (w *world) close() {
	w.a.Close()
	os.RemoveAll(w.dir)
}

// paced runs queue(i) for i in [0, n): all in one transaction when rate
// is 0, else one transaction each at rate a second.
func paced(w *world, n int, rate float64, queue func(tx *sqldb.DB, i int) error) error {
	ctx := context.Background()
	if rate == 0 {
		return w.a.DB.Transact(ctx, func(tx *sqldb.DB) error {
			for i := range n {
				if err := queue(tx, i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for i := range n {
		<-tick.C
		if err := w.a.DB.Transact(ctx, func(tx *sqldb.DB) error { return queue(tx, i) }); err != nil {
			return err
		}
	}
	return nil
}

// emails queues n emails (at once, or at rate a second while the worker
// runs) and lets the worker send them.
func emails(n, workers int, smtpAddr string, rate float64) (result, error) {
	w, err := newWorld(app.Config{Workers: workers, SMTPURL: "smtp://" + smtpAddr + "?from=bench@bench.example"})
	if err != nil {
		return result{}, err
	}
	defer w.close()
	ctx := context.Background()
	before, err := mailpitCount(smtpAddr)
	if err != nil {
		return result{}, err
	}
	queue := func(tx *sqldb.DB, i int) error {
		c := outbox.Content{OrgName: "Bench", Subject: fmt.Sprintf("Bench %d", i), Greeting: "Hello,", Paragraphs: []string{"A measured email."}}
		_, err := w.a.Outbox.Queue(ctx, tx, outbox.Draft{OrgID: w.owner.OrgID, Kind: "bench",
			To: smtp.Address{Name: "Candidate", Email: fmt.Sprintf("c%d@bench.example", i)}, Content: c})
		return err
	}
	r, err := w.drain(n, rate, queue, `SELECT created_at, sent_at FROM emails WHERE status = 'sent'`, `SELECT COUNT(*) FROM emails WHERE status = 'sent'`)
	if err != nil {
		return r, err
	}
	after, err := mailpitCount(smtpAddr)
	if err != nil {
		return r, err
	}
	r.what, r.workers, r.n = "emails to Mailpit, "+pace(rate), workers, n
	r.checked = fmt.Sprintf("%d arrived at the server", after-before)
	return r, nil
}

// webhooks emits n events for one endpoint (at once, or at rate a
// second) and lets the worker deliver them to a receiver that verifies
// each signature.
func webhooks(n, workers int, rate float64) (result, error) {
	w, err := newWorld(app.Config{Workers: workers, WebhooksToPrivate: true})
	if err != nil {
		return result{}, err
	}
	defer w.close()
	ctx := context.Background()
	var secret atomic.Value
	secret.Store("")
	var good, bad atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if webhook.Verify(secret.Load().(string), r.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute) == nil {
			good.Add(1)
		} else {
			bad.Add(1)
		}
		rw.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	e, err := w.a.Webhooks.Add(ctx, w.owner, recv.URL, []webhook.Event{webhook.MessageReceived})
	if err != nil {
		return result{}, err
	}
	secret.Store(e.Secret)
	queue := func(tx *sqldb.DB, i int) error {
		return w.a.Webhooks.Emit(ctx, tx, w.owner.OrgID, webhook.MessageReceived, map[string]int{"n": i})
	}
	r, err := w.drain(n, rate, queue, `SELECT created_at, delivered_at FROM webhook_deliveries WHERE status = 'delivered'`,
		`SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'`)
	r.what, r.workers, r.n = "webhook deliveries, "+pace(rate), workers, n
	r.checked = fmt.Sprintf("%d signatures verified, %d not", good.Load(), bad.Load())
	return r, err
}

func pace(rate float64) string {
	if rate == 0 {
		return "all queued at once"
	}
	return fmt.Sprintf("queued steadily at %.0f/s", rate)
}

// drain queues n items with paced while the worker runs, waits until
// count reaches n (or two minutes pass), then reads each item's queued
// and done times with times.
func (w *world) drain(n int, rate float64, queue func(tx *sqldb.DB, i int) error, times, count string) (result, error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var r result
	if rate == 0 {
		// A backlog: queued before the worker starts.
		if err := paced(w, n, 0, queue); err != nil {
			cancel()
			return r, err
		}
	}
	go func() { done <- w.a.Worker().Run(ctx) }()
	if rate > 0 {
		if err := paced(w, n, rate, queue); err != nil {
			cancel()
			<-done
			return r, err
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if err := w.a.DB.QueryRow(context.Background(), count).Scan(&r.done); err != nil {
			cancel()
			return r, err
		}
		if r.done >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	rows, err := w.a.DB.Query(context.Background(), times)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	var first, last time.Time
	var delays []time.Duration
	for rows.Next() {
		var queued, at time.Time
		if err := rows.Scan(&queued, &at); err != nil {
			return r, err
		}
		if first.IsZero() || queued.Before(first) {
			first = queued
		}
		if at.After(last) {
			last = at
		}
		delays = append(delays, at.Sub(queued))
	}
	slices.Sort(delays)
	if len(delays) > 0 {
		r.p50, r.p99 = delays[len(delays)/2], delays[min(len(delays)-1, len(delays)*99/100)]
	}
	r.elapsed = last.Sub(first)
	return r, rows.Err()
}

// startMailpit runs Mailpit on free loopback ports and returns its SMTP
// address.
func startMailpit() (string, func(), error) {
	bin := os.Getenv("ANYHOUR_MAILPIT")
	if bin == "" {
		home, _ := os.UserHomeDir()
		bin = filepath.Join(home, ".cache", "anyhour-tools", "mailpit-"+smtptest.Version, "mailpit")
	}
	if _, err := os.Stat(bin); err != nil {
		return "", nil, fmt.Errorf("mailpit not found (%v); build it with: eval \"$(bash scripts/tools.sh)\"", err)
	}
	smtpAddr, apiAddr := freeAddr(), freeAddr()
	dir, err := os.MkdirTemp("", "anyhour-bench-mailpit-")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", apiAddr, "--database", filepath.Join(dir, "mp.db"),
		"--disable-version-check", "--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--max", "100000")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	mailpitAPI = "http://" + apiAddr
	stop := func() { cmd.Process.Kill(); cmd.Wait(); os.RemoveAll(dir) }
	for range 200 {
		if c, err := net.Dial("tcp", smtpAddr); err == nil {
			c.Close()
			if _, err := mailpitCount(smtpAddr); err == nil {
				return smtpAddr, stop, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("mailpit did not start")
}

var mailpitAPI string

// mailpitCount is how many messages Mailpit holds.
func mailpitCount(string) (int, error) {
	resp, err := http.Get(mailpitAPI + "/api/v1/messages?limit=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var v struct {
		Total int `json:"total"`
	}
	if err := jsonDecode(resp.Body, &v); err != nil {
		return 0, err
	}
	return v.Total, nil
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
