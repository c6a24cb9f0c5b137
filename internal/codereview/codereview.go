// Package codereview is what code-review steps know of their change: the
// team's unified diff read into files and lines, where the planted issues
// and the candidate's comments may be, which comments find which issue,
// and the score that follows from them and the reviewers' marks
// (docs/step-kinds.md). It holds no state but a cache of changes read.
package codereview

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/opening"
)

// Change is a code-review step's diff, read.
type Change struct {
	Files []git.FileDiff
	lines map[string]*fileLines // by the file's path (its new one)
	whole map[string][]string   // the whole files given, by path
}

// fileLines are the lines a file's hunks show, on each side, by number:
// '+' and ' ' on the new side, '-' and ' ' on the old; a context line has
// a number on each.
type fileLines struct {
	new, old           map[int]byte
	oldToNew, newToOld map[int]int
}

// cache keeps changes read, by their diff's digest: every save of an
// answer and every score reads the step's change.
var cache = struct {
	sync.Mutex
	m map[[32]byte]*Change
}{m: map[[32]byte]*Change{}}

const cacheSize = 64

// Parse reads a step's diff: at most opening.MaxReviewDiff bytes, text
// files only, at least one file.
func Parse(diff string) (*Change, error) {
	return ParseTask(&opening.CodeReviewTask{Diff: diff})
}

// ParseTask reads a step's change: its diff, and the whole files it
// gives, each of whose lines is then shown on its new side; a whole file
// must agree with the lines the diff shows of it.
func ParseTask(t *opening.CodeReviewTask) (*Change, error) {
	diff := t.Diff
	if len(diff) > opening.MaxReviewDiff {
		return nil, apperr.New(apperr.ErrTooLarge, "the diff is %d KB; a code review takes at most %d KB", len(diff)>>10, opening.MaxReviewDiff>>10)
	}
	h := sha256.New()
	h.Write([]byte(diff))
	for _, p := range opening.Paths(t.Files) {
		fmt.Fprintf(h, "\x00%s\x00%d\x00%s", p, len(t.Files[p]), t.Files[p])
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	cache.Lock()
	c, ok := cache.m[key]
	cache.Unlock()
	if ok {
		return c, nil
	}
	files, err := git.ParsePatch(diff)
	if errors.Is(err, git.ErrBadPatch) {
		return nil, apperr.Invalid("diff", "%s", strings.TrimPrefix(err.Error(), "git: "))
	}
	if err != nil {
		return nil, err
	}
	c = &Change{Files: files, lines: map[string]*fileLines{}, whole: map[string][]string{}}
	for _, f := range files {
		if f.Binary {
			return nil, apperr.Invalid("diff", "%s is a binary file; a code review shows changes to text", f.Path)
		}
		if _, dup := c.lines[f.Path]; dup {
			return nil, apperr.Invalid("diff", "%s is in the diff twice", f.Path)
		}
		fl := &fileLines{new: map[int]byte{}, old: map[int]byte{}, oldToNew: map[int]int{}, newToOld: map[int]int{}}
		for _, h := range f.Hunks {
			// A run of removed lines and the added lines after it replace
			// them: the k-th added line stands where the k-th removed one
			// stood, as the side-by-side view pairs them.
			var dels []int
			adds := 0
			for _, l := range h.Lines {
				if l.New > 0 {
					fl.new[l.New] = l.Kind
				}
				if l.Old > 0 {
					fl.old[l.Old] = l.Kind
				}
				switch l.Kind {
				case ' ':
					fl.oldToNew[l.Old], fl.newToOld[l.New] = l.New, l.Old
					dels, adds = nil, 0
				case '-':
					if adds > 0 {
						dels, adds = nil, 0
					}
					dels = append(dels, l.Old)
				case '+':
					if adds < len(dels) {
						fl.oldToNew[dels[adds]], fl.newToOld[l.New] = l.New, dels[adds]
					}
					adds++
				}
			}
		}
		c.lines[f.Path] = fl
	}
	if err := c.addWhole(t.Files); err != nil {
		return nil, err
	}
	cache.Lock()
	if len(cache.m) >= cacheSize {
		for k := range cache.m {
			delete(cache.m, k)
			break
		}
	}
	cache.m[key] = c
	cache.Unlock()
	return c, nil
}

// Whole is a file's lines as the change leaves it, when the step gives
// the whole file.
func (c *Change) Whole(path string) []string { return c.whole[path] }

// addWhole takes the whole files: each a text file of the change that is
// still there after it, agreeing with every line the diff shows of its new
// side; all of its lines are then shown, the unchanged ones on both sides.
func (c *Change) addWhole(files map[string]string) error {
	size := 0
	for _, p := range opening.Paths(files) {
		text := files[p]
		size += len(text)
		fl, ok := c.lines[p]
		if !ok {
			return apperr.Invalid("files", "%q is not a file of the change", clip(p))
		}
		if size > opening.MaxReviewFiles {
			return apperr.New(apperr.ErrTooLarge, "the change's whole files come to more than %d MB", opening.MaxReviewFiles>>20)
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			return apperr.Invalid("files", "%s is not a text file", clip(p))
		}
		lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n")
		var f git.FileDiff
		for _, x := range c.Files {
			if x.Path == p {
				f = x
			}
		}
		if f.Status == "deleted" {
			return apperr.Invalid("files", "%s is deleted by the change: it has no lines after it", clip(p))
		}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.New > 0 && (l.New > len(lines) || lines[l.New-1] != l.Text) {
					return apperr.Invalid("files", "%s does not match the change: its line %d is not what the diff shows", clip(p), l.New)
				}
			}
		}
		// The lines between hunks are unchanged; their old numbers follow
		// from the hunk before.
		delta := 0 // new - old
		for n := 1; n <= len(lines); n++ {
			if _, shown := fl.new[n]; shown {
				if o, ok := fl.newToOld[n]; ok {
					delta = n - o
				}
				continue
			}
			fl.new[n] = ' '
			if o := n - delta; o > 0 {
				if _, taken := fl.old[o]; !taken {
					fl.old[o] = ' '
					fl.oldToNew[o], fl.newToOld[n] = n, o
				}
			}
		}
		c.whole[p] = lines
	}
	return nil
}

