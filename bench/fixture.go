package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/anyhour/anyhour/internal/blob/disk"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// fixture is one seeded database: an organisation with jobs, interviews
// and n applications, and a reviewer to list them as.
type fixture struct {
	db         *sqldb.DB
	dir        string // scratch directory: the SQLite file, the app's data dir
	accounts   *account.Service
	openings   *opening.Service
	interviews *application.Service
	reviews    *review.Service
	reviewer   account.Member
	jobs       []opening.Job
	ivs        []opening.Interview // ivs[i] belongs to jobs[i]
	perJob     []int               // applications per job
	numbered   map[int64]int       // applications numbered so far, by job id (Candidate N)
	seeded     time.Duration
	close      func()
}

// openDB makes an empty, migrated database of the dialect asked for: a
// file in a new temporary directory for SQLite, a new database on the
// server of adminURL for PostgreSQL. close removes it.
func openDB(ctx context.Context, dialect, adminURL string) (*sqldb.DB, string, func(), error) {
	dir, err := os.MkdirTemp("", "anyhour-bench-")
	if err != nil {
		return nil, "", nil, err
	}
	cleanups := []func(){func() { os.RemoveAll(dir) }}
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	dbURL := filepath.Join(dir, "anyhour.db")
	if dialect == "postgres" {
		if dbURL, err = createPostgres(ctx, adminURL, &cleanups); err != nil {
			cleanup()
			return nil, "", nil, err
		}
	}
	db, err := sqldb.Open(ctx, dbURL)
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return db, dir, cleanup, nil
}

// createPostgres creates anyhour_bench_<random> and registers its drop.
func createPostgres(ctx context.Context, adminURL string, cleanups *[]func()) (string, error) {
	admin, err := sqldb.Open(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("postgres admin connection (-pg): %w", err)
	}
	name := "anyhour_bench_" + randomHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", err
	}
	*cleanups = append(*cleanups, func() {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// newFixture seeds a fresh database with n applications over jobs jobs.
// The organisation, its members, jobs and interviews go through the
// services; candidates and applications, far too many for that, are
// bulk-inserted.
func newFixture(ctx context.Context, dialect, adminURL string, n, jobs int) (*fixture, error) {
	db, dir, cleanup, err := openDB(ctx, dialect, adminURL)
	if err != nil {
		return nil, err
	}
	f := &fixture{db: db, dir: dir, close: cleanup}
	blobs, err := disk.New(filepath.Join(dir, "blobs"))
	if err != nil {
		cleanup()
		return nil, err
	}
	svc := domain.New(db, blobs)
	f.accounts, f.openings, f.interviews, f.reviews = svc.Accounts, svc.Openings, svc.Applications, svc.Reviews
	start := time.Now()
	if err := f.setupOrg(ctx, jobs); err != nil {
		cleanup()
		return nil, err
	}
	if err := f.insertApplications(ctx, n); err != nil {
		cleanup()
		return nil, fmt.Errorf("bulk insert: %w", err)
	}
	// Bulk rows bypass the service, so rebuild the counts it keeps.
	if err := db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `DELETE FROM application_counts`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO application_counts (org_id, job_id, status, n)
			SELECT org_id, job_id, status, COUNT(*) FROM applications GROUP BY org_id, job_id, status`)
		return err
	}); err != nil {
		cleanup()
		return nil, fmt.Errorf("counts: %w", err)
	}
	// On Postgres, VACUUM also sets the visibility map, as autovacuum
	// would have on a live database, so index-only scans are possible.
	if _, err := db.Exec(ctx, db.Dialect.Pick("ANALYZE", "VACUUM ANALYZE")); err != nil {
		cleanup()
		return nil, err
	}
	f.seeded = time.Since(start)
	return f, nil
}

// setupOrg creates the organisation, a reviewer, and jobs with one
// interview each, through the services.
func (f *fixture) setupOrg(ctx context.Context, jobs int) error {
	_, owner, err := f.accounts.Setup(ctx, account.NewOrg{OrgName: "Bench Logistics", TimeZone: "Europe/Berlin",
		Name: "Bench Owner", Email: "owner@bench.example"})
	if err != nil {
		return err
	}
	secret, _, err := f.accounts.InviteMember(ctx, owner, "reviewer@bench.example", account.Reviewer)
	if err != nil {
		return err
	}
	if f.reviewer, err = f.accounts.AcceptInvite(ctx, secret, "Rita Reviewer", randomHex(12), account.Client{}); err != nil {
		return err
	}
	for i := 0; i < jobs; i++ {
		title := fmt.Sprintf("%s #%d", jobTitles[i%len(jobTitles)], i+1)
		j, err := f.openings.CreateJob(ctx, owner, opening.JobInput{Title: &title})
		if err != nil {
			return err
		}
		steps := []opening.Step{
			{Kind: opening.KindText, Title: "Tell us about yourself", MaxWords: 300, Minutes: 10},
			{Kind: opening.KindChoice, Title: "A quick question", Minutes: 2,
				Options: []opening.Option{{Text: "Yes", Correct: true}, {Text: "No"}}},
		}
		ivTitle := title + " interview"
		iv, err := f.openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &j.ID, Title: &ivTitle, Steps: &steps})
		if err != nil {
			return err
		}
		f.jobs = append(f.jobs, j)
		f.ivs = append(f.ivs, iv)
	}
	return nil
}

var jobTitles = []string{"Backend Engineer", "Warehouse Lead", "Data Analyst", "Product Designer", "Support Specialist",
	"Site Reliability Engineer", "Account Executive", "Robotics Technician", "QA Engineer", "Operations Planner"}
