package web

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/opening"
)

func TestParseInterviewForm(t *testing.T) {
	form := url.Values{
		"title": {"Screen"}, "intro": {"Hi"}, "deadline_days": {"5"},
		"steps.0.id": {"7"}, "steps.0.kind": {"text"}, "steps.0.title": {"Why us"}, "steps.0.prompt": {"Tell"},
		"steps.0.minutes": {"10"}, "steps.0.max_words": {"200"}, "steps.0.position": {"2"},
		"steps.1.id": {"0"}, "steps.1.kind": {"choice"}, "steps.1.title": {"Pick"}, "steps.1.position": {"1"},
		"steps.1.multiple": {"1"}, "steps.1.points": {"2.5"},
		"steps.1.options.0.id": {"3"}, "steps.1.options.0.text": {"A"}, "steps.1.options.0.correct": {"1"},
		"steps.1.options.1.id": {"0"}, "steps.1.options.1.text": {" "},
		"steps.1.options.10.id": {"0"}, "steps.1.options.10.text": {"B"},
		"steps.2.kind": {"text"}, "steps.2.title": {"Gone"}, "steps.2.remove": {"1"}, "steps.2.position": {"3"},
		"action": {"save"},
	}
	f, err := parseInterviewForm(form)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Steps) != 3 || f.Steps[0].Title != "Pick" || f.Steps[1].Title != "Why us" {
		t.Fatalf("steps not sorted by position: %+v", f.Steps)
	}
	if got := f.Steps[0].Options; len(got) != 3 || got[0].ID != 3 || !got[0].Correct || got[2].Text != "B" {
		t.Errorf("options: %+v", got)
	}
	in, err := f.input()
	if err != nil {
		t.Fatal(err)
	}
	want := []opening.Step{
		{Kind: opening.KindChoice, Title: "Pick", Multiple: true, Points: 2.5, Options: []opening.Option{{ID: 3, Text: "A", Correct: true}, {Text: "B"}}},
		{ID: 7, Kind: opening.KindText, Title: "Why us", Prompt: "Tell", Minutes: 10, MaxWords: 200},
	}
	if diff := cmp.Diff(want, *in.Steps); diff != "" {
		t.Errorf("input steps (-want +got):\n%s", diff)
	}
	if *in.DeadlineDays != 5 || *in.Title != "Screen" {
		t.Errorf("deadline %d title %q", *in.DeadlineDays, *in.Title)
	}
}

func TestParseInterviewFormRejects(t *testing.T) {
	for _, key := range []string{"steps.x.title", "steps.999.title", "steps.0.bogus", "steps.0.options.1", "steps.0.options.99999.text", "steps.0.id"} {
		v := url.Values{key: {"v"}}
		if _, err := parseInterviewForm(v); err == nil {
			t.Errorf("%s accepted", key)
		}
	}
	f, err := parseInterviewForm(url.Values{"deadline_days": {"soon"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.input(); err == nil {
		t.Error("a deadline of \"soon\" accepted")
	}
}
