package api

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// The JSON bodies of the API. Field names are snake_case, times RFC 3339
// in UTC; openapi.json describes every type here and the OpenAPI test
// checks responses against it.

// ts formats t for JSON: RFC 3339, UTC, whole seconds.
func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tsp is ts for a time that may be unset; nil becomes JSON null.
func tsp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ts(*t)
	return &s
}

type orgJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
}

type meJSON struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Role         string   `json:"role"`
	TimeZone     string   `json:"time_zone"` // empty: the organisation's
	Permissions  []string `json:"permissions"`
	Organization orgJSON  `json:"organization"`
}

// newMe lists m's permissions from account's one table, so that a new
// permission shows up here without anyone remembering to add it.
func newMe(m account.Member, org account.Org) meJSON {
	me := meJSON{ID: m.ID, Name: m.Name, Email: m.Email, Role: string(m.Role), TimeZone: m.TimeZone, Permissions: []string{},
		Organization: orgJSON{ID: org.ID, Name: org.Name, TimeZone: org.TimeZone}}
	for _, p := range m.Permissions() {
		me.Permissions = append(me.Permissions, string(p))
	}
	return me
}

// jobInput is a job in POST (title required) and PATCH (every field
// optional) requests.
type jobInput struct {
	Title       *string            `json:"title"`
	Description *string            `json:"description"`
	Status      *opening.JobStatus `json:"status"`
}

func (in jobInput) domain() opening.JobInput {
	return opening.JobInput{Title: in.Title, Description: in.Description, Status: in.Status}
}

type interviewRefJSON struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type jobJSON struct {
	ID                int64              `json:"id"`
	Title             string             `json:"title"`
	Description       string             `json:"description"`
	Status            string             `json:"status"`
	ApplicationCounts map[string]int     `json:"application_counts"`
	Interviews        []interviewRefJSON `json:"interviews,omitzero"` // a single job only
	CreatedAt         string             `json:"created_at"`
	UpdatedAt         string             `json:"updated_at"`
}

func newJob(j opening.Job, counts application.JobCounts) jobJSON {
	out := jobJSON{ID: j.ID, Title: j.Title, Description: j.Description, Status: string(j.Status),
		ApplicationCounts: map[string]int{}, CreatedAt: ts(j.CreatedAt), UpdatedAt: ts(j.UpdatedAt)}
	for _, st := range application.Statuses {
		out.ApplicationCounts[string(st)] = counts[st]
	}
	return out
}

// interviewInput is an interview in POST and PATCH requests; in a PATCH
// a field left out is unchanged, and steps, when sent, is the whole list.
type interviewInput struct {
	JobID        *int64      `json:"job_id"`
	Title        *string     `json:"title"`
	Intro        *string     `json:"intro"`
	DeadlineDays *int        `json:"deadline_days"`
	Practice     *bool       `json:"practice"`
	Steps        *[]stepJSON `json:"steps"`
}

func (in interviewInput) domain() (opening.InterviewInput, error) {
	out := opening.InterviewInput{JobID: in.JobID, Title: in.Title, Intro: in.Intro, DeadlineDays: in.DeadlineDays, Practice: in.Practice}
	if in.Steps != nil {
		steps := make([]opening.Step, len(*in.Steps))
		for i, st := range *in.Steps {
			var err error
			if steps[i], err = st.domain(i); err != nil {
				return out, err
			}
		}
		out.Steps = &steps
	}
	return out, nil
}

type interviewJSON struct {
	ID           int64      `json:"id"`
	JobID        int64      `json:"job_id"`
	Title        string     `json:"title"`
	Intro        string     `json:"intro"`
	DeadlineDays int        `json:"deadline_days"`
	Practice     bool       `json:"practice"`
	Minutes      int        `json:"minutes"`
	Steps        []stepJSON `json:"steps"`
	Unready      []string   `json:"unready"` // why candidates cannot be invited yet
	CreatedAt    string     `json:"created_at"`
	UpdatedAt    string     `json:"updated_at"`
}

func newInterview(iv opening.Interview) interviewJSON {
	out := interviewJSON{ID: iv.ID, JobID: iv.JobID, Title: iv.Title, Intro: iv.Intro, DeadlineDays: iv.DeadlineDays,
		Practice: iv.Practice, Minutes: iv.Minutes(), Steps: make([]stepJSON, len(iv.Steps)), Unready: iv.Unready(),
		CreatedAt: ts(iv.CreatedAt), UpdatedAt: ts(iv.UpdatedAt)}
	if out.Unready == nil {
		out.Unready = []string{}
	}
	for i, st := range iv.Steps {
		out.Steps[i] = newStep(st, true)
	}
	return out
}

