package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/share"
)

// A guest's way into the work of take-home and code-review steps: the
// take-home's repository at its last push, as a zip or a file at a time,
// and the code review read in the change. Each is the candidate's work as
// they submitted it; the team's comments on the work, the planted issues
// and the marks are the team's own and never reach a guest.

// guestStep finds the step in the address among the application's
// answered steps of kind k; any other step, answered or not, is not found.
func (s *Server) guestStep(r *http.Request, l share.Link, base string, k opening.Kind) (guestPage, appview.Step, error) {
	d, err := s.guestApplication(r, l, base)
	if err != nil {
		return d, appview.Step{}, err
	}
	id, err := httpx.PathID(r, "step")
	if err != nil {
		return d, appview.Step{}, err
	}
	for _, st := range d.Steps {
		if st.Step.ID == id && st.Step.Kind == k && st.Answered {
			return d, st, nil
		}
	}
	return d, appview.Step{}, apperr.NotFound("step")
}

// serveGuestWorkZip is GET /s/{token}/a/{app}/steps/{step}/repository.zip:
// a take-home's repository at the last push, named as the team's zip is.
func (s *Server) serveGuestWorkZip(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, st, err := s.guestStep(r, l, base, opening.KindTakehome)
	if err != nil {
		return err
	}
	if st.Repo == nil || len(st.Pushes) == 0 {
		return apperr.NotFound("repository")
	}
	name := workZipName(*d.App, st.Step)
	var buf bytes.Buffer
	if err := s.Takehomes.WriteZip(r.Context(), *st.Repo, st.Pushes[len(st.Pushes)-1].Commit, name, &buf); err != nil {
		return err
	}
	serveZip(w, name, buf.Bytes())
	return nil
}

// guestFilePage is a file of a take-home's work at the last push.
type guestFilePage struct {
	guestPage
	Step   opening.Step
	Work   string // the step's address under the link
	Commit string
	Path   string
	Tree   []git.Entry
	Lines  []template.HTML
	Binary bool
}

// FileURL is where the guest reads a file of the work.
func (d guestFilePage) FileURL(path string) string {
	return d.Work + "/repository/file?" + url.Values{"path": {path}}.Encode()
}

// showGuestWorkFile is GET /s/{token}/a/{app}/steps/{step}/repository/file?path=:
// a file of a take-home at the last push, highlighted, beside the list of
// its files; read only, without the team's comments.
func (s *Server) showGuestWorkFile(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	ctx := r.Context()
	d, st, err := s.guestStep(r, l, base, opening.KindTakehome)
	if err != nil {
		return err
	}
	if st.Repo == nil || len(st.Pushes) == 0 {
		return apperr.NotFound("repository")
	}
	fd := guestFilePage{guestPage: d, Step: st.Step, Work: fmt.Sprintf("%s/a/%d/steps/%d", base, d.App.ID, st.Step.ID),
		Commit: st.Pushes[len(st.Pushes)-1].Commit, Path: r.URL.Query().Get("path")}
	if fd.Tree, err = s.Takehomes.Tree(ctx, *st.Repo, fd.Commit); err != nil {
		return err
	}
	if fd.Path == "" && len(fd.Tree) > 0 {
		fd.Path = fd.Tree[0].Path
	}
	data, err := s.Takehomes.File(ctx, *st.Repo, fd.Commit, fd.Path)
	if err != nil {
		return err
	}
	fd.Lines, fd.Binary = workFileLines(st.Step, fd.Path, data)
	p := page{Title: fd.Path + " · " + d.App.Candidate.Name, Candidate: true, Wide: true, Data: fd}
	if org, err := s.Accounts.Org(ctx, l.OrgID); err == nil {
		p.Org = &org
	}
	s.render(w, r, http.StatusOK, "guest_work_file", p)
	return nil
}

// guestReviewPage is a code-review answer read in the change.
type guestReviewPage struct {
	guestPage
	Step    opening.Step
	Change  reviewChange
	Summary string
}

// showGuestCodeReview is GET /s/{token}/a/{app}/steps/{step}/codereview:
// the candidate's comments in the change, and their summary. The change
// is laid out as the candidate's (newReviewChange without the team's
// part), so no planted issue or mark is even loaded.
func (s *Server) showGuestCodeReview(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, st, err := s.guestStep(r, l, base, opening.KindCodeReview)
	if err != nil {
		return err
	}
	rd := guestReviewPage{guestPage: d, Step: st.Step}
	if rd.Change, err = newReviewChange(st.Step, st.Answer, false, ""); err != nil {
		return err
	}
	if st.Answer.CodeReview != nil {
		rd.Summary = st.Answer.CodeReview.Summary
	}
	p := page{Title: d.App.Candidate.Name + ": " + st.Step.Title, Candidate: true, Wide: true, Data: rd}
	if org, err := s.Accounts.Org(r.Context(), l.OrgID); err == nil {
		p.Org = &org
	}
	s.render(w, r, http.StatusOK, "guest_codereview", p)
	return nil
}
