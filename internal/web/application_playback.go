package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// playbackPage replays how a code answer was written.
type playbackPage struct {
	App      application.Application
	Step     opening.Step
	Language opening.Language
	Code     string
	Activity activity.Summary
	DataURL  string
}

// codeAnswer finds a submitted application's code answer to the step in
// the path, as member m may read it.
func (s *Server) codeAnswer(r *http.Request, m account.Member) (appview.Team, appview.Step, error) {
	id, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return appview.Team{}, appview.Step{}, err
	}
	v, err := s.Views.ForMember(r.Context(), m, id)
	if err != nil {
		return v, appview.Step{}, err
	}
	if v.Shared {
		for _, st := range v.Steps {
			if st.Step.ID == stepID && st.Step.Kind == opening.KindCode {
				return v, st, nil
			}
		}
	}
	return v, appview.Step{}, apperr.NotFound("code answer")
}

// showPlayback is GET /applications/{id}/steps/{step}/playback: the
// player, which fetches the record itself, so that the page is as quick
// to open however long the record is. Without JavaScript it shows the
// saved code and the events.
func (s *Server) showPlayback(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v, st, err := s.codeAnswer(r, m)
	if err != nil {
		return err
	}
	d := playbackPage{App: v.App, Step: st.Step, Language: st.Answer.Language, Code: st.Answer.Code,
		DataURL: fmt.Sprintf("/applications/%d/steps/%d/playback.json", v.App.ID, st.Step.ID)}
	if st.Activity != nil {
		d.Activity = *st.Activity
	}
	p := s.teamPage(r.Context(), m, "jobs", v.App.Candidate.Name+": how "+st.Step.Title+" was written", d)
	p.Wide = true
	s.render(w, r, http.StatusOK, "application_playback", p)
	return nil
}

// servePlayback is GET /applications/{id}/steps/{step}/playback.json:
// the record for the player.
func (s *Server) servePlayback(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v, st, err := s.codeAnswer(r, m)
	if err != nil {
		return err
	}
	p, err := s.Activity.Playback(r.Context(), v.App.ID, st.Step.ID, string(st.Answer.Language), st.Answer.Code)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}
