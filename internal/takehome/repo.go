package takehome

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// bundleKey is where r's bundle is kept in the blob store.
func bundleKey(r Repo) string { return fmt.Sprintf("takehome/%d/%d.bundle", r.ApplicationID, r.StepID) }

// Open returns r's repository on this machine, made again from its
// bundle in the blob store if this machine lacks it (a new node, a lost
// disk), with its hooks written again.
func (s *Service) Open(ctx context.Context, r Repo) (_ git.Repo, err error) {
	defer apperr.Wrap(&err, "takehome.Open(%d, %d)", r.ApplicationID, r.StepID)
	dir := s.dir(r)
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
		return git.Repo{Dir: dir}, nil
	}
	// A lock of its own: callers may hold r's.
	defer s.lockKey(r.Path() + " restore")()
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
		return git.Repo{Dir: dir}, nil
	}
	st, err := s.stepOf(ctx, r)
	if err != nil {
		return git.Repo{}, err
	}
	obj, err := s.blobs.Open(ctx, bundleKey(r))
	if err != nil {
		return git.Repo{}, fmt.Errorf("the repository is not on this machine and its bundle cannot be read: %w", err)
	}
	defer obj.Close()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return git.Repo{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dir), "restore-*.bundle")
	if err != nil {
		return git.Repo{}, err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, obj); err != nil {
		tmp.Close()
		return git.Repo{}, err
	}
	if err := tmp.Close(); err != nil {
		return git.Repo{}, err
	}
	maxFile, maxRepo := limits(st.Takehome)
	building := dir + ".restore"
	os.RemoveAll(building)
	repo, err := git.Restore(ctx, building, tmp.Name(), maxInput(maxRepo))
	if err != nil {
		return git.Repo{}, err
	}
	if err := writeHooks(building, maxFile, maxRepo); err != nil {
		return git.Repo{}, err
	}
	if err := os.Rename(building, dir); err != nil {
		return git.Repo{}, err
	}
	repo.Dir = dir
	return repo, nil
}

// stepOf is r's step, removed from the interview since or not.
func (s *Service) stepOf(ctx context.Context, r Repo) (opening.Step, error) {
	var ivID int64
	if err := s.db.QueryRow(ctx, `SELECT interview_id FROM applications WHERE id = $1`, r.ApplicationID).Scan(&ivID); err != nil {
		return opening.Step{}, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, r.OrgID, ivID)
	if err != nil {
		return opening.Step{}, err
	}
	if st, ok := iv.Step(r.StepID); ok && st.Takehome != nil {
		return st, nil
	}
	removed, err := s.openings.RemovedSteps(ctx, r.OrgID, ivID)
	if err != nil {
		return opening.Step{}, err
	}
	for _, st := range removed {
		if st.ID == r.StepID && st.Takehome != nil {
			return st, nil
		}
	}
	return opening.Step{}, apperr.NotFound("step")
}

// keep writes r's bundle to the blob store. A failure is logged by the
// caller's next push, which writes it again; the repository on disk holds
// everything meanwhile.
func (s *Service) keep(ctx context.Context, r Repo) error {
	ctx = context.WithoutCancel(ctx)
	f, err := os.CreateTemp(filepath.Dir(s.dir(r)), "keep-*.bundle")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	defer os.Remove(name)
	if err := (git.Repo{Dir: s.dir(r)}).Bundle(ctx, name); err != nil {
		return err
	}
	f, err = os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = s.blobs.Put(ctx, bundleKey(r), f)
	return err
}

// Window is when r stops taking pushes, and why none at all: the step's
// window from the start, the application's deadline (with its grace), or
// the answers submitted or withdrawn. closes is zero when nothing closes
// it but the deadline's absence.
func (s *Service) Window(ctx context.Context, r Repo) (closes time.Time, refuse string, err error) {
	defer apperr.Wrap(&err, "takehome.Window(%d, %d)", r.ApplicationID, r.StepID)
	a, err := s.applications.StateOf(ctx, r.ApplicationID)
	if err != nil {
		return time.Time{}, "", err
	}
	st, err := s.stepOf(ctx, r)
	if err != nil {
		return time.Time{}, "", err
	}
	return window(a, st, r), refusal(a), nil
}

func window(a application.State, st opening.Step, r Repo) time.Time {
	closes := a.Deadline.Add(application.AnswerGrace)
	if h := st.Takehome.WindowHours; h > 0 {
		if w := r.StartedAt.Add(time.Duration(h) * time.Hour); w.Before(closes) {
			closes = w
		}
	}
	return closes
}

func refusal(a application.State) string {
	switch {
	case a.Status == application.Submitted || a.Status == application.Decided:
		return "you have submitted your answers, so this repository takes no more pushes. Everything you pushed before is kept."
	case a.Status == application.Withdrawn:
		return "you withdrew your application, so this repository takes no more pushes."
	case a.Revoked:
		return "the team closed this application, so this repository takes no more pushes."
	}
	return ""
}

// Pushed records what a push did to r: when the branch moved past the
// head anyhour knew, one push to the new head, saved in the blob store
// as a bundle, and the answer's commit set. It is safe to call when
// nothing moved, and again after a crash: it compares with the
// repository.
func (s *Service) Pushed(ctx context.Context, r Repo, via string) (_ *Push, err error) {
	defer apperr.Wrap(&err, "takehome.Pushed(%d, %d)", r.ApplicationID, r.StepID)
	defer s.lock(r)()
	return s.pushed(ctx, r, via)
}

