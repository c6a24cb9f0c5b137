package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// KindDigest is a team member's daily summary.
const KindDigest = "digest"

// The digest goes out once a day, in the member's morning: the first
// tick at or after digestHour on one of the team's working days, in the
// member's zone (or the team's). Ticks come every tickEvery.
const (
	digestHour = 8
	tickEvery  = 15 * time.Minute
	tickKind   = "digest.tick"
	// undecidedAfter is when a submission without a decision becomes a
	// reminder in the digest.
	undecidedAfter = 3 * 24 * time.Hour
	digestList     = 10
)

// Digests sends team members their daily digest: new submissions,
// candidates waiting for a reply, and submissions waiting too long for a
// decision; nothing on a day with nothing to say.
type Digests struct {
	n    *Notifier
	db   *sqldb.DB
	base string // the installation's URL, for links to the inbox
	now  func() time.Time
	log  *slog.Logger
}

// SetLogger sets where failed digests are logged.
func (d *Digests) SetLogger(l *slog.Logger) { d.log = l }

// NewDigests returns the digest sender over the services n uses.
func newDigests(n *Notifier, db *sqldb.DB) *Digests {
	return &Digests{n: n, db: db, now: time.Now, log: slog.New(slog.DiscardHandler)}
}

// SetBaseURL sets the address links in digests, and in emails to team
// members about their account, start with.
func (d *Digests) SetBaseURL(u string) { d.base = strings.TrimRight(u, "/") }

// SetClock replaces the clock, for tests.
func (d *Digests) SetClock(now func() time.Time) { d.now = now }

// RegisterTasks adds the digest's tick to w.
func (d *Digests) RegisterTasks(w *queue.Worker) { w.Handle(tickKind, d.tick) }

