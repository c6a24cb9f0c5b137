package takehome

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Every push taken is graded, in the background, as the worker gets to
// it: the hidden tests, judged apart from the candidate's code
// (grader.Suite.Tree), give the points; the repository's own tests run
// as the candidate runs them and are shown as their checks, worth
// nothing. The tree graded is read from git (never checked out), so
// nothing in it runs but in the sandbox.

// TaskGrade is the queue task that grades one push.
const TaskGrade = "takehome.grade"

// Grading statuses, as for code answers (docs/contracts.md).
const (
	Queued  = "queued"
	Running = "running"
	Done    = "done"
	Failed  = "error" // the grader could not run
)

// Grading is what a push's grading found.
type Grading struct {
	Status       string
	Score        *float64
	MaxScore     *float64
	Tests        []grader.Test // the hidden tests: the points
	Checks       []grader.Test // the repository's own tests: worth nothing
	CompileError string
	Logs         string
	Error        string
	Warnings     []string
	WallMS       int64 // from the grading's start to its end, the repository's own tests running beside it
	MaxRSSBytes  int64
	GradedAt     *time.Time
}

// ForCandidate is the grading as the candidate may see it: hidden tests
// keep their result and points, not their names or messages; no logs of
// theirs, no warnings.
func (g Grading) ForCandidate() Grading {
	out := g
	out.Tests = grader.Outcome{Tests: g.Tests}.ForCandidate().Tests
	out.Logs, out.Warnings = "", nil
	return out
}

// Engine is what grades pushes: a *grader.Grader.
type Engine interface {
	Grade(ctx context.Context, s grader.Suite) (grader.Outcome, error)
	CandidateChecks(ctx context.Context, lang grader.Language, tree []sandbox.File, l sandbox.Limits) (grader.Outcome, error)
}

// SetEngine says where gradings run: get returns the engine, or why there
// is none on this machine (no sandbox), which the grading then says.
func (s *Service) SetEngine(get func() (Engine, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.engine = get
}

func (s *Service) getEngine() (Engine, error) {
	s.mu.Lock()
	get := s.engine
	s.mu.Unlock()
	if get == nil {
		return nil, errors.New("take-homes cannot be graded on this server: no grader")
	}
	return get()
}

// Limits of one grading's runs.
var gradeLimits = sandbox.Limits{Wall: 60 * time.Second, MemoryBytes: 512 << 20}

// maxGradedTree is the most of a tree a grading reads.
const maxGradedTree = 64 << 20

type gradePayload struct {
	PushID int64 `json:"push_id"`
}

// queueGrade queues the grading of push id, in tx.
func queueGrade(ctx context.Context, tx *sqldb.DB, appID, pushID int64) error {
	_, err := queue.Enqueue(ctx, tx, TaskGrade, gradePayload{pushID}, queue.SerialKey(fmt.Sprintf("%s:application:%d", TaskGrade, appID)))
	return err
}

// RegisterTasks registers the grading task.
func (s *Service) RegisterTasks(w *queue.Worker) { w.Handle(TaskGrade, s.handleGrade) }

func (s *Service) handleGrade(ctx context.Context, t queue.Task) error {
	var p gradePayload
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	push, r, st, err := s.pushToGrade(ctx, p.PushID)
	if errors.Is(err, errGone) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `UPDATE takehome_pushes SET grade_status = 'running' WHERE id = $1`, push.ID); err != nil {
		return err
	}
	start := time.Now()
	g, err := s.grade(ctx, r, st, push)
	s.observed(ctx, start, g, err)
	if err != nil {
		if t.Attempt < t.MaxAttempts {
			return err
		}
		slog.WarnContext(ctx, "take-home: grading failed", slog.Int64("push_id", push.ID), slog.Any("error", err))
		g = Grading{Status: Failed, Error: "The push could not be graded: " + apperr.Message(err)}
	}
	return s.storeGrading(ctx, r, push, g)
}

var errGone = errors.New("takehome: the push is gone")

func (s *Service) pushToGrade(ctx context.Context, id int64) (Push, Repo, opening.Step, error) {
	var p Push
	err := s.db.QueryRow(ctx, `SELECT id, application_id, step_id, commit_id FROM takehome_pushes WHERE id = $1`, id).
		Scan(&p.ID, &p.ApplicationID, &p.StepID, &p.Commit)
	if errors.Is(err, sqldb.ErrNotFound) {
		return p, Repo{}, opening.Step{}, errGone
	}
	if err != nil {
		return p, Repo{}, opening.Step{}, err
	}
	r, err := s.Repo(ctx, p.ApplicationID, p.StepID)
	if err != nil {
		return p, r, opening.Step{}, err
	}
	st, err := s.stepOf(ctx, r)
	return p, r, st, err
}

