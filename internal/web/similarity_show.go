package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/matching"
	"github.com/anyhour/anyhour/internal/opening"
)

// This file is a step's similarity page: the pairs of candidates (and of
// a candidate and a reference) whose code is alike, from the team's
// threshold up, the threshold's form, and the references.

type similarityPage struct {
	matching.Report
	Base      string // the page's address
	TZ        string
	CanChange bool
	Percent   string // the threshold as the form shows it
	// A reference that was not added, to correct, and why.
	Ref      matching.ReferenceInput
	RefError string
	MaxKB    int
}

// PairURL opens a pair.
func (d similarityPage) PairURL(p matching.Pair) string { return pairURL(d.Base, p) }

func pairURL(base string, p matching.Pair) string {
	q := url.Values{"left": {strconv.FormatInt(p.LeftApplication, 10)}}
	if p.RightReference != 0 {
		q.Set("reference", strconv.FormatInt(p.RightReference, 10))
	} else {
		q.Set("right", strconv.FormatInt(p.RightApplication, 10))
	}
	return base + "/pair?" + q.Encode()
}

// Languages are those a reference may be in.
func (d similarityPage) Languages() []opening.Language { return matching.Languages(d.Step) }

// MinPercent is the least similarity shown, as a percentage.
func (d similarityPage) MinPercent() string { return percent(d.Min) }

func percent(f float64) string { return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%" }

func similarityBase(ivID, stepID int64) string {
	return fmt.Sprintf("/interviews/%d/steps/%d/similarity", ivID, stepID)
}

// similarityReport loads the report the address names, checking that the
// step is the interview's.
func (s *Server) similarityReport(r *http.Request, m account.Member) (matching.Report, error) {
	ivID, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return matching.Report{}, err
	}
	rep, err := s.Matchings.Report(r.Context(), m, stepID, nil)
	if err != nil {
		return rep, err
	}
	if rep.Interview.ID != ivID {
		return rep, apperr.NotFound("step")
	}
	return rep, nil
}

// showSimilarity is GET /interviews/{id}/steps/{step}/similarity.
func (s *Server) showSimilarity(w http.ResponseWriter, r *http.Request, m account.Member) error {
	rep, err := s.similarityReport(r, m)
	if err != nil {
		return err
	}
	return s.renderSimilarity(w, r, m, http.StatusOK, similarityPage{Report: rep})
}

func (s *Server) renderSimilarity(w http.ResponseWriter, r *http.Request, m account.Member, status int, d similarityPage) error {
	d.Base = similarityBase(d.Interview.ID, d.Step.ID)
	d.TZ = s.memberZone(r.Context(), m)
	d.CanChange = m.Can(account.Review)
	d.Percent = strconv.FormatFloat(d.State.Threshold*100, 'f', -1, 64)
	d.MaxKB = matching.MaxReference / 1000
	if d.Ref.Language == "" {
		if ls := d.Languages(); len(ls) > 0 {
			d.Ref.Language = string(ls[0])
		}
	}
	s.render(w, r, status, "similarity", s.teamPage(r.Context(), m, "jobs", "Similarity: "+d.Step.Title, d))
	return nil
}

// setSimilarityThreshold is POST …/similarity/threshold: the least
// similarity, in percent, of the pairs shown.
func (s *Server) setSimilarityThreshold(w http.ResponseWriter, r *http.Request, m account.Member) error {
	rep, err := s.similarityReport(r, m)
	if err != nil {
		return err
	}
	base := similarityBase(rep.Interview.ID, rep.Step.ID)
	pct, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostFormValue("threshold")), "%")), 64)
	if err != nil || pct < 0 || pct > 100 || pct != pct {
		s.setFlash(w, "The threshold was not changed: it is a percentage, a number from 0 to 100.")
		return redirect(w, r, base)
	}
	if err := s.Matchings.SetThreshold(r.Context(), m, rep.Step.ID, pct/100); err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		s.setFlash(w, "The threshold was not changed: "+sentence(msg))
		return redirect(w, r, base)
	}
	s.setFlash(w, fmt.Sprintf("Pairs from %s%% are shown.", strconv.FormatFloat(pct, 'f', -1, 64)))
	return redirect(w, r, base)
}
