package codereviewkind

import (
	"net/url"

	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// NewStep is the first ready-made task (codereview.Samples), so that the
// step saves whole; its own page changes it or plants other issues.
func (Unit) NewStep() opening.Step {
	s := codereview.Samples[0]
	t := s.Task
	t.Planted = append([]opening.Planted(nil), t.Planted...)
	return opening.Step{Kind: opening.KindCodeReview, Title: s.Title, Prompt: s.Prompt, Minutes: s.Minutes, CodeReview: &t}
}

// EditorFields are whether reviewers rate the review too.
func (Unit) EditorFields(st opening.Step) url.Values {
	v := url.Values{}
	if st.ReviewersRate {
		v.Set("reviewers_rate", "1")
	}
	return v
}

// ReadEditor keeps the change and the planted issues as saved (a new
// step's are the first ready-made task's).
func (u Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) error {
	st.ReviewersRate = f.Checked("reviewers_rate")
	switch {
	case saved != nil && saved.CodeReview != nil:
		t := *saved.CodeReview
		st.CodeReview = &t
	case st.CodeReview == nil:
		st.CodeReview = u.NewStep().CodeReview
	}
	return nil
}
