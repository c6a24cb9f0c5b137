// Package filekind is the file-upload step kind: the candidate uploads
// one or more files (a PDF write-up, a design, a zip of work) of the
// types the team allows; reviewers rate them (docs/step-kinds.md). The
// files themselves are package filestep's.
package filekind

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/filetype"
	"github.com/anyhour/anyhour/internal/opening"
)

// Unit is the kind's unit (opening.KindUnit).
type Unit struct{}

// Facts are the kind's facts.
func (Unit) Facts() opening.KindFacts {
	return opening.KindFacts{Kind: opening.KindFile, Label: "File upload", Add: "Add a file-upload step",
		Available: true, Settings: []string{"files"}}
}

// Settings checks the rules: the number of files (1 to opening.MaxFiles,
// none given is 1), each file's size (1 to opening.MaxFileMB, none given
// is opening.DefaultFileMB), and the types, from filetype's catalogue,
// each once in its order; none means any.
func (Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	r := opening.FileRules{}
	if from.Files != nil {
		r = *from.Files
	}
	if r.MaxFiles == 0 {
		r.MaxFiles = 1
	}
	if r.MaxMB == 0 {
		r.MaxMB = opening.DefaultFileMB
	}
	if r.MaxFiles < 1 || r.MaxFiles > opening.MaxFiles {
		return step, at.Invalid("files.max_files", "the number of files must be between 1 and %d", opening.MaxFiles)
	}
	if r.MaxMB < 1 || r.MaxMB > opening.MaxFileMB {
		return step, at.Invalid("files.max_mb", "the size of each file must be between 1 and %d MB", opening.MaxFileMB)
	}
	for _, t := range r.Types {
		if _, ok := filetype.ByName(t); !ok {
			return step, at.Invalid("files.types", "unknown file type %q (one of %s)", t, strings.Join(filetype.Names(), ", "))
		}
	}
	var types []string
	for _, t := range filetype.All {
		if slices.Contains(r.Types, t.Name) {
			types = append(types, t.Name)
		}
	}
	r.Types = types
	step.Files = &r
	return step, nil
}

// Given: a file is uploaded.
func (Unit) Given(a application.Answer) bool { return a.Files > 0 }

// View lists the files, oldest first.
func (Unit) View(v *appview.Step, p appview.Parts, forCandidate bool) {
	v.Files = p.Files[v.Step.ID]
}

type settingsJSON struct {
	Files *rulesJSON `json:"files,omitempty"`
}

type rulesJSON struct {
	Types    []string `json:"types"`     // filetype names; empty takes every type
	MaxFiles int      `json:"max_files"` // 1 to 10; 0 is 1
	MaxMB    int      `json:"max_mb"`    // each file, 1 to 100; 0 is 25
}

// SettingsJSON is the rules.
func (Unit) SettingsJSON(st opening.Step, team bool) any {
	var out settingsJSON
	if st.Files != nil {
		out.Files = &rulesJSON{Types: append([]string{}, st.Files.Types...), MaxFiles: st.Files.MaxFiles, MaxMB: st.Files.MaxMB}
	}
	return out
}

// ReadSettings reads the rules.
func (Unit) ReadSettings(st *opening.Step, decode func(any) error) error {
	var in settingsJSON
	if err := decode(&in); err != nil {
		return err
	}
	if in.Files != nil {
		st.Files = &opening.FileRules{Types: in.Files.Types, MaxFiles: in.Files.MaxFiles, MaxMB: in.Files.MaxMB}
	}
	return nil
}

type answerJSON struct {
	Files []FileJSON `json:"files"` // oldest first
}

// AnswerJSON lists the files.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	out := answerJSON{Files: []FileJSON{}}
	for _, f := range v.Files {
		out.Files = append(out.Files, NewFileJSON(f, base))
	}
	return out
}

// FileJSON is a file answering a file step, in the API.
type FileJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`         // filetype name: pdf, zip, …
	ContentType string `json:"content_type"` // as it is served
	Size        int64  `json:"size"`         // bytes; 0 while uploading
	Status      string `json:"status"`       // uploading or ready
	URL         string `json:"url,omitempty"`
	CreatedAt   string `json:"created_at"`
}

// NewFileJSON is f for the API, served under base.
func NewFileJSON(f filestep.File, base string) FileJSON {
	out := FileJSON{ID: f.ID, Name: f.Name, Type: f.Type, ContentType: f.FileType().ContentType, Size: f.Size,
		Status: string(f.Status), CreatedAt: f.CreatedAt.UTC().Format(time.RFC3339)}
	if f.Status == filestep.Ready {
		out.URL = fmt.Sprintf("%s/api/v1/files/%d", base, f.ID)
	}
	return out
}
