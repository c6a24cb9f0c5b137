package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

const overheadRounds = 30

// overheadRow is one way of running something, timed each round.
type overheadRow struct {
	lang  grader.Language
	name  string
	walls []time.Duration
}

func (r overheadRow) median() time.Duration { return medianOf(r.walls) }

type overheadResult struct {
	rows []overheadRow // per language: the floor bare, through sandbox.Run, a grading, a cold grading
}

// rowsPerLanguage is how many ways each language is run.
const rowsPerLanguage = 4

var pyFlags = []string{"-E", "-s", "-B", "-X", "utf8"}

// floorCommand is the language's bare start-up: the interpreter doing
// nothing, or for Go the toolchain building the task's solution and tests
// as one ordinary test package and running it (what grading did before
// the tests and the solution ran apart).
func floorCommand(lang grader.Language, goCache string) sandbox.Command {
	env := []string{"HOME=/tmp", "LANG=C.UTF-8"}
	switch lang {
	case grader.Python:
		return sandbox.Command{Args: append(append([]string{"/usr/bin/python3"}, pyFlags...), "-c", "pass"), Env: env}
	case grader.JavaScript:
		return sandbox.Command{Args: []string{"/usr/bin/node", "-e", "0"}, Env: env}
	}
	task := fizzTask(grader.Go)
	return sandbox.Command{
		Args: []string{"/bin/sh", "-c", "/usr/local/go/bin/go test -c -vet=off -ldflags='-s -w' -o /tmp/t . && /tmp/t -test.run=^Test >/dev/null"},
		Env: []string{"PATH=/usr/local/go/bin:/usr/bin:/bin", "HOME=/tmp", "GOPATH=/tmp/gopath", "GOCACHE=/gocache", "GOENV=off",
			"GOTOOLCHAIN=local", "GOPROXY=off", "GOSUMDB=off", "GOTELEMETRY=off", "GOWORK=off", "GOFLAGS=-trimpath", "CGO_ENABLED=0"},
		Files: []sandbox.File{
			{Path: "go.mod", Data: []byte("module solution\n\ngo 1.26\n")},
			{Path: "solution.go", Data: []byte(task.code)},
			{Path: "solution_test.go", Data: []byte(task.tests)},
		},
		Binds:  []sandbox.Bind{{Src: "/usr/local/go", Dst: "/usr/local/go"}, {Src: goCache, Dst: "/gocache", Writable: true}},
		Limits: sandbox.Limits{Wall: 60 * time.Second, MemoryBytes: 1 << 30, Processes: 256, FileBytes: 256 << 20, OpenFiles: 1024, TmpBytes: 512 << 20},
	}
}

