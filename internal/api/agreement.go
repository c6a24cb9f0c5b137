package api

import (
	"math"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type agreementJSON struct {
	Criteria  []criterionAgreementJSON `json:"criteria"`
	Reviewers []reviewerOffsetJSON     `json:"reviewers"`
}

type criterionAgreementJSON struct {
	Name    string   `json:"name"`
	Alpha   *float64 `json:"alpha"` // null: too few ratings, or all alike
	Units   int      `json:"units"`
	Ratings int      `json:"ratings"`
}

type reviewerOffsetJSON struct {
	Name   string  `json:"name"`
	Offset float64 `json:"offset"`
	Units  int     `json:"units"`
}

// showAgreement answers GET /api/v1/jobs/{id}/agreement: Krippendorff's
// ordinal alpha per criterion over the answers two or more reviewers
// rated, and each reviewer's mean offset from the others.
func (s *Server) showAgreement(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	a, err := s.Reviews.Agreement(r.Context(), m, id)
	if err != nil {
		return err
	}
	out := agreementJSON{Criteria: []criterionAgreementJSON{}, Reviewers: []reviewerOffsetJSON{}}
	for _, c := range a.Criteria {
		cj := criterionAgreementJSON{Name: c.Name, Units: c.Units, Ratings: c.Ratings}
		if c.Defined && !math.IsNaN(c.Alpha) {
			v := c.Alpha
			cj.Alpha = &v
		}
		out.Criteria = append(out.Criteria, cj)
	}
	for _, o := range a.Reviewers {
		out.Reviewers = append(out.Reviewers, reviewerOffsetJSON{Name: o.Name, Offset: o.Offset, Units: o.Units})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
