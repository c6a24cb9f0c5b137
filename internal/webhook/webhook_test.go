package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/clocktest"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/webhook"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

// clock is the tests' clock.
type clock = clocktest.Clock

// receiver is an HTTP server that checks signatures and records what
// arrives; answer decides the response to each delivery.
type receiver struct {
	*httptest.Server
	t      *testing.T
	secret string
	mu     sync.Mutex
	got    []received
	answer func(n int, w http.ResponseWriter)
	now    func() time.Time // the receiver's clock, the world's
}

type received struct {
	event, delivery string
	body            map[string]any
	signed          error
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, now: time.Now}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var v map[string]any
		json.Unmarshal(body, &v)
		r.mu.Lock()
		rec := received{event: req.Header.Get(webhook.HeaderEvent), delivery: req.Header.Get(webhook.HeaderDelivery), body: v,
			signed: webhook.Verify(r.secret, req.Header.Get(webhook.HeaderSignature), body, r.now(), 5*time.Minute)}
		r.got = append(r.got, rec)
		n, answer := len(r.got), r.answer
		r.mu.Unlock()
		if answer != nil {
			answer(n, w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

type world struct {
	domain.Services
	db     *sqldb.DB
	clock  *clock
	worker *queue.Worker
	owner  account.Member
	iv     opening.Interview
	inv    application.Invitation
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: sqldbtest.Open(t), clock: &clock{}}
	w.Services = domaintest.New(t, w.db)
	w.Webhooks.SetClock(w.clock.Now)
	w.Webhooks.AllowPrivate(true) // the receivers are on loopback
	w.worker = queue.New(w.db, queue.Config{Concurrency: 1, Name: "test", Logger: slog.New(slog.DiscardHandler), Now: w.clock.Now})
	w.Webhooks.RegisterTasks(w.worker)
	var err error
	if _, w.owner, err = w.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "o@acme.example"}); err != nil {
		t.Fatal(err)
	}
	job, _ := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")})
	if w.iv, err = w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := w.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	w.inv = res.Invitations[0]
	return w
}

func (w *world) add(t *testing.T, r *receiver, events ...webhook.Event) webhook.Endpoint {
	t.Helper()
	e, err := w.Webhooks.Add(context.Background(), w.owner, r.URL+"/hooks", events)
	if err != nil {
		t.Fatal(err)
	}
	r.secret, r.now = e.Secret, w.clock.Now
	return e
}

