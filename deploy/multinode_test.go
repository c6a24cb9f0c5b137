//go:build multinode

package deploy_test

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
	"github.com/anyhour/anyhour/internal/cluster"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
)

// world is anyhour deployed on several nodes, on this machine.
type world struct {
	t       *testing.T
	dir     string
	bin     string
	env     []string // what every process shares
	serves  map[string]*cluster.Node
	worker  *cluster.Node
	proxy   *cluster.Proxy
	db      *sql.DB
	blobs   *s3.Store
	mail    *smtptest.Server
	s3cfg   s3.Config
	ownerPW string
	lost    atomic.Int64 // requests that got no answer and were sent again
}

const ownerEmail = "owner@acme.example"

// require ends the test when a part of the deployment cannot be had:
// loudly, and as a failure under CI=true, where everything is installed.
func require(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"+
		"!!! SKIPPING the several-node test: %s: %v\n"+
		"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", what, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// deploy starts the whole thing: a fresh PostgreSQL database, an S3
// server, an SMTP server, two serve processes and a worker started at
// once on the empty database (they migrate it together), the owner made
// with `anyhour admin bootstrap`, and HAProxy in front with the
// repository's configuration.
func deploy(t *testing.T) *world {
	adminURL := os.Getenv("ANYHOUR_TEST_POSTGRES")
	if adminURL == "" {
		require(t, "several processes need PostgreSQL, and ANYHOUR_TEST_POSTGRES is not set (scripts/test.sh sets it in its PostgreSQL pass)", errors.New("no PostgreSQL"))
	}
	haproxy, err := cluster.HAProxyBinary()
	require(t, "HAProxy is the load balancer", err)
	config, err := cluster.FindConfig()
	if err != nil {
		t.Fatal(err)
	}
	ffmpegtest.Require(t) // the worker processes recordings with ffmpeg in bubblewrap

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := &world{t: t, dir: t.TempDir(), serves: map[string]*cluster.Node{}, ownerPW: "a long shared secret for the owner"}
	// Logs of every process are kept for a failure's message.
	t.Cleanup(func() {
		if t.Failed() {
			for _, n := range w.nodes() {
				t.Logf("---- %s log (end) ----\n%s", n.Name, n.Tail(6000))
			}
			if w.proxy != nil {
				t.Logf("---- haproxy log (end) ----\n%s", w.proxy.Tail(6000))
			}
		}
	})

	if w.bin, err = cluster.Build(ctx, w.dir); err != nil {
		t.Fatal(err)
	}
	dbURL, drop, err := cluster.CreateDatabase(ctx, adminURL, "anyhour_multinode")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop() })
	if w.db, err = sql.Open("pgx", dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.db.Close() })

	w.s3cfg = s3test.Start(t)
	w.s3cfg.Prefix = "anyhour/"
	if w.blobs, err = s3.New(ctx, w.s3cfg); err != nil {
		t.Fatal(err)
	}
	w.mail = smtptest.Start(t)

	// The proxy's address is the public one, so it is chosen first.
	addrs := map[string]string{}
	for _, name := range []string{"serve1", "serve2"} {
		if addrs[name], err = cluster.FreeAddr(); err != nil {
			t.Fatal(err)
		}
	}
	blobCfg := w.s3cfg
	blobCfg.AccessKey, blobCfg.SecretKey = "", "" // from AWS_* below, as the README shows
	proxyDir := filepath.Join(w.dir, "proxy")
	os.MkdirAll(proxyDir, 0o700)
	w.proxy, err = cluster.StartProxy(ctx, haproxy, config, proxyDir, []string{addrs["serve1"], addrs["serve2"]})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.proxy.Stop(5 * time.Second) })
	w.env = []string{
		"ANYHOUR_DATABASE_URL=" + dbURL,
		"ANYHOUR_BLOB_URL=" + blobCfg.URL(),
		"AWS_ACCESS_KEY_ID=" + w.s3cfg.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + w.s3cfg.SecretKey,
		"ANYHOUR_BASE_URL=" + w.proxy.URL,
		"ANYHOUR_SMTP_URL=" + w.mail.URL("hiring@acme.example"),
		"ANYHOUR_TRUSTED_PROXIES=127.0.0.1/32",
		"ANYHOUR_WORKERS=1",
	}

	for _, name := range []string{"serve1", "serve2"} {
		n, err := cluster.StartServe(name, w.bin, w.dir, addrs[name], w.env)
		if err != nil {
			t.Fatal(err)
		}
		w.serves[name] = n
	}
	if w.worker, err = cluster.StartWorker("worker", w.bin, w.dir, w.env); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, n := range w.nodes() {
			n.Stop(10 * time.Second)
		}
	})
	for _, n := range w.nodes() {
		if err := n.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for name := range w.serves {
		if err := w.proxy.WaitStatus(ctx, name, "UP"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) nodes() []*cluster.Node {
	var out []*cluster.Node
	for _, name := range []string{"serve1", "serve2"} {
		if n := w.serves[name]; n != nil {
			out = append(out, n)
		}
	}
	if w.worker != nil {
		out = append(out, w.worker)
	}
	return out
}

// as returns a client of the proxy with the given bearer token.
func (w *world) as(token string) *client {
	return &client{t: w.t, base: w.proxy.URL, http: w.proxy.Client, token: token, lost: &w.lost}
}

// candidate is one candidate's run, and what anyhour acknowledged to them.
type candidate struct {
	name, email, token string
	app                int64
	file               []byte
	up                 *upload
	text               string   // the last text answer acknowledged
	messages           []string // messages acknowledged
	unsure             []string // messages whose answer was lost
	submitted          bool
}

// TestSeveralNodes runs candidates through two serve processes behind
// HAProxy, on one PostgreSQL database and one S3 bucket, with the
// background work in a worker process, and SIGKILLs the serve process
// that holds a candidate's upload in the middle of it. Everything anyhour
// acknowledged must then be there exactly once: each answer as last
// saved, each recording byte for byte, each submission, each message,
// each email, and each task run once by the worker.
func TestSeveralNodes(t *testing.T) {
	w := deploy(t)
	token, err := cluster.Run(context.Background(), w.bin, append(w.env, "ANYHOUR_DATA_DIR="+filepath.Join(w.dir, "admin")),
		"admin", "bootstrap", "--org", "Acme", "--email", ownerEmail, "--password", w.ownerPW)
	if err != nil {
		t.Fatal(err)
	}
	team := w.as(strings.TrimSpace(token))

	// A session made through the proxy is good on every serve process.
	browser := w.signIn()
	for name, n := range w.serves {
		if path := browser.page(n.URL() + "/"); path != "/" {
			t.Errorf("signed in through the proxy, %s shows %s instead of the dashboard", name, path)
		}
	}

	// The team sets up a job and an interview, and invites candidates.
	var job struct{ ID int64 }
	team.json("POST", "/api/v1/jobs", map[string]any{"title": "Site reliability engineer"}, &job, http.StatusCreated)
	var iv struct {
		ID    int64
		Steps []struct {
			ID   int64
			Kind string
		}
	}
	team.json("POST", "/api/v1/interviews", map[string]any{"job_id": job.ID, "title": "Screen", "steps": []any{
		map[string]any{"kind": "text", "title": "Tell us about an outage you handled"},
		map[string]any{"kind": "video", "title": "Introduce yourself", "max_seconds": 60},
	}}, &iv, http.StatusCreated)
	if len(iv.Steps) != 2 {
		t.Fatalf("interview steps: %+v", iv.Steps)
	}
	textStep, videoStep := iv.Steps[0].ID, iv.Steps[1].ID

	cands := make([]*candidate, 4)
	var invite []any
	for i := range cands {
		cands[i] = &candidate{name: fmt.Sprintf("Candidate %c", 'A'+i), email: fmt.Sprintf("cand%d@example.com", i)}
		invite = append(invite, map[string]any{"name": cands[i].name, "email": cands[i].email})
	}
	var invited struct {
		Invitations []struct {
			ApplicationID int64 `json:"application_id"`
			Token         string
		}
	}
	team.json("POST", fmt.Sprintf("/api/v1/interviews/%d/invitations", iv.ID), map[string]any{"candidates": invite}, &invited, http.StatusCreated)
	if len(invited.Invitations) != len(cands) {
		t.Fatalf("invitations: %+v", invited)
	}
	for i, inv := range invited.Invitations {
		cands[i].app, cands[i].token = inv.ApplicationID, inv.Token
	}
	media := t.TempDir()
	for i, c := range cands {
		// Lengths apart, so no two recordings are the same bytes.
		c.file = mustRead(t, ffmpegtest.WebM(t, media, 2+0.5*float64(i)))
	}

	// The worker emails the invitations, with links to the proxy; a
	// link opens the candidate's pages through it.
	w.mail.WaitFor(len(cands))
	link := regexp.MustCompile(regexp.QuoteMeta(w.proxy.URL) + `/c/[A-Za-z0-9_-]+`)
	for _, m := range w.mail.Messages() {
		if l := link.FindString(w.mail.Message(m.ID).Text); l == "" {
			t.Errorf("the invitation to %v links nowhere under %s", m.To, w.proxy.URL)
		} else if m.To[0].Address == cands[1].email {
			if path := w.browser().page(l); path != fmt.Sprintf("/candidate/%d", cands[1].app) {
				t.Errorf("the invitation's link led to %s", path)
			}
		}
	}

	// Three candidates answer, start their uploads, and keep saving
	// while a serve process is killed; then they finish and submit.
	killed := make(chan struct{})
	var started, finished sync.WaitGroup
	for _, c := range cands[1:] {
		started.Add(1)
		finished.Add(1)
		go func() {
			defer finished.Done()
			w.candidateRun(c, textStep, videoStep, &started, killed)
		}()
	}
	started.Wait()

	// The first candidate's upload is the one cut off.
	victim := cands[0]
	me := w.as(victim.token)
	w.saveText(me, victim, textStep, "before the failure")
	me.json("POST", "/api/v1/candidate/video_consent", nil, nil, http.StatusOK)
	victim.up = &upload{c: me, step: videoStep, file: victim.file}
	victim.up.create("take-" + victim.email)
	first := int64(len(victim.file) / 3)
	victim.up.sendUntil(first, first)

	name, sent := w.cutOffUpload(victim.up, first, int64(len(victim.file))*2/3)
	close(killed)
	t.Logf("killed %s holding a PATCH of %d bytes after %d acknowledged", name, sent, first)

	// The client resumes through the proxy: the other process says how
	// far the upload got, and takes the rest.
	at := victim.up.offset()
	if at > first+sent {
		t.Errorf("after the kill the server has %d bytes; only %d were sent", at, first+sent)
	}
	t.Logf("the upload resumes at %d (%d of the cut PATCH's bytes were kept)", at, at-first)
	victim.up.acked = at
	victim.up.sendUntil(int64(len(victim.file)), 64<<10)
	w.saveText(me, victim, textStep, "after the failure")
	w.message(me, victim, "a question after the failure")
	w.submit(me, victim)

	// The killed process comes back and serves again behind the proxy.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	back := w.serves[name]
	if err := back.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := back.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.proxy.WaitStatus(ctx, name, "UP"); err != nil {
		t.Fatal(err)
	}
	before, _ := w.proxy.Server(name)
	for range 6 {
		if r := team.retry("GET", fmt.Sprintf("/api/v1/applications/%d", victim.app), nil, nil); r.status != http.StatusOK {
			t.Errorf("after the restart: %s", r)
		}
	}
	if after, _ := w.proxy.Server(name); after.Total <= before.Total {
		t.Errorf("the restarted %s took none of 6 requests through the proxy (%d before, %d after)", name, before.Total, after.Total)
	}

	finished.Wait()
	t.Logf("%d requests got no answer from anyhour (the killed process held them) and were sent again", w.lost.Load())
	if t.Failed() {
		t.FailNow()
	}
	// The worker's media and emails may take minutes on a loaded machine.
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer wcancel()
	w.waitForWorker(wctx)

	w.checkAnswers(cands, textStep, videoStep)
	w.checkRecordings(wctx, cands)
	w.checkSubmissions(cands)
	w.checkMessages(cands)
	w.checkTasks()
	w.checkEmails()

	// Signing out through the proxy signs out of every process.
	browser.signOut()
	for name, n := range w.serves {
		if path := browser.page(n.URL() + "/"); path != "/login" {
			t.Errorf("signed out through the proxy, %s still shows %s", name, path)
		}
	}

	// Prometheus reads each process where it runs, never through the
	// proxy.
	if r := team.retry("GET", "/metrics", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("/metrics through the proxy: %s", r)
	}

	// With no serve process up, API clients still get the JSON error
	// shape and a Retry-After, from HAProxy, and pages a sentence.
	for name, n := range w.serves {
		n.Stop(30 * time.Second)
		if err := w.proxy.WaitStatus(ctx, name, "DOWN"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := team.send("GET", "/api/v1/me", nil, nil)
	if err != nil || r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "5" ||
		r.header.Get("Content-Type") != "application/json" || !strings.Contains(string(r.body), `"code":"unavailable"`) {
		t.Errorf("with every serve process down: %v %v (Retry-After %q, %s)", r, err, r.header.Get("Retry-After"), r.header.Get("Content-Type"))
	}
	r, err = team.send("GET", "/login", nil, nil)
	if err != nil || r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "5" ||
		!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "not available right now") {
		t.Errorf("a page with every serve process down: %v %v", r, err)
	}
}

// candidateRun is a candidate's whole run beside the failure: answers
// and half the recording before it, saves during it, the rest after.
func (w *world) candidateRun(c *candidate, textStep, videoStep int64, started *sync.WaitGroup, killed <-chan struct{}) {
	me := w.as(c.token)
	once := sync.OnceFunc(started.Done)
	defer once()
	w.saveText(me, c, textStep, "draft 0")
	w.message(me, c, "a first question")
	me.json("POST", "/api/v1/candidate/video_consent", nil, nil, http.StatusOK)
	c.up = &upload{c: me, step: videoStep, file: c.file}
	c.up.create("take-" + c.email)
	half := int64(len(c.file) / 2)
	c.up.sendUntil(half, 16<<10)
	once()

	// Until the kill, and a little after, keep saving: some of these
	// requests are in the killed process when it dies.
	for i := 1; ; i++ {
		select {
		case <-killed:
		default:
			w.saveText(me, c, textStep, fmt.Sprintf("draft %d", i))
			if i%5 == 0 {
				w.message(me, c, fmt.Sprintf("question %d", i))
			}
			continue
		}
		break
	}
	for i := range 3 {
		w.saveText(me, c, textStep, fmt.Sprintf("final draft %d", i))
	}
	c.up.offset()
	c.up.sendUntil(int64(len(c.file)), 16<<10)
	w.message(me, c, "a last question")
	w.submit(me, c)
}

// saveText saves a text answer as the autosave does, until anyhour
// answers, and notes it as the last acknowledged.
func (w *world) saveText(me *client, c *candidate, step int64, text string) {
	text = c.name + ": " + text
	if r := me.json("PUT", fmt.Sprintf("/api/v1/candidate/answers/%d", step), map[string]any{"text": text}, nil, http.StatusOK); r.status == http.StatusOK {
		c.text = text
	}
}

// message posts a message once: a message repeated after a lost answer
// could be there twice, and that would be the client's doing.
func (w *world) message(me *client, c *candidate, body string) {
	body = c.name + ": " + body
	r, err := me.send("POST", "/api/v1/candidate/messages", map[string]string{"Content-Type": "application/json"},
		[]byte(fmt.Sprintf(`{"body":%q}`, body)))
	switch {
	case lost(r, err):
		c.unsure = append(c.unsure, body)
	case r.status == http.StatusCreated:
		c.messages = append(c.messages, body)
	default:
		w.t.Errorf("%s's message: %s", c.name, r)
	}
}

// submit submits; if the answer is lost, the candidate's view says
// whether it went through, as the status page would.
func (w *world) submit(me *client, c *candidate) {
	for range 50 {
		r, err := me.send("POST", "/api/v1/candidate/submit", nil, nil)
		if !lost(r, err) {
			if r.status != http.StatusOK {
				w.t.Errorf("%s's submission: %s", c.name, r)
			}
			c.submitted = r.status == http.StatusOK
			return
		}
		view := me.retry("GET", "/api/v1/candidate", nil, nil)
		if strings.Contains(string(view.body), `"status":"submitted"`) {
			c.submitted = true
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.t.Errorf("%s could not submit", c.name)
}

// cutOffUpload sends file[from:from+n] of u in a PATCH through the
// proxy, holding back the rest of what it announced, finds the serve
// process HAProxy gave it to, and SIGKILLs that process mid-request. It
// returns the process's name and how many bytes were sent.
func (w *world) cutOffUpload(u *upload, from, to int64) (string, int64) {
	w.t.Helper()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PATCH", u.c.base+u.path, pr)
	for k, v := range tusHeaders(map[string]string{"Content-Type": "application/offset+octet-stream",
		"Upload-Offset": strconv.FormatInt(from, 10)}) {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "Bearer "+u.c.token)
	req.ContentLength = int64(len(u.file)) - from // announced: everything left
	local := make(chan string, 1)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { local <- info.Conn.LocalAddr().String() },
	}))
	// A connection of its own (HTTP/1.1), so HAProxy's session for it is
	// this request alone.
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.proxy.CA}, DisableKeepAlives: true}
	defer transport.CloseIdleConnections()
	done := make(chan reply, 1)
	go func() {
		resp, err := (&http.Client{Transport: transport}).Do(req)
		if err != nil {
			done <- reply{}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- reply{status: resp.StatusCode, body: b}
	}()
	sent := to - from
	if _, err := pw.Write(u.file[from:to]); err != nil {
		w.t.Fatalf("the cut PATCH: %v", err)
	}
	addr := <-local
	var name string
	for deadline := time.Now().Add(30 * time.Second); name == ""; {
		var err error
		if name, err = w.proxy.ServerOf(addr); err != nil {
			w.t.Fatal(err)
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("HAProxy gave the PATCH from %s to no server", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Let the process read what was sent (whether it did or not, nothing
	// acknowledged may be lost).
	time.Sleep(300 * time.Millisecond)
	w.serves[name].Kill()
	pw.CloseWithError(errors.New("the client gives up the cut PATCH"))
	if r := <-done; r.status == http.StatusNoContent {
		w.t.Errorf("the PATCH cut off by the kill was acknowledged: %s", r)
	}
	return name, sent
}

// waitForWorker waits until the worker has run every task that is due:
// invitations sent, recordings processed.
func (w *world) waitForWorker(ctx context.Context) {
	w.t.Helper()
	for {
		var due int
		if err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks
			WHERE status = 'running' OR (status = 'pending' AND run_at <= now())`).Scan(&due); err != nil {
			w.t.Fatal(err)
		}
		var processing int
		if err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM media WHERE status IN ('uploading', 'processing')`).Scan(&processing); err != nil {
			w.t.Fatal(err)
		}
		if due == 0 && processing == 0 {
			return
		}
		select {
		case <-ctx.Done():
			w.t.Fatalf("the worker did not finish: %d tasks due, %d recordings processing", due, processing)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// checkAnswers: one answer per step, and the text is the last one
// acknowledged.
func (w *world) checkAnswers(cands []*candidate, textStep, videoStep int64) {
	w.t.Helper()
	for _, c := range cands {
		rows, err := w.db.Query(`SELECT step_id, COUNT(*) FROM answers WHERE application_id = $1 GROUP BY step_id`, c.app)
		if err != nil {
			w.t.Fatal(err)
		}
		got := map[int64]int{}
		for rows.Next() {
			var step int64
			var n int
			rows.Scan(&step, &n)
			got[step] = n
		}
		rows.Close()
		if got[textStep] != 1 || got[videoStep] != 1 || len(got) != 2 {
			w.t.Errorf("%s's answers per step: %v", c.name, got)
		}
		var view struct {
			Answers []struct {
				StepID int64 `json:"step_id"`
				Text   string
				Media  *struct{ Status string }
			}
		}
		w.as(c.token).json("GET", "/api/v1/candidate", nil, &view, http.StatusOK)
		for _, a := range view.Answers {
			switch a.StepID {
			case textStep:
				if a.Text != c.text {
					w.t.Errorf("%s's text answer is %q; the last one acknowledged was %q", c.name, a.Text, c.text)
				}
			case videoStep:
				if a.Media == nil || a.Media.Status != "ready" {
					w.t.Errorf("%s's recording: %+v", c.name, a.Media)
				}
			}
		}
	}
}

// checkRecordings: each candidate has one take, and its original in the
// bucket is the file sent, byte for byte; no upload left a part behind.
func (w *world) checkRecordings(ctx context.Context, cands []*candidate) {
	w.t.Helper()
	for _, c := range cands {
		var n int
		var key, status string
		if err := w.db.QueryRow(`SELECT COUNT(*), MIN(original_key), MIN(status) FROM media WHERE application_id = $1`, c.app).Scan(&n, &key, &status); err != nil {
			w.t.Fatal(err)
		}
		if n != 1 || status != "ready" {
			w.t.Errorf("%s has %d takes (%s), want 1 ready", c.name, n, status)
			continue
		}
		obj, err := w.blobs.Open(ctx, key)
		if err != nil {
			w.t.Errorf("%s's recording %s: %v", c.name, key, err)
			continue
		}
		got, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || string(got) != string(c.file) {
			w.t.Errorf("%s's recording in the bucket differs from what was sent: %d bytes vs %d (%v)", c.name, len(got), len(c.file), err)
		}
	}
	var leftovers []string
	prefix := w.s3cfg.Prefix + "uploads/"
	out, err := w.blobs.Client().ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &w.s3cfg.Bucket, Prefix: &prefix})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, o := range out.Contents {
		if strings.HasSuffix(*o.Key, ".part") {
			leftovers = append(leftovers, *o.Key)
		}
	}
	if len(leftovers) > 0 {
		w.t.Errorf("parts left in the bucket: %v", leftovers)
	}
}

// checkSubmissions: every candidate submitted, once.
func (w *world) checkSubmissions(cands []*candidate) {
	w.t.Helper()
	for _, c := range cands {
		var status string
		var submitted sql.NullTime
		if err := w.db.QueryRow(`SELECT status, submitted_at FROM applications WHERE id = $1`, c.app).Scan(&status, &submitted); err != nil {
			w.t.Fatal(err)
		}
		var audits int
		w.db.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'application.submit' AND target LIKE $1`,
			fmt.Sprintf("application %d (%%", c.app)).Scan(&audits)
		if !c.submitted || status != "submitted" || !submitted.Valid || audits != 1 {
			w.t.Errorf("%s: acknowledged %v, status %s, submitted at %v, %d submissions in the audit log", c.name, c.submitted, status, submitted, audits)
		}
	}
}

// checkMessages: each acknowledged message is there once; one whose
// answer was lost is there at most once; nothing else is.
func (w *world) checkMessages(cands []*candidate) {
	w.t.Helper()
	for _, c := range cands {
		rows, err := w.db.Query(`SELECT body FROM messages WHERE application_id = $1`, c.app)
		if err != nil {
			w.t.Fatal(err)
		}
		stored := map[string]int{}
		for rows.Next() {
			var b string
			rows.Scan(&b)
			stored[b]++
		}
		rows.Close()
		for _, m := range c.messages {
			if stored[m] != 1 {
				w.t.Errorf("%s's acknowledged message %q is stored %d times", c.name, m, stored[m])
			}
		}
		for b, n := range stored {
			if !slices.Contains(c.messages, b) && (!slices.Contains(c.unsure, b) || n != 1) {
				w.t.Errorf("%s: message %q stored %d times, never acknowledged", c.name, b, n)
			}
		}
		w.t.Logf("%s: %d messages acknowledged, %d answers lost (%d of those stored)", c.name, len(c.messages), len(c.unsure), len(stored)-len(c.messages))
	}
}

// checkTasks: every task that ran, ran once, in the worker (the serve
// processes run none), and none failed.
func (w *world) checkTasks() {
	w.t.Helper()
	host, _ := os.Hostname()
	me := fmt.Sprintf("%s:%d", host, w.worker.Pid())
	rows, err := w.db.Query(`SELECT id, kind, status, attempts, worker, last_error FROM tasks WHERE status <> 'pending' ORDER BY id`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	kinds := map[string]int{}
	for rows.Next() {
		var id int64
		var kind, status, worker, lastErr string
		var attempts int
		rows.Scan(&id, &kind, &status, &attempts, &worker, &lastErr)
		kinds[kind]++
		if status != "done" || attempts != 1 || worker != me {
			w.t.Errorf("task %d (%s): %s after %d attempts by %q (the worker is %q): %s", id, kind, status, attempts, worker, me, lastErr)
		}
	}
	w.t.Logf("tasks run once each by the worker: %v", kinds)
}

// checkEmails: every email the outbox sent arrived once, and nothing
// else arrived.
func (w *world) checkEmails() {
	w.t.Helper()
	rows, err := w.db.Query(`SELECT message_id, status, kind FROM emails`)
	if err != nil {
		w.t.Fatal(err)
	}
	sent := map[string]bool{}
	for rows.Next() {
		var id, status, kind string
		rows.Scan(&id, &status, &kind)
		switch status {
		case "sent":
			sent[strings.Trim(id, "<>")] = true
		case "queued":
			// Reminders wait for their day.
		default:
			w.t.Errorf("email %s (%s) is %s", id, kind, status)
		}
	}
	rows.Close()
	arrived := map[string]int{}
	for _, m := range w.mail.Messages() {
		arrived[strings.Trim(m.MessageID, "<>")]++
	}
	for id := range sent {
		if arrived[id] != 1 {
			w.t.Errorf("email %s was sent, and arrived %d times", id, arrived[id])
		}
	}
	for id, n := range arrived {
		if !sent[id] {
			w.t.Errorf("email %s arrived %d times and is not in the outbox as sent", id, n)
		}
	}
	w.t.Logf("%d emails sent, each arrived once", len(sent))
}

// browser is a person's browser: cookies, redirects followed.
type browser struct {
	w      *world
	client *http.Client
}

func (w *world) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{w: w, client: &http.Client{Jar: jar, Transport: w.proxy.Client.Transport}}
}

// page opens url (on the proxy or straight on a process) and returns
// the path it ended at, after redirects.
func (b *browser) page(u string) string {
	b.w.t.Helper()
	for range 50 {
		resp, err := b.client.Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return resp.Request.URL.Path
			}
			if !lost(reply{status: resp.StatusCode}, nil) {
				b.w.t.Errorf("GET %s: %d", u, resp.StatusCode)
				return ""
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.w.t.Errorf("GET %s: no answer", u)
	return ""
}

// signIn signs the owner in with the sign-in form, through the proxy,
// asking again while no process answers (the proxy's 503 while it
// checks them on a loaded machine).
func (w *world) signIn() *browser {
	b := w.browser()
	for range 100 {
		resp, err := b.client.PostForm(w.proxy.URL+"/login", url.Values{"email": {ownerEmail}, "password": {w.ownerPW}})
		var r reply
		if err == nil {
			resp.Body.Close()
			r.status = resp.StatusCode
		}
		if lost(r, err) {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
			w.t.Fatalf("signing in: %d at %s", resp.StatusCode, resp.Request.URL)
		}
		return b
	}
	w.t.Fatal("signing in: no process answered")
	return nil
}

func (b *browser) signOut() {
	resp, err := b.client.PostForm(b.w.proxy.URL+"/logout", nil)
	if err != nil {
		b.w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		b.w.t.Errorf("signing out ended at %s", resp.Request.URL)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
