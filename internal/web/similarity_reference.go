package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/matching"
)

// addSimilarityReference is POST …/similarity/references: code to
// compare the answers against. A reference that is refused comes back in
// the form, with why.
func (s *Server) addSimilarityReference(w http.ResponseWriter, r *http.Request, m account.Member) error {
	rep, err := s.similarityReport(r, m)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4*matching.MaxReference)
	if err := r.ParseForm(); err != nil {
		in := matching.ReferenceInput{Name: r.PostFormValue("name"), Language: r.PostFormValue("language")}
		return s.renderSimilarity(w, r, m, http.StatusRequestEntityTooLarge, similarityPage{Report: rep, Ref: in,
			RefError: fmt.Sprintf("The reference's code is too large: at most %d KB, as for a candidate's code.", matching.MaxReference/1000)})
	}
	in := matching.ReferenceInput{Name: r.PostFormValue("name"), Language: r.PostFormValue("language"), Code: r.PostFormValue("code")}
	if _, err := s.Matchings.AddReference(r.Context(), m, rep.Step.ID, in); err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		return s.renderSimilarity(w, r, m, http.StatusUnprocessableEntity, similarityPage{Report: rep, Ref: in, RefError: sentence(msg)})
	}
	s.setFlash(w, "The reference is added; the answers are being compared with it.")
	return redirect(w, r, similarityBase(rep.Interview.ID, rep.Step.ID))
}

// removeSimilarityReference is POST …/similarity/references/{ref}/remove.
func (s *Server) removeSimilarityReference(w http.ResponseWriter, r *http.Request, m account.Member) error {
	rep, err := s.similarityReport(r, m)
	if err != nil {
		return err
	}
	ref, err := httpx.PathID(r, "ref")
	if err != nil {
		return err
	}
	if err := s.Matchings.RemoveReference(r.Context(), m, rep.Step.ID, ref); err != nil {
		return err
	}
	s.setFlash(w, "The reference is removed.")
	return redirect(w, r, similarityBase(rep.Interview.ID, rep.Step.ID))
}
