package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// The headers of a delivery.
const (
	HeaderSignature = "Anyhour-Signature" // t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
	HeaderEvent     = "Anyhour-Event"
	HeaderDelivery  = "Anyhour-Delivery" // whd_<id>, the same on every attempt
)

// Sign returns the Anyhour-Signature header for body sent at t with
// secret: t=<unix seconds>,v1=<hex of HMAC-SHA256(secret, "<t>.<body>")>.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery's signature header against its body, as a
// receiver does: the MAC must match and the timestamp be within tolerance
// of now, which stops replays of old deliveries.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("webhook: malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: the signature's timestamp is too old or too new")
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return errors.New("webhook: the signature does not match")
	}
	return nil
}

// RegisterTasks adds deliveries to w.
func (s *Service) RegisterTasks(w *queue.Worker) { w.Handle(TaskDeliver, s.handleDeliver) }

// maxLogged bounds what a delivery keeps of an answer's body.
const maxLogged = 1000

func (s *Service) handleDeliver(ctx context.Context, t queue.Task) error {
	var p deliverPayload
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	var d Delivery
	var ep Endpoint
	err := s.db.QueryRow(ctx, `SELECT d.id, d.event, d.payload, d.status, d.created_at, e.id, e.url, e.secret, e.disabled_at
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`, p.ID).
		Scan(&d.ID, &d.Event, &d.Payload, &d.Status, &d.CreatedAt, &ep.ID, &ep.URL, &ep.Secret, &ep.DisabledAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil // removed with its endpoint
	}
	if err != nil {
		return err
	}
	if d.Status != Pending {
		return nil
	}
	if ep.DisabledAt != nil {
		return s.finish(ctx, d.ID, Failed, 0, "the endpoint is disabled")
	}

	status, body, derr := s.attempt(ctx, ep, d)
	s.observed(status, derr)
	now := s.now()
	if derr == nil {
		err := s.db.Transact(ctx, func(tx *sqldb.DB) error {
			if err := s.record(ctx, tx, d.ID, Delivered, status, ""); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1`, ep.ID)
			return err
		})
		return err
	}
	msg := derr.Error()
	if body != "" {
		msg += ": " + body
	}
	giveUp := now.Sub(d.CreatedAt) >= RetryFor
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		st := Pending
		if giveUp {
			st = Failed
		}
		if err := s.record(ctx, tx, d.ID, st, status, msg); err != nil {
			return err
		}
		return s.failing(ctx, tx, ep.ID, now)
	})
	if err != nil {
		return errors.Join(derr, err)
	}
	if giveUp {
		return queue.Permanent(fmt.Errorf("webhook delivery %d given up after %s: %w", d.ID, RetryFor, derr))
	}
	return derr
}

// attempt POSTs the delivery once. It returns the answer's status, the
// start of its body when it was not a success, and why it failed.
func (s *Service) attempt(ctx context.Context, ep Endpoint, d Delivery) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequest(http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "anyhour-webhooks/1")
	req.Header.Set(HeaderEvent, string(d.Event))
	req.Header.Set(HeaderDelivery, fmt.Sprintf("whd_%d", d.ID))
	req.Header.Set(HeaderSignature, Sign(ep.Secret, s.now(), body))
	resp, err := s.client.do(ctx, req)
	if err != nil {
		if errors.Is(err, errPrivate) {
			return 0, "", errPrivate
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, "", fmt.Errorf("no answer within %s", s.timeout)
		}
		return 0, "", fmt.Errorf("could not connect: %w", err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(io.LimitReader(resp.Body, maxLogged))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, "", nil
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp.StatusCode, "", fmt.Errorf("the endpoint answered %d, a redirect to %q; deliveries do not follow redirects", resp.StatusCode, resp.Header.Get("Location"))
	}
	return resp.StatusCode, strings.ToValidUTF8(string(got), "?"), fmt.Errorf("the endpoint answered %d", resp.StatusCode)
}

func (s *Service) record(ctx context.Context, tx *sqldb.DB, id int64, st Status, code int, lastError string) error {
	now := s.now()
	q := `UPDATE webhook_deliveries SET status = $1, last_status = $2, last_error = $3, attempts = attempts + 1, updated_at = $4`
	if st == Delivered {
		q += `, delivered_at = $4`
	}
	_, err := tx.Exec(ctx, q+` WHERE id = $5`, st, code, lastError, now, id)
	return err
}

// finish ends a delivery without an attempt.
func (s *Service) finish(ctx context.Context, id int64, st Status, code int, why string) error {
	_, err := s.db.Exec(ctx, `UPDATE webhook_deliveries SET status = $1, last_status = $2, last_error = $3, updated_at = $4 WHERE id = $5`,
		st, code, why, s.now(), id)
	return err
}

// failing notes a failure of the endpoint; after RetryFor of nothing but
// failures it is disabled, its pending deliveries are failed, and the
// organisation is told.
func (s *Service) failing(ctx context.Context, tx *sqldb.DB, endpointID int64, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET failing_since = $1 WHERE id = $2 AND failing_since IS NULL`, now, endpointID); err != nil {
		return err
	}
	e, err := scanEndpoint(tx.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1`, endpointID))
	if err != nil {
		return err
	}
	if e.DisabledAt != nil || e.FailingSince == nil || now.Sub(*e.FailingSince) < RetryFor {
		return nil
	}
	e.DisabledAt = &now
	e.DisabledReason = fmt.Sprintf("every delivery failed for %s, since %s", RetryFor, e.FailingSince.UTC().Format("2 Jan 2006 15:04 MST"))
	if _, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET disabled_at = $1, disabled_reason = $2 WHERE id = $3`, now, e.DisabledReason, e.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'failed', last_error = 'the endpoint was disabled', updated_at = $1
		WHERE endpoint_id = $2 AND status = 'pending'`, now, e.ID); err != nil {
		return err
	}
	for _, fn := range s.disabled {
		if err := fn(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// MaxLog is the most deliveries Deliveries returns.
const MaxLog = 100

// Deliveries is an endpoint's delivery log, newest first.
func (s *Service) Deliveries(ctx context.Context, actor account.Member, endpointID int64) (_ []Delivery, err error) {
	defer apperr.Wrap(&err, "webhook.Deliveries")
	if _, err := s.Endpoint(ctx, actor, endpointID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, endpoint_id, event, payload, status, attempts, last_status, last_error, created_at, updated_at, delivered_at
		FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2`, endpointID, MaxLog)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.EndpointID, &d.Event, &d.Payload, &d.Status, &d.Attempts, &d.LastStatus, &d.LastError,
			&d.CreatedAt, &d.UpdatedAt, &d.DeliveredAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Redeliver sends a delivery again, whatever became of it, with the same
// id and payload and a fresh signature; it is retried like a new one.
func (s *Service) Redeliver(ctx context.Context, actor account.Member, deliveryID int64) (err error) {
	defer apperr.Wrap(&err, "webhook.Redeliver")
	if !actor.Can(account.ManageOrg) {
		return apperr.Forbidden("your role cannot manage webhooks")
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var url string
		var disabled *time.Time
		var status Status
		err := tx.QueryRow(ctx, `SELECT e.url, e.disabled_at, d.status FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
			WHERE d.id = $1 AND d.org_id = $2`, deliveryID, actor.OrgID).Scan(&url, &disabled, &status)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("delivery")
		}
		if err != nil {
			return err
		}
		if disabled != nil {
			return apperr.Conflict("the endpoint is disabled; enable it first")
		}
		if status == Pending {
			return apperr.Conflict("this delivery is still being tried; wait for it to succeed or fail")
		}
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'pending', created_at = $1, updated_at = $1 WHERE id = $2 AND status <> 'pending'`, now, deliveryID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict("this delivery is still being tried; wait for it to succeed or fail")
		}
		if err := s.enqueue(ctx, tx, deliveryID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "webhook.redeliver", url, fmt.Sprintf("whd_%d", deliveryID), "")
	})
}
