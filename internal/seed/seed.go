// Package seed fills a database with an organisation's history in bulk,
// spread the skewed ways real data is: a large job opened long ago holding
// the oldest rows, one organisation with nine rows in ten, an organisation
// with a thousand jobs. The benchmark (make bench) times the lists on such
// worlds at 1k and 100k applications, and TestListPlansOnSkewedData checks
// on small ones that every list is read down the right index.
//
// Organisations and their members are made through the services; jobs,
// interviews, candidates, applications, messages, assignments and reviews,
// far too many for that, are inserted by multi-row INSERTs, with the
// per-job numbers, the team's names, the counts and the review marks the
// services would keep.
package seed

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Shape is how a world's applications are spread.
type Shape string

// The skewed shapes.
const (
	// OldJob: one organisation, 50 jobs; the first, the measured one,
	// holds the oldest 22% of the applications (it opened long ago and
	// drew crowds), the other 49 the rest, mixed.
	OldJob Shape = "old-job"
	// BigOrg: two organisations; the large one has 90% of the rows, the
	// small one the oldest 10%.
	BigOrg Shape = "big-org"
	// ManyJobs: one organisation with 1,000 jobs, a few popular (job k
	// draws in proportion to 1/k), mixed over time.
	ManyJobs Shape = "many-jobs"
)

// Shapes lists every shape, in the order reports show them.
var Shapes = []Shape{OldJob, BigOrg, ManyJobs}

// Active is how many of each organisation's newest applications are
// still moving (invited, started, submitted, waiting for a reply or a
// review); all older ones are settled. A larger world is a longer history
// of the same team, not more work in hand at once.
const Active = 300

// World is a seeded database.
type World struct {
	Shape Shape
	Apps  int   // applications in all
	Orgs  []Org // for BigOrg: the small organisation, then the large one
}

// Org is one seeded organisation.
type Org struct {
	ID       int64
	Name     string
	Owner    account.Member
	Reviewer account.Member   // reviewer role: lists are read as them, and reviews assigned to them
	Others   []account.Member // the other reviewers, who share the assignments
	Jobs     []Job            // the largest first (for OldJob, the old one)
	Apps     int
}

// Job is one seeded job and its interview.
type Job struct {
	ID, InterviewID int64
	Title           string
	Apps            int
}

// segment is a run of consecutive ids: count applications of organisation
// org over jobs (indexes into its Jobs), job k drawing weights[k].
type segment struct {
	org     int
	jobs    []int
	weights []float64
	count   int
}

// plan is a shape at a size: organisations (their number of jobs) and the
// segments that fill the ids, oldest first.
type plan struct {
	names    []string
	jobs     []int
	segments []segment
}

func planOf(shape Shape, n int) (plan, error) {
	switch shape {
	case OldJob:
		old := n * 22 / 100
		return plan{names: []string{"Old Job Logistics"}, jobs: []int{50}, segments: []segment{
			{org: 0, jobs: []int{0}, weights: []float64{1}, count: old},
			{org: 0, jobs: span(1, 50), weights: zipf(49), count: n - old},
		}}, nil
	case BigOrg:
		small := n / 10
		return plan{names: []string{"Small Early Co", "Big Hiring Corp"}, jobs: []int{20, 50}, segments: []segment{
			{org: 0, jobs: span(0, 20), weights: zipf(20), count: small},
			{org: 1, jobs: span(0, 50), weights: zipf(50), count: n - small},
		}}, nil
	case ManyJobs:
		return plan{names: []string{"Thousand Openings Ltd"}, jobs: []int{1000}, segments: []segment{
			{org: 0, jobs: span(0, 1000), weights: zipf(1000), count: n},
		}}, nil
	}
	return plan{}, fmt.Errorf("seed: unknown shape %q", shape)
}

// New seeds db, freshly migrated and empty, with n applications spread as
// shape says, as of now, then runs ANALYZE.
func New(ctx context.Context, db *sqldb.DB, svc domain.Services, shape Shape, n int, now time.Time) (*World, error) {
	p, err := planOf(shape, n)
	if err != nil {
		return nil, err
	}
	w := &World{Shape: shape, Apps: n}
	for i, name := range p.names {
		o, err := newOrg(ctx, db, svc, i, name, p.jobs[i], now)
		if err != nil {
			return nil, fmt.Errorf("seed: organisation %s: %w", name, err)
		}
		w.Orgs = append(w.Orgs, o)
	}
	rows := w.lay(p, now)
	if err := w.insert(ctx, db, rows); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := w.finish(ctx, db); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return w, nil
}

// newOrg makes organisation i, its owner and four reviewers through the
// services, and its jobs and interviews in bulk.
func newOrg(ctx context.Context, db *sqldb.DB, svc domain.Services, i int, name string, jobs int, now time.Time) (Org, error) {
	o := Org{Name: name}
	email := func(who string) string { return fmt.Sprintf("%s@org%d.seed.example", who, i+1) }
	token, err := svc.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: name, TimeZone: "Europe/Berlin", Name: "Olu Owner", Email: email("owner")})
	if err != nil {
		return o, err
	}
	if o.Owner, err = svc.Accounts.TokenMember(ctx, token); err != nil {
		return o, err
	}
	o.ID = o.Owner.OrgID
	for k, who := range []string{"Rita Reviewer", "Sam Second", "Tove Third", "Uri Fourth"} {
		secret, _, err := svc.Accounts.InviteMember(ctx, o.Owner, email(fmt.Sprintf("reviewer%d", k)), account.Reviewer)
		if err != nil {
			return o, err
		}
		m, err := svc.Accounts.AcceptInvite(ctx, secret, who, fmt.Sprintf("seeded password %d of %s", k, name), account.Client{})
		if err != nil {
			return o, err
		}
		if k == 0 {
			o.Reviewer = m
		} else {
			o.Others = append(o.Others, m)
		}
	}
	o.Jobs, err = insertJobs(ctx, db, o.ID, jobs, now)
	return o, err
}

// span is from, from+1, …, to-1.
func span(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// zipf weighs n jobs the way openings draw applications: the k-th most
// popular in proportion to 1/k.
func zipf(n int) []float64 {
	out := make([]float64, n)
	for k := range out {
		out[k] = 1 / float64(k+1)
	}
	return out
}

// shares splits count over weights, largest remainders aside: the first
// job takes what rounding leaves.
func shares(count int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	left := count
	for k := len(weights) - 1; k >= 1; k-- {
		out[k] = int(float64(count) * weights[k] / sum)
		left -= out[k]
	}
	out[0] = left
	return out
}

// newRand is the seed's one source of randomness: the same world every run.
func newRand() *mrand.Rand { return mrand.New(mrand.NewPCG(16, 6)) }
