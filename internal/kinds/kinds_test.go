package kinds_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/anyhour/anyhour/internal/api"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/kinds"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/web"
)

// TestUnitsAgreeWithTheirFacts holds each kind's facts to its code: a
// kind said to be scored is a Scorer, every kind says when it is answered,
// the settings the API checks a request against are those the kind
// writes, and the parts each layer needs are there.
func TestUnitsAgreeWithTheirFacts(t *testing.T) {
	t.Parallel()
	for _, f := range opening.AvailableKinds() {
		if _, ok := f.Kind.Unit(); !ok {
			t.Errorf("%s is available but has no unit", f.Kind)
		}
	}
	for _, u := range kinds.All {
		f := u.Facts()
		t.Run(string(f.Kind), func(t *testing.T) {
			if got, ok := f.Kind.Unit(); !ok || got != u {
				t.Errorf("opening does not find the unit by its kind")
			}
			if _, ok := u.(application.Scorer); ok != f.Scored {
				t.Errorf("Scored is %v, but the unit is a Scorer: %v", f.Scored, ok)
			}
			if _, ok := u.(application.Giver); !ok {
				t.Errorf("not a Giver: nothing would count as answered")
			}
			if _, ok := u.(application.Answerer); ok {
				if _, ok := u.(web.FormAnswerer); !ok {
					t.Errorf("answered through the API but not on the step page (no FormAnswer)")
				}
			}
			if _, ok := u.(appview.Viewer); !ok && f.Scored {
				t.Errorf("scored but not a Viewer: the score would not be shown")
			}
			k, ok := u.(api.KindSettings)
			if !ok {
				t.Fatalf("not an api.KindSettings: its settings could not be set through the API")
			}
			data, err := json.Marshal(k.SettingsJSON(sample(f.Kind), true))
			if err != nil {
				t.Fatal(err)
			}
			var written map[string]json.RawMessage
			if err := json.Unmarshal(data, &written); err != nil {
				t.Fatal(err)
			}
			if got, want := slices.Sorted(maps.Keys(written)), slices.Sorted(slices.Values(f.Settings)); !slices.Equal(got, want) {
				t.Errorf("the team reads settings %v, the facts list %v", got, want)
			}
		})
	}
}

// sample is a step of kind k with every setting set, as saving makes it.
func sample(k opening.Kind) opening.Step {
	st := opening.Step{Kind: k, Title: "A step", Points: 2, MaxWords: 100, MaxSeconds: 60,
		Options: []opening.Option{{ID: 1, Text: "Yes", Correct: true}, {ID: 2, Text: "No"}},
		Code:    opening.NewCodeTask(), Files: &opening.FileRules{MaxFiles: 1, MaxMB: 25},
		Takehome: &opening.TakehomeTask{Language: opening.Python, Hours: 3, Starter: map[string]string{"app/pricing.py": "def total(items):\n    return 0\n"},
			Visible:      map[string]string{"tests/test_pricing.py": "from app.pricing import total\n"},
			Hidden:       map[string]string{"test_hidden.py": "from app.pricing import total\n\ndef test_sum():\n    assert total([1]) == 1\n"},
			Compensation: &opening.Compensation{Amount: "150", Currency: "EUR"}},
		CodeReview: &opening.CodeReviewTask{Diff: "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n", Tolerance: 2,
			Planted: []opening.Planted{{File: "app.py", Side: "new", LineStart: 1, LineEnd: 1, Label: "A bug", Points: 1}}}}
	out, err := opening.CheckStep(0, st)
	if err != nil {
		panic(err)
	}
	return out
}
