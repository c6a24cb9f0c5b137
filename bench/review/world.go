package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/blob/disk"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// jobs is how many jobs the applications are spread over.
const jobs = 10

// world is one seeded database: an organisation with an owner and a
// reviewer, jobs with an interview each, and n applications with their
// candidates' texts.
type world struct {
	db       *sqldb.DB
	svc      domain.Services
	owner    account.Member
	reviewer account.Member
	jobs     []opening.Job
	n        int
	texts    int           // rows in the search index
	name     string        // one candidate's name, to search for
	email    string        // and their email
	common   string        // the most frequent word of the texts
	seeded   time.Duration // how long seeding took
	url      string        // where the database is
	close    func()
}

// seed makes a fresh database of dialect and fills it with n applications.
// The organisation, members, jobs and interviews go through the services;
// candidates, applications and their texts, far too many for that, are
// bulk-inserted (texts straight into search_docs, as the hooks would
// write them: the search reads no other table of answers or messages).
func seed(ctx context.Context, dialect, pg string, n int) (*world, error) {
	db, dir, dbURL, cleanup, err := openDB(ctx, dialect, pg)
	if err != nil {
		return nil, err
	}
	w := &world{db: db, n: n, close: cleanup, url: dbURL}
	blobs, err := disk.New(filepath.Join(dir, "blobs"))
	if err != nil {
		cleanup()
		return nil, err
	}
	w.svc = domain.New(db, blobs)
	start := time.Now()
	if err := w.setupOrg(ctx); err != nil {
		cleanup()
		return nil, err
	}
	if err := w.insertApplications(ctx); err != nil {
		cleanup()
		return nil, fmt.Errorf("bulk insert: %w", err)
	}
	if _, err := db.Exec(ctx, db.Dialect.Pick("ANALYZE", "VACUUM ANALYZE")); err != nil {
		cleanup()
		return nil, err
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM search_docs`).Scan(&w.texts); err != nil {
		cleanup()
		return nil, err
	}
	w.seeded = time.Since(start)
	return w, nil
}

func (w *world) setupOrg(ctx context.Context) error {
	var err error
	if _, w.owner, err = w.svc.Accounts.Setup(ctx, account.NewOrg{OrgName: "Bench Logistics", TimeZone: "Europe/Berlin",
		Name: "Bench Owner", Email: "owner@bench.example"}); err != nil {
		return err
	}
	secret, _, err := w.svc.Accounts.InviteMember(ctx, w.owner, "reviewer@bench.example", account.Reviewer)
	if err != nil {
		return err
	}
	if w.reviewer, err = w.svc.Accounts.AcceptInvite(ctx, secret, "Rita Reviewer", randomHex(12), account.Client{}); err != nil {
		return err
	}
	for i := 0; i < jobs; i++ {
		title := fmt.Sprintf("Engineer #%d", i+1)
		j, err := w.svc.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: &title})
		if err != nil {
			return err
		}
		ivTitle := "Screen"
		steps := []opening.Step{{Kind: opening.KindText, Title: "About you"}, {Kind: opening.KindText, Title: "A design"}}
		if _, err := w.svc.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &j.ID, Title: &ivTitle, Steps: &steps}); err != nil {
			return err
		}
		w.jobs = append(w.jobs, j)
	}
	return nil
}

// openDB makes an empty, migrated database: a file in a new temporary
// directory for SQLite, a new database on the server of adminURL for
// PostgreSQL. close removes it.
func openDB(ctx context.Context, dialect, adminURL string) (_ *sqldb.DB, dir, dbURL string, close func(), err error) {
	dir, err = os.MkdirTemp("", "anyhour-bench-review-")
	if err != nil {
		return nil, "", "", nil, err
	}
	cleanups := []func(){func() { os.RemoveAll(dir) }}
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	dbURL = filepath.Join(dir, "anyhour.db")
	if dialect == "postgres" {
		admin, err := sqldb.Open(ctx, adminURL)
		if err != nil {
			cleanup()
			return nil, "", "", nil, fmt.Errorf("postgres admin connection (-pg): %w", err)
		}
		name := "anyhour_bench_" + randomHex(6)
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close()
			cleanup()
			return nil, "", "", nil, err
		}
		cleanups = append(cleanups, func() {
			admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			admin.Close()
		})
		u, err := url.Parse(adminURL)
		if err != nil {
			cleanup()
			return nil, "", "", nil, err
		}
		u.Path = "/" + name
		dbURL = u.String()
	}
	db, err := sqldb.Open(ctx, dbURL)
	if err != nil {
		cleanup()
		return nil, "", "", nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		cleanup()
		return nil, "", "", nil, err
	}
	return db, dir, dbURL, cleanup, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// batch is how many applications one round of INSERTs carries.
const batch = 500

// insertApplications bulk-inserts the candidates, their applications and
// their texts, a transaction per 10 batches.
func (w *world) insertApplications(ctx context.Context) error {
	rng := mrand.New(mrand.NewPCG(1, 2))
	tg := newTexter(rng)
	w.common = tg.common()
	now := time.Now().UTC().Truncate(time.Second)
	first := now.Add(-180 * 24 * time.Hour)
	step := 180 * 24 * time.Hour / time.Duration(max(w.n, 1))
	// rarePick chooses which applications hold the rare word: the same
	// number at every size.
	rareEvery := max(w.n/rareApps, 1)
	for lo := 0; lo < w.n; lo += 10 * batch {
		err := w.db.Transact(ctx, func(tx *sqldb.DB) error {
			for b := lo; b < min(lo+10*batch, w.n); b += batch {
				var apps []appRow
				for i := b; i < min(b+batch, w.n); i++ {
					a := makeApp(rng, tg, i, first.Add(time.Duration(i)*step), i%rareEvery == 0 && i/rareEvery < rareApps)
					if i == w.n/2 {
						w.name, w.email = a.name, a.email
					}
					apps = append(apps, a)
				}
				if err := w.insertBatch(ctx, tx, apps); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// The jobs count the numbers given out, as invitations keep them.
	_, err := w.db.Exec(ctx, `UPDATE jobs SET candidates_numbered = (SELECT COUNT(*) FROM applications a WHERE a.job_id = jobs.id)
		WHERE org_id = $1`, w.owner.OrgID)
	return err
}

// appRow is one application and its texts.
type appRow struct {
	job                 int
	number              int // in its job, from 1, as invitations number them (blind review)
	name, email, status string
	invited             time.Time
	submitted           *time.Time
	texts               []textRow
}

type textRow struct {
	kind string
	ref  int64
	body string
	at   time.Time
}

func makeApp(rng *mrand.Rand, tg *texter, i int, invited time.Time, rare bool) appRow {
	firstName, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
	a := appRow{job: i % jobs, number: i/jobs + 1, name: firstName + " " + last, invited: invited,
		email: strings.ToLower(fmt.Sprintf("%s.%s.%d@bench.example", firstName, last, i))}
	a.texts = append(a.texts, textRow{kind: "candidate", body: a.name + " <" + a.email + ">", at: invited})
	p := rng.Float64()
	switch {
	case p < 0.25:
		a.status = "invited"
	case p < 0.40:
		a.status = "started"
	case p < 0.80:
		a.status = "submitted"
	default:
		a.status = "decided"
	}
	if a.status == "submitted" || a.status == "decided" {
		at := invited.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
		a.submitted = &at
		for s := 1; s <= 2; s++ {
			a.texts = append(a.texts, textRow{kind: "answer", ref: int64(s), body: tg.text(40 + rng.IntN(120)), at: at})
		}
		a.texts = append(a.texts, textRow{kind: "code", ref: 3, body: tg.code(10 + rng.IntN(30)), at: at})
	}
	for m := 0; m < rng.IntN(4); m++ {
		kind := "message"
		if rng.IntN(3) == 0 {
			kind = "note"
		}
		a.texts = append(a.texts, textRow{kind: kind, ref: int64(m + 1), body: tg.text(10 + rng.IntN(40)),
			at: invited.Add(time.Duration(m+1) * 24 * time.Hour)})
	}
	if rare {
		t := &a.texts[len(a.texts)-1]
		t.body += " " + rareWord
	}
	if rng.IntN(100) == 0 {
		t := &a.texts[len(a.texts)-1]
		t.body += " " + uncommonWord
	}
	return a
}

func (w *world) insertBatch(ctx context.Context, tx *sqldb.DB, apps []appRow) error {
	orgID := w.owner.OrgID
	var q strings.Builder
	var args []any
	ph := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	q.WriteString(`INSERT INTO candidates (org_id, name, email, created_at) VALUES `)
	for i, a := range apps {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "(%s, %s, %s, %s)", ph(orgID), ph(a.name), ph(a.email), ph(a.invited))
	}
	q.WriteString(` RETURNING id, email`)
	cands, err := pairs(ctx, tx, q.String(), args)
	if err != nil {
		return err
	}
	q.Reset()
	args = args[:0]
	ivs, err := w.interviews(ctx, tx)
	if err != nil {
		return err
	}
	q.WriteString(`INSERT INTO applications (org_id, job_id, interview_id, candidate_id, candidate_name, team_name, candidate_number,
		status, token_hash, invited_at, deadline_at, started_at, submitted_at, updated_at) VALUES `)
	for i, a := range apps {
		if i > 0 {
			q.WriteString(", ")
		}
		var started *time.Time
		if a.submitted != nil || a.status == "started" {
			started = &a.invited
		}
		job := w.jobs[a.job]
		fmt.Fprintf(&q, "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", ph(orgID), ph(job.ID), ph(ivs[job.ID]), ph(cands[a.email]),
			ph(a.name), ph(a.name), ph(a.number), ph(a.status), ph(randomHex(32)), ph(a.invited), ph(a.invited.Add(7*24*time.Hour)), ph(started), ph(a.submitted), ph(a.invited))
	}
	q.WriteString(` RETURNING id, candidate_id`)
	rows, err := tx.Query(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	appOf := map[int64]int64{} // candidate id → application id
	for rows.Next() {
		var id, cand int64
		if err := rows.Scan(&id, &cand); err != nil {
			rows.Close()
			return err
		}
		appOf[cand] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// The texts, 1,000 rows a statement.
	q.Reset()
	args = args[:0]
	rowsIn := 0
	flush := func() error {
		if rowsIn == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, q.String(), args...)
		q.Reset()
		args = args[:0]
		rowsIn = 0
		return err
	}
	for _, a := range apps {
		cand := cands[a.email]
		for _, t := range a.texts {
			if rowsIn == 0 {
				q.WriteString(`INSERT INTO search_docs (org_id, application_id, kind, ref_id, body, created_at) VALUES `)
			} else {
				q.WriteString(", ")
			}
			ref := t.ref
			if t.kind == "candidate" {
				ref = cand
			}
			fmt.Fprintf(&q, "(%s, %s, %s, %s, %s, %s)", ph(orgID), ph(appOf[cand]), ph(t.kind), ph(ref), ph(t.body), ph(t.at))
			if rowsIn++; rowsIn == 1000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// interviews maps each job to its interview.
func (w *world) interviews(ctx context.Context, tx *sqldb.DB) (map[int64]int64, error) {
	rows, err := tx.Query(ctx, `SELECT job_id, id FROM interviews WHERE org_id = $1`, w.owner.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var job, id int64
		if err := rows.Scan(&job, &id); err != nil {
			return nil, err
		}
		out[job] = id
	}
	return out, rows.Err()
}

// pairs runs an INSERT … RETURNING id, email and maps emails to ids.
func pairs(ctx context.Context, tx *sqldb.DB, q string, args []any) (map[string]int64, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		out[email] = id
	}
	return out, rows.Err()
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
