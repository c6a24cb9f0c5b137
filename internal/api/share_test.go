package api

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestShareLinksInTheAPI: a link is made with its URL once, listed
// without it, and revoked; the wrong picks are refused.
func TestShareLinksInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "other", "Globex", "owner@globex.example")
	om := w.member(t, "owner")
	title, ivTitle := "Engineer", "Screen"
	job, _ := w.Openings.CreateJob(ctx, om, opening.JobInput{Title: &title})
	iv, err := w.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &job.ID, Title: &ivTitle, Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Why us"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := w.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}, {Name: "Bob", Email: "bob@example.com"}})
	ada, _ := w.Applications.ByToken(ctx, res.Invitations[0].Token)
	if _, err := w.Applications.Submit(ctx, ada); err != nil {
		t.Fatal(err)
	}
	w.vars["ada"], w.vars["bob"] = strconv.FormatInt(ada.ID, 10), strconv.FormatInt(res.Invitations[1].Application.ID, 10)
	w.flow(t, []scenario{
		{name: "not submitted", method: "POST", path: "/api/v1/share-links", token: "owner", want: http.StatusBadRequest,
			body: `{"application_ids": [{bob}], "guest_name": "Hana"}`, checks: []check{errorIs("invalid", "has not submitted")}},
		{name: "another organisation's", method: "POST", path: "/api/v1/share-links", token: "other", want: http.StatusNotFound,
			body: `{"application_ids": [{ada}], "guest_name": "Hana"}`},
		{name: "a year", method: "POST", path: "/api/v1/share-links", token: "owner", want: http.StatusBadRequest,
			body: `{"application_ids": [{ada}], "guest_name": "Hana", "days": 365}`},
		{name: "make", method: "POST", path: "/api/v1/share-links", token: "owner", want: http.StatusCreated,
			body:   `{"application_ids": [{ada}], "guest_name": "Hana Hiring", "can_rate": true}`,
			checks: []check{contains("url", testBaseURL+"/s/ahs_"), is("can_rate", true), is("opens", 0), save("id", "link")}},
		{name: "list", method: "GET", path: "/api/v1/applications/{ada}/share-links", token: "owner", want: http.StatusOK,
			checks: []check{is("share_links.0.guest_name", "Hana Hiring"), absent("share_links.0.url"), is("share_links.0.revoked_at", nil)}},
		{name: "another organisation revokes", method: "DELETE", path: "/api/v1/share-links/{link}", token: "other", want: http.StatusNotFound},
		{name: "revoke", method: "DELETE", path: "/api/v1/share-links/{link}", token: "owner", want: http.StatusNoContent},
		{name: "revoked", method: "GET", path: "/api/v1/applications/{ada}/share-links", token: "owner", want: http.StatusOK,
			checks: []check{notEmpty("share_links.0.revoked_at")}},
	})
}
