package api

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// scorecardJSON is an interview's scorecard: its criteria in order, each
// with what a 1, a 3 and a 5 look like, and the criteria each step
// informs, by name. A step that informs none is rated overall.
type scorecardJSON struct {
	Criteria []criterionJSON    `json:"criteria"`
	Steps    map[int64][]string `json:"steps"` // step id → criteria names
}

type criterionJSON struct {
	ID          int64             `json:"id,omitempty"` // omitted for a new one
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Levels      map[string]string `json:"levels"` // "1", "3", "5" → what it looks like
}

var levelKeys = [3]string{"1", "3", "5"}

func newScorecard(iv opening.Interview) scorecardJSON {
	out := scorecardJSON{Criteria: []criterionJSON{}, Steps: map[int64][]string{}}
	for _, c := range iv.Criteria {
		cj := criterionJSON{ID: c.ID, Name: c.Name, Description: c.Description, Levels: map[string]string{}}
		for i, k := range levelKeys {
			cj.Levels[k] = c.Levels[i]
		}
		out.Criteria = append(out.Criteria, cj)
	}
	for _, st := range iv.Steps {
		names := []string{}
		for _, id := range st.Criteria {
			if c, ok := iv.Criterion(id); ok {
				names = append(names, c.Name)
			}
		}
		out.Steps[st.ID] = names
	}
	return out
}

// showScorecard answers GET /api/v1/interviews/{id}/scorecard.
func (s *Server) showScorecard(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newScorecard(iv))
	return nil
}

// saveScorecard answers PUT /api/v1/interviews/{id}/scorecard: the whole
// scorecard. A criterion with an id keeps its ratings through a rename;
// one left out is taken off, its ratings kept but no longer shown.
func (s *Server) saveScorecard(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return err
	}
	var in scorecardJSON
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	sc := opening.ScorecardInput{Steps: in.Steps}
	for i, c := range in.Criteria {
		for k := range c.Levels {
			if k != "1" && k != "3" && k != "5" {
				return apperr.Invalid(fmt.Sprintf("criteria[%d].levels", i), "levels say what a 1, a 3 and a 5 look like; %q is none of them", k)
			}
		}
		ci := opening.CriterionInput{ID: c.ID, Name: c.Name, Description: c.Description}
		for i, k := range levelKeys {
			ci.Levels[i] = c.Levels[k]
		}
		sc.Criteria = append(sc.Criteria, ci)
	}
	iv, err := s.Openings.SetScorecard(r.Context(), m, id, sc)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newScorecard(iv))
	return nil
}
