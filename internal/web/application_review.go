package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/review"
)

// submitReview answers the scorecard's form: a rating per step (fields
// rating.<step id>, optional) or, for a step that informs criteria, per
// criterion (crit.<step id>.<criterion id>), a recommendation and a note. The button
// pressed says what to do with them: submit them as the member's review
// (the default), keep them as a draft only the member sees, or discard
// the draft. The page's script saves the draft as each rating is clicked
// (saveReviewDraft); the buttons do it without scripts.
func (s *Server) submitReview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := reviewForm(r)
	if err != nil {
		return err
	}
	back := appPath(r, id, "#scorecard")
	switch r.PostFormValue("action") {
	case "draft":
		if _, err = s.Reviews.SaveDraft(r.Context(), m, id, in); err == nil {
			s.setFlash(w, "Your draft is saved. Only you can see it until you submit it.")
			return redirect(w, r, back)
		}
	case "discard":
		if err := s.Reviews.DiscardDraft(r.Context(), m, id); err != nil {
			return err
		}
		s.setFlash(w, "Your draft is discarded.")
		return redirect(w, r, back)
	default:
		if in.Recommendation == "" {
			err = apperr.Invalid("recommendation", "choose an overall recommendation, then submit; your ratings are kept as a draft meanwhile")
		} else if _, err = s.Reviews.Submit(r.Context(), m, id, in); err == nil {
			s.setFlash(w, "Your review is submitted. Your colleagues' reviews are now shown.")
			return redirect(w, r, appPath(r, id, "#reviews"))
		}
	}
	msg, status, err := formProblem(err)
	if err != nil {
		return err
	}
	// Keep what was entered, and keep it safe as a draft if it can be.
	_, _ = s.Reviews.SaveDraft(r.Context(), m, id, in)
	data, err := s.applicationData(r, m, id)
	if err != nil {
		return err
	}
	data.Recommendation, data.Note = string(in.Recommendation), in.Note
	for i := range data.Steps {
		st := &data.Steps[i]
		st.Rating = in.Ratings[st.Step.ID]
		for j := range st.Criteria {
			st.Criteria[j].Rating = in.Criteria[st.Step.ID][st.Criteria[j].ID]
		}
	}
	data.ScoreError = msg
	s.render(w, r, status, "application_show", s.teamPage(r.Context(), m, "jobs", data.App.Candidate.Name, data))
	return nil
}

// saveReviewDraft answers the scorecard's script, which posts the whole
// form each time a rating is clicked or the note pauses: it keeps the
// draft and answers with a line to show.
func (s *Server) saveReviewDraft(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := reviewForm(r)
	if err == nil {
		_, err = s.Reviews.SaveDraft(r.Context(), m, id, in)
	}
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		return autosaved(w, status, "Not saved: "+msg)
	}
	return autosaved(w, http.StatusOK, "Draft saved at "+inZone(s.Applications.Now(), s.memberZone(r.Context(), m)).Format("15:04")+
		". Only you can see it until you submit.")
}

// reviewForm reads the scorecard's fields.
func reviewForm(r *http.Request) (review.Input, error) {
	if err := r.ParseForm(); err != nil {
		return review.Input{}, apperr.Invalid("", "the form could not be read")
	}
	in := review.Input{Ratings: map[int64]int{}, Criteria: review.Criteria{}, Recommendation: review.Recommendation(r.PostFormValue("recommendation")), Note: r.PostFormValue("note")}
	for key, vals := range r.PostForm {
		if len(vals) == 0 || vals[0] == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(key, "crit."); ok {
			stepS, critS, _ := strings.Cut(rest, ".")
			step, err1 := strconv.ParseInt(stepS, 10, 64)
			crit, err2 := strconv.ParseInt(critS, 10, 64)
			n, err3 := strconv.Atoi(vals[0])
			if err1 != nil || err2 != nil || err3 != nil {
				return in, apperr.Invalid("criteria", "a criterion's rating in the form is not a number")
			}
			if in.Criteria[step] == nil {
				in.Criteria[step] = map[int64]int{}
			}
			in.Criteria[step][crit] = n
			continue
		}
		rest, ok := strings.CutPrefix(key, "rating.")
		if !ok {
			continue
		}
		step, err1 := strconv.ParseInt(rest, 10, 64)
		n, err2 := strconv.Atoi(vals[0])
		if err1 != nil || err2 != nil {
			return in, apperr.Invalid("ratings", "a rating in the form is not a number")
		}
		in.Ratings[step] = n
	}
	return in, nil
}
