// Package video owns recordings: candidates' video answers (one row per
// take), the prompt video of a step and an interview's intro and outro.
//
// A recording arrives through a tus upload (package upload mounts tusd and
// calls BeginUpload, UploadFor and FinishUpload here). When the last byte
// is in, the recording becomes the answer and a queue task processes it:
// ffmpeg, always in the sandbox (package ffmpeg), reads its headers and
// refuses a file beyond the limits or longer than the step allows, then
// remuxes the browser's file so it can be seeked and cuts a poster; a
// second task makes an H.264/AAC MP4 for browsers that cannot play the
// original. The original is kept as it came. A take refused for its file
// fails with the reason, for whoever recorded it; on a worker where
// ffmpeg cannot run in the sandbox, recordings wait in the queue.
//
// Who may do what is decided here, in one place per action: a candidate
// records only for a video step of their own open application, once they
// agreed to be recorded, within the takes the step allows; team members
// of the organisation with the matching permission watch, comment and
// record prompts.
package video

import (
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
)

// Purpose says what a recording belongs to.
type Purpose string

// Purposes.
const (
	Answer Purpose = "answer" // a take of a candidate's answer to a video step
	Prompt Purpose = "prompt" // the question of a video step, recorded by the team
	Intro  Purpose = "intro"  // the interview's welcome video
	Outro  Purpose = "outro"  // the interview's closing video
)

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return p == Answer || p == Prompt || p == Intro || p == Outro }

// Status is where a recording stands. The first four are docs/contracts.md's
// media statuses; Discarded marks a take the candidate gave up before it
// finished uploading, which still counts as one of their takes.
type Status string

// Statuses.
const (
	Uploading  Status = "uploading"
	Processing Status = "processing"
	Ready      Status = "ready"
	Failed     Status = "failed"
	Discarded  Status = "discarded"
)

// Limits.
const (
	// MaxUploadBytes caps any single upload; the tus handler enforces it.
	MaxUploadBytes = 4 << 30
	// answerBytesPerSecond is the bitrate allowed for answers: 1 MB/s,
	// about four times what browsers record at 720p.
	answerBytesPerSecond = 1 << 20
	// answerHeadroom is added to every answer's cap, for short answers
	// at a high bitrate and container overhead.
	answerHeadroom = 32 << 20
	// teamUploadBytes caps prompt, intro and outro videos, which may be
	// files made elsewhere.
	teamUploadBytes = 2 << 30
	// teamMaxSeconds is the longest prompt, intro or outro video.
	teamMaxSeconds = 600
)

// ResumeWindow is how long after an answer could last have been recorded
// (the deadline, or the take's start plus its length, whichever is
// later) its upload may still be resumed: long enough for a candidate
// who lost their connection to come back, short enough that a take begun
// before the deadline cannot be filled with anything, any time later.
const ResumeWindow = 24 * time.Hour

// Tolerance is how much longer than the step's limit a recording may run
// and still count: the recorder stops at the limit, but chunk boundaries
// and clocks add a little.
func Tolerance(maxSeconds int) time.Duration {
	return 5*time.Second + time.Duration(maxSeconds)*time.Second/50
}

// AnswerCap is the most bytes an answer to a step of maxSeconds may have.
func AnswerCap(maxSeconds int) int64 {
	return int64(maxSeconds)*answerBytesPerSecond + answerHeadroom
}

// Recording is one recording.
type Recording struct {
	ID            int64
	OrgID         int64
	InterviewID   int64
	Purpose       Purpose
	StepID        int64 // answer and prompt
	ApplicationID int64 // answer
	MemberID      int64 // who recorded a prompt, intro or outro
	Take          int   // answers: 1 for the first take of a step
	UploadID      string
	TusID         string // tusd's id for the upload (the S3 store extends UploadID)
	ClientKey     string // the recorder's name for the take
	Status        Status
	Error         string // why it failed, for the person who recorded it
	Filename      string
	Filetype      string
	Size          int64 // bytes uploaded so far, once finished the file's size
	MaxSize       int64
	MaxSeconds    int
	OriginalKey   string
	PlayableKey   string // the seekable remux
	ContentType   string // of the playable file
	PosterKey     string
	RenditionKey  string // H.264/AAC MP4, when the original is something else
	AudioKey      string // answers: the sound alone, AAC in an .m4a, once AudioStatus is AudioReady
	AudioStatus   AudioStatus
	Duration      *float64
	RemovedAt     *time.Time // team videos taken off their interview
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Counts reports whether a take counts against the step's allowance:
// every take does except one that failed processing, which the candidate
// is told to record again.
func (m Recording) Counts() bool { return m.Status != Failed }

// AudioStatus is where an answer's audio copy stands. Every answer gets
// one once it is ready; answers older than the copies get theirs when a
// blind viewer first asks, or when their job turns blind (PrepareAudio).
type AudioStatus string

// Audio statuses.
const (
	AudioNotAsked AudioStatus = ""       // no copy asked for yet
	AudioQueued   AudioStatus = "queued" // a task is making it
	AudioReady    AudioStatus = "ready"  // AudioKey names it
	AudioSilent   AudioStatus = "silent" // the recording has no sound: there is nothing to hear
	AudioFailed   AudioStatus = "failed" // it could not be made
)

// File names what can be fetched of a recording.
type File string

// Files of a recording.
const (
	FileVideo     File = "video"     // the seekable remux
	FilePoster    File = "poster"    // a JPEG frame
	FileRendition File = "video.mp4" // H.264/AAC MP4
	FileAudio     File = "audio.m4a" // answers: the sound alone, AAC in MP4
)

// Shows reports whether f shows the candidate: the video, its poster and
// its MP4 copy do; the audio copy does not. A blind viewer gets only
// files that do not.
func (f File) Shows() bool { return f != FileAudio }

// Viewer is who acts on a recording: a team member, a candidate through
// their application, or a guest of a share link through the application
// it shares. Member or Application is set, not both.
type Viewer struct {
	Member      *account.Member
	Application *application.Application
	guest       bool // Application is shared with a guest, not its candidate's own
}

// MemberViewer, CandidateViewer and GuestViewer make a Viewer. The
// candidate is never blind to their own takes; a member or a guest is
// while the application is reviewed blind (application.Application.Blind).
func MemberViewer(m account.Member) Viewer             { return Viewer{Member: &m} }
func CandidateViewer(a application.Application) Viewer { return Viewer{Application: &a} }
func GuestViewer(a application.Application) Viewer     { return Viewer{Application: &a, guest: true} }

// errBlind is what a blind viewer hears when asking for a file that shows
// the candidate: it is not there for them.
var errBlind = apperr.New(apperr.ErrNotFound,
	"this job is reviewed blind: you hear the answer; the video is withheld until the candidate is revealed")
