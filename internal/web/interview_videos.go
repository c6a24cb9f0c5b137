package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// The interview's videos page lists every place a team video goes: the
// intro, the question of each video step, and the outro. Recording and
// uploading happen in the browser (recorder.js, through the tus endpoint,
// with the session cookie); the page only shows what is there and removes.

// interviewVideosPage is what the videos page shows.
type interviewVideosPage struct {
	Interview opening.Interview
	Job       opening.Job
	Slots     []videoSlot
	TZ        string
	// MaxSeconds is the longest team video the recorder allows; it
	// mirrors video's teamMaxSeconds, which the upload enforces.
	MaxSeconds int
}

// videoSlot is one place for a team video and what it holds now.
type videoSlot struct {
	Scope   string // the recorder's data-scope and the section's id: iv12-intro, iv12-step34
	Purpose video.Purpose
	StepID  int64 // prompt videos
	Title   string
	About   string
	Current *video.Recording // the newest ready video, if any
	// Processing says a newer recording is on its way: uploading or
	// being processed. Failed is a newer recording that could not be
	// used, with the reason in its Error.
	Processing bool
	Failed     *video.Recording
	DoneURL    string // where the recorder goes once the upload is saved
	// RefreshURL reloads the page at this slot while it is processing. It
	// differs from the address the browser is at (a "seen" time), because
	// a link to the same address with a #fragment only scrolls.
	RefreshURL string
}

// teamVideoSeconds is video's teamMaxSeconds: the longest prompt, intro
// or outro video.
const teamVideoSeconds = 600

// showInterviewVideos is GET /interviews/{id}/videos.
func (s *Server) showInterviewVideos(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(ctx, m, id)
	if err != nil {
		return err
	}
	j, err := s.Openings.Job(ctx, m, iv.JobID)
	if err != nil {
		return err
	}
	tv, err := s.Videos.InterviewVideos(ctx, m.OrgID, iv.ID)
	if err != nil {
		return err
	}
	data := interviewVideosPage{Interview: iv, Job: j, Slots: videoSlots(iv, tv), TZ: s.memberZone(ctx, m), MaxSeconds: teamVideoSeconds}
	for i := range data.Slots {
		sl := &data.Slots[i]
		switch p := tv.PendingFor(sl.Purpose, sl.StepID); {
		case p == nil:
		case p.Status == video.Failed:
			sl.Failed = p
		default:
			sl.Processing = true
			sl.RefreshURL = fmt.Sprintf("/interviews/%d/videos?sent=%d#%s", iv.ID, time.Now().UnixMilli(), sl.Scope)
		}
	}
	s.render(w, r, http.StatusOK, "interview_videos", s.teamPage(ctx, m, "jobs", "Videos · "+iv.Title, data))
	return nil
}

// videoSlots lists an interview's places for team videos in the order a
// candidate meets them.
func videoSlots(iv opening.Interview, tv video.TeamVideos) []videoSlot {
	slots := []videoSlot{{Purpose: video.Intro, Title: "Intro video", Current: tv.Intro,
		About: "Candidates see it on the welcome page, before they start."}}
	for i, st := range iv.Steps {
		if st.Kind != opening.KindVideo {
			continue
		}
		sl := videoSlot{Purpose: video.Prompt, StepID: st.ID, Title: fmt.Sprintf("Step %d: %s", i+1, st.Title),
			About: "The question, asked on camera; candidates see it above the recorder, with the written prompt."}
		if p, ok := tv.Prompts[st.ID]; ok {
			sl.Current = &p
		}
		slots = append(slots, sl)
	}
	slots = append(slots, videoSlot{Purpose: video.Outro, Title: "Outro video", Current: tv.Outro,
		About: "A closing word for candidates who have submitted."})
	for i := range slots {
		sl := &slots[i]
		sl.Scope = slotScope(iv.ID, sl.Purpose, sl.StepID)
		// A new query each time, so that going there reloads the page
		// rather than only scrolling to the slot.
		sl.DoneURL = fmt.Sprintf("/interviews/%d/videos?sent=%d#%s", iv.ID, time.Now().UnixMilli(), sl.Scope)
	}
	return slots
}

// slotScope names a slot uniquely, for the recorder's saved takes and the
// page's anchors.
func slotScope(ivID int64, p video.Purpose, stepID int64) string {
	if p == video.Prompt {
		return fmt.Sprintf("iv%d-step%d", ivID, stepID)
	}
	return fmt.Sprintf("iv%d-%s", ivID, p)
}

// removeInterviewVideo is POST /interviews/{id}/videos/{media}/remove: it
// takes a team video off the interview. The one recorded before it, if
// any, becomes current again.
func (s *Server) removeInterviewVideo(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	recordingID, err := httpx.PathID(r, "media")
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(ctx, m, id)
	if err != nil {
		return err
	}
	if err := need(m, account.ManageJobs, "change interviews"); err != nil {
		return err
	}
	med, err := s.Videos.Get(ctx, video.MemberViewer(m), recordingID)
	if err != nil {
		return err
	}
	if med.InterviewID != iv.ID || med.Purpose == video.Answer {
		return apperr.NotFound("recording")
	}
	if err := s.Videos.RemoveTeamVideo(ctx, m, recordingID); err != nil {
		return err
	}
	msg := "The " + slotName(iv, med) + " was removed."
	if tv, err := s.Videos.InterviewVideos(ctx, m.OrgID, iv.ID); err == nil && hasVideo(tv, med) {
		msg += " The one recorded before it is used again."
	}
	s.setFlash(w, msg)
	return redirect(w, r, fmt.Sprintf("/interviews/%d/videos#%s", iv.ID, slotScope(iv.ID, med.Purpose, med.StepID)))
}

// slotName is how the flash names the slot of a team video.
func slotName(iv opening.Interview, med video.Recording) string {
	switch med.Purpose {
	case video.Intro:
		return "intro video"
	case video.Outro:
		return "outro video"
	}
	for i, st := range iv.Steps {
		if st.ID == med.StepID {
			return fmt.Sprintf("question video of step %d", i+1)
		}
	}
	return "question video"
}

// hasVideo reports whether the slot of med still holds a video.
func hasVideo(tv video.TeamVideos, med video.Recording) bool {
	switch med.Purpose {
	case video.Intro:
		return tv.Intro != nil
	case video.Outro:
		return tv.Outro != nil
	}
	_, ok := tv.Prompts[med.StepID]
	return ok
}
