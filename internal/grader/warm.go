package grader

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// Warm pairs. Building a box and starting an interpreter in it costs more
// than most gradings' own work (bubblewrap's namespaces and mounts, the
// limits, Python's or node's start, node:test's load). A Grader keeps, for
// Python and JavaScript, one pair of boxes started ahead: built, limited
// and with their harnesses loaded, waiting for their payloads. A grading
// takes it, gives each box its payload and starts the wall clock; another
// pair starts behind it for the next grading. A pair is used once and
// holds nothing of any grading before it is taken; one not taken within
// warmIdle is stopped, so an idle server keeps no boxes.

// warmIdle is how long a started pair waits to be taken.
const warmIdle = 10 * time.Minute

// maxTaskWall is the longest wall clock a task may have (the opening
// package's limit); a pair started ahead gets CPU time for it.
const maxTaskWall = 60 * time.Second

// starter is a Runner that can start a box ahead (a *sandbox.Box).
type starter interface {
	Start(cmd sandbox.Command) (*sandbox.Started, error)
}

// startedPair is a judge's box and a solution's, started.
type startedPair struct {
	judge, solution *sandbox.Started
	pipes           *pairPipes
	idle            *time.Timer // set while it waits in the pool
}

// stop ends a pair that will not be used.
func (p *startedPair) stop() {
	p.judge.Stop()
	p.solution.Stop()
	closeAll([]*os.File{p.pipes.results, p.pipes.judgeIn, p.pipes.solutionIn})
}

// warmPool holds at most one started pair per language.
type warmPool struct {
	mu       sync.Mutex
	ready    map[Language]*startedPair
	starting map[Language]bool
}

func newWarmPool() *warmPool {
	return &warmPool{ready: map[Language]*startedPair{}, starting: map[Language]bool{}}
}

// take returns the language's started pair, or nil.
func (w *warmPool) take(lang Language) *startedPair {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.ready[lang]
	delete(w.ready, lang)
	if p == nil || !p.idle.Stop() {
		return nil // none, or stopped for idleness meanwhile
	}
	return p
}

// refill starts a pair for lang in the background, unless one is there
// or on its way.
func (g *Grader) refill(st starter, lang Language) {
	w := g.warm
	w.mu.Lock()
	if w.ready[lang] != nil || w.starting[lang] {
		w.mu.Unlock()
		return
	}
	w.starting[lang] = true
	w.mu.Unlock()
	go func() {
		p, err := g.startPair(st, lang)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.starting[lang] = false
		if err != nil {
			return // the next grading starts its own, and says why if it cannot
		}
		p.idle = time.AfterFunc(warmIdle, func() {
			w.mu.Lock()
			if w.ready[lang] == p {
				delete(w.ready, lang)
			}
			w.mu.Unlock()
			p.stop()
		})
		w.ready[lang] = p
	}()
}

// startPair starts a judge's box and a solution's for lang with their
// harnesses, each waiting for its payload.
func (g *Grader) startPair(st starter, lang Language) (*startedPair, error) {
	judge, solution := interpretedPair(lang)
	pp, err := newPairPipes(true)
	if err != nil {
		return nil, err
	}
	limits := sandbox.Limits{CPU: maxTaskWall + judgeMargin + time.Second, MemoryBytes: judgeMemory}
	judge.ExtraFiles, judge.Peer, judge.Limits = pp.judge, true, limits
	solution.ExtraFiles, solution.Limits = pp.solution, limits
	j, err := st.Start(judge)
	if err != nil {
		closeAll(pp.solution)
		closeAll([]*os.File{pp.results, pp.judgeIn, pp.solutionIn})
		return nil, err
	}
	s, err := st.Start(solution)
	if err != nil {
		j.Stop()
		closeAll([]*os.File{pp.results, pp.judgeIn, pp.solutionIn})
		return nil, err
	}
	return &startedPair{judge: j, solution: s, pipes: pp}, nil
}

// interpretedPair is the judge's and the solution's command for Python or
// JavaScript, without what only a grading knows.
func interpretedPair(lang Language) (judge, solution sandbox.Command) {
	if lang == JavaScript {
		return javascriptPair()
	}
	return pythonPair()
}

// payload is what a box waits for: files for /task and the arguments.
type payload struct {
	Files [][2]string `json:"files"` // name, base64 content
	Argv  []string    `json:"argv"`
}

func encodePayload(files []sandbox.File, argv ...string) []byte {
	p := payload{Files: [][2]string{}, Argv: append([]string{}, argv...)}
	for _, f := range files {
		p.Files = append(p.Files, [2]string{f.Path, base64.StdEncoding.EncodeToString(f.Data)})
	}
	b, _ := json.Marshal(p)
	return b
}

// runInterpreted runs one test file of a Python or JavaScript suite: on a
// pair started ahead if the runner can start boxes, through Run if not.
func (g *Grader) runInterpreted(ctx context.Context, lang Language, judgeFiles, solutionFiles []sandbox.File, argv, solutionArgv []string, l sandbox.Limits) (testRun, error) {
	jp, sp := encodePayload(judgeFiles, argv...), encodePayload(solutionFiles, solutionArgv...)
	st, ok := g.box.(starter)
	if !ok {
		judge, solution := interpretedPair(lang)
		return g.runPair(ctx, judge, solution, jp, sp, l)
	}
	var p *startedPair
	if !g.cold {
		p = g.warm.take(lang)
		g.refill(st, lang)
	}
	if p == nil {
		var err error
		if p, err = g.startPair(st, lang); err != nil {
			return testRun{}, err
		}
	}
	return p.run(ctx, jp, sp, l)
}

// run gives a started pair its payloads and waits for both boxes.
func (p *startedPair) run(ctx context.Context, judgePayload, solutionPayload []byte, l sandbox.Limits) (tr testRun, err error) {
	results := readResults(p.pipes.results)
	sendPayload(p.pipes.judgeIn, judgePayload)
	sendPayload(p.pipes.solutionIn, solutionPayload)
	wall := l.Wall
	if wall <= 0 {
		wall = sandbox.DefaultLimits.Wall
	}
	memory := l.MemoryBytes
	if memory <= 0 {
		memory = sandbox.DefaultLimits.MemoryBytes
	}
	jl := judgeLimits(sandbox.Limits{Wall: wall, MemoryBytes: memory})
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan boxOutcome, 1)
	go func() {
		res, err := p.solution.Wait(sctx, wall, memory)
		done <- boxOutcome{res, err}
	}()
	tr.judge, err = p.judge.Wait(ctx, jl.Wall, jl.MemoryBytes)
	sol := awaitSolution(done, stop)
	return finishPair(ctx, tr, err, sol, sctx, <-results, l)
}
