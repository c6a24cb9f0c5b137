package api

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/decision"
)

// TestCandidateLearnsOfADecisionWhenItsMessageGoes: through the API too,
// a decision sent later leaves the candidate's status "submitted" until
// its message goes.
func TestCandidateLearnsOfADecisionWhenItsMessageGoes(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	id, err := strconv.ParseInt(w.vars["bob_app"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(24 * time.Hour)
	if _, _, err := w.Decisions.Decide(context.Background(), w.member(t, "owner"), []int64{id},
		decision.Input{Outcome: decision.Reject, Template: decision.Templates[decision.Reject], SendAt: &at}); err != nil {
		t.Fatal(err)
	}
	w.flow(t, []scenario{
		{name: "bob's view", method: "GET", path: "/api/v1/candidate", token: "bob", want: http.StatusOK,
			checks: []check{is("application.status", "submitted")}},
		{name: "the team's view", method: "GET", path: "/api/v1/applications/{bob_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("status", "decided")}},
	})
}
