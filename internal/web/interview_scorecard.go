package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// The scorecard editor: an interview's criteria, each with what a 1, a 3
// and a 5 look like, and which steps inform each. Rows of the form are
// criteria in order; three blank rows take new ones; a step's
// checkboxes name rows. It works without JavaScript.

// scorecardPage is what the editor shows: the rows as saved or as typed.
type scorecardPage struct {
	Interview opening.Interview
	Rows      []criterionRow
}

// criterionRow is one criterion of the form.
type criterionRow struct {
	opening.CriterionInput
	Remove bool
	Steps  map[int64]bool // the steps it informs
}

// blankRows are the empty rows the form offers for new criteria.
const blankRows = 3

// scorecardInterview finds the interview in the address for a member
// who edits interviews.
func (s *Server) scorecardInterview(r *http.Request, m account.Member) (opening.Interview, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return opening.Interview{}, err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return iv, err
	}
	return iv, need(m, account.ManageJobs, "edit scorecards")
}

// showScorecard is GET /interviews/{id}/scorecard.
func (s *Server) showScorecard(w http.ResponseWriter, r *http.Request, m account.Member) error {
	iv, err := s.scorecardInterview(r, m)
	if err != nil {
		return err
	}
	s.renderScorecard(w, r, m, http.StatusOK, scorecardOf(iv), "")
	return nil
}

// saveScorecard is POST /interviews/{id}/scorecard.
func (s *Server) saveScorecard(w http.ResponseWriter, r *http.Request, m account.Member) error {
	iv, err := s.scorecardInterview(r, m)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	d := scorecardPage{Interview: iv, Rows: parseScorecardForm(r, iv)}
	in := opening.ScorecardInput{Steps: map[int64][]string{}}
	for _, row := range d.Rows {
		if row.Remove || (row.ID == 0 && strings.TrimSpace(row.Name) == "" && row.Description == "" && row.Levels == [3]string{}) {
			continue
		}
		in.Criteria = append(in.Criteria, row.CriterionInput)
		for step, on := range row.Steps {
			if on {
				in.Steps[step] = append(in.Steps[step], strings.TrimSpace(row.Name))
			}
		}
	}
	if _, err := s.Openings.SetScorecard(r.Context(), m, iv.ID, in); err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		s.renderScorecard(w, r, m, status, d, msg)
		return nil
	}
	s.setFlash(w, "The scorecard is saved. Reviewers rate its criteria on the answers of the steps that inform them.")
	return redirect(w, r, fmt.Sprintf("/interviews/%d/scorecard", iv.ID))
}

// scorecardOf is the form for the scorecard as saved.
func scorecardOf(iv opening.Interview) scorecardPage {
	d := scorecardPage{Interview: iv}
	for _, c := range iv.Criteria {
		row := criterionRow{CriterionInput: opening.CriterionInput{ID: c.ID, Name: c.Name, Description: c.Description, Levels: c.Levels},
			Steps: map[int64]bool{}}
		for _, st := range iv.Steps {
			row.Steps[st.ID] = st.Informs(c.ID)
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

// parseScorecardForm reads the rows as typed: c.<i>.id, .name,
// .description, .level1, .level3, .level5, .remove, and s.<step id>.<i>
// for the steps each row informs.
func parseScorecardForm(r *http.Request, iv opening.Interview) []criterionRow {
	n, _ := strconv.Atoi(r.PostForm.Get("rows"))
	n = min(max(n, 0), opening.MaxCriteria+blankRows)
	rows := make([]criterionRow, n)
	for i := range rows {
		f := func(k string) string { return r.PostForm.Get(fmt.Sprintf("c.%d.%s", i, k)) }
		id, _ := strconv.ParseInt(f("id"), 10, 64)
		rows[i] = criterionRow{CriterionInput: opening.CriterionInput{ID: id, Name: f("name"), Description: f("description"),
			Levels: [3]string{f("level1"), f("level3"), f("level5")}}, Remove: f("remove") != "", Steps: map[int64]bool{}}
		for _, st := range iv.Steps {
			rows[i].Steps[st.ID] = r.PostForm.Get(fmt.Sprintf("s.%d.%d", st.ID, i)) != ""
		}
	}
	return rows
}

func (s *Server) renderScorecard(w http.ResponseWriter, r *http.Request, m account.Member, status int, d scorecardPage, msg string) {
	for range blankRows {
		if len(d.Rows) >= opening.MaxCriteria+blankRows {
			break
		}
		d.Rows = append(d.Rows, criterionRow{Steps: map[int64]bool{}})
	}
	p := s.teamPage(r.Context(), m, "jobs", "Scorecard: "+d.Interview.Title, d)
	p.Error = msg
	s.render(w, r, status, "interview_scorecard", p)
}
