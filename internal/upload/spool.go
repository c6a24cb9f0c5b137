package upload

import (
	"context"
	"io"
	"os"

	tusd "github.com/tus/tusd/v2/pkg/handler"
)

// spooledUpload receives each PATCH's body in full, in a temporary file,
// before tusd's S3 store sees a byte of it.
//
// tusd's S3 store keeps the tail of an upload shorter than an S3 part (5
// MiB) as an object of its own, "ID.part". A PATCH downloads that object,
// deletes it, and uploads it again in front of the new bytes as they
// arrive from the client. A process that dies meanwhile (killed, out of
// memory, a machine lost) has deleted bytes it acknowledged to an earlier
// PATCH: another process then reports an offset below what the client was
// told it has, and a recorder that let go of those seconds cannot send
// them again. A candidate on a slow connection holds a PATCH open for
// seconds, so the window was as long as their upload; the spool shrinks
// it to the few S3 requests that move the bytes once they are all here.
// (The several-node test in package deploy kills a process mid-PATCH.)
type spooledUpload struct {
	tusd.Upload
	dir string
}

// WriteChunk reads src to its end first. tusd's body reader ends with
// io.EOF when the client goes away, so what arrived before that is
// written, as without the spool.
func (u spooledUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	f, err := os.CreateTemp(u.dir, "anyhour-patch-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, src); err != nil {
		return 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return u.Upload.WriteChunk(ctx, offset, f)
}

// unwrap returns the store's own upload under a spooled one.
func unwrap(up tusd.Upload) tusd.Upload {
	if s, ok := up.(spooledUpload); ok {
		return s.Upload
	}
	return up
}
