// Package s3 is a blob.Store on a bucket of any S3-compatible server:
// AWS, MinIO, versitygw, Ceph, Garage and the like.
//
// Keys map one to one onto object keys under an optional prefix, so a
// bucket can be shared with other data (the tus upload store writes
// under "<prefix>uploads/"). Addressing is always path-style
// (http://host/bucket/key), which every self-hosted server understands
// and AWS still accepts.
//
// Put is atomic because S3 is: an object appears whole once PutObject or
// CompleteMultipartUpload succeeds. Inputs larger than one part are
// streamed through a multipart upload, one part in memory at a time, and
// the upload is aborted if anything fails, so no parts are left to pay
// for.
//
// Open returns an Object that reads with ranged GETs, opened lazily from
// the current offset, so http.ServeContent can answer Range requests
// without downloading the whole object.
//
// The client asks for request checksums only where S3 requires them
// (RequestChecksumCalculation WhenRequired): the SDK's default of
// trailing CRC checksums on every upload is still refused by several
// self-hosted servers. Over plain HTTP the SigV4 signature covers a
// SHA-256 of each body instead.
package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/anyhour/anyhour/internal/blob"
)

// Store is a blob.Store on an S3 bucket. It is safe for concurrent use.
type Store struct {
	client *s3.Client
	bucket string
	prefix string
}

var _ blob.Store = (*Store)(nil)

// New returns a Store on cfg's bucket, after checking with HeadBucket
// that the bucket exists and the credentials may use it.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("s3: no bucket configured")
	}
	prefix, err := normalizePrefix(cfg.Prefix)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &Store{client: NewClient(cfg), bucket: cfg.Bucket, prefix: prefix}
	_, err = s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket})
	switch status := httpStatus(err); {
	case err == nil:
		return s, nil
	case status == http.StatusNotFound:
		return nil, fmt.Errorf("s3: bucket %q does not exist on %s", cfg.Bucket, where(cfg))
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return nil, fmt.Errorf("s3: access to bucket %q on %s denied: check the access key and secret (%s)", cfg.Bucket, where(cfg), cfg)
	default:
		return nil, fmt.Errorf("s3: cannot reach bucket %q on %s: %w", cfg.Bucket, where(cfg), err)
	}
}

// NewClient returns the client New uses for cfg, without touching the
// network. New is what most callers want; this is for those that must
// act before the bucket exists, such as a test harness creating it.
func NewClient(cfg Config) *s3.Client {
	opts := s3.Options{
		Region:                     cfg.Region,
		UsePathStyle:               true,
		Credentials:                aws.AnonymousCredentials{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.AccessKey != "" || cfg.SecretKey != "" {
		creds := aws.Credentials{AccessKeyID: cfg.AccessKey, SecretAccessKey: cfg.SecretKey, Source: "anyhour blob config"}
		opts.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return creds, nil
		})
	}
	return s3.New(opts)
}

// Client is the store's S3 client, for code that shares the bucket, such
// as the tus upload store.
func (s *Store) Client() *s3.Client { return s.client }

// Bucket is the name of the store's bucket.
func (s *Store) Bucket() string { return s.bucket }

// Prefix is prepended to every key: "" or a path ending in "/".
func (s *Store) Prefix() string { return s.prefix }

// Delete removes the object under key. S3 answers a delete of a missing
// key with success; some servers say NoSuchKey, which is success too.
func (s *Store) Delete(ctx context.Context, key string) (err error) {
	defer wrap(&err, "delete", key)
	name, err := s.objectKey(key)
	if err != nil {
		return err
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &name})
	if isNotFound(err) {
		return nil
	}
	return err
}

// objectKey checks key and turns it into the object's key in the bucket.
func (s *Store) objectKey(key string) (string, error) {
	if !blob.ValidKey(key) {
		return "", blob.ErrInvalidKey
	}
	return s.prefix + key, nil
}

// isNotFound reports whether err says the object does not exist. A HEAD
// has no body, so its 404 carries no code at all; a missing bucket is a
// configuration error, not a missing object.
func isNotFound(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		case "NoSuchBucket":
			return false
		}
	}
	return httpStatus(err) == http.StatusNotFound
}

// httpStatus is the status of the response that caused err, or 0.
func httpStatus(err error) int {
	var respErr interface{ HTTPStatusCode() int }
	if errors.As(err, &respErr) {
		return respErr.HTTPStatusCode()
	}
	return 0
}

// where names the server for error messages.
func where(cfg Config) string {
	if cfg.Endpoint == "" {
		return "AWS"
	}
	return cfg.Endpoint
}

// abortTimeout bounds the cleanup after a failed Put, which must run
// even when the Put's own context is what failed.
const abortTimeout = 30 * time.Second

// wrap annotates a returned error with the operation and key, as
// pkgsite's derrors.Wrap does; errors.Is still finds blob.ErrNotFound.
func wrap(errp *error, op, key string) {
	if *errp != nil {
		*errp = fmt.Errorf("s3: %s %q: %w", op, key, *errp)
	}
}
