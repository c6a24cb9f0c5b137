package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/kinds/videokind"
	"github.com/anyhour/anyhour/internal/opening"
)

func TestParseInterviewForm(t *testing.T) {
	t.Parallel()
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
	in, err := f.input(opening.Interview{})
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
	t.Parallel()
	for _, key := range []string{"steps.x.title", "steps.999.title", "steps.0.Bo-gus", "steps.0.options.1", "steps.0.options.99999.text", "steps.0.id"} {
		v := url.Values{key: {"v"}}
		if _, err := parseInterviewForm(v); err == nil {
			t.Errorf("%s accepted", key)
		}
	}
	f, err := parseInterviewForm(url.Values{"deadline_days": {"soon"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.input(opening.Interview{}); err == nil {
		t.Error("a deadline of \"soon\" accepted")
	}
}

func TestParseInterviewFormVideo(t *testing.T) {
	t.Parallel()
	form := url.Values{
		"title": {"Screen"}, "deadline_days": {"7"}, "practice": {"1"},
		"steps.0.kind": {"video"}, "steps.0.title": {"Hello"}, "steps.0.think_seconds": {"30"},
		"steps.0.max_length": {" 2:30 "}, "steps.0.retakes": {"2"}, "steps.0.minutes": {""},
		"steps.1.id": {"9"}, "steps.1.kind": {"video"}, "steps.1.title": {"Defaults"},
		"steps.1.think_seconds": {""}, "steps.1.max_length": {""}, "steps.1.retakes": {""}, "steps.1.minutes": {"4"},
		"steps.2.kind": {"video"}, "steps.2.title": {"Seconds"}, "steps.2.max_length": {"90"},
	}
	f, err := parseInterviewForm(form)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Practice {
		t.Error("the practice box was ticked but reads false")
	}
	in, err := f.input(opening.Interview{})
	if err != nil {
		t.Fatal(err)
	}
	want := []opening.Step{
		{Kind: opening.KindVideo, Title: "Hello", ThinkSeconds: 30, MaxSeconds: 150, Retakes: 2},
		{ID: 9, Kind: opening.KindVideo, Title: "Defaults", Minutes: 4},
		{Kind: opening.KindVideo, Title: "Seconds", MaxSeconds: 90},
	}
	if diff := cmp.Diff(want, *in.Steps); diff != "" {
		t.Errorf("input steps (-want +got):\n%s", diff)
	}
	if in.Practice == nil || !*in.Practice {
		t.Errorf("practice %v, want true", in.Practice)
	}

	// Unticked, the box is absent from the post: practice is turned off.
	f, err = parseInterviewForm(url.Values{"title": {"Screen"}})
	if err != nil {
		t.Fatal(err)
	}
	if in, err := f.input(opening.Interview{}); err != nil || in.Practice == nil || *in.Practice {
		t.Errorf("without the box: practice %v, err %v; want false", in.Practice, err)
	}
}

func TestParseInterviewFormVideoRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ field, value, want string }{
		{"max_length", "2:5", "maximum length"},
		{"max_length", "1:60", "maximum length"},
		{"max_length", "two minutes", "maximum length"},
		{"max_length", "1:00:00", "maximum length"},
		{"max_length", "-30", "maximum length"},
		{"think_seconds", "half a minute", "think time"},
		{"retakes", "1.5", "retakes"},
	} {
		f, err := parseInterviewForm(url.Values{"steps.0.kind": {"video"}, "steps.0.title": {"Q"}, "steps.0." + tc.field: {tc.value}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.input(opening.Interview{})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "step 1") {
			t.Errorf("%s %q: error %v, want one about step 1's %s", tc.field, tc.value, err, tc.want)
		}
	}
}

func TestVideoStepInEditor(t *testing.T) {
	t.Parallel()
	st := opening.Step{ID: 4, Kind: opening.KindVideo, Title: "Q", ThinkSeconds: 30, MaxSeconds: 90, Retakes: 2}
	st.Minutes = videokind.Unit{}.Estimate(st) // as the domain works it out
	f := interviewFormOf(opening.Interview{Practice: true, Steps: []opening.Step{st}})
	got := f.Steps[0]
	if !f.Practice || got.Field("think_seconds") != "30" || got.Field("max_length") != "1:30" || got.Field("retakes") != "2" || got.Minutes != "" {
		t.Errorf("editor fields: practice %v, %+v", f.Practice, got)
	}
	st.Minutes = 12 // typed by a person: kept
	if got := interviewFormOf(opening.Interview{Steps: []opening.Step{st}}).Steps[0].Minutes; got != "12" {
		t.Errorf("a typed estimate reads %q in the editor, want 12", got)
	}
	if got := (interviewPage{}).VideoRules(opening.Step{Kind: opening.KindVideo, ThinkSeconds: 30, MaxSeconds: 120, Retakes: 2}); got != "up to 2:00 per take, 30 s to think, 3 takes" {
		t.Errorf("rules %q", got)
	}
	if got := (interviewPage{}).VideoRules(opening.Step{Kind: opening.KindVideo, MaxSeconds: 75}); got != "up to 1:15 per take, starts when ready, one take" {
		t.Errorf("rules %q", got)
	}
}
