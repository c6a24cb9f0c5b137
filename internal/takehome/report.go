package takehome

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
)

// Report records the push that just arrived in r and says to the
// candidate, in the push's output, how it went: its grading if it comes
// within a few seconds (SetReportWait), where to see it if not. link is
// the step's page.
func (s *Service) Report(ctx context.Context, r Repo, link string) string {
	wait := s.reportWait
	p, err := s.Pushed(ctx, r, "git")
	if err != nil || p == nil {
		return line("your push is in. See how it is graded on the step's page: " + link)
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		pushes, err := s.Pushes(ctx, r.ApplicationID, r.StepID)
		if err != nil {
			break
		}
		for _, q := range pushes {
			if q.ID == p.ID && (q.Grading.Status == Done || q.Grading.Status == Failed) {
				return pushReport(q, link)
			}
		}
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(200 * time.Millisecond):
		}
	}
	return line(fmt.Sprintf("push %s is in and waits to be graded; see the results on the step's page: %s", short(p.Commit), link))
}

// pushReport is a graded push as the candidate reads it: their own tests
// by name, the hidden ones as a count and points.
func pushReport(p Push, link string) string {
	g := p.Grading.ForCandidate()
	var b strings.Builder
	b.WriteString(line(fmt.Sprintf("push %s is in and graded.", short(p.Commit))))
	if g.Status == Failed {
		b.WriteString(line(g.Error))
		b.WriteString(line("See the step's page: " + link))
		return b.String()
	}
	if len(g.Checks) > 0 {
		b.WriteString(line(fmt.Sprintf("Your tests: %d of %d passed.", passedOf(g.Checks), len(g.Checks))))
		shown := 0
		for _, t := range g.Checks {
			if !t.Passed && shown < 10 {
				b.WriteString(line("  failed: " + t.Name))
				shown++
			}
		}
	}
	if g.CompileError != "" {
		first, _, _ := strings.Cut(strings.TrimSpace(g.CompileError), "\n")
		b.WriteString(line("It did not load: " + first))
	}
	if g.Score != nil && g.MaxScore != nil {
		b.WriteString(line(fmt.Sprintf("Hidden tests: %d of %d passed, %s of %s points.", passedOf(g.Tests), len(g.Tests), num(*g.Score), num(*g.MaxScore))))
	}
	b.WriteString(line("Every push is graded; the last one before you submit is what the team reviews. Details: " + link))
	return b.String()
}

func passedOf(ts []grader.Test) int {
	n := 0
	for _, t := range ts {
		if t.Passed {
			n++
		}
	}
	return n
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// line is one line of the push's output, marked as anyhour's.
func line(s string) string { return "anyhour: " + strings.ReplaceAll(s, "\n", " ") + "\n" }

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