// overhead times, per language and round after round (the variants take
// turns within each round, so that whatever else the machine does falls
// on all of them alike): the language's bare start-up in bubblewrap with
// the flags the sandbox uses, the same through sandbox.Run, and a whole
// grading of the 10-test task, both boxes included.
//
// A grading as a candidate's save usually meets it has its boxes started
// ahead (Python, JavaScript) and its tests compiled by an earlier grading
// of the same file; a cold one has a Grader of its own, made before the
// clock starts, with nothing started ahead or kept.
func overhead(ctx context.Context, box *sandbox.Box, g *grader.Grader, goCacheDir, goCacheMaster string) (*overheadResult, error) {
	type way struct {
		row int
		run func() error
	}
	res := &overheadResult{}
	var ways []way
	for _, lang := range grader.Languages {
		lang := lang
		task := fizzTask(lang)
		suite := grader.Suite{Language: lang, Code: task.code, Visible: task.tests, Points: 10}
		base := len(res.rows)
		res.rows = append(res.rows,
			overheadRow{lang: lang, name: "bare start-up in bubblewrap"},
			overheadRow{lang: lang, name: "the same through sandbox.Run"},
			overheadRow{lang: lang, name: "a whole grading, both boxes"},
			overheadRow{lang: lang, name: "a cold grading: nothing started ahead or kept"})
		ways = append(ways,
			way{base, func() error {
				cache, done, err := forkCache(cacheFor(lang, goCacheMaster), box)
				if err != nil {
					return err
				}
				defer done()
				_, out, err := box.Bare(ctx, floorCommand(lang, cache))
				if err != nil {
					return fmt.Errorf("%s: %w: %s", lang, err, out)
				}
				return nil
			}},
			way{base + 1, func() error {
				cache, done, err := forkCache(cacheFor(lang, goCacheMaster), box)
				if err != nil {
					return err
				}
				defer done()
				r, err := box.Run(ctx, floorCommand(lang, cache))
				if err == nil && r.ExitCode != 0 {
					err = fmt.Errorf("exit %d: %s", r.ExitCode, r.Stderr)
				}
				return err
			}},
			way{base + 2, func() error { return gradeSuite(ctx, g, suite) }},
			way{base + 3, func() error { return gradeSuite(ctx, nil, suite) }})
	}
	for i := -1; i < overheadRounds; i++ { // round -1 warms up
		for _, w := range ways {
			if w.row%rowsPerLanguage == 3 {
				// A Grader of its own, made before the clock starts.
				cold, err := grader.New(box, grader.Options{GoCache: goCacheDir, Cold: true})
				if err != nil {
					return nil, err
				}
				coldGrader = cold
			}
			start := time.Now()
			if err := w.run(); err != nil {
				return nil, fmt.Errorf("%s, %s: %w", res.rows[w.row].lang, res.rows[w.row].name, err)
			}
			if i >= 0 {
				res.rows[w.row].walls = append(res.rows[w.row].walls, time.Since(start))
			}
		}
	}
	return res, nil
}

// coldGrader is the Grader of the round's cold grading.
var coldGrader *grader.Grader

// gradeSuite grades a suite with g (or the round's cold grader) and
// checks it gets full marks.
func gradeSuite(ctx context.Context, g *grader.Grader, suite grader.Suite) error {
	if g == nil {
		g = coldGrader
	}
	o, err := g.Grade(ctx, suite)
	if s, m := o.Score(); err == nil && (s != 10 || m != 10) {
		err = fmt.Errorf("%s graded %v/%v: %+v", suite.Language, s, m, o.Tests)
	}
	return err
}

func cacheFor(lang grader.Language, master string) string {
	if lang == grader.Go {
		return master
	}
	return ""
}

// forkCache gives a Go build a cache of its own, hard links to the
// master's files that the box's user may add to (as grading does), or ""
// when there is no master.
func forkCache(master string, box *sandbox.Box) (string, func(), error) {
	if master == "" {
		return "", func() {}, nil
	}
	dir, err := os.MkdirTemp(filepath.Dir(master), "bench-")
	if err != nil {
		return "", nil, err
	}
	done := func() { os.RemoveAll(dir) }
	if out, err := exec.Command("cp", "-al", master+"/.", dir).CombinedOutput(); err != nil {
		done()
		return "", nil, fmt.Errorf("cp -al: %v: %s", err, out)
	}
	// The box's user may add to the directories; the linked files stay
	// the master's, read-only to it.
	if uid, gid, ok := box.HostUser(); ok {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				err = os.Lchown(p, uid, gid)
			}
			return err
		})
		if err != nil {
			done()
			return "", nil, err
		}
	}
	return dir, done, nil
}

// goCacheMaster finds the master cache grading built in dir.
func goCacheMaster(dir string) (string, error) {
	v, err := os.ReadFile("/usr/local/go/VERSION")
	if err != nil {
		return "", err
	}
	version, _, _ := strings.Cut(string(v), "\n")
	master := filepath.Join(dir, version+"-trimpath")
	if _, err := os.Stat(filepath.Join(master, "anyhour-std-built")); err != nil {
		return "", fmt.Errorf("no Go cache at %s: %w", master, err)
	}
	return master, nil
}

func medianOf(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