// Has says whether the change shows line n of path on side.
func (c *Change) Has(path, side string, n int) bool {
	fl, ok := c.lines[path]
	if !ok {
		return false
	}
	if side == opening.SideOld {
		_, ok = fl.old[n]
	} else {
		_, ok = fl.new[n]
	}
	return ok
}

// Added says whether line n of path's new side is one the change adds.
func (c *Change) Added(path string, n int) bool {
	fl, ok := c.lines[path]
	return ok && fl.new[n] == '+'
}

// HasFile says whether path is a file of the change.
func (c *Change) HasFile(path string) bool {
	_, ok := c.lines[path]
	return ok
}

// maxSpan is the most lines a comment or a planted issue covers.
const maxSpan = 200

// span is a range of lines on one side of one file.
type span struct {
	file, side string
	start, end int
}

// checkSpan says what is wrong with a range, for field at: its file, its
// side, its lines each shown by the change.
func (c *Change) checkSpan(at string, s span) error {
	if !c.HasFile(s.file) {
		return apperr.Invalid(at+".file", "%q is not a file of the change", clip(s.file))
	}
	if s.side != opening.SideNew && s.side != opening.SideOld {
		return apperr.Invalid(at+".side", "side is \"new\" or \"old\" (for removed lines), not %q", clip(s.side))
	}
	if s.start < 1 || s.end < s.start {
		return apperr.Invalid(at+".line_start", "lines run from line_start to line_end, both from 1, line_start first")
	}
	if s.end-s.start >= maxSpan {
		return apperr.Invalid(at+".line_end", "a range covers at most %d lines", maxSpan)
	}
	// Every line of the range is shown: a range does not run from one
	// hunk into the next over lines nobody can read.
	for n := s.start; n <= s.end; n++ {
		if !c.Has(s.file, s.side, n) {
			return apperr.Invalid(at+".line_start", "line %d of %s is not shown on the %s side of the change", n, clip(s.file), s.side)
		}
	}
	return nil
}

// overlaps says whether two ranges share a line, tol lines either side of
// b counting, once a's lines are on b's side (a context line is on both).
func (c *Change) overlaps(a, b span, tol int) bool {
	if a.file != b.file {
		return false
	}
	lo, hi := b.start-tol, b.end+tol
	if a.side == b.side {
		return a.start <= hi && a.end >= lo
	}
	fl := c.lines[a.file]
	if fl == nil {
		return false
	}
	to := fl.newToOld
	if a.side == opening.SideOld {
		to = fl.oldToNew
	}
	for n := a.start; n <= a.end; n++ {
		if m, ok := to[n]; ok && m >= lo && m <= hi {
			return true
		}
	}
	return false
}

