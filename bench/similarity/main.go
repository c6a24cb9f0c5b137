// Command similarity measures anyhour's similarity engine on the IR-Plag
// corpus against Dolos, side by side in one run, and prints a Markdown
// report (BENCHMARKS.md, "Similarity"):
//
//   - per case, the original compared with every other submission (460
//     pairs, 355 plagiarised): the per-pair ROC AUC of each tool's
//     scores, and the mean similarity per plagiarism level and for
//     independent solutions;
//   - the wall time to score every pair of every case, each tool, and the
//     ratio;
//   - the time to add the 1,000th submission to an index against the
//     10th.
//
// Dolos runs from the library install-dolos.sh puts in a cache
// directory (ANYHOUR_DOLOS_DIR); without it the report says so and gives
// anyhour's figures alone.
//
//	go run ./bench/similarity [-data DIR] [-dolos DIR]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/anyhour/anyhour/bench/machine"

	"github.com/anyhour/anyhour/internal/similarity"
)

type submission struct {
	id    string // "original", "np/01", "L3/02"
	level string // "original", "np", "L1" … "L6"
	files []similarity.File
}

type caseSet struct {
	name string
	subs []submission
}

func main() {
	data := flag.String("data", "../shared/data/irplag/IR-Plag-Dataset", "the IR-Plag dataset's directory (beside the repository)")
	dolosDir := flag.String("dolos", os.Getenv("ANYHOUR_DOLOS_DIR"), "where install-dolos.sh put the Dolos library")
	flag.Parse()
	cases, err := load(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/similarity:", err)
		os.Exit(1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Similarity (bench/similarity, %s)\n\n%s, %d cores, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine.CPU(), runtime.NumCPU(), runtime.Version())

	ours, oursTime := scoreAnyhour(cases)
	withFragments := fragmentsTime(cases)
	rows := [][]string{{"anyhour", fmt.Sprintf("%.3f", auc(cases, ours))}}
	levels := []string{"L1", "L2", "L3", "L4", "L5", "L6", "np"}
	means := [][]float64{levelMeans(cases, ours, levels)}
	var theirs map[string]float64
	var theirsTime time.Duration
	if *dolosDir != "" {
		theirs, theirsTime, err = scoreDolos(cases, *dolosDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/similarity: Dolos:", err)
			theirs = nil
		}
	}
	if theirs != nil {
		rows = append(rows, []string{"Dolos 3.5 (dolos-lib)", fmt.Sprintf("%.3f", auc(cases, theirs))})
		means = append(means, levelMeans(cases, theirs, levels))
	}
	fmt.Fprintf(&b, "**IR-Plag, per-pair protocol** (%d cases; each original against every other submission):\n\n", len(cases))
	fmt.Fprintf(&b, "| tool | ROC AUC | %s |\n|---|---|%s\n", strings.Join(levels, " | "), strings.Repeat("---|", len(levels)))
	for i, r := range rows {
		var cells []string
		for _, m := range means[i] {
			cells = append(cells, fmt.Sprintf("%.2f", m))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r[0], r[1], strings.Join(cells, " | "))
	}
	fmt.Fprintf(&b, "\n**Every pair of every case scored**: anyhour %s", oursTime.Round(time.Millisecond))
	if theirs != nil {
		fmt.Fprintf(&b, ", Dolos %s (in-process, start-up excluded, each case the fastest of three rounds): anyhour %.1f× as fast", theirsTime.Round(time.Millisecond), float64(theirsTime)/float64(oursTime))
	} else {
		b.WriteString("; Dolos not run (no library: bench/similarity/install-dolos.sh)")
	}
	fmt.Fprintf(&b, ". Dolos finds pairs' fragments only when asked, and so does anyhour's score; with every pair's fragments as well, anyhour takes %s.\n\n", withFragments.Round(time.Millisecond))
	tenth, thousandth := addCost(cases)
	fmt.Fprintf(&b, "**Adding a submission**: the 10th %s, the 1,000th %s (ratio %.2f).\n", tenth, thousandth, float64(thousandth)/float64(tenth))
	size, minutes, replay, same := playbackSize(cases)
	fmt.Fprintf(&b, "\n**A %.0f-minute playback record** (one frame per keystroke, slips and pastes): %d KB, %.1f KB a minute; the server replays it in %s", minutes, size/1000, float64(size)/1000/minutes, replay.Round(time.Microsecond))
	if same {
		b.WriteString(", to the code typed exactly.\n")
	} else {
		b.WriteString(", and the replay DIFFERS from the code typed.\n")
	}
	fmt.Print(b.String())
}

// load reads the dataset: per case its original, independent solutions
// and plagiarised copies by level.
func load(root string) ([]caseSet, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "case-*"))
	if err != nil || len(dirs) == 0 {
		return nil, fmt.Errorf("no cases under %s", root)
	}
	sort.Strings(dirs)
	var out []caseSet
	for _, d := range dirs {
		c := caseSet{name: filepath.Base(d)}
		add := func(id, level, dir string) error {
			files, err := similarity.ReadPath(dir, similarity.Java)
			if err != nil {
				return err
			}
			c.subs = append(c.subs, submission{id: id, level: level, files: files})
			return nil
		}
		if err := add("original", "original", filepath.Join(d, "original")); err != nil {
			return nil, err
		}
		nps, _ := filepath.Glob(filepath.Join(d, "non-plagiarized", "*"))
		sort.Strings(nps)
		for _, p := range nps {
			if err := add("np/"+filepath.Base(p), "np", p); err != nil {
				return nil, err
			}
		}
		pls, _ := filepath.Glob(filepath.Join(d, "plagiarized", "L*", "*"))
		sort.Strings(pls)
		for _, p := range pls {
			level := filepath.Base(filepath.Dir(p))
			if err := add(level+"/"+filepath.Base(p), level, p); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// key names a scored submission: its case and id.
func key(c caseSet, id string) string { return c.name + "/" + id }

// scoreAnyhour scores every pair of each case; it returns each
// submission's similarity with its case's original.
func scoreAnyhour(cases []caseSet) (map[string]float64, time.Duration) {
	out := map[string]float64{}
	var total time.Duration
	for _, c := range cases {
		// Three rounds, the fastest counted, as for Dolos.
		var pairs []similarity.Pair
		best := time.Duration(0)
		for range 3 {
			t0 := time.Now()
			// The code most submissions share is the original itself here,
			// copied thirty times: the filter is off, as Dolos's is.
			ix := similarity.NewIndex(similarity.Java, similarity.Options{MaxShare: 2})
			var subs []similarity.Submission
			for _, s := range c.subs {
				subs = append(subs, similarity.Submission{ID: s.id, Files: s.files})
			}
			ix.AddAll(subs)
			pairs = ix.Scores(0)
			if d := time.Since(t0); best == 0 || d < best {
				best = d
			}
		}
		total += best
		for _, p := range pairs {
			switch {
			case p.Left == "original":
				out[key(c, p.Right)] = p.Similarity
			case p.Right == "original":
				out[key(c, p.Left)] = p.Similarity
			}
		}
	}
	return out, total
}

// fragmentsTime is the time to list every pair of every case with its
// fragments, each case the fastest of three rounds.
func fragmentsTime(cases []caseSet) time.Duration {
	var total time.Duration
	for _, c := range cases {
		var subs []similarity.Submission
		for _, s := range c.subs {
			subs = append(subs, similarity.Submission{ID: s.id, Files: s.files})
		}
		best := time.Duration(0)
		for range 3 {
			t0 := time.Now()
			ix := similarity.NewIndex(similarity.Java, similarity.Options{MaxShare: 2})
			ix.AddAll(subs)
			ix.Pairs(0)
			if d := time.Since(t0); best == 0 || d < best {
				best = d
			}
		}
		total += best
	}
	return total
}

// scoreDolos runs the Dolos library on every case's files.
func scoreDolos(cases []caseSet, dir string) (map[string]float64, time.Duration, error) {
	owner := map[string]string{} // file → submission key
	var input [][]string
	for _, c := range cases {
		var paths []string
		for _, s := range c.subs {
			for _, f := range s.files {
				abs, _ := filepath.Abs(f.Path)
				paths = append(paths, abs)
				owner[abs] = key(c, s.id)
			}
		}
		input = append(input, paths)
	}
	body, _ := json.Marshal(input)
	script, _ := filepath.Abs("bench/similarity/dolos.mjs")
	// Node finds the library from the script's directory: run a copy there.
	runner := filepath.Join(dir, "anyhour-dolos.mjs")
	src, err := os.ReadFile(script)
	if err != nil {
		return nil, 0, err
	}
	if err := os.WriteFile(runner, src, 0o644); err != nil {
		return nil, 0, err
	}
	cmd := exec.Command("node", runner, "java")
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("%v: %s", err, stderr.String())
	}
	var results []struct {
		MS    float64
		Pairs []struct {
			Left, Right string
			Similarity  float64
		}
	}
	if err := json.Unmarshal(out, &results); err != nil {
		return nil, 0, err
	}
	scores := map[string]float64{}
	var total time.Duration
	for i, r := range results {
		total += time.Duration(r.MS * float64(time.Millisecond))
		orig := key(cases[i], "original")
		for _, p := range r.Pairs {
			l, rr := owner[p.Left], owner[p.Right]
			switch {
			case l == orig && rr != orig:
				scores[rr] = max(scores[rr], p.Similarity)
			case rr == orig && l != orig:
				scores[l] = max(scores[l], p.Similarity)
			}
		}
	}
	return scores, total, nil
}

// auc is the per-pair ROC AUC of scores: plagiarised pairs above
// independent ones, ties counting half.
func auc(cases []caseSet, scores map[string]float64) float64 {
	var pos, neg []float64
	for _, c := range cases {
		for _, s := range c.subs {
			switch {
			case s.level == "original":
			case s.level == "np":
				neg = append(neg, scores[key(c, s.id)])
			default:
				pos = append(pos, scores[key(c, s.id)])
			}
		}
	}
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}

// levelMeans is the mean similarity with the original per level.
func levelMeans(cases []caseSet, scores map[string]float64, levels []string) []float64 {
	sum, n := map[string]float64{}, map[string]float64{}
	for _, c := range cases {
		for _, s := range c.subs {
			sum[s.level] += scores[key(c, s.id)]
			n[s.level]++
		}
	}
	out := make([]float64, len(levels))
	for i, l := range levels {
		if n[l] > 0 {
			out[i] = sum[l] / n[l]
		}
	}
	return out
}

// addCost is the time to add the 10th and the 1,000th submission to one
// index, each the median of 20 tries, the submissions drawn from the
// corpus with their names made unique.
func addCost(cases []caseSet) (tenth, thousandth time.Duration) {
	var pool []submission
	for _, c := range cases {
		pool = append(pool, c.subs...)
	}
	measure := func(before int) time.Duration {
		ix := similarity.NewIndex(similarity.Java, similarity.Options{})
		for i := 0; i < before; i++ {
			s := pool[i%len(pool)]
			ix.Add(fmt.Sprintf("s%d", i), s.files)
		}
		var ds []time.Duration
		for i := 0; i < 20; i++ {
			s := pool[(before+i)%len(pool)]
			t0 := time.Now()
			ix.Add(fmt.Sprintf("t%d", i), s.files)
			ds = append(ds, time.Since(t0))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	return measure(9), measure(999)
}
