package similarity

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
)

// Options tune the fingerprints: K tokens a k-gram, W k-grams a
// winnowing window (a run of at least K+W-1 equal tokens is always
// caught). Zero fields take the defaults.
type Options struct {
	K, W int
	// MaxShare: a fingerprint in more than this share of the submissions
	// (once there are at least four) is code they all share, and counts
	// for nobody. Default 0.5.
	MaxShare float64
}

// Defaults.
const (
	DefaultK        = 12
	DefaultW        = 8
	DefaultMaxShare = 0.5
)

// File is a file of a submission.
type File struct {
	Path string
	Data []byte
}

// fingerprint is a winnowed k-gram: its hash and the lines its first and
// last tokens are on.
type fingerprint struct {
	hash       uint64
	start, end int
}

type subFile struct {
	path string
	fps  []fingerprint
}

type submission struct {
	id    string
	files []subFile
	count int // fingerprints, templates' excluded
}

// occurrence is where a fingerprint is: a submission, a file, an index.
type occurrence struct{ sub, file, fp int }

// Index holds submissions by their fingerprints.
type Index struct {
	opts     Options
	lang     Language
	subs     []*submission
	byHash   map[uint64][]occurrence
	template map[uint64]bool
}

// NewIndex returns an empty index of submissions in lang ("" detects each
// file's language by its name).
func NewIndex(lang Language, opts Options) *Index {
	if opts.K <= 0 {
		opts.K = DefaultK
	}
	if opts.W <= 0 {
		opts.W = DefaultW
	}
	if opts.MaxShare <= 0 {
		opts.MaxShare = DefaultMaxShare
	}
	return &Index{opts: opts, lang: lang, byHash: map[uint64][]occurrence{}, template: map[uint64]bool{}}
}

// ErrEmpty refuses a submission with no code to compare.
var ErrEmpty = errors.New("similarity: no code to compare")

