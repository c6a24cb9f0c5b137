package matching

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// references lists a step's references, oldest first.
func (s *Service) references(ctx context.Context, stepID int64) ([]Reference, error) {
	rows, err := s.db.Query(ctx, `SELECT id, step_id, name, language, code, added_by, created_at FROM similarity_references
		WHERE step_id = $1 ORDER BY id`, stepID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reference
	for rows.Next() {
		var r Reference
		if err := rows.Scan(&r.ID, &r.StepID, &r.Name, &r.Language, &r.Code, &r.AddedBy, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Languages lists the languages st's answers come in.
func Languages(st opening.Step) []opening.Language {
	switch {
	case st.Kind == opening.KindCode && st.Code != nil:
		return st.Code.Languages
	case st.Kind == opening.KindTakehome && st.Takehome != nil:
		return []opening.Language{st.Takehome.Language}
	}
	return nil
}

var referenceName = plaintext.Field{Name: "name", Label: "the reference's name", Max: 200, Required: true}

// checkReference checks a new reference for st.
func checkReference(st opening.Step, in ReferenceInput) (Reference, error) {
	name, err := referenceName.Check(in.Name)
	if err != nil {
		return Reference{}, err
	}
	l := opening.Language(in.Language)
	if !slices.Contains(Languages(st), l) {
		var names []string
		for _, l := range Languages(st) {
			names = append(names, string(l))
		}
		return Reference{}, apperr.Invalid("language", "the language must be one this step is answered in: %s", strings.Join(names, ", "))
	}
	switch {
	case len(in.Code) > MaxReference:
		return Reference{}, &apperr.Error{Kind: apperr.ErrTooLarge, Field: "code",
			Message: fmt.Sprintf("the reference's code is too large: at most %d KB, as for a candidate's code", MaxReference/1000)}
	case !utf8.ValidString(in.Code) || strings.IndexByte(in.Code, 0) >= 0:
		return Reference{}, apperr.Invalid("code", "the reference's code is not text (a binary file?): paste source code")
	case strings.TrimSpace(in.Code) == "":
		return Reference{}, apperr.Invalid("code", "the reference's code cannot be empty")
	}
	code := strings.ReplaceAll(in.Code, "\r\n", "\n")
	return Reference{StepID: st.ID, Name: name, Language: l, Code: code}, nil
}

// AddReference adds code to compare step stepID's answers against, and
// queues a new comparison. Members who review add them.
func (s *Service) AddReference(ctx context.Context, m account.Member, stepID int64, in ReferenceInput) (_ Reference, err error) {
	defer apperr.Wrap(&err, "matching.AddReference(%d)", stepID)
	_, st, err := s.step(ctx, m, stepID)
	if err != nil {
		return Reference{}, err
	}
	if !m.Can(account.Review) {
		return Reference{}, apperr.Forbidden("your role cannot change how answers are compared")
	}
	r, err := checkReference(st, in)
	if err != nil {
		return r, err
	}
	r.AddedBy, r.CreatedAt = m.Name, s.now()
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := tx.WriteRow(ctx, `INSERT INTO similarity_references (org_id, step_id, name, language, code, member_id, added_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, m.OrgID, st.ID, r.Name, r.Language, r.Code, m.ID, r.AddedBy, r.CreatedAt).Scan(&r.ID); err != nil {
			return err
		}
		if err := s.queue(ctx, tx, m.OrgID, st.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, m, "similarity.reference_add", stepTarget(st), r.Name, "")
	})
	return r, err
}

// RemoveReference removes a reference of step stepID, with its pairs,
// and queues a new comparison.
func (s *Service) RemoveReference(ctx context.Context, m account.Member, stepID, refID int64) (err error) {
	defer apperr.Wrap(&err, "matching.RemoveReference(%d, %d)", stepID, refID)
	_, st, err := s.step(ctx, m, stepID)
	if err != nil {
		return err
	}
	if !m.Can(account.Review) {
		return apperr.Forbidden("your role cannot change how answers are compared")
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `DELETE FROM similarity_pairs WHERE right_reference_id = $1 AND step_id = $2`, refID, st.ID); err != nil {
			return err
		}
		var name string
		err := tx.WriteRow(ctx, `DELETE FROM similarity_references WHERE id = $1 AND step_id = $2 RETURNING name`, refID, st.ID).Scan(&name)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("reference")
		}
		if err != nil {
			return err
		}
		if err := s.queue(ctx, tx, m.OrgID, st.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, m, "similarity.reference_remove", stepTarget(st), name, "")
	})
}
