package api

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// credentialsJSON open a take-home's repository; the password is shown
// this once.
type credentialsJSON struct {
	CloneURL string `json:"clone_url"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// takehomeCredentials answers POST
// /api/v1/candidate/takehome/{step_id}/credentials: the step is started
// if it is not (its repository made, its window begun), and a new
// password is made, which revokes any earlier one.
func (s *Server) takehomeCredentials(w http.ResponseWriter, r *http.Request, a application.Application) error {
	stepID, err := pathID(r, "step_id", "step")
	if err != nil {
		return err
	}
	c, err := s.Takehomes.Start(r.Context(), a, stepID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, credentialsJSON{CloneURL: fmt.Sprintf("%s/git/%s", s.cfg.BaseURL, c.Repo.Path()),
		Username: c.Username, Password: c.Password})
	return nil
}
