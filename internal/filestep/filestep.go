// Package filestep owns file steps' answers: the files a candidate uploads
// (a PDF write-up, a design document, a zip of work), within the rules the
// team set (opening.FileRules: the types, how many, how large).
//
// A file arrives through the tus endpoint (package upload) with its
// length known: BeginUpload checks the name, the type by its extension,
// the size and the count before a byte is stored; FinishUpload checks the
// size again and the first bytes against the type, and only then does the
// file count as part of the answer (application.PutFilesAnswer). The
// candidate's page without JavaScript posts a form, which goes through
// Add and the same checks. Nothing is ever unpacked or opened on the
// server beyond the first bytes: a zip is stored as it came.
//
// Files are served only as downloads, with the type from the catalogue
// (never the one the client claimed) and a CSP that sandboxes whatever
// the browser renders; images and PDFs may be shown inline, sandboxed
// the same way. The team reads files once the candidate has submitted,
// like every answer.
package filestep

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/filetype"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Status is where a file stands.
type Status string

// File statuses.
const (
	Uploading Status = "uploading"
	Ready     Status = "ready"
	Removed   Status = "removed"
)

// UploadPrefix starts the upload id of every file, so that the tus
// endpoint tells files from recordings.
const UploadPrefix = "file-"

// MaxName is the longest file name kept, in characters.
const MaxName = 255

