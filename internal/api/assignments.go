package api

import (
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/assign"
	"github.com/anyhour/anyhour/internal/httpx"
)

type assignmentJSON struct {
	ApplicationID int64     `json:"application_id"`
	Member        namedJSON `json:"member"`
	AssignedBy    *int64    `json:"assigned_by"` // null: by the job's rota
	AssignedAt    string    `json:"assigned_at"`
	DueAt         string    `json:"due_at"`
	Reviewed      bool      `json:"reviewed"`
}

type namedJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func newAssignment(a assign.Assignment) assignmentJSON {
	return assignmentJSON{ApplicationID: a.ApplicationID, Member: namedJSON{ID: a.MemberID, Name: a.MemberName},
		AssignedBy: a.AssignedBy, AssignedAt: ts(a.AssignedAt), DueAt: ts(a.DueAt), Reviewed: a.Reviewed}
}

// listAssignments answers GET /api/v1/applications/{id}/assignments.
func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	as, err := s.Assignments.ForApplication(r.Context(), m, id)
	if err != nil {
		return err
	}
	out := struct {
		Assignments []assignmentJSON `json:"assignments"`
	}{Assignments: []assignmentJSON{}}
	for _, a := range as {
		out.Assignments = append(out.Assignments, newAssignment(a))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// assignReviewer answers POST /api/v1/applications/{id}/assignments
// {"member_id"}.
func (s *Server) assignReviewer(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	var in struct {
		MemberID *int64 `json:"member_id"`
	}
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	if in.MemberID == nil {
		return apperr.Invalid("member_id", "member_id is required: the id of the member to assign")
	}
	a, err := s.Assignments.Assign(r.Context(), m, id, *in.MemberID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newAssignment(a))
	return nil
}

// unassignReviewer answers DELETE
// /api/v1/applications/{id}/assignments/{member_id}.
func (s *Server) unassignReviewer(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	member, err := pathID(r, "member_id", "assignment")
	if err != nil {
		return err
	}
	if err := s.Assignments.Unassign(r.Context(), m, id, member); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type waitingJSON struct {
	ApplicationID int64     `json:"application_id"`
	Candidate     string    `json:"candidate"`
	Job           namedJSON `json:"job"`
	SubmittedAt   string    `json:"submitted_at"`
	AssignedAt    string    `json:"assigned_at"`
	DueAt         string    `json:"due_at"`
	Overdue       bool      `json:"overdue"`
}

// listMyReviews answers GET /api/v1/me/reviews: what waits for the
// caller's review, the oldest submission first.
func (s *Server) listMyReviews(w http.ResponseWriter, r *http.Request, m account.Member) error {
	q, err := s.Assignments.Queue(r.Context(), m)
	if err != nil {
		return err
	}
	now := time.Now()
	out := struct {
		Reviews []waitingJSON `json:"reviews"`
	}{Reviews: []waitingJSON{}}
	for _, x := range q {
		out.Reviews = append(out.Reviews, waitingJSON{ApplicationID: x.ApplicationID, Candidate: x.CandidateName,
			Job: namedJSON{ID: x.JobID, Name: x.JobTitle}, SubmittedAt: ts(x.SubmittedAt), AssignedAt: ts(x.AssignedAt),
			DueAt: ts(x.DueAt), Overdue: x.Overdue(now)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

type rotaJSON struct {
	JobID   int64            `json:"job_id"`
	Members []rotaMemberJSON `json:"members"`
	Next    *int64           `json:"next"` // whose turn it is; null without a rota
}

type rotaMemberJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CanReview bool   `json:"can_review"`
}

func newRota(r assign.Rota) rotaJSON {
	out := rotaJSON{JobID: r.JobID, Members: []rotaMemberJSON{}}
	for _, m := range r.Members {
		out.Members = append(out.Members, rotaMemberJSON{ID: m.ID, Name: m.Name, CanReview: m.CanReview})
	}
	if len(r.Members) > 0 {
		out.Next = &r.Members[r.Next].ID
	}
	return out
}

// showReviewers answers GET /api/v1/jobs/{id}/reviewers: the job's rota.
func (s *Server) showReviewers(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	rota, err := s.Assignments.Rota(r.Context(), m, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newRota(rota))
	return nil
}

// setReviewers answers PUT /api/v1/jobs/{id}/reviewers {"member_ids"}.
func (s *Server) setReviewers(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	var in struct {
		MemberIDs []int64 `json:"member_ids"`
	}
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	rota, err := s.Assignments.SetRota(r.Context(), m, id, in.MemberIDs)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newRota(rota))
	return nil
}

// clearReviewers answers DELETE /api/v1/jobs/{id}/reviewers: the rota is
// turned off.
func (s *Server) clearReviewers(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	if err := s.Assignments.ClearRota(r.Context(), m, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
