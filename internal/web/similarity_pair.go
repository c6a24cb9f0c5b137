package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/matching"
)

// This file is a pair of submissions side by side: each fragment that
// matches is marked with the same number and colour on both sides and
// links to its counterpart; lines that are the same as a line of the
// starter (spaces around them aside) are greyed, as the team's code.

// fragColours is how many colours fragments take in turn.
const fragColours = 6

type pairPage struct {
	matching.PairView
	Base        string // the step's similarity page
	Left, Right pairSide
	Frags       []pairFrag
}

// pairSide is one submission laid out.
type pairSide struct {
	Name  string
	URL   string // the application, "" for a reference
	Side  string // "l" or "r", in anchors
	Files []pairFile
}

type pairFile struct {
	Path  string
	Lines []pairLine
}

type pairLine struct {
	N       int
	HTML    template.HTML
	Frag    int // the first fragment the line is in, from 1; 0 for none
	Marks   []pairMark
	Starter bool
}

// pairMark starts fragment N on a line: its anchor, and its counterpart's.
type pairMark struct {
	N         int
	ID, Other string
	Lines     string // the counterpart's lines, in words
}

// Colour is the line's fragment colour class.
func (l pairLine) Colour() string {
	if l.Frag == 0 {
		return ""
	}
	return fmt.Sprintf("frag frag-%d", (l.Frag-1)%fragColours)
}

// pairFrag is a fragment in the list above the code.
type pairFrag struct {
	N               int
	Left, Right     matching.Span
	LeftID, RightID string
	Colour          string
}

// showSimilarityPair is GET …/similarity/pair?left=&right= (or
// &reference=).
func (s *Server) showSimilarityPair(w http.ResponseWriter, r *http.Request, m account.Member) error {
	rep, err := s.similarityReport(r, m)
	if err != nil {
		return err
	}
	left, err := queryID(r, "left")
	if err != nil {
		return err
	}
	right, err := queryID(r, "right")
	if err != nil {
		return err
	}
	ref, err := queryID(r, "reference")
	if err != nil {
		return err
	}
	if left == 0 {
		return apperr.Invalid("left", "say which application is on the left")
	}
	v, err := s.Matchings.Pair(r.Context(), m, rep.Step.ID, left, right, ref)
	if err != nil {
		return err
	}
	d := pairPage{PairView: v, Base: similarityBase(rep.Interview.ID, rep.Step.ID)}
	starter := matching.StarterLines(v.Template)
	d.Left = layPairSide("l", v.Pair.LeftName, fmt.Sprintf("/applications/%d#step-%d", left, v.Step.ID), v.Left, v.Pair.Fragments, starter, true)
	rightURL := ""
	if right != 0 {
		rightURL = fmt.Sprintf("/applications/%d#step-%d", right, v.Step.ID)
	}
	d.Right = layPairSide("r", v.Pair.RightName, rightURL, v.Right, v.Pair.Fragments, starter, false)
	for i, f := range v.Pair.Fragments {
		n := i + 1
		d.Frags = append(d.Frags, pairFrag{N: n, Left: f.Left, Right: f.Right, LeftID: fragAnchor("l", n), RightID: fragAnchor("r", n),
			Colour: fmt.Sprintf("frag-%d", i%fragColours)})
	}
	title := fmt.Sprintf("%s and %s", v.Pair.LeftName, v.Pair.RightName)
	s.render(w, r, http.StatusOK, "similarity_pair", s.teamPage(r.Context(), m, "jobs", title, d))
	return nil
}

func fragAnchor(side string, n int) string { return fmt.Sprintf("%s-frag-%d", side, n) }

// layPairSide lays out one side's files, highlighted, each line marked
// with the first fragment it is in.
func layPairSide(side, name, url string, sub matching.Submission, frags []matching.Fragment, starter map[string]bool, left bool) pairSide {
	other := "r"
	if !left {
		other = "l"
	}
	ps := pairSide{Name: name, URL: url, Side: side}
	for _, f := range sub.Files {
		text := strings.ReplaceAll(string(f.Data), "\r\n", "\n")
		raw := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		html := highlightLines(f.Path, string(sub.Language), f.Data)
		pf := pairFile{Path: f.Path}
		for i, l := range raw {
			pl := pairLine{N: i + 1, Starter: strings.TrimSpace(l) != "" && starter[strings.TrimSpace(l)]}
			if i < len(html) {
				pl.HTML = html[i]
			} else {
				pl.HTML = template.HTML(template.HTMLEscapeString(l))
			}
			for j, fr := range frags {
				span := fr.Left
				if !left {
					span = fr.Right
				}
				if span.File != f.Path || pl.N < span.Start || pl.N > span.End {
					continue
				}
				if pl.Frag == 0 {
					pl.Frag = j + 1
				}
				if pl.N == span.Start {
					there := fr.Right
					if !left {
						there = fr.Left
					}
					pl.Marks = append(pl.Marks, pairMark{N: j + 1, ID: fragAnchor(side, j+1), Other: fragAnchor(other, j+1), Lines: spanWords(there)})
				}
			}
			pf.Lines = append(pf.Lines, pl)
		}
		ps.Files = append(ps.Files, pf)
	}
	return ps
}

// SpanWords says where a fragment's span is, for the template.
func (pairPage) SpanWords(sp matching.Span) string { return spanWords(sp) }

// spanWords says where a span is: "lines 4–9 of solution.py".
func spanWords(sp matching.Span) string {
	if sp.Start == sp.End {
		return fmt.Sprintf("line %d of %s", sp.Start, sp.File)
	}
	return fmt.Sprintf("lines %d–%d of %s", sp.Start, sp.End, sp.File)
}
