package matching_test

import (
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/matching"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// The starter every candidate is given: a function to fill in and a main
// block that calls it.
const starter = `import sys


def word_counts(text):
    """Return (word, count) pairs, the most frequent first."""
    # Write your solution here.
    return []


if __name__ == "__main__":
    for word, count in word_counts(sys.stdin.read()):
        print(word, count)
`

// ada writes her own solution.
const ada = `import sys


def word_counts(text):
    """Return (word, count) pairs, the most frequent first."""
    counts = {}
    for raw in text.split():
        word = raw.strip(".,;:!?").lower()
        if not word:
            continue
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked


if __name__ == "__main__":
    for word, count in word_counts(sys.stdin.read()):
        print(word, count)
`

// bob hands in Ada's, every name changed, comments added and lines moved.
const bob = `import sys

# My solution.


def word_counts(text):
    """Return (word, count) pairs, the most frequent first."""
    # Tally each token.
    tally = {}
    for token in text.split():
        w = token.strip(".,;:!?").lower()
        if not w:
            continue
        if w in tally:
            tally[w] += 1
        else:
            tally[w] = 1
    result = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    return result


if __name__ == "__main__":
    for word, count in word_counts(sys.stdin.read()):
        print(word, count)
`

// cyd only filled in the starter's comment.
const cyd = `import sys


def word_counts(text):
    """Return (word, count) pairs, the most frequent first."""
    # I did not finish in time.
    return []


if __name__ == "__main__":
    for word, count in word_counts(sys.stdin.read()):
        print(word, count)
`

// dee writes another solution of her own.
const dee = `import sys


def word_counts(text):
    """Return (word, count) pairs, the most frequent first."""
    seen = []
    totals = []
    for part in text.lower().replace(",", " ").replace(".", " ").split(" "):
        if part == "":
            continue
        try:
            i = seen.index(part)
            totals[i] = totals[i] + 1
        except ValueError:
            seen.append(part)
            totals.append(1)
    out = list(zip(seen, totals))
    out.sort(key=lambda t: t[0])
    out.sort(key=lambda t: t[1], reverse=True)
    return out


if __name__ == "__main__":
    for word, count in word_counts(sys.stdin.read()):
        print(word, count)
`

type world struct {
	*apptest.World
	owner, stranger account.Member
	step            opening.Step
	apps            map[string]application.Application
}

func ptr[T any](v T) *T { return &v }

// newWorld makes a code step with four candidates who submitted the
// answers above, and another organisation.
func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{World: apptest.New(t, app.Config{}), apps: map[string]application.Application{}}
	w.Matchings.SetSettle(0)
	tok, err := w.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if w.owner, err = w.Accounts.TokenMember(ctx, tok); err != nil {
		t.Fatal(err)
	}
	other, err := w.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Globex", Email: "owner@globex.example"})
	if err != nil {
		t.Fatal(err)
	}
	if w.stranger, err = w.Accounts.TokenMember(ctx, other); err != nil {
		t.Fatal(err)
	}
	job, err := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	step := opening.Step{Kind: opening.KindCode, Title: "Word counts", Points: 10, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Starter:   map[opening.Language]string{opening.Python: starter},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {
			Visible: "from solution import word_counts\n\ndef test_one():\n    assert word_counts('a a b') == [('a', 2), ('b', 1)]\n"}},
	}}
	iv, err := w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Code"), Steps: &[]opening.Step{step}})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, w.Openings, w.owner, iv)
	w.step = iv.Steps[0]
	for _, c := range []struct{ name, code string }{{"Ada", ada}, {"Bob", bob}, {"Cyd", cyd}, {"Dee", dee}} {
		w.submit(iv.ID, c.name, c.code)
	}
	w.Work(t)
	return w
}

// submit invites a candidate, saves their code and submits it.
func (w *world) submit(interviewID int64, name, code string) application.Application {
	ctx := context.Background()
	res, err := w.Applications.Invite(ctx, w.owner, interviewID, []application.NewCandidate{{Name: name, Email: strings.ToLower(name) + "@example.com"}})
	if err != nil {
		panic(err)
	}
	a := res.Invitations[0].Application
	if _, err := w.Applications.SaveAnswer(ctx, a, w.step.ID, application.AnswerInput{Language: ptr("python"), Code: &code}); err != nil {
		panic(err)
	}
	if a, err = w.Applications.Submit(ctx, a); err != nil {
		panic(err)
	}
	w.apps[name] = a
	return a
}

