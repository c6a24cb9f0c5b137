package video

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/blob"
)

// Get returns recording id if who may watch it.
//
// A team member of the organisation watches answers with
// ViewApplications once the candidate has submitted them, and the team's
// own videos with any role. A candidate
// watches their own takes, and the prompt, intro and outro videos of
// their interview once ready. Anyone else hears that it does not exist.
func (s *Service) Get(ctx context.Context, who Viewer, id int64) (_ Recording, err error) {
	defer apperr.Wrap(&err, "video.Get(%d)", id)
	m, _, err := s.get(ctx, who, id)
	return m, err
}

// get is Get, and whether who hears recording id blind: a team member or
// a guest while its application is reviewed blind
// (application.Application.Blind) gets its sound alone, never a file that
// shows the candidate (File.Shows). The candidate is never blind.
func (s *Service) get(ctx context.Context, who Viewer, id int64) (_ Recording, blind bool, err error) {
	m, err := scanRecording(s.db.QueryRow(ctx, `SELECT `+recordingColumns+` FROM media WHERE id = $1`, id))
	if err != nil {
		return Recording{}, false, err
	}
	if !s.mayWatch(who, m) {
		return Recording{}, false, apperr.NotFound("recording")
	}
	switch {
	case who.Member != nil && m.Purpose == Answer:
		// Until submitted, a take is the candidate's alone.
		a, err := s.applications.Application(ctx, *who.Member, m.ApplicationID)
		if err != nil || !a.Shared() {
			return Recording{}, false, apperr.NotFound("recording")
		}
		blind = a.Blind
	case who.guest && m.Purpose == Answer:
		blind = who.Application.Blind
	}
	return m, blind, nil
}

func (s *Service) mayWatch(who Viewer, m Recording) bool {
	switch {
	case who.Member != nil:
		if who.Member.OrgID != m.OrgID {
			return false
		}
		return m.Purpose != Answer || who.Member.Can(account.ViewApplications)
	case who.Application != nil:
		a := who.Application
		if m.Purpose == Answer {
			return m.ApplicationID == a.ID
		}
		return m.InterviewID == a.InterviewID && m.Status == Ready && m.RemovedAt == nil
	}
	return false
}

// Open opens a file of recording id for who, with its content type. A
// blind viewer (see get) hears the answer: FileAudio, never a file that
// shows the candidate. The audio copy of an answer recorded before copies
// were made is queued when first asked for, and until it is ready Open
// answers a conflict that says to try again in a moment.
func (s *Service) Open(ctx context.Context, who Viewer, id int64, f File) (_ blob.Object, _ string, err error) {
	defer apperr.Wrap(&err, "video.Open(%d)", id)
	m, blind, err := s.get(ctx, who, id)
	if err != nil {
		return nil, "", err
	}
	if f != FileVideo && f != FilePoster && f != FileRendition && f != FileAudio {
		return nil, "", apperr.NotFound("file")
	}
	if blind && f.Shows() {
		return nil, "", errBlind
	}
	if f == FileAudio {
		key, err := s.openAudio(ctx, m)
		if err != nil {
			return nil, "", err
		}
		obj, err := s.blobs.Open(ctx, key)
		if err != nil {
			return nil, "", err
		}
		return obj, "audio/mp4", nil
	}
	key, ctype := m.key(f)
	if key == "" {
		switch {
		case m.Status == Uploading || m.Status == Processing:
			return nil, "", apperr.Conflict("the recording is still being processed; try again in a moment")
		case m.Status == Ready && f == FileRendition:
			// Made in the background where the original needs it;
			// mp4_url appears in the recording's JSON once it exists.
			return nil, "", apperr.NotFound("MP4 copy")
		}
		return nil, "", apperr.NotFound("recording")
	}
	obj, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, "", err
	}
	return obj, ctype, nil
}

func (m Recording) key(f File) (key, contentType string) {
	switch f {
	case FileVideo:
		return m.PlayableKey, m.ContentType
	case FilePoster:
		return m.PosterKey, "image/jpeg"
	case FileRendition:
		return m.RenditionKey, "video/mp4"
	}
	return "", ""
}

// TeamVideos are the team's videos of an interview that candidates see:
// the newest ready intro and outro, and each video step's prompt.
type TeamVideos struct {
	Intro, Outro *Recording
	Prompts      map[int64]Recording // by step id
	// Pending are recordings newer than their slot's current video that
	// are not ready: still processing, or failed (with Error). Slots are
	// keyed as SlotKey gives them.
	Pending map[string]Recording
}

// SlotKey names the place a team video fills: "intro", "outro", or
// "prompt-<step id>".
func SlotKey(p Purpose, stepID int64) string {
	if p == Prompt {
		return fmt.Sprintf("prompt-%d", stepID)
	}
	return string(p)
}

// PendingFor is the recording not yet ready in a slot, if any.
func (tv TeamVideos) PendingFor(p Purpose, stepID int64) *Recording {
	if m, ok := tv.Pending[SlotKey(p, stepID)]; ok {
		return &m
	}
	return nil
}

// InterviewVideos returns the team's current videos of an interview.
func (s *Service) InterviewVideos(ctx context.Context, orgID, interviewID int64) (_ TeamVideos, err error) {
	defer apperr.Wrap(&err, "video.InterviewVideos(%d)", interviewID)
	rows, err := s.db.Query(ctx, `SELECT `+recordingColumns+` FROM media
		WHERE interview_id = $1 AND org_id = $2 AND purpose <> 'answer' AND status <> 'discarded' AND removed_at IS NULL ORDER BY id`, interviewID, orgID)
	if err != nil {
		return TeamVideos{}, err
	}
	all, err := scanAll(rows)
	if err != nil {
		return TeamVideos{}, err
	}
	tv := TeamVideos{Prompts: map[int64]Recording{}, Pending: map[string]Recording{}}
	stale := s.now().Add(-24 * time.Hour)
	for _, m := range all { // newest last, so it wins
		key := SlotKey(m.Purpose, m.StepID)
		if m.Status != Ready {
			if m.Status != Uploading || m.UpdatedAt.After(stale) { // an upload left for a day is abandoned
				tv.Pending[key] = m
			}
			continue
		}
		delete(tv.Pending, key)
		switch m.Purpose {
		case Intro:
			tv.Intro = &m
		case Outro:
			tv.Outro = &m
		case Prompt:
			tv.Prompts[m.StepID] = m
		}
	}
	return tv, nil
}

// RemoveTeamVideo takes a prompt, intro or outro video off its interview.
func (s *Service) RemoveTeamVideo(ctx context.Context, actor account.Member, id int64) (err error) {
	defer apperr.Wrap(&err, "video.RemoveTeamVideo(%d)", id)
	if !actor.Can(account.ManageJobs) {
		return apperr.Forbidden("your role cannot change interviews")
	}
	res, err := s.db.Exec(ctx, `UPDATE media SET removed_at = $1, updated_at = $1 WHERE id = $2 AND org_id = $3 AND purpose <> 'answer'`,
		s.now(), id, actor.OrgID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound("recording")
	}
	return nil
}