// stepJSON is a step in requests and responses: the common fields, then
// each kind's settings, set only for steps of that kind. The settings of
// kinds not available yet (video, code) are here already, so that a
// request using them hears that the kind is not available rather than
// that a field is unknown, and so that adding those kinds renames nothing.
type stepJSON struct {
	ID      int64  `json:"id,omitempty"` // absent on a new step
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Prompt  string `json:"prompt"`
	Minutes int    `json:"minutes"`

	MaxWords *int         `json:"max_words,omitempty"` // text; 0 is no limit
	Multiple *bool        `json:"multiple,omitempty"`  // choice
	Points   *float64     `json:"points,omitempty"`    // choice, code
	Options  []optionJSON `json:"options,omitempty"`   // choice

	ThinkSeconds *int `json:"think_seconds,omitempty"` // video
	MaxSeconds   *int `json:"max_seconds,omitempty"`   // video
	Retakes      *int `json:"retakes,omitempty"`       // video

	Languages   []string                 `json:"languages,omitempty"`     // code
	Starter     map[string]string        `json:"starter,omitempty"`       // code: language → source
	Tests       map[string]codeTestsJSON `json:"tests,omitempty"`         // code: language → tests
	IOCases     []ioCaseJSON             `json:"io_cases,omitempty"`      // code
	TimeLimitMS *int                     `json:"time_limit_ms,omitempty"` // code
	MemoryMB    *int                     `json:"memory_mb,omitempty"`     // code

	ReviewersRate *bool `json:"reviewers_rate,omitempty"` // choice, code: reviewers rate these answers too

	Files *fileRulesJSON `json:"files,omitempty"` // file: what the candidate may upload
}

// fileRulesJSON is a file step's rules.
type fileRulesJSON struct {
	Types    []string `json:"types"`     // filetype names; empty takes every type
	MaxFiles int      `json:"max_files"` // 1 to 10; 0 is 1
	MaxMB    int      `json:"max_mb"`    // each file, 1 to 100; 0 is 25
}

type optionJSON struct {
	ID      int64  `json:"id,omitempty"` // absent on a new option
	Text    string `json:"text"`
	Correct *bool  `json:"correct,omitempty"` // never shown to candidates
}

type codeTestsJSON struct {
	Visible string `json:"visible"`
	Hidden  string `json:"hidden"`
}

type ioCaseJSON struct {
	Name   string  `json:"name"`
	Stdin  string  `json:"stdin"`
	Stdout string  `json:"stdout"`
	Hidden bool    `json:"hidden"`
	Points float64 `json:"points"`
}

// domain turns the i-th step of a request into the domain's Step. A
// setting of another kind is an error, not silently dropped; whether the
// kind itself is known and available is the domain's to say.
func (st stepJSON) domain(i int) (opening.Step, error) {
	kind := opening.Kind(st.Kind)
	if kind.Available() {
		if name, kinds := st.misplacedSetting(); name != "" {
			return opening.Step{}, apperr.Invalid(fmt.Sprintf("steps[%d].%s", i, name),
				"step %d: %s is a setting of %s steps, not of %s steps", i+1, name, kinds, kind)
		}
	}
	out := opening.Step{ID: st.ID, Kind: kind, Title: st.Title, Prompt: st.Prompt, Minutes: st.Minutes}
	if st.MaxWords != nil {
		out.MaxWords = *st.MaxWords
	}
	if st.Multiple != nil {
		out.Multiple = *st.Multiple
	}
	if st.Points != nil {
		out.Points = *st.Points
	}
	for _, o := range st.Options {
		out.Options = append(out.Options, opening.Option{ID: o.ID, Text: o.Text, Correct: o.Correct != nil && *o.Correct})
	}
	if kind == opening.KindCode {
		out.Code = st.codeTask()
	}
	if st.ThinkSeconds != nil {
		out.ThinkSeconds = *st.ThinkSeconds
	}
	if st.MaxSeconds != nil {
		out.MaxSeconds = *st.MaxSeconds
	}
	if st.Retakes != nil {
		out.Retakes = *st.Retakes
	}
	if st.ReviewersRate != nil {
		out.ReviewersRate = *st.ReviewersRate
	}
	if st.Files != nil {
		out.Files = &opening.FileRules{Types: st.Files.Types, MaxFiles: st.Files.MaxFiles, MaxMB: st.Files.MaxMB}
	}
	return out, nil
}

