package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/review"
)

// submitReview records the member's review: a rating per step (fields
// rating.<step id>, optional), a recommendation and a note.
func (s *Server) submitReview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	in := review.Input{Ratings: map[int64]int{}, Recommendation: review.Recommendation(r.PostFormValue("recommendation")), Note: r.PostFormValue("note")}
	for key, vals := range r.PostForm {
		rest, ok := strings.CutPrefix(key, "rating.")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		step, err1 := strconv.ParseInt(rest, 10, 64)
		n, err2 := strconv.Atoi(vals[0])
		if err1 != nil || err2 != nil {
			return apperr.Invalid("ratings", "a rating in the form is not a number")
		}
		in.Ratings[step] = n
	}
	if in.Recommendation == "" {
		err = apperr.Invalid("recommendation", "choose an overall recommendation")
	} else {
		_, err = s.Reviews.Submit(r.Context(), m, id, in)
	}
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		data, err := s.applicationData(r, m, id)
		if err != nil {
			return err
		}
		// Keep what was entered.
		data.Recommendation, data.Note = string(in.Recommendation), in.Note
		for i := range data.Steps {
			data.Steps[i].Rating = in.Ratings[data.Steps[i].Step.ID]
		}
		p := s.teamPage(r.Context(), m, "jobs", data.App.Candidate.Name, data)
		p.Error = msg
		s.render(w, r, status, "application_show", p)
		return nil
	}
	s.setFlash(w, "Your review is saved. Other reviewers' judgements are now shown.")
	return redirect(w, r, fmt.Sprintf("/applications/%d#reviews", id))
}
