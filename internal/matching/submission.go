package matching

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/similarity"
	"github.com/anyhour/anyhour/internal/takehome"
)

// Submission is what a candidate (or a reference) gave for a step, as it
// is compared: its language and its files.
type Submission struct {
	Language opening.Language
	Files    []similarity.File
}

// solutionFile names a code answer's one file.
func solutionFile(l opening.Language) string {
	switch l {
	case opening.JavaScript:
		return "solution.js"
	case opening.Go:
		return "solution.go"
	}
	return "solution.py"
}

// submitted lists the applications of an interview whose candidates
// submitted, by id.
func (s *Service) submitted(ctx context.Context, interviewID int64) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM applications WHERE interview_id = $1 AND submitted_at IS NOT NULL ORDER BY id`, interviewID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// submission reads application appID's answer to st; ok is false when
// there is none (no code, no repository, no push).
func (s *Service) submission(ctx context.Context, st opening.Step, appID int64) (_ Submission, ok bool, err error) {
	if st.Kind == opening.KindTakehome {
		return s.takehomeSubmission(ctx, st, appID)
	}
	answers, err := s.applications.Answers(ctx, appID)
	if err != nil {
		return Submission{}, false, err
	}
	ans, found := answers[st.ID]
	if !found || ans.Code == "" || !ans.Language.Valid() {
		return Submission{}, false, nil
	}
	return Submission{Language: ans.Language, Files: []similarity.File{{Path: solutionFile(ans.Language), Data: []byte(ans.Code)}}}, true, nil
}

// takehomeSubmission reads the source files, in the step's language, of
// the last push to appID's repository.
func (s *Service) takehomeSubmission(ctx context.Context, st opening.Step, appID int64) (Submission, bool, error) {
	r, err := s.takehomes.Repo(ctx, appID, st.ID)
	if errors.Is(err, apperr.ErrNotFound) {
		return Submission{}, false, nil
	}
	if err != nil {
		return Submission{}, false, err
	}
	if r.Head == "" || r.Head == r.Starter {
		return Submission{}, false, nil
	}
	tree, err := s.takehomes.Tree(ctx, r, r.Head)
	if err != nil {
		return Submission{}, false, err
	}
	sub := Submission{Language: st.Takehome.Language}
	for _, e := range tree {
		if e.Link || e.Size > similarity.MaxFile || !inLanguage(e.Path, sub.Language) {
			continue
		}
		data, err := s.takehomes.File(ctx, r, r.Head, e.Path)
		if err != nil {
			return sub, false, err
		}
		if isText(data) {
			sub.Files = append(sub.Files, similarity.File{Path: e.Path, Data: data})
		}
	}
	return sub, len(sub.Files) > 0, nil
}

func inLanguage(path string, l opening.Language) bool {
	got, ok := similarity.Detect(path)
	return ok && string(got) == string(l)
}

func isText(data []byte) bool { return utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 }

// Template is the code the team gave for st in language l, set aside
// when comparing: the starter of a code step, the starter files (and
// visible tests) of a take-home.
func Template(st opening.Step, l opening.Language) []similarity.File {
	switch {
	case st.Kind == opening.KindCode && st.Code != nil:
		if code := st.Code.Starter[l]; code != "" {
			return []similarity.File{{Path: solutionFile(l), Data: []byte(code)}}
		}
	case st.Kind == opening.KindTakehome && st.Takehome != nil:
		var out []similarity.File
		for _, f := range takehome.StarterTree(st.Takehome) {
			if inLanguage(f.Path, l) {
				out = append(out, similarity.File{Path: f.Path, Data: f.Data})
			}
		}
		return out
	}
	return nil
}

// referenceSubmission is a reference's code as a submission.
func referenceSubmission(r Reference) Submission {
	return Submission{Language: r.Language, Files: []similarity.File{{Path: solutionFile(r.Language), Data: []byte(r.Code)}}}
}

// ids of submissions in an index: "a12" an application, "r3" a reference.
func appKey(id int64) string { return "a" + strconv.FormatInt(id, 10) }
func refKey(id int64) string { return "r" + strconv.FormatInt(id, 10) }

// parseKey reads an index id back.
func parseKey(k string) (app, ref int64) {
	n, _ := strconv.ParseInt(k[1:], 10, 64)
	if k[0] == 'a' {
		return n, 0
	}
	return 0, n
}

// sortedLanguages lists the languages of subs in order.
func sortedLanguages[T any](m map[opening.Language]T) []opening.Language {
	out := make([]opening.Language, 0, len(m))
	for l := range m {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