// File is one uploaded file.
type File struct {
	ID            int64
	OrgID         int64
	ApplicationID int64
	StepID        int64
	UploadID      string
	TusID         string
	Status        Status
	Name          string
	Type          string // filetype name
	Size          int64
	MaxSize       int64
	BlobKey       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// FileType is the file's type in the catalogue.
func (f File) FileType() filetype.Type {
	t, _ := filetype.ByName(f.Type)
	return t
}

// Service keeps files.
type Service struct {
	db           *sqldb.DB
	blobs        blob.Store
	openings     *opening.Service
	applications *application.Service
	now          func() time.Time
	// uploads is the store tus keeps uploads in (package upload sets
	// it): it removes all it keeps of an upload (its bytes, its info, an
	// unfinished multipart upload on S3), and tells a lost upload.
	// Without it only the bytes are deleted.
	uploads UploadStore
}

// UploadStore is what files need of the store tus keeps uploads in.
type UploadStore interface {
	// Lost reports whether the unfinished upload tusID, whose row was
	// written at created, can no longer be read back.
	Lost(ctx context.Context, tusID string, created time.Time) bool
	// Remove deletes what is kept of the unfinished upload tusID.
	Remove(ctx context.Context, tusID string) error
}

// SetUploadStore sets the store uploads are kept in.
func (s *Service) SetUploadStore(u UploadStore) { s.uploads = u }

// ResumeWindow is how long after the deadline (and its grace) a file
// begun before it may still be sent: a candidate whose connection dropped
// at the last minute comes back, and a file cannot be swapped in later.
const ResumeWindow = 2 * time.Hour

// MaxAttempts is how many uploads, removed ones included, one application
// may begin for one step: enough to change one's mind many times, not
// enough to fill the disk with uploads begun and thrown away.
const MaxAttempts = 100

// discard removes what is stored of f, whatever the request's fate: it
// runs after the request may have been cancelled (a form cut off).
func (s *Service) discard(ctx context.Context, f File) {
	ctx = context.WithoutCancel(ctx)
	if s.uploads != nil {
		if err := s.uploads.Remove(ctx, f.TusID); err == nil {
			return
		}
	}
	s.blobs.Delete(ctx, f.BlobKey)
	s.blobs.Delete(ctx, f.BlobKey+".info")
}

// New returns a Service over db, keeping files in blobs.
func New(db *sqldb.DB, blobs blob.Store, openings *opening.Service, applications *application.Service) *Service {
	return &Service{db: db, blobs: blobs, openings: openings, applications: applications, now: time.Now}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const columns = `id, org_id, application_id, step_id, upload_id, tus_id, status, name, type, size, max_size, blob_key, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (File, error) {
	var f File
	err := row.Scan(&f.ID, &f.OrgID, &f.ApplicationID, &f.StepID, &f.UploadID, &f.TusID, &f.Status, &f.Name, &f.Type,
		&f.Size, &f.MaxSize, &f.BlobKey, &f.CreatedAt, &f.UpdatedAt)
	return f, err
}

// Request is what a candidate asks to upload.
type Request struct {
	StepID int64
	Name   string
	Length int64 // bytes; -1 when not known yet (a form's part)
}

// CheckName returns a file name as kept, or says why it cannot be: a
// name is what the candidate's computer called the file, never a path.
func CheckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", apperr.Invalid("filename", "the file needs a name")
	case !utf8.ValidString(name):
		return "", apperr.Invalid("filename", "the file's name is not valid UTF-8")
	case strings.ContainsAny(name, "/\\"):
		return "", apperr.Invalid("filename", "the file's name %q holds a path separator; send the name alone", clip(name, 60))
	case utf8.RuneCountInString(name) > MaxName:
		return "", apperr.Invalid("filename", "the file's name is %d characters long; rename it to at most %d", utf8.RuneCountInString(name), MaxName)
	case name == "." || name == "..":
		return "", apperr.Invalid("filename", "%q is not a file name", name)
	}
	for _, r := range name {
		if r == 0 || unicode.IsControl(r) {
			return "", apperr.Invalid("filename", "the file's name holds a control character (such as NUL); rename it")
		}
		// Invisible formatting, such as a right-to-left override that
		// makes "cv\u202efdp.zip" read as "cvpiz.pdf".
		if unicode.Is(unicode.Cf, r) {
			return "", apperr.Invalid("filename", "the file's name holds an invisible formatting character (U+%04X); rename it", r)
		}
	}
	return name, nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func tooLarge(max int64) error {
	return apperr.New(apperr.ErrTooLarge, "the file is larger than the %d MB allowed for this step", max>>20)
}

// NewUploadID returns a fresh upload id for a file.
func NewUploadID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return UploadPrefix + hex.EncodeToString(b)
}

// step finds a's step stepID and checks it takes files.
func (s *Service) step(ctx context.Context, a application.Application, stepID int64) (opening.Step, opening.FileRules, error) {
	if stepID == 0 {
		return opening.Step{}, opening.FileRules{}, apperr.Invalid("step_id", "say which step the file answers (step_id)")
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return opening.Step{}, opening.FileRules{}, err
	}
	st, ok := iv.Step(stepID)
	if !ok {
		return st, opening.FileRules{}, apperr.NotFound("step")
	}
	if st.Kind != opening.KindFile || st.Files == nil {
		return st, opening.FileRules{}, apperr.Invalid("step_id", "step %d takes a %s, not files", st.ID, strings.ToLower(st.Kind.Label()))
	}
	return st, *st.Files, nil
}

// BeginUpload records the start of an upload with id, once the name,
// type, size and count fit the step's rules and the candidate may still
// answer. Nothing is stored before it succeeds.
func (s *Service) BeginUpload(ctx context.Context, a application.Application, req Request, id string) (_ File, err error) {
	defer apperr.Wrap(&err, "filestep.BeginUpload(%d)", req.StepID)
	st, rules, err := s.step(ctx, a, req.StepID)
	if err != nil {
		return File{}, err
	}
	name, err := CheckName(req.Name)
	if err != nil {
		return File{}, err
	}
	t, ok := filetype.ForName(name, rules.Types)
	if !ok {
		return File{}, apperr.Invalid("filename", "%s is not a file this step takes: send %s", clip(name, 60), filetype.Labels(rules.Types))
	}
	max := rules.MaxBytes()
	if req.Length > max {
		return File{}, tooLarge(max)
	}
	now := s.now()
	f := File{OrgID: a.OrgID, ApplicationID: a.ID, StepID: st.ID, UploadID: id, TusID: id, Status: Uploading,
		Name: name, Type: t.Name, MaxSize: max, BlobKey: "uploads/" + id, CreatedAt: now, UpdatedAt: now}
	err = s.applications.Answering(ctx, a, func(tx *sqldb.DB, a application.Application) error {
		var n, tried int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN status <> 'removed' THEN 1 ELSE 0 END), 0), COUNT(*)
			FROM answer_files WHERE application_id = $1 AND step_id = $2`, a.ID, st.ID).Scan(&n, &tried); err != nil {
			return err
		}
		if tried >= MaxAttempts {
			return apperr.New(apperr.ErrConflict, "this step has had %d uploads, the most it takes; please write to the team", MaxAttempts)
		}
		if n >= rules.MaxFiles {
			return apperr.New(apperr.ErrConflict, "this step takes at most %d %s; remove one before adding another", rules.MaxFiles, plural(rules.MaxFiles, "file", "files"))
		}
		return tx.QueryRow(ctx, `INSERT INTO answer_files (org_id, application_id, step_id, upload_id, tus_id, status, name, type, size, max_size, blob_key, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'uploading', $6, $7, 0, $8, $9, $10, $10) RETURNING id`,
			f.OrgID, f.ApplicationID, f.StepID, f.UploadID, f.TusID, f.Name, f.Type, f.MaxSize, f.BlobKey, now).Scan(&f.ID)
	})
	return f, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// UploadFor returns a's upload id; another candidate's is not found.