// pushed is Pushed, with r locked.
func (s *Service) pushed(ctx context.Context, r Repo, via string) (*Push, error) {
	repo, err := s.Open(ctx, r)
	if err != nil {
		return nil, err
	}
	head, err := repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	var known string
	if err := s.db.QueryRow(ctx, `SELECT head_commit FROM takehome_repos WHERE application_id = $1 AND step_id = $2`,
		r.ApplicationID, r.StepID).Scan(&known); err != nil {
		return nil, err
	}
	if head == known || head == "" {
		return nil, nil
	}
	log, err := repo.Log(ctx, head, 1)
	if err != nil || len(log) == 0 {
		return nil, fmt.Errorf("read the pushed commit: %w", err)
	}
	p := Push{ApplicationID: r.ApplicationID, StepID: r.StepID, Commit: head, Parent: known, Message: log[0].Message, Via: via, PushedAt: s.now()}
	if err := s.keep(ctx, r); err != nil {
		return nil, fmt.Errorf("keep the bundle: %w", err)
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		res, err := tx.Exec(ctx, `UPDATE takehome_repos SET head_commit = $1, updated_at = $2 WHERE application_id = $3 AND step_id = $4 AND head_commit = $5`,
			head, p.PushedAt, r.ApplicationID, r.StepID, known)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errMoved
		}
		if err := tx.QueryRow(ctx, `INSERT INTO takehome_pushes (org_id, application_id, step_id, commit_id, parent_commit, message, via, pushed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.OrgID, r.ApplicationID, r.StepID, p.Commit, p.Parent, p.Message, p.Via, p.PushedAt).Scan(&p.ID); err != nil {
			return err
		}
		if err := s.applications.PutCommitAnswer(ctx, tx, r.ApplicationID, r.StepID, head); err != nil {
			return err
		}
		if err := queueGrade(ctx, tx, r.ApplicationID, p.ID); err != nil {
			return err
		}
		p.Grading.Status = Queued
		r.Head = head
		for _, h := range s.pushHooks {
			if err := h(ctx, tx, r, p); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errMoved) {
		return nil, nil // another process recorded it
	}
	return &p, err
}

var errMoved = errors.New("takehome: the head moved meanwhile")

// Pushes lists r's pushes, oldest first, with their gradings.
func (s *Service) Pushes(ctx context.Context, appID, stepID int64) (_ []Push, err error) {
	defer apperr.Wrap(&err, "takehome.Pushes(%d, %d)", appID, stepID)
	rows, err := s.db.Query(ctx, `SELECT id, application_id, step_id, commit_id, parent_commit, message, via, pushed_at,
		grade_status, score, max_score, tests, checks, compile_error, logs, error, warnings, wall_ms, max_rss_bytes, graded_at
		FROM takehome_pushes WHERE application_id = $1 AND step_id = $2 ORDER BY id`, appID, stepID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Push
	for rows.Next() {
		var p Push
		g := &p.Grading
		var tests, checks, warnings string
		if err := rows.Scan(&p.ID, &p.ApplicationID, &p.StepID, &p.Commit, &p.Parent, &p.Message, &p.Via, &p.PushedAt,
			&g.Status, &g.Score, &g.MaxScore, &tests, &checks, &g.CompileError, &g.Logs, &g.Error, &warnings, &g.WallMS, &g.MaxRSSBytes, &g.GradedAt); err != nil {
			return nil, err
		}
		for _, part := range []struct {
			raw string
			v   any
		}{{tests, &g.Tests}, {checks, &g.Checks}, {warnings, &g.Warnings}} {
			if err := json.Unmarshal([]byte(part.raw), part.v); err != nil {
				return nil, fmt.Errorf("push %d's grading: %w", p.ID, err)
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ForCandidate returns an application's repositories and their pushes,
// by step id, as its candidate sees them: hidden tests without their
// names or messages (Grading.ForCandidate).
func (s *Service) ForCandidate(ctx context.Context, appID int64) (map[int64]Repo, map[int64][]Push, error) {
	repos, pushes, err := s.forApplication(ctx, appID)
	for _, ps := range pushes {
		for i := range ps {
			ps[i].Grading = ps[i].Grading.ForCandidate()
		}
	}
	return repos, pushes, err
}

func (s *Service) forApplication(ctx context.Context, appID int64) (_ map[int64]Repo, _ map[int64][]Push, err error) {
	defer apperr.Wrap(&err, "takehome.forApplication(%d)", appID)
	repos, err := s.ForApplication(ctx, appID)
	if err != nil {
		return nil, nil, err
	}
	pushes := map[int64][]Push{}
	for step := range repos {
		if pushes[step], err = s.Pushes(ctx, appID, step); err != nil {
			return nil, nil, err
		}
	}
	return repos, pushes, nil
}

// ForTeam returns them as the team sees them: nothing until the
// candidate submits (application.Shared), like every answer.
func (s *Service) ForTeam(ctx context.Context, a application.Application) (map[int64]Repo, map[int64][]Push, error) {
	if !a.Shared() {
		return map[int64]Repo{}, map[int64][]Push{}, nil
	}
	return s.forApplication(ctx, a.ID)
}

// Closes is when r stops taking pushes: the step's window from the
// start, never past the deadline (with its grace).
func Closes(deadline time.Time, st opening.Step, r Repo) time.Time {
	return window(application.State{Deadline: deadline}, st, r)
}
