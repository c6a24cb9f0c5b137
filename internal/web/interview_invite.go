package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// inviteBatch is what happened to one source of candidates: the pasted
// list or the uploaded file. Line numbers count within the source.
type inviteBatch struct {
	Source     string
	Links      []inviteLink
	Problems   []application.RowProblem
	Duplicates []application.RowProblem
}

type candidateSource struct {
	name string
	r    io.Reader
}

type inviteLink struct {
	Application application.Application
	URL         string
}

type invitedPage struct {
	Interview opening.Interview
	Job       opening.Job
	invitedResult
	Gone bool // the result is no longer shown: expired, or another browser
}

// invitedResult is what an invitation post did, kept sealed for the page
// it redirects to (showOnce): the links are secrets, shown only there.
type invitedResult struct {
	Batches []inviteBatch
	Invited int
	Error   string // why a later source was not invited, after earlier ones were
}

// maxInviteBody bounds the whole invitation post: a pasted list and a file
// of up to application.MaxCandidateList each, plus the multipart envelope.
const maxInviteBody = 2*application.MaxCandidateList + 64<<10

// invite invites the candidates pasted into the form or uploaded as CSV
// and shows each new magic link once: only hashes are stored.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := need(m, account.InviteCandidates, "invite candidates"); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxInviteBody)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New(apperr.ErrTooLarge, "the upload is larger than 1 MB; split the list into smaller files")
		}
		return apperr.Invalid("", "the form could not be read; try again")
	}
	pasted := r.PostFormValue("candidates")
	var sources []candidateSource
	if strings.TrimSpace(pasted) != "" {
		sources = append(sources, candidateSource{"Pasted list", strings.NewReader(pasted)})
	}
	if file, hdr, err := r.FormFile("csv"); err == nil {
		defer file.Close()
		if hdr.Size > 0 {
			sources = append(sources, candidateSource{"File " + hdr.Filename, file})
		}
	}
	if len(sources) == 0 {
		return s.inviteFormError(w, r, m, id, pasted, apperr.Invalid("candidates", "paste at least one candidate or choose a CSV file"))
	}
	// Read every source before inviting anyone: a file that cannot be read
	// must not leave the pasted candidates invited with their links unseen.
	parsed := make([]parsedSource, len(sources))
	for i, src := range sources {
		people, problems, err := application.ParseCandidates(src.r)
		if err == nil && len(people) > application.MaxInvitesPerCall {
			err = apperr.Invalid("candidates", "%s has %d candidates; invite at most %d at once", src.name, len(people), application.MaxInvitesPerCall)
		}
		if err != nil {
			return s.inviteFormError(w, r, m, id, pasted, err)
		}
		parsed[i] = parsedSource{name: src.name, people: people, problems: problems}
	}
	var data invitedResult
	for _, src := range parsed {
		b, err := s.inviteFrom(r, m, id, src)
		if err != nil {
			if len(data.Batches) == 0 {
				return s.inviteFormError(w, r, m, id, pasted, err)
			}
			// Earlier batches went in: show their links with the error.
			msg, _, ierr := formProblem(err)
			if ierr != nil {
				return ierr
			}
			data.Error = src.name + ": " + msg
			break
		}
		data.Invited += len(b.Links)
		data.Batches = append(data.Batches, b)
	}
	return s.showOnce(w, r, m, fmt.Sprintf("/interviews/%d/invited", id), data)
}

// showInvited shows what an invitation post did, with the new links,
// for as long as its stash lasts; a reload does not invite again.
func (s *Server) showInvited(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var data invitedPage
	if data.Interview, err = s.Openings.Interview(r.Context(), m, id); err != nil {
		return err
	}
	if data.Job, err = s.Openings.Job(r.Context(), m, data.Interview.JobID); err != nil {
		return err
	}
	found, err := s.openStash(r, m, &data.invitedResult)
	if err != nil {
		return err
	}
	data.Gone = !found
	s.render(w, r, http.StatusOK, "interview_invited", s.teamPage(r.Context(), m, "jobs", "Invitations", data))
	return nil
}

// parsedSource is a source of candidates, read.
type parsedSource struct {
	name     string
	people   []application.NewCandidate
	problems []application.RowProblem
}

func (s *Server) inviteFrom(r *http.Request, m account.Member, id int64, src parsedSource) (inviteBatch, error) {
	b := inviteBatch{Source: src.name, Problems: src.problems}
	if len(src.people) == 0 {
		return b, nil
	}
	res, err := s.Applications.Invite(r.Context(), m, id, src.people)
	if err != nil {
		return b, err
	}
	for _, inv := range res.Invitations {
		b.Links = append(b.Links, inviteLink{Application: inv.Application, URL: s.candidateLink(inv.Token)})
	}
	b.Problems = append(b.Problems, res.Problems...)
	b.Duplicates = res.Duplicates
	return b, nil
}

// inviteFormError shows the interview page again with the message above
// the invite form and the pasted text kept.
func (s *Server) inviteFormError(w http.ResponseWriter, r *http.Request, m account.Member, id int64, pasted string, err error) error {
	msg, status, err := formProblem(err)
	if err != nil {
		return err
	}
	data, err := s.interviewData(r, m, id)
	if err != nil {
		return err
	}
	data.Pasted = pasted
	p := s.teamPage(r.Context(), m, "jobs", data.Interview.Title, data)
	p.Error = msg
	s.render(w, r, status, "interview_show", p)
	return nil
}
