package opening_test

import (
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

func setup(t *testing.T) (context.Context, *opening.Service, account.Member, opening.Job) {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	accounts := account.New(db)
	_, owner, err := accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	s := opening.New(db, accounts)
	job, err := s.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer"), Description: ptr("Build things")})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, s, owner, job
}

func TestStepValidation(t *testing.T) {
	t.Parallel()
	ctx, s, owner, job := setup(t)
	choice := func(multiple bool, correct ...bool) opening.Step {
		st := opening.Step{Kind: opening.KindChoice, Title: "Q", Multiple: multiple}
		for i, c := range correct {
			st.Options = append(st.Options, opening.Option{Text: string(rune('A' + i)), Correct: c})
		}
		return st
	}
	tests := []struct {
		name string
		step opening.Step
		want string // part of the message; empty means valid
	}{
		{"text ok", opening.Step{Kind: opening.KindText, Title: "T", MaxWords: 200}, ""},
		{"no title", opening.Step{Kind: opening.KindText}, "title cannot be empty"},
		{"negative word limit", opening.Step{Kind: opening.KindText, Title: "T", MaxWords: -1}, "word limit"},
		{"unknown kind", opening.Step{Kind: "essay", Title: "T"}, "unknown kind"},
		{"code without a task", opening.Step{Kind: opening.KindCode, Title: "T"}, "needs its languages"},
		{"video defaults", opening.Step{Kind: opening.KindVideo, Title: "T"}, ""},
		{"video ok", opening.Step{Kind: opening.KindVideo, Title: "T", ThinkSeconds: 30, MaxSeconds: 180, Retakes: 2}, ""},
		{"video too long", opening.Step{Kind: opening.KindVideo, Title: "T", MaxSeconds: 3600}, "between 10 and"},
		{"video negative think", opening.Step{Kind: opening.KindVideo, Title: "T", ThinkSeconds: -1}, "think time"},
		{"video many retakes", opening.Step{Kind: opening.KindVideo, Title: "T", Retakes: 11}, "retakes must be"},
		{"single ok", choice(false, true, false), ""},
		{"one option", choice(false, true), "between 2 and"},
		{"no correct", choice(false, false, false), "at least one option as correct"},
		{"two correct single", choice(false, true, true), "only one option can be correct"},
		{"two correct multiple", choice(true, true, true, false), ""},
		{"points not a number", func() opening.Step { st := choice(false, true, false); st.Points = math.NaN(); return st }(), "points must be between"},
		{"points infinite", func() opening.Step { st := choice(false, true, false); st.Points = math.Inf(1); return st }(), "points must be between"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("R1"), Steps: &[]opening.Step{tt.step}})
			if tt.want == "" {
				if err != nil {
					t.Errorf("valid step refused: %v", err)
				}
				return
			}
			if !errors.Is(err, apperr.ErrInvalid) || !strings.Contains(apperr.Message(err), tt.want) {
				t.Errorf("err = %v, want invalid with %q", err, tt.want)
			}
		})
	}
}

func TestUpdateInterviewKeepsIDs(t *testing.T) {
	t.Parallel()
	ctx, s, owner, job := setup(t)
	iv, err := s.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("R1"), Steps: &[]opening.Step{
		{Kind: opening.KindText, Title: "One"},
		{Kind: opening.KindChoice, Title: "Two", Options: []opening.Option{{Text: "A", Correct: true}, {Text: "B"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	one, two := iv.Steps[0], iv.Steps[1]
	two.Title = "Two, edited"
	two.Options = []opening.Option{two.Options[1], {Text: "C", Correct: true}} // drop A, keep B, add C
	two.Options[0].Correct = false
	updated, err := s.UpdateInterview(ctx, owner, iv.ID, opening.InterviewInput{Steps: &[]opening.Step{two, {Kind: opening.KindText, Title: "Three"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(updated.Steps) != 2 || updated.Steps[0].ID != two.ID || updated.Steps[0].Title != "Two, edited" {
		t.Fatalf("steps after update: %+v", updated.Steps)
	}
	if updated.Steps[0].Options[0].ID != two.Options[0].ID || len(updated.Steps[0].Options) != 2 {
		t.Errorf("options after update: %+v", updated.Steps[0].Options)
	}
	removed, err := s.RemovedSteps(ctx, owner.OrgID, iv.ID)
	if err != nil || len(removed) != 1 || removed[0].ID != one.ID {
		t.Errorf("removed steps = %+v, %v; want step One kept as removed", removed, err)
	}
	// A kind cannot change, and a step of another interview cannot be borrowed.
	bad := two
	bad.Kind = opening.KindText
	if _, err := s.UpdateInterview(ctx, owner, iv.ID, opening.InterviewInput{Steps: &[]opening.Step{bad}}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("kind change: %v", err)
	}
	if _, err := s.UpdateInterview(ctx, owner, iv.ID, opening.InterviewInput{Steps: &[]opening.Step{{ID: 999999, Kind: opening.KindText, Title: "X"}}}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("foreign step id: %v", err)
	}
}

func TestReviewerCannotCreateJobs(t *testing.T) {
	t.Parallel()
	ctx, s, owner, _ := setup(t)
	reviewer := owner
	reviewer.Role = account.Reviewer
	if _, err := s.CreateJob(ctx, reviewer, opening.JobInput{Title: ptr("X")}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("reviewer creates a job: %v", err)
	}
}

func TestRemovedOptionsStayReadable(t *testing.T) {
	t.Parallel()
	ctx, s, owner, job := setup(t)
	iv, err := s.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("R1"), Steps: &[]opening.Step{
		{Kind: opening.KindChoice, Title: "Q", Options: []opening.Option{{Text: "A", Correct: true}, {Text: "B"}, {Text: "C"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	st := iv.Steps[0]
	gone := st.Options[2]
	st.Options = st.Options[:2]
	if _, err := s.UpdateInterview(ctx, owner, iv.ID, opening.InterviewInput{Steps: &[]opening.Step{st}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Interview(ctx, owner, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Steps[0].Options) != 2 || len(got.Steps[0].Former) != 1 || got.Steps[0].Former[0] != gone {
		t.Errorf("options %+v, former %+v; want A, B and former C", got.Steps[0].Options, got.Steps[0].Former)
	}
}

func TestVideoStepRoundTrips(t *testing.T) {
	t.Parallel()
	ctx, s, owner, job := setup(t)
	iv, err := s.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Video"), Practice: ptr(true), Steps: &[]opening.Step{
		{Kind: opening.KindVideo, Title: "Tell us", ThinkSeconds: 20, MaxSeconds: 90, Retakes: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Interview(ctx, owner, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := got.Steps[0]
	if !got.Practice || st.ThinkSeconds != 20 || st.MaxSeconds != 90 || st.Retakes != 1 || st.Takes() != 2 {
		t.Errorf("read back practice=%v step=%+v", got.Practice, st)
	}
	if st.Minutes != 5 { // two takes of 20 s + 90 s, plus a minute
		t.Errorf("estimated minutes = %d, want 5", st.Minutes)
	}
}
