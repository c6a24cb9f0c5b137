package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/anyhour/anyhour/internal/application"
)

// result is the timing of one measurement on one database and size.
type result struct {
	median, p95 time.Duration
	skipped     string // why it was not measured, if it was not
}

// measurement is one thing timed: run performs it once.
type measurement struct {
	name string
	run  func(ctx context.Context) error
	// unlike, when set, says why the sizes' figures are not held to the
	// 2x goal: they do not measure the same amount of work.
	unlike string
}

// errSkip says a measurement cannot run here, and why.
type errSkip struct{ reason string }

func (e errSkip) Error() string { return e.reason }

// timeIt runs m warm times untimed (caches, prepared statements, pools),
// then n times timed.
func timeIt(ctx context.Context, m measurement, warm, n int) result {
	for i := 0; i < warm; i++ {
		if err := m.run(ctx); err != nil {
			var skip errSkip
			if errors.As(err, &skip) {
				return result{skipped: skip.reason}
			}
			return result{skipped: "error: " + err.Error()}
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if err := m.run(ctx); err != nil {
			return result{skipped: "error: " + err.Error()}
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return result{median: d[len(d)/2], p95: d[(len(d)*95+99)/100-1]}
}

// deepPage is how many pages into the list (c) goes.
const deepPage = 20

// smallJob explains the smallest job's figures: what they show is that a
// full page of a small job costs what one of the biggest job does, (a).
const smallJob = "not comparable: a few rows at 1k, a full page at 100k; compare with (a) at 100k"

// domainMeasurements are the list calls a reviewer makes, timed on the
// domain service directly: job 0 is the biggest job.
func domainMeasurements(ctx context.Context, f *fixture) []measurement {
	job := f.jobs[0].ID
	list := func(filter application.Filter) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			page, err := f.interviews.Applications(ctx, f.reviewer, filter)
			if err == nil && len(page.Items) == 0 {
				err = errors.New("empty page")
			}
			return err
		}
	}
	// The deep page is one of the organisation's whole list: at 1k, no
	// single job has 20 pages, but the organisation has exactly 20.
	var deep func(context.Context) error
	if cursor, err := f.cursorAt(ctx, application.Filter{}, deepPage); err != nil {
		deep = func(context.Context) error { return errSkip{err.Error()} }
	} else {
		deep = list(application.Filter{Cursor: cursor})
	}
	return []measurement{
		{name: "(a) job list, first page (newest)", run: list(application.Filter{JobID: job})},
		{name: "(b) job list, status submitted", run: list(application.Filter{JobID: job, Status: application.Submitted})},
		{name: fmt.Sprintf("(c) whole list, page %d by cursor", deepPage), run: deep},
		{name: "(d) job list, sorted by name", run: list(application.Filter{JobID: job, Sort: application.ByName})},
		// The smallest job: a plan that walks all applications by id and
		// filters by job is cheap for the biggest job and ruinous here.
		{name: "(a') smallest job's list, first page", run: list(application.Filter{JobID: f.jobs[len(f.jobs)-1].ID}), unlike: smallJob},
		{name: "(b') smallest job's list, status submitted", run: list(application.Filter{JobID: f.jobs[len(f.jobs)-1].ID, Status: application.Submitted}), unlike: smallJob},
	}
}

// countsMeasurements time the per-status counts: not lists, but the job
// page (f) shows CountsForJob in its tabs, and the dashboard and
// GET /api/v1/jobs call CountsByJob, so they explain what pages cost.
func countsMeasurements(f *fixture) []measurement {
	return []measurement{
		{name: "(g) CountsForJob, the job page's tab counts", run: func(ctx context.Context) error {
			_, err := f.interviews.CountsForJob(ctx, f.reviewer, f.jobs[0].ID)
			return err
		}},
		{name: "(h) CountsByJob, the dashboard's counts", run: func(ctx context.Context) error {
			_, err := f.interviews.CountsByJob(ctx, f.reviewer)
			return err
		}},
	}
}

// cursorAt follows Next cursors of filter's list to page n and returns
// the cursor that fetches it.
func (f *fixture) cursorAt(ctx context.Context, filter application.Filter, n int) (string, error) {
	for page := 1; page < n; page++ {
		p, err := f.interviews.Applications(ctx, f.reviewer, filter)
		if err != nil {
			return "", err
		}
		if p.Next == "" {
			return "", fmt.Errorf("the list ends at page %d, before page %d", page, n)
		}
		filter.Cursor = p.Next
	}
	return filter.Cursor, nil
}
