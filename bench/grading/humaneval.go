package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grader/humaneval"
	"github.com/anyhour/anyhour/internal/opening"
)

// corpusFiles name the corpus's file for each language.
var corpusFiles = map[grader.Language]string{grader.Python: "python", grader.JavaScript: "js", grader.Go: "go"}

// corpusResult is (h) for one language.
type corpusResult struct {
	lang                  grader.Language
	problems              int
	faulty                []string // excluded: faulty in the corpus itself
	canonical, fullMarks  int
	buggy, lostPoints     int
	failures              []string // canonical short of full marks, buggy at full marks, errors
	interviews            int
	elapsed, gradingSpent time.Duration // wall; sum of the gradings' wall_ms
}

// corpus grades HumanEvalPack through the API: per language, interviews
// of up to opening.MaxSteps code steps, one per problem, each with two
// candidates, one answering every step with the canonical solution and
// one with the buggy one; the worker runs one grading per core.
func corpus(ctx context.Context, g *grader.Grader, dir string) ([]corpusResult, error) {
	w, err := newWorld(ctx, g, runtime.NumCPU())
	if err != nil {
		return nil, err
	}
	defer w.close()
	var out []corpusResult
	for _, lang := range grader.Languages {
		problems, err := humaneval.Load(filepath.Join(dir, "humanevalpack_"+corpusFiles[lang]+".jsonl"))
		if err != nil {
			return nil, err
		}
		r := corpusResult{lang: lang, problems: len(problems)}
		var todo []humaneval.Problem
		for _, p := range problems {
			if p.Faulty != "" {
				r.faulty = append(r.faulty, p.TaskID)
			} else {
				todo = append(todo, p)
			}
		}
		start := time.Now()
		if err := w.corpusLang(ctx, &r, todo); err != nil {
			return nil, fmt.Errorf("%s: %w", lang, err)
		}
		r.elapsed = time.Since(start)
		fmt.Printf("   %s: %d/%d canonical full marks, %d/%d buggy lost points, %s\n", lang, r.fullMarks, r.canonical, r.lostPoints, r.buggy, r.elapsed.Round(time.Second))
		out = append(out, r)
	}
	return out, nil
}

// submission is one answer saved through the API.
type submission struct {
	problem   humaneval.Problem
	inv       application.Invitation
	step      int64
	canonical bool
}

func (w *world) corpusLang(ctx context.Context, r *corpusResult, problems []humaneval.Problem) error {
	var subs []submission
	for first := 0; first < len(problems); first += opening.MaxSteps {
		chunk := problems[first:min(first+opening.MaxSteps, len(problems))]
		steps := make([]opening.Step, len(chunk))
		for i, p := range chunk {
			l := opening.Language(p.Language)
			steps[i] = opening.Step{Kind: opening.KindCode, Title: p.TaskID, Points: 1, Code: &opening.CodeTask{
				Languages: []opening.Language{l}, Tests: map[opening.Language]opening.CodeTests{l: {Hidden: p.Tests()}}}}
		}
		iv, invs, err := w.interview(ctx, fmt.Sprintf("HumanEvalPack %s %d", r.lang, first/opening.MaxSteps+1), steps, 2)
		if err != nil {
			return err
		}
		r.interviews++
		for i, p := range chunk {
			subs = append(subs, submission{p, invs[0], iv.Steps[i].ID, true}, submission{p, invs[1], iv.Steps[i].ID, false})
		}
	}
	var before int
	if err := w.app.DB.QueryRow(ctx, `SELECT COUNT(*) FROM gradings`).Scan(&before); err != nil {
		return err
	}
	// Save every answer, a few at a time, as candidates would.
	sem := make(chan struct{}, 8)
	errs := make([]error, len(subs))
	var wg sync.WaitGroup
	for i, s := range subs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			code := s.problem.BuggyCode()
			if s.canonical {
				code = s.problem.CanonicalCode()
			}
			errs[i] = w.save(s.inv.Token, s.step, s.problem.Language, code)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := w.waitDone(ctx, before+len(subs), 30*time.Minute); err != nil {
		return err
	}
	for _, s := range subs {
		status, score, max, err := w.status(ctx, s.inv.Application.ID, s.step)
		if err != nil {
			return err
		}
		var ms int64
		w.app.DB.QueryRow(ctx, `SELECT wall_ms FROM gradings WHERE application_id = $1 AND step_id = $2`, s.inv.Application.ID, s.step).Scan(&ms)
		r.gradingSpent += time.Duration(ms) * time.Millisecond
		switch {
		case status != "done":
			r.failures = append(r.failures, fmt.Sprintf("%s (%s): grading %s", s.problem.TaskID, kind(s.canonical), status))
		case s.canonical:
			r.canonical++
			if score == max && max > 0 {
				r.fullMarks++
			} else {
				r.failures = append(r.failures, fmt.Sprintf("%s (canonical): %v/%v", s.problem.TaskID, score, max))
			}
		default:
			r.buggy++
			if score < max {
				r.lostPoints++
			} else {
				r.failures = append(r.failures, fmt.Sprintf("%s (buggy): %v/%v", s.problem.TaskID, score, max))
			}
		}
	}
	return nil
}

func kind(canonical bool) string {
	if canonical {
		return "canonical"
	}
	return "buggy"
}
