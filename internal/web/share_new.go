package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/share"
)

// shareForm is the form that shares applications with a guest, and
// after it is sent, the link made, shown once.
type shareForm struct {
	Apps       []application.Application
	GuestName  string
	GuestEmail string
	CanRate    bool
	Days       int
	MaxDays    int
	// Made: the link was made; URL holds its token, shown this once.
	Made *share.Link
	URL  string
}

// shareApps reads the applications named by app=… in the request, as m
// may see them.
func (s *Server) shareApps(r *http.Request, m account.Member, ids []string) ([]application.Application, []int64, error) {
	var apps []application.Application
	var out []int64
	for _, raw := range ids {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, nil, apperr.Invalid("app", "%q is not an application", raw)
		}
		a, err := s.Applications.Application(r.Context(), m, id)
		if err != nil {
			return nil, nil, err
		}
		apps, out = append(apps, a), append(out, id)
	}
	return apps, out, nil
}

// showShareForm is GET /share/new?app=…: the form for a shortlist ticked
// in a job's list, or one application.
func (s *Server) showShareForm(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := need(m, account.ManageJobs, "share applications outside the team"); err != nil {
		return err
	}
	apps, _, err := s.shareApps(r, m, r.URL.Query()["app"])
	if err != nil {
		return err
	}
	d := shareForm{Apps: apps, Days: share.DefaultDays, MaxDays: share.MaxDays}
	status, msg := http.StatusOK, ""
	if len(apps) == 0 {
		status, msg = http.StatusBadRequest, "Tick the applications to share in the job's list first."
	}
	p := s.teamPage(r.Context(), m, "jobs", "Share outside the team", d)
	p.Error = msg
	s.render(w, r, status, "share_new", p)
	return nil
}

// createShare is POST /share: the link is made and shown once, on the
// page that answers the form; a mistake comes back with what was typed.
func (s *Server) createShare(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	apps, ids, err := s.shareApps(r, m, r.PostForm["app"])
	if err != nil {
		return err
	}
	days, _ := strconv.Atoi(r.PostForm.Get("days"))
	d := shareForm{Apps: apps, GuestName: r.PostForm.Get("guest_name"), GuestEmail: r.PostForm.Get("guest_email"),
		CanRate: r.PostForm.Get("mode") == "rate", Days: days, MaxDays: share.MaxDays}
	l, token, err := s.Shares.Create(r.Context(), m, share.Input{ApplicationIDs: ids, GuestName: d.GuestName, GuestEmail: d.GuestEmail,
		CanRate: d.CanRate, Days: days})
	status, msg := http.StatusOK, ""
	if err != nil {
		if msg, status, err = formProblem(err); err != nil {
			return err
		}
	} else {
		d.Made, d.URL = &l, strings.TrimSuffix(s.cfg.BaseURL, "/")+"/s/"+token
	}
	w.Header().Set("Cache-Control", "no-store")
	p := s.teamPage(r.Context(), m, "jobs", "Share outside the team", d)
	p.Error = msg
	s.render(w, r, status, "share_new", p)
	return nil
}

// backToApplication is where a revoke may return: an application's
// links, nowhere else.
var backToApplication = regexp.MustCompile(`^/applications/[0-9]+#share$`)

// revokeShare is POST /share/{id}/revoke.
func (s *Server) revokeShare(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Shares.Revoke(r.Context(), m, id); err != nil {
		return err
	}
	s.setFlash(w, "The link is revoked: it no longer opens.")
	back := r.PostFormValue("back")
	if !backToApplication.MatchString(back) {
		back = "/"
	}
	return redirect(w, r, back)
}