func (s *Service) UploadFor(ctx context.Context, a application.Application, id string) (_ File, err error) {
	defer apperr.Wrap(&err, "filestep.UploadFor(%q)", id)
	f, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM answer_files WHERE upload_id = $1 AND application_id = $2`, id, a.ID))
	if errors.Is(err, sqldb.ErrNotFound) {
		return f, apperr.NotFound("upload")
	}
	if err == nil && f.Status == Uploading && s.now().After(a.DeadlineAt.Add(application.AnswerGrace+ResumeWindow)) {
		return File{}, apperr.Conflict("this file was begun too long ago to be finished now; please write to the team")
	}
	return f, err
}

// SetTusID records the id the tus store gave the upload (S3 appends its
// multipart id); the bytes stay under uploads/<id>.
func (s *Service) SetTusID(ctx context.Context, id, tusID string) (err error) {
	defer apperr.Wrap(&err, "filestep.SetTusID(%q)", id)
	_, err = s.db.Exec(ctx, `UPDATE answer_files SET tus_id = $1 WHERE upload_id = $2`, tusID, id)
	return err
}

// FinishUpload makes a complete upload part of the answer, once its size
// and first bytes fit; a file that does not is removed, with why.
// Finishing twice returns the file as it is.
func (s *Service) FinishUpload(ctx context.Context, id string, size int64) (_ File, err error) {
	defer apperr.Wrap(&err, "filestep.FinishUpload(%q)", id)
	f, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM answer_files WHERE upload_id = $1`, id))
	if errors.Is(err, sqldb.ErrNotFound) {
		return f, apperr.NotFound("upload")
	}
	switch {
	case err != nil:
		return f, err
	case f.Status == Removed:
		return f, ErrRemoved
	case f.Status == Ready:
		return f, nil // finished before
	}
	if problem := s.check(ctx, f, size); problem != nil {
		var rejected *apperr.Error
		if !errors.As(problem, &rejected) {
			// The store could not be read: the file may be fine. It
			// stays uploading, and the client's next request finishes it.
			return f, problem
		}
		res, err := s.db.Exec(context.WithoutCancel(ctx), `UPDATE answer_files SET status = 'removed', size = $1, updated_at = $2
			WHERE id = $3 AND status = 'uploading'`, size, s.now(), f.ID)
		if n, _ := res.RowsAffected(); err == nil && n == 1 {
			s.discard(ctx, f)
		}
		return f, problem
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// The application first, then the file and the answer: the order
		// every answer-changing transaction takes, so that two of them
		// cannot deadlock on PostgreSQL. The upload was begun while the
		// application was open; it counts even if the deadline passed
		// while it uploaded, and nobody submits while it uploads.
		if _, err := tx.Exec(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1`, f.ApplicationID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE answer_files SET status = 'ready', size = $1, updated_at = $2 WHERE id = $3 AND status = 'uploading'`,
			size, s.now(), f.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Finished by another request meanwhile, or removed.
			now, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM answer_files WHERE id = $1`, f.ID))
			if err != nil {
				return err
			}
			if now.Status == Removed {
				return ErrRemoved
			}
			return nil
		}
		return s.recount(ctx, tx, f.ApplicationID, f.StepID)
	})
	if err != nil {
		return f, err
	}
	f.Status, f.Size = Ready, size
	return f, nil
}

// ErrRemoved is FinishUpload's error for an upload removed before its
// last bytes arrived.
var ErrRemoved = apperr.New(apperr.ErrConflict, "this file was removed before it finished uploading")

// check reads the first bytes of an upload and says what is wrong with
// it, if anything.
func (s *Service) check(ctx context.Context, f File, size int64) error {
	if size > f.MaxSize {
		return tooLarge(f.MaxSize)
	}
	if size == 0 {
		return apperr.Invalid("file", "%s is empty", f.Name)
	}
	obj, err := s.blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return fmt.Errorf("opening the upload: %w", err)
	}
	defer obj.Close()
	head := make([]byte, filetype.HeadSize)
	n, err := io.ReadFull(obj, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the upload: %w", err)
	}
	if t := f.FileType(); !t.Matches(head[:n]) {
		return apperr.Invalid("file", "%s is named as a %s but its content is not one", clip(f.Name, 60), t.Label)
	}
	return nil
}

// recount brings the answer's count of files up to date in tx.
func (s *Service) recount(ctx context.Context, tx *sqldb.DB, appID, stepID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM answer_files WHERE application_id = $1 AND step_id = $2 AND status = 'ready'`,
		appID, stepID).Scan(&n); err != nil {
		return err
	}
	return s.applications.PutFilesAnswer(ctx, tx, appID, stepID, n)
}

