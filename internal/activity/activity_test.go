package activity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

const starter = "def add(a, b):\n    pass\n"

type world struct {
	s    domain.Services
	a    application.Application
	code opening.Step
	text opening.Step
}

func newWorld(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	s := domaintest.New(t, sqldbtest.Open(t))
	token, err := s.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := s.Accounts.TokenMember(ctx, token)
	title := "Engineer"
	job, err := s.Openings.CreateJob(ctx, owner, opening.JobInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	steps := []opening.Step{
		{Kind: opening.KindCode, Title: "Add", Points: 1, Code: &opening.CodeTask{
			Languages: []opening.Language{opening.Python, opening.JavaScript},
			Starter:   map[opening.Language]string{opening.Python: starter, opening.JavaScript: "function add(a, b) {}\n"},
			Tests: map[opening.Language]opening.CodeTests{
				opening.Python:     {Visible: "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"},
				opening.JavaScript: {Visible: "const { add } = require('./solution');\ntest('add', () => expect(add(1, 2)).toBe(3));\n"},
			}}},
		{Kind: opening.KindText, Title: "Why us?"},
	}
	ivTitle := "Screen"
	iv, err := s.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: &ivTitle, Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, s.Openings, owner, iv)
	res, err := s.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return world{s: s, a: res.Invitations[0].Application, code: iv.Steps[0], text: iv.Steps[1]}
}

func frames(t *testing.T, src ...string) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	for _, f := range src {
		if !json.Valid([]byte(f)) {
			t.Fatalf("test frame %s is not JSON", f)
		}
		out = append(out, json.RawMessage(f))
	}
	return out
}

func (w world) send(t *testing.T, session string, seq int, base *string, fs []json.RawMessage) (int, error) {
	t.Helper()
	return w.s.Activity.Append(context.Background(), w.a, w.code.ID, activity.Chunk{Session: session, Seq: seq, Base: base, Frames: fs})
}

func ptr[T any](v T) *T { return &v }

