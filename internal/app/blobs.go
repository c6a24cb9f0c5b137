package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/blob/disk"
	"github.com/anyhour/anyhour/internal/upload"
)

// openBlobs opens the blob store cfg.BlobURL names, and the tus upload
// store that writes into it.
func openBlobs(ctx context.Context, cfg Config) (blob.Store, upload.Store, error) {
	raw := cfg.BlobURL
	if raw == "" {
		raw = "file://" + filepath.ToSlash(filepath.Join(cfg.DataDir, "blobs"))
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Not err itself: it quotes the URL, credentials and all.
		return nil, nil, errors.New("not a URL of the form file:///a/dir or s3://bucket/prefix?endpoint=…; a / in a secret must be written %2F")
	}
	switch u.Scheme {
	case "file":
		dir := filepath.FromSlash(u.Host + u.Path)
		store, err := disk.New(dir)
		if err != nil {
			return nil, nil, err
		}
		uploads, err := upload.DiskStore(dir)
		return store, uploads, err
	case "s3":
		return openS3(ctx, raw)
	}
	return nil, nil, fmt.Errorf("unknown scheme %q: use file:///a/dir or s3://bucket?endpoint=…", u.Scheme)
}
