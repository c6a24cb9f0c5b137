package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// highestMatches finds, for each code and take-home step of a submitted
// application, the answer most alike its own, linked to the two side by
// side.
func (s *Server) highestMatches(r *http.Request, m account.Member, a application.Application, iv opening.Interview, shared bool) (map[int64]*appMatch, error) {
	out := map[int64]*appMatch{}
	if !shared {
		return out, nil
	}
	high, err := s.Matchings.Highest(r.Context(), m, a.OrgID, a.ID)
	if err != nil {
		return nil, err
	}
	thresholds, err := s.Matchings.Thresholds(r.Context(), m, iv)
	if err != nil {
		return nil, err
	}
	for stepID, p := range high {
		_, ref, name := p.Other(a.ID)
		base := similarityBase(a.InterviewID, stepID)
		// The pair opens with this candidate on the left.
		if p.LeftApplication != a.ID {
			p.LeftApplication, p.RightApplication = a.ID, p.LeftApplication
		}
		out[stepID] = &appMatch{Name: name, Reference: ref != 0, Percent: p.Percent(), PairURL: pairURL(base, p), StepURL: base,
			Below: p.Similarity < thresholds[stepID], Threshold: int(thresholds[stepID]*100 + 0.5)}
	}
	return out, nil
}
