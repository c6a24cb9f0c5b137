package api

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/opening"
)

// What the API asks of a step kind's unit (opening.KindUnit;
// docs/step-kinds.md), each part by type assertion. The JSON of a step
// and of an answer is the common fields, then the kind's own.

// A KindSettings writes and reads a kind's settings.
type KindSettings interface {
	// SettingsJSON is st's settings as a value encoding/json writes as
	// an object; team says the reader is the team (a candidate never
	// reads which options are correct or what the hidden tests are).
	SettingsJSON(st opening.Step, team bool) any
	// ReadSettings reads a request's settings into st: decode fills a
	// value of the kind's own from them, strictly, as the body is read.
	ReadSettings(st *opening.Step, decode func(v any) error) error
}

// A KindAnswer writes the fields of an answer of its kind; team says the
// reader is the team.
type KindAnswer interface {
	AnswerJSON(v appview.Step, base string, team bool) any
}

// withFields writes common, a struct, as an object followed by the fields
// of extra, which encoding/json also writes as an object, or nothing when
// extra is nil.
func withFields(common, extra any) ([]byte, error) {
	a, err := json.Marshal(common)
	if err != nil || extra == nil {
		return a, err
	}
	b, err := json.Marshal(extra)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("api: a kind's fields are %s, not an object", b)
	}
	if string(b) == "{}" {
		return a, nil
	}
	out := append(a[:len(a)-1:len(a)-1], ',')
	return append(out, b[1:]...), nil
}
