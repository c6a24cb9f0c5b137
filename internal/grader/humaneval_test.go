package grader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grader/humaneval"
)

// TestHumanEval grades HumanEvalPack through the Grader: every canonical
// solution must score full marks and every buggy one must lose points.
// By default it takes every 8th problem per language; ANYHOUR_HUMANEVAL_ALL=1
// takes them all (about 1,000 gradings). The corpus's five faulty problems
// are skipped and named. -short skips the test.
func TestHumanEval(t *testing.T) {
	if testing.Short() {
		t.Skip("HumanEvalPack takes a while; not with -short")
	}
	dir := os.Getenv("ANYHOUR_HUMANEVAL_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "humanevalpack")
	}
	all := os.Getenv("ANYHOUR_HUMANEVAL_ALL") == "1"
	var mu sync.Mutex
	counts := map[string]*[4]int{} // canonical graded, full marks, buggy graded, lost points
	for _, name := range []string{"python", "js", "go"} {
		problems, err := humaneval.Load(filepath.Join(dir, "humanevalpack_"+name+".jsonl"))
		if os.IsNotExist(err) {
			t.Skipf("SKIPPING: no HumanEvalPack at %s (set ANYHOUR_HUMANEVAL_DIR)", dir)
		}
		if err != nil {
			t.Fatal(err)
		}
		counts[name] = &[4]int{}
		c := counts[name]
		for i, p := range problems {
			if !all && i%8 != 0 {
				continue
			}
			if p.Faulty != "" {
				t.Logf("skipping %s: %s", p.TaskID, p.Faulty)
				continue
			}
			t.Run(strings.ReplaceAll(p.TaskID, "/", "_"), func(t *testing.T) {
				t.Parallel()
				o := mustGrade(t, p.Suite(p.CanonicalCode()))
				score, max := o.Score()
				mu.Lock()
				c[0]++
				if score == max && max > 0 {
					c[1]++
				}
				mu.Unlock()
				if score != max || max == 0 {
					t.Errorf("canonical solution scored %v/%v: %s%s\n%s", score, max, o.CompileError, messages(o), o.HiddenLogs)
				}
				o = mustGrade(t, p.Suite(p.BuggyCode()))
				score, max = o.Score()
				mu.Lock()
				c[2]++
				if score < max {
					c[3]++
				}
				mu.Unlock()
				if score >= max {
					t.Errorf("buggy solution scored %v/%v", score, max)
				}
			})
		}
	}
	t.Cleanup(func() {
		for _, name := range []string{"python", "js", "go"} {
			if c := counts[name]; c != nil {
				t.Logf("%s: %d/%d canonical solutions got full marks, %d/%d buggy ones lost points", name, c[1], c[0], c[3], c[2])
			}
		}
	})
}

// messages lists the failed tests of o with their messages.
func messages(o grader.Outcome) string {
	var b strings.Builder
	for _, t := range o.Tests {
		if !t.Passed {
			fmt.Fprintf(&b, "\n%s: %s", t.Name, t.Message)
		}
	}
	return b.String()
}
