// Package appview builds an application as one reader sees it, once, for
// the pages and the API alike: Team is the application as a member of its
// organisation sees it, Candidate as its candidate does. Each holds the
// answers with their kind-specific parts (the take shown, the grading),
// the totals, the reviews the reader may see, and every decision about
// what the reader may do. The edges only choose a format; a rule written
// twice would drift, as the take shown once did between page and API.
//
// It sits above the services it reads (application, opening, video,
// grading, review, decision, message) and writes nothing.
package appview

import (
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/takehome"
	"github.com/anyhour/anyhour/internal/video"
)

// Service builds views of applications.
type Service struct {
	accounts     *account.Service
	openings     *opening.Service
	applications *application.Service
	reviews      *review.Service
	videos       *video.Service
	gradings     *grading.Service
	files        *filestep.Service
	takehomes    *takehome.Service
	messages     *message.Service
	decisions    *decision.Service
	activity     *activity.Service
}

// New returns a Service reading through the given services.
func New(accounts *account.Service, openings *opening.Service, applications *application.Service, reviews *review.Service,
	videos *video.Service, gradings *grading.Service, files *filestep.Service, takehomes *takehome.Service, messages *message.Service, decisions *decision.Service, act *activity.Service) *Service {
	return &Service{accounts: accounts, openings: openings, applications: applications, reviews: reviews,
		videos: videos, gradings: gradings, files: files, takehomes: takehomes, messages: messages, decisions: decisions, activity: act}
}

// Step is one step of an application with its answer, for either reader.
type Step struct {
	N       int // 1-based position, removed steps after the interview's
	Step    opening.Step
	Removed bool // no longer part of the interview; shown because it was answered
	Answer  application.Answer
	// Stored: an answer row exists. Answered: it holds an answer (text
	// not blank, an option chosen, code, a take; for the team, a take
	// shown).
	Stored, Answered bool
	// SavedAt is when the answer was last saved; the team learns it
	// before submission, never what it says.
	SavedAt time.Time

	// Scored: the step counts in the total now (choice always, code once
	// graded). Until code is graded Max is its points and Score zero.
	Score, Max float64
	Scored     bool
	Options    []Option // choice: the options, chosen or not

	Takes    []video.Recording // video: every take, first first
	Take     *video.Recording  // video: the take shown (video.Shown)
	Recorded int               // video: takes recorded, not given up
	// Blind: the reader is the team and reviews the application blind
	// (application.Application.Blind): a take reaches them as its sound
	// alone, never its video, poster or MP4 copy.
	Blind bool

	Grading *grading.Grading // code: the latest grading, as this reader may see it
	// Activity is what the code editor recorded (code): the team's once
	// submitted, the candidate's own always.
	Activity *activity.Summary

	Files []filestep.File // file: the files, oldest first (the candidate also sees those uploading)

	Repo     *takehome.Repo  // takehome: the candidate's repository, once started
	Pushes   []takehome.Push // takehome: the pushes, oldest first
	ClosesAt time.Time       // takehome: when the repository stops taking pushes (the window or the deadline)
	// Feedback: takehome, for the candidate: the reviewers' comments
	// marked feedback, once the decision has reached them.
	Feedback []takehome.Comment
}

// Option is a choice step's option with what the candidate chose.
type Option struct {
	ID              int64
	Text            string
	Chosen, Correct bool
	Removed         bool // removed from the step after the candidate chose it
}

// Present reports whether the step has an answer to show: a stored one,
// for a video step a take on its way before any is the answer, for a
// take-home its repository before the first push.
func (v Step) Present() bool { return v.Stored || v.Take != nil || v.Repo != nil }

// Parts are what other packages hold of an application's answers, by
// step id, for the kinds' Viewers.
type Parts struct {
	Takes    map[int64][]video.Recording
	Gradings map[int64]grading.Grading
	Activity map[int64]activity.Summary
	Files    map[int64][]filestep.File
	Repos    map[int64]takehome.Repo
	Pushes   map[int64][]takehome.Push
	// Deadline is the application's, as extended.
	Deadline time.Time
	// Blind is the application's Blind, for the team's view.
	Blind bool
}

// A Viewer is a step kind (opening.KindUnit) whose answers have parts of
// their own to show: it fills them into v from p, and may set v's score
// and whether it is answered. forCandidate says who reads: a candidate
// never sees what is the team's alone (hidden tests, correct options).
type Viewer interface {
	View(v *Step, p Parts, forCandidate bool)
}

// buildStep joins a step with its answer and, through its kind's Viewer,
// the answer's kind-specific parts.
func buildStep(n int, st opening.Step, removed bool, answers map[int64]application.Answer, parts Parts, forCandidate bool) Step {
	ans, ok := answers[st.ID]
	v := Step{N: n, Step: st, Removed: removed, Answer: ans, Stored: ok}
	v.Answered = ok && ans.Given(st.Kind)
	v.Blind = parts.Blind && !forCandidate
	if k, ok := opening.As[Viewer](st.Kind); ok {
		k.View(&v, parts, forCandidate)
	}
	return v
}
