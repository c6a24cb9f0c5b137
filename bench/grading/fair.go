package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
)

// Part (f) is the security review's attack on the workers: one candidate
// saves code that runs as long as it may, three times 4 s apart, and
// right after the third save an honest candidate saves a right answer,
// presses Run, and the team invites someone. Rounds alternate between
// "quiet" (no attacker) and "attack", each in a fresh app, so that the
// difference is the attacker's doing and not the machine's drift.
const (
	fairRounds   = 3
	attackSaves  = 3
	attackEvery  = 4 * time.Second
	fairTimeMS   = 5000 // the task's time limit per run
	fairIOCases  = 4    // of which half hidden: with the two test files, six runs per grading
	pollInterval = 20 * time.Millisecond
)

type fairRound struct {
	attack   bool
	graded   time.Duration // honest PUT → grading done, the settle delay included
	emailed  time.Duration // invitation → email handed over (kept: no SMTP server)
	ran      time.Duration // honest Run → results
	attacker time.Duration // first attacker save → the attacker's last grading finished
}

// fairTask is FizzBuzz in Python with visible and hidden tests and
// stdin/stdout cases: a grading makes six runs, each held to fairTimeMS.
func fairTask() (opening.Step, string) {
	f := fizzTask(grader.Python)
	visible, hidden := "from solution import fizz\n", "from solution import fizz\n"
	for i, c := range fizzCases {
		t := fmt.Sprintf("\n\ndef test_fizz_%d():\n    assert fizz(%d) == %q\n", c.n, c.n, c.want)
		if i%2 == 0 {
			visible += t
		} else {
			hidden += t
		}
	}
	var cases []opening.IOCase
	for i, c := range fizzCases[:fairIOCases] {
		cases = append(cases, opening.IOCase{Name: fmt.Sprint("case ", i+1), Stdin: fmt.Sprint(c.n), Stdout: c.want, Hidden: i%2 == 1})
	}
	step := opening.Step{Kind: opening.KindCode, Title: "FizzBuzz with cases", Points: 10, Code: &opening.CodeTask{
		Languages:   []opening.Language{opening.Python},
		Tests:       map[opening.Language]opening.CodeTests{opening.Python: {Visible: visible, Hidden: hidden}},
		IOCases:     cases,
		TimeLimitMS: fairTimeMS,
	}}
	return step, f.code + "\nif __name__ == '__main__':\n    print(fizz(int(input())))\n"
}

// slowCode never finishes: importing it or running it spins until the
// run's time limit. i makes each save different.
func slowCode(i int) string {
	return fmt.Sprintf("# save %d\nwhile True:\n    pass\n\ndef fizz(n):\n    return str(n)\n", i)
}

func fair(ctx context.Context, g *grader.Grader) ([]fairRound, error) {
	var out []fairRound
	for i := range fairRounds {
		for _, attack := range []bool{false, true} {
			r, err := fairOnce(ctx, g, attack, i)
			if err != nil {
				return nil, err
			}
			fmt.Printf("   round %d %-6s: graded %s, emailed %s, ran %s\n", i+1, r.name(), seconds(r.graded), seconds(r.emailed), seconds(r.ran))
			out = append(out, r)
		}
	}
	return out, nil
}

func (r fairRound) name() string {
	if r.attack {
		return "attack"
	}
	return "quiet"
}

func fairOnce(ctx context.Context, g *grader.Grader, attack bool, round int) (fairRound, error) {
	r := fairRound{attack: attack}
	w, err := newWorld(ctx, g, 0)
	if err != nil {
		return r, err
	}
	defer w.close()
	step, right := fairTask()
	iv, invs, err := w.interview(ctx, "Fair", []opening.Step{step}, 2)
	if err != nil {
		return r, err
	}
	stepID := iv.Steps[0].ID
	attacker, honest := invs[0], invs[1]
	start := time.Now()
	if attack {
		for i := range attackSaves {
			if i > 0 {
				time.Sleep(attackEvery)
			}
			if err := w.save(attacker.Token, stepID, grader.Python, slowCode(i)); err != nil {
				return r, err
			}
		}
	}

	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Go(func() {
		t0 := time.Now()
		if errs[0] = w.save(honest.Token, stepID, grader.Python, right); errs[0] == nil {
			errs[0] = w.pollUntil(ctx, `SELECT COUNT(*) FROM gradings WHERE application_id = $1 AND status IN ('done', 'error')`, honest.Application.ID)
		}
		r.graded = time.Since(t0)
		if errs[0] == nil {
			errs[0] = w.fullMarks(ctx, honest.Application.ID, stepID)
		}
	})
	wg.Go(func() {
		t0 := time.Now()
		to := fmt.Sprintf("new-%d-%d@bench.example", round, time.Now().UnixNano())
		if _, errs[1] = w.app.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: "New", Email: to}}); errs[1] == nil {
			errs[1] = w.pollUntil(ctx, `SELECT COUNT(*) FROM emails WHERE to_email = $1 AND status IN ('sent', 'kept')`, to)
		}
		r.emailed = time.Since(t0)
	})
	wg.Go(func() {
		t0 := time.Now()
		errs[2] = w.run(honest.Token, stepID, grader.Python, right)
		r.ran = time.Since(t0)
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return r, err
		}
	}
	if attack {
		if err := w.pollUntil(ctx, `SELECT COUNT(*) FROM gradings WHERE application_id = $1 AND status IN ('done', 'error')`, attacker.Application.ID); err != nil {
			return r, err
		}
		r.attacker = time.Since(start)
	}
	return r, nil
}

// fullMarks checks that a grading is done with every point.
func (w *world) fullMarks(ctx context.Context, appID, stepID int64) error {
	status, score, max, err := w.status(ctx, appID, stepID)
	if err == nil && (status != "done" || score != max || max == 0) {
		var msg string
		w.app.DB.QueryRow(ctx, `SELECT error || compile_error || tests FROM gradings WHERE application_id = $1 AND step_id = $2`, appID, stepID).Scan(&msg)
		err = fmt.Errorf("the right answer's grading: %s, %v of %v: %.500s", status, score, max, msg)
	}
	return err
}

// pollUntil polls a COUNT(*) query until it is positive, for up to 10
// minutes.
func (w *world) pollUntil(ctx context.Context, q string, args ...any) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var n int
		if err := w.app.DB.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still nothing after 10 minutes: %s", strings.Join(strings.Fields(q), " "))
		}
		time.Sleep(pollInterval)
	}
}

// run presses the candidate's Run button through the API and checks that
// the visible tests passed.
func (w *world) run(token string, stepID int64, lang grader.Language, code string) error {
	b, _ := json.Marshal(map[string]any{"step_id": stepID, "language": string(lang), "code": code})
	req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/candidate/runs", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		Tests []struct{ Passed, Hidden bool }
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil {
		return fmt.Errorf("POST run: %d %s", resp.StatusCode, body)
	}
	for _, t := range out.Tests {
		if !t.Passed && !t.Hidden {
			return fmt.Errorf("POST run: a visible test failed: %s", body)
		}
	}
	return nil
}
