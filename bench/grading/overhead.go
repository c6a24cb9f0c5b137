package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/sandbox"
)

const overheadRounds = 20

// overheadRow is one way of running the 10-test Python task.
type overheadRow struct {
	name  string
	walls []time.Duration
}

func (r overheadRow) median() time.Duration { return medianOf(r.walls) }

type overheadResult struct {
	rows []overheadRow // bare harness, graded, bare runner, runner in a box
}

// runner is a minimal test runner: it imports the tests and calls each
// test_ function, with none of the harness's records or defences.
const runner = `import visible_test as t
failed = 0
for name in sorted(n for n in dir(t) if n.startswith("test_")):
    try:
        getattr(t, name)()
    except Exception:
        failed += 1
print("failed", failed)
`

var pyFlags = []string{"-E", "-s", "-B", "-X", "utf8"}

// overhead runs the same 10-test Python task four ways, overheadRounds
// times each after a warm-up: anyhour's harness bare on the host and
// through grading.Grade, and a minimal runner bare and in a box.
func overhead(ctx context.Context, box *sandbox.Box, g *grading.Grader) (*overheadResult, error) {
	task := fizzTask(grading.Python)
	harness, err := os.ReadFile(filepath.Join("internal", "grading", "harness", "harness.py"))
	if err != nil {
		return nil, fmt.Errorf("run from the module's root: %w", err)
	}
	files := map[string]string{"solution.py": task.code, "visible_test.py": task.tests, "harness.py": string(harness), "runner.py": runner}
	ways := []struct {
		name string
		run  func() error
	}{
		{"anyhour's harness, bare on the host", func() error {
			return bare(files, rand.Text()+"\n", append(pyFlags, "harness.py", "visible_test.py", "results")...)
		}},
		{"anyhour's harness, through grading.Grade (sandboxed)", func() error {
			o, err := g.Grade(ctx, grading.Suite{Language: grading.Python, Code: task.code, Visible: task.tests, Points: 10})
			if s, m := o.Score(); err == nil && (s != 10 || m != 10) {
				err = fmt.Errorf("graded %v/%v", s, m)
			}
			return err
		}},
		{"minimal runner, bare on the host", func() error { return bare(files, "", append(pyFlags, "runner.py")...) }},
		{"minimal runner, sandbox.Run", func() error {
			cmd := sandbox.Command{Args: append(append([]string{"/usr/bin/python3"}, pyFlags...), "/task/runner.py"), Env: []string{"HOME=/tmp", "LANG=C.UTF-8"}}
			for _, n := range []string{"solution.py", "visible_test.py", "runner.py"} {
				cmd.Files = append(cmd.Files, sandbox.File{Path: n, Data: []byte(files[n])})
			}
			res, err := box.Run(ctx, cmd)
			if err == nil && !strings.Contains(string(res.Stdout), "failed 0") {
				err = fmt.Errorf("runner in the box: %q %q", res.Stdout, res.Stderr)
			}
			return err
		}},
	}
	// The ways take turns within each round, so that whatever else the
	// machine does falls on all of them alike.
	res := &overheadResult{rows: make([]overheadRow, len(ways))}
	for i := -1; i < overheadRounds; i++ { // round -1 warms up
		for j, w := range ways {
			start := time.Now()
			if err := w.run(); err != nil {
				return nil, fmt.Errorf("%s: %w", w.name, err)
			}
			res.rows[j].name = w.name
			if i >= 0 {
				res.rows[j].walls = append(res.rows[j].walls, time.Since(start))
			}
		}
	}
	return res, nil
}

// bare runs python3 with args in a fresh directory holding files. The
// caller times the directory's making too, as the sandbox's /task is
// made in the timed run.
func bare(files map[string]string, stdin string, args ...string) error {
	dir, err := os.MkdirTemp("", "anyhour-bench-bare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command("/usr/bin/python3", args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=/tmp", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	if slices.Contains(args, "results") {
		if b, _ := os.ReadFile(filepath.Join(dir, "results")); strings.Count(string(b), `"passed":true`) != 10 {
			return fmt.Errorf("the bare harness did not pass 10 tests: %s", b)
		}
	} else if !strings.Contains(string(out), "failed 0") {
		return fmt.Errorf("the bare runner: %s", out)
	}
	return nil
}

func medianOf(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
