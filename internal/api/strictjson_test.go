package api

import (
	"context"
	"net/http"
	"testing"
)

// TestStrictJSON sends bodies that encoding/json would read one way and a
// person or a proxy another: a key twice (the last would win) and names
// that match a field only when case is ignored. Each is refused with 400,
// the API's error shape and the key named, and changes nothing.
func TestStrictJSON(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	ctx := context.Background()
	jobsBefore, err := w.Openings.Jobs(ctx, w.member(t, "owner"))
	if err != nil {
		t.Fatal(err)
	}
	w.table(t, []scenario{
		{name: "duplicate title", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "Visible", "title": "Hidden"}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `duplicate key "title"`), is("error.field", "title")}},
		{name: "duplicate kind in a step", method: "POST", path: "/api/v1/interviews", token: "owner",
			body:   `{"job_id": {job}, "title": "x", "steps": [{"kind": "code", "kind": "text", "title": "t"}]}`,
			want:   http.StatusBadRequest,
			checks: []check{errorIs("invalid", `duplicate key "steps[0].kind"`), is("error.field", "steps[0].kind")}},
		{name: "duplicate in an option", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "choice", "title": "t",
				"options": [{"text": "a", "correct": false, "correct": true}, {"text": "b"}]}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `duplicate key "steps[0].options[0].correct"`)}},
		{name: "duplicate rating of one step", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"ratings": {"{text_step}": 1, "{text_step}": 5}, "recommendation": "yes"}`, want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", `duplicate key "ratings.{text_step}"`)}},
		{name: "duplicate rating written another way", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"ratings": {"{text_step}": 1, "0{text_step}": 5}, "recommendation": "yes"}`, want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", `duplicate key "ratings.0{text_step}"`)}},
		{name: "duplicate message body", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner",
			body: `{"body": "Hello", "internal": true, "internal": false}`, want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", `duplicate key "internal"`)}},
		{name: "duplicate answer text", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada",
			body: `{"text": "mine", "text": "someone else's"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", `duplicate key "text"`)}},
		{name: "capitalised field", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"Title": "Shouting"}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `unknown field "Title": names are case-sensitive; did you mean "title"?`), is("error.field", "Title")}},
		{name: "capitalised kind in a step", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"Kind": "text", "title": "t"}]}`, want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", `unknown field "steps[0].Kind"`), is("error.field", "steps[0].Kind")}},
		{name: "upper-case answer", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada",
			body: `{"TEXT": "hi"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", `did you mean "text"?`)}},
		{name: "mixed-case time zone", method: "PUT", path: "/api/v1/candidate/time_zone", token: "ada",
			body: `{"Time_Zone": "Europe/Paris"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", `did you mean "time_zone"?`)}},
		{name: "one of each is still fine", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "Fine", "description": "title"}`,
			want: http.StatusCreated},
	})
	jobsAfter, err := w.Openings.Jobs(ctx, w.member(t, "owner"))
	if err != nil {
		t.Fatal(err)
	}
	if len(jobsAfter) != len(jobsBefore)+1 {
		t.Errorf("%d jobs before, %d after; only the last body may create one", len(jobsBefore), len(jobsAfter))
	}
}
