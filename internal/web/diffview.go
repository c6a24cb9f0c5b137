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
	Text     string // as the diff has it
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

// layDiff lays fd's hunks out. oldLines and newLines are each side's
// lines highlighted, by number from 1; a line they lack is shown from the
// diff as plain text.
func layDiff(fd git.FileDiff, oldLines, newLines []template.HTML) ([]diffLine, []diffPair) {
	at := func(lines []template.HTML, i int, text string) template.HTML {
		if i >= 1 && i <= len(lines) && lines[i-1] != "" {
			return lines[i-1]
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
			row := diffLine{Old: l.Old, New: l.New, Text: l.Text}
			switch l.Kind {
			case '+':
				row.Kind, row.HTML, row.Side, row.Line = "add", at(newLines, l.New, l.Text), "new", l.New
			case '-':
				row.Kind, row.HTML, row.Side, row.Line = "del", at(oldLines, l.Old, l.Text), "old", l.Old
			default:
				row.Kind, row.HTML, row.Side, row.Line = "ctx", at(newLines, l.New, l.Text), "new", l.New
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
func leftOf(l diffLine, oldLines []template.HTML) diffLine {
	l.Side, l.Line = "old", l.Old
	if l.Old >= 1 && l.Old <= len(oldLines) && oldLines[l.Old-1] != "" {
		l.HTML = oldLines[l.Old-1]
	}
	return l
}

// hunkLines highlights the lines a diff shows of each side of fd, for a
// change given as a diff alone (no whole files): each hunk's lines on a
// side are highlighted together, by number.
func hunkLines(fd git.FileDiff, lang string) (oldLines, newLines []template.HTML) {
	for _, h := range fd.Hunks {
		var oldText, newText []byte
		var oldNums, newNums []int
		for _, l := range h.Lines {
			if l.Old > 0 {
				oldText, oldNums = append(append(oldText, l.Text...), '\n'), append(oldNums, l.Old)
			}
			if l.New > 0 {
				newText, newNums = append(append(newText, l.Text...), '\n'), append(newNums, l.New)
			}
		}
		oldLines = place(oldLines, oldNums, highlightLines(fd.Path, lang, oldText))
		newLines = place(newLines, newNums, highlightLines(fd.Path, lang, newText))
	}
	return oldLines, newLines
}

// place puts highlighted lines at their numbers.
func place(lines []template.HTML, nums []int, html []template.HTML) []template.HTML {
	for i, n := range nums {
		if i >= len(html) {
			break
		}
		for len(lines) < n {
			lines = append(lines, "")
		}
		lines[n-1] = html[i]
	}
	return lines
}
