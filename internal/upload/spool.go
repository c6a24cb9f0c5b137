package upload

import (
	"context"
	"io"
	"os"

	tusd "github.com/tus/tusd/v2/pkg/handler"
)

// spooledStore receives each PATCH's body in full, in a temporary file,
// before the store under it sees a byte of it.
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
//
// The extensions it registers unwrap its uploads for the store under it,
// which asserts its own upload type.
type spooledStore struct {
	s   s3Like
	dir string // for the temporary files; "" is os.TempDir()
}

// s3Like is what tusd's S3 store offers.
type s3Like interface {
	tusd.DataStore
	tusd.TerminaterDataStore
	tusd.LengthDeferrerDataStore
	tusd.ConcaterDataStore
	tusd.ContentServerDataStore
	UseIn(*tusd.StoreComposer)
}

func (s spooledStore) UseIn(c *tusd.StoreComposer) {
	s.s.UseIn(c)
	c.UseCore(s)
	c.UseTerminater(s)
	c.UseLengthDeferrer(s)
	c.UseConcater(s)
	c.UseContentServer(s)
}

func (s spooledStore) NewUpload(ctx context.Context, info tusd.FileInfo) (tusd.Upload, error) {
	up, err := s.s.NewUpload(ctx, info)
	if err != nil {
		return nil, err
	}
	return spooledUpload{up, s.dir}, nil
}

func (s spooledStore) GetUpload(ctx context.Context, id string) (tusd.Upload, error) {
	up, err := s.s.GetUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	return spooledUpload{up, s.dir}, nil
}

func unwrap(up tusd.Upload) tusd.Upload {
	if s, ok := up.(spooledUpload); ok {
		return s.Upload
	}
	return up
}

func (s spooledStore) AsTerminatableUpload(up tusd.Upload) tusd.TerminatableUpload {
	return s.s.AsTerminatableUpload(unwrap(up))
}

func (s spooledStore) AsLengthDeclarableUpload(up tusd.Upload) tusd.LengthDeclarableUpload {
	return s.s.AsLengthDeclarableUpload(unwrap(up))
}

func (s spooledStore) AsConcatableUpload(up tusd.Upload) tusd.ConcatableUpload {
	return s.s.AsConcatableUpload(unwrap(up))
}

func (s spooledStore) AsServableUpload(up tusd.Upload) tusd.ServableUpload {
	return s.s.AsServableUpload(unwrap(up))
}

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