// misplacedSetting names the first setting st sets that its kind does not
// have, and the kinds that do.
func (st stepJSON) misplacedSetting() (name, kinds string) {
	for _, s := range []struct {
		name string
		set  bool
	}{
		{"max_words", st.MaxWords != nil},
		{"multiple", st.Multiple != nil},
		{"points", st.Points != nil},
		{"options", st.Options != nil},
		{"think_seconds", st.ThinkSeconds != nil},
		{"max_seconds", st.MaxSeconds != nil},
		{"retakes", st.Retakes != nil},
		{"languages", st.Languages != nil},
		{"starter", st.Starter != nil},
		{"tests", st.Tests != nil},
		{"io_cases", st.IOCases != nil},
		{"time_limit_ms", st.TimeLimitMS != nil},
		{"memory_mb", st.MemoryMB != nil},
		{"reviewers_rate", st.ReviewersRate != nil},
		{"files", st.Files != nil},
	} {
		// Which kinds have a setting is the kinds' table's to say.
		has := opening.KindsWithSetting(s.name)
		if s.set && !slices.Contains(has, opening.Kind(st.Kind)) {
			names := make([]string, len(has))
			for i, k := range has {
				names[i] = string(k)
			}
			return s.name, strings.Join(names, " or ")
		}
	}
	return "", ""
}

// newStep returns st for JSON; withCorrect says whether the options show
// which are correct, which candidates must never see.
func newStep(st opening.Step, withCorrect bool) stepJSON {
	out := stepJSON{ID: st.ID, Kind: string(st.Kind), Title: st.Title, Prompt: st.Prompt, Minutes: st.Minutes}
	switch st.Kind {
	case opening.KindText:
		out.MaxWords = &st.MaxWords
	case opening.KindChoice:
		out.Multiple, out.Points = &st.Multiple, &st.Points
		out.Options = make([]optionJSON, len(st.Options))
		for i, o := range st.Options {
			out.Options[i] = optionJSON{ID: o.ID, Text: o.Text}
			if withCorrect {
				out.Options[i].Correct = &o.Correct
			}
		}
	case opening.KindVideo:
		out.ThinkSeconds, out.MaxSeconds, out.Retakes = &st.ThinkSeconds, &st.MaxSeconds, &st.Retakes
	case opening.KindCode:
		out.Points = &st.Points
		out.setCode(st.Code, withCorrect)
	case opening.KindFile:
		if st.Files != nil {
			out.Files = &fileRulesJSON{Types: append([]string{}, st.Files.Types...), MaxFiles: st.Files.MaxFiles, MaxMB: st.Files.MaxMB}
		}
	}
	if withCorrect && (st.Kind == opening.KindChoice || st.Kind == opening.KindCode) {
		out.ReviewersRate = &st.ReviewersRate // the team's setting
	}
	return out
}

type candidateJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type inviteInput struct {
	Candidates []candidateJSON `json:"candidates"`
}

type invitationJSON struct {
	ApplicationID int64         `json:"application_id"`
	Candidate     candidateJSON `json:"candidate"`
	Token         string        `json:"token"`
	URL           string        `json:"url"`
	DeadlineAt    string        `json:"deadline_at"`
}

type rowProblemJSON struct {
	Row     int    `json:"row"`
	Input   string `json:"input"`
	Message string `json:"message"`
}

type inviteResultJSON struct {
	Invitations []invitationJSON `json:"invitations"`
	Problems    []rowProblemJSON `json:"problems"`
	Duplicates  []rowProblemJSON `json:"duplicates"`
}

func newRowProblems(ps []application.RowProblem) []rowProblemJSON {
	out := make([]rowProblemJSON, len(ps))
	for i, p := range ps {
		out[i] = rowProblemJSON{Row: p.Row, Input: p.Input, Message: p.Message}
	}
	return out
}

