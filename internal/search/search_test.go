package search_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/search"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

// world is an organisation with an owner and two reviewers, a job whose
// interview has a written and a coding step, Ada who submitted, Grace who
// answered and did not, and another organisation with a candidate of the
// same words.
type world struct {
	domain.Services
	owner, rita, rex account.Member
	other            account.Member
	ada, grace       application.Application
	job              opening.Job
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{Services: domaintest.New(t, sqldbtest.Open(t))}
	var err error
	if _, w.owner, err = w.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "o@acme.example"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		m     *account.Member
		email string
	}{{&w.rita, "rita@acme.example"}, {&w.rex, "rex@acme.example"}} {
		secret, _, _ := w.Accounts.InviteMember(ctx, w.owner, r.email, account.Reviewer)
		if *r.m, err = w.Accounts.AcceptInvite(ctx, secret, r.email[:3], "a long enough password", account.Client{}); err != nil {
			t.Fatal(err)
		}
	}
	iv := interview(t, w.Services, w.owner)
	w.job = opening.Job{ID: iv.JobID}
	res, err := w.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{
		{Name: "Ada Lovelace", Email: "ada@analytical.example"}, {Name: "Grace Hopper", Email: "grace@cobol.example"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ada, w.grace = res.Invitations[0].Application, res.Invitations[1].Application
	answer(t, w.Services, w.ada, iv, "I enjoy engines of difference", "def bernoulli(n):\n    return n\n")
	answer(t, w.Services, w.grace, iv, "A secret compiler story", "def nanosecond():\n    pass\n")
	if w.ada, err = w.Applications.Submit(ctx, w.ada); err != nil {
		t.Fatal(err)
	}

	token, err := w.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Other", Email: "x@other.example"})
	if err != nil {
		t.Fatal(err)
	}
	if w.other, err = w.Accounts.TokenMember(ctx, token); err != nil {
		t.Fatal(err)
	}
	oiv := interview(t, w.Services, w.other)
	ores, err := w.Applications.Invite(ctx, w.other, oiv.ID, []application.NewCandidate{{Name: "Ada Othername", Email: "ada@other.example"}})
	if err != nil {
		t.Fatal(err)
	}
	oa := ores.Invitations[0].Application
	answer(t, w.Services, oa, oiv, "engines of difference elsewhere", "def bernoulli(): pass\n")
	if _, err := w.Applications.Submit(ctx, oa); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Messages.Post(ctx, w.other, oa.ID, "another org's zeppelin", true); err != nil {
		t.Fatal(err)
	}
	return w
}

func interview(t *testing.T, s domain.Services, owner account.Member) opening.Interview {
	t.Helper()
	ctx := context.Background()
	job, err := s.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []opening.Step{
		{Kind: opening.KindText, Title: "Why us?"},
		{Kind: opening.KindCode, Title: "Add", Points: 1, Code: &opening.CodeTask{
			Languages: []opening.Language{opening.Python},
			Starter:   map[opening.Language]string{opening.Python: "def add(a, b):\n    pass\n"},
			Tests: map[opening.Language]opening.CodeTests{
				opening.Python: {Visible: "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"},
			}}},
	}
	iv, err := s.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, s.Openings, owner, iv)
	return iv
}

