package matching

import (
	"context"
	"errors"
	"strings"

	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/similarity"
)

// comparison is what comparing a step's answers found.
type comparison struct {
	submissions, compared int
	pairs                 []Pair
}

// compare reads every submitted answer to st and the step's references
// and compares those in the same language, the starter set aside. An
// answer with no code of its own left (only the starter filled in) or
// that is not text compares with nobody.
func (s *Service) compare(ctx context.Context, interviewID int64, st opening.Step) (comparison, error) {
	var c comparison
	apps, err := s.submitted(ctx, interviewID)
	if err != nil {
		return c, err
	}
	type entry struct {
		key string
		sub Submission
	}
	byLang := map[opening.Language][]entry{}
	for _, id := range apps {
		sub, ok, err := s.submission(ctx, st, id)
		if err != nil {
			return c, err
		}
		if ok {
			c.submissions++
			byLang[sub.Language] = append(byLang[sub.Language], entry{appKey(id), sub})
		}
	}
	refs, err := s.references(ctx, st.ID)
	if err != nil {
		return c, err
	}
	for _, r := range refs {
		if _, ok := byLang[r.Language]; ok {
			byLang[r.Language] = append(byLang[r.Language], entry{refKey(r.ID), referenceSubmission(r)})
		}
	}
	for _, l := range sortedLanguages(byLang) {
		lines := map[string]map[string][]string{} // by key, by path
		for _, e := range byLang[l] {
			lines[e.key] = fileLines(e.sub.Files)
		}
		starter := StarterLines(Template(st, l))
		ix := similarity.NewIndex(similarity.Language(l), similarity.Options{})
		if err := ix.AddTemplate(Template(st, l)); err != nil {
			return c, err
		}
		subs := make([]similarity.Submission, len(byLang[l]))
		for i, e := range byLang[l] {
			subs[i] = similarity.Submission{ID: e.key, Files: e.sub.Files}
		}
		for i, err := range ix.AddAll(subs) {
			if errors.Is(err, similarity.ErrEmpty) || errors.Is(err, similarity.ErrNotText) {
				continue
			}
			if err != nil {
				return c, err
			}
			if app, _ := parseKey(subs[i].ID); app != 0 {
				c.compared++
			}
		}
		for _, p := range ix.Pairs(Floor) {
			p.Fragments = trimFragments(p.Fragments, lines[p.Left], lines[p.Right], starter)
			if pair, ok := toPair(st.ID, l, p); ok {
				c.pairs = append(c.pairs, pair)
			}
		}
	}
	return c, nil
}

// toPair turns the engine's pair into a stored one: an application on
// the left (the lower id of two), a reference on the right; two
// references are no pair of interest.
func toPair(stepID int64, l opening.Language, p similarity.Pair) (Pair, bool) {
	la, lr := parseKey(p.Left)
	ra, rr := parseKey(p.Right)
	frags := make([]Fragment, len(p.Fragments))
	for i, f := range p.Fragments {
		frags[i] = Fragment{Left: Span(f.Left), Right: Span(f.Right)}
	}
	swap := lr != 0 || (la != 0 && ra != 0 && ra < la)
	if swap {
		la, lr, ra, rr = ra, rr, la, lr
		for i := range frags {
			frags[i].Left, frags[i].Right = frags[i].Right, frags[i].Left
		}
	}
	if la == 0 {
		return Pair{}, false
	}
	return Pair{StepID: stepID, Language: l, LeftApplication: la, RightApplication: ra, RightReference: rr,
		Similarity: p.Similarity, Fragments: frags}, true
}

// fileLines splits each file into its lines, by path.
func fileLines(files []similarity.File) map[string][]string {
	out := map[string][]string{}
	for _, f := range files {
		out[f.Path] = strings.Split(strings.ReplaceAll(string(f.Data), "\r\n", "\n"), "\n")
	}
	return out
}

// StarterLines are the template's lines, spaces around them trimmed.
func StarterLines(files []similarity.File) map[string]bool {
	out := map[string]bool{}
	for _, l := range fileLines(files) {
		for _, line := range l {
			out[strings.TrimSpace(line)] = true
		}
	}
	return out
}

// StarterLine says whether a line is, spaces around it aside, empty or a
// line of the template: the team's, not the candidate's.
func StarterLine(starter map[string]bool, line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || starter[t]
}

// trimFragments narrows each fragment to start and end on lines of the
// candidates' own on both sides: a k-gram that begins in the starter's
// code and runs into theirs would otherwise mark the starter's lines as
// matching. A fragment with nothing of their own on a side is dropped.
func trimFragments(fs []similarity.Fragment, left, right map[string][]string, starter map[string]bool) []similarity.Fragment {
	out := fs[:0]
	for _, f := range fs {
		var ok bool
		if f.Left, ok = trimSpan(f.Left, left[f.Left.File], starter); !ok {
			continue
		}
		if f.Right, ok = trimSpan(f.Right, right[f.Right.File], starter); !ok {
			continue
		}
		out = append(out, f)
	}
	return out
}

func trimSpan(sp similarity.Span, lines []string, starter map[string]bool) (similarity.Span, bool) {
	own := func(n int) bool { return n >= 1 && n <= len(lines) && !StarterLine(starter, lines[n-1]) }
	for sp.Start <= sp.End && !own(sp.Start) {
		sp.Start++
	}
	for sp.End >= sp.Start && !own(sp.End) {
		sp.End--
	}
	return sp, sp.Start <= sp.End
}