// applicationJSON is an application as the team sees it. The list leaves
// out answers and reviews.
type applicationJSON struct {
	ID             int64               `json:"id"`
	Status         string              `json:"status"`
	Candidate      candidateJSON       `json:"candidate"`
	JobID          int64               `json:"job_id"`
	InterviewID    int64               `json:"interview_id"`
	TimeZone       string              `json:"time_zone"` // the candidate's; empty until known
	InvitedAt      string              `json:"invited_at"`
	DeadlineAt     string              `json:"deadline_at"`
	StartedAt      *string             `json:"started_at"`
	SubmittedAt    *string             `json:"submitted_at"`
	RevokedAt      *string             `json:"revoked_at"`
	Score          *float64            `json:"score"`
	MaxScore       *float64            `json:"max_score"`
	ReviewCount    int                 `json:"review_count"`
	UpdatedAt      string              `json:"updated_at"`
	Outcome        *string             `json:"outcome"`          // the latest decision's; null until one
	VideoConsentAt *string             `json:"video_consent_at"` // when the candidate agreed to be recorded; null until then
	Progress       *progressJSON       `json:"progress,omitempty"`
	Answers        []scoredAnswerJSON  `json:"answers,omitzero"`
	Reviews        []reviewJSON        `json:"reviews,omitzero"`
	ReviewAverages *reviewAveragesJSON `json:"review_averages,omitempty"`
	ReviewDraft    *reviewDraftJSON    `json:"review_draft,omitempty"`
	Can            *canJSON            `json:"can,omitempty"` // a single application only
}

// canJSON is what the caller may do with an application, as the pages
// decide it too (appview.Can).
type canJSON struct {
	Rate    bool `json:"rate"`    // keep a review draft, submitted or not
	Review  bool `json:"review"`  // submit a review: the candidate has submitted
	Comment bool `json:"comment"` // comment on a take at a moment: review, and a take shown is ready
	Message bool `json:"message"` // write to the candidate
	Decide  bool `json:"decide"`  // advance, hold or reject
	Extend  bool `json:"extend"`  // give more time
	Link    bool `json:"link"`    // email, replace or revoke the candidate's link
}

func newApplication(a application.Application) applicationJSON {
	return applicationJSON{ID: a.ID, Status: string(a.Status), Candidate: candidateJSON{a.Candidate.Name, a.Candidate.Email},
		JobID: a.JobID, InterviewID: a.InterviewID, TimeZone: a.TimeZone, InvitedAt: ts(a.InvitedAt), DeadlineAt: ts(a.DeadlineAt),
		StartedAt: tsp(a.StartedAt), SubmittedAt: tsp(a.SubmittedAt), RevokedAt: tsp(a.RevokedAt),
		Score: a.Score, MaxScore: a.MaxScore, ReviewCount: a.ReviewCount, UpdatedAt: ts(a.UpdatedAt), Outcome: outcome(a),
		VideoConsentAt: tsp(a.VideoConsentAt)}
}

// progressJSON is how far a candidate has got: which steps hold an
// answer and when each was last saved, never what it says.
type progressJSON struct {
	Steps      int                `json:"steps"`
	Answered   []answeredStepJSON `json:"answered"`
	LastActive *string            `json:"last_active_at"`
}

type answeredStepJSON struct {
	StepID  int64  `json:"step_id"`
	SavedAt string `json:"saved_at"`
}

func newProgress(iv opening.Interview, p application.Progress) *progressJSON {
	out := &progressJSON{Steps: p.Steps, Answered: []answeredStepJSON{}}
	for _, st := range iv.Steps {
		if at, ok := p.Answered[st.ID]; ok {
			out.Answered = append(out.Answered, answeredStepJSON{StepID: st.ID, SavedAt: ts(at)})
		}
	}
	if !p.LastActive.IsZero() {
		at := ts(p.LastActive)
		out.LastActive = &at
	}
	return out
}

// outcome is an application's latest decision's outcome, nil before one.
func outcome(a application.Application) *string {
	if a.Outcome == "" {
		return nil
	}
	return &a.Outcome
}

type applicationListJSON struct {
	Applications []applicationJSON `json:"applications"`
	NextCursor   string            `json:"next_cursor"` // empty on the last page
}

// answerJSON is an answer as its candidate sees it: without a score,
// which would tell which options are correct.
type answerJSON struct {
	StepID    int64        `json:"step_id"`
	Kind      string       `json:"kind"`
	Text      *string      `json:"text,omitempty"`     // text
	Words     *int         `json:"words,omitempty"`    // text
	Choices   *[]int64     `json:"choices,omitempty"`  // choice: option ids
	Media     *mediaJSON   `json:"media,omitempty"`    // video: the take submitted
	Takes     []mediaJSON  `json:"takes,omitempty"`    // video: every take, first first
	Language  *string      `json:"language,omitempty"` // code
	Code      *string      `json:"code,omitempty"`     // code
	Grading   *gradingJSON `json:"grading,omitempty"`  // code: the latest grading, once queued
	Files     []fileJSON   `json:"files,omitempty"`    // file: the files, oldest first
	UpdatedAt string       `json:"updated_at"`
}

