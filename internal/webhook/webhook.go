// Package webhook tells other systems what happens in anyhour: an
// organisation registers endpoints, and every event it subscribed to is
// POSTed to them as JSON, signed with HMAC-SHA256 over a timestamp and the
// body. Deliveries are queued in the transaction of the change, retried
// with backoff for a day, logged with their status codes, and can be sent
// again by hand; an endpoint that fails for a whole day is disabled and
// the organisation's owners are told. Deliveries to loopback and private
// addresses are refused unless the configuration allows them, checked on
// the address actually dialled.
package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Event is what happened.
type Event string

// The events an endpoint may subscribe to.
const (
	ApplicationStarted   Event = "application.started"
	ApplicationSubmitted Event = "application.submitted"
	ReviewSubmitted      Event = "review.submitted"
	DecisionMade         Event = "decision.made"
	MessageReceived      Event = "message.received"
)

// Events lists every event, in the order pages show them.
var Events = []Event{ApplicationStarted, ApplicationSubmitted, ReviewSubmitted, DecisionMade, MessageReceived}

// Valid reports whether e is a known event.
func (e Event) Valid() bool { return slices.Contains(Events, e) }

// Endpoint is a URL an organisation receives events at.
type Endpoint struct {
	ID             int64
	OrgID          int64
	URL            string
	Secret         string // signs the payloads; shown to admins
	Events         []Event
	CreatedAt      time.Time
	FailingSince   *time.Time
	DisabledAt     *time.Time
	DisabledReason string
}

// Subscribed reports whether the endpoint takes e.
func (e Endpoint) Subscribed(ev Event) bool { return slices.Contains(e.Events, ev) }

// Status is where a delivery stands.
type Status string

// The statuses of a delivery.
const (
	Pending   Status = "pending"
	Delivered Status = "delivered"
	Failed    Status = "failed"
)

// Delivery is one event sent, or being sent, to one endpoint.
type Delivery struct {
	ID          int64
	EndpointID  int64
	Event       Event
	Payload     string
	Status      Status
	Attempts    int
	LastStatus  int // the HTTP status of the last answer; 0 if none came
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DeliveredAt *time.Time
}

// Limits.
const (
	MaxEndpoints = 20
	MaxURL       = 2000
	// RetryFor is how long a delivery is retried, and how long an
	// endpoint may fail before it is disabled.
	RetryFor = 24 * time.Hour
	// Timeout bounds one attempt, from dialling to the end of the answer.
	Timeout = 10 * time.Second
)

// TaskDeliver is the queue task that makes one delivery attempt.
const TaskDeliver = "webhook.deliver"

// Service keeps endpoints and deliveries and sends them.
type Service struct {
	db       *sqldb.DB
	accounts *account.Service
	now      func() time.Time
	client   *client
	// allowPrivate and timeout are what client was made with.
	allowPrivate bool
	timeout      time.Duration
	// disabled runs, in the transaction that disables an endpoint, to
	// tell the organisation; package notify emails its owners.
	disabled []func(ctx context.Context, tx *sqldb.DB, e Endpoint) error
	observe  func(outcome string) // SetObserver
}

// New returns a Service over db. Deliveries to loopback and private
// addresses are refused until AllowPrivate.
func New(db *sqldb.DB, accounts *account.Service) *Service {
	return &Service{db: db, accounts: accounts, now: time.Now, client: newClient(false, Timeout), timeout: Timeout}
}

// AllowPrivate lets deliveries go to loopback and private addresses: for
// tests, and for installations whose receivers live on their own network.
// Call it while wiring, before any delivery.
func (s *Service) AllowPrivate(allow bool) {
	s.allowPrivate = allow
	s.client = newClient(allow, s.timeout)
}

// SetTimeout changes how long one attempt may take, for tests.
func (s *Service) SetTimeout(d time.Duration) {
	s.timeout = d
	s.client = newClient(s.allowPrivate, d)
}

// SetClock replaces the service's clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// OnDisabled adds fn to what runs when an endpoint is disabled.
func (s *Service) OnDisabled(fn func(ctx context.Context, tx *sqldb.DB, e Endpoint) error) {
	s.disabled = append(s.disabled, fn)
}

// Add registers an endpoint for actor's organisation, with a new secret.
func (s *Service) Add(ctx context.Context, actor account.Member, rawURL string, events []Event) (_ Endpoint, err error) {
	defer apperr.Wrap(&err, "webhook.Add")
	if !actor.Can(account.ManageOrg) {
		return Endpoint{}, apperr.Forbidden("your role cannot manage webhooks")
	}
	u, err := checkURL(rawURL)
	if err != nil {
		return Endpoint{}, err
	}
	if len(events) == 0 {
		return Endpoint{}, apperr.Invalid("events", "choose at least one event")
	}
	var evs []string
	for _, e := range events {
		if !e.Valid() {
			return Endpoint{}, apperr.Invalid("events", "%q is not an event", e)
		}
		if !slices.Contains(evs, string(e)) {
			evs = append(evs, string(e))
		}
	}
	e := Endpoint{OrgID: actor.OrgID, URL: u, Secret: "whsec_" + randomHex(24), CreatedAt: s.now()}
	for _, ev := range evs {
		e.Events = append(e.Events, Event(ev))
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE org_id = $1`, actor.OrgID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEndpoints {
			return apperr.Conflict("an organisation has at most %d webhook endpoints", MaxEndpoints)
		}
		if err := tx.WriteRow(ctx, `INSERT INTO webhook_endpoints (org_id, url, secret, events, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.OrgID, e.URL, e.Secret, strings.Join(evs, ","), actor.ID, e.CreatedAt).Scan(&e.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "webhook.add", e.URL, strings.Join(evs, ", "), "")
	})
	return e, err
}

