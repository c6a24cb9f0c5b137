package s3

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// PartSize is the size of each part of a multipart upload, and the most
// Put holds in memory. Objects no larger go up in one PutObject.
//
// S3 allows at most 10,000 parts, so an object can reach about 78 GiB;
// parts other than the last must be at least 5 MiB.
const PartSize = 8 << 20

// partBufs recycles the part buffers: without it every Put, however small,
// would allocate PartSize bytes for the garbage collector.
var partBufs = sync.Pool{New: func() any {
	b := make([]byte, PartSize)
	return &b
}}

// Put uploads r to key, in one request if r ends within PartSize, in a
// multipart upload otherwise. Either way the object appears only when
// the whole of r is stored; if r, the context or a request fails, the
// multipart upload is aborted and the key keeps what it held before.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (size int64, err error) {
	defer wrap(&err, "put", key)
	name, err := s.objectKey(key)
	if err != nil {
		return 0, err
	}
	r = ctxReader{ctx, r}
	bufp := partBufs.Get().(*[]byte)
	defer partBufs.Put(bufp)
	buf := *bufp
	n, err := io.ReadFull(r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket:        &s.bucket,
			Key:           &name,
			Body:          bytes.NewReader(buf[:n]),
			ContentLength: aws.Int64(int64(n)),
		})
		if err != nil {
			return 0, err
		}
		return int64(n), nil
	}
	if err != nil {
		return 0, err
	}
	return s.putMultipart(ctx, name, buf, r)
}

// putMultipart uploads first, a full part already read, and the rest of
// r, reading each later part into first's memory.
func (s *Store) putMultipart(ctx context.Context, name string, first []byte, r io.Reader) (size int64, err error) {
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &name})
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			s.abort(ctx, name, up.UploadId)
		}
	}()

	var parts []types.CompletedPart
	for n, last := len(first), false; n > 0; {
		part, err := s.uploadPart(ctx, name, up.UploadId, int32(len(parts)+1), first[:n])
		if err != nil {
			return 0, err
		}
		parts = append(parts, part)
		size += int64(n)
		if last {
			break
		}
		n, err = io.ReadFull(r, first)
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			last = true
		default:
			return 0, err
		}
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          &s.bucket,
		Key:             &name,
		UploadId:        up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return 0, err
	}
	return size, nil
}

// uploadPart uploads p as part number num of the upload.
func (s *Store) uploadPart(ctx context.Context, name string, uploadID *string, num int32, p []byte) (types.CompletedPart, error) {
	out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
		Bucket:        &s.bucket,
		Key:           &name,
		UploadId:      uploadID,
		PartNumber:    &num,
		Body:          bytes.NewReader(p),
		ContentLength: aws.Int64(int64(len(p))),
	})
	if err != nil {
		return types.CompletedPart{}, err
	}
	return types.CompletedPart{ETag: out.ETag, PartNumber: &num}, nil
}

// abort drops a failed multipart upload and its parts. It runs after ctx
// may have been cancelled, so it gets a context of its own; if it fails
// too, the parts stay until a bucket lifecycle rule removes them (set
// AbortIncompleteMultipartUpload on production buckets).
func (s *Store) abort(ctx context.Context, name string, uploadID *string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &name, UploadId: uploadID})
}

// ctxReader stops a long upload once ctx is done, e.g. when the client
// sending the file goes away.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
