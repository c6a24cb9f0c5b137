// Package takehome owns take-home steps' repositories: a git repository
// per candidate and step, made from the team's starter when the candidate
// starts, reached over smart HTTP with credentials made for that one
// repository (package githttp serves it), and the pushes it takes. Hooks
// in the repository refuse a push after the window or the deadline, to
// another branch, that rewrites history, or over the size limits; every
// push taken is also kept as a git bundle in the blob store, from which
// the repository is made again on a machine that lacks it.
package takehome

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Repo is a candidate's repository for one take-home step.
type Repo struct {
	OrgID         int64
	ApplicationID int64
	StepID        int64
	Username      string
	StartedAt     time.Time
	// Starter is the first commit, the team's; Head the branch's last
	// known to anyhour.
	Starter, Head string
	UpdatedAt     time.Time
	// PaidOn (YYYY-MM-DD) and PaidReference are the team's record of
	// paying the step's compensation; empty while unpaid.
	PaidOn, PaidReference string
}

// Path is where the repository is served, under /git/: "12/34.git".
func (r Repo) Path() string { return fmt.Sprintf("%d/%d.git", r.ApplicationID, r.StepID) }

// Push is a push taken: the branch moved to Commit.
type Push struct {
	ID            int64
	ApplicationID int64
	StepID        int64
	Commit        string
	Parent        string // the commit before it
	Message       string // the commit's first line
	Via           string // "git", or "zip" for work uploaded in the browser
	PushedAt      time.Time
	Grading       Grading
}

// Service keeps take-home repositories.
type Service struct {
	db           *sqldb.DB
	accounts     *account.Service
	blobs        blob.Store
	openings     *opening.Service
	applications *application.Service
	root         string // the directory repositories live in
	now          func() time.Time
	locks        sync.Map // Repo.Path → *sync.Mutex: one change of a repository at a time in this process
	pushHooks    []PushHook
	observe      func(outcome string, d time.Duration) // SetObserver

	mu         sync.Mutex
	engine     func() (Engine, error) // SetEngine
	reportWait time.Duration          // how long a push waits for its grading
}

// PushHook runs in the transaction that records a push.
type PushHook func(ctx context.Context, tx *sqldb.DB, r Repo, p Push) error

// OnPush adds a hook to pushes. Call it while wiring.
func (s *Service) OnPush(h PushHook) { s.pushHooks = append(s.pushHooks, h) }

// New returns a Service; SetRoot says where repositories live.
func New(db *sqldb.DB, blobs blob.Store, accounts *account.Service, openings *opening.Service, applications *application.Service) *Service {
	return &Service{db: db, blobs: blobs, accounts: accounts, openings: openings, applications: applications, now: time.Now, reportWait: ReportWait}
}

// SetReportWait sets how long a push waits for its grading before the
// candidate is told where to see it; tests shorten it.
func (s *Service) SetReportWait(d time.Duration) { s.reportWait = d }

// SetRoot sets the directory repositories live in on this machine (the
// data directory's git/). Call it while wiring.
func (s *Service) SetRoot(dir string) { s.root = dir }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Root is the directory repositories live in, which git http-backend
// serves as its project root.
func (s *Service) Root() string { return s.root }

// Author is who writes the starter commit and commits of work uploaded
// in the browser, as far as git is concerned.
var Author = git.Signature{Name: "anyhour", Email: "noreply@anyhour.invalid"}

func (s *Service) lock(r Repo) func() { return s.lockKey(r.Path()) }

func (s *Service) lockKey(key string) func() {
	m, _ := s.locks.LoadOrStore(key, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	return m.(*sync.Mutex).Unlock
}

const columns = `org_id, application_id, step_id, username, started_at, starter_commit, head_commit, updated_at, paid_on, paid_reference`

func scan(row interface{ Scan(...any) error }) (Repo, error) {
	var r Repo
	err := row.Scan(&r.OrgID, &r.ApplicationID, &r.StepID, &r.Username, &r.StartedAt, &r.Starter, &r.Head, &r.UpdatedAt, &r.PaidOn, &r.PaidReference)
	return r, err
}

// step finds a's step stepID and checks it is a take-home.
func (s *Service) step(ctx context.Context, a application.Application, stepID int64) (opening.Step, error) {
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return opening.Step{}, err
	}
	st, ok := iv.Step(stepID)
	if !ok {
		return st, apperr.NotFound("step")
	}
	if st.Kind != opening.KindTakehome || st.Takehome == nil {
		return st, apperr.Invalid("step_id", "step %d is a %s, not a take-home", st.ID, strings.ToLower(st.Kind.Label()))
	}
	return st, nil
}

// Repo returns a's repository for step stepID; ErrNotFound before the
// candidate starts the step.
func (s *Service) Repo(ctx context.Context, appID, stepID int64) (_ Repo, err error) {
	defer apperr.Wrap(&err, "takehome.Repo(%d, %d)", appID, stepID)
	r, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM takehome_repos WHERE application_id = $1 AND step_id = $2`, appID, stepID))
	if errors.Is(err, sqldb.ErrNotFound) {
		return r, apperr.NotFound("repository")
	}
	return r, err
}

// ForApplication returns an application's repositories by step id.
func (s *Service) ForApplication(ctx context.Context, appID int64) (_ map[int64]Repo, err error) {
	defer apperr.Wrap(&err, "takehome.ForApplication(%d)", appID)
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM takehome_repos WHERE application_id = $1`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Repo{}
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[r.StepID] = r
	}
	return out, rows.Err()
}

