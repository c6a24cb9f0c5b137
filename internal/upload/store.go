package upload

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/tus/tusd/v2/pkg/filelocker"
	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	"github.com/tus/tusd/v2/pkg/s3store"

	"github.com/anyhour/anyhour/internal/video"
)

// Store is where tusd keeps uploads.
type Store interface {
	UseIn(*tusd.StoreComposer)
}

type composed []Store

func (c composed) UseIn(sc *tusd.StoreComposer) {
	for _, s := range c {
		s.UseIn(sc)
	}
}

// DiskStore keeps uploads under blobDir/uploads, the directory of a disk
// blob store, so a finished upload is the blob video.UploadsPrefix+id.
// File locks make it safe for several processes on one machine.
func DiskStore(blobDir string) (Store, error) {
	dir := filepath.Join(blobDir, filepath.FromSlash(video.UploadsPrefix))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// Uploads are candidates' recordings: for anyhour's user alone, like
	// the rest of the blob store (tusd's defaults are 0775 and 0664).
	files := filestore.New(dir)
	files.DirModePerm, files.FileModePerm = 0o700, 0o600
	return composed{files, filelocker.New(dir)}, nil
}

// S3Store keeps uploads in bucket under prefix+"uploads/", where an S3
// blob store with the same prefix reads them back. Locks are held in
// memory, so uploads must reach a single server process. Each PATCH is
// spooled to a temporary file first (spooledStore says why).
func S3Store(client *s3.Client, bucket, prefix string) Store {
	st := s3store.New(bucket, client)
	st.ObjectPrefix = prefix + video.UploadsPrefix
	return composed{spooledStore{s: st}, memorylocker.New()}
}
