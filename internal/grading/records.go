package grading

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// resultsFile is where the harnesses write their records, under /task.
const resultsFile = "anyhour-results"

// newToken returns a fresh random token for one run.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// record is one line a harness wrote: "TOKEN KIND PAYLOAD", PAYLOAD JSON.
type record struct {
	kind    string
	payload json.RawMessage
}

// recordLike matches what looks like a record, whatever its token.
var recordLike = regexp.MustCompile(`^[0-9a-f]{32} [a-z]+ `)

// parseRecords returns the records carrying token. Anything else in the
// results file (a record with another token, a line that is no record)
// was not written by the harness and is reported as tampering. A last line
// without its newline is what a killed harness left half written, and is
// dropped.
func parseRecords(data []byte, token string) (recs []record, tampered []string) {
	prefix := token + " "
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		s := string(l)
		rest, ok := strings.CutPrefix(s, prefix)
		if !ok {
			if recordLike.MatchString(s) {
				tampered = append(tampered, "a result record carried a wrong token")
			} else {
				tampered = append(tampered, "the results file held a line the harness did not write")
			}
			continue
		}
		kind, payload, _ := strings.Cut(rest, " ")
		if !json.Valid([]byte(payload)) {
			tampered = append(tampered, "a result record was malformed")
			continue
		}
		recs = append(recs, record{kind: kind, payload: json.RawMessage(payload)})
	}
	return recs, dedupe(tampered)
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// result is one finished test as a harness reported it.
type result struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	MS      int64  `json:"ms"`
	Message string `json:"message"`
}

// testRun is what one run of a test file told us.
type testRun struct {
	hidden   bool
	plan     []string // top-level tests, in order
	started  []string
	results  []result
	compile  string // the candidate's code does not compile
	failure  string // the tests could not run at all, and why
	tampered []string
	done     bool // the harness finished normally
	res      sandbox.Result
	limits   sandbox.Limits
}

// absorb applies the records of a Python or JavaScript harness.
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
			if json.Unmarshal(r.payload, &s) == nil && !planned[s] {
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
		case "tamper":
			if json.Unmarshal(r.payload, &s) == nil {
				tr.tampered = append(tr.tampered, s)
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
	switch {
	case tr.compile != "":
		return "did not run: the code does not compile"
	case tr.failure != "":
		return tr.failure
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
