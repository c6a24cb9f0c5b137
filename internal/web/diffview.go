package web

import (
	"html/template"

	"github.com/anyhour/anyhour/internal/git"
)

// A change laid out for a page, as the take-home's work page and the
// code-review pages show it: unified on narrow screens, side by side on
// wide ones. Each page puts its own notes beside the lines.

// diffLine is a row of a file's unified diff: a hunk's header, or a line
// with its numbers, its highlighted text, and the side and number a note
// on it is on (a context line's notes are on its new side).
type diffLine struct {
	Hunk     string
	Kind     string // "add", "del", "ctx"
	Old, New int
	HTML     template.HTML
	Side     string
	Line     int
}

// diffPair is a row of a side-by-side diff: a hunk's header, or indexes
// into the unified rows of the line on each side, -1 for none. A context
// line is on both sides; its left half is its old side.
type diffPair struct {
	Hunk        string
	Left, Right int
}

// layDiff lays fd's hunks out. oldAt and newAt give each side's lines
// highlighted, by number; a line they lack ("") is shown from the diff as
// plain text.
func layDiff(fd git.FileDiff, oldAt, newAt func(int) template.HTML) ([]diffLine, []diffPair) {
	at := func(lines func(int) template.HTML, i int, text string) template.HTML {
		if h := lines(i); h != "" {
			return h
		}
		return template.HTML(template.HTMLEscapeString(text))
	}
	var rows []diffLine
	var pairs []diffPair
	for _, h := range fd.Hunks {
		rows = append(rows, diffLine{Hunk: h.Header})
		pairs = append(pairs, diffPair{Hunk: h.Header, Left: -1, Right: -1})
		var dels, adds []int
		flush := func() {
			for i := 0; i < max(len(dels), len(adds)); i++ {
				p := diffPair{Left: -1, Right: -1}
				if i < len(dels) {
					p.Left = dels[i]
				}
				if i < len(adds) {
					p.Right = adds[i]
				}
				pairs = append(pairs, p)
			}
			dels, adds = nil, nil
		}
		for _, l := range h.Lines {
			row := diffLine{Old: l.Old, New: l.New}
			switch l.Kind {
			case '+':
				row.Kind, row.HTML, row.Side, row.Line = "add", at(newAt, l.New, l.Text), "new", l.New
			case '-':
				row.Kind, row.HTML, row.Side, row.Line = "del", at(oldAt, l.Old, l.Text), "old", l.Old
			default:
				row.Kind, row.HTML, row.Side, row.Line = "ctx", at(newAt, l.New, l.Text), "new", l.New
			}
			rows = append(rows, row)
			n := len(rows) - 1
			switch l.Kind {
			case '-':
				dels = append(dels, n)
			case '+':
				adds = append(adds, n)
			default:
				flush()
				pairs = append(pairs, diffPair{Left: n, Right: n})
			}
		}
		flush()
	}
	return rows, pairs
}

// leftOf is the left half of a side-by-side pair's context line: its old
// side.
func leftOf(l diffLine, oldAt func(int) template.HTML) diffLine {
	l.Side, l.Line = "old", l.Old
	if h := oldAt(l.Old); h != "" {
		l.HTML = h
	}
	return l
}

// linesAt looks up highlighted lines of a whole file, by number from 1.
func linesAt(lines []template.HTML) func(int) template.HTML {
	return func(i int) template.HTML {
		if i >= 1 && i <= len(lines) {
			return lines[i-1]
		}
		return ""
	}
}

// hunkLines highlights the lines a diff shows of each side of fd, for a
// change given as a diff alone (no whole files): all the lines a side
// shows are highlighted together, once, and found by number.
func hunkLines(fd git.FileDiff, lang string) (oldAt, newAt func(int) template.HTML) {
	var oldText, newText []byte
	var oldNums, newNums []int
	for _, h := range fd.Hunks {
		for _, l := range h.Lines {
			if l.Old > 0 {
				oldText, oldNums = append(append(oldText, l.Text...), '\n'), append(oldNums, l.Old)
			}
			if l.New > 0 {
				newText, newNums = append(append(newText, l.Text...), '\n'), append(newNums, l.New)
			}
		}
	}
	return byNumber(oldNums, highlightLines(fd.Path, lang, oldText)), byNumber(newNums, highlightLines(fd.Path, lang, newText))
}

// byNumber finds highlighted lines by their numbers.
func byNumber(nums []int, html []template.HTML) func(int) template.HTML {
	m := make(map[int]template.HTML, len(nums))
	for i, n := range nums {
		if i < len(html) {
			m[n] = html[i]
		}
	}
	return func(i int) template.HTML { return m[i] }
}
