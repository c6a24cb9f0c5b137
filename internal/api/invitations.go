package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// invite answers POST /api/v1/interviews/{id}/invitations. Every bad row
// is reported on its own and the good rows still go in: 201 if anyone was
// invited, else 200 with the problems. Each invitation carries its magic
// link, shown this once; it is the candidate's only way in.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return err
	}
	var in inviteInput
	if err := httpx.DecodeJSON(w, r, &in, maxInviteBody); err != nil {
		return err
	}
	people := make([]application.NewCandidate, len(in.Candidates))
	for i, c := range in.Candidates {
		people[i] = application.NewCandidate{Name: c.Name, Email: c.Email, Row: i + 1}
	}
	res, err := s.Applications.Invite(r.Context(), m, id, people)
	if err != nil {
		return err
	}
	out := inviteResultJSON{Invitations: make([]invitationJSON, len(res.Invitations)),
		Problems: newRowProblems(res.Problems), Duplicates: newRowProblems(res.Duplicates)}
	for i, inv := range res.Invitations {
		a := inv.Application
		out.Invitations[i] = invitationJSON{ApplicationID: a.ID, Candidate: candidateJSON{a.Candidate.Name, a.Candidate.Email},
			Token: inv.Token, URL: s.cfg.BaseURL + "/c/" + inv.Token, DeadlineAt: ts(a.DeadlineAt)}
	}
	status := http.StatusOK
	if len(out.Invitations) > 0 {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, out)
	return nil
}