// scoredAnswerJSON is an answer as the team sees it; score and max_score
// are null for kinds not scored automatically.
type scoredAnswerJSON struct {
	answerJSON
	Score    *float64 `json:"score"`
	MaxScore *float64 `json:"max_score"`
}

// newAnswer is st's answer as JSON: a stored answer, or for a video step
// the take shown while none is the answer yet (appview.Step.Present).
func newAnswer(st appview.Step, base string) answerJSON {
	a := st.Answer
	out := answerJSON{StepID: st.Step.ID, Kind: string(st.Step.Kind), UpdatedAt: ts(a.UpdatedAt)}
	switch st.Step.Kind {
	case opening.KindText:
		words := a.Words()
		out.Text, out.Words = &a.Text, &words
	case opening.KindChoice:
		choices := append([]int64{}, a.Choices...)
		out.Choices = &choices
	case opening.KindCode:
		lang, code := string(a.Language), a.Code
		out.Language, out.Code = &lang, &code
		if st.Grading != nil {
			g := newGrading(*st.Grading)
			out.Grading = &g
		}
	case opening.KindFile:
		out.Files = []fileJSON{}
		for _, f := range st.Files {
			out.Files = append(out.Files, newFile(f, base))
		}
	case opening.KindVideo:
		for _, m := range st.Takes {
			mj := newMedia(m, base)
			out.Takes = append(out.Takes, mj)
			if st.Take != nil && m.ID == st.Take.ID {
				out.Media = &mj
			}
		}
		if !st.Stored && st.Take != nil {
			out.UpdatedAt = ts(st.Take.UpdatedAt)
		}
	}
	return out
}

type reviewInput struct {
	Ratings        map[int64]int `json:"ratings"`
	Recommendation string        `json:"recommendation"`
	Note           string        `json:"note"`
}

// reviewDraftJSON is the caller's own scorecard not yet submitted.
type reviewDraftJSON struct {
	Ratings        map[int64]int `json:"ratings"`
	Recommendation string        `json:"recommendation"` // empty until chosen
	Note           string        `json:"note"`
	UpdatedAt      string        `json:"updated_at"`
}

func newReviewDraft(d review.Draft) reviewDraftJSON {
	ratings := d.Ratings
	if ratings == nil {
		ratings = map[int64]int{}
	}
	return reviewDraftJSON{Ratings: ratings, Recommendation: string(d.Recommendation), Note: d.Note, UpdatedAt: ts(d.UpdatedAt)}
}

type reviewerJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type reviewJSON struct {
	ID             int64         `json:"id"`
	ApplicationID  int64         `json:"application_id"`
	Reviewer       reviewerJSON  `json:"reviewer"`
	Mine           bool          `json:"mine"`
	Ratings        map[int64]int `json:"ratings"` // step id → 1..5
	Recommendation string        `json:"recommendation"`
	Note           string        `json:"note"`
	CreatedAt      string        `json:"created_at"`
	UpdatedAt      string        `json:"updated_at"`
}

func newReview(r review.Review, me account.Member) reviewJSON {
	ratings := r.Ratings
	if ratings == nil {
		ratings = map[int64]int{}
	}
	return reviewJSON{ID: r.ID, ApplicationID: r.ApplicationID, Mine: r.Reviewer.ID == me.ID,
		Reviewer: reviewerJSON{ID: r.Reviewer.ID, Name: r.Reviewer.Name, Email: r.Reviewer.Email},
		Ratings:  ratings, Recommendation: string(r.Recommendation), Note: r.Note,
		CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt)}
}

type reviewAveragesJSON struct {
	Overall float64           `json:"overall"`
	Steps   map[int64]float64 `json:"steps"`
}

// candidateViewJSON is everything a candidate's link shows them.
type candidateViewJSON struct {
	Application  candidateApplicationJSON `json:"application"`
	Organization orgNameJSON              `json:"organization"`
	Job          jobNameJSON              `json:"job"`
	Interview    candidateInterviewJSON   `json:"interview"`
	Answers      []answerJSON             `json:"answers"`
}

