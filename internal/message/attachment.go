package message

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Limits on attachments.
const (
	MaxAttachmentSize = 5 << 20 // bytes, each
	MaxAttachments    = 3       // per message
)

// Attachment is a small file sent with a message.
type Attachment struct {
	ID          int64
	MessageID   int64
	Name        string
	ContentType string
	Size        int64
	key         string
}

// File is a file to attach, as uploaded.
type File struct {
	Name        string
	ContentType string
	Body        io.Reader
}

var fileName = plaintext.Field{Name: "files", Label: "the file's name", Max: 200, Required: true}

// storeFiles puts files in the blob store and returns them as attachments
// not yet tied to a message, with a function that deletes them again.
func (s *Service) storeFiles(ctx context.Context, orgID int64, files []File) ([]Attachment, func(), error) {
	var out []Attachment
	remove := func() {
		for _, a := range out {
			s.blobs.Delete(context.WithoutCancel(ctx), a.key)
		}
	}
	if len(files) > MaxAttachments {
		return nil, remove, apperr.Invalid("files", "attach at most %d files to a message", MaxAttachments)
	}
	for _, f := range files {
		name, err := fileName.Check(path.Base(strings.ReplaceAll(f.Name, "\\", "/")))
		if err != nil || name == "." || name == "/" {
			remove()
			return nil, remove, apperr.Invalid("files", "a file has no usable name")
		}
		ctype, _, err := mime.ParseMediaType(f.ContentType)
		if err != nil || ctype == "" {
			ctype = "application/octet-stream"
		}
		a := Attachment{Name: name, ContentType: ctype, key: fmt.Sprintf("attachments/%d/%s", orgID, randomHex(16))}
		n, err := s.blobs.Put(ctx, a.key, io.LimitReader(f.Body, MaxAttachmentSize+1))
		if err != nil {
			remove()
			return nil, remove, err
		}
		a.Size = n
		out = append(out, a)
		if n > MaxAttachmentSize {
			remove()
			return nil, remove, apperr.New(apperr.ErrTooLarge, "%s is larger than %d MB; attach files of at most %d MB", name, MaxAttachmentSize>>20, MaxAttachmentSize>>20)
		}
		if n == 0 {
			remove()
			return nil, remove, apperr.Invalid("files", "%s is empty", name)
		}
	}
	return out, remove, nil
}

// insertAttachments ties stored files to message m in tx.
func insertAttachments(ctx context.Context, tx *sqldb.DB, orgID int64, m *Message, now time.Time) error {
	for i := range m.Attachments {
		a := &m.Attachments[i]
		a.MessageID = m.ID
		if err := tx.WriteRow(ctx, `INSERT INTO message_attachments (org_id, message_id, name, content_type, size, blob_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, orgID, m.ID, a.Name, a.ContentType, a.Size, a.key, now).Scan(&a.ID); err != nil {
			return err
		}
	}
	return nil
}

// attach fills the Attachments of a thread's messages.
func (s *Service) attach(ctx context.Context, appID int64, ms []Message) error {
	rows, err := s.db.Query(ctx, `SELECT f.id, f.message_id, f.name, f.content_type, f.size, f.blob_key
		FROM message_attachments f JOIN messages m ON m.id = f.message_id WHERE m.application_id = $1 ORDER BY f.id`, appID)
	if err != nil {
		return err
	}
	defer rows.Close()
	byMsg := map[int64][]Attachment{}
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Name, &a.ContentType, &a.Size, &a.key); err != nil {
			return err
		}
		byMsg[a.MessageID] = append(byMsg[a.MessageID], a)
	}
	for i := range ms {
		ms[i].Attachments = byMsg[ms[i].ID]
	}
	return rows.Err()
}

// OpenAttachment opens an attachment for a team member who may read the
// application it belongs to. The caller closes it.
func (s *Service) OpenAttachment(ctx context.Context, actor account.Member, id int64) (_ Attachment, _ blob.Object, err error) {
	defer apperr.Wrap(&err, "message.OpenAttachment(%d)", id)
	if !actor.Can(account.ViewApplications) {
		return Attachment{}, nil, apperr.NotFound("file")
	}
	return s.openAttachment(ctx, `f.id = $1 AND f.org_id = $2`, id, actor.OrgID)
}

// OpenCandidateAttachment opens an attachment of a message the candidate
// may read: in their thread, not a note, and already sent.
func (s *Service) OpenCandidateAttachment(ctx context.Context, a application.Application, id int64) (_ Attachment, _ blob.Object, err error) {
	defer apperr.Wrap(&err, "message.OpenCandidateAttachment(%d)", id)
	return s.openAttachment(ctx, `f.id = $1 AND m.application_id = $2 AND NOT m.internal AND (m.visible_at IS NULL OR m.visible_at <= $3)`, id, a.ID, s.now())
}

func (s *Service) openAttachment(ctx context.Context, where string, args ...any) (Attachment, blob.Object, error) {
	var a Attachment
	err := s.db.QueryRow(ctx, `SELECT f.id, f.message_id, f.name, f.content_type, f.size, f.blob_key
		FROM message_attachments f JOIN messages m ON m.id = f.message_id WHERE `+where, args...).
		Scan(&a.ID, &a.MessageID, &a.Name, &a.ContentType, &a.Size, &a.key)
	if errors.Is(err, sqldb.ErrNotFound) {
		return a, nil, apperr.NotFound("file")
	}
	if err != nil {
		return a, nil, err
	}
	obj, err := s.blobs.Open(ctx, a.key)
	if errors.Is(err, blob.ErrNotFound) {
		return a, nil, apperr.NotFound("file")
	}
	return a, obj, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