// Add stores a file posted in a form as a's answer to stepID, through the
// same checks as an upload.
func (s *Service) Add(ctx context.Context, a application.Application, stepID int64, name string, r io.Reader) (_ File, err error) {
	defer apperr.Wrap(&err, "filestep.Add(%d)", stepID)
	f, err := s.BeginUpload(ctx, a, Request{StepID: stepID, Name: name, Length: -1}, NewUploadID())
	if err != nil {
		return f, err
	}
	size, err := s.blobs.Put(ctx, f.BlobKey, io.LimitReader(r, f.MaxSize+1))
	if err == nil && size > f.MaxSize {
		err = tooLarge(f.MaxSize)
	}
	if err != nil {
		// The request may be over (a form cut off): the file must not be
		// left uploading, holding a place and blocking the submission.
		s.db.Exec(context.WithoutCancel(ctx), `UPDATE answer_files SET status = 'removed', updated_at = $1 WHERE id = $2`, s.now(), f.ID)
		s.discard(ctx, f)
		return f, err
	}
	return s.FinishUpload(ctx, f.UploadID, size)
}

// Discard gives up an upload (tus's DELETE), or removes the file it made;
// the tus handler removes what its store holds once this returns.
func (s *Service) Discard(ctx context.Context, a application.Application, id string) (err error) {
	defer apperr.Wrap(&err, "filestep.Discard(%q)", id)
	f, err := s.UploadFor(ctx, a, id)
	if err != nil {
		return err
	}
	_, err = s.remove(ctx, a, f.ID)
	return err
}

// Remove takes a file out of a's answer, while they may still answer.
// Its bytes are deleted; the row stays, marked removed.
func (s *Service) Remove(ctx context.Context, a application.Application, fileID int64) (err error) {
	defer apperr.Wrap(&err, "filestep.Remove(%d)", fileID)
	f, err := s.remove(ctx, a, fileID)
	if err != nil {
		return err
	}
	s.discard(ctx, f)
	return nil
}

// remove marks a's file removed and updates the answer, leaving what is
// stored to the caller.
func (s *Service) remove(ctx context.Context, a application.Application, fileID int64) (f File, err error) {
	err = s.applications.Answering(ctx, a, func(tx *sqldb.DB, a application.Application) error {
		f, err = scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM answer_files WHERE id = $1 AND application_id = $2 AND status <> 'removed'`, fileID, a.ID))
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("file")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE answer_files SET status = 'removed', updated_at = $1 WHERE id = $2`, s.now(), f.ID); err != nil {
			return err
		}
		return s.recount(ctx, tx, a.ID, f.StepID)
	})
	return f, err
}

// ForApplication returns an application's files by step id, oldest
// first, for its candidate: those ready and those still uploading.
func (s *Service) ForApplication(ctx context.Context, appID int64) (_ map[int64][]File, err error) {
	defer apperr.Wrap(&err, "filestep.ForApplication(%d)", appID)
	return s.list(ctx, `application_id = $1 AND status <> 'removed'`, appID)
}

// ForTeam returns an application's files by step id as its team may
// read them: the ready ones, once the candidate has submitted. The
// caller has checked that the member may read the application.
func (s *Service) ForTeam(ctx context.Context, a application.Application) (_ map[int64][]File, err error) {
	defer apperr.Wrap(&err, "filestep.ForTeam(%d)", a.ID)
	if !a.Shared() {
		return map[int64][]File{}, nil
	}
	return s.list(ctx, `application_id = $1 AND status = 'ready'`, a.ID)
}

func (s *Service) list(ctx context.Context, where string, args ...any) (map[int64][]File, error) {
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM answer_files WHERE `+where+` ORDER BY step_id, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]File{}
	for rows.Next() {
		f, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[f.StepID] = append(out[f.StepID], f)
	}
	return out, rows.Err()
}

// Reader is who opens a file: a member of the team or the candidate.
type Reader struct {
	Member      *account.Member
	Application *application.Application
}

