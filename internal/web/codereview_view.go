package web

import (
	"fmt"
	"html/template"
	"net/url"
	"path"
	"strings"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/kinds/codereviewkind"
	"github.com/anyhour/anyhour/internal/opening"
)

// A code-review step's change as its pages show it: the candidate's page
// (their comments, one form), the team's planting page (the planted
// issues, a line to plant one on) and the reviewers' page (the comments
// and the planted issues, found or missed, with the marks).

// reviewLargeFile is the most changed lines a file shows open.
const reviewLargeFile = 600

type reviewChange struct {
	Files    []reviewFile
	Comments []reviewComment // every comment, in the answer's order
	Planted  []reviewPlanted // the team's pages only
	Next     int             // the number the next comment opened takes
	Open     *reviewComment  // the comment just opened on a line, not yet written
}

type reviewFile struct {
	N        int
	Diff     git.FileDiff
	Large    bool
	Unified  []reviewRow
	Split    []reviewPair
	Whole    []reviewRow     // the whole file, when the step gives it
	Comments []reviewComment // its comments, and the one opened on it
	Planted  []reviewPlanted // the team's pages only
}

// reviewRow is a line with what is shown after it: the comments that end
// on it, the planted issues that end on it (team), and whether a planted
// issue covers it (team).
type reviewRow struct {
	diffLine
	Comments []reviewComment
	Ends     []reviewPlanted
	Planted  bool
}

type reviewPair struct {
	Hunk        string
	Left, Right *reviewRow
}

// reviewComment is a comment with its place: I its index in the answer
// (and N the number of its fields in the candidate's form), FileN the
// file it is on.
type reviewComment struct {
	application.LineComment
	I, N, FileN int
	New         bool  // opened, not yet written
	Finds       []int // team: the planted issues it is on the lines of
	Credit      float64
}

// Lines says which lines a comment or a planted issue is on.
func lines(start, end int, side string) string {
	s := fmt.Sprintf("line %d", start)
	if end > start {
		s = fmt.Sprintf("lines %d–%d", start, end)
	}
	if side == opening.SideOld {
		s += " as it was"
	}
	return s
}

// Where says which lines a comment is on.
func (c reviewComment) Where() string { return lines(c.LineStart, c.LineEnd, c.Side) }

type reviewPlanted struct {
	opening.Planted
	I         int
	FileN     int
	Comments  []int // the comments on its lines
	Confirmed *bool
}

// Where says which lines a planted issue is on.
func (p reviewPlanted) Where() string { return lines(p.LineStart, p.LineEnd, p.Side) }

// MarkedFound and MarkedMissed say what a reviewer said of it.
func (p reviewPlanted) MarkedFound() bool  { return p.Confirmed != nil && *p.Confirmed }
func (p reviewPlanted) MarkedMissed() bool { return p.Confirmed != nil && !*p.Confirmed }

// Found says whether the planted issue counts as found: confirmed, or on
// a comment's lines and not rejected.
func (p reviewPlanted) Found() bool {
	if p.Confirmed != nil {
		return *p.Confirmed
	}
	return len(p.Comments) > 0
}