type candidateApplicationJSON struct {
	ID          int64         `json:"id"`
	Status      string        `json:"status"`
	Candidate   candidateJSON `json:"candidate"`
	TimeZone    string        `json:"time_zone"`
	InvitedAt   string        `json:"invited_at"`
	DeadlineAt  string        `json:"deadline_at"`
	StartedAt   *string       `json:"started_at"`
	SubmittedAt *string       `json:"submitted_at"`
	CanAnswer   bool          `json:"can_answer"` // answers may still be saved and submitted
	// VideoConsentAt is when the candidate agreed to be recorded; until
	// then no recording is taken.
	VideoConsentAt *string `json:"video_consent_at"`
}

func newCandidateApplication(a application.Application, canAnswer bool) candidateApplicationJSON {
	return candidateApplicationJSON{ID: a.ID, Status: string(a.Status), Candidate: candidateJSON{a.Candidate.Name, a.Candidate.Email},
		TimeZone: a.TimeZone, InvitedAt: ts(a.InvitedAt), DeadlineAt: ts(a.DeadlineAt),
		StartedAt: tsp(a.StartedAt), SubmittedAt: tsp(a.SubmittedAt), CanAnswer: canAnswer, VideoConsentAt: tsp(a.VideoConsentAt)}
}

type orgNameJSON struct {
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
}

// jobNameJSON is what a candidate sees of the job: its title. The
// description is written for the team and may hold what candidates should
// not read.
type jobNameJSON struct {
	Title string `json:"title"`
}

type candidateInterviewJSON struct {
	ID      int64      `json:"id"`
	Title   string     `json:"title"`
	Intro   string     `json:"intro"`
	Minutes int        `json:"minutes"`
	Steps   []stepJSON `json:"steps"` // options without "correct"
}

// answerInput is a candidate's answer: text for text steps, choices (option
// ids) for choice steps.
type answerInput struct {
	Text     *string  `json:"text"`
	Choices  *[]int64 `json:"choices"`
	MediaID  *int64   `json:"media_id"` // video: the take to submit, for steps with retakes
	Language *string  `json:"language"` // code, with code
	Code     *string  `json:"code"`
}

type timeZoneInput struct {
	TimeZone string `json:"time_zone"`
}

// codeTask reads a code step's settings from a request.
func (st stepJSON) codeTask() *opening.CodeTask {
	c := &opening.CodeTask{}
	for _, l := range st.Languages {
		c.Languages = append(c.Languages, opening.Language(l))
	}
	if st.Starter != nil {
		c.Starter = map[opening.Language]string{}
		for l, src := range st.Starter {
			c.Starter[opening.Language(l)] = src
		}
	}
	if st.Tests != nil {
		c.Tests = map[opening.Language]opening.CodeTests{}
		for l, t := range st.Tests {
			c.Tests[opening.Language(l)] = opening.CodeTests{Visible: t.Visible, Hidden: t.Hidden}
		}
	}
	for _, io := range st.IOCases {
		c.IOCases = append(c.IOCases, opening.IOCase{Name: io.Name, Stdin: io.Stdin, Stdout: io.Stdout, Hidden: io.Hidden, Points: io.Points})
	}
	if st.TimeLimitMS != nil {
		c.TimeLimitMS = *st.TimeLimitMS
	}
	if st.MemoryMB != nil {
		c.MemoryMB = *st.MemoryMB
	}
	return c
}

// setCode writes a code step's settings for a response. Candidates
// (withHidden false) get the visible tests and cases only: hidden tests'
// code and cases never reach them.
func (st *stepJSON) setCode(c *opening.CodeTask, withHidden bool) {
	if c == nil {
		return
	}
	st.Languages = []string{}
	st.Starter = map[string]string{}
	st.Tests = map[string]codeTestsJSON{}
	st.IOCases = []ioCaseJSON{}
	for _, l := range c.Languages {
		st.Languages = append(st.Languages, string(l))
	}
	for l, src := range c.Starter {
		st.Starter[string(l)] = src
	}
	for l, t := range c.Tests {
		if !withHidden {
			t.Hidden = ""
		}
		st.Tests[string(l)] = codeTestsJSON{Visible: t.Visible, Hidden: t.Hidden}
	}
	for _, io := range c.IOCases {
		if io.Hidden && !withHidden {
			continue
		}
		st.IOCases = append(st.IOCases, ioCaseJSON{Name: io.Name, Stdin: io.Stdin, Stdout: io.Stdout, Hidden: io.Hidden, Points: io.Points})
	}
	st.TimeLimitMS, st.MemoryMB = &c.TimeLimitMS, &c.MemoryMB
}