// fingerprints reads a file into its fingerprints.
func (ix *Index) fingerprints(f File) ([]fingerprint, error) {
	lang := ix.lang
	if lang == "" {
		l, ok := Detect(f.Path)
		if !ok {
			return nil, fmt.Errorf("similarity: %s: the language cannot be told from the name", f.Path)
		}
		lang = l
	}
	toks, err := Tokens(lang, f.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	return winnow(toks, ix.opts.K, ix.opts.W), nil
}

// winnow hashes every k-gram of toks and keeps, in each window of w
// hashes, the smallest (the rightmost when tied), once.
func winnow(toks []Token, k, w int) []fingerprint {
	if len(toks) < k {
		return nil
	}
	grams := make([]fingerprint, len(toks)-k+1)
	for i := range grams {
		h := fnv.New64a()
		for _, t := range toks[i : i+k] {
			h.Write([]byte(t.Text))
			h.Write([]byte{0})
		}
		grams[i] = fingerprint{hash: h.Sum64(), start: toks[i].Line, end: toks[i+k-1].Line}
	}
	if len(grams) <= w {
		m := 0
		for i, g := range grams {
			if g.hash <= grams[m].hash {
				m = i
			}
		}
		return []fingerprint{grams[m]}
	}
	var out []fingerprint
	last := -1
	for i := 0; i+w <= len(grams); i++ {
		m := i
		for j := i; j < i+w; j++ {
			if grams[j].hash <= grams[m].hash {
				m = j
			}
		}
		if m != last {
			out = append(out, grams[m])
			last = m
		}
	}
	return out
}

// AddTemplate reads code the team gave (a starter, a template): its
// fingerprints count for no submission. Add templates before
// submissions.
func (ix *Index) AddTemplate(files []File) error {
	for _, f := range files {
		fps, err := ix.fingerprints(f)
		if err != nil {
			return err
		}
		for _, fp := range fps {
			ix.template[fp.hash] = true
		}
	}
	return nil
}

// Add reads a submission, its files together.
func (ix *Index) Add(id string, files []File) error {
	s := &submission{id: id}
	for _, f := range files {
		fps, err := ix.fingerprints(f)
		if err != nil {
			return err
		}
		kept := fps[:0]
		for _, fp := range fps {
			if !ix.template[fp.hash] {
				kept = append(kept, fp)
			}
		}
		s.files = append(s.files, subFile{path: f.Path, fps: kept})
		s.count += len(kept)
	}
	if s.count == 0 {
		return fmt.Errorf("%s: %w", id, ErrEmpty)
	}
	n := len(ix.subs)
	ix.subs = append(ix.subs, s)
	for fi, f := range s.files {
		for pi, fp := range f.fps {
			ix.byHash[fp.hash] = append(ix.byHash[fp.hash], occurrence{n, fi, pi})
		}
	}
	return nil
}

// Span is lines of a file, from Start to End.
type Span struct {
	File       string
	Start, End int
}

// Fragment is code that matches: lines of each side.
type Fragment struct {
	Left, Right Span
}

// Pair is two submissions, how alike they are and where.
type Pair struct {
	Left, Right string
	Similarity  float64
	Fragments   []Fragment
}

// shared says whether a fingerprint counts: not in more than MaxShare of
// the submissions, once there are four or more.
func (ix *Index) shared(occ []occurrence) bool {
	if len(ix.subs) < 4 {
		return false
	}
	seen := map[int]bool{}
	for _, o := range occ {
		seen[o.sub] = true
	}
	return float64(len(seen)) > ix.opts.MaxShare*float64(len(ix.subs))
}

// Pairs lists every pair of submissions with a similarity of at least
// min, most alike first.
func (ix *Index) Pairs(min float64) []Pair {
	type key struct{ a, b int }
	matches := map[key][][2]occurrence{}
	for _, occ := range ix.byHash {
		if len(occ) < 2 || ix.shared(occ) {
			continue
		}
		for i, x := range occ {
			for _, y := range occ[i+1:] {
				if x.sub == y.sub {
					continue
				}
				a, b := x, y
				if a.sub > b.sub {
					a, b = b, a
				}
				matches[key{a.sub, b.sub}] = append(matches[key{a.sub, b.sub}], [2]occurrence{a, b})
			}
		}
	}
	var out []Pair
	for k, ms := range matches {
		left, right := map[occurrence]bool{}, map[occurrence]bool{}
		for _, m := range ms {
			left[m[0]], right[m[1]] = true, true
		}
		a, b := ix.subs[k.a], ix.subs[k.b]
		sim := float64(len(left)+len(right)) / float64(a.count+b.count)
		if sim < min {
			continue
		}
		out = append(out, Pair{Left: a.id, Right: b.id, Similarity: sim, Fragments: ix.fragments(a, b, ms)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Similarity != out[j].Similarity {
			return out[i].Similarity > out[j].Similarity
		}
		return out[i].Left+"\x00"+out[i].Right < out[j].Left+"\x00"+out[j].Right
	})
	return out
}

// fragments joins matching fingerprints into runs that go forward on
// both sides in the same two files, each run's lines a fragment.
func (ix *Index) fragments(a, b *submission, ms [][2]occurrence) []Fragment {
	slices.SortFunc(ms, func(x, y [2]occurrence) int {
		if c := x[0].file - y[0].file; c != 0 {
			return c
		}
		if c := x[0].fp - y[0].fp; c != 0 {
			return c
		}
		if c := x[1].file - y[1].file; c != 0 {
			return c
		}
		return x[1].fp - y[1].fp
	})
	used := make([]bool, len(ms))
	var out []Fragment
	for i := range ms {
		if used[i] {
			continue
		}
		used[i] = true
		run := []int{i}
		for {
			last := ms[run[len(run)-1]]
			next := -1
			for j := i + 1; j < len(ms); j++ {
				m := ms[j]
				if used[j] || m[0].file != last[0].file || m[1].file != last[1].file {
					continue
				}
				if m[0].fp > last[0].fp && m[0].fp <= last[0].fp+2 && m[1].fp > last[1].fp && m[1].fp <= last[1].fp+2 {
					next = j
					break
				}
				if m[0].fp > last[0].fp+2 {
					break
				}
			}
			if next < 0 {
				break
			}
			used[next] = true
			run = append(run, next)
		}
		first, last := ms[run[0]], ms[run[len(run)-1]]
		lf, rf := a.files[first[0].file], b.files[first[1].file]
		out = append(out, Fragment{
			Left:  Span{File: lf.path, Start: lf.fps[first[0].fp].start, End: lf.fps[last[0].fp].end},
			Right: Span{File: rf.path, Start: rf.fps[first[1].fp].start, End: rf.fps[last[1].fp].end},
		})
	}
	return mergeFragments(out)
}

// mergeFragments joins fragments whose lines overlap on both sides.
func mergeFragments(fs []Fragment) []Fragment {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Left.File != fs[j].Left.File {
			return fs[i].Left.File < fs[j].Left.File
		}
		return fs[i].Left.Start < fs[j].Left.Start
	})
	var out []Fragment
	for _, f := range fs {
		if n := len(out); n > 0 {
			p := &out[n-1]
			if p.Left.File == f.Left.File && p.Right.File == f.Right.File && f.Left.Start <= p.Left.End+1 &&
				f.Right.Start <= p.Right.End+1 && f.Right.End+1 >= p.Right.Start {
				p.Left.End = max(p.Left.End, f.Left.End)
				p.Right.Start, p.Right.End = min(p.Right.Start, f.Right.Start), max(p.Right.End, f.Right.End)
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
