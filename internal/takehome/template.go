package takehome

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// A step's template repository is the team's way to write its starter
// and tests with git: served at /git/template/<step>.git to members who
// may edit interviews (their API token as the password), it holds the
// step's files as saved, laid out as
//
//	<the candidate's first commit>  the starter and the visible tests,
//	                                told apart by the language's names
//	                                for test files (IsTestFile)
//	.anyhour/hidden/<path>          the hidden tests, never in a
//	                                candidate's repository
//	.anyhour/README.md              this, for whoever clones it
//
// A push is checked before git takes it: its pre-receive hook hands the
// pushed commit to anyhour, which saves its files as the step's through
// the interview, every rule of a step holding (the hidden tests kept out
// of the starter, the sizes, Go's module), and answers; a refusal is a
// "remote:" line and the push is not taken. Files saved in the page or
// the API since come into the repository as a commit by anyhour when it
// is next opened, so a pull brings them. The repository holds no more
// than the step does: a lost disk loses its history, never its files.

// hiddenDir is where a template holds the hidden tests.
const hiddenDir = ".anyhour/hidden/"

// templateReadme is the template's .anyhour/README.md.
const templateReadme = `# This step's template repository

What you push to main becomes the take-home step's files, once anyhour
has checked them (the push says so, or why not):

- Everything outside .anyhour/ is what each candidate's repository starts
  with. A new file named as the language's tests are (test_*.py,
  *.test.mjs, *_test.go, files under test/ for JavaScript) is a visible
  test, any other new file a starter file; a file keeps what it was.
- .anyhour/hidden/ holds the hidden tests, at the paths they have when
  grading (.anyhour/hidden/tests/test_total.py grades as
  tests/test_total.py). They never reach a candidate's repository.

Candidates who started the step before a push keep what they started
with. Changes made on the step's page come in here as commits by anyhour.
`

// MaxTemplate bounds a template push, in bytes: the step's files are
// text of at most opening.MaxStarterBytes together.
const MaxTemplate = 4 * opening.MaxStarterBytes

// Template is a step's template repository.
type Template struct {
	OrgID, InterviewID, StepID int64
}

// Path is where the template is served, under /git/.
func (t Template) Path() string { return fmt.Sprintf("template/%d.git", t.StepID) }

// TemplateFor finds step stepID's template for m, who must be allowed to
// edit interviews; another organisation's step is not found.
func (s *Service) TemplateFor(ctx context.Context, m account.Member, stepID int64) (_ Template, _ opening.Step, err error) {
	defer apperr.Wrap(&err, "takehome.TemplateFor(%d)", stepID)
	if !m.Can(account.ManageJobs) {
		return Template{}, opening.Step{}, apperr.Forbidden("your role cannot edit interviews, so it cannot push to a step's template")
	}
	var ivID int64
	err = s.db.QueryRow(ctx, `SELECT interview_id FROM steps WHERE id = $1 AND org_id = $2`, stepID, m.OrgID).Scan(&ivID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return Template{}, opening.Step{}, apperr.NotFound("step")
	}
	if err != nil {
		return Template{}, opening.Step{}, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, m.OrgID, ivID)
	if err != nil {
		return Template{}, opening.Step{}, err
	}
	st, ok := iv.Step(stepID)
	if !ok || st.Takehome == nil {
		return Template{}, opening.Step{}, apperr.NotFound("take-home step")
	}
	return Template{OrgID: m.OrgID, InterviewID: ivID, StepID: stepID}, st, nil
}

// LockTemplate holds t against other changes in this process: a push
// holds it from its start to its end, so that no commit by anyhour comes
// between the push's check and git taking it.
func (s *Service) LockTemplate(t Template) func() { return s.lockKey(t.Path()) }

// OpenTemplate returns t's repository, made if this machine lacks it, with
// st's files as saved at its head. The caller holds LockTemplate.
func (s *Service) OpenTemplate(ctx context.Context, t Template, st opening.Step) (_ git.Repo, err error) {
	defer apperr.Wrap(&err, "takehome.OpenTemplate(%d)", t.StepID)
	dir := filepath.Join(s.root, t.Path())
	repo := git.Repo{Dir: dir}
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		building := dir + ".new"
		os.RemoveAll(building)
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return repo, err
		}
		if _, err := git.Init(ctx, building, MaxTemplate); err != nil {
			return repo, err
		}
		if err := os.Rename(building, dir); err != nil {
			return repo, err
		}
	}
	if err := writeTemplateHook(dir); err != nil {
		return repo, err
	}
	want := TemplateTree(st.Takehome)
	head, err := repo.Head(ctx)
	if err != nil {
		return repo, err
	}
	if head != "" {
		have, err := repo.Files(ctx, head, MaxTemplate)
		if err == nil && sameFiles(have, want) {
			return repo, nil
		}
	}
	who := Author
	who.When = s.now()
	message := "The step's files as saved in anyhour\n"
	if head == "" {
		message = "Starter and tests of " + st.Title + "\n"
	}
	_, err = repo.Commit(ctx, want, head, message, who)
	return repo, err
}

// TemplateTree is a step's files as its template holds them.
func TemplateTree(t *opening.TakehomeTask) []git.File {
	files := StarterTree(t)
	for _, p := range opening.Paths(t.Hidden) {
		files = append(files, git.File{Path: hiddenDir + p, Data: []byte(t.Hidden[p])})
	}
	return append(files, git.File{Path: ".anyhour/README.md", Data: []byte(templateReadme)})
}

