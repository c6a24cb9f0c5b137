package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestDashboardPages: an organisation with many jobs sees them fifty at a
// time, open ones first and newest first, each job once across the pages
// and with its own counts, however far down it is.
func TestDashboardPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	team := ts.signIn(t)
	m := ts.member(t, "olivia@acme.example")
	closed := opening.JobClosed
	var oldestOpen opening.Job
	for i := range 130 {
		j, err := ts.Svc.Openings.CreateJob(ctx, m, opening.JobInput{Title: candPtr(fmt.Sprintf("Job %03d", i))})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 2 {
			if _, err := ts.Svc.Openings.UpdateJob(ctx, m, j.ID, opening.JobInput{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		} else if oldestOpen.ID == 0 {
			oldestOpen = j
		}
	}
	// The oldest open job is on the second page; its counts must be there.
	iv, err := ts.Svc.Openings.CreateInterview(ctx, m, opening.InterviewInput{JobID: &oldestOpen.ID, Title: candPtr("First round"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Hello", Minutes: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Applications.Invite(ctx, m, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"},
		{Name: "Grace", Email: "grace@example.com"}}); err != nil {
		t.Fatal(err)
	}

	all, err := ts.Svc.Openings.Jobs(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, j := range all {
		want = append(want, j.ID)
	}
	jobLink := regexp.MustCompile(`<h2><a href="/jobs/(\d+)">`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">More jobs`)
	var got []int64
	var sizes []int
	page := "/"
	for page != "" {
		resp, body := team.get(page)
		teamMust(t, "dashboard "+page, resp, body, http.StatusOK)
		ids := jobLink.FindAllStringSubmatch(body, -1)
		sizes = append(sizes, len(ids))
		for _, id := range ids {
			n, _ := strconv.ParseInt(id[1], 10, 64)
			got = append(got, n)
		}
		if n := oldestOpen.ID; slices.ContainsFunc(ids, func(id []string) bool { return id[1] == strconv.FormatInt(n, 10) }) {
			tiles := regexp.MustCompile(fmt.Sprintf(`(?s)href="/jobs/%d\?status=invited"><span class="n">(\d+)</span>`, n)).FindStringSubmatch(body)
			if tiles == nil || tiles[1] != "2" {
				t.Errorf("the oldest open job's invited count on %s: %v, want 2", page, tiles)
			}
		}
		page = ""
		if l := next.FindStringSubmatch(body); l != nil {
			page = html.UnescapeString(l[1])
		}
		if len(sizes) > 10 {
			t.Fatal("the pages do not end")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the pages list %d jobs in another order than the list of all %d:\n%v\n%v", len(got), len(want), got, want)
	}
	if !slices.Equal(sizes, []int{50, 50, 30}) {
		t.Errorf("jobs per page: %v, want 50, 50, 30", sizes)
	}
	for _, bad := range []string{"x12", "o", "o-3", "c0", "o1e3"} {
		resp, body := team.get("/?after=" + bad)
		teamMust(t, "a cursor the server never gave out: "+bad, resp, body, http.StatusBadRequest)
	}
}
