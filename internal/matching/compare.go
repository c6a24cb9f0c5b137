package matching

import (
	"context"
	"errors"

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
		ix := similarity.NewIndex(similarity.Language(l), similarity.Options{})
		if err := ix.AddTemplate(Template(st, l)); err != nil {
			return c, err
		}
		for _, e := range byLang[l] {
			err := ix.Add(e.key, e.sub.Files)
			if errors.Is(err, similarity.ErrEmpty) || errors.Is(err, similarity.ErrNotText) {
				continue
			}
			if err != nil {
				return c, err
			}
			if app, _ := parseKey(e.key); app != 0 {
				c.compared++
			}
		}
		for _, p := range ix.Pairs(Floor) {
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
