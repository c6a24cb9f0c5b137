package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// regradeApplication is POST /applications/{id}/regrade: it grades the
// application's code answers again with their tasks' current tests.
func (s *Server) regradeApplication(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Applications.Application(r.Context(), m, id); err != nil {
		return err
	}
	n, err := s.Gradings.Regrade(r.Context(), m, id)
	if err != nil {
		return err
	}
	switch n {
	case 0:
		s.setFlash(w, "There was no code answer to grade again.")
	case 1:
		s.setFlash(w, "The code answer is being graded again with the current tests; reload in a moment.")
	default:
		s.setFlash(w, fmt.Sprintf("The %d code answers are being graded again with the current tests; reload in a moment.", n))
	}
	return redirect(w, r, appPath(r, id, "#answers-h"))
}