// newReviewChange lays st's change out with the answer's comments; team
// adds the planted issues and the matches. open ("file:side:line") is a
// line a new comment was opened on.
func newReviewChange(st opening.Step, a application.Answer, team bool, open string) (reviewChange, error) {
	var out reviewChange
	t := st.CodeReview
	if t == nil {
		return out, nil
	}
	c, err := codereview.ParseTask(t)
	if err != nil {
		return out, err
	}
	var comments []application.LineComment
	if a.CodeReview != nil {
		comments = a.CodeReview.Comments
	}
	fileN := map[string]int{}
	for i, f := range c.Files {
		fileN[f.Path] = i + 1
	}
	for i, m := range comments {
		out.Comments = append(out.Comments, reviewComment{LineComment: m, I: i, N: i, FileN: fileN[m.File]})
	}
	out.Next = len(comments)
	if file, side, n, ok := parseLineValue(open); ok && !team && c.Has(file, side, n) {
		out.Open = &reviewComment{LineComment: application.LineComment{File: file, Side: side, LineStart: n, LineEnd: n}, I: -1, N: out.Next, FileN: fileN[file], New: true}
		out.Next++
	}
	if team {
		m, err := codereviewkind.Matches(st, a)
		if err != nil {
			return out, err
		}
		for i, p := range t.Planted {
			rp := reviewPlanted{Planted: p, I: i, FileN: fileN[p.File]}
			if i < len(m.Found) {
				rp.Comments, rp.Confirmed = m.Found[i].Comments, m.Found[i].Confirmed
				for _, j := range rp.Comments {
					out.Comments[j].Finds = append(out.Comments[j].Finds, i)
				}
			}
			out.Planted = append(out.Planted, rp)
		}
		for j := range out.Comments {
			if j < len(m.Credited) {
				out.Comments[j].Credit = m.Credited[j]
			}
		}
	}
	lang := langOf(st)
	for i, fd := range c.Files {
		f := reviewFile{N: i + 1, Diff: fd, Large: fd.Added+fd.Removed > reviewLargeFile}
		for _, cm := range out.Comments {
			if cm.FileN == f.N {
				f.Comments = append(f.Comments, cm)
			}
		}
		if out.Open != nil && out.Open.FileN == f.N {
			f.Comments = append(f.Comments, *out.Open)
		}
		for _, p := range out.Planted {
			if p.FileN == f.N {
				f.Planted = append(f.Planted, p)
			}
		}
		oldAt, newAt := hunkLines(fd, lang)
		rows, pairs := layDiff(fd, oldAt, newAt)
		f.Unified = make([]reviewRow, len(rows))
		for k, l := range rows {
			r := reviewRow{diffLine: l}
			if l.Hunk == "" {
				r.Comments, r.Ends, r.Planted = notesOn(c, fd.Path, l, f.Comments, f.Planted)
			}
			f.Unified[k] = r
		}
		for _, p := range pairs {
			pair := reviewPair{Hunk: p.Hunk}
			switch {
			case p.Hunk != "":
			case p.Left == p.Right:
				left := reviewRow{diffLine: leftOf(rows[p.Left], oldAt)}
				left.Planted = f.Unified[p.Left].Planted
				pair.Left, pair.Right = &left, &f.Unified[p.Right]
			default:
				if p.Left >= 0 {
					pair.Left = &f.Unified[p.Left]
				}
				if p.Right >= 0 {
					pair.Right = &f.Unified[p.Right]
				}
			}
			f.Split = append(f.Split, pair)
		}
		if whole := c.Whole(fd.Path); whole != nil {
			html := highlightLines(fd.Path, lang, []byte(strings.Join(whole, "\n")))
			for n := 1; n <= len(whole); n++ {
				l := diffLine{Kind: "ctx", New: n, Side: "new", Line: n}
				if c.Added(fd.Path, n) {
					l.Kind = "add"
				}
				if n <= len(html) {
					l.HTML = html[n-1]
				} else {
					l.HTML = template.HTML(template.HTMLEscapeString(whole[n-1]))
				}
				r := reviewRow{diffLine: l}
				r.Comments, r.Ends, r.Planted = notesOn(c, fd.Path, l, f.Comments, f.Planted)
				f.Whole = append(f.Whole, r)
			}
		}
		out.Files = append(out.Files, f)
	}
	return out, nil
}

