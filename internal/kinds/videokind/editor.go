package videokind

import (
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// NewStep offers half a minute to think, two minutes a take and one
// retake: what most candidates need for a spoken answer.
func (Unit) NewStep() opening.Step {
	return opening.Step{Kind: opening.KindVideo, ThinkSeconds: 30, MaxSeconds: opening.DefaultMaxSeconds, Retakes: 1}
}

// Estimate is the time a step takes when none is given: think time and
// every take, and a minute to settle in.
func (Unit) Estimate(st opening.Step) int {
	return (st.Takes()*(st.ThinkSeconds+st.MaxSeconds) + 60 + 59) / 60
}

// EditorFields are think time, the longest take as m:ss, and retakes.
func (Unit) EditorFields(st opening.Step) url.Values {
	return url.Values{"think_seconds": {strconv.Itoa(st.ThinkSeconds)}, "max_length": {editform.Clock(st.MaxSeconds)},
		"retakes": {strconv.Itoa(st.Retakes)}}
}

// ReadEditor reads them. Blank fields are 0, which Settings reads as
// "start when ready", the default length and one take.
func (Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) (err error) {
	if st.ThinkSeconds, err = f.Int("think_seconds", "think time"); err != nil {
		return err
	}
	if st.MaxSeconds, err = f.Duration("max_length", "maximum length"); err != nil {
		return err
	}
	st.Retakes, err = f.Int("retakes", "number of retakes")
	return err
}
