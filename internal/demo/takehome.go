package demo

import (
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/opening"
)

// extra is an interview of a job beyond its first, with no candidates yet.
type extra struct {
	title, intro string
	steps        []opening.Step
}

// backendTakehome is the engineering opening's second round: a Go
// take-home in a repository of the candidate's own, paid.
func backendTakehome() extra {
	return extra{
		title: "Take-home: arrival times",
		intro: "Thank you for the written round! This last part is a small piece of real work, done when it suits you, " +
			"in your own editor. It should take about two hours; we pay for your time whatever the outcome.",
		steps: []opening.Step{{
			Kind: opening.KindTakehome, Title: "Arrival times for a robot's route", Points: 10,
			Prompt: "Our dispatcher tells operators when a robot will reach its last stop. Its `ETA` function in " +
				"`dispatch/eta.go` is still a stub: make it work.\n\n" +
				"- A route is a list of legs; each leg starts where the one before it ended. If two legs do not connect, " +
				"return `ErrNoRoute` (wrapped or not).\n" +
				"- The robot moves at `speed` metres per second and waits `stop` at every stop between the first and the last.\n" +
				"- An empty route takes no time.\n\n" +
				"`go test ./...` runs the tests we give you; we also run tests of our own on every push. " +
				"Commit as you would at work: we read your history and your tests as well as your code.",
			Takehome: &opening.TakehomeTask{
				Language: opening.Go, Hours: 2, WindowHours: 72,
				Compensation: &opening.Compensation{Amount: "100", Currency: "EUR", Terms: "Paid within 14 days of submitting, whatever the outcome."},
				Starter: map[string]string{
					"go.mod":    "module northwind.example/robots\n\ngo 1.22\n",
					"README.md": "# robots\n\nArrival times for the robots' routes. Run the tests with `go test ./...`.\n",
					"dispatch/eta.go": `// Package dispatch plans what operators are told about robots on their way.
package dispatch

import (
	"errors"
	"time"
)

// Leg is one stretch of a robot's route.
type Leg struct {
	From, To string
	Metres   float64
}

// ErrNoRoute says that a route's legs do not connect.
var ErrNoRoute = errors.New("dispatch: the legs do not connect")

// ETA is how long a robot moving at speed metres per second takes to
// drive legs, waiting stop at every stop between the first and the last.
func ETA(legs []Leg, speed float64, stop time.Duration) (time.Duration, error) {
	// TODO
	return 0, nil
}
`,
				},
				Visible: map[string]string{
					"dispatch/eta_test.go": `package dispatch

import (
	"testing"
	"time"
)

func TestOneLeg(t *testing.T) {
	got, err := ETA([]Leg{{From: "dock", To: "aisle 4", Metres: 30}}, 1.5, time.Minute)
	if err != nil || got != 20*time.Second {
		t.Fatalf("ETA = %v, %v; want 20s", got, err)
	}
}
`,
				},
				Hidden: map[string]string{
					"dispatch/eta_hidden_test.go": `package dispatch_test

import (
	"errors"
	"testing"
	"time"

	"northwind.example/robots/dispatch"
)

func TestStops(t *testing.T) {
	legs := []dispatch.Leg{{"dock", "a", 10}, {"a", "b", 20}, {"b", "c", 30}}
	if got, err := dispatch.ETA(legs, 2, 5*time.Second); err != nil || got != 40*time.Second {
		t.Fatalf("ETA = %v, %v; want 40s (30 s driving, two stops)", got, err)
	}
}

func TestDisconnected(t *testing.T) {
	legs := []dispatch.Leg{{"dock", "a", 10}, {"b", "c", 20}}
	if _, err := dispatch.ETA(legs, 2, 0); !errors.Is(err, dispatch.ErrNoRoute) {
		t.Fatalf("err = %v; want ErrNoRoute", err)
	}
}

func TestEmpty(t *testing.T) {
	if got, err := dispatch.ETA(nil, 2, time.Minute); got != 0 || err != nil {
		t.Fatalf("ETA(nil) = %v, %v", got, err)
	}
}
`,
				},
			},
		}},
	}
}

// backendCodeReview is a round of the three ready-made code reviews, one
// per language, as a team that copied them would have it.
func backendCodeReview() extra {
	x := extra{title: "Code review round",
		intro: "Three short pull requests from colleagues, one each in Python, JavaScript and Go. Review each as you would at work: " +
			"comment on the lines that need it and say whether you would approve. Take them in any order, in one sitting or several."}
	for _, s := range codereview.Samples {
		t := s.Task
		t.Planted = append([]opening.Planted(nil), t.Planted...)
		x.steps = append(x.steps, opening.Step{Kind: opening.KindCodeReview, Title: s.Title, Prompt: s.Prompt, Minutes: s.Minutes, CodeReview: &t})
	}
	return x
}
