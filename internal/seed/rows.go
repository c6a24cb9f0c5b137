package seed

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"
)

// history is how far back a world's first application goes, whatever its
// size: a larger world is a busier team.
const history = 180 * 24 * time.Hour

// appRow is one application to insert, and what hangs off it.
type appRow struct {
	org, job           int // indexes into World.Orgs and that org's Jobs
	name, email        string
	status, outcome    string
	invited, deadline  time.Time
	started, submitted *time.Time
	updated            time.Time
	score, maxScore    *float64
	thread, awaiting   bool      // a conversation; its last message is the candidate's, unanswered
	messageAt          time.Time // when the thread last moved
	reviewer           int       // -1: nobody assigned; else 0 (Org.Reviewer) or 1+ (Org.Others)
	reviewed           bool      // the assigned reviewer has reviewed it
	assignedAt, dueAt  time.Time
	reviewedAt         time.Time
	recommendation     string
	number             int   // in its job, from 1, in invitation order
	id, candidateID    int64 // once inserted
}

// lay decides every application: organisation and job from the plan's
// segments, mixed within each; times spread evenly over the history, ids
// growing with them; statuses by age within the organisation (see Active).
func (w *World) lay(p plan, now time.Time) []appRow {
	rng := newRand()
	var rows []appRow
	for _, s := range p.segments {
		var order []int
		for k, c := range shares(s.count, s.weights) {
			for i := 0; i < c; i++ {
				order = append(order, s.jobs[k])
			}
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, j := range order {
			rows = append(rows, appRow{org: s.org, job: j, reviewer: -1})
		}
	}
	first := now.Add(-history)
	step := history / time.Duration(max(len(rows), 1))
	newer := make([]int, len(w.Orgs))    // per organisation: applications newer than the one at hand
	assigned := make([]int, len(w.Orgs)) // per organisation: assignments so far, for turns
	for i := len(rows) - 1; i >= 0; i-- {
		r := &rows[i]
		r.invited = first.Add(time.Duration(i) * step)
		given, family := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		r.name = given + " " + family
		r.email = strings.ToLower(fmt.Sprintf("%s.%s.%d@seed.example", given, family, i))
		live(rng, r, newer[r.org] < Active, now)
		newer[r.org]++
		if r.submitted != nil && r.status != "withdrawn" {
			r.reviewer = assigned[r.org] % 4
			assigned[r.org]++
		}
	}
	numbered := map[[2]int]int{}
	for i := range rows {
		r := &rows[i]
		k := [2]int{r.org, r.job}
		numbered[k]++
		r.number = numbered[k]
		w.Orgs[r.org].Jobs[r.job].Apps++
		w.Orgs[r.org].Apps++
	}
	return rows
}

// live gives r its status, times, messages and review: an active
// application is in any state, a settled one mostly decided, withdrawn or
// expired, reviewed, its thread answered.
func live(rng *mrand.Rand, r *appRow, active bool, now time.Time) {
	r.deadline = r.invited.Add(7 * 24 * time.Hour)
	r.updated = r.invited
	later := func(t time.Time) time.Time { // a moment after t, before now
		gap := min(72*time.Hour, now.Sub(t)/3)
		return t.Add(time.Duration(rng.Float64() * float64(gap)))
	}
	p := rng.Float64()
	switch {
	case active && p < 0.30, !active && p < 0.15:
		r.status = "invited"
	case active && p < 0.45, !active && p < 0.20:
		r.status = "started"
	case active && p < 0.85, !active && p < 0.22:
		r.status = "submitted"
	case !active && p < 0.30:
		r.status = "withdrawn"
	default:
		r.status = "decided"
	}
	if r.status != "invited" {
		t := later(r.invited)
		r.started, r.updated = &t, t
	}
	if r.status == "submitted" || r.status == "decided" || (r.status == "withdrawn" && rng.IntN(2) == 0) {
		t := later(*r.started)
		score, maxScore := float64(rng.IntN(4)), 3.0
		r.submitted, r.updated, r.score, r.maxScore = &t, t, &score, &maxScore
	}
	if r.status == "decided" {
		q := rng.Float64()
		switch {
		case active && q < 0.5, !active && q < 0.08:
			r.outcome = "hold"
		case active && q < 0.8, !active && q < 0.30:
			r.outcome = "advance"
		default:
			r.outcome = "reject"
		}
		r.updated = later(r.updated)
	}
	if r.submitted != nil {
		r.assignedAt = *r.submitted
		r.dueAt = r.assignedAt.Add(24 * time.Hour)
		// Pending: the active ones still submitted, and on hold. Settled
		// ones were reviewed, but for one in twenty decided without it.
		switch {
		case active:
			r.reviewed = r.status == "decided" && r.outcome != "hold"
		default:
			r.reviewed = r.status != "decided" || rng.Float64() >= 0.05
		}
		if r.reviewed {
			r.reviewedAt = later(r.assignedAt)
			r.recommendation = recommendations[rng.IntN(len(recommendations))]
			r.updated = maxTime(r.updated, r.reviewedAt)
		}
	}
	if active && rng.Float64() < 0.30 || !active && rng.Float64() < 0.10 {
		r.thread = true
		r.messageAt = later(r.updated)
		r.awaiting = active && r.status != "withdrawn" && rng.IntN(2) == 0
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

var recommendations = []string{"strong_no", "no", "yes", "strong_yes"}

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