func (w *world) run(t *testing.T) {
	t.Helper()
	if err := w.worker.RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (w *world) log(t *testing.T, e webhook.Endpoint) []webhook.Delivery {
	t.Helper()
	ds, err := w.Webhooks.Deliveries(context.Background(), w.owner, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestEventsAreDeliveredSigned: starting, submitting, reviewing and a
// candidate's message each reach the endpoints that subscribed, signed,
// once; the team's messages and other events do not.
func TestEventsAreDeliveredSigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	all := newReceiver(t)
	only := newReceiver(t)
	eAll := w.add(t, all, webhook.Events...)
	w.add(t, only, webhook.ApplicationSubmitted)

	a, err := w.Applications.ByToken(ctx, w.inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Applications.Start(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := w.Applications.Start(ctx, a); err != nil { // a second start changes nothing
		t.Fatal(err)
	}
	if _, err := w.Messages.PostAsCandidate(ctx, a, "A question <b>?</b>"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Messages.Post(ctx, w.owner, a.ID, "An answer", false); err != nil {
		t.Fatal(err)
	}
	a, _ = w.Applications.ByToken(ctx, w.inv.Token)
	if _, err := w.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reviews.Submit(ctx, w.owner, a.ID, review.Input{Recommendation: review.Yes, Note: "good"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{a.ID}, decision.Input{Outcome: decision.Advance, Template: "Hello {{.Candidate.FirstName}}"}); err != nil {
		t.Fatal(err)
	}
	w.run(t)

	got := all.received()
	var events []string
	for _, r := range got {
		events = append(events, r.event)
		if r.signed != nil {
			t.Errorf("%s: %v", r.event, r.signed)
		}
		if r.body["event"] != r.event || r.body["id"] != r.delivery {
			t.Errorf("payload %v for %s %s", r.body, r.event, r.delivery)
		}
	}
	if strings.Join(events, " ") != "application.started message.received application.submitted review.submitted decision.made" {
		t.Errorf("events %v", events)
	}
	msg := got[1].body["data"].(map[string]any)
	if msg["message"].(map[string]any)["body"] != "A question <b>?</b>" || msg["application"].(map[string]any)["candidate"].(map[string]any)["email"] != "ada@example.com" {
		t.Errorf("message.received data %v", msg)
	}
	if rv := got[3].body["data"].(map[string]any)["review"].(map[string]any); rv["recommendation"] != "yes" || rv["note"] != "good" {
		t.Errorf("review.submitted data %v", rv)
	}
	if d := got[4].body["data"].(map[string]any)["decision"].(map[string]any); d["outcome"] != "advance" || d["message"] != "Hello Ada" {
		t.Errorf("decision.made data %v", d)
	}
	if got := only.received(); len(got) != 1 || got[0].event != "application.submitted" {
		t.Errorf("the endpoint for submissions only got %v", got)
	}
	for _, d := range w.log(t, eAll) {
		if d.Status != webhook.Delivered || d.LastStatus != http.StatusNoContent || d.Attempts != 1 || d.DeliveredAt == nil {
			t.Errorf("log %+v", d)
		}
	}

	// A wrong secret or an old timestamp does not verify.
	body := []byte(`{"x":1}`)
	sig := webhook.Sign("whsec_right", time.Now(), body)
	if webhook.Verify("whsec_wrong", sig, body, time.Now(), time.Minute) == nil ||
		webhook.Verify("whsec_right", sig, []byte(`{"x":2}`), time.Now(), time.Minute) == nil ||
		webhook.Verify("whsec_right", sig, body, time.Now().Add(time.Hour), time.Minute) == nil ||
		webhook.Verify("whsec_right", sig, body, time.Now(), time.Minute) != nil {
		t.Error("Verify accepts what it should not, or refuses a good signature")
	}
}

// TestRetriesAndRedelivery: a 500 is retried with backoff until the
// endpoint answers; a delivery can be sent again by hand.
func TestRetriesAndRedelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	r := newReceiver(t)
	r.answer = func(n int, w http.ResponseWriter) {
		if n <= 2 {
			http.Error(w, "database down", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}
	e := w.add(t, r, webhook.MessageReceived)
	a, _ := w.Applications.ByToken(ctx, w.inv.Token)
	if _, err := w.Messages.PostAsCandidate(ctx, a, "hello"); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	d := w.log(t, e)[0]
	if d.Status != webhook.Pending || d.LastStatus != 500 || !strings.Contains(d.LastError, "database down") {
		t.Fatalf("after a 500: %+v", d)
	}
	for range 2 {
		w.clock.Advance(time.Hour)
		w.run(t)
	}
	d = w.log(t, e)[0]
	if d.Status != webhook.Delivered || d.Attempts != 3 || d.LastStatus != 200 {
		t.Fatalf("after the endpoint recovered: %+v", d)
	}
	if err := w.Webhooks.Redeliver(ctx, w.owner, d.ID); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	got := r.received()
	if len(got) != 4 || got[3].delivery != got[0].delivery || got[3].signed != nil {
		t.Errorf("the redelivery: %+v", got)
	}
	other := account.Member{ID: 999, OrgID: w.owner.OrgID + 1000, Role: account.Owner}
	if err := w.Webhooks.Redeliver(ctx, other, d.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation redelivering: %v", err)
	}
}

// TestEndpointThatFailsForADay is disabled, its pending deliveries end,
// and the organisation is told.
func TestEndpointThatFailsForADay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	r := newReceiver(t)
	r.answer = func(_ int, w http.ResponseWriter) { http.Error(w, "no", http.StatusBadGateway) }
	var told []webhook.Endpoint
	w.Webhooks.OnDisabled(func(_ context.Context, _ *sqldb.DB, e webhook.Endpoint) error {
		told = append(told, e)
		return nil
	})
	e := w.add(t, r, webhook.MessageReceived)
	a, _ := w.Applications.ByToken(ctx, w.inv.Token)
	w.Messages.PostAsCandidate(ctx, a, "one")
	w.run(t)
	for range 26 {
		w.clock.Advance(time.Hour)
		w.run(t)
	}
	got, err := w.Webhooks.Endpoint(ctx, w.owner, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisabledAt == nil || !strings.Contains(got.DisabledReason, "failed for 24h") || len(told) != 1 {
		t.Fatalf("after a day of failures: %+v, told %d times", got, len(told))
	}
	if d := w.log(t, e)[0]; d.Status != webhook.Failed {
		t.Errorf("the delivery: %+v", d)
	}
	// Disabled: new events are not queued for it; enabled again, they are.
	w.Messages.PostAsCandidate(ctx, a, "two")
	if n := len(w.log(t, e)); n != 1 {
		t.Errorf("%d deliveries while disabled, want 1", n)
	}
	if err := w.Webhooks.Enable(ctx, w.owner, e.ID); err != nil {
		t.Fatal(err)
	}
	r.answer = nil
	w.Messages.PostAsCandidate(ctx, a, "three")
	w.run(t)
	if d := w.log(t, e)[0]; d.Status != webhook.Delivered {
		t.Errorf("after enabling: %+v", d)
	}
}

// TestHostileEndpoints: a private address, a name that resolves to
// loopback, a redirect, and an endpoint that never answers.
func TestHostileEndpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.Webhooks.SetTimeout(3 * time.Second) // a loaded machine's redirect must answer within it
	target := newReceiver(t)               // where a redirect points: must never be reached
	redirect := newReceiver(t)
	redirect.answer = func(_ int, w http.ResponseWriter) {
		w.Header().Set("Location", target.URL+"/admin")
		w.WriteHeader(http.StatusFound)
	}
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // read, so that the server sees the client go
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	defer hang.Close()
	eRedirect := w.add(t, redirect, webhook.MessageReceived)
	eHang, err := w.Webhooks.Add(ctx, w.owner, hang.URL, []webhook.Event{webhook.MessageReceived})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.Applications.ByToken(ctx, w.inv.Token)
	w.Messages.PostAsCandidate(ctx, a, "hi")
	w.run(t)
	if d := w.log(t, eRedirect)[0]; d.Status != webhook.Pending || d.LastStatus != http.StatusFound || !strings.Contains(d.LastError, "do not follow redirects") {
		t.Errorf("a redirect: %+v", d)
	}
	if len(target.received()) != 0 {
		t.Error("the redirect was followed")
	}
	if d := w.log(t, eHang)[0]; d.Status != webhook.Pending || !strings.Contains(d.LastError, "no answer within") {
		t.Errorf("a hanging endpoint: %+v", d)
	}

	// Without AllowPrivate, loopback is refused whether named by address
	// or by a name.
	strict := newWorld(t)
	r := newReceiver(t)
	port := r.URL[strings.LastIndexByte(r.URL, ':'):]
	var eps []webhook.Endpoint
	for _, u := range []string{r.URL, "http://localhost" + port, "http://[::1]" + port, "http://10.0.0.1" + port} {
		e, err := strict.Webhooks.Add(ctx, strict.owner, u, []webhook.Event{webhook.MessageReceived})
		if err != nil {
			t.Fatal(err)
		}
		eps = append(eps, e)
	}
	strict.Webhooks.AllowPrivate(false)
	strict.Webhooks.SetTimeout(500 * time.Millisecond)
	a, _ = strict.Applications.ByToken(ctx, strict.inv.Token)
	strict.Messages.PostAsCandidate(ctx, a, "hi")
	strict.run(t)
	for _, e := range eps {
		if d := strict.log(t, e)[0]; d.Status != webhook.Pending || !strings.Contains(d.LastError, "loopback or private") {
			t.Errorf("%s: %+v", e.URL, d)
		}
	}
	if n := len(r.received()); n != 0 {
		t.Errorf("%d deliveries reached a loopback receiver", n)
	}
}

func TestEndpointInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	for name, tc := range map[string]struct {
		url    string
		events []webhook.Event
	}{
		"not a URL":        {"hooks", []webhook.Event{webhook.MessageReceived}},
		"ftp":              {"ftp://example.com/x", []webhook.Event{webhook.MessageReceived}},
		"credentials":      {"https://u:p@example.com/x", []webhook.Event{webhook.MessageReceived}},
		"no events":        {"https://example.com/x", nil},
		"an unknown event": {"https://example.com/x", []webhook.Event{"application.deleted"}},
	} {
		if _, err := w.Webhooks.Add(ctx, w.owner, tc.url, tc.events); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	reviewer := account.Member{ID: 999, OrgID: w.owner.OrgID, Role: account.Reviewer}
	if _, err := w.Webhooks.Add(ctx, reviewer, "https://example.com/x", []webhook.Event{webhook.MessageReceived}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer adding an endpoint: %v", err)
	}
	e, err := w.Webhooks.Add(ctx, w.owner, "https://example.com/x", []webhook.Event{webhook.MessageReceived, webhook.MessageReceived})
	if err != nil || len(e.Events) != 1 || !strings.HasPrefix(e.Secret, "whsec_") {
		t.Fatalf("Add = %+v, %v", e, err)
	}
	other := account.Member{ID: 999, OrgID: w.owner.OrgID + 1000, Role: account.Owner}
	if _, err := w.Webhooks.Endpoint(ctx, other, e.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's endpoint: %v", err)
	}
	if err := w.Webhooks.Remove(ctx, w.owner, e.ID); err != nil {
		t.Fatal(err)
	}
}
