package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
)

// This file is a take-home's work as the team reads it, like a pull
// request: the pushes, the diff from the starter (or any commit) to the
// last push (or any other), each file highlighted, comments on its lines,
// any file of any commit, and the whole as a zip.

// largeDiff is the most changed lines a file's diff shows open.
const largeDiff = 400

type workPage struct {
	App        application.Application
	Step       opening.Step
	Repo       takehome.Repo
	Pushes     []takehome.Push
	From, To   string // the commits compared
	Commits    []workCommit
	Files      []workFile
	Comments   int
	Base       string // the work page's address
	TZ         string
	CanComment bool
	Error      string // why the last comment was not added
}

type workCommit struct {
	ID, Label string
}

type workFile struct {
	N       int
	Diff    git.FileDiff
	Large   bool
	Unified []workRow
	Split   []splitRow
}

// workRow is a line of a unified diff, with its comments; Form says the
// comment form opens under it.
type workRow struct {
	diffLine
	Comments []takehome.Comment
	Form     bool
}

// splitRow is a row of a side-by-side diff.
type splitRow struct {
	Hunk        string
	Left, Right *workRow
}

// Lasted is how long the candidate took from the start to the last push.
func (d workPage) Lasted() string {
	if len(d.Pushes) == 0 {
		return ""
	}
	dur := d.Pushes[len(d.Pushes)-1].PushedAt.Sub(d.Repo.StartedAt).Round(time.Minute)
	h, m := int(dur.Hours()), int(dur.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
}

// FileURL is where the team reads a file at a commit.
func (d workPage) FileURL(commit, path string) string {
	return d.Base + "/file?" + url.Values{"commit": {commit}, "path": {path}}.Encode()
}

// CommentURL opens the comment form under a line.
func (d workPage) CommentURL(f workFile, row workRow) string {
	q := url.Values{"from": {d.From}, "to": {d.To}, "comment": {fmt.Sprintf("%d:%s:%d", f.N, row.Side, row.Line)}}
	return fmt.Sprintf("%s?%s#f%d-%s%d", d.Base, q.Encode(), f.N, row.Side, row.Line)
}

// workRepo loads the application, step and repository the address names,
// as m's team may read them.
func (s *Server) workRepo(r *http.Request, m account.Member) (application.Application, opening.Step, takehome.Repo, error) {
	ctx := r.Context()
	id, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return application.Application{}, opening.Step{}, takehome.Repo{}, err
	}
	a, err := s.Applications.Application(ctx, m, id)
	if err != nil {
		return a, opening.Step{}, takehome.Repo{}, err
	}
	repo, err := s.Takehomes.TeamRepo(ctx, m, a, stepID)
	if err != nil {
		return a, opening.Step{}, repo, err
	}
	iv, err := s.Openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return a, opening.Step{}, repo, err
	}
	st, ok := iv.Step(stepID)
	if !ok {
		removed, err := s.Openings.RemovedSteps(ctx, a.OrgID, a.InterviewID)
		if err != nil {
			return a, st, repo, err
		}
		i := slices.IndexFunc(removed, func(x opening.Step) bool { return x.ID == stepID })
		if i < 0 {
			return a, st, repo, apperr.NotFound("step")
		}
		st = removed[i]
	}
	return a, st, repo, nil
}

func workBase(a application.Application, stepID int64) string {
	return fmt.Sprintf("/applications/%d/steps/%d/repository", a.ID, stepID)
}

// showWork is GET /applications/{id}/steps/{step}/repository.
func (s *Server) showWork(w http.ResponseWriter, r *http.Request, m account.Member) error {
	d, err := s.workData(r, m)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "application_work", s.teamPage(r.Context(), m, "jobs", d.App.Candidate.Name+": "+d.Step.Title, d))
	return nil
}

