package application

import "github.com/anyhour/anyhour/internal/opening"

// What this package asks of a step kind's unit (opening.KindUnit;
// docs/step-kinds.md), each part by type assertion.

// An Answerer is a kind answered through SaveAnswer: it checks the
// candidate's input against the step and builds the answer to store,
// scored already when its kind is scored from the input alone.
type Answerer interface {
	Answer(step opening.Step, in AnswerInput) (Answer, error)
}

// A Giver says whether an answer holds an answer worth the name: some
// text, an option chosen, a take, a file. Every kind has one.
type Giver interface {
	Given(a Answer) bool
}

// A SubmitChecker refuses to send an answer that may be kept but not
// submitted, such as a text over its word limit.
type SubmitChecker interface {
	CheckSubmit(step opening.Step, a Answer) error
}

// A Scorer is a kind scored automatically, whose scores count in the
// total.
type Scorer interface {
	// Score is the answer's score and the most it could earn; ok is
	// false while the score is not known (code not yet graded), and max
	// counts in the total all the same.
	Score(step opening.Step, a Answer) (score, max float64, ok bool)
	// Derived reports whether the score is worked out from the step's
	// settings, so that changing them rescores stored answers (choice),
	// rather than stored when it is found (code, once graded).
	Derived() bool
}
