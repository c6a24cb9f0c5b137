package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/domain"
)

// List is one list a team member reads on a world, through the service
// the pages and the API call.
type List struct {
	Name string
	// Run reads the list once and says how many rows it shows.
	Run func(ctx context.Context) (int, error)
	// Indexes are the indexes the list is read down: every statement it
	// sends must use one of them.
	Indexes []string
	// Sorts says the list sorts what its index finds (a reviewer's
	// queue: only what waits for them, however old the team). Other lists
	// read their rows in the index's order and stop at a page.
	Sorts bool
	// Counts says the list's statements sent with Replan count rows
	// rather than read a page of them in order: any index will do, but
	// never a whole big table nor a long walk of its primary key
	// (Problems).
	Counts bool
}

// Lists are the lists measured and checked on w, for each organisation
// the shape is about (BigOrg: both).
func (w *World) Lists(ctx context.Context, svc domain.Services) ([]List, error) {
	var out []List
	for i, o := range w.Orgs {
		prefix := ""
		if len(w.Orgs) > 1 {
			prefix = []string{"small org: ", "large org: "}[i] // BigOrg's
		}
		ls, err := o.lists(ctx, svc)
		if err != nil {
			return nil, fmt.Errorf("%s%w", prefix, err)
		}
		for _, l := range ls {
			l.Name = prefix + l.Name
			out = append(out, l)
		}
	}
	return out, nil
}

// deepPage is the size of the pages a list is followed through to its
// third, small enough that the smallest world has a third page.
const deepPage = 10

// lists are o's lists, read by its reviewer: those of its largest job and
// the organisation's.
func (o Org) lists(ctx context.Context, svc domain.Services) ([]List, error) {
	m, apps := o.Reviewer, svc.Applications
	page := func(f application.Filter) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			p, err := apps.Applications(ctx, m, f)
			return len(p.Items), err
		}
	}
	var out []List
	add := func(name string, f application.Filter, idx ...string) {
		out = append(out, List{Name: name, Run: page(f), Indexes: idx})
	}
	job, j := o.Jobs[0], o.Jobs[0].ID
	add("job list, newest first", application.Filter{JobID: j}, "applications_job")
	add("job list, oldest first", application.Filter{JobID: j, Sort: application.Oldest}, "applications_job")
	add("job list, by name", application.Filter{JobID: j, Sort: application.ByName}, "applications_job_name")
	add("job list, to review (submitted)", application.Filter{JobID: j, Status: application.Submitted}, "applications_job_status")
	add("job list, to review, by name", application.Filter{JobID: j, Status: application.Submitted, Sort: application.ByName},
		"applications_job_status_name")
	add("job list, rejected", application.Filter{JobID: j, Outcome: "reject"}, "applications_job_outcome", "applications_job_status")
	add("job list, rejected, by name", application.Filter{JobID: j, Outcome: "reject", Sort: application.ByName},
		"applications_job_outcome_name")
	third, err := cursorAt(ctx, apps, o, application.Filter{JobID: j, Limit: deepPage}, 3)
	if err != nil {
		return nil, err
	}
	add("job list, third page of 10", application.Filter{JobID: j, Cursor: third, Limit: deepPage}, "applications_job")
	add("interview list, by name (its page)", application.Filter{InterviewID: job.InterviewID, Sort: application.ByName},
		"applications_interview_name")
	add("organisation list, newest first", application.Filter{}, "applications_org")
	add("organisation list, by name", application.Filter{Sort: application.ByName}, "applications_org_name")
	add("organisation list, decided", application.Filter{Status: application.Decided}, "applications_org_status")
	third, err = cursorAt(ctx, apps, o, application.Filter{Limit: deepPage}, 3)
	if err != nil {
		return nil, err
	}
	add("organisation list, third page of 10", application.Filter{Cursor: third, Limit: deepPage}, "applications_org")
	newest, err := apps.Applications(ctx, m, application.Filter{JobID: j, Limit: 1})
	if err != nil || len(newest.Items) == 0 {
		return nil, fmt.Errorf("the newest application of job %d: %v", j, err)
	}
	out = append(out,
		// The application page's "‹ Previous · 1 of 22,000 · Next ›": the
		// neighbours down the job's index, the position counted, and the
		// total read from the counts.
		List{Name: "the job's newest application: its place in the list", Counts: true,
			// The neighbours are read down the job's index, the total
			// from the counts (SQLite names their unique index).
			Indexes: []string{"applications_job", "application_counts", "sqlite_autoindex_application_counts_1"},
			Run: func(ctx context.Context) (int, error) {
				p, err := apps.Neighbours(ctx, m, application.Filter{JobID: j}, newest.Items[0])
				return p.Position, err
			}},
		List{Name: "inbox", Indexes: []string{"applications_waiting", "applications_inbox"}, Run: func(ctx context.Context) (int, error) {
			ts, err := svc.Messages.Inbox(ctx, m)
			return len(ts), err
		}},
		List{Name: "my reviews (queue)", Indexes: []string{"review_assignments_waiting"}, Sorts: true, Run: func(ctx context.Context) (int, error) {
			q, err := svc.Assignments.Queue(ctx, m)
			return len(q), err
		}},
		List{Name: "waiting for a decision, 3 days and more", Indexes: []string{"applications_org_status_submitted"},
			Run: func(ctx context.Context) (int, error) {
				as, err := svc.Decisions.Waiting(ctx, m, 3*24*time.Hour)
				return len(as), err
			}},
		List{Name: "every page's counts: reviews and replies waiting", Indexes: []string{"review_assignments_waiting", "applications_waiting"},
			Run: func(ctx context.Context) (int, error) {
				r, err := svc.Assignments.Waiting(ctx, m)
				if err != nil {
					return 0, err
				}
				n, err := svc.Messages.Waiting(ctx, m)
				return r + n, err
			}},
	)
	return out, nil
}

// cursorAt follows the Next cursors of f's list to page n and returns the
// cursor that reads it.
func cursorAt(ctx context.Context, apps *application.Service, o Org, f application.Filter, n int) (string, error) {
	for p := 1; p < n; p++ {
		pg, err := apps.Applications(ctx, o.Reviewer, f)
		if err != nil {
			return "", err
		}
		if pg.Next == "" {
			return "", fmt.Errorf("%s's list %+v ends at page %d, before page %d", o.Name, f, p, n)
		}
		f.Cursor = pg.Next
	}
	return f.Cursor, nil
}
