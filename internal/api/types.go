package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/httpx"
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
	Blind       *bool              `json:"blind"`
}

func (in jobInput) domain() opening.JobInput {
	return opening.JobInput{Title: in.Title, Description: in.Description, Status: in.Status, Blind: in.Blind}
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
	Blind             bool               `json:"blind"`
	ApplicationCounts map[string]int     `json:"application_counts"`
	Interviews        []interviewRefJSON `json:"interviews,omitzero"` // a single job only
	CreatedAt         string             `json:"created_at"`
	UpdatedAt         string             `json:"updated_at"`
}

func newJob(j opening.Job, counts application.JobCounts) jobJSON {
	out := jobJSON{ID: j.ID, Title: j.Title, Description: j.Description, Status: string(j.Status), Blind: j.Blind,
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
// the settings of the step's kind, which its unit writes and reads
// (KindSettings).
type stepJSON struct {
	stepCommon
	// settings are the kind's, to write (newStep); sent are the names
	// and values a request gave besides the common fields, for the kind
	// to read (domain).
	settings any
	sent     map[string]json.RawMessage
}

type stepCommon struct {
	ID      int64  `json:"id,omitempty"` // absent on a new step
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Prompt  string `json:"prompt"`
	Minutes int    `json:"minutes"`
}

// commonNames are stepCommon's names, exactly as spelled.
var commonNames = map[string]bool{"id": true, "kind": true, "title": true, "prompt": true, "minutes": true}

// MarshalJSON writes the common fields, then the kind's settings.
func (st stepJSON) MarshalJSON() ([]byte, error) { return withFields(st.stepCommon, st.settings) }

// UnmarshalJSON reads the common fields, and keeps the rest for the kind.
func (st *stepJSON) UnmarshalJSON(data []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	common := map[string]json.RawMessage{}
	for name, v := range all {
		if commonNames[name] {
			common[name] = v
			delete(all, name)
		}
	}
	data, err := json.Marshal(common)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &st.stepCommon); err != nil {
		return err
	}
	st.sent = all
	return nil
}

// domain turns the i-th step of a request into the domain's Step. A
// setting of another kind is an error, not silently dropped; whether the
// kind itself is known and available is the domain's to say.
func (st stepJSON) domain(i int) (opening.Step, error) {
	kind := opening.Kind(st.Kind)
	out := opening.Step{ID: st.ID, Kind: kind, Title: st.Title, Prompt: st.Prompt, Minutes: st.Minutes}
	at := fmt.Sprintf("steps[%d]", i)
	names := slices.Sorted(maps.Keys(st.sent))
	for _, name := range names {
		for known := range commonNames {
			if strings.EqualFold(known, name) {
				field := at + "." + name
				return out, apperr.Invalid(field, "unknown field %q: names are case-sensitive; did you mean %q?", field, known)
			}
		}
	}
	if !kind.Available() {
		return out, nil
	}
	own := kind.Facts().Settings
	for _, name := range names {
		if slices.Contains(own, name) {
			continue
		}
		field := at + "." + name
		if has := opening.KindsWithSetting(name); len(has) > 0 {
			kinds := make([]string, len(has))
			for i, k := range has {
				kinds[i] = string(k)
			}
			return out, apperr.Invalid(field, "step %d: %s is a setting of %s steps, not of %s steps", i+1, name, strings.Join(kinds, " or "), kind)
		}
		for _, known := range own {
			if strings.EqualFold(known, name) {
				return out, apperr.Invalid(field, "unknown field %q: names are case-sensitive; did you mean %q?", field, known)
			}
		}
		return out, apperr.Invalid(field, "unknown field %q", field)
	}
	k, ok := opening.As[KindSettings](kind)
	if !ok {
		return out, nil
	}
	data, err := json.Marshal(st.sent)
	if err != nil {
		return out, err
	}
	err = k.ReadSettings(&out, func(v any) error { return httpx.UnmarshalStrict(data, v, at) })
	return out, err
}

// newStep returns st for JSON; team says whether the reader is the team,
// who see which options are correct and the hidden tests, which
// candidates must never see.
func newStep(st opening.Step, team bool) stepJSON {
	out := stepJSON{stepCommon: stepCommon{ID: st.ID, Kind: string(st.Kind), Title: st.Title, Prompt: st.Prompt, Minutes: st.Minutes}}
	if k, ok := opening.As[KindSettings](st.Kind); ok {
		out.settings = k.SettingsJSON(st, team)
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
	Blind          bool                `json:"blind"`       // the team sees "Candidate N" without email, and video answers as audio
	RevealedAt     *string             `json:"revealed_at"` // when a blind job's candidate was revealed
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
	Reveal  bool `json:"reveal"`  // show a blind job's hidden candidate: the reviews are in
}

func newApplication(a application.Application) applicationJSON {
	return applicationJSON{ID: a.ID, Status: string(a.Status), Candidate: candidateJSON{a.Candidate.Name, a.Candidate.Email},
		JobID: a.JobID, InterviewID: a.InterviewID, TimeZone: a.TimeZone, InvitedAt: ts(a.InvitedAt), DeadlineAt: ts(a.DeadlineAt),
		StartedAt: tsp(a.StartedAt), SubmittedAt: tsp(a.SubmittedAt), RevokedAt: tsp(a.RevokedAt),
		Score: a.Score, MaxScore: a.MaxScore, ReviewCount: a.ReviewCount, UpdatedAt: ts(a.UpdatedAt), Outcome: outcome(a),
		VideoConsentAt: tsp(a.VideoConsentAt), Blind: a.Blind, RevealedAt: tsp(a.RevealedAt)}
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

// answerJSON is an answer as its candidate sees it, without a score,
// which would tell which options are correct: the common fields, then the
// kind's (KindAnswer).
type answerJSON struct {
	answerCommon
	fields any
}

type answerCommon struct {
	StepID    int64  `json:"step_id"`
	Kind      string `json:"kind"`
	UpdatedAt string `json:"updated_at"`
}

// MarshalJSON writes the common fields, then the kind's.
func (a answerJSON) MarshalJSON() ([]byte, error) { return withFields(a.answerCommon, a.fields) }

// scoredAnswerJSON is an answer as the team sees it; score and max_score
// are null for kinds not scored automatically.
type scoredAnswerJSON struct {
	answerJSON
	Score    *float64 `json:"score"`
	MaxScore *float64 `json:"max_score"`
}

// MarshalJSON writes the answer, then its score.
func (a scoredAnswerJSON) MarshalJSON() ([]byte, error) {
	answer, err := a.answerJSON.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return withFields(json.RawMessage(answer), struct {
		Score    *float64 `json:"score"`
		MaxScore *float64 `json:"max_score"`
	}{a.Score, a.MaxScore})
}

// newAnswer is st's answer as JSON: a stored answer, or for a video step
// the take shown while none is the answer yet (appview.Step.Present);
// team says the reader is the team.
func newAnswer(st appview.Step, base string, team bool) answerJSON {
	out := answerJSON{answerCommon: answerCommon{StepID: st.Step.ID, Kind: string(st.Step.Kind), UpdatedAt: ts(st.Answer.UpdatedAt)}}
	if k, ok := opening.As[KindAnswer](st.Step.Kind); ok {
		out.fields = k.AnswerJSON(st, base, team)
	}
	return out
}

type reviewInput struct {
	Ratings        map[int64]int   `json:"ratings"`
	Criteria       review.Criteria `json:"criteria"` // step id → criterion id → 1..5
	Recommendation string          `json:"recommendation"`
	Note           string          `json:"note"`
}

// reviewDraftJSON is the caller's own scorecard not yet submitted.
type reviewDraftJSON struct {
	Ratings        map[int64]int   `json:"ratings"`
	Criteria       review.Criteria `json:"criteria"`
	Recommendation string          `json:"recommendation"` // empty until chosen
	Note           string          `json:"note"`
	UpdatedAt      string          `json:"updated_at"`
}

func newReviewDraft(d review.Draft) reviewDraftJSON {
	ratings := d.Ratings
	if ratings == nil {
		ratings = map[int64]int{}
	}
	crit := d.Criteria
	if crit == nil {
		crit = review.Criteria{}
	}
	return reviewDraftJSON{Ratings: ratings, Criteria: crit, Recommendation: string(d.Recommendation), Note: d.Note, UpdatedAt: ts(d.UpdatedAt)}
}

type reviewerJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type reviewJSON struct {
	ID             int64           `json:"id"`
	ApplicationID  int64           `json:"application_id"`
	Reviewer       reviewerJSON    `json:"reviewer"`
	Mine           bool            `json:"mine"`
	Ratings        map[int64]int   `json:"ratings"`  // step id → 1..5
	Criteria       review.Criteria `json:"criteria"` // step id → criterion id → 1..5
	Recommendation string          `json:"recommendation"`
	Note           string          `json:"note"`
	CreatedAt      string          `json:"created_at"`
	UpdatedAt      string          `json:"updated_at"`
}

func newReview(r review.Review, me account.Member) reviewJSON {
	ratings := r.Ratings
	if ratings == nil {
		ratings = map[int64]int{}
	}
	crit := r.Criteria
	if crit == nil {
		crit = review.Criteria{}
	}
	return reviewJSON{ID: r.ID, ApplicationID: r.ApplicationID, Mine: r.Reviewer.ID == me.ID,
		Reviewer: reviewerJSON{ID: r.Reviewer.ID, Name: r.Reviewer.Name, Email: r.Reviewer.Email},
		Ratings:  ratings, Criteria: crit, Recommendation: string(r.Recommendation), Note: r.Note,
		CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt)}
}

type reviewAveragesJSON struct {
	Overall  float64           `json:"overall"`
	Steps    map[int64]float64 `json:"steps"`
	Criteria map[int64]float64 `json:"criteria"` // criterion id → average
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
	// A code review, the whole of it each time.
	Comments *[]lineCommentInput `json:"comments"`
	Summary  *string             `json:"summary"`
}

type lineCommentInput struct {
	File      string `json:"file"`
	Side      string `json:"side"` // new (the default), or old for removed lines
	LineStart int    `json:"line_start"`
	LineEnd   int    `json:"line_end"` // line_start when left out
	Body      string `json:"body"`
}

// input is the answer as the application service takes it.
func (in answerInput) input() application.AnswerInput {
	out := application.AnswerInput{Text: in.Text, Choices: in.Choices, Language: in.Language, Code: in.Code}
	if in.Comments != nil || in.Summary != nil {
		r := &application.CodeReview{Comments: []application.LineComment{}}
		if in.Comments != nil {
			for _, c := range *in.Comments {
				r.Comments = append(r.Comments, application.LineComment(c))
			}
		}
		if in.Summary != nil {
			r.Summary = *in.Summary
		}
		out.CodeReview = r
	}
	return out
}

type timeZoneInput struct {
	TimeZone string `json:"time_zone"`
}
