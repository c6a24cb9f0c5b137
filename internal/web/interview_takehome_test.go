package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestTeamAddsTakehome is "Add a take-home step" in the interview editor,
// without JavaScript: the new step saves with the example in the language
// chosen, candidates are not invited while it is the example, and once
// the team wrote their own hidden test they are.
func TestTeamAddsTakehome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts, team, m, iv := addStepInEditor(t, "takehome", url.Values{"steps.1.title": {"Pricing in Go"}, "steps.1.language": {"go"}})
	if len(iv.Steps) != 2 || iv.Steps[1].Takehome == nil || iv.Steps[1].Takehome.Language != opening.Go || iv.Steps[1].Takehome.Starter["go.mod"] == "" {
		t.Fatalf("the new take-home: %+v", iv.Steps)
	}
	st := iv.Steps[1]
	if _, err := ts.Svc.Applications.Invite(ctx, m, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}}); err == nil ||
		!strings.Contains(err.Error(), "still the example a new take-home starts with") {
		t.Errorf("an invitation while the take-home is the example: %v", err)
	}
	page := fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, st.ID)
	hidden := "package pricing_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/pricing\"\n)\n\nfunc TestMany(t *testing.T) {\n\tif pricing.Total([]int{1, 2, 3}) != 6 {\n\t\tt.Fatal()\n\t}\n}\n"
	resp, body := team.post(page, url.Values{"set": {"hidden"}, "old": {"pricing/hidden_test.go"}, "path": {"pricing/hidden_test.go"}, "text": {hidden}})
	teamMust(t, "write a hidden test", resp, body, http.StatusOK)
	if _, err := ts.Svc.Applications.Invite(ctx, m, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}}); err != nil {
		t.Errorf("an invitation once the team wrote their own test: %v", err)
	}
}

// addStepInEditor signs a team in, makes an interview of one written
// step, and adds a step of kind in the interview editor as a person does
// without JavaScript ("Add a … step", the fields set, "Save"); it returns
// the interview as saved.
func addStepInEditor(t *testing.T, kind string, fields url.Values) (*testServer, *browser, account.Member, opening.Interview) {
	t.Helper()
	ctx := context.Background()
	ts := newTestServer(t)
	team := ts.signIn(t)
	m := ts.member(t, "olivia@acme.example")
	job, err := ts.Svc.Openings.CreateJob(ctx, m, opening.JobInput{Title: candPtr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := ts.Svc.Openings.CreateInterview(ctx, m, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Second round"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Hello", Minutes: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := team.get(fmt.Sprintf("/interviews/%d/edit", iv.ID))
	f := ivvForm(teamMust(t, "the editor", resp, body, http.StatusOK), "form.editor")
	f.Set("action", "add_"+kind)
	resp, body = team.post(fmt.Sprintf("/interviews/%d", iv.ID), f)
	f = ivvForm(teamMust(t, "add a "+kind+" step", resp, body, http.StatusOK), "form.editor")
	for k, v := range fields {
		f[k] = v
	}
	f.Set("action", "save")
	resp, body = team.post(fmt.Sprintf("/interviews/%d", iv.ID), f)
	teamMust(t, "save the new "+kind+" step", resp, body, http.StatusOK)
	if iv, err = ts.Svc.Openings.InterviewInOrg(ctx, m.OrgID, iv.ID); err != nil {
		t.Fatal(err)
	}
	return ts, team, m, iv
}
