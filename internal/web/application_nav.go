package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
)

// listContext is the job's list an application was opened from: its
// filter and sort travel in the application page's address, so that
// "previous" and "next" walk the list the reviewer was looking at.
type listContext struct {
	Status  string
	Outcome string
	Sort    string
}

func listFrom(q url.Values) listContext {
	c := listContext{Status: q.Get("status"), Outcome: q.Get("outcome"), Sort: q.Get("sort")}
	if !application.Status(c.Status).Valid() {
		c.Status = ""
	}
	if !slices.Contains(application.Outcomes, c.Outcome) {
		c.Outcome = ""
	}
	switch application.Sort(c.Sort) {
	case application.Oldest, application.ByName:
	default:
		c.Sort = ""
	}
	return c
}

// values is the context as query parameters.
func (c listContext) values() url.Values {
	v := url.Values{}
	if c.Status != "" {
		v.Set("status", c.Status)
	}
	if c.Outcome != "" {
		v.Set("outcome", c.Outcome)
	}
	if c.Sort != "" {
		v.Set("sort", c.Sort)
	}
	return v
}

// query is the context as the query of an address, "" for the default.
func (c listContext) query() string {
	if v := c.values(); len(v) > 0 {
		return "?" + v.Encode()
	}
	return ""
}

// appPath is an application page's address with anchor, keeping the list
// context the request came with, so that a form posted from the page
// brings the reviewer back to the same walk through the list.
func appPath(r *http.Request, id int64, anchor string) string {
	return fmt.Sprintf("/applications/%d%s%s", id, listFrom(r.URL.Query()).query(), anchor)
}

// appNav is the application page's way through its list.
type appNav struct {
	PrevURL, NextURL string
	PrevName         string
	NextName         string
	Position, Total  int
	ListURL          string // the list, with its filter and sort
	ListLabel        string // what the list holds, as its tab says
	Query            string // the context, for the page's own forms
}

func (s *Server) appNav(ctx context.Context, m account.Member, a application.Application, c listContext) (appNav, error) {
	f := application.Filter{JobID: a.JobID, Status: application.Status(c.Status), Outcome: c.Outcome, Sort: application.Sort(c.Sort)}
	place, err := s.Applications.Neighbours(ctx, m, f, a)
	if err != nil {
		return appNav{}, err
	}
	n := appNav{Position: place.Position, Total: place.Total, Query: c.query(),
		ListURL: fmt.Sprintf("/jobs/%d%s", a.JobID, c.query()), ListLabel: "All applications"}
	for _, t := range statusTabs {
		if t.Status == c.Status && t.Outcome == c.Outcome && (t.Status != "" || t.Outcome != "") {
			n.ListLabel = t.Label
		}
	}
	if place.Prev != nil {
		n.PrevURL, n.PrevName = fmt.Sprintf("/applications/%d%s", place.Prev.ID, c.query()), place.Prev.Candidate.Name
	}
	if place.Next != nil {
		n.NextURL, n.NextName = fmt.Sprintf("/applications/%d%s", place.Next.ID, c.query()), place.Next.Candidate.Name
	}
	return n, nil
}
