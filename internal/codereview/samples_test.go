package codereview_test

import (
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/opening"

	_ "github.com/anyhour/anyhour/internal/kinds"
)

// sampleBugs gives, for each sample, a text that must be on one of the
// lines of each of its planted issues, in the order they are planted.
var sampleBugs = map[string][]string{
	"python-handler": {
		`f"SELECT * FROM items WHERE title LIKE '%{q}%'`,
		`db.execute("DELETE FROM items WHERE id = ?"`,
		`limit = int(request.args.get("limit", 50))`,
	},
	"javascript-pagination": {
		"for (let page = 2; page < pageCount; page++)",
		"customerRevenue(id).then(",
	},
	"go-cache": {
		"if e, ok := c.entries[path]; ok",
		"return nil, err",
	},
}

// sampleMissing gives, for each sample, a text that must be on none of
// the lines of each of its planted issues: the fix is not already there.
var sampleMissing = map[string][]string{
	"python-handler":        {"LIKE ?", "owner_id", "min("},
	"javascript-pagination": {"<=", "await"},
	"go-cache":              {"c.mu.", "Close"},
}

// lines are the texts of path's lines the change shows on side, from
// start to end.
func lines(c *codereview.Change, path, side string, start, end int) []string {
	var out []string
	for _, f := range c.Files {
		if f.Path != path {
			continue
		}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				n := l.New
				if side == opening.SideOld {
					n = l.Old
				}
				if (side == opening.SideOld) == (l.Kind == '+') || n < start || n > end {
					continue
				}
				out = append(out, l.Text)
			}
		}
	}
	return out
}

func TestSamples(t *testing.T) {
	t.Parallel()
	if len(codereview.Samples) != 3 {
		t.Fatalf("%d samples, want 3", len(codereview.Samples))
	}
	keys := map[string]bool{}
	for _, s := range codereview.Samples {
		t.Run(s.Key, func(t *testing.T) {
			if keys[s.Key] {
				t.Fatalf("key %q is used twice", s.Key)
			}
			keys[s.Key] = true
			if s.Title == "" || s.Prompt == "" {
				t.Error("a sample needs a title and a prompt")
			}
			if s.Minutes < 30 || s.Minutes > 45 {
				t.Errorf("minutes = %d, want 30 to 45", s.Minutes)
			}
			if s.Task.Tolerance != 2 {
				t.Errorf("tolerance = %d, want 2", s.Task.Tolerance)
			}

			c, err := codereview.Parse(s.Task.Diff)
			if err != nil {
				t.Fatalf("the diff does not parse: %v", err)
			}
			if len(c.Files) < 1 || len(c.Files) > 3 {
				t.Errorf("the change touches %d files, want 1 to 3", len(c.Files))
			}
			changed := 0
			for _, f := range c.Files {
				changed += f.Added + f.Removed
			}
			if changed < 40 || changed > 120 {
				t.Errorf("the change has %d changed lines, want 40 to 120", changed)
			}

			task := s.Task
			st, err := opening.CheckStep(0, opening.Step{Kind: opening.KindCodeReview, Title: s.Title, Prompt: s.Prompt, Minutes: s.Minutes, CodeReview: &task})
			if err != nil {
				t.Fatalf("CheckStep: %v", err)
			}
			if st.Points != codereview.Points(&s.Task) || st.Minutes != s.Minutes {
				t.Errorf("the step is worth %v points in %d minutes, want %v in %d", st.Points, st.Minutes, codereview.Points(&s.Task), s.Minutes)
			}
			if st.Title != s.Title || st.Prompt != s.Prompt {
				t.Error("CheckStep changed the title or the prompt: trim them")
			}

			bugs, missing := sampleBugs[s.Key], sampleMissing[s.Key]
			if len(bugs) != len(s.Task.Planted) || len(missing) != len(s.Task.Planted) {
				t.Fatalf("%d planted issues, but the test knows %d bugs and %d fixes", len(s.Task.Planted), len(bugs), len(missing))
			}
			prompt := strings.ToLower(s.Prompt)
			for i, p := range s.Task.Planted {
				if p.Side != opening.SideNew {
					t.Errorf("planted issue %d is on the %s side", i+1, p.Side)
				}
				if n := p.LineEnd - p.LineStart + 1; n < 1 || n > 3 {
					t.Errorf("planted issue %d covers %d lines, want 1 to 3", i+1, n)
				}
				if p.Label == "" || len([]rune(p.Label)) > opening.MaxPlantedLabel {
					t.Errorf("planted issue %d's label is %d characters", i+1, len([]rune(p.Label)))
				}
				if p.Explanation == "" {
					t.Errorf("planted issue %d has no explanation", i+1)
				}
				if p.Points < 1 || p.Points > 5 {
					t.Errorf("planted issue %d is worth %v points, want 1 to 5", i+1, p.Points)
				}
				got := lines(c, p.File, p.Side, p.LineStart, p.LineEnd)
				if len(got) != p.LineEnd-p.LineStart+1 {
					t.Errorf("planted issue %d (%s): the change shows %d of lines %d-%d", i+1, p.Label, len(got), p.LineStart, p.LineEnd)
				}
				text := strings.Join(got, "\n")
				if !strings.Contains(text, bugs[i]) {
					t.Errorf("planted issue %d (%s): lines %d-%d of %s do not hold %q:\n%s", i+1, p.Label, p.LineStart, p.LineEnd, p.File, bugs[i], text)
				}
				if strings.Contains(text, missing[i]) {
					t.Errorf("planted issue %d (%s): lines %d-%d of %s hold %q, the fix:\n%s", i+1, p.Label, p.LineStart, p.LineEnd, p.File, missing[i], text)
				}
				if strings.Contains(prompt, strings.ToLower(p.Label)) {
					t.Errorf("the prompt gives away planted issue %d (%s)", i+1, p.Label)
				}
			}
			for _, w := range []string{"planted", "injection", "race", "leak", "off-by-one", "off by one", "permission"} {
				if strings.Contains(prompt, w) {
					t.Errorf("the prompt says %q", w)
				}
			}
		})
	}
	for _, key := range []string{"python-handler", "javascript-pagination", "go-cache"} {
		if !keys[key] {
			t.Errorf("no sample %q", key)
		}
	}
}
