package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/anyhour/anyhour/internal/blob"
)

// Open looks the object up with HeadObject and returns it for reading.
// Reads use ctx too: cancelling it ends them.
func (s *Store) Open(ctx context.Context, key string) (_ blob.Object, err error) {
	defer wrap(&err, "open", key)
	name, err := s.objectKey(key)
	if err != nil {
		return nil, err
	}
	head, err := s.head(ctx, name)
	if err != nil {
		return nil, err
	}
	return &object{
		ctx:     ctx,
		s:       s,
		key:     key,
		name:    name,
		etag:    head.ETag,
		size:    aws.ToInt64(head.ContentLength),
		modTime: aws.ToTime(head.LastModified),
	}, nil
}

// Stat describes the object under key with a HeadObject.
func (s *Store) Stat(ctx context.Context, key string) (_ blob.Info, err error) {
	defer wrap(&err, "stat", key)
	name, err := s.objectKey(key)
	if err != nil {
		return blob.Info{}, err
	}
	head, err := s.head(ctx, name)
	if err != nil {
		return blob.Info{}, err
	}
	return blob.Info{Size: aws.ToInt64(head.ContentLength), ModTime: aws.ToTime(head.LastModified)}, nil
}

func (s *Store) head(ctx context.Context, name string) (*s3.HeadObjectOutput, error) {
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &name})
	if isNotFound(err) {
		return nil, blob.ErrNotFound
	}
	return head, err
}

// errChanged means the object was replaced after Open: reading on would
// mix two versions.
var errChanged = errors.New("object changed while being read")

// object reads an S3 object through ranged GETs. Seek only moves pos; a
// Read from where the open body stands continues it, a Read from
// anywhere else closes the body and asks for "bytes=pos-". So a
// sequential reader, or http.ServeContent serving one range, costs one
// GET. Every GET carries If-Match with the ETag seen at Open, so an
// overwrite in between fails the read instead of splicing versions.
type object struct {
	ctx     context.Context
	s       *Store
	key     string // for errors
	name    string // in the bucket
	etag    *string
	size    int64
	modTime time.Time

	pos     int64         // where the next Read starts
	body    io.ReadCloser // open GET response, or nil
	bodyPos int64         // offset of body's next byte
	closed  bool
}

func (o *object) Size() int64        { return o.size }
func (o *object) ModTime() time.Time { return o.modTime }

// Read reads from the current offset; at or past the end it returns
// io.EOF without asking S3, which would answer 416.
func (o *object) Read(p []byte) (int, error) {
	if o.closed {
		return 0, os.ErrClosed
	}
	if o.pos >= o.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if o.body != nil && o.bodyPos != o.pos {
		o.closeBody()
	}
	if o.body == nil {
		if err := o.get(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p)
	o.pos += int64(n)
	o.bodyPos = o.pos
	if err == io.EOF {
		o.closeBody()
		if o.pos < o.size {
			err = io.ErrUnexpectedEOF
		}
	} else if err != nil {
		o.closeBody()
		err = fmt.Errorf("s3: read %q: %w", o.key, err)
	}
	return n, err
}

// get opens a GET of everything from pos to the end.
func (o *object) get() error {
	out, err := o.s.client.GetObject(o.ctx, &s3.GetObjectInput{
		Bucket:  &o.s.bucket,
		Key:     &o.name,
		Range:   aws.String(fmt.Sprintf("bytes=%d-", o.pos)),
		IfMatch: o.etag,
	})
	switch status := httpStatus(err); {
	case err == nil:
		o.body, o.bodyPos = out.Body, o.pos
		return nil
	case status == http.StatusRequestedRangeNotSatisfiable:
		// Only if the object shrank under a server that ignores If-Match.
		return io.EOF
	case status == http.StatusPreconditionFailed || isNotFound(err):
		return fmt.Errorf("s3: read %q: %w", o.key, errChanged)
	default:
		return fmt.Errorf("s3: read %q: %w", o.key, err)
	}
}

// Seek sets the offset of the next Read. It makes no request.
func (o *object) Seek(offset int64, whence int) (int64, error) {
	if o.closed {
		return 0, os.ErrClosed
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.pos
	case io.SeekEnd:
		offset += o.size
	default:
		return 0, fmt.Errorf("s3: seek %q: invalid whence %d", o.key, whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("s3: seek %q: negative position %d", o.key, offset)
	}
	o.pos = offset
	return offset, nil
}

// Close ends any GET in progress.
func (o *object) Close() error {
	if o.closed {
		return os.ErrClosed
	}
	o.closed = true
	o.closeBody()
	return nil
}

// closeBody drops the open GET; nothing useful can come of its error.
func (o *object) closeBody() {
	if o.body != nil {
		o.body.Close()
		o.body = nil
	}
}
