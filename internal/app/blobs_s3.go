package app

import (
	"context"

	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/upload"
)

// openS3 opens an S3 bucket as the blob store, with tusd's S3 store
// writing uploads into the same bucket and prefix.
func openS3(ctx context.Context, raw string) (blob.Store, upload.Store, error) {
	cfg, err := s3.ParseURL(raw)
	if err != nil {
		return nil, nil, err
	}
	store, err := s3.New(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return store, upload.S3Store(store.Client(), store.Bucket(), store.Prefix()), nil
}
