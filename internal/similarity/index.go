package similarity

import (
	"errors"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"sort"
	"sync"
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
	fps := make([][]fingerprint, len(files))
	for i, f := range files {
		var err error
		if fps[i], err = ix.fingerprints(f); err != nil {
			return err
		}
	}
	return ix.add(id, files, fps)
}

// Submission is a submission to add: its name and its files.
type Submission struct {
	ID    string
	Files []File
}

// AddAll adds submissions in order, as Add does, reading their files on
// every core at once. The errors are the submissions', nil for each added.
func (ix *Index) AddAll(subs []Submission) []error {
	type job struct{ sub, file int }
	fps := make([][][]fingerprint, len(subs))
	errs := make([]error, len(subs))
	jobs := make(chan job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				fp, err := ix.fingerprints(subs[j.sub].Files[j.file])
				mu.Lock()
				if err != nil && errs[j.sub] == nil {
					errs[j.sub] = err
				}
				fps[j.sub][j.file] = fp
				mu.Unlock()
			}
		}()
	}
	for i, s := range subs {
		fps[i] = make([][]fingerprint, len(s.Files))
		for f := range s.Files {
			jobs <- job{i, f}
		}
	}
	close(jobs)
	wg.Wait()
	for i, s := range subs {
		if errs[i] == nil {
			errs[i] = ix.add(s.ID, s.Files, fps[i])
		}
	}
	return errs
}

// add adds a submission whose files' fingerprints are read.
func (ix *Index) add(id string, files []File, fps [][]fingerprint) error {
	s := &submission{id: id}
	for i, f := range files {
		kept := make([]fingerprint, 0, len(fps[i]))
		for _, fp := range fps[i] {
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
	// A submission's occurrences are together, in the order added.
	seen := 0
	for i, o := range occ {
		if i == 0 || occ[i-1].sub != o.sub {
			seen++
		}
	}
	return float64(seen) > ix.opts.MaxShare*float64(len(ix.subs))
}

// Pairs lists every pair of submissions with a similarity of at least
// min, most alike first.
//
// It goes in two passes. The first counts, per pair, the fingerprints of
// each side found on the other, from each hash's submissions and how
// often each holds it: a fingerprint that every submission holds costs a
// count per pair, not a list of every pairing of its occurrences. The
// second finds the matching fingerprints of the pairs kept, for their
// fragments.
func (ix *Index) Pairs(min float64) []Pair { return ix.pairs(min, true) }

// Scores lists the pairs as Pairs does, without their fragments, which
// take most of the time when every pair is wanted.
func (ix *Index) Scores(min float64) []Pair { return ix.pairs(min, false) }

func (ix *Index) pairs(min float64, fragments bool) []Pair {
	n := len(ix.subs)
	if n < 2 {
		return nil
	}
	// Each hash gets a number, its holders a list, and whether it counts.
	ids := make(map[uint64]int32, len(ix.byHash))
	lists := make([][]occurrence, 0, len(ix.byHash))
	counts := make([]bool, 0, len(ix.byHash))
	for h, occ := range ix.byHash {
		ids[h] = int32(len(lists))
		lists = append(lists, occ)
		counts = append(counts, len(occ) > 1 && !ix.shared(occ))
	}
	// matched[a*n+b], a < b: a's fingerprints found in b, b's found in a.
	matched := make([][2]int32, n*n)
	type held struct{ sub, times int }
	var subs []held
	for id, occ := range lists {
		if !counts[id] {
			continue
		}
		subs = subs[:0]
		for _, o := range occ { // occurrences come in the order added: a submission's are together
			if k := len(subs); k > 0 && subs[k-1].sub == o.sub {
				subs[k-1].times++
				continue
			}
			subs = append(subs, held{o.sub, 1})
		}
		for i, x := range subs {
			for _, y := range subs[i+1:] {
				m := &matched[x.sub*n+y.sub]
				m[0] += int32(x.times)
				m[1] += int32(y.times)
			}
		}
	}
	var out []Pair
	for a := 0; a < n; a++ {
		var hashIDs [][]int32 // a's fingerprints' hash numbers, by file
		for b := a + 1; b < n; b++ {
			m := matched[a*n+b]
			if m[0] == 0 {
				continue
			}
			sa, sb := ix.subs[a], ix.subs[b]
			sim := float64(m[0]+m[1]) / float64(sa.count+sb.count)
			if sim < min {
				continue
			}
			if !fragments {
				out = append(out, Pair{Left: sa.id, Right: sb.id, Similarity: sim})
				continue
			}
			if hashIDs == nil {
				hashIDs = make([][]int32, len(sa.files))
				for fi, f := range sa.files {
					hashIDs[fi] = make([]int32, len(f.fps))
					for pi, fp := range f.fps {
						hashIDs[fi][pi] = ids[fp.hash]
					}
				}
			}
			ms := matches(a, b, hashIDs, lists, counts)
			out = append(out, Pair{Left: sa.id, Right: sb.id, Similarity: sim, Fragments: ix.fragments(sa, sb, ms)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Similarity != out[j].Similarity {
			return out[i].Similarity > out[j].Similarity
		}
		return out[i].Left+"\x00"+out[i].Right < out[j].Left+"\x00"+out[j].Right
	})
	return out
}

// matches pairs each fingerprint of submission a (its hashes' numbers
// by file) with each of b's that has its hash, leaving out those that
// count for nobody. A hash's holders are in the order added, so b's are
// found by halving.
func matches(a, b int, hashIDs [][]int32, lists [][]occurrence, counts []bool) [][2]occurrence {
	var ms [][2]occurrence
	for fi, file := range hashIDs {
		for pi, id := range file {
			if !counts[id] {
				continue
			}
			occ := lists[id]
			for k := sort.Search(len(occ), func(i int) bool { return occ[i].sub >= b }); k < len(occ) && occ[k].sub == b; k++ {
				ms = append(ms, [2]occurrence{{a, fi, pi}, occ[k]})
			}
		}
	}
	return ms
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
			at := run[len(run)-1]
			last := ms[at]
			next := -1
			// ms is sorted by left file and fingerprint: what may follow
			// last comes after it, in the same left file.
			for j := at + 1; j < len(ms); j++ {
				m := ms[j]
				if m[0].file != last[0].file {
					break
				}
				if used[j] || m[1].file != last[1].file {
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
