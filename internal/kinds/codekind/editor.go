package codekind

import (
	"net/url"

	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// NewStep is a task of thirty minutes worth ten points, starting with
// opening.NewCodeTask for the team to replace on the task's page.
func (Unit) NewStep() opening.Step {
	return opening.Step{Kind: opening.KindCode, Minutes: 30, Points: 10, Code: opening.NewCodeTask()}
}

// EditorFields are the points and whether reviewers rate answers too;
// the task itself has a page of its own.
func (Unit) EditorFields(st opening.Step) url.Values {
	v := url.Values{"points": {editform.Number(st.Points)}}
	if st.ReviewersRate {
		v.Set("reviewers_rate", "1")
	}
	return v
}

// ReadEditor reads them, and keeps the task as saved, which its own page
// edits; a new step starts with opening.NewCodeTask.
func (Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) (err error) {
	st.ReviewersRate = f.Checked("reviewers_rate")
	if st.Points, err = f.Float("points", "points"); err != nil {
		return err
	}
	st.Code = opening.NewCodeTask()
	if saved != nil && saved.Code != nil {
		st.Code = saved.Code
	}
	return nil
}
