package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// job is a demo job: its interview and the candidates invited to it.
type job struct {
	title, description string
	interview, intro   string
	steps              []step
	candidates         []candidate
	extras             []extra // later rounds, no one invited yet
	blind              bool    // reviewed blind: the team sees "Candidate N"
}

// step is an interview step with the answers demo candidates give.
type step struct {
	opening.Step
	texts []string // text steps: answers, picked by candidate.texts
	picks [3][]int // choice steps: option indexes chosen at skill 0 (strong), 1 and 2 (weak)
}

// progress is how far a candidate has come.
type progress int

const (
	invited   progress = iota // has the link, has not started
	started                   // answered some steps
	submitted                 // answered and submitted
)

// candidate is a demo candidate and what they do.
type candidate struct {
	name, email, zone string
	daysAgo           float64 // when they were invited
	progress          progress
	answered          int   // started: how many steps they answered so far
	texts             []int // per text step, in order: index into step.texts; -1 leaves it blank
	skill             int   // 0 strong … 2 weak: how they fare on choice steps
	reviews           []verdict
	talk              []line // their conversation with the team, after they opened the link
}

// line is one message of a demo conversation.
type line struct {
	daysAgo  float64
	by       account.Role // "" for the candidate
	internal bool
	body     string
	read     bool // the candidate has read it (team messages)
}

// verdict is a member's review of a candidate.
type verdict struct {
	by      account.Role
	ratings []int // per text step, in order
	rec     review.Recommendation
	note    string
}

// createJob creates j with its interview as the recruiter, then walks
// every candidate through their part.
func (s *seeder) createJob(ctx context.Context, j job) error {
	recruiter := s.team[account.Recruiter]
	created, err := s.svc.Openings.CreateJob(ctx, recruiter, opening.JobInput{Title: &j.title, Description: &j.description, Blind: &j.blind})
	if err != nil {
		return err
	}
	steps := make([]opening.Step, len(j.steps))
	for i, st := range j.steps {
		steps[i] = st.Step
	}
	deadline := 10
	iv, err := s.svc.Openings.CreateInterview(ctx, recruiter, opening.InterviewInput{
		JobID: &created.ID, Title: &j.interview, Intro: &j.intro, DeadlineDays: &deadline, Steps: &steps,
	})
	if err != nil {
		return err
	}
	for _, c := range j.candidates {
		if err := s.runCandidate(ctx, j, iv, c); err != nil {
			return fmt.Errorf("candidate %s: %w", c.email, err)
		}
	}
	for _, x := range j.extras {
		if _, err := s.svc.Openings.CreateInterview(ctx, recruiter, opening.InterviewInput{
			JobID: &created.ID, Title: &x.title, Intro: &x.intro, DeadlineDays: &deadline, Steps: &x.steps,
		}); err != nil {
			return fmt.Errorf("interview %q: %w", x.title, err)
		}
	}
	return nil
}

// runCandidate invites c and plays their part: opening the link,
// answering, submitting, and the team's reviews.
func (s *seeder) runCandidate(ctx context.Context, j job, iv opening.Interview, c candidate) (err error) {
	s.at(c.daysAgo)
	res, err := s.svc.Applications.Invite(ctx, s.team[account.Recruiter], iv.ID, []application.NewCandidate{{Name: c.name, Email: c.email}})
	if err != nil {
		return err
	}
	if len(res.Invitations) != 1 {
		return fmt.Errorf("not invited: %v %v", res.Problems, res.Duplicates)
	}
	if c.progress == invited {
		return nil
	}
	// The candidate opens the link some hours later and answers a step
	// every few minutes.
	s.at(c.daysAgo - 0.3 - 0.05*float64(len(c.name)%7))
	a, err := s.svc.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		return err
	}
	if err := s.svc.Applications.SetTimeZone(ctx, a, c.zone); err != nil {
		return err
	}
	defer func() {
		if err == nil {
			err = s.talk(ctx, a, c.talk)
		}
	}()
	n := len(iv.Steps)
	if c.progress == started {
		n = c.answered
	}
	textIndex := 0
	for i := 0; i < n; i++ {
		s.clock = s.clock.Add(minutes(iv.Steps[i].Minutes + 1))
		if iv.Steps[i].Kind == opening.KindVideo {
			if err := s.recordVideo(ctx, a, iv.Steps[i].ID); err != nil {
				return fmt.Errorf("step %d: %w", i+1, err)
			}
			continue
		}
		if iv.Steps[i].Kind == opening.KindFile {
			if err := s.uploadDocument(ctx, a, iv.Steps[i].ID); err != nil {
				return fmt.Errorf("step %d: %w", i+1, err)
			}
			continue
		}
		in, ok := answerFor(j.steps[i], iv.Steps[i], c, &textIndex)
		if !ok {
			continue
		}
		if _, err := s.svc.Applications.SaveAnswer(ctx, a, iv.Steps[i].ID, in); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	if c.progress == started {
		return nil
	}
	s.clock = s.clock.Add(minutes(3))
	if _, err := s.svc.Applications.Submit(ctx, a); err != nil {
		return err
	}
	return s.reviewCandidate(ctx, iv, a.ID, c)
}

// answerFor is c's answer to step st (created as iv's step), and whether
// they give one.
func answerFor(st step, created opening.Step, c candidate, textIndex *int) (application.AnswerInput, bool) {
	switch st.Kind {
	case opening.KindText:
		k := -1
		if *textIndex < len(c.texts) {
			k = c.texts[*textIndex]
		}
		*textIndex++
		if k < 0 {
			return application.AnswerInput{}, false
		}
		return application.AnswerInput{Text: &st.texts[k]}, true
	case opening.KindChoice:
		ids := []int64{}
		for _, k := range st.picks[c.skill] {
			ids = append(ids, created.Options[k].ID)
		}
		return application.AnswerInput{Choices: &ids}, true
	}
	return application.AnswerInput{}, false
}

// reviewCandidate submits the team's verdicts on c's application.
func (s *seeder) reviewCandidate(ctx context.Context, iv opening.Interview, appID int64, c candidate) error {
	var textSteps []int64
	for _, st := range iv.Steps {
		if st.Kind == opening.KindText {
			textSteps = append(textSteps, st.ID)
		}
	}
	for _, v := range c.reviews {
		ratings := map[int64]int{}
		for i, r := range v.ratings {
			if i < len(textSteps) {
				ratings[textSteps[i]] = r
			}
		}
		in := review.Input{Ratings: ratings, Recommendation: v.rec, Note: v.note}
		if _, err := s.svc.Reviews.Submit(ctx, s.team[v.by], appID, in); err != nil {
			return fmt.Errorf("review by %s: %w", v.by, err)
		}
	}
	return nil
}

// talk posts a demo conversation, each line at its time; the candidate
// reads the team's lines marked read.
func (s *seeder) talk(ctx context.Context, a application.Application, lines []line) error {
	for _, l := range lines {
		s.at(l.daysAgo)
		var err error
		if l.by == "" {
			_, err = s.svc.Messages.PostAsCandidate(ctx, a, l.body)
		} else {
			_, err = s.svc.Messages.Post(ctx, s.team[l.by], a.ID, l.body, l.internal)
		}
		if err != nil {
			return err
		}
		if l.read {
			s.clock = s.clock.Add(2 * time.Hour)
			if _, err := s.svc.Messages.CandidateThread(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}