// CheckPlanted holds a step's planted issues to its change: each on lines
// the change shows (the old side for removed lines only), labelled, worth
// points, none overlapping another.
func (c *Change) CheckPlanted(planted []opening.Planted) error {
	if len(planted) == 0 {
		return apperr.Invalid("planted", "plant at least one issue: the score comes from the issues found")
	}
	if len(planted) > opening.MaxPlanted {
		return apperr.Invalid("planted", "at most %d planted issues", opening.MaxPlanted)
	}
	for i, p := range planted {
		at := fmt.Sprintf("planted[%d]", i)
		s := span{p.File, p.Side, p.LineStart, p.LineEnd}
		if err := c.checkSpan(at, s); err != nil {
			return err
		}
		if p.Side == opening.SideOld && c.lines[p.File].old[p.LineStart] != '-' {
			return apperr.Invalid(at+".side", "the old side is for removed lines; line %d of %s is still there on the new side", p.LineStart, clip(p.File))
		}
		for j := range i {
			q := planted[j]
			if c.overlaps(s, span{q.File, q.Side, q.LineStart, q.LineEnd}, 0) {
				return apperr.Invalid(at+".line_start", "planted issue %d (%q) overlaps planted issue %d (%q); give each issue lines of its own", i+1, clip(p.Label), j+1, clip(q.Label))
			}
		}
	}
	return nil
}

// CheckComment holds one comment to the change.
func (c *Change) CheckComment(i int, m application.LineComment) error {
	return c.checkSpan(fmt.Sprintf("comments[%d]", i), span{m.File, m.Side, m.LineStart, m.LineEnd})
}

// Found is a planted issue and the comments whose lines find it.
type Found struct {
	Planted  int
	Comments []int
}

// Match finds, for each planted issue, the comments on its lines: in the
// same file, their range overlapping its lines or the task's tolerance of
// lines either side. A comment much longer than the issue (more than its
// lines and the tolerance either side, and ten lines) finds nothing: a
// comment over a whole hunk would otherwise find every issue in it.
func (c *Change) Match(t *opening.CodeReviewTask, comments []application.LineComment) []Found {
	out := make([]Found, len(t.Planted))
	for i, p := range t.Planted {
		out[i].Planted = i
		ps := span{p.File, p.Side, p.LineStart, p.LineEnd}
		most := max(p.LineEnd-p.LineStart+1+2*t.Tolerance, 10)
		for j, m := range comments {
			if m.LineEnd-m.LineStart+1 > most {
				continue
			}
			if c.overlaps(span{m.File, m.Side, m.LineStart, m.LineEnd}, ps, t.Tolerance) {
				out[i].Comments = append(out[i].Comments, j)
			}
		}
	}
	return out
}

// Points is the most a task's answers earn: its planted issues' points.
func Points(t *opening.CodeReviewTask) float64 {
	var sum float64
	for _, p := range t.Planted {
		sum += p.Points
	}
	return sum
}

// Score is an answer's score: each planted issue's points when a comment
// found it and no reviewer rejected the match, or when a reviewer
// confirmed it; and the points reviewers credited to comments that found
// something not planted; never more than the planted issues are worth.
func (c *Change) Score(t *opening.CodeReviewTask, r *application.CodeReview, marks []application.Mark) (score, max float64) {
	max = Points(t)
	var comments []application.LineComment
	if r != nil {
		comments = r.Comments
	}
	verdict := map[int]string{}
	for _, m := range marks {
		switch {
		case m.Planted >= 0:
			if i, ok := MarkedIssue(t, m); ok {
				verdict[i] = m.Verdict
			}
		case m.Verdict == application.Credited && m.Comment < len(comments):
			score += m.Points
		}
	}
	for _, f := range c.Match(t, comments) {
		v := verdict[f.Planted]
		if v == application.Confirmed || (v == "" && len(f.Comments) > 0) {
			score += t.Planted[f.Planted].Points
		}
	}
	return min(score, max), max
}

// MarkedIssue is the planted issue a mark is on: the one with its key, or
// none when that issue has been changed or removed since.
func MarkedIssue(t *opening.CodeReviewTask, m application.Mark) (int, bool) {
	for i, p := range t.Planted {
		if p.Key() == m.Key || (m.Key == "" && i == m.Planted) {
			return i, true
		}
	}
	return 0, false
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}
