package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// batchRows is how many rows one INSERT carries: 500 applications bind
// 8,500 parameters, well under SQLite's 32,766 and Postgres' 65,535.
const batchRows = 500

// txRows is how many rows one transaction inserts.
const txRows = 10_000

// jobShares splits n applications over jobs the way real openings
// attract them: a few popular jobs get most (a Zipf distribution, job k
// getting a share proportional to 1/k). Job 0, the one measured, gets
// about 22% with 50 jobs: 222 applications at 1k, 22,000 at 100k, so its
// first page is full at every size.
func jobShares(n, jobs int) []int {
	h := 0.0
	for k := 1; k <= jobs; k++ {
		h += 1 / float64(k)
	}
	out := make([]int, jobs)
	left := n
	for k := jobs - 1; k >= 1; k-- {
		out[k] = int(float64(n) / float64(k+1) / h)
		left -= out[k]
	}
	out[0] = left
	return out
}

// appRow is one application to insert.
type appRow struct {
	job                        int
	name, email, status        string
	invited, deadline, updated time.Time
	started, submitted         *time.Time
	score, maxScore            *float64
	reviews                    int
}

// insertApplications bulk-inserts n candidates, one application each,
// spread over the fixture's jobs, with ids growing with invitation time
// as they would in a live system.
func (f *fixture) insertApplications(ctx context.Context, n int) error {
	f.perJob = jobShares(n, len(f.jobs))
	var order []int
	for j, c := range f.perJob {
		for i := 0; i < c; i++ {
			order = append(order, j)
		}
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	now := time.Now().UTC()
	first := now.Add(-180 * 24 * time.Hour)
	step := 180 * 24 * time.Hour / time.Duration(max(n, 1))
	for lo := 0; lo < n; lo += txRows {
		hi := min(lo+txRows, n)
		rows := make([]appRow, 0, hi-lo)
		for i := lo; i < hi; i++ {
			rows = append(rows, makeRow(rng, i, order[i], first.Add(time.Duration(i)*step), now))
		}
		err := f.db.Transact(ctx, func(tx *sqldb.DB) error {
			for b := 0; b < len(rows); b += batchRows {
				if err := f.insertBatch(ctx, tx, rows[b:min(b+batchRows, len(rows))]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// makeRow invents application i: a quarter invited, a sixth started, the
// rest submitted, and of those about a third decided.
func makeRow(rng *mrand.Rand, i, job int, invited, now time.Time) appRow {
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	r := appRow{job: job, name: first + " " + last, invited: invited, deadline: invited.Add(7 * 24 * time.Hour),
		email: strings.ToLower(fmt.Sprintf("%s.%s.%d@bench.example", first, last, i))}
	r.updated = invited
	p := rng.Float64()
	switch {
	case p < 0.25:
		r.status = "invited"
		return r
	case p < 0.40:
		r.status = "started"
	case p < 0.80:
		r.status = "submitted"
	default:
		r.status = "decided"
	}
	started := invited.Add(time.Duration(rng.IntN(72)) * time.Hour)
	r.started, r.updated = &started, started
	if r.status == "started" {
		return r
	}
	submitted := started.Add(time.Duration(20+rng.IntN(60)) * time.Minute)
	score, maxScore := float64(rng.IntN(4)), 3.0
	r.submitted, r.updated, r.score, r.maxScore = &submitted, submitted, &score, &maxScore
	r.reviews = rng.IntN(3)
	if r.status == "decided" {
		r.reviews++
	}
	return r
}

// insertBatch inserts one batch of candidates, then their applications.
func (f *fixture) insertBatch(ctx context.Context, tx *sqldb.DB, rows []appRow) error {
	var q strings.Builder
	var args []any
	ph := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	orgID := f.reviewer.OrgID
	q.WriteString(`INSERT INTO candidates (org_id, name, email, created_at) VALUES `)
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "(%s, %s, %s, %s)", ph(orgID), ph(r.name), ph(r.email), ph(r.invited))
	}
	q.WriteString(` RETURNING id, email`)
	ids, err := candidateIDs(ctx, tx, q.String(), args)
	if err != nil {
		return err
	}

	q.Reset()
	args = args[:0]
	q.WriteString(`INSERT INTO applications (org_id, job_id, interview_id, candidate_id, candidate_name, status, token_hash,
		invited_at, deadline_at, started_at, submitted_at, score, max_score, review_count, updated_at, candidate_number, team_name) VALUES `)
	if f.numbered == nil {
		f.numbered = map[int64]int{}
	}
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		iv := f.ivs[r.job]
		// Numbered in each job as invitations number them.
		f.numbered[iv.JobID]++
		fmt.Fprintf(&q, "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
			ph(orgID), ph(iv.JobID), ph(iv.ID), ph(ids[r.email]), ph(r.name), ph(r.status), ph(randomHex(32)),
			ph(r.invited), ph(r.deadline), ph(r.started), ph(r.submitted), ph(r.score), ph(r.maxScore), ph(r.reviews), ph(r.updated),
			ph(f.numbered[iv.JobID]), ph(r.name))
	}
	if _, err = tx.Exec(ctx, q.String(), args...); err != nil {
		return err
	}
	for jobID, n := range f.numbered {
		if _, err := tx.Exec(ctx, `UPDATE jobs SET candidates_numbered = $1 WHERE id = $2`, n, jobID); err != nil {
			return err
		}
	}
	return nil
}

// candidateIDs runs a multi-row INSERT … RETURNING id, email and maps the
// emails to the new ids (the order of RETURNING rows is not promised).
func candidateIDs(ctx context.Context, tx *sqldb.DB, q string, args []any) (map[string]int64, error) {
	rs, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	ids := map[string]int64{}
	for rs.Next() {
		var id int64
		var email string
		if err := rs.Scan(&id, &email); err != nil {
			return nil, err
		}
		ids[email] = id
	}
	return ids, rs.Err()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var firstNames = []string{"Ada", "Amara", "Aiko", "Ahmed", "Ana", "Arjun", "Beatriz", "Bilal", "Chen", "Chiara",
	"Daniel", "Dmitri", "Elif", "Emeka", "Fatima", "Felix", "Grace", "Hana", "Hiroshi", "Ines", "Ivan", "Jamal",
	"Jana", "Joao", "Kwame", "Leila", "Lena", "Lucas", "Maja", "Mateo", "Mei", "Nadia", "Nikhil", "Noor", "Olga",
	"Omar", "Priya", "Rafael", "Rosa", "Samuel", "Sofia", "Tariq", "Tomasz", "Uma", "Valentina", "Wei", "Yara",
	"Yusuf", "Zainab", "Zoe"}

var lastNames = []string{"Abebe", "Adeyemi", "Ahmed", "Andersen", "Becker", "Bello", "Chen", "Cohen", "Costa",
	"Dubois", "Eriksson", "Fernandez", "Garcia", "Haddad", "Hoffmann", "Hughes", "Ivanova", "Jensen", "Kim",
	"Kowalski", "Kumar", "Lindqvist", "Martin", "Mensah", "Moreau", "Nakamura", "Nguyen", "Novak", "Okafor",
	"Olsen", "Park", "Patel", "Petrov", "Popescu", "Rahman", "Rossi", "Santos", "Schmidt", "Silva", "Singh",
	"Tanaka", "Tran", "Usman", "Virtanen", "Wang", "Weber", "Wojcik", "Yilmaz", "Zhang", "Zhou"}
