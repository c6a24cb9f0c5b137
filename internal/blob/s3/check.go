package s3

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/anyhour/anyhour/internal/blob"
)

var _ blob.Checker = (*Store)(nil)

// Check asks the server about the bucket (HeadBucket), one small request:
// a server down or a bucket gone or closed to the credentials fails it.
func (s *Store) Check(ctx context.Context) error {
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err != nil {
		return fmt.Errorf("s3: check bucket %q: %w", s.bucket, err)
	}
	return nil
}