func (s *Server) workData(r *http.Request, m account.Member) (workPage, error) {
	ctx := r.Context()
	a, st, repo, err := s.workRepo(r, m)
	if err != nil {
		return workPage{}, err
	}
	d := workPage{App: a, Step: st, Repo: repo, Base: workBase(a, st.ID), CanComment: m.Can(account.Review),
		From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	if d.From == "" {
		d.From = repo.Starter
	}
	if d.To == "" {
		d.To = repo.Head
	}
	org, _ := s.Accounts.Org(ctx, m.OrgID)
	d.TZ = zone(m, &org)
	if d.Pushes, err = s.Takehomes.Pushes(ctx, a.ID, st.ID); err != nil {
		return d, err
	}
	d.Commits = append(d.Commits, workCommit{ID: repo.Starter, Label: "The starter"})
	for i, p := range d.Pushes {
		d.Commits = append(d.Commits, workCommit{ID: p.Commit, Label: fmt.Sprintf("Push %d: %s", i+1, clipText(p.Message, 60))})
	}
	diffs, err := s.Takehomes.Diff(ctx, repo, d.From, d.To)
	if err != nil {
		return d, err
	}
	comments, err := s.Takehomes.Comments(ctx, a.ID, st.ID, false)
	if err != nil {
		return d, err
	}
	open := r.URL.Query().Get("comment")
	lang := ""
	if st.Takehome != nil {
		lang = string(st.Takehome.Language)
	}
	for i, fd := range diffs {
		f := workFile{N: i + 1, Diff: fd, Large: fd.Added+fd.Removed > largeDiff}
		if !fd.Binary {
			oldPath := fd.Path
			if fd.OldPath != "" {
				oldPath = fd.OldPath
			}
			var oldLines, newLines []template.HTML
			if fd.Status != "added" {
				data, _ := s.Takehomes.File(ctx, repo, d.From, oldPath)
				oldLines = highlightLines(oldPath, lang, data)
			}
			if fd.Status != "deleted" {
				data, _ := s.Takehomes.File(ctx, repo, d.To, fd.Path)
				newLines = highlightLines(fd.Path, lang, data)
			}
			f.Unified, f.Split = diffRows(fd, oldLines, newLines, oldPath, d.From, d.To, comments, open, f.N)
			for _, row := range f.Unified {
				d.Comments += len(row.Comments)
			}
		}
		d.Files = append(d.Files, f)
	}
	return d, nil
}

func clipText(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// diffRows lays a file's hunks out as unified rows and side-by-side rows,
// with each line's comments (a comment is on the line it names, at the
// commit of the side it was written on) and the open form.
func diffRows(fd git.FileDiff, oldLines, newLines []template.HTML, oldPath, from, to string, comments []takehome.Comment, open string, n int) ([]workRow, []splitRow) {
	on := func(side string, num int) []takehome.Comment {
		var out []takehome.Comment
		for _, c := range comments {
			if c.Side == side && c.Line == num && ((side == "new" && c.Commit == to && c.Path == fd.Path) || (side == "old" && c.Commit == from && c.Path == oldPath)) {
				out = append(out, c)
			}
		}
		return out
	}
	lines, pairs := layDiff(fd, linesAt(oldLines), linesAt(newLines))
	unified := make([]workRow, len(lines))
	for i, l := range lines {
		unified[i] = workRow{diffLine: l}
		if l.Hunk == "" {
			unified[i].Comments = on(l.Side, l.Line)
			unified[i].Form = open == fmt.Sprintf("%d:%s:%d", n, l.Side, l.Line)
		}
	}
	split := make([]splitRow, 0, len(pairs))
	for _, p := range pairs {
		row := splitRow{Hunk: p.Hunk}
		switch {
		case p.Hunk != "":
		case p.Left == p.Right:
			left := workRow{diffLine: leftOf(lines[p.Left], linesAt(oldLines))}
			row.Left, row.Right = &left, &unified[p.Right]
		default:
			if p.Left >= 0 {
				row.Left = &unified[p.Left]
			}
			if p.Right >= 0 {
				row.Right = &unified[p.Right]
			}
		}
		split = append(split, row)
	}
	return unified, split
}

// addWorkComment is POST /applications/{id}/steps/{step}/repository/comments.
func (s *Server) addWorkComment(w http.ResponseWriter, r *http.Request, m account.Member) error {
	a, st, repo, err := s.workRepo(r, m)
	if err != nil {
		return err
	}
	line, _ := strconv.Atoi(r.PostFormValue("line"))
	in := takehome.CommentInput{Commit: r.PostFormValue("commit"), Path: r.PostFormValue("path"), Side: r.PostFormValue("side"),
		Line: line, Body: r.PostFormValue("body"), Feedback: r.PostFormValue("feedback") != ""}
	back := workBase(a, st.ID) + "?" + url.Values{"from": {r.PostFormValue("from")}, "to": {r.PostFormValue("to")}}.Encode()
	if _, err := s.Takehomes.AddComment(r.Context(), m, repo, in); err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		s.setFlash(w, "The comment was not added: "+sentence(msg))
		return redirect(w, r, back)
	}
	anchor := fmt.Sprintf("#c-%s-%d", in.Side, in.Line)
	if in.Feedback {
		s.setFlash(w, "Comment added as feedback: the candidate reads it once told the decision.")
	} else {
		s.setFlash(w, "Comment added, for the team only.")
	}
	return redirect(w, r, back+anchor)
}

type workFilePage struct {
	workPage
	Commit string
	Path   string
	Lines  []template.HTML
	Binary bool
	Tree   []git.Entry
}

// showWorkFile is GET /applications/{id}/steps/{step}/repository/file?commit=&path=:
// a file at a commit, highlighted, beside the list of the commit's files.
func (s *Server) showWorkFile(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	a, st, repo, err := s.workRepo(r, m)
	if err != nil {
		return err
	}
	d := workFilePage{workPage: workPage{App: a, Step: st, Repo: repo, Base: workBase(a, st.ID)},
		Commit: r.URL.Query().Get("commit"), Path: r.URL.Query().Get("path")}
	if d.Commit == "" {
		d.Commit = repo.Head
	}
	if d.Tree, err = s.Takehomes.Tree(ctx, repo, d.Commit); err != nil {
		return err
	}
	if d.Path == "" && len(d.Tree) > 0 {
		d.Path = d.Tree[0].Path
	}
	data, err := s.Takehomes.File(ctx, repo, d.Commit, d.Path)
	if err != nil {
		return err
	}
	d.Lines, d.Binary = workFileLines(st, d.Path, data)
	s.render(w, r, http.StatusOK, "application_work_file", s.teamPage(ctx, m, "jobs", d.Path, d))
	return nil
}

// workFileLines is a file of st's work highlighted line by line, or
// binary (a NUL in it) and not shown.
func workFileLines(st opening.Step, path string, data []byte) (lines []template.HTML, binary bool) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, true
	}
	lang := ""
	if st.Takehome != nil {
		lang = string(st.Takehome.Language)
	}
	return highlightLines(path, lang, data), false
}

