package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/similarity"
)

// repeated is a flag given any number of times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// similarityCmd compares submissions on disk, as Dolos and JPlag do: each
// PATH is one submission (a file, or a directory whose source files count
// together); every pair is scored, most alike first.
func similarityCmd(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := newFlagSet("similarity", "Scores how alike submissions are: each PATH a file or a directory of one submission. "+
		"CSV: left,right,similarity, a row a pair, most alike first; JSON adds the matching fragments' lines. Reads only the files given.")
	lang := fs.String("language", "auto", "auto (by file names), python, javascript, go, java, c or cpp")
	format := fs.String("format", "csv", "csv or json")
	var templates repeated
	fs.Var(&templates, "template", "code the team gave (a starter), a file or directory; its code matches nobody (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) < 2 {
		return fmt.Errorf("give at least two submissions to compare (anyhour similarity -h)")
	}
	l := similarity.Language(*lang)
	if *lang == "auto" {
		l = ""
	} else if !l.Valid() {
		return fmt.Errorf("--language %q: one of auto, python, javascript, go, java, c, cpp", *lang)
	}
	if *format != "csv" && *format != "json" {
		return fmt.Errorf("--format %q: csv or json", *format)
	}
	ix := similarity.NewIndex(l, similarity.Options{})
	for _, t := range templates {
		files, err := similarity.ReadPath(t, l)
		if err != nil {
			return fmt.Errorf("--template: %w", err)
		}
		if err := ix.AddTemplate(files); err != nil {
			return fmt.Errorf("--template: %w", err)
		}
	}
	var subs []similarity.Submission
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		files, err := similarity.ReadPath(p, l)
		if err != nil {
			return err
		}
		subs = append(subs, similarity.Submission{ID: p, Files: files})
	}
	var ids []string
	for i, err := range ix.AddAll(subs) {
		if err != nil {
			logger.Warn("similarity: left out", slog.String("path", subs[i].ID), slog.Any("error", err))
			continue
		}
		ids = append(ids, subs[i].ID)
	}
	// CSV has no fragments: they are not looked for.
	scored := ix.Scores
	if *format == "json" {
		scored = ix.Pairs
	}
	pairs := allPairs(ids, scored(0))
	if *format == "json" {
		type span struct {
			File      string `json:"file"`
			StartLine int    `json:"start_line"`
			EndLine   int    `json:"end_line"`
		}
		type fragment struct {
			Left  span `json:"left"`
			Right span `json:"right"`
		}
		type pair struct {
			Left       string     `json:"left"`
			Right      string     `json:"right"`
			Similarity float64    `json:"similarity"`
			Fragments  []fragment `json:"fragments"`
		}
		out := make([]pair, 0, len(pairs))
		for _, p := range pairs {
			jp := pair{Left: p.Left, Right: p.Right, Similarity: round(p.Similarity), Fragments: []fragment{}}
			for _, f := range p.Fragments {
				jp.Fragments = append(jp.Fragments, fragment{span{f.Left.File, f.Left.Start, f.Left.End}, span{f.Right.File, f.Right.Start, f.Right.End}})
			}
			out = append(out, jp)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := csv.NewWriter(stdout)
	w.Write([]string{"left", "right", "similarity"})
	for _, p := range pairs {
		w.Write([]string{p.Left, p.Right, strconv.FormatFloat(round(p.Similarity), 'f', -1, 64)})
	}
	w.Flush()
	return w.Error()
}

// allPairs adds the pairs that share nothing, at 0, after the others.
func allPairs(ids []string, found []similarity.Pair) []similarity.Pair {
	seen := map[[2]string]bool{}
	for _, p := range found {
		seen[[2]string{p.Left, p.Right}] = true
	}
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			if !seen[[2]string{a, b}] && !seen[[2]string{b, a}] {
				found = append(found, similarity.Pair{Left: a, Right: b})
			}
		}
	}
	return found
}

func round(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 4, 64), 64)
	return v
}
