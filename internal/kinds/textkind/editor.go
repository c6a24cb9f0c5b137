package textkind

import (
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// NewStep is a written answer of five minutes, without a word limit.
func (Unit) NewStep() opening.Step { return opening.Step{Kind: opening.KindText, Minutes: 5} }

// EditorFields are the word limit, blank for none.
func (Unit) EditorFields(st opening.Step) url.Values {
	v := url.Values{}
	if st.MaxWords > 0 {
		v.Set("max_words", strconv.Itoa(st.MaxWords))
	}
	return v
}

// ReadEditor reads the word limit.
func (Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) (err error) {
	st.MaxWords, err = f.Int("max_words", "word limit")
	return err
}
