// Package videokind is the video-answer step kind: the candidate records
// takes in the browser, with think time first and retakes if allowed, and
// chooses the one to send; reviewers rate it (docs/step-kinds.md). The
// recordings themselves are package video's.
package videokind

import (
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// Unit is the kind's unit (opening.KindUnit).
type Unit struct{}

// Facts are the kind's facts.
func (Unit) Facts() opening.KindFacts {
	return opening.KindFacts{Kind: opening.KindVideo, Label: "Video answer", Add: "Add a video-answer step",
		Available: true, Settings: []string{"think_seconds", "max_seconds", "retakes"}}
}

// Settings checks think time, length (none given is
// opening.DefaultMaxSeconds) and retakes, and works out the time
// estimate when none is given.
func (u Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	step.ThinkSeconds, step.MaxSeconds, step.Retakes = from.ThinkSeconds, from.MaxSeconds, from.Retakes
	if step.MaxSeconds == 0 {
		step.MaxSeconds = opening.DefaultMaxSeconds
	}
	if step.ThinkSeconds < 0 || step.ThinkSeconds > opening.MaxThink {
		return step, at.Invalid("think_seconds", "think time must be between 0 (start when ready) and %d seconds", opening.MaxThink)
	}
	if step.MaxSeconds < 10 || step.MaxSeconds > opening.MaxRecording {
		return step, at.Invalid("max_seconds", "a recording may last between 10 and %d seconds", opening.MaxRecording)
	}
	if step.Retakes < 0 || step.Retakes > opening.MaxRetakes {
		return step, at.Invalid("retakes", "retakes must be between 0 (one take) and %d", opening.MaxRetakes)
	}
	if step.Minutes == 0 {
		step.Minutes = u.Estimate(step)
	}
	return step, nil
}

// Given: a take is chosen.
func (Unit) Given(a application.Answer) bool { return a.RecordingID != 0 }

// View lists the takes and the one shown (video.Shown). The team counts
// the step answered while a take is shown, the last one uploaded before
// any is chosen, whose time is then the answer's.
func (Unit) View(v *appview.Step, p appview.Parts, forCandidate bool) {
	v.Takes = p.Takes[v.Step.ID]
	v.Take = video.Shown(v.Takes, v.Answer.RecordingID)
	for _, t := range v.Takes {
		if t.Status != video.Discarded {
			v.Recorded++
		}
	}
	if !v.Stored && v.Take != nil {
		v.Answer.UpdatedAt = v.Take.UpdatedAt
	}
	if !forCandidate {
		v.Answered = v.Take != nil
	}
}

type settingsJSON struct {
	ThinkSeconds int `json:"think_seconds"`
	MaxSeconds   int `json:"max_seconds"`
	Retakes      int `json:"retakes"`
}

// SettingsJSON is the think time, length and retakes.
func (Unit) SettingsJSON(st opening.Step, team bool) any {
	return settingsJSON{ThinkSeconds: st.ThinkSeconds, MaxSeconds: st.MaxSeconds, Retakes: st.Retakes}
}

// ReadSettings reads the think time, length and retakes.
func (Unit) ReadSettings(st *opening.Step, decode func(any) error) error {
	var in settingsJSON
	if err := decode(&in); err != nil {
		return err
	}
	st.ThinkSeconds, st.MaxSeconds, st.Retakes = in.ThinkSeconds, in.MaxSeconds, in.Retakes
	return nil
}

type answerJSON struct {
	Media *RecordingJSON  `json:"media,omitempty"` // the take shown
	Takes []RecordingJSON `json:"takes,omitempty"` // every take, first first
}

// AnswerJSON is the takes and the one shown.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	var out answerJSON
	for _, m := range v.Takes {
		mj := NewRecordingJSON(m, base, v.Blind)
		out.Takes = append(out.Takes, mj)
		if v.Take != nil && m.ID == v.Take.ID {
			out.Media = &mj
		}
	}
	return out
}

// RecordingJSON is a recording in the API (docs/contracts.md): status is
// uploading, processing, ready or failed, and error says why it failed.
// audio_url is an answer's sound alone, once made. For a team that
// reviews the application blind, url, poster_url and mp4_url are absent,
// and audio_url is what there is to play.
type RecordingJSON struct {
	ID              int64    `json:"id"`
	Take            int      `json:"take"`
	Status          string   `json:"status"`
	Error           string   `json:"error,omitempty"`
	DurationSeconds *float64 `json:"duration_seconds"`
	ContentType     string   `json:"content_type"`
	URL             *string  `json:"url,omitempty"`        // always there, empty until ready, unless blind
	PosterURL       *string  `json:"poster_url,omitempty"` // likewise
	MP4URL          string   `json:"mp4_url,omitempty"`    // an H.264/AAC copy, once made, for players that cannot play the original
	AudioURL        string   `json:"audio_url,omitempty"`  // answers: the sound alone, once made
	CreatedAt       string   `json:"created_at"`
}

// NewRecordingJSON is m for the API, its files under base; blind gives
// the sound alone (appview.Step.Blind).
func NewRecordingJSON(m video.Recording, base string, blind bool) RecordingJSON {
	out := RecordingJSON{ID: m.ID, Take: m.Take, Status: string(m.Status), DurationSeconds: m.Duration,
		ContentType: m.ContentType, CreatedAt: m.CreatedAt.UTC().Format(time.RFC3339)}
	switch m.Status {
	case video.Failed:
		out.Error = m.Error
	case video.Discarded:
		out.Status, out.Error = string(video.Failed), "This recording was discarded before it finished uploading."
	}
	file := func(f video.File) string { return fmt.Sprintf("%s/api/v1/media/%d/%s", base, m.ID, f) }
	if m.Status == video.Ready && m.AudioStatus == video.AudioReady {
		out.AudioURL = file(video.FileAudio)
	}
	if blind {
		// Nothing that shows the candidate, not even where it would be.
		out.ContentType = ""
		if out.AudioURL != "" {
			out.ContentType = "audio/mp4"
		}
		return out
	}
	var url, poster string
	if m.PlayableKey != "" {
		url = file(video.FileVideo)
	}
	if m.PosterKey != "" {
		poster = file(video.FilePoster)
	}
	out.URL, out.PosterURL = &url, &poster
	if m.RenditionKey != "" {
		out.MP4URL = file(video.FileRendition)
	}
	return out
}