// serveWorkZip is GET /applications/{id}/steps/{step}/repository.zip?commit=.
func (s *Server) serveWorkZip(w http.ResponseWriter, r *http.Request, m account.Member) error {
	a, st, repo, err := s.workRepo(r, m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := workZipName(a, st)
	if err := s.Takehomes.WriteZip(r.Context(), repo, r.URL.Query().Get("commit"), name, &buf); err != nil {
		return err
	}
	serveZip(w, name, buf.Bytes())
	return nil
}

// workZipName names a zip of a's work on st, and the directory in it:
// the candidate as the team sees them (the pseudonym on a blind job) and
// the step, in letters, digits and dashes.
func workZipName(a application.Application, st opening.Step) string {
	name := fmt.Sprintf("%s-%s", strings.ToLower(strings.ReplaceAll(a.Candidate.Name, " ", "-")), st.Title)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '-'
	}, name)
}

// recordTakehomePayment is POST /applications/{id}/steps/{step}/paid: the
// team's record that a take-home's compensation was paid.
func (s *Server) recordTakehomePayment(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return err
	}
	a, err := s.Applications.Application(r.Context(), m, id)
	if err != nil {
		return err
	}
	day := strings.TrimSpace(r.PostFormValue("paid_on"))
	err = s.Takehomes.RecordPayment(r.Context(), m, a, stepID, day, r.PostFormValue("reference"))
	switch {
	case err != nil:
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		s.setFlash(w, "The payment was not recorded: "+sentence(msg))
	case day == "":
		s.setFlash(w, "The payment record was taken back.")
	default:
		s.setFlash(w, "The payment is recorded.")
	}
	return redirect(w, r, fmt.Sprintf("/applications/%d#step-%d", a.ID, stepID))
}
