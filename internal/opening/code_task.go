package opening

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// CheckStep checks one step as saving it would, and returns it tidied.
// i is its index in the interview, for messages. The coding task editor
// uses it to try a task before it is saved.
func CheckStep(i int, s Step) (Step, error) { return normalizeStep(i, s) }

// NewCodeTask is the task a new coding step starts with: one language,
// a starter and one visible test that show the forms tests take, for the
// team to replace with their own.
func NewCodeTask() *CodeTask {
	return &CodeTask{
		Languages: []Language{Python},
		Starter: map[Language]string{
			Python: "def solve(s):\n    # Write your solution here.\n    return s\n",
		},
		Tests: map[Language]CodeTests{
			Python: {Visible: "from solution import solve\n\n\ndef test_example():\n    assert solve(\"abc\") == \"abc\"\n"},
		},
		TimeLimitMS: DefaultTimeLimitMS,
		MemoryMB:    DefaultMemoryMB,
	}
}

// CodeCheck records that a reference solution in one language passed
// every test of a task, visible and hidden, as the tests then were.
type CodeCheck struct {
	Sum string // the language's Fingerprint when it passed
	At  time.Time
}

// Fingerprint sums what decides a grading in language l: l's tests, the
// input and output cases, and the limits. The starter is not in it: a
// new starter does not change what passes.
func (c *CodeTask) Fingerprint(l Language) string {
	h := sha256.New()
	t := c.Tests[l]
	for _, part := range []string{string(l), t.Visible, t.Hidden, strconv.Itoa(c.TimeLimitMS), strconv.Itoa(c.MemoryMB)} {
		fmt.Fprintf(h, "%d:%s", len(part), part)
	}
	for _, io := range c.IOCases {
		for _, part := range []string{io.Name, io.Stdin, io.Stdout, strconv.FormatBool(io.Hidden), strconv.FormatFloat(io.Points, 'g', -1, 64)} {
			fmt.Fprintf(h, "%d:%s", len(part), part)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Placeholder reports whether l's tests are still the example a new task
// starts with (NewCodeTask).
func (c *CodeTask) Placeholder(l Language) bool {
	example, ok := NewCodeTask().Tests[l]
	return ok && c.Tests[l] == example
}

// Checked reports whether a reference solution in l passed the tests as
// they are now.
func (c *CodeTask) Checked(l Language) bool {
	check, ok := c.Checks[l]
	return ok && check.Sum == c.Fingerprint(l)
}

// Unready says why candidates cannot be sent the task yet, a line per
// language in which they may answer; none when every language's tests
// are the team's own and a reference solution passed them.
func (c *CodeTask) Unready() []string {
	if c == nil {
		return []string{"it has no coding task"}
	}
	var why []string
	for _, l := range c.Languages {
		switch {
		case c.Placeholder(l):
			why = append(why, fmt.Sprintf("the %s tests are still the example a new task starts with", l.Label()))
		case !c.Checked(l):
			why = append(why, fmt.Sprintf("no reference solution in %s has passed the tests as they are", l.Label()))
		}
	}
	return why
}

// Unready says why candidates cannot be invited to the interview yet: a
// line per coding step that is not ready, naming it. None when it is.
func (iv Interview) Unready() []string {
	var why []string
	for i, st := range iv.Steps {
		var lines []string
		if st.Kind == KindCode {
			lines = st.Code.Unready()
		} else if r, ok := As[Readier](st.Kind); ok {
			lines = r.Unready(st)
		}
		for _, w := range lines {
			why = append(why, fmt.Sprintf("step %d, “%s”: %s", i+1, st.Title, w))
		}
	}
	return why
}

// A Readier is a kind whose steps may not be ready for candidates, such
// as a take-home still holding the example it starts with: Unready says
// why, a line each, or nothing.
type Readier interface {
	Unready(st Step) []string
}

// RecordCheck records that a reference solution in l passed every test of
// code step stepID when its tests summed to sum (Fingerprint). Package
// coding calls it after such a run. If the saved tests have changed since,
// it records nothing and returns false.
func (s *Service) RecordCheck(ctx context.Context, actor account.Member, interviewID, stepID int64, l Language, sum string, at time.Time) (_ bool, err error) {
	defer apperr.Wrap(&err, "opening.RecordCheck(%d)", stepID)
	if !actor.Can(account.ManageJobs) {
		return false, apperr.Forbidden("your role cannot edit coding tasks")
	}
	recorded := false
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var raw string
		err := tx.QueryRow(ctx, `SELECT settings FROM steps WHERE id = $1 AND interview_id = $2 AND org_id = $3
			AND kind = $4 AND removed_at IS NULL`, stepID, interviewID, actor.OrgID, KindCode).Scan(&raw)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("coding step")
		}
		if err != nil {
			return err
		}
		var set settings
		if err := json.Unmarshal([]byte(raw), &set); err != nil {
			return fmt.Errorf("step %d settings: %w", stepID, err)
		}
		task := set.Code.task()
		if task == nil || !task.Supports(l) || task.Fingerprint(l) != sum {
			return nil
		}
		if task.Checks == nil {
			task.Checks = map[Language]CodeCheck{}
		}
		task.Checks[l] = CodeCheck{Sum: sum, At: at.UTC()}
		set.Code = task.settings()
		out, err := json.Marshal(set)
		if err != nil {
			return err
		}
		recorded = true
		_, err = tx.Exec(ctx, `UPDATE steps SET settings = $1 WHERE id = $2`, string(out), stepID)
		return err
	})
	return recorded, err
}