// lineOf is the number of the first line of code holding text.
func lineOf(code, text string) int {
	for i, l := range strings.Split(code, "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	return -1
}

func covers(s matching.Span, line int) bool { return s.Start <= line && line <= s.End }

// TestRenamedCopyIsPairedAndStarterIsNot: two candidates who hand in the
// same solution with other names are a pair, with their lines matched;
// one who only filled in the starter matches nobody; a third solution of
// its own is below the threshold.
func TestRenamedCopyIsPairedAndStarterIsNot(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	r, err := w.Matchings.Report(ctx, w.owner, w.step.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.State.Status != matching.Done || r.State.Submissions != 4 || r.State.Compared != 3 || r.State.ComputedAt == nil {
		t.Fatalf("state = %+v, want done with 4 submissions, 3 compared", r.State)
	}
	if len(r.Pairs) != 1 {
		t.Fatalf("pairs at %.2f = %+v, want Ada and Bob alone", r.Min, r.Pairs)
	}
	p := r.Pairs[0]
	if p.LeftApplication != w.apps["Ada"].ID || p.RightApplication != w.apps["Bob"].ID || p.LeftName != "Ada" || p.RightName != "Bob" {
		t.Fatalf("pair = %+v, want Ada (left) and Bob", p)
	}
	if p.Similarity < 0.9 {
		t.Errorf("similarity = %.2f, want at least 0.9", p.Similarity)
	}
	// Each line of Ada's loop is matched with the same line of Bob's,
	// though Bob's are further down.
	for _, text := range [][2]string{{"for raw in", "for token in"}, {"counts[word] += 1", "tally[w] += 1"}, {"ranked = sorted", "result = sorted"}} {
		l, rr := lineOf(ada, text[0]), lineOf(bob, text[1])
		found := false
		for _, f := range p.Fragments {
			if covers(f.Left, l) && covers(f.Right, rr) && f.Left.File == "solution.py" && f.Right.File == "solution.py" {
				found = true
			}
		}
		if !found {
			t.Errorf("no fragment matches Ada's line %d with Bob's line %d: %+v", l, rr, p.Fragments)
		}
	}
	// The main block both copied from the starter is nobody's, and every
	// fragment starts and ends on the candidates' own lines.
	adaLines, bobLines := strings.Split(ada, "\n"), strings.Split(bob, "\n")
	starterSet := matching.StarterLines(matching.Template(w.step, opening.Python))
	for _, f := range p.Fragments {
		for _, end := range []string{adaLines[f.Left.Start-1], adaLines[f.Left.End-1], bobLines[f.Right.Start-1], bobLines[f.Right.End-1]} {
			if matching.StarterLine(starterSet, end) {
				t.Errorf("fragment %+v starts or ends on the starter's line %q", f, end)
			}
		}
	}
	for _, f := range p.Fragments {
		if covers(f.Left, lineOf(ada, "print(word, count)")) {
			t.Errorf("fragment %+v takes in the starter's main block", f)
		}
	}
	// Cyd is in no pair, at any similarity.
	all, err := w.Matchings.Report(ctx, w.owner, w.step.ID, ptr(0.0))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all.Pairs {
		if p.LeftName == "Cyd" || p.RightName == "Cyd" {
			t.Errorf("Cyd, who only filled in the starter, is paired: %+v", p)
		}
	}
	high, err := w.Matchings.Highest(ctx, w.owner, w.owner.OrgID, w.apps["Bob"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if h := high[w.step.ID]; h.LeftName != "Ada" || h.Percent() < 90 {
		t.Errorf("Bob's highest match = %+v, want Ada", h)
	}
	if high, _ := w.Matchings.Highest(ctx, w.owner, w.owner.OrgID, w.apps["Cyd"].ID); len(high) != 0 {
		t.Errorf("Cyd's highest match = %+v, want none", high)
	}
	// The pair opens with both answers and the starter.
	v, err := w.Matchings.Pair(ctx, w.owner, w.step.ID, w.apps["Bob"].ID, w.apps["Ada"].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Found || v.Pair.LeftName != "Bob" || string(v.Left.Files[0].Data) != bob || len(v.Template) != 1 {
		t.Fatalf("pair view = %+v", v)
	}
	if got, want := v.Pair.Fragments[0].Left, p.Fragments[0].Right; got != want {
		t.Errorf("the pair opened from Bob's side has %+v on the left, want Bob's %+v", got, want)
	}
}

// TestReferenceIsCompared: a reference solution the team adds is compared
// with the answers, and removing it removes its pairs.
func TestReferenceIsCompared(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ref, err := w.Matchings.AddReference(ctx, w.owner, w.step.ID, matching.ReferenceInput{Name: "A blog's answer", Language: "python", Code: dee})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := w.Matchings.Report(ctx, w.owner, w.step.ID, nil); r.State.Status != matching.Queued {
		t.Errorf("status after adding a reference = %q, want queued", r.State.Status)
	}
	w.Work(t)
	r, err := w.Matchings.Report(ctx, w.owner, w.step.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got *matching.Pair
	for i, p := range r.Pairs {
		if p.RightReference == ref.ID {
			got = &r.Pairs[i]
		}
	}
	if got == nil || got.LeftApplication != w.apps["Dee"].ID || got.RightApplication != 0 || got.RightName != "A blog's answer" || got.Similarity < 0.9 {
		t.Fatalf("pairs = %+v, want Dee with the reference", r.Pairs)
	}
	if _, err := w.Matchings.Pair(ctx, w.owner, w.step.ID, w.apps["Dee"].ID, 0, ref.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Matchings.RemoveReference(ctx, w.owner, w.step.ID, ref.ID); err != nil {
		t.Fatal(err)
	}
	w.Work(t)
	r, _ = w.Matchings.Report(ctx, w.owner, w.step.ID, ptr(0.0))
	for _, p := range r.Pairs {
		if p.RightReference != 0 {
			t.Errorf("pair %+v outlived its reference", p)
		}
	}
	if len(r.References) != 0 {
		t.Errorf("references = %+v", r.References)
	}
}

// TestBadInput: what the service refuses, and how.
func TestBadInput(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	id := w.step.ID
	if _, err := w.Matchings.Report(ctx, w.stranger, id, nil); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's report: %v, want not found", err)
	}
	if err := w.Matchings.SetThreshold(ctx, w.stranger, id, 0.3); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's threshold: %v, want not found", err)
	}
	for _, th := range []float64{-0.1, 1.5, math.NaN()} {
		if err := w.Matchings.SetThreshold(ctx, w.owner, id, th); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("threshold %v: %v, want invalid", th, err)
		}
		if _, err := w.Matchings.Report(ctx, w.owner, id, &th); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("min %v: %v, want invalid", th, err)
		}
	}
	refs := []struct {
		name string
		in   matching.ReferenceInput
		kind error
		says string
	}{
		{"empty", matching.ReferenceInput{Name: "x", Language: "python", Code: " \n"}, apperr.ErrInvalid, "cannot be empty"},
		{"binary", matching.ReferenceInput{Name: "x", Language: "python", Code: "PK\x03\x04\x00\x00"}, apperr.ErrInvalid, "not text"},
		{"too large", matching.ReferenceInput{Name: "x", Language: "python", Code: strings.Repeat("x = 1\n", matching.MaxReference/6+1)}, apperr.ErrTooLarge, "too large"},
		{"no name", matching.ReferenceInput{Language: "python", Code: ada}, apperr.ErrInvalid, "name cannot be empty"},
		{"another language", matching.ReferenceInput{Name: "x", Language: "go", Code: ada}, apperr.ErrInvalid, "python"},
	}
	for _, c := range refs {
		_, err := w.Matchings.AddReference(ctx, w.owner, id, c.in)
		if !errors.Is(err, c.kind) || !strings.Contains(apperr.Message(err), c.says) {
			t.Errorf("%s reference: %v, want %v saying %q", c.name, err, c.kind, c.says)
		}
	}
	if _, err := w.Matchings.AddReference(ctx, w.stranger, id, matching.ReferenceInput{Name: "x", Language: "python", Code: ada}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's reference: %v, want not found", err)
	}
	// An application of another interview is not in the step.
	job, _ := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Other")})
	iv, err := w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Talk"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Hello"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: "Eve", Email: "eve@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Matchings.Pair(ctx, w.owner, id, w.apps["Ada"].ID, res.Invitations[0].Application.ID, 0)
	if !errors.Is(err, apperr.ErrNotFound) || !strings.Contains(apperr.Message(err), "no submitted answer to this step") {
		t.Errorf("a pair with an application not in the step: %v", err)
	}
	if _, err := w.Matchings.Pair(ctx, w.stranger, id, w.apps["Ada"].ID, w.apps["Bob"].ID, 0); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's pair: %v, want not found", err)
	}
}
