package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
)

// TestAssignmentsThroughTheAPI sets a job's rota, lets a submission be
// assigned by turns, assigns and removes by hand, lists the queue, and
// tries each mistake: a stranger, a removed member, twice, another
// organisation's application, an empty rota, an assignment that does not
// exist.
func TestAssignmentsThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	withMember(t, w, "owner", "rita", account.Reviewer)
	withMember(t, w, "owner", "sam", account.Reviewer)
	withMember(t, w, "owner", "gone", account.Reviewer)
	w.vars["owner_id"] = fmt.Sprint(w.member(t, "owner").ID)
	w.vars["other_id"] = fmt.Sprint(w.member(t, "other").ID)
	w.flow(t, []scenario{
		{name: "no rota yet", method: "GET", path: "/api/v1/jobs/{job}/reviewers", token: "owner", want: http.StatusOK,
			checks: []check{is("members.#", 0), is("next", nil)}},
		{name: "an empty rota", method: "PUT", path: "/api/v1/jobs/{job}/reviewers", token: "owner", body: `{"member_ids": []}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "choose at least one member")}},
		{name: "a stranger in the rota", method: "PUT", path: "/api/v1/jobs/{job}/reviewers", token: "owner", body: `{"member_ids": [{rita_id}, {other_id}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "is not on your team")}},
		{name: "a reviewer sets the rota", method: "PUT", path: "/api/v1/jobs/{job}/reviewers", token: "rita", body: `{"member_ids": [{rita_id}]}`,
			want: http.StatusForbidden},
		{name: "another organisation's job", method: "PUT", path: "/api/v1/jobs/{job}/reviewers", token: "other", body: `{"member_ids": [{other_id}]}`,
			want: http.StatusNotFound},
		{name: "the rota", method: "PUT", path: "/api/v1/jobs/{job}/reviewers", token: "owner", body: `{"member_ids": [{rita_id}, {sam_id}]}`,
			want: http.StatusOK, checks: []check{is("members.#", 2), is("members.0.name", "rita"), is("members.1.can_review", true), is("next", "{rita_id}")}},
		{name: "ada submits", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK},
		{name: "rita was assigned by turns", method: "GET", path: "/api/v1/applications/{ada_app}/assignments", token: "rita", want: http.StatusOK,
			checks: []check{is("assignments.#", 1), is("assignments.0.member.id", "{rita_id}"), is("assignments.0.assigned_by", nil),
				is("assignments.0.reviewed", false)}},
		{name: "and it is sam's turn", method: "GET", path: "/api/v1/jobs/{job}/reviewers", token: "rita", want: http.StatusOK,
			checks: []check{is("next", "{sam_id}")}},

		{name: "assign rita to bob by hand", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "owner",
			body: `{"member_id": {rita_id}}`, want: http.StatusCreated,
			checks: []check{is("member.name", "rita"), is("assigned_by", "{owner_id}"), notEmpty("due_at")}},
		{name: "twice", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "owner",
			body: `{"member_id": {rita_id}}`, want: http.StatusConflict, checks: []check{errorIs("conflict", "already assigned")}},
		{name: "a member of another organisation", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "owner",
			body: `{"member_id": {other_id}}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "is not on your team")}},
		{name: "no member", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "owner",
			body: `{}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "member_id is required")}},
		{name: "to another organisation's application", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "other",
			body: `{"member_id": {other_id}}`, want: http.StatusNotFound},
		{name: "a reviewer assigns", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "rita",
			body: `{"member_id": {sam_id}}`, want: http.StatusForbidden, checks: []check{errorIs("forbidden", "cannot assign")}},
		{name: "the owner removes gone", method: "DELETE", path: "/api/v1/members/{gone_id}", token: "owner", want: http.StatusNoContent},
		{name: "a removed member", method: "POST", path: "/api/v1/applications/{bob_app}/assignments", token: "owner",
			body: `{"member_id": {gone_id}}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "removed from the team")}},

		{name: "rita's queue, oldest first", method: "GET", path: "/api/v1/me/reviews", token: "rita", want: http.StatusOK,
			checks: []check{is("reviews.#", 2), is("reviews.0.application_id", "{bob_app}"), is("reviews.0.job.name", "Backend engineer"),
				is("reviews.1.application_id", "{ada_app}"), is("reviews.1.overdue", false)}},
		{name: "rita reviews bob", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "rita",
			body: `{"recommendation": "yes"}`, want: http.StatusOK},
		{name: "bob leaves her queue", method: "GET", path: "/api/v1/me/reviews", token: "rita", want: http.StatusOK,
			checks: []check{is("reviews.#", 1), is("reviews.0.application_id", "{ada_app}")}},
		{name: "remove an assignment that does not exist", method: "DELETE", path: "/api/v1/applications/{ada_app}/assignments/{sam_id}", token: "owner",
			want: http.StatusNotFound, checks: []check{errorIs("not_found", "assignment not found")}},
		{name: "remove from another organisation", method: "DELETE", path: "/api/v1/applications/{ada_app}/assignments/{rita_id}", token: "other",
			want: http.StatusNotFound},
		{name: "remove rita from ada", method: "DELETE", path: "/api/v1/applications/{ada_app}/assignments/{rita_id}", token: "owner",
			want: http.StatusNoContent},
		{name: "her queue is empty", method: "GET", path: "/api/v1/me/reviews", token: "rita", want: http.StatusOK,
			checks: []check{is("reviews.#", 0)}},
		{name: "the rota off", method: "DELETE", path: "/api/v1/jobs/{job}/reviewers", token: "owner", want: http.StatusNoContent},
		{name: "and gone", method: "GET", path: "/api/v1/jobs/{job}/reviewers", token: "owner", want: http.StatusOK,
			checks: []check{is("members.#", 0)}},
	})
}
