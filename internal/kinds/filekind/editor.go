package filekind

import (
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/filetype"
	"github.com/anyhour/anyhour/internal/opening"
)

// NewStep is one PDF of up to opening.DefaultFileMB, in thirty minutes.
func (Unit) NewStep() opening.Step {
	return opening.Step{Kind: opening.KindFile, Minutes: 30,
		Files: &opening.FileRules{Types: []string{"pdf"}, MaxFiles: 1, MaxMB: opening.DefaultFileMB}}
}

// EditorFields are a checkbox type_<name> for each type taken, and the
// number and size of files.
func (Unit) EditorFields(st opening.Step) url.Values {
	v := url.Values{}
	if r := st.Files; r != nil {
		for _, t := range r.Types {
			v.Set("type_"+t, "1")
		}
		v.Set("max_files", strconv.Itoa(r.MaxFiles))
		v.Set("max_mb", strconv.Itoa(r.MaxMB))
	}
	return v
}

// ReadEditor reads them; no type ticked takes every type.
func (Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) (err error) {
	r := opening.FileRules{}
	for _, t := range filetype.All {
		if f.Checked("type_" + t.Name) {
			r.Types = append(r.Types, t.Name)
		}
	}
	if r.MaxFiles, err = f.Int("max_files", "number of files"); err != nil {
		return err
	}
	if r.MaxMB, err = f.Int("max_mb", "file size"); err != nil {
		return err
	}
	st.Files = &r
	return nil
}