// grade grades one push's tree.
func (s *Service) grade(ctx context.Context, r Repo, st opening.Step, p Push) (Grading, error) {
	t := st.Takehome
	e, err := s.getEngine()
	if err != nil {
		return Grading{Status: Failed, Error: "The push could not be graded: " + err.Error()}, nil
	}
	repo, err := s.Open(ctx, r)
	if err != nil {
		return Grading{}, err
	}
	files, err := repo.Files(ctx, p.Commit, maxGradedTree)
	if err != nil {
		return Grading{}, err
	}
	tree := make([]sandbox.File, 0, len(files))
	for _, f := range files {
		tree = append(tree, sandbox.File{Path: f.Path, Data: f.Data, Mode: fileMode(f)})
	}
	suite := grader.Suite{Language: grader.Language(t.Language), Tree: tree, IncludeHidden: true, Points: st.Points, Limits: gradeLimits}
	if t.Language != opening.Python {
		// Each file at its own path: JavaScript's relative imports reach
		// the repository's modules; Go's tests test the package of their
		// directory.
		for _, p := range opening.Paths(t.Hidden) {
			suite.HiddenFiles = append(suite.HiddenFiles, sandbox.File{Path: p, Data: []byte(t.Hidden[p])})
		}
	} else {
		suite.Hidden = hiddenSource(t)
	}
	start := time.Now()
	// The repository's own tests run beside the grading: neither waits
	// for the other, and on a machine with cores to spare the push's
	// output comes sooner.
	type checked struct {
		out grader.Outcome
		err error
	}
	done := make(chan checked, 1)
	go func() {
		o, err := e.CandidateChecks(ctx, grader.Language(t.Language), tree, gradeLimits)
		done <- checked{o, err}
	}()
	out, err := e.Grade(ctx, suite)
	c := <-done
	if err != nil {
		return Grading{}, err
	}
	checks, err := c.out, c.err
	if err != nil {
		return Grading{}, err
	}
	score, max := out.Score()
	logs := ""
	if out.HiddenLogs != "" {
		logs = "--- hidden tests ---\n" + out.HiddenLogs
	}
	if checks.Logs != "" {
		logs += "\n--- the repository's own tests ---\n" + checks.Logs
	}
	return Grading{Status: Done, Score: &score, MaxScore: &max, Tests: out.Tests, Checks: checks.Tests,
		CompileError: out.CompileError, Logs: strings.TrimSpace(logs), Warnings: out.Warnings,
		WallMS: time.Since(start).Milliseconds(), MaxRSSBytes: max64(out.MaxRSSBytes, checks.MaxRSSBytes)}, nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func fileMode(f git.File) fs.FileMode {
	if f.Executable {
		return 0o755
	}
	return 0o644
}

// hiddenSource is the hidden tests as one file, in the order of their
// paths, each headed by its path.
func hiddenSource(t *opening.TakehomeTask) string {
	var b strings.Builder
	for _, p := range opening.Paths(t.Hidden) {
		fmt.Fprintf(&b, "# %s\n%s\n", p, strings.TrimRight(t.Hidden[p], "\n"))
	}
	return b.String()
}

// storeGrading records g for push p and, when p is the last push, sets
// the answer's score first, so that whoever sees the push graded finds
// the answer scored.
func (s *Service) storeGrading(ctx context.Context, r Repo, p Push, g Grading) error {
	if g.Score != nil {
		var head string
		if err := s.db.QueryRow(ctx, `SELECT head_commit FROM takehome_repos WHERE application_id = $1 AND step_id = $2`, r.ApplicationID, r.StepID).Scan(&head); err != nil {
			return err
		}
		if head == p.Commit { // else a later push is the answer
			if err := s.applications.SetScore(ctx, r.ApplicationID, r.StepID, *g.Score, *g.MaxScore); err != nil {
				return err
			}
		}
	}
	tests, _ := json.Marshal(append([]grader.Test{}, g.Tests...))
	checks, _ := json.Marshal(append([]grader.Test{}, g.Checks...))
	warnings, _ := json.Marshal(append([]string{}, g.Warnings...))
	_, err := s.db.Exec(ctx, `UPDATE takehome_pushes SET grade_status = $1, score = $2, max_score = $3, tests = $4, checks = $5,
		compile_error = $6, logs = $7, error = $8, warnings = $9, wall_ms = $10, max_rss_bytes = $11, graded_at = $12 WHERE id = $13`,
		g.Status, g.Score, g.MaxScore, string(tests), string(checks), g.CompileError, g.Logs, g.Error, string(warnings),
		g.WallMS, g.MaxRSSBytes, s.now(), p.ID)
	return err
}