// Open returns a ready file's bytes for r: their own, for a candidate;
// for a member, a file of their organisation's submitted application.
// Anything else is not found.
func (s *Service) Open(ctx context.Context, r Reader, id int64) (_ blob.Object, _ File, err error) {
	defer apperr.Wrap(&err, "filestep.Open(%d)", id)
	f, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM answer_files WHERE id = $1 AND status = 'ready'`, id))
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, f, apperr.NotFound("file")
	}
	if err != nil {
		return nil, f, err
	}
	switch {
	case r.Application != nil:
		if f.ApplicationID != r.Application.ID {
			return nil, File{}, apperr.NotFound("file")
		}
	case r.Member != nil:
		if f.OrgID != r.Member.OrgID || !r.Member.Can(account.ViewApplications) {
			return nil, File{}, apperr.NotFound("file")
		}
		a, err := s.applications.Application(ctx, *r.Member, f.ApplicationID)
		if err != nil {
			return nil, File{}, err
		}
		if !a.Shared() {
			return nil, File{}, apperr.NotFound("file")
		}
	default:
		return nil, File{}, apperr.New(apperr.ErrUnauthenticated, "sign in, or send the invitation token of the candidate's link")
	}
	obj, err := s.blobs.Open(ctx, f.BlobKey)
	return obj, f, err
}

// CheckNothingUploading refuses a submission while a file is still on
// its way: what the candidate sent would not be what the team reads. A
// file whose upload was lost (the server could not keep it) does not
// stop it: it is removed.
func (s *Service) CheckNothingUploading(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "filestep.CheckNothingUploading(%d)", a.ID)
	rows, err := tx.Query(ctx, `SELECT upload_id, tus_id, created_at FROM answer_files WHERE application_id = $1 AND status = 'uploading'`, a.ID)
	if err != nil {
		return err
	}
	var uploading []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.UploadID, &f.TusID, &f.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		uploading = append(uploading, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range uploading {
		if s.uploads == nil || !s.uploads.Lost(ctx, f.TusID, f.CreatedAt) {
			return apperr.New(apperr.ErrConflict, "a file is still uploading; wait for it to finish, or remove it, then submit")
		}
		if err := dropLost(ctx, tx, f.UploadID, s.now()); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.discard(ctx, f) })
	}
	return nil
}

// dropLost marks the unfinished upload id removed, in db.
func dropLost(ctx context.Context, db *sqldb.DB, id string, now time.Time) error {
	_, err := db.Exec(ctx, `UPDATE answer_files SET status = 'removed', updated_at = $1 WHERE upload_id = $2 AND status = 'uploading'`, now, id)
	return err
}

// DropLost marks the unfinished upload id removed (package upload calls
// it once it found the upload unreadable and removed what was left): it
// counts against nothing but the step's attempts.
func (s *Service) DropLost(ctx context.Context, id string) (err error) {
	defer apperr.Wrap(&err, "filestep.DropLost(%q)", id)
	return dropLost(ctx, s.db, id, s.now())
}

// AbortUpload takes back BeginUpload for upload id when the store could
// not create it: the row goes, as if the upload had never begun.
func (s *Service) AbortUpload(ctx context.Context, id string) (err error) {
	defer apperr.Wrap(&err, "filestep.AbortUpload(%q)", id)
	_, err = s.db.Exec(ctx, `DELETE FROM answer_files WHERE upload_id = $1 AND status = 'uploading'`, id)
	return err
}

// ExpireUploads removes the unfinished uploads begun before now-expiry
// that nobody can finish any more (past the application's deadline, its
// grace and ResumeWindow), and those the store lost, and returns how
// many it removed.
func (s *Service) ExpireUploads(ctx context.Context, expiry time.Duration) (n int, err error) {
	defer apperr.Wrap(&err, "filestep.ExpireUploads")
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT f.upload_id, f.tus_id, f.blob_key, f.created_at, a.deadline_at
		FROM answer_files f JOIN applications a ON a.id = f.application_id
		WHERE f.status = 'uploading' AND f.created_at < $1 ORDER BY f.created_at`, now.Add(-expiry))
	if err != nil {
		return 0, err
	}
	type row struct {
		f        File
		deadline time.Time
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.f.UploadID, &r.f.TusID, &r.f.BlobKey, &r.f.CreatedAt, &r.deadline); err != nil {
			rows.Close()
			return 0, err
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, r := range found {
		open := !now.After(r.deadline.Add(application.AnswerGrace + ResumeWindow))
		if open && (s.uploads == nil || !s.uploads.Lost(ctx, r.f.TusID, r.f.CreatedAt)) {
			continue // its candidate may still come back to it
		}
		if s.uploads != nil {
			if err := s.uploads.Remove(ctx, r.f.TusID); err != nil {
				return n, err
			}
		}
		if err := dropLost(ctx, s.db, r.f.UploadID, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
