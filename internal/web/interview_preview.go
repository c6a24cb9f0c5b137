package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// "Preview as candidate": the interview's welcome page and steps as a
// candidate meets them, for a team member, with nothing saved or sent.
// The pages are the candidate's own templates over an application that
// does not exist (candidateView.preview); their forms post to the
// preview, which saves nothing and says so.

// previewPath is the preview of interview id.
func previewPath(id int64) string { return fmt.Sprintf("/interviews/%d/preview", id) }

// previewView is a candidate's view of interview {id} before they
// started, for member m as the candidate.
func (s *Server) previewView(r *http.Request, m account.Member) (candidateView, error) {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return candidateView{}, err
	}
	c, err := s.Views.Preview(ctx, m, id, s.memberZone(ctx, m))
	return candidateView{Candidate: c, preview: true}, err
}

// previewPage is a candidate page in the preview: the team member's
// way back, and no saving.
func (v candidateView) previewPage(p page) page {
	p.Preview = fmt.Sprintf("/interviews/%d", v.Interview.ID)
	return p
}

// showPreview is GET /interviews/{id}/preview: the welcome page.
func (s *Server) showPreview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v, err := s.previewView(r, m)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_welcome", v.previewPage(v.page(v.Interview.Title, candidateWelcome{candidateView: v})))
	return nil
}

// showPreviewStep is GET /interviews/{id}/preview/steps/{step}.
func (s *Server) showPreviewStep(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v, err := s.previewView(r, m)
	if err != nil {
		return err
	}
	row, i, ok := candidateStep(v, r)
	if !ok {
		return apperr.NotFound("step")
	}
	s.render(w, r, http.StatusOK, "candidate_step", v.previewPage(v.stepPage(row, i).page()))
	return nil
}

// servePreviewRecording is GET /interviews/{id}/preview/media/{media}/{file}:
// the team's videos (intro, questions) as the team may watch them.
func (s *Server) servePreviewRecording(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if _, err := s.previewView(r, m); err != nil {
		return err
	}
	r.SetPathValue("id", r.PathValue("media"))
	return s.serveTeamRecording(w, r, m)
}

// previewElsewhere is any other page of the preview (the candidate's
// status, messages, review): they need a real application, so the
// welcome page says so.
func (s *Server) previewElsewhere(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v, err := s.previewView(r, m)
	if err != nil {
		return err
	}
	s.setFlash(w, "In the preview, only the welcome page and the steps open: the candidate's status, messages and review pages need a real application.")
	return redirect(w, r, previewPath(v.Interview.ID))
}

// previewPost answers every form of the preview: nothing is saved or
// sent, and the page the form was on comes back saying so.
func (s *Server) previewPost(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v, err := s.previewView(r, m)
	if err != nil {
		return err
	}
	back := previewPath(v.Interview.ID)
	if rest, ok := strings.CutPrefix(r.PathValue("rest"), "steps/"); ok {
		step, _, _ := strings.Cut(rest, "/")
		back += "/steps/" + step
	}
	if r.Header.Get("X-Anyhour-Autosave") != "" || r.Header.Get("X-Anyhour-Fragment") != "" {
		return apperr.Conflict("this is a preview: nothing is saved or run")
	}
	s.setFlash(w, "This is a preview: nothing was saved or sent.")
	return redirect(w, r, back)
}
