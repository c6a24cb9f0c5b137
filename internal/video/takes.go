package video

import (
	"context"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

func (s *Service) takesIn(ctx context.Context, db *sqldb.DB, appID, stepID int64) ([]Recording, error) {
	rows, err := db.Query(ctx, `SELECT `+recordingColumns+` FROM media
		WHERE application_id = $1 AND step_id = $2 AND purpose = 'answer' ORDER BY take`, appID, stepID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows)
}

// Takes returns a candidate's takes for a step, first take first.
func (s *Service) Takes(ctx context.Context, a application.Application, stepID int64) (_ []Recording, err error) {
	defer apperr.Wrap(&err, "video.Takes(%d)", stepID)
	return s.takesIn(ctx, s.db, a.ID, stepID)
}

// TeamTakes returns an application's takes by step id as its team may
// see them: none until the candidate submits (application.Application.Shared).
// The caller has checked that the viewer may read the application.
func (s *Service) TeamTakes(ctx context.Context, a application.Application) (_ map[int64][]Recording, err error) {
	defer apperr.Wrap(&err, "video.TeamTakes")
	if !a.Shared() {
		return map[int64][]Recording{}, nil
	}
	return s.ApplicationTakes(ctx, a.ID)
}

// ApplicationTakes returns every take of an application by step id, for
// the candidate. The team reads them through TeamTakes.
func (s *Service) ApplicationTakes(ctx context.Context, appID int64) (_ map[int64][]Recording, err error) {
	defer apperr.Wrap(&err, "video.ApplicationTakes(%d)", appID)
	rows, err := s.db.Query(ctx, `SELECT `+recordingColumns+` FROM media
		WHERE application_id = $1 AND purpose = 'answer' ORDER BY step_id, take`, appID)
	if err != nil {
		return nil, err
	}
	all, err := scanAll(rows)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Recording{}
	for _, m := range all {
		out[m.StepID] = append(out[m.StepID], m)
	}
	return out, nil
}

// TakesLeft is how many more takes a candidate may record for step.
func TakesLeft(step opening.Step, takes []Recording) int {
	n := step.Takes()
	for _, t := range takes {
		if t.Counts() {
			n--
		}
	}
	return max(n, 0)
}

// Shown is the take that stands for a video step's answer, wherever it
// is shown: the take chosen as the answer; until one is, the newest take
// not given up, so that readers see how the recording is coming along
// (uploading, processing or failed). Nil when there is none.
func Shown(takes []Recording, chosen int64) *Recording {
	var newest *Recording
	for i := range takes {
		t := &takes[i]
		if chosen != 0 && t.ID == chosen {
			return t
		}
		if t.Status != Discarded {
			newest = t
		}
	}
	if chosen != 0 {
		return nil
	}
	return newest
}

// ChooseTake makes an earlier take the answer to its step, for steps that
// allow retakes. The take must have finished uploading and not failed.
func (s *Service) ChooseTake(ctx context.Context, a application.Application, stepID, recordingID int64) (err error) {
	defer apperr.Wrap(&err, "video.ChooseTake(%d)", stepID)
	return s.applications.Answering(ctx, a, func(tx *sqldb.DB, a application.Application) error {
		var status Status
		err := tx.QueryRow(ctx, `SELECT status FROM media WHERE id = $1 AND application_id = $2 AND step_id = $3 AND purpose = 'answer'`,
			recordingID, a.ID, stepID).Scan(&status)
		if err != nil {
			return notFound(err, "take")
		}
		switch status {
		case Processing, Ready:
		case Uploading:
			return apperr.Conflict("this take is still uploading; choose it once it is saved")
		default:
			return apperr.Conflict("this take could not be used; choose another or record again")
		}
		return s.applications.PutRecordingAnswer(ctx, tx, a.ID, stepID, recordingID)
	})
}
