package api

import (
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/matching"
)

// A step's similarity: the pairs of submitted answers (or of an answer
// and a reference solution) alike from a threshold up, with the lines
// that match. A match is evidence for a person to weigh, never a verdict.

type similarityJSON struct {
	StepID      int64             `json:"step_id"`
	Threshold   float64           `json:"threshold"`
	Min         float64           `json:"min"`
	Status      string            `json:"status"`
	Error       string            `json:"error,omitempty"`
	ComputedAt  *string           `json:"computed_at"`
	Submissions int               `json:"submissions"`
	Compared    int               `json:"compared"`
	Pairs       []similarPairJSON `json:"pairs"`
	References  []referenceJSON   `json:"references"`
}

type similarPairJSON struct {
	LeftApplicationID  int64          `json:"left_application_id"`
	RightApplicationID *int64         `json:"right_application_id"`
	RightReferenceID   int64          `json:"right_reference_id,omitempty"`
	Language           string         `json:"language"`
	Similarity         float64        `json:"similarity"`
	Fragments          []fragmentJSON `json:"fragments"`
}

type fragmentJSON struct {
	Left  spanJSON `json:"left"`
	Right spanJSON `json:"right"`
}

type spanJSON struct {
	File      string `json:"file"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
}

type referenceJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Language  string `json:"language"`
	AddedBy   string `json:"added_by"`
	CreatedAt string `json:"created_at"`
}

func newSimilarity(r matching.Report) similarityJSON {
	out := similarityJSON{StepID: r.Step.ID, Threshold: r.State.Threshold, Min: r.Min, Status: string(r.State.Status), Error: r.State.Error,
		ComputedAt: tsp(r.State.ComputedAt), Submissions: r.State.Submissions, Compared: r.State.Compared,
		Pairs: []similarPairJSON{}, References: []referenceJSON{}}
	for _, p := range r.Pairs {
		j := similarPairJSON{LeftApplicationID: p.LeftApplication, RightReferenceID: p.RightReference, Language: string(p.Language),
			Similarity: p.Similarity, Fragments: []fragmentJSON{}}
		if p.RightApplication != 0 {
			id := p.RightApplication
			j.RightApplicationID = &id
		}
		for _, f := range p.Fragments {
			j.Fragments = append(j.Fragments, fragmentJSON{Left: spanJSON{f.Left.File, f.Left.Start, f.Left.End},
				Right: spanJSON{f.Right.File, f.Right.Start, f.Right.End}})
		}
		out.Pairs = append(out.Pairs, j)
	}
	for _, ref := range r.References {
		out.References = append(out.References, newReference(ref))
	}
	return out
}

func newReference(r matching.Reference) referenceJSON {
	return referenceJSON{ID: r.ID, Name: r.Name, Language: string(r.Language), AddedBy: r.AddedBy, CreatedAt: ts(r.CreatedAt)}
}

// showSimilarity answers GET /api/v1/steps/{id}/similarity?min=: the
// pairs from min (the step's threshold when absent) up.
func (s *Server) showSimilarity(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "step")
	if err != nil {
		return err
	}
	var min *float64
	if v := r.URL.Query().Get("min"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return apperr.Invalid("min", "min is a number from 0 to 1, such as 0.4")
		}
		min = &f
	}
	rep, err := s.Matchings.Report(r.Context(), m, id, min)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newSimilarity(rep))
	return nil
}

// setSimilarity answers PUT /api/v1/steps/{id}/similarity
// {"threshold"}: the least similarity the team is shown.
func (s *Server) setSimilarity(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "step")
	if err != nil {
		return err
	}
	var in struct {
		Threshold *float64 `json:"threshold"`
	}
	if err := httpx.DecodeJSON(w, r, &in, 1<<10); err != nil {
		return err
	}
	if in.Threshold == nil {
		return apperr.Invalid("threshold", "threshold is required: a number from 0 to 1")
	}
	if err := s.Matchings.SetThreshold(r.Context(), m, id, *in.Threshold); err != nil {
		return err
	}
	rep, err := s.Matchings.Report(r.Context(), m, id, nil)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newSimilarity(rep))
	return nil
}

// addReference answers POST /api/v1/steps/{id}/similarity/references
// {"name","language","code"}: code to compare the answers against; a new
// comparison is queued.
func (s *Server) addReference(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "step")
	if err != nil {
		return err
	}
	var in struct {
		Name     string `json:"name"`
		Language string `json:"language"`
		Code     string `json:"code"`
	}
	// Room for the largest reference, escaped, so that one a little too
	// large is told its limit in words.
	if err := httpx.DecodeJSON(w, r, &in, 8*matching.MaxReference); err != nil {
		return err
	}
	ref, err := s.Matchings.AddReference(r.Context(), m, id, matching.ReferenceInput{Name: in.Name, Language: in.Language, Code: in.Code})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newReference(ref))
	return nil
}

// removeReference answers DELETE
// /api/v1/steps/{id}/similarity/references/{ref}.
func (s *Server) removeReference(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "step")
	if err != nil {
		return err
	}
	ref, err := pathID(r, "ref", "reference")
	if err != nil {
		return err
	}
	if err := s.Matchings.RemoveReference(r.Context(), m, id, ref); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
