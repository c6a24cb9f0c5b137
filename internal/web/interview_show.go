package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

type interviewPage struct {
	Interview opening.Interview
	Job       opening.Job
	Apps      []application.Application
	More      bool // more applications than shown
	TZ        string
	Pasted    string // the invite form's text, kept after an error
}

// interviewAppsShown is how many applications the overview lists; the job
// page pages through all of them.
const interviewAppsShown = 100

// showInterview is the interview's overview: its steps, the form to invite
// candidates, and who was invited.
func (s *Server) showInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	data, err := s.interviewData(r, m, id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "interview_show", s.teamPage(r.Context(), m, "jobs", data.Interview.Title, data))
	return nil
}

func (s *Server) interviewData(r *http.Request, m account.Member, id int64) (interviewPage, error) {
	ctx := r.Context()
	var data interviewPage
	iv, err := s.Openings.Interview(ctx, m, id)
	if err != nil {
		return data, err
	}
	j, err := s.Openings.Job(ctx, m, iv.JobID)
	if err != nil {
		return data, err
	}
	pg, err := s.Applications.Applications(ctx, m, application.Filter{InterviewID: iv.ID, Sort: application.ByName, Limit: interviewAppsShown})
	if err != nil {
		return data, err
	}
	return interviewPage{Interview: iv, Job: j, Apps: pg.Items, More: pg.Next != "", TZ: s.memberZone(ctx, m)}, nil
}

// VideoRules says a video step's settings in words, such as "up to 2:00
// per take, 30 s to think, 3 takes".
func (interviewPage) VideoRules(st opening.Step) string {
	think := "starts when ready"
	if st.ThinkSeconds > 0 {
		think = fmt.Sprintf("%d s to think", st.ThinkSeconds)
	}
	takes := "one take"
	if st.Takes() > 1 {
		takes = fmt.Sprintf("%d takes", st.Takes())
	}
	return fmt.Sprintf("up to %s per take, %s, %s", editform.Clock(st.MaxSeconds), think, takes)
}