// checkURL accepts absolute http and https URLs without credentials.
func checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || len(raw) > MaxURL || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "", apperr.Invalid("url", "the endpoint must be an http:// or https:// address without a user name or #fragment")
	}
	return u.String(), nil
}

// Endpoints lists actor's organisation's endpoints.
func (s *Service) Endpoints(ctx context.Context, actor account.Member) (_ []Endpoint, err error) {
	defer apperr.Wrap(&err, "webhook.Endpoints")
	if !actor.Can(account.ManageOrg) {
		return nil, apperr.Forbidden("your role cannot manage webhooks")
	}
	rows, err := s.db.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE org_id = $1 ORDER BY id`, actor.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Endpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Endpoint returns one of actor's organisation's endpoints.
func (s *Service) Endpoint(ctx context.Context, actor account.Member, id int64) (_ Endpoint, err error) {
	defer apperr.Wrap(&err, "webhook.Endpoint(%d)", id)
	if !actor.Can(account.ManageOrg) {
		return Endpoint{}, apperr.Forbidden("your role cannot manage webhooks")
	}
	e, err := scanEndpoint(s.db.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1 AND org_id = $2`, id, actor.OrgID))
	if errors.Is(err, sqldb.ErrNotFound) {
		return e, apperr.NotFound("webhook endpoint")
	}
	return e, err
}

// Enable turns a disabled endpoint back on; its failures start afresh.
func (s *Service) Enable(ctx context.Context, actor account.Member, id int64) (err error) {
	defer apperr.Wrap(&err, "webhook.Enable(%d)", id)
	e, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = '', failing_since = NULL WHERE id = $1`, e.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "webhook.enable", e.URL, "", "")
	})
}

// Remove deletes an endpoint and its delivery log.
func (s *Service) Remove(ctx context.Context, actor account.Member, id int64) (err error) {
	defer apperr.Wrap(&err, "webhook.Remove(%d)", id)
	e, err := s.Endpoint(ctx, actor, id)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE endpoint_id = $1`, e.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, e.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "webhook.remove", e.URL, "", "")
	})
}

const endpointColumns = `id, org_id, url, secret, events, created_at, failing_since, disabled_at, disabled_reason`

func scanEndpoint(row interface{ Scan(...any) error }) (Endpoint, error) {
	var e Endpoint
	var events string
	err := row.Scan(&e.ID, &e.OrgID, &e.URL, &e.Secret, &events, &e.CreatedAt, &e.FailingSince, &e.DisabledAt, &e.DisabledReason)
	for _, ev := range strings.Split(events, ",") {
		if ev != "" {
			e.Events = append(e.Events, Event(ev))
		}
	}
	return e, err
}

// envelope is every payload's outer shape.
type envelope struct {
	ID        string `json:"id"` // the delivery's id, "whd_<n>": the same on every attempt and redelivery
	Event     Event  `json:"event"`
	CreatedAt string `json:"created_at"`
	Data      any    `json:"data"`
}

// Emit queues ev with data for every enabled endpoint of orgID that takes
// it, in tx.
func (s *Service) Emit(ctx context.Context, tx *sqldb.DB, orgID int64, ev Event, data any) (err error) {
	defer apperr.Wrap(&err, "webhook.Emit(%d)", orgID)
	rows, err := tx.Query(ctx, `SELECT id, events FROM webhook_endpoints WHERE org_id = $1 AND disabled_at IS NULL`, orgID)
	if err != nil {
		return err
	}
	var targets []int64
	for rows.Next() {
		var id int64
		var events string
		if err := rows.Scan(&id, &events); err != nil {
			rows.Close()
			return err
		}
		if slices.Contains(strings.Split(events, ","), string(ev)) {
			targets = append(targets, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := s.now()
	for _, ep := range targets {
		var id int64
		if err := tx.WriteRow(ctx, `INSERT INTO webhook_deliveries (org_id, endpoint_id, event, payload, status, created_at, updated_at)
			VALUES ($1, $2, $3, '', 'pending', $4, $4) RETURNING id`, orgID, ep, ev, now).Scan(&id); err != nil {
			return err
		}
		body, err := json.Marshal(envelope{ID: fmt.Sprintf("whd_%d", id), Event: ev, CreatedAt: now.UTC().Format(time.RFC3339), Data: data})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET payload = $1 WHERE id = $2`, string(body), id); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) enqueue(ctx context.Context, tx *sqldb.DB, id int64) error {
	// Attempts are bounded by RetryFor, not by count: the backoff reaches
	// an hour between attempts, so a day takes about 35.
	_, err := queue.Enqueue(ctx, tx, TaskDeliver, deliverPayload{ID: id}, queue.MaxAttempts(1000))
	return err
}

type deliverPayload struct {
	ID int64 `json:"delivery_id"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