func answer(t *testing.T, s domain.Services, a application.Application, iv opening.Interview, text, code string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Applications.SaveAnswer(ctx, a, iv.Steps[0].ID, application.AnswerInput{Text: &text}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Applications.SaveAnswer(ctx, a, iv.Steps[1].ID, application.AnswerInput{Language: ptr("python"), Code: &code}); err != nil {
		t.Fatal(err)
	}
}

// found searches as m and returns the ids of the applications found and
// the kinds of what matched.
func found(t *testing.T, w *world, m account.Member, q string) ([]int64, []search.Kind) {
	t.Helper()
	page, err := w.Search.Search(context.Background(), m, search.Query{Text: q})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var ids []int64
	var kinds []search.Kind
	for _, r := range page.Results {
		ids = append(ids, r.ApplicationID)
		for _, x := range r.Matches {
			kinds = append(kinds, x.Kind)
		}
	}
	return ids, kinds
}

func TestSearchFindsEachKindOfText(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.Messages.Post(ctx, w.owner, w.ada.ID, "Could you tell us about the astrolabe?", false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Messages.Post(ctx, w.owner, w.grace.ID, "Keep an eye on the quokka", true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Messages.PostAsCandidate(ctx, w.grace, "My cat is named Pythagoras"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reviews.Submit(ctx, w.owner, w.ada.ID, review.Input{Recommendation: review.Yes, Note: "Superb marmalade reasoning",
		Ratings: map[int64]int{}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		app  int64
		kind search.Kind
	}{
		{"lovelace", w.ada.ID, search.Candidate},
		{"Grace", w.grace.ID, search.Candidate},
		{"ada@analytical.example", w.ada.ID, search.Candidate},
		{"cobol", w.grace.ID, search.Candidate},
		{"engines difference", w.ada.ID, search.Answer},
		{"bernoulli", w.ada.ID, search.Code},
		{"astrolabe", w.ada.ID, search.Message},
		{"pythagoras", w.grace.ID, search.Message},
		{"quokka", w.grace.ID, search.Note},
		{"marmalade", w.ada.ID, search.Review},
		{"lovel", w.ada.ID, search.Candidate}, // the last word as a prefix
	} {
		t.Run(tc.q, func(t *testing.T) {
			ids, kinds := found(t, w, w.owner, tc.q)
			if !slices.Equal(ids, []int64{tc.app}) || !slices.Contains(kinds, tc.kind) {
				t.Errorf("found %v %v, want [%d] with a %s", ids, kinds, tc.app, tc.kind)
			}
		})
	}
}

func TestSearchNeverFindsAnUnsubmittedAnswer(t *testing.T) {
	w := newWorld(t)
	for _, q := range []string{"secret compiler", "compiler", "nanosecond", "story"} {
		if ids, _ := found(t, w, w.owner, q); len(ids) != 0 {
			t.Errorf("%q found %v before Grace submitted", q, ids)
		}
	}
	// Once she submits, her answers are found.
	if _, err := w.Applications.Submit(context.Background(), w.grace); err != nil {
		t.Fatal(err)
	}
	if ids, kinds := found(t, w, w.owner, "nanosecond"); !slices.Equal(ids, []int64{w.grace.ID}) || !slices.Equal(kinds, []search.Kind{search.Code}) {
		t.Errorf("after submission found %v %v", ids, kinds)
	}
}

func TestSearchStaysInItsOrganisation(t *testing.T) {
	w := newWorld(t)
	for _, q := range []string{"zeppelin", "othername", "elsewhere", "ada@other.example"} {
		if ids, _ := found(t, w, w.owner, q); len(ids) != 0 {
			t.Errorf("%q found %v in another organisation", q, ids)
		}
	}
	if ids, _ := found(t, w, w.other, "zeppelin"); len(ids) != 1 {
		t.Errorf("the other organisation's owner found %v", ids)
	}
	if ids, _ := found(t, w, w.other, "lovelace"); len(ids) != 0 {
		t.Errorf("the other organisation's owner found Acme's %v", ids)
	}
}

func TestSearchReviewNotesAsTheApplicationPageShowsThem(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	rate := map[int64]int{}
	if _, err := w.Reviews.Submit(ctx, w.rita, w.ada.ID, review.Input{Recommendation: review.No, Note: "Weak on hieroglyphs", Ratings: rate}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.rita, "hieroglyphs"); len(ids) != 1 {
		t.Errorf("the author did not find her own note: %v", ids)
	}
	if ids, _ := found(t, w, w.rex, "hieroglyphs"); len(ids) != 0 {
		t.Errorf("a reviewer who has not reviewed found another's note: %v", ids)
	}
	if _, err := w.Reviews.SaveDraft(ctx, w.rex, w.ada.ID, review.Input{Note: "draft about dinosaurs", Ratings: rate}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.owner, "dinosaurs"); len(ids) != 0 {
		t.Errorf("a draft was found: %v", ids)
	}
	if _, err := w.Reviews.Submit(ctx, w.rex, w.ada.ID, review.Input{Recommendation: review.Yes, Note: "Fine", Ratings: rate}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.rex, "hieroglyphs"); len(ids) != 1 {
		t.Errorf("after reviewing, the other's note was not found: %v", ids)
	}
	// A changed note replaces the old one.
	if _, err := w.Reviews.Submit(ctx, w.rita, w.ada.ID, review.Input{Recommendation: review.No, Note: "Strong on pyramids", Ratings: rate}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.rita, "hieroglyphs"); len(ids) != 0 {
		t.Errorf("a replaced note was still found: %v", ids)
	}
}

func TestSearchForgetsACancelledMessage(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	m, err := w.Messages.Schedule(ctx, w.owner, w.ada.ID, "Tomorrow we talk about platypus", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.owner, "platypus"); len(ids) != 1 {
		t.Fatalf("a scheduled message was not found: %v", ids)
	}
	if _, err := w.Messages.Cancel(ctx, w.owner, m.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.owner, "platypus"); len(ids) != 0 {
		t.Errorf("a cancelled message was found: %v", ids)
	}
}

// Whatever is typed is searched as words, never as the engine's syntax:
// nothing errs, and nothing is found that does not hold the words.
func TestSearchQuerySyntaxIsLiteral(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.Messages.Post(ctx, w.owner, w.ada.ID, `She said "NEAR" -- and OR not * at all`, true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want int
	}{
		{`"`, 0}, {`"""`, 0}, {`*`, 0}, {`-`, 0}, {`ada*`, 1}, {`"ada`, 1}, {`-ada`, 1}, {`ada -lovelace`, 1},
		{`NEAR`, 1}, {`NEAR(ada lovelace)`, 0}, {`near`, 1}, {`OR`, 1}, {`ada OR zeppelin`, 0}, {`NOT`, 1}, {`AND`, 1},
		{`body:ada`, 0}, {`^ada`, 1}, {`ada:*`, 1}, {`'ada'`, 1}, {`ada & grace`, 0}, {`ada | grace`, 0}, {`!ada`, 1},
		{`'; DROP TABLE search_docs; --`, 0},
		{`ada' OR '1'='1`, 0},
		{`ada" OR "1"="1`, 0},
		{`%`, 0}, {`_`, 0}, {`\`, 0},
		{`) OR 1=1 --`, 0},
	} {
		t.Run(tc.q, func(t *testing.T) {
			ids, _ := found(t, w, w.owner, tc.q)
			if len(ids) != tc.want {
				t.Errorf("found %v, want %d applications", ids, tc.want)
			}
		})
	}
	// The index is still there.
	if ids, _ := found(t, w, w.owner, "lovelace"); len(ids) != 1 {
		t.Errorf("after the injections, found %v", ids)
	}
}

func TestSearchRefusesLongQueries(t *testing.T) {
	w := newWorld(t)
	for _, q := range []string{strings.Repeat("a", search.MaxQuery+1), strings.Repeat("ada ", 2500)} {
		_, err := w.Search.Search(context.Background(), w.owner, search.Query{Text: q})
		if !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("a %d-character query: %v, want invalid", len(q), err)
		}
	}
	if _, err := w.Search.Search(context.Background(), w.owner, search.Query{Text: strings.Repeat("é", search.MaxQuery)}); err != nil {
		t.Errorf("a query of %d characters: %v", search.MaxQuery, err)
	}
}

func TestSearchEmptyQueryFindsNothing(t *testing.T) {
	w := newWorld(t)
	for _, q := range []string{"", "   ", `"" * -`} {
		page, err := w.Search.Search(context.Background(), w.owner, search.Query{Text: q})
		if err != nil || len(page.Words) != 0 || len(page.Results) != 0 {
			t.Errorf("%q: %v %+v", q, err, page)
		}
	}
}

func TestSearchFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	// Both candidates' names hold "a"-words; "example" is in both emails.
	page, err := w.Search.Search(ctx, w.owner, search.Query{Text: "example", Limit: 1})
	if err != nil || len(page.Results) != 1 || page.Results[0].ApplicationID != w.grace.ID || page.Next == "" {
		t.Fatalf("first page: %v %+v", err, page)
	}
	page, err = w.Search.Search(ctx, w.owner, search.Query{Text: "example", Limit: 1, Cursor: page.Next})
	if err != nil || len(page.Results) != 1 || page.Results[0].ApplicationID != w.ada.ID || page.Next != "" {
		t.Fatalf("second page: %v %+v", err, page)
	}
	page, err = w.Search.Search(ctx, w.owner, search.Query{Text: "example", Status: application.Submitted})
	if err != nil || len(page.Results) != 1 || page.Results[0].ApplicationID != w.ada.ID {
		t.Errorf("status filter: %v %+v", err, page)
	}
	page, err = w.Search.Search(ctx, w.owner, search.Query{Text: "example", JobID: w.job.ID + 1000})
	if err != nil || len(page.Results) != 0 {
		t.Errorf("job filter: %v %+v", err, page)
	}
	page, err = w.Search.Search(ctx, w.owner, search.Query{Text: "example", From: time.Now().Add(time.Hour)})
	if err != nil || len(page.Results) != 0 {
		t.Errorf("date filter: %v %+v", err, page)
	}
	if _, err := w.Search.Search(ctx, w.owner, search.Query{Text: "x", Cursor: "zzz"}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a bad cursor: %v", err)
	}
}

func TestReindexBuildsTheSameIndex(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.Messages.Post(ctx, w.owner, w.grace.ID, "Keep an eye on the quokka", true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reviews.Submit(ctx, w.owner, w.ada.ID, review.Input{Recommendation: review.Yes, Note: "marmalade", Ratings: map[int64]int{}}); err != nil {
		t.Fatal(err)
	}
	before := map[string][]int64{}
	queries := []string{"lovelace", "grace", "engines", "bernoulli", "compiler", "quokka", "marmalade", "zeppelin"}
	for _, q := range queries {
		before[q], _ = found(t, w, w.owner, q)
	}
	n, err := w.Search.Reindex(ctx)
	if err != nil || n == 0 {
		t.Fatal(n, err)
	}
	for _, q := range queries {
		if got, _ := found(t, w, w.owner, q); !slices.Equal(got, before[q]) {
			t.Errorf("%q: after Reindex %v, before %v", q, got, before[q])
		}
	}
}

func TestSearchNeedsViewApplications(t *testing.T) {
	w := newWorld(t)
	nobody := w.owner
	nobody.Role = "nobody"
	if _, err := w.Search.Search(context.Background(), nobody, search.Query{Text: "ada"}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("got %v, want forbidden", err)
	}
}

// A search in passes over windows of the newest applications finds what
// one pass over all of them does, in the same order, page after page.
func TestSearchPassesAgree(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	// More applications, with texts of their own and texts written
	// later (messages) on older ones.
	iv, err := w.Openings.Interview(ctx, w.owner, w.ada.InterviewID)
	if err != nil {
		t.Fatal(err)
	}
	var more []application.NewCandidate
	for i := 0; i < 12; i++ {
		more = append(more, application.NewCandidate{Name: fmt.Sprintf("Person %d Example", i), Email: fmt.Sprintf("p%d@example.org", i)})
	}
	res, err := w.Applications.Invite(ctx, w.owner, iv.ID, more)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(res.Invitations); i += 3 {
		older := res.Invitations[len(res.Invitations)-1-i].Application
		if _, err := w.Messages.Post(ctx, w.owner, older.ID, "a later note on example", true); err != nil {
			t.Fatal(err)
		}
	}
	all := func(q search.Query) []int64 {
		var ids []int64
		for {
			page, err := w.Search.Search(ctx, w.owner, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Results {
				ids = append(ids, r.ApplicationID)
			}
			if page.Next == "" {
				return ids
			}
			q.Cursor = page.Next
		}
	}
	for _, text := range []string{"example", "person", "later note", "lovelace", "engines"} {
		for _, limit := range []int{1, 2, 5, 20} {
			q := search.Query{Text: text, Limit: limit}
			want := all(q)
			for _, win := range [][]int{{1}, {1, 2}, {3, 7}, {100}} {
				restore := search.SetWindows(win...)
				got := all(q)
				restore()
				if !slices.Equal(got, want) {
					t.Errorf("%q, limit %d, windows %v: %v, want %v", text, limit, win, got, want)
				}
			}
			if !slices.IsSortedFunc(want, func(a, b int64) int { return int(b - a) }) {
				t.Errorf("%q: not newest first: %v", text, want)
			}
		}
	}
}

// The last word is the start of a word only when no text holds it whole.
func TestSearchLastWordAsPrefix(t *testing.T) {
	w := newWorld(t)
	if _, err := w.Messages.Post(context.Background(), w.owner, w.grace.ID, "She was adamant", true); err != nil {
		t.Fatal(err)
	}
	if ids, _ := found(t, w, w.owner, "ada"); !slices.Equal(ids, []int64{w.ada.ID}) {
		t.Errorf("ada, a whole word: %v", ids)
	}
	if ids, _ := found(t, w, w.owner, "adam"); !slices.Equal(ids, []int64{w.grace.ID}) {
		t.Errorf("adam, the start of adamant: %v", ids)
	}
	if ids, _ := found(t, w, w.owner, "was adam"); !slices.Equal(ids, []int64{w.grace.ID}) {
		t.Errorf("was adam: %v", ids)
	}
}
