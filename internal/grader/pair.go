package grader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// The judgement never shares a box with the candidate's code. A test run
// is two boxes started together: the judge, with the team's tests, the
// assertion library and the results, and the solution, with the
// candidate's code and a small server. Pipes join them; in each box
// descriptor 3 reads what the other sends and 4 writes to it. The judge
// box runs as the sandbox's second user (sandbox.Command.Peer), so the
// two share no user, no files, no processes, nothing but the pipes. The
// judge writes its results, one record a line, to descriptor 5, a pipe
// that only the grader reads.
//
// The judge sends calls and the solution answers with data, which the
// judge rebuilds as plain values before any assertion sees it (the wire
// formats are in harness/). Whatever the candidate's code does in its box
// (read its own memory, patch its server, write rubbish to the pipe, exit
// early), it cannot reach the tests, their expected values or the
// results, and a result it did not earn cannot be written.
//
// For Python and JavaScript the boxes get the harness when they start and
// what only the grading knows (the tests, the candidate's code) later, as
// a payload on one more pipe (the judge's 6, the solution's 5): so a pair
// can be started ahead (warm.go), its interpreters loaded, and a grading
// costs little more than its own work.

// judgeMargin is how much longer than the solution the judge may run: when
// the solution runs out of time, the judge still records which test it was.
const judgeMargin = 2 * time.Second

// solutionGrace is how long the solution may take to leave once the judge
// has: it sees the end of its input and exits at once, unless it is busy.
const solutionGrace = 2 * time.Second

// judgeMemory is the least memory a judge box gets.
const judgeMemory = 256 << 20

// maxResults bounds what a judge may write to its results.
const maxResults = 8 << 20

// pairPipes are the pipes of one pair: the grader keeps its ends of the
// results and the payloads; each box gets its own ends.
type pairPipes struct {
	judge, solution []*os.File // the boxes' ExtraFiles, in order
	results         *os.File   // read end
	judgeIn         *os.File   // write end of the judge's payload, or nil
	solutionIn      *os.File   // write end of the solution's payload, or nil
}

// newPairPipes makes the pipes, with payload pipes if payloads is set.
func newPairPipes(payloads bool) (*pairPipes, error) {
	var all []*os.File
	mk := func() (w, r *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			all = append(all, r, w)
		}
		return w, r, err
	}
	fail := func(err error) (*pairPipes, error) {
		closeAll(all)
		return nil, fmt.Errorf("grading: %w", err)
	}
	toSolution, fromJudge, err := mk()
	if err != nil {
		return fail(err)
	}
	toJudge, fromSolution, err := mk()
	if err != nil {
		return fail(err)
	}
	resultsW, resultsR, err := mk()
	if err != nil {
		return fail(err)
	}
	p := &pairPipes{
		judge:    []*os.File{fromSolution, toSolution, resultsW},
		solution: []*os.File{fromJudge, toJudge},
		results:  resultsR,
	}
	if payloads {
		jw, jr, err := mk()
		if err != nil {
			return fail(err)
		}
		sw, sr, err := mk()
		if err != nil {
			return fail(err)
		}
		p.judge = append(p.judge, jr)
		p.solution = append(p.solution, sr)
		p.judgeIn, p.solutionIn = jw, sw
	}
	return p, nil
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// readResults reads the judge's results to their end, capped.
func readResults(r *os.File) <-chan []byte {
	out := make(chan []byte, 1)
	go func() {
		defer r.Close()
		b, _ := io.ReadAll(io.LimitReader(r, maxResults))
		io.Copy(io.Discard, r) // past the cap: drained, dropped
		out <- b
	}()
	return out
}

// sendPayload writes a payload and closes its pipe, in the background: a
// payload larger than the pipe's buffer waits for its reader.
func sendPayload(w *os.File, payload []byte) {
	if w == nil {
		return
	}
	go func() {
		w.Write(payload)
		w.Close()
	}()
}

// runPair runs the judge and the solution boxes side by side through
// Run and returns what each did, for runners that cannot start a box
// ahead (and for Go, whose boxes need no payload).
func (g *Grader) runPair(ctx context.Context, judge, solution sandbox.Command, judgePayload, solutionPayload []byte, l sandbox.Limits) (tr testRun, err error) {
	pp, err := newPairPipes(judgePayload != nil)
	if err != nil {
		return tr, err
	}
	solution.ExtraFiles = pp.solution
	solution.Limits = l
	judge.ExtraFiles = pp.judge
	judge.Peer = true
	judge.Limits = judgeLimits(l)
	results := readResults(pp.results)
	sendPayload(pp.judgeIn, judgePayload)
	sendPayload(pp.solutionIn, solutionPayload)

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan boxOutcome, 1)
	go func() {
		res, err := g.box.Run(sctx, solution)
		done <- boxOutcome{res, err}
	}()
	tr.judge, err = g.box.Run(ctx, judge)
	sol := awaitSolution(done, stop)
	return finishPair(ctx, tr, err, sol, sctx, <-results, l)
}

// boxOutcome is how a box's run ended.
type boxOutcome struct {
	res sandbox.Result
	err error
}

// awaitSolution waits for the solution's box once the judge's has ended:
// the judge's end closed the solution's input, so it leaves by itself
// (writing out what it printed) unless it is busy, and then its box is
// ended.
func awaitSolution(done <-chan boxOutcome, stop func()) boxOutcome {
	select {
	case sol := <-done:
		return sol
	case <-time.After(solutionGrace):
		stop()
		return <-done
	}
}

// finishPair puts together what the two boxes did.
func finishPair(ctx context.Context, tr testRun, judgeErr error, sol boxOutcome, sctx context.Context, results []byte, l sandbox.Limits) (testRun, error) {
	tr.res = sol.res
	tr.limits = l
	tr.recs = results
	if judgeErr != nil {
		return tr, judgeErr
	}
	if sol.err != nil {
		if ctx.Err() != nil || sctx.Err() == nil || !errors.Is(sol.err, context.Canceled) {
			return tr, sol.err
		}
		tr.stopped = true // ended once the judge was done
	}
	return tr, nil
}

// records are what the judge wrote to its results.
func (tr *testRun) records() []record {
	return parseRecords(tr.recs)
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