// Replaying what was recorded gives the code exactly: typing, a frame of
// changes at several cursors, an undo, a paste, a language switch that
// replaces the code with another starter, and characters outside the
// Basic Multilingual Plane (two code units each, as the editor counts).
func TestReplayReproducesTheCode(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// starter: "def add(a, b):\n    pass\n"; "pass" is at 19..23.
	first := frames(t,
		`[400, 19, 23, "r"]`,
		`[120, 20, 20, "e"]`, `[90, 21, 21, "t"]`,
		`[300, 0, 0, "# 🙂\n"]`, // five code units: 🙂 takes two
		`[50, 0, 5, ""]`,       // undo of it
		`[2000, "P", 8, "a + b"]`, `[5, 22, 22, " a + b"]`,
		`[800, 4, 7, "plus", 8, 9, "x", 11, 12, "y"]`, // three cursors: add→plus, a→x, b→y
	)
	n, err := w.send(t, "sessionone", 0, ptr(starter), first)
	if err != nil || n != len(first) {
		t.Fatalf("append: %d, %v", n, err)
	}
	// The same chunk again (its answer was lost): nothing is added twice.
	if n, err := w.send(t, "sessionone", 0, ptr(starter), first); err != nil || n != len(first) {
		t.Fatalf("resend: %d, %v", n, err)
	}
	want := "def plus(x, y):\n    ret a + b\n"
	rec, err := w.s.Activity.Record(ctx, w.a.ID, w.code.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rec.Replay(); err != nil || got != want {
		t.Fatalf("replay = %q, %v; want %q", got, err, want)
	}

	// The page is opened again: a session of its own, from the code it
	// opened with. Then a language switch.
	second := frames(t, `[100, "L", "javascript"]`, `[0, 0, 30, "function add(a, b) {}\n"]`, `[700, 20, 20, " return a + b; "]`)
	if _, err := w.send(t, "sessiontwo", 0, ptr(want), second); err != nil {
		t.Fatal(err)
	}
	rec, _ = w.s.Activity.Record(ctx, w.a.ID, w.code.ID)
	if len(rec.Sessions) != 2 || rec.Sessions[1].Continues || rec.Sessions[1].Base != want {
		t.Fatalf("the second session should start from the code it opened with: %+v", rec.Sessions)
	}
	final := "function add(a, b) { return a + b; }\n"
	if got, _ := rec.Replay(); got != final {
		t.Fatalf("replay = %q, want %q", got, final)
	}

	// Opened on another device whose code differs: the base is kept, and
	// the replay follows it.
	other := "function add(a, b) { return b + a; }\n"
	if _, err := w.send(t, "sessionthree", 0, ptr(other), frames(t, `[10, 0, 0, "// mine\n"]`)); err != nil {
		t.Fatal(err)
	}
	rec, _ = w.s.Activity.Record(ctx, w.a.ID, w.code.ID)
	if rec.Sessions[2].Continues || rec.Sessions[2].Base != other {
		t.Fatalf("a session that starts elsewhere keeps its base: %+v", rec.Sessions[2])
	}
	if ok, why := rec.Check("// mine\n" + other); !ok {
		t.Fatalf("check: %s", why)
	}
	if ok, why := rec.Check(final); ok || why == "" {
		t.Fatal("a record that does not end with the saved code must say so")
	}

	sum, err := w.s.Activity.ForApplication(ctx, w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := sum[w.code.ID]
	byKind := map[string][]activity.Event{}
	for _, e := range got.Events {
		byKind[e.Kind] = append(byKind[e.Kind], e)
	}
	if got.Sessions != 3 || got.Pastes != 1 || got.Pasted != 8 || len(got.Events) != 4 || len(byKind[activity.Open]) != 2 {
		t.Fatalf("summary: %+v", got)
	}
	if p := byKind[activity.Paste][0]; p.Detail != "a + b" || p.Length != 8 {
		t.Fatalf("paste event: %+v", p)
	}
	if l := byKind[activity.Language]; len(l) != 1 || l[0].Detail != "javascript" {
		t.Fatalf("language events: %+v", l)
	}
	// Typing: the changes less than five seconds apart, not the paste.
	if ms := got.Typing.Milliseconds(); ms != 400+120+90+300+50+800+0+700+10 {
		t.Fatalf("typing %d ms", ms)
	}
	// The team reads nothing before submission.
	if team, _ := w.s.Activity.ForTeam(ctx, w.a); len(team) != 0 {
		t.Fatalf("the team reads activity before submission: %+v", team)
	}
}

// What is wrong is refused, with a clear error and nothing kept.
func TestBadChunks(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	bad := map[string]activity.Chunk{
		"session name":       {Session: "x", Base: ptr(""), Frames: frames(t, `[1, 0, 0, "a"]`)},
		"no array":           {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `{"dt": 1}`)},
		"one value":          {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1]`)},
		"negative time":      {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[-1, 0, 0, "a"]`)},
		"end before start":   {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, 5, 2, "a"]`)},
		"out of order":       {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, 5, 6, "a", 1, 2, "b"]`)},
		"half a change":      {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, 5, 6]`)},
		"text not a string":  {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, 0, 0, 5]`)},
		"unknown event":      {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, "X"]`)},
		"paste without size": {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, "P"]`)},
		"fraction":           {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1.5, 0, 0, "a"]`)},
		"huge position":      {Session: "sessionbad", Base: ptr(""), Frames: frames(t, `[1, 0, 99999999999, "a"]`)},
		"base too long":      {Session: "sessionbad", Base: ptr(strings.Repeat("x", application.MaxCode+1)), Frames: frames(t, `[1, 0, 0, "a"]`)},
	}
	for name, c := range bad {
		if _, err := w.s.Activity.Append(ctx, w.a, w.code.ID, c); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !errors.Is(err, apperr.ErrInvalid) && !errors.Is(err, apperr.ErrTooLarge) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
	// A session that does not start at its start, and frames that skip
	// some: refused with the number to send from.
	if _, err := w.send(t, "sessionlate", 3, nil, frames(t, `[1, 0, 0, "a"]`)); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a session without its start: %v", err)
	}
	if _, err := w.send(t, "sessiongood", 0, ptr(""), frames(t, `[1, 0, 0, "a"]`)); err != nil {
		t.Fatal(err)
	}
	if next, err := w.send(t, "sessiongood", 5, nil, frames(t, `[1, 1, 1, "b"]`)); !errors.Is(err, apperr.ErrConflict) || next != 1 {
		t.Errorf("a gap: %d, %v; want a conflict and 1", next, err)
	}
	// Only coding steps take records.
	if _, err := w.s.Activity.Append(ctx, w.a, w.text.ID, activity.Chunk{Session: "sessiontext", Base: ptr(""), Frames: frames(t, `[1, 0, 0, "a"]`)}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a text step: %v", err)
	}
	if _, err := w.s.Activity.Append(ctx, w.a, 999999, activity.Chunk{Session: "sessionnone", Base: ptr(""), Frames: frames(t, `[1, 0, 0, "a"]`)}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a step of no interview: %v", err)
	}
	rec, _ := w.s.Activity.Record(ctx, w.a.ID, w.code.ID)
	if len(rec.Sessions) != 1 {
		t.Fatalf("refused chunks left sessions: %+v", rec.Sessions)
	}
	if got, _ := rec.Replay(); got != "a" {
		t.Fatalf("replay = %q", got)
	}

	// A record is full at MaxRecord: the candidate's code is untouched.
	big := strings.Repeat("x", 1<<20)
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		_, err = w.send(t, "sessiongood", 1+i, nil, frames(t, `[1, 0, 0, "`+big+`"]`))
	}
	if !errors.Is(err, apperr.ErrTooLarge) {
		t.Fatalf("a record over %d bytes: %v", activity.MaxRecord, err)
	}
	rec, _ = w.s.Activity.Record(ctx, w.a.ID, w.code.ID)
	if rec.Bytes > activity.MaxRecord {
		t.Fatalf("record holds %d bytes", rec.Bytes)
	}

	// After submission nothing is taken.
	if _, err := w.s.Applications.Submit(ctx, w.a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.send(t, "sessionafter", 0, ptr(""), frames(t, `[1, 0, 0, "a"]`)); err == nil {
		t.Fatal("frames after submission were taken")
	} else if !errors.Is(err, apperr.ErrConflict) && !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("after submission: %v", err)
	}
}

// TestHostileRecords: a record built to cost minutes to replay (edits
// jumping from one end of a large document to the other) is refused
// within its budget, and opening the editor again and again cannot grow
// an answer's sessions without end.
func TestHostileRecords(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	var fs []json.RawMessage
	for i := 0; i < 2000; i++ {
		if i%2 == 0 {
			fs = append(fs, json.RawMessage(`[0, 0, 0, ""]`))
		} else {
			fs = append(fs, json.RawMessage(fmt.Sprintf(`[0, %d, %d, ""]`, len(big), len(big))))
		}
	}
	rec := activity.Record{Sessions: []activity.Session{{Base: big, Frames: fs}}}
	start := time.Now()
	if _, err := rec.Replay(); !errors.Is(err, activity.ErrTooComplex) {
		t.Fatalf("replaying a record that jumps across 1 MB 2,000 times: %v", err)
	}
	if ok, why := rec.Check(big); ok || why == "" {
		t.Error("a record too complex to replay is not called so")
	}
	t.Logf("refused after %s", time.Since(start))

	w := newWorld(t)
	var err error
	for i := 0; err == nil && i <= activity.MaxSessions; i++ {
		_, err = w.send(t, fmt.Sprintf("session-%04d", i), 0, ptr(""), nil)
	}
	if !errors.Is(err, apperr.ErrTooLarge) {
		t.Fatalf("session %d: %v, want the record full", activity.MaxSessions+1, err)
	}
}
