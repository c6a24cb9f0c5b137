package api

import (
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/share"
)

type shareInput struct {
	ApplicationIDs []int64 `json:"application_ids"`
	GuestName      string  `json:"guest_name"`
	GuestEmail     string  `json:"guest_email"`
	CanRate        bool    `json:"can_rate"`
	Days           int     `json:"days"`
}

type shareLinkJSON struct {
	ID             int64   `json:"id"`
	URL            string  `json:"url,omitempty"` // when made, this once
	ApplicationIDs []int64 `json:"application_ids"`
	GuestName      string  `json:"guest_name"`
	GuestEmail     string  `json:"guest_email"`
	CanRate        bool    `json:"can_rate"`
	CreatedBy      string  `json:"created_by"`
	CreatedAt      string  `json:"created_at"`
	ExpiresAt      string  `json:"expires_at"`
	RevokedAt      *string `json:"revoked_at"`
	Opens          int     `json:"opens"`
	LastOpenedAt   *string `json:"last_opened_at"`
}

func newShareLink(l share.Link) shareLinkJSON {
	out := shareLinkJSON{ID: l.ID, ApplicationIDs: l.ApplicationIDs, GuestName: l.GuestName, GuestEmail: l.GuestEmail, CanRate: l.CanRate,
		CreatedBy: l.CreatedByName, CreatedAt: ts(l.CreatedAt), ExpiresAt: ts(l.ExpiresAt), Opens: l.Opens}
	if out.ApplicationIDs == nil {
		out.ApplicationIDs = []int64{}
	}
	if l.RevokedAt != nil {
		v := ts(*l.RevokedAt)
		out.RevokedAt = &v
	}
	if l.LastOpened != nil {
		v := ts(*l.LastOpened)
		out.LastOpenedAt = &v
	}
	return out
}

// createShareLink answers POST /api/v1/share-links: a link for a named
// guest, its URL in the answer this once.
func (s *Server) createShareLink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	var in shareInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	l, token, err := s.Shares.Create(r.Context(), m, share.Input{ApplicationIDs: in.ApplicationIDs, GuestName: in.GuestName,
		GuestEmail: in.GuestEmail, CanRate: in.CanRate, Days: in.Days})
	if err != nil {
		return err
	}
	out := newShareLink(l)
	out.URL = strings.TrimSuffix(s.cfg.BaseURL, "/") + "/s/" + token
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// listShareLinks answers GET /api/v1/applications/{id}/share-links.
func (s *Server) listShareLinks(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	ls, err := s.Shares.ForApplication(r.Context(), m, id)
	if err != nil {
		return err
	}
	out := struct {
		Links []shareLinkJSON `json:"share_links"`
	}{Links: []shareLinkJSON{}}
	for _, l := range ls {
		out.Links = append(out.Links, newShareLink(l))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// revokeShareLink answers DELETE /api/v1/share-links/{id}.
func (s *Server) revokeShareLink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "share link")
	if err != nil {
		return err
	}
	if err := s.Shares.Revoke(r.Context(), m, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
