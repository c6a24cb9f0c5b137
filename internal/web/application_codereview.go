package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// A code review as reviewers read it, once the candidate submitted: the
// change with the candidate's comments in place and the planted issues
// marked, found or missed; the comments listed, each one creditable; the
// marks that confirm or reject each planted issue's match.

type reviewReadPage struct {
	App        application.Application
	Step       opening.Step
	Change     reviewChange
	Summary    string
	Score, Max float64
	CanMark    bool
	MarkURL    string
	Base       string
	// Started and Saved are when the candidate started the interview and
	// last saved the review.
	Started, Saved time.Time
}

// showCodeReviewRead is GET /applications/{id}/steps/{step}/codereview.
func (s *Server) showCodeReviewRead(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	id, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return err
	}
	v, err := s.Views.ForMember(ctx, m, id)
	if err != nil {
		return err
	}
	if !v.Shared {
		return apperr.NotFound("answer")
	}
	for _, st := range v.Steps {
		if st.Step.ID != stepID || st.Step.Kind != opening.KindCodeReview || !st.Answered {
			continue
		}
		canMark := m.Can(account.Review) && (v.App.Status == application.Submitted || v.App.Status == application.Decided)
		d := reviewReadPage{App: v.App, Step: st.Step, Score: st.Score, Max: st.Max, CanMark: canMark,
			MarkURL: fmt.Sprintf("/applications/%d/steps/%d/marks", id, stepID), Base: fmt.Sprintf("/applications/%d/steps/%d/codereview", id, stepID)}
		if d.Change, err = newReviewChange(st.Step, st.Answer, true, ""); err != nil {
			return err
		}
		d.Summary = st.Answer.CodeReview.Summary
		d.Saved = st.SavedAt
		if v.App.StartedAt != nil {
			d.Started = *v.App.StartedAt
		}
		p := s.teamPage(ctx, m, "jobs", v.App.Candidate.Name+": "+st.Step.Title, d)
		p.Wide = true
		s.render(w, r, http.StatusOK, "application_codereview", p)
		return nil
	}
	return apperr.NotFound("code review")
}

// markCodeReview is POST /applications/{id}/steps/{step}/marks: a planted
// issue's match confirmed or rejected, a comment credited, or a mark
// taken back; back to where the form was.
func (s *Server) markCodeReview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read; please try again")
	}
	mark := application.Mark{Planted: -1, Comment: -1, Verdict: r.PostFormValue("verdict")}
	if v := r.PostFormValue("planted"); v != "" {
		if mark.Planted, err = strconv.Atoi(v); err != nil || mark.Planted < 0 {
			return apperr.Invalid("planted", "no such planted issue")
		}
	}
	if v := r.PostFormValue("comment"); v != "" {
		if mark.Comment, err = strconv.Atoi(v); err != nil || mark.Comment < 0 {
			return apperr.Invalid("comment", "no such comment")
		}
	}
	if v := strings.TrimSpace(r.PostFormValue("points")); v != "" && mark.Verdict == application.Credited {
		if mark.Points, err = strconv.ParseFloat(v, 64); err != nil {
			return apperr.Invalid("points", "give the points as a number, such as 1 or 2.5")
		}
	}
	if _, err := s.Applications.MarkCodeReview(r.Context(), m, id, stepID, mark); err != nil {
		return err
	}
	switch {
	case mark.Verdict == "":
		s.setFlash(w, "The mark is taken back.")
	case mark.Verdict == application.Credited:
		s.setFlash(w, fmt.Sprintf("Comment %d is credited with %s %s.", mark.Comment+1, strconv.FormatFloat(mark.Points, 'f', -1, 64), pointsWord(mark.Points)))
	default:
		s.setFlash(w, "Marked "+mark.Verdict+".")
	}
	back := fmt.Sprintf("/applications/%d#step-%d", id, stepID)
	if b := r.PostFormValue("back"); strings.HasPrefix(b, fmt.Sprintf("/applications/%d/", id)) && !strings.ContainsAny(b, "\\\r\n") {
		back = b
	}
	return redirect(w, r, back)
}

func pointsWord(n float64) string {
	if n == 1 {
		return "point"
	}
	return "points"
}
