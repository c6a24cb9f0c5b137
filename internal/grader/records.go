package grader

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// record is one line a judge wrote: "KIND PAYLOAD", PAYLOAD JSON.
type record struct {
	kind    string
	payload json.RawMessage
}

// parseRecords reads a judge's results. A last line without its
// newline is what a killed judge left half written, and is dropped; so is
// any line that is not a record (the team's own tests could write to the
// file, but never the candidate's code).
func parseRecords(data []byte) []record {
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 {
		lines = lines[:len(lines)-1]
	}
	var recs []record
	for _, l := range lines {
		kind, payload, ok := strings.Cut(string(l), " ")
		if !ok || !json.Valid([]byte(payload)) {
			continue
		}
		recs = append(recs, record{kind: kind, payload: json.RawMessage(payload)})
	}
	return recs
}

// result is one finished test as a judge reported it.
type result struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	MS      int64  `json:"ms"`
	Message string `json:"message"`
}

// testRun is what one run of a test file told us: the judge's records,
// and how the two boxes ended.
type testRun struct {
	hidden   bool
	plan     []string // top-level tests, in order
	started  []string
	results  []result
	compile  string // the candidate's code does not compile
	failure  string // the tests could not run at all, and why
	tampered []string
	done     bool // the judge finished every test
	// gone says the solution's program ended before the judge did; goneIn
	// is the test it ended in, "" if none had started.
	gone   bool
	goneIn string
	// judge is the judge box's result; res the solution box's, which says
	// how the candidate's code ended (or, for Go, the test binary's).
	judge, res sandbox.Result
	// stopped says the solution box was ended by the grader once the
	// judge was done, not by itself.
	stopped bool
	recs    []byte // what the judge wrote to its results
	// compiled is the tests as the judge compiled them, for the next
	// run of the same file (Python).
	compiled []byte
	limits   sandbox.Limits
}

// absorb applies a judge's records.
func (tr *testRun) absorb(recs []record) {
	planned := map[string]bool{}
	for _, n := range tr.plan {
		planned[n] = true
	}
	for _, r := range recs {
		var s string
		switch r.kind {
		case "plan":
			var names []string
			if json.Unmarshal(r.payload, &names) == nil {
				tr.plan = names
				planned = map[string]bool{}
				for _, n := range names {
					planned[n] = true
				}
			}
		case "test":
			// Every registration, a repeated name too (units.go fails it).
			if json.Unmarshal(r.payload, &s) == nil {
				planned[s] = true
				tr.plan = append(tr.plan, s)
			}
		case "start":
			if json.Unmarshal(r.payload, &s) == nil {
				tr.started = append(tr.started, s)
			}
		case "result":
			var res result
			if json.Unmarshal(r.payload, &res) == nil {
				tr.results = append(tr.results, res)
			}
		case "compile":
			if json.Unmarshal(r.payload, &s) == nil {
				tr.compile = s
			}
		case "error":
			if json.Unmarshal(r.payload, &s) == nil {
				tr.failure = s
			}
		case "gone":
			tr.gone = true
			json.Unmarshal(r.payload, &tr.goneIn)
		case "tamper":
			if json.Unmarshal(r.payload, &s) == nil {
				tr.tampered = append(tr.tampered, s)
			}
		case "compiled":
			if json.Unmarshal(r.payload, &s) == nil {
				tr.compiled, _ = base64.StdEncoding.DecodeString(s)
			}
		case "done":
			tr.done = true
		}
	}
}

// stopReason explains why tests without a result have none: started says
// whether the test had begun.
func (tr *testRun) stopReason(started bool) string {
	res := tr.res
	loading := len(tr.started) == 0 && !tr.done
	judgeEnded := !tr.done && !tr.gone && tr.stopped
	switch {
	case tr.compile != "":
		return "did not run: the code does not compile"
	case tr.failure != "":
		return tr.failure
	case judgeEnded && tr.judge.TimedOut:
		if started {
			return fmt.Sprintf("time limit exceeded (%s) while this test ran", limitText(tr.limits.Wall))
		}
		return "did not run: the time limit ran out during an earlier test"
	case judgeEnded && started:
		return "did not finish: the tests' program ended during this test (" + exitText(tr.judge) + ")" + stderrTail(tr.judge)
	case judgeEnded:
		return "did not run: the tests' program ended during an earlier test (" + exitText(tr.judge) + ")"
	case loading && res.TimedOut:
		return fmt.Sprintf("did not run: the time limit (%s) ran out while the code was loading", limitText(tr.limits.Wall))
	case loading && res.MemoryExceeded:
		return "did not run: the memory limit was exceeded while the code was loading"
	case loading:
		return "did not run: the program ended while the code was loading (" + exitText(res) + ")" + stderrTail(res)
	case res.TimedOut && started:
		return fmt.Sprintf("time limit exceeded (%s) while this test ran", limitText(tr.limits.Wall))
	case res.TimedOut:
		return "did not run: the time limit ran out during an earlier test"
	case res.MemoryExceeded && started:
		return "memory limit exceeded while this test ran"
	case res.MemoryExceeded:
		return "did not run: the memory limit was exceeded during an earlier test"
	case started:
		return "did not finish: the program ended during this test (" + exitText(res) + ")" + stderrTail(res)
	case tr.done:
		return "did not run"
	default:
		return "did not run: the program ended during an earlier test (" + exitText(res) + ")"
	}
}

// incomplete says, for reviewers, why a run ended without a result for
// every test, or "" if it did not.
func (tr *testRun) incomplete() string {
	if tr.done || tr.compile != "" || tr.failure != "" || len(tr.tampered) > 0 {
		return ""
	}
	switch {
	case tr.gone && tr.goneIn != "":
		return fmt.Sprintf("the run ended without all its results: the solution's program ended (%s) during %s", exitText(tr.res), tr.goneIn)
	case tr.gone:
		return fmt.Sprintf("the run ended without all its results: the solution's program ended (%s) before the first test", exitText(tr.res))
	case tr.res.TimedOut || tr.judge.TimedOut:
		return "the run ended without all its results: the time limit ran out"
	default:
		return fmt.Sprintf("the run ended without all its results: the tests' program ended (%s)", exitText(tr.judge))
	}
}

func exitText(res sandbox.Result) string {
	if res.Signal != "" {
		return "killed by signal " + res.Signal
	}
	return fmt.Sprintf("exit status %d", res.ExitCode)
}

// stderrTail quotes a crashed run's stderr: from a Go panic or fatal
// error on, which is where it says why it died, or else its end.
func stderrTail(res sandbox.Result) string {
	s := strings.TrimSpace(clean(res.Stderr))
	if s == "" {
		return ""
	}
	const max = 1500
	for _, marker := range []string{"panic: ", "fatal error: "} {
		if i := strings.Index(s, marker); i == 0 || (i > 0 && s[i-1] == '\n') {
			return ":\n" + capText(s[i:], max)
		}
	}
	if len(s) > max {
		s = "…" + validTail(s, max)
	}
	return ":\n" + s
}
