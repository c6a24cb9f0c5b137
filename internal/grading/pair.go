package grading

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// The judgement never shares a box with the candidate's code. A test run
// is two boxes started together: the judge, with the team's tests, the
// assertion library and the results, and the solution, with the
// candidate's code and a small server. Two pipes join them; in each box
// descriptor 3 reads what the other sends and 4 writes to it. The judge
// box runs as the sandbox's second user (sandbox.Command.Peer), so the
// two share no user, no files, no processes, nothing but the pipes.
//
// The judge writes its results, one record a line, to descriptor 5, a
// third pipe that only the grader reads.
//
// The judge sends calls and the solution answers with data, which the
// judge rebuilds as plain values before any assertion sees it (the wire
// formats are in harness/). Whatever the candidate's code does in its box
// (read its own memory, patch its server, write rubbish to the pipe, exit
// early), it cannot reach the tests, their expected values or the
// results, and a result it did not earn cannot be written.

// judgeMargin is how much longer than the solution the judge may run: when
// the solution runs out of time, the judge still records which test it was.
const judgeMargin = 2 * time.Second

// solutionGrace is how long the solution may take to leave once the judge
// has: it sees the end of its input and exits at once, unless it is busy.
const solutionGrace = 500 * time.Millisecond

// judgeMemory is the least memory a judge box gets.
const judgeMemory = 256 << 20

// runPair runs the judge and the solution boxes side by side and returns
// what each did. The solution box is ended once the judge has finished.
func (g *Grader) runPair(ctx context.Context, judge, solution sandbox.Command, l sandbox.Limits) (tr testRun, err error) {
	toSolution, fromJudge, err := pipe()
	if err != nil {
		return tr, err
	}
	toJudge, fromSolution, err := pipe()
	if err != nil {
		toSolution.Close()
		fromJudge.Close()
		return tr, err
	}
	resultsW, resultsR, err := pipe()
	if err != nil {
		for _, f := range []*os.File{toSolution, fromJudge, toJudge, fromSolution} {
			f.Close()
		}
		return tr, err
	}
	solution.ExtraFiles = []*os.File{fromJudge, toJudge}
	solution.Limits = l
	judge.ExtraFiles = []*os.File{fromSolution, toSolution, resultsW}
	judge.Peer = true
	judge.Limits = judgeLimits(l)
	results := make(chan []byte, 1)
	go func() {
		defer resultsR.Close()
		b, _ := io.ReadAll(io.LimitReader(resultsR, maxResults))
		io.Copy(io.Discard, resultsR) // past the cap: drained, dropped
		results <- b
	}()

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	type outcome struct {
		res sandbox.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := g.box.Run(sctx, solution)
		done <- outcome{res, err}
	}()
	tr.judge, err = g.box.Run(ctx, judge)
	// The judge's end closed the solution's input: let it leave by itself
	// (writing out what it printed) before ending its box.
	var sol outcome
	select {
	case sol = <-done:
	case <-time.After(solutionGrace):
		stop()
		sol = <-done
	}
	tr.res = sol.res
	tr.limits = l
	tr.recs = <-results
	if err != nil {
		return tr, err
	}
	if sol.err != nil {
		if ctx.Err() != nil || sctx.Err() == nil {
			return tr, sol.err
		}
		tr.stopped = true // ended by stop, once the judge was done
	}
	return tr, nil
}

// maxResults bounds what a judge may write to its results.
const maxResults = 8 << 20

// records are what the judge wrote to its results.
func (tr *testRun) records() []record {
	return parseRecords(tr.recs)
}

// pipe returns the read and write ends of a new pipe, write end first.
func pipe() (w, r *os.File, err error) {
	r, w, err = os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("grading: %w", err)
	}
	return w, r, nil
}

// judgeLimits are the judge box's limits: the solution's, a little
// longer, and memory enough for the tests whatever the solution gets.
func judgeLimits(l sandbox.Limits) sandbox.Limits {
	j := l
	if j.Wall <= 0 {
		j.Wall = sandbox.DefaultLimits.Wall
	}
	j.Wall += judgeMargin
	j.CPU = 0
	j.MemoryBytes = max(l.MemoryBytes, judgeMemory)
	return j
}
