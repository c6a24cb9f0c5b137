package choicekind

import (
	"net/url"

	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// NewStep is a question of two minutes worth a point; the editor adds
// blank option rows.
func (Unit) NewStep() opening.Step {
	return opening.Step{Kind: opening.KindChoice, Minutes: 2, Points: 1}
}

// EditorFields are the points, whether several may be chosen, and whether
// reviewers rate answers too; the options are the editor's own rows.
func (Unit) EditorFields(st opening.Step) url.Values {
	v := url.Values{"points": {editform.Number(st.Points)}}
	if st.Multiple {
		v.Set("multiple", "1")
	}
	if st.ReviewersRate {
		v.Set("reviewers_rate", "1")
	}
	return v
}

// ReadEditor reads them.
func (Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) (err error) {
	st.Multiple, st.ReviewersRate = f.Checked("multiple"), f.Checked("reviewers_rate")
	st.Points, err = f.Float("points", "points")
	return err
}
