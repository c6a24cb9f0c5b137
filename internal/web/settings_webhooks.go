package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/webhook"
)

// webhooksPage lists an organisation's endpoints and adds one.
type webhooksPage struct {
	Endpoints []webhook.Endpoint
	Events    []webhook.Event
	URL       string          // the add form, as typed
	Chosen    map[string]bool // the add form's events, as ticked
	TZ        string
}

// webhookPage is one endpoint: its secret and its delivery log.
type webhookPage struct {
	Endpoint   webhook.Endpoint
	Deliveries []webhook.Delivery
	TZ         string
}

// showWebhooks is GET /settings/webhooks.
func (s *Server) showWebhooks(w http.ResponseWriter, r *http.Request, m account.Member) error {
	return s.renderWebhooks(w, r, m, http.StatusOK, webhooksPage{Chosen: map[string]bool{}}, "")
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, m account.Member, status int, d webhooksPage, msg string) error {
	var err error
	if d.Endpoints, err = s.Webhooks.Endpoints(r.Context(), m); err != nil {
		return err
	}
	d.Events, d.TZ = webhook.Events, s.memberZone(r.Context(), m)
	p := s.teamPage(r.Context(), m, "settings", "Webhooks", d)
	p.Error = msg
	s.render(w, r, status, "settings_webhooks", p)
	return nil
}

// addWebhook is POST /settings/webhooks.
func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	d := webhooksPage{URL: r.PostForm.Get("url"), Chosen: map[string]bool{}}
	var events []webhook.Event
	for _, e := range r.PostForm["events"] {
		events = append(events, webhook.Event(e))
		d.Chosen[e] = true
	}
	e, err := s.Webhooks.Add(r.Context(), m, d.URL, events)
	if err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		return s.renderWebhooks(w, r, m, status, d, msg)
	}
	s.setFlash(w, "Endpoint added. Its signing secret is below.")
	return redirect(w, r, fmt.Sprintf("/settings/webhooks/%d", e.ID))
}

// showWebhook is GET /settings/webhooks/{id}.
func (s *Server) showWebhook(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Webhooks.Endpoint(r.Context(), m, id)
	if err != nil {
		return err
	}
	ds, err := s.Webhooks.Deliveries(r.Context(), m, id)
	if err != nil {
		return err
	}
	d := webhookPage{Endpoint: e, Deliveries: ds, TZ: s.memberZone(r.Context(), m)}
	s.render(w, r, http.StatusOK, "settings_webhook", s.teamPage(r.Context(), m, "settings", "Webhook", d))
	return nil
}

// webhookAction is POST /settings/webhooks/{id}/{action}: enable or
// remove.
func (s *Server) webhookAction(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	switch r.PathValue("action") {
	case "enable":
		if err := s.Webhooks.Enable(r.Context(), m, id); err != nil {
			return err
		}
		s.setFlash(w, "Endpoint turned back on. Send again the deliveries it missed from its log.")
		return redirect(w, r, fmt.Sprintf("/settings/webhooks/%d", id))
	case "remove":
		if err := s.Webhooks.Remove(r.Context(), m, id); err != nil {
			return err
		}
		s.setFlash(w, "Endpoint removed.")
		return redirect(w, r, "/settings/webhooks")
	}
	return apperr.NotFound("page")
}

// redeliverWebhook is POST /settings/webhooks/{id}/deliveries/{delivery}/redeliver.
func (s *Server) redeliverWebhook(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	did, err := httpx.PathID(r, "delivery")
	if err != nil {
		return err
	}
	if err := s.Webhooks.Redeliver(r.Context(), m, did); err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("Delivery whd_%d is being sent again.", did))
	return redirect(w, r, fmt.Sprintf("/settings/webhooks/%d", id))
}
