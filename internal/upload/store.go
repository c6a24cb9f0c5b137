package upload

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/s3store"

	"github.com/anyhour/anyhour/internal/video"
)

// Store is where tusd keeps uploads: a data store that can also end an
// upload (tus termination) and take its length late (the recorder states
// it with the last chunk), and that removes whatever is left of an
// unfinished upload by its id, even one whose info cannot be read.
type Store interface {
	tusd.DataStore
	tusd.TerminaterDataStore
	tusd.LengthDeferrerDataStore
	// remove deletes what is kept of the unfinished upload id. It never
	// touches a finished upload's object, which is a recording's or a
	// file's original.
	remove(ctx context.Context, id string) error
}

// s3Uploads is tusd's S3 store, keeping uploads in bucket under
// prefix+"uploads/", where an S3 blob store with the same prefix reads
// them back.
type s3Uploads struct {
	s3store.S3Store
	client *s3.Client
	bucket string
	prefix string // the store's ObjectPrefix
}

// S3Store keeps uploads in bucket under prefix+"uploads/". Each PATCH is
// spooled to a temporary file first (spooledUpload says why).
func S3Store(client *s3.Client, bucket, prefix string) Store {
	st := s3store.New(bucket, client)
	st.ObjectPrefix = prefix + video.UploadsPrefix
	return &s3Uploads{S3Store: st, client: client, bucket: bucket, prefix: st.ObjectPrefix}
}

// NewUpload creates the upload whole or not at all: tusd's S3 store makes
// the multipart upload, then its info object; if the second fails, the
// first is aborted here.
func (s *s3Uploads) NewUpload(ctx context.Context, info tusd.FileInfo) (tusd.Upload, error) {
	up, err := s.S3Store.NewUpload(ctx, info)
	if err != nil {
		s.remove(context.WithoutCancel(ctx), info.ID)
		return nil, err
	}
	return spooledUpload{up, ""}, nil
}

// GetUpload returns the upload, its PATCHes spooled.
func (s *s3Uploads) GetUpload(ctx context.Context, id string) (tusd.Upload, error) {
	up, err := s.S3Store.GetUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	return spooledUpload{up, ""}, nil
}

// AsTerminatableUpload and AsLengthDeclarableUpload hand tusd's S3 store
// its own upload type, which it asserts.
func (s *s3Uploads) AsTerminatableUpload(up tusd.Upload) tusd.TerminatableUpload {
	return s.S3Store.AsTerminatableUpload(unwrap(up))
}

func (s *s3Uploads) AsLengthDeclarableUpload(up tusd.Upload) tusd.LengthDeclarableUpload {
	return s.S3Store.AsLengthDeclarableUpload(unwrap(up))
}

// remove aborts the upload's multipart upload (every one under its key
// when the id does not say which) and deletes its info and its
// incomplete part.
func (s *s3Uploads) remove(ctx context.Context, id string) error {
	objectID, multipartID, _ := strings.Cut(id, "+")
	if objectID == "" {
		return nil
	}
	key := s.prefix + objectID
	var errs []error
	var multiparts []string
	if multipartID != "" {
		multiparts = append(multiparts, multipartID)
	} else {
		out, err := s.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &s.bucket, Prefix: &key})
		if err != nil {
			errs = append(errs, err)
		} else {
			for _, u := range out.Uploads {
				if u.Key != nil && *u.Key == key && u.UploadId != nil {
					multiparts = append(multiparts, *u.UploadId)
				}
			}
		}
	}
	for _, m := range multiparts {
		_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: aws.String(m)})
		var missing *types.NoSuchUpload
		if err != nil && !errors.As(err, &missing) && !strings.Contains(err.Error(), "NoSuchUpload") {
			errs = append(errs, err)
		}
	}
	for _, k := range []string{key + ".info", key + ".part"} {
		if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(k)}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
