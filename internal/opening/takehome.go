package opening

import "slices"

// Take-home steps' limits.
const (
	DefaultRepoMB   = 50
	MaxRepoMB       = 500
	DefaultRepoFile = 10 // MB
	MaxTakehomeFile = 100
	MaxWindowHours  = 90 * 24
	MaxStarterFiles = 1000
	// MaxStarterBytes is the most a take-home's starter, visible and
	// hidden tests may hold together when sent inline (JSON, the editor).
	MaxStarterBytes = 5 << 20
)

// TakehomeTask is a take-home step's work: the starter the candidate's
// repository begins with, the tests, the effort and the terms
// (docs/step-kinds.md; kinds/takehomekind checks it).
type TakehomeTask struct {
	Language Language `json:"language"`
	// Starter holds the files of the candidate's first commit, by path.
	Starter map[string]string `json:"starter,omitempty"`
	// Visible tests are committed with the starter; the candidate runs
	// them and so do the gradings, as the candidate's own checks, worth
	// no points.
	Visible map[string]string `json:"visible,omitempty"`
	// Hidden tests are added only when grading, never to the candidate's
	// repository or its history; the points come from them alone.
	Hidden map[string]string `json:"hidden,omitempty"`
	// Hours is the expected effort, shown before the candidate starts.
	Hours float64 `json:"hours"`
	// WindowHours, when set, closes the repository that long after the
	// candidate starts, never past the interview's deadline.
	WindowHours  int           `json:"window_hours,omitempty"`
	Compensation *Compensation `json:"compensation,omitempty"`
	MaxRepoMB    int           `json:"max_repo_mb"` // the repository's size
	MaxFileMB    int           `json:"max_file_mb"` // each file's size
}

// Compensation is what the team pays for a take-home.
type Compensation struct {
	Amount   string `json:"amount"`          // a decimal: "150" or "150.00"
	Currency string `json:"currency"`        // ISO 4217: "EUR"
	Terms    string `json:"terms,omitempty"` // one line: "paid within 14 days of submitting"
}

// Paths lists the paths of files, sorted.
func Paths(files map[string]string) []string {
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
