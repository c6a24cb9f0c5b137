package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
)

// world is anyhour over SQLite in a temporary directory, served on
// loopback, with an organisation and a job, its worker running.
type world struct {
	dir   string
	app   *app.App
	srv   *httptest.Server
	owner account.Member
	jobID int64
	stop  func()
}

// newWorld opens anyhour with workers background tasks at once (0: one
// per core) and grader g, and starts its worker.
func newWorld(ctx context.Context, g *grader.Grader, workers int) (*world, error) {
	dir, err := os.MkdirTemp("", "anyhour-bench-grading-")
	if err != nil {
		return nil, err
	}
	a, err := app.Open(ctx, app.Config{DataDir: dir, Workers: workers}, slog.New(slog.DiscardHandler))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	a.Gradings.SetGrader(g, nil)
	w := &world{dir: dir, app: a, srv: httptest.NewServer(a.Handler())}
	token, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Bench Grading", Email: "owner@bench.example"})
	if err == nil {
		w.owner, err = a.Accounts.TokenMember(ctx, token)
	}
	if err == nil {
		title := "Engineer"
		var job opening.Job
		job, err = a.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: &title})
		w.jobID = job.ID
	}
	if err != nil {
		w.close()
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { a.Worker().Run(wctx); close(done) }()
	w.stop = func() { cancel(); <-done }
	return w, nil
}

func (w *world) close() {
	if w.stop != nil {
		w.stop()
	}
	w.srv.Close()
	w.app.Close()
	os.RemoveAll(w.dir)
}

// interview creates an interview of steps and invites n candidates.
func (w *world) interview(ctx context.Context, title string, steps []opening.Step, n int) (opening.Interview, []application.Invitation, error) {
	iv, err := w.app.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &w.jobID, Title: &title, Steps: &steps})
	if err != nil {
		return iv, nil, err
	}
	// The team's reference solutions are taken as passed: what is measured
	// here is the grading of candidates.
	if err := openingtest.CheckAll(ctx, w.app.Openings, w.owner, iv); err != nil {
		return iv, nil, err
	}
	people := make([]application.NewCandidate, n)
	for i := range people {
		people[i] = application.NewCandidate{Name: fmt.Sprintf("Candidate %d", i+1), Email: fmt.Sprintf("iv%d-c%d@bench.example", iv.ID, i+1)}
	}
	res, err := w.app.Applications.Invite(ctx, w.owner, iv.ID, people)
	if err == nil && len(res.Invitations) != n {
		err = fmt.Errorf("invited %d of %d candidates", len(res.Invitations), n)
	}
	return iv, res.Invitations, err
}

// save PUTs code as the candidate's answer to a step through the API.
func (w *world) save(token string, stepID int64, lang grader.Language, code string) error {
	b, _ := json.Marshal(map[string]string{"language": string(lang), "code": code})
	req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/candidate/answers/%d", w.srv.URL, stepID), bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT answer: %d %s", resp.StatusCode, body)
	}
	return nil
}

// waitDone polls until n gradings of the given applications' steps are
// finished (done or error), or timeout.
func (w *world) waitDone(ctx context.Context, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var finished int
		if err := w.app.DB.QueryRow(ctx, `SELECT COUNT(*) FROM gradings WHERE status IN ('done', 'error')`).Scan(&finished); err != nil {
			return err
		}
		if finished >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d gradings finished after %s", finished, n, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// status is a grading's status and score, read from the database.
func (w *world) status(ctx context.Context, appID, stepID int64) (status string, score, max float64, err error) {
	var s, m *float64
	err = w.app.DB.QueryRow(ctx, `SELECT status, score, max_score FROM gradings WHERE application_id = $1 AND step_id = $2`, appID, stepID).Scan(&status, &s, &m)
	if s != nil {
		score = *s
	}
	if m != nil {
		max = *m
	}
	return status, score, max, err
}