// EnsureTicking queues the first tick unless one is already waiting or
// running; each tick queues the next. Call it when a worker starts.
func (d *Digests) EnsureTicking(ctx context.Context) error {
	return d.db.Transact(ctx, func(tx *sqldb.DB) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE kind = $1 AND status IN ('pending', 'running')`, tickKind).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := queue.Enqueue(ctx, tx, tickKind, struct{}{})
		return err
	})
}

// tick sends the digests due and queues the next tick, whatever
// happened: a failure must not stop tomorrow's digests.
func (d *Digests) tick(ctx context.Context, _ queue.Task) error {
	_, err := queue.Enqueue(ctx, d.db, tickKind, struct{}{}, queue.Delay(tickEvery))
	if err != nil {
		return err
	}
	if err := d.Send(ctx); err != nil {
		d.log.Error("daily digests", slog.String("error", err.Error()))
	}
	return nil
}

// Send sends the digests due now. A member whose digest fails is
// skipped, not the members after them; the first error is returned.
func (d *Digests) Send(ctx context.Context) error {
	now := d.now()
	notSince := now.Add(-20 * time.Hour)
	due, err := d.n.accounts.DigestDue(ctx, notSince, func(m account.Member, org account.Org) bool {
		h := m.Hours(org)
		local := now.In(h.Location())
		return h.Days[local.Weekday()] && local.Hour() >= digestHour && local.Hour() < digestHour+4
	})
	if err != nil {
		return err
	}
	var first error
	for _, m := range due {
		if err := d.sendOne(ctx, m, now, notSince); err != nil && first == nil {
			first = fmt.Errorf("digest for member %d: %w", m.ID, err)
		}
	}
	return first
}

func (d *Digests) sendOne(ctx context.Context, m account.Member, now, notSince time.Time) error {
	org, err := d.n.accounts.Org(ctx, m.OrgID)
	if err != nil {
		return err
	}
	loc := m.Hours(org).Location()
	var sections []string

	submitted, err := d.n.applications.SubmittedSince(ctx, m, now.Add(-24*time.Hour), digestList+1)
	if err != nil {
		return err
	}
	if len(submitted) > 0 {
		var lines []string
		for i, a := range submitted {
			if i == digestList {
				lines = append(lines, "- and more")
				break
			}
			lines = append(lines, fmt.Sprintf("- %s, %s", a.Candidate.Name, a.SubmittedAt.In(loc).Format("Mon 15:04")))
		}
		sections = append(sections, fmt.Sprintf("Submitted since yesterday (%s):\n%s", count(len(submitted), digestList), strings.Join(lines, "\n")))
	}

	threads, err := d.n.messages.Inbox(ctx, m)
	if err != nil {
		return err
	}
	var waiting []string
	for _, t := range threads {
		if t.WaitingSince == nil {
			continue
		}
		note := ""
		if t.Overdue(now, org.Work) {
			note = ", past the one-working-day target"
		}
		waiting = append(waiting, fmt.Sprintf("- %s (%s), waiting since %s%s", t.CandidateName, t.JobTitle, t.WaitingSince.In(loc).Format("Mon 15:04"), note))
	}
	if len(waiting) > 0 {
		if len(waiting) > digestList {
			waiting = append(waiting[:digestList], "- and more")
		}
		sections = append(sections, "Candidates waiting for a reply:\n"+strings.Join(waiting, "\n"))
	}

	reviews, section, err := d.reviewsWaiting(ctx, m, now, loc)
	if err != nil {
		return err
	}
	if reviews > 0 {
		sections = append(sections, section)
	}

	undecided, err := d.n.applications.SubmittedBefore(ctx, m, now.Add(-undecidedAfter), digestList+1)
	if err != nil {
		return err
	}
	if len(undecided) > 0 {
		var lines []string
		for i, a := range undecided {
			if i == digestList {
				lines = append(lines, "- and more")
				break
			}
			lines = append(lines, fmt.Sprintf("- %s, submitted %s", a.Candidate.Name, a.SubmittedAt.In(loc).Format("Mon 2 Jan")))
		}
		sections = append(sections, fmt.Sprintf("Waiting more than three days for a review and a decision:\n%s", strings.Join(lines, "\n")))
	}
	if len(sections) == 0 {
		// Nothing to say today; still today's digest.
		return d.db.Transact(ctx, func(tx *sqldb.DB) error {
			_, err := account.ClaimDigest(ctx, tx, m, notSince, now)
			return err
		})
	}
	action := &outbox.Action{Label: "Open the inbox", URL: d.base + "/inbox"}
	if len(submitted) == 0 && len(waiting) == 0 && len(undecided) == 0 {
		action = &outbox.Action{Label: "Open my reviews", URL: d.base + "/reviews"}
	}
	c := outbox.Content{
		OrgName:    org.Name,
		Colour:     org.Colour,
		Subject:    fmt.Sprintf("Your day at %s: %s", org.Name, summary(len(submitted), len(waiting), len(undecided), reviews)),
		Greeting:   fmt.Sprintf("Good morning %s,", firstName(m.Name)),
		Paragraphs: sections,
		Action:     action,
		After:      []string{"This digest comes once a day, in your morning, instead of an email for every event."},
	}
	return d.db.Transact(ctx, func(tx *sqldb.DB) error {
		if mine, err := account.ClaimDigest(ctx, tx, m, notSince, now); err != nil || !mine {
			return err
		}
		_, err := d.n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: m.OrgID, Kind: KindDigest,
			To: smtp.Address{Name: m.Name, Email: m.Email}, Content: c})
		return err
	})
}

// reviewsWaiting counts the reviews assigned to m and not yet done, and
// writes the digest's section of them: "2 reviews waiting for you (1
// overdue):", then a line each. Members who do not review have none.
func (d *Digests) reviewsWaiting(ctx context.Context, m account.Member, now time.Time, loc *time.Location) (int, string, error) {
	if !m.Can(account.Review) {
		return 0, "", nil
	}
	queue, err := d.n.assignments.Queue(ctx, m)
	if err != nil || len(queue) == 0 {
		return 0, "", err
	}
	var lines []string
	overdue := 0
	for i, w := range queue {
		note := ""
		if w.Overdue(now) {
			overdue++
			note = ", overdue"
		}
		if i < digestList {
			lines = append(lines, fmt.Sprintf("- %s (%s), due %s%s", w.CandidateName, w.JobTitle, w.DueAt.In(loc).Format("Mon 2 Jan 15:04"), note))
		} else if i == digestList {
			lines = append(lines, "- and more")
		}
	}
	head := fmt.Sprintf("%d %s waiting for you", len(queue), plural(len(queue), "review", "reviews"))
	if overdue > 0 {
		head += fmt.Sprintf(" (%d overdue)", overdue)
	}
	return len(queue), head + ":\n" + strings.Join(lines, "\n"), nil
}

func count(n, max int) string {
	if n > max {
		return fmt.Sprintf("more than %d", max)
	}
	return fmt.Sprint(n)
}

func summary(submitted, waiting, undecided, reviews int) string {
	var parts []string
	if reviews > 0 {
		parts = append(parts, fmt.Sprintf("%d %s waiting for you", reviews, plural(reviews, "review", "reviews")))
	}
	if submitted > 0 {
		parts = append(parts, fmt.Sprintf("%d new %s", submitted, plural(submitted, "submission", "submissions")))
	}
	if waiting > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting for a reply", waiting))
	}
	if undecided > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting for a decision", undecided))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}
