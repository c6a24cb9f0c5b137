package search

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Reindex builds the index again from the texts themselves, in one
// transaction, and reports how many texts it holds. The hooks keep the
// index from then on; package app runs this once, as the migration that
// creates the index is applied to a database that already holds
// applications (a migration cannot read answers, which are JSON).
func (s *Service) Reindex(ctx context.Context) (n int, err error) {
	defer apperr.Wrap(&err, "search.Reindex")
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `DELETE FROM search_docs`); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO search_docs (org_id, application_id, kind, ref_id, body, created_at)
				SELECT a.org_id, a.id, 'candidate', c.id,
					CASE WHEN a.blind THEN a.team_name ELSE a.candidate_name || ' <' || c.email || '>' END, a.invited_at
				FROM applications a JOIN candidates c ON c.id = a.candidate_id`,
			`INSERT INTO search_docs (org_id, application_id, kind, ref_id, body, created_at)
				SELECT m.org_id, m.application_id, CASE WHEN m.internal THEN 'note' ELSE 'message' END, m.id, m.body, m.created_at
				FROM messages m`,
			`INSERT INTO search_docs (org_id, application_id, kind, ref_id, member_id, body, created_at)
				SELECT r.org_id, r.application_id, 'review', r.id, r.member_id, r.note, r.updated_at
				FROM reviews r WHERE r.note <> ''`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return s.reindexAnswers(ctx, tx)
	})
	if err != nil {
		return 0, err
	}
	return n, s.db.QueryRow(ctx, `SELECT COUNT(*) FROM search_docs`).Scan(&n)
}

// reindexAnswers indexes the answers of every submitted application.
func (s *Service) reindexAnswers(ctx context.Context, tx *sqldb.DB) error {
	type shared struct {
		id, org int64
		at      time.Time
	}
	rows, err := tx.Query(ctx, `SELECT id, org_id, submitted_at FROM applications WHERE submitted_at IS NOT NULL ORDER BY id`)
	if err != nil {
		return err
	}
	var apps []shared
	for rows.Next() {
		var a shared
		if err := rows.Scan(&a.id, &a.org, &a.at); err != nil {
			rows.Close()
			return err
		}
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range apps {
		answers, err := s.applications.AnswersInTx(ctx, tx, a.id)
		if err != nil {
			return err
		}
		if err := putAnswers(ctx, tx, a.org, a.id, a.at, answers); err != nil {
			return err
		}
	}
	return nil
}