func sameFiles(a, b []git.File) bool {
	if len(a) != len(b) {
		return false
	}
	have := map[string]string{}
	for _, f := range a {
		have[f.Path] = string(f.Data)
	}
	for _, f := range b {
		if d, ok := have[f.Path]; !ok || d != string(f.Data) {
			return false
		}
	}
	return true
}

// SaveTemplatePush checks commit, pushed to t and waiting in quarantine
// (dir, the hook's GIT_QUARANTINE_PATH), and saves its files as the
// step's through the interview, as m. It returns what it saved, or why
// the push is refused. The caller holds LockTemplate.
func (s *Service) SaveTemplatePush(ctx context.Context, m account.Member, t Template, commit, quarantine string) (_ string, err error) {
	defer apperr.Wrap(&err, "takehome.SaveTemplatePush(%d)", t.StepID)
	dir := filepath.Join(s.root, t.Path())
	objects := filepath.Join(dir, "objects") + string(filepath.Separator)
	if !git.ValidID(commit) || !strings.HasPrefix(filepath.Clean(quarantine), objects) {
		return "", apperr.Invalid("push", "the push cannot be read")
	}
	repo := git.Repo{Dir: dir}.Quarantined(quarantine)
	entries, err := repo.Tree(ctx, commit)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Link {
			return "", apperr.Invalid("push", "%s is a symbolic link; a step's files are plain files", e.Path)
		}
	}
	files, err := repo.Files(ctx, commit, MaxTemplate)
	if err != nil {
		return "", apperr.New(apperr.ErrTooLarge, "the pushed files come to more than %d MB; a step's starter and tests hold at most %d MB of text", MaxTemplate>>20, opening.MaxStarterBytes>>20)
	}
	iv, err := s.openings.InterviewInOrg(ctx, t.OrgID, t.InterviewID)
	if err != nil {
		return "", err
	}
	steps := append([]opening.Step(nil), iv.Steps...)
	i := -1
	for j, st := range steps {
		if st.ID == t.StepID && st.Takehome != nil {
			i = j
		}
	}
	if i < 0 {
		return "", apperr.NotFound("take-home step")
	}
	old := steps[i].Takehome
	task := *old
	task.Starter, task.Visible, task.Hidden = map[string]string{}, map[string]string{}, map[string]string{}
	for _, f := range files {
		if !utf8.Valid(f.Data) || strings.ContainsRune(string(f.Data), 0) {
			return "", apperr.Invalid("push", "%s is not a text file; a step's starter and tests hold text only", f.Path)
		}
		switch {
		case strings.HasPrefix(f.Path, hiddenDir):
			task.Hidden[strings.TrimPrefix(f.Path, hiddenDir)] = string(f.Data)
		case strings.HasPrefix(f.Path, ".anyhour/"):
			// Notes for the team: the README, anything else they keep there.
		case isVisible(old, f.Path):
			task.Visible[f.Path] = string(f.Data)
		default:
			task.Starter[f.Path] = string(f.Data)
		}
	}
	if maps.Equal(old.Starter, task.Starter) && maps.Equal(old.Visible, task.Visible) && maps.Equal(old.Hidden, task.Hidden) {
		return "Nothing changed in the step's files.", nil
	}
	steps[i].Takehome = &task
	if _, err := s.openings.UpdateInterview(ctx, m, iv.ID, opening.InterviewInput{Steps: &steps}); err != nil {
		return "", err
	}
	return fmt.Sprintf("Saved as the step's files: %s, %s, %s.", count(len(task.Starter), "starter file"),
		count(len(task.Visible), "visible test"), count(len(task.Hidden), "hidden test")), nil
}

// isVisible says whether a pushed file is a visible test: it is one now,
// or it is new and named as a test.
func isVisible(t *opening.TakehomeTask, p string) bool {
	if _, ok := t.Visible[p]; ok {
		return true
	}
	if _, ok := t.Starter[p]; ok {
		return false
	}
	return IsTestFile(t.Language, p)
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// IsTestFile says whether a file at p is a test by the names the
// language's usual runner looks for: pytest's test_*.py and *_test.py,
// node --test's *.test.js, *-test.js, *_test.js, test-*.js, test.js and
// anything under a test/ directory (each also .mjs, .cjs), Go's *_test.go.
func IsTestFile(lang opening.Language, p string) bool {
	base := path.Base(p)
	switch lang {
	case opening.Python:
		return strings.HasSuffix(base, ".py") && (strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py"))
	case opening.JavaScript:
		ext := path.Ext(base)
		if ext != ".js" && ext != ".mjs" && ext != ".cjs" {
			return false
		}
		name := strings.TrimSuffix(base, ext)
		return name == "test" || strings.HasPrefix(name, "test-") || strings.HasSuffix(name, ".test") || strings.HasSuffix(name, "-test") ||
			strings.HasSuffix(name, "_test") || strings.HasPrefix(p, "test/") || strings.Contains(p, "/test/")
	case opening.Go:
		return strings.HasSuffix(base, "_test.go")
	}
	return false
}

// TeamMember is the member whose API token secret is, for a template's
// HTTP Basic password.
func (s *Service) TeamMember(ctx context.Context, secret string) (account.Member, error) {
	return s.accounts.TokenMember(ctx, secret)
}