// notesOn finds what is shown after line l of path: the comments and the
// planted issues ending on it, and whether a planted issue covers it. A
// context line is on both sides, so what ends on its old number does too.
func notesOn(c *codereview.Change, path string, l diffLine, comments []reviewComment, planted []reviewPlanted) ([]reviewComment, []reviewPlanted, bool) {
	is := func(side string, n int) bool {
		return (side == "new" && l.New == n && l.New > 0) || (side == "old" && l.Old == n && l.Old > 0)
	}
	var cs []reviewComment
	for _, m := range comments {
		if m.File == path && is(m.Side, m.LineEnd) {
			cs = append(cs, m)
		}
	}
	var ps []reviewPlanted
	covered := false
	for _, p := range planted {
		if p.File != path {
			continue
		}
		if is(p.Side, p.LineEnd) {
			ps = append(ps, p)
		}
		n := l.New
		if p.Side == "old" {
			n = l.Old
		}
		if n > 0 && n >= p.LineStart && n <= p.LineEnd {
			covered = true
		}
	}
	return cs, ps, covered
}

// langOf guesses a change's language from its files, for highlighting
// files whose names say nothing.
func langOf(st opening.Step) string {
	if st.CodeReview == nil {
		return ""
	}
	for _, line := range strings.SplitN(st.CodeReview.Diff, "\n", 20) {
		if p, ok := strings.CutPrefix(line, "+++ "); ok {
			switch path.Ext(strings.TrimSpace(p)) {
			case ".py":
				return "python"
			case ".js", ".mjs", ".cjs", ".ts":
				return "javascript"
			case ".go":
				return "go"
			}
		}
	}
	return ""
}

// parseLineValue reads "file:side:line", the file's path holding any
// colons.
func parseLineValue(v string) (file, side string, n int, ok bool) {
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		return "", "", 0, false
	}
	j := strings.LastIndexByte(v[:i], ':')
	if j < 0 {
		return "", "", 0, false
	}
	if _, err := fmt.Sscan(v[i+1:], &n); err != nil || n < 1 {
		return "", "", 0, false
	}
	return v[:j], v[j+1 : i], n, true
}

// reviewTables is what a file's tables need: the file, whose page it is
// (the candidate's, the team's, the team's planting page, a share link
// guest's) and, for the planting page, its address. Team is any reader
// but the candidate, who see the comments numbered; the planted issues
// show only where the change was laid out for the team, never on a
// guest's page, whose change holds none.
type reviewTables struct {
	File        reviewFile
	Team, Plant bool
	Closed      bool
	Base        string
}

// LineValue is what a line's button sends: where a new comment opens.
func (t reviewTables) LineValue(r *reviewRow) string {
	return fmt.Sprintf("%s:%s:%d", t.File.Diff.Path, r.Side, r.Line)
}

// PlantURL opens the planting form on a line.
func (t reviewTables) PlantURL(r *reviewRow) string {
	return t.Base + "?" + url.Values{"plant": {t.LineValue(r)}}.Encode() + "#plant"
}

// reviewRowData is a row with its tables, for the templates of its
// number and its notes.
type reviewRowData struct {
	T    reviewTables
	Row  *reviewRow
	Cols int
	Sfx  string
}

// reviewFuncs are the templates' functions for code reviews.
var reviewFuncs = map[string]any{
	"reviewTables": func(f reviewFile, mode, closed, base string) reviewTables {
		return reviewTables{File: f, Team: mode != "candidate", Plant: mode == "plant", Closed: closed != "", Base: base}
	},
	"reviewRow": func(t reviewTables, r any, cols int, sfx string) reviewRowData {
		row, ok := r.(*reviewRow)
		if !ok {
			v, _ := r.(reviewRow)
			row = &v
		}
		return reviewRowData{T: t, Row: row, Cols: cols, Sfx: sfx}
	},
	// reviewWhere says which lines a comment of an answer is on.
	"reviewWhere": func(c application.LineComment) string { return lines(c.LineStart, c.LineEnd, c.Side) },
	"reviewComment": func(c reviewComment, closed string) struct {
		C      reviewComment
		Closed bool
	} {
		return struct {
			C      reviewComment
			Closed bool
		}{c, closed != ""}
	},
}