// Credentials open one repository over HTTP; the password is shown once.
type Credentials struct {
	Repo     Repo
	Username string
	Password string
}

// Start makes a's repository for step stepID from the step's starter, if
// it is not made yet, and gives it a new password, which replaces any
// earlier one: the candidate's way to see their credentials again. The
// step's window starts with the first call.
func (s *Service) Start(ctx context.Context, a application.Application, stepID int64) (_ Credentials, err error) {
	defer apperr.Wrap(&err, "takehome.Start(%d, %d)", a.ID, stepID)
	st, err := s.step(ctx, a, stepID)
	if err != nil {
		return Credentials{}, err
	}
	password := account.NewToken("ahg_")
	var r Repo
	var made bool
	err = s.applications.Answering(ctx, a, func(tx *sqldb.DB, a application.Application) error {
		var err error
		r, err = scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM takehome_repos WHERE application_id = $1 AND step_id = $2`, a.ID, st.ID))
		if errors.Is(err, sqldb.ErrNotFound) {
			made = true
			now := s.now()
			r = Repo{OrgID: a.OrgID, ApplicationID: a.ID, StepID: st.ID, Username: fmt.Sprintf("candidate-%d-%d", a.ID, st.ID),
				StartedAt: now, UpdatedAt: now}
			if r.Starter, err = s.create(ctx, r, st); err != nil {
				return err
			}
			r.Head = r.Starter
			_, err = tx.Exec(ctx, `INSERT INTO takehome_repos (org_id, application_id, step_id, username, password_hash, started_at, starter_commit, head_commit, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $6)`, r.OrgID, r.ApplicationID, r.StepID, r.Username, account.HashToken(password), now, r.Starter)
			return err
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE takehome_repos SET password_hash = $1, updated_at = $2 WHERE application_id = $3 AND step_id = $4`,
			account.HashToken(password), s.now(), a.ID, st.ID)
		return err
	})
	if err != nil {
		if made {
			os.RemoveAll(s.dir(r))
		}
		return Credentials{}, err
	}
	if made {
		s.keep(ctx, r)
	}
	return Credentials{Repo: r, Username: r.Username, Password: password}, nil
}

// dir is where r lives on this machine.
func (s *Service) dir(r Repo) string { return filepath.Join(s.root, r.Path()) }

// Limits are a repository's size limits, in bytes.
func limits(t *opening.TakehomeTask) (maxFile, maxRepo int64) {
	return int64(t.MaxFileMB) << 20, int64(t.MaxRepoMB) << 20
}

// maxInput is the largest push git itself takes: above the repository's
// limit, so that the hook, which says why, refuses a push that would
// pass it, and git refuses outright one far beyond.
func maxInput(maxRepo int64) int64 { return maxRepo + maxRepo/2 + 1<<20 }

// create makes r's repository on disk with its hooks and the starter's
// commit: the starter files and the visible tests, never the hidden ones.
func (s *Service) create(ctx context.Context, r Repo, st opening.Step) (string, error) {
	if s.root == "" {
		return "", errors.New("takehome: no directory for repositories (SetRoot)")
	}
	dir := s.dir(r)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	os.RemoveAll(dir) // a repository left by a start that failed
	maxFile, maxRepo := limits(st.Takehome)
	repo, err := git.Init(ctx, dir, maxInput(maxRepo))
	if err != nil {
		return "", err
	}
	if err := writeHooks(dir, maxFile, maxRepo); err != nil {
		return "", err
	}
	who := Author
	who.When = r.StartedAt
	return repo.Commit(ctx, StarterTree(st.Takehome), "", "Starter for "+st.Title+"\n", who)
}

// StarterTree is the candidate's repository's first tree: the starter
// and the visible tests, never the hidden ones.
func StarterTree(t *opening.TakehomeTask) []git.File {
	var files []git.File
	for _, set := range []map[string]string{t.Starter, t.Visible} {
		for _, p := range opening.Paths(set) {
			files = append(files, git.File{Path: p, Data: []byte(set[p])})
		}
	}
	return files
}

// Authenticate finds the repository appID/stepID and checks its
// credentials. Any failure is the same ErrUnauthenticated, so that a
// guess learns nothing about which part was wrong.
func (s *Service) Authenticate(ctx context.Context, appID, stepID int64, username, password string) (_ Repo, err error) {
	defer apperr.Wrap(&err, "takehome.Authenticate(%d, %d)", appID, stepID)
	denied := apperr.New(apperr.ErrUnauthenticated, "these credentials do not open this repository; get new ones on the step's page")
	var r Repo
	var hash string
	err = s.db.QueryRow(ctx, `SELECT `+columns+`, password_hash FROM takehome_repos WHERE application_id = $1 AND step_id = $2`, appID, stepID).
		Scan(&r.OrgID, &r.ApplicationID, &r.StepID, &r.Username, &r.StartedAt, &r.Starter, &r.Head, &r.UpdatedAt, &r.PaidOn, &r.PaidReference, &hash)
	if errors.Is(err, sqldb.ErrNotFound) {
		return Repo{}, denied
	}
	if err != nil {
		return Repo{}, err
	}
	okUser := subtle.ConstantTimeCompare([]byte(username), []byte(r.Username)) == 1
	okPass := subtle.ConstantTimeCompare([]byte(account.HashToken(password)), []byte(hash)) == 1
	if !okUser || !okPass {
		return Repo{}, denied
	}
	return r, nil
}
