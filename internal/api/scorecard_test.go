package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestScorecardInTheAPI: an interview's scorecard is read and replaced
// whole; mistakes are refused with the field named; reviews rate the
// criteria of the steps that inform them, and the averages per criterion
// come with the others' reviews.
func TestScorecardInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "bea", "Acme", "bea@acme.example")
	w.bootstrap(t, "other", "Globex", "owner@globex.example")
	om := w.member(t, "owner")
	title, ivTitle := "Engineer", "Screen"
	job, err := w.Openings.CreateJob(ctx, om, opening.JobInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := w.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &job.ID, Title: &ivTitle,
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Design"}, {Kind: opening.KindText, Title: "Why us"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	cand, _ := w.Applications.ByToken(ctx, res.Invitations[0].Token)
	if _, err := w.Applications.Submit(ctx, cand); err != nil {
		t.Fatal(err)
	}
	w.vars["iv"], w.vars["app"] = strconv.FormatInt(iv.ID, 10), strconv.FormatInt(cand.ID, 10)
	w.vars["design"], w.vars["why"] = strconv.FormatInt(iv.Steps[0].ID, 10), strconv.FormatInt(iv.Steps[1].ID, 10)
	many := make([]string, 100)
	for i := range many {
		many[i] = fmt.Sprintf(`{"name": "C%d"}`, i)
	}
	good := `{"criteria": [{"name": "Explains trade-offs", "description": "Costs and gains", "levels": {"1": "One option", "3": "Two", "5": "In context"}},
		{"name": "Communicates clearly"}], "steps": {"{design}": ["Explains trade-offs", "Communicates clearly"], "{why}": ["communicates clearly"]}}`
	path := "/api/v1/interviews/{iv}/scorecard"
	w.flow(t, []scenario{
		{name: "an empty scorecard", method: "GET", path: path, token: "owner", want: http.StatusOK, checks: []check{is("criteria", []any{})}},
		{name: "an empty name", method: "PUT", path: path, token: "owner", want: http.StatusBadRequest,
			body: `{"criteria": [{"name": ""}]}`, checks: []check{errorIs("invalid", "cannot be empty"), is("error.field", "criteria[0].name")}},
		{name: "a duplicate name", method: "PUT", path: path, token: "owner", want: http.StatusBadRequest,
			body: `{"criteria": [{"name": "Depth"}, {"name": "DEPTH"}]}`, checks: []check{errorIs("invalid", "both called")}},
		{name: "100 criteria", method: "PUT", path: path, token: "owner", want: http.StatusBadRequest,
			body: `{"criteria": [` + strings.Join(many, ",") + `]}`, checks: []check{errorIs("invalid", "at most 20")}},
		{name: "a level 2", method: "PUT", path: path, token: "owner", want: http.StatusBadRequest,
			body: `{"criteria": [{"name": "Depth", "levels": {"2": "half"}}]}`},
		{name: "another organisation", method: "PUT", path: path, token: "other", want: http.StatusNotFound, body: good},
		{name: "save", method: "PUT", path: path, token: "owner", want: http.StatusOK, body: good,
			checks: []check{is("criteria.0.name", "Explains trade-offs"), is("criteria.0.levels.5", "In context"), is("steps.{why}.0", "Communicates clearly"),
				save("criteria.0.id", "trade"), save("criteria.1.id", "clear")}},
		{name: "a rating of 0", method: "POST", path: "/api/v1/applications/{app}/reviews", token: "owner", want: http.StatusBadRequest,
			body: `{"criteria": {"{design}": {"{trade}": 0}}, "recommendation": "yes"}`, checks: []check{errorIs("invalid", "from 1 to 5")}},
		{name: "an overall rating on a step with criteria", method: "POST", path: "/api/v1/applications/{app}/reviews", token: "owner", want: http.StatusBadRequest,
			body: `{"ratings": {"{design}": 3}, "recommendation": "yes"}`, checks: []check{errorIs("invalid", "rated by its criteria")}},
		{name: "review", method: "POST", path: "/api/v1/applications/{app}/reviews", token: "owner", want: http.StatusOK,
			body:   `{"criteria": {"{design}": {"{trade}": 4, "{clear}": 3}, "{why}": {"{clear}": 5}}, "recommendation": "yes"}`,
			checks: []check{is("criteria.{design}.{trade}", 4), is("criteria.{why}.{clear}", 5)}},
		{name: "a draft keeps criteria", method: "PUT", path: "/api/v1/applications/{app}/review-draft", token: "bea", want: http.StatusOK,
			body: `{"criteria": {"{design}": {"{trade}": 2}}, "recommendation": ""}`, checks: []check{is("criteria.{design}.{trade}", 2)}},
		{name: "second review", method: "POST", path: "/api/v1/applications/{app}/reviews", token: "bea", want: http.StatusOK,
			body: `{"criteria": {"{design}": {"{trade}": 2}}, "recommendation": "no"}`},
		{name: "averages per criterion", method: "GET", path: "/api/v1/applications/{app}", token: "bea", want: http.StatusOK,
			checks: []check{is("review_averages.criteria.{trade}", 3), is("review_averages.criteria.{clear}", 4)}},
		{name: "agreement", method: "GET", path: "/api/v1/jobs/" + strconv.FormatInt(job.ID, 10) + "/agreement", token: "owner", want: http.StatusOK,
			checks: []check{is("criteria.0.name", "Explains trade-offs"), is("criteria.0.units", 1), is("criteria.0.ratings", 2), is("criteria.1.alpha", nil)}},
		{name: "another organisation's agreement", method: "GET", path: "/api/v1/jobs/" + strconv.FormatInt(job.ID, 10) + "/agreement", token: "other", want: http.StatusNotFound},
		{name: "a criterion taken off", method: "PUT", path: path, token: "owner", want: http.StatusOK,
			body: `{"criteria": [{"id": {clear}, "name": "Writes clearly"}]}`, checks: []check{is("criteria.0.id", "{clear}"), is("steps.{design}", []any{})}},
	})
}
