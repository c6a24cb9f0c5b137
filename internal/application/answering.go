package application

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/anyhour/anyhour/internal/apperr"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// Answering runs fn in a transaction in which the application is locked
// and still open for answers, and marks it started. Packages that own
// answers of their own kind (video recordings) write them through it, so
// that they obey the same deadline and submission rules as SaveAnswer.
func (s *Service) Answering(ctx context.Context, a Application, fn func(tx *sqldb.DB, a Application) error) (err error) {
	defer apperr.Wrap(&err, "application.Answering(%d)", a.ID)
	if err := s.checkOpen(a); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := s.lockOpen(ctx, tx, &a); err != nil {
			return err
		}
		if err := fn(tx, a); err != nil {
			return err
		}
		return s.start(ctx, tx, a)
	})
}

// PutRecordingAnswer makes recording recordingID the answer of application appID
// to stepID, in tx. Recordings are not scored automatically.
func (s *Service) PutRecordingAnswer(ctx context.Context, tx *sqldb.DB, appID, stepID, recordingID int64) (err error) {
	defer apperr.Wrap(&err, "application.PutRecordingAnswer(%d)", appID)
	return s.putBody(ctx, tx, appID, stepID, answerBody{RecordingID: recordingID})
}

// PutFilesAnswer records in tx that application appID's answer to stepID
// holds n files: package filestep calls it as files arrive and go, so that
// progress and "answered" count them like any answer. With none left the
// answer is removed.
func (s *Service) PutFilesAnswer(ctx context.Context, tx *sqldb.DB, appID, stepID int64, n int) (err error) {
	defer apperr.Wrap(&err, "application.PutFilesAnswer(%d)", appID)
	if n > 0 {
		return s.putBody(ctx, tx, appID, stepID, answerBody{Files: n})
	}
	if _, err := tx.Exec(ctx, `DELETE FROM answers WHERE application_id = $1 AND step_id = $2`, appID, stepID); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE applications SET updated_at = $1 WHERE id = $2`, s.now(), appID)
	return err
}

// PutCommitAnswer records in tx that application appID's answer to the
// take-home step stepID is commit, the last one pushed: package takehome
// calls it with each push it takes. The score waits for its grading.
func (s *Service) PutCommitAnswer(ctx context.Context, tx *sqldb.DB, appID, stepID int64, commit string) (err error) {
	defer apperr.Wrap(&err, "application.PutCommitAnswer(%d)", appID)
	return s.putBody(ctx, tx, appID, stepID, answerBody{Commit: commit})
}

// putBody makes b the answer of appID to stepID, in tx, without a score
// (a kind scored later sets it with SetScore), for the packages that own
// answers of their own kind.
func (s *Service) putBody(ctx context.Context, tx *sqldb.DB, appID, stepID int64, b answerBody) error {
	body, err := json.Marshal(b)
	if err != nil {
		return err
	}
	t := s.now()
	_, err = tx.Exec(ctx, `INSERT INTO answers (application_id, step_id, body, score, max_score, created_at, updated_at)
		VALUES ($1, $2, $3, NULL, NULL, $4, $4)
		ON CONFLICT (application_id, step_id) DO UPDATE SET body = excluded.body, score = NULL, max_score = NULL, updated_at = excluded.updated_at`,
		appID, stepID, string(body), t)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE applications SET updated_at = $1 WHERE id = $2`, t, appID)
	return err
}

// ReplaceRecordingAnswer makes recording to the answer of application appID
// to stepID in tx, if recording from is the answer now.
func (s *Service) ReplaceRecordingAnswer(ctx context.Context, tx *sqldb.DB, appID, stepID, from, to int64) (err error) {
	defer apperr.Wrap(&err, "application.ReplaceRecordingAnswer(%d)", appID)
	var body string
	err = tx.QueryRow(ctx, `SELECT body FROM answers WHERE application_id = $1 AND step_id = $2`, appID, stepID).Scan(&body)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var b answerBody
	if err := jsonUnmarshal(body, &b); err != nil || b.RecordingID != from {
		return err
	}
	return s.PutRecordingAnswer(ctx, tx, appID, stepID, to)
}
