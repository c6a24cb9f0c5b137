package disk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Put writes r to a temporary file beside key, syncs it and renames it
// over key, so the key holds either its old object or all of r.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (size int64, err error) {
	defer wrap(&err, "put", key)
	name, err := fileName(key)
	if err != nil {
		return 0, err
	}
	dir := dirOf(key)
	if err := s.root.MkdirAll(dir, dirPerm); err != nil {
		return 0, err
	}
	tmp, f, err := s.createTemp(dir)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close() // a second Close just reports ErrClosed
			s.root.Remove(tmp)
		}
	}()
	size, err = io.Copy(f, ctxReader{ctx, r})
	if err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := s.root.Rename(tmp, name); err != nil {
		return 0, err
	}
	// The rename is durable only once the directory entry is.
	return size, s.syncDir(dir)
}

// createTemp makes a new, empty, hidden file in dir.
func (s *Store) createTemp(dir string) (string, *os.File, error) {
	for {
		b := make([]byte, 8)
		rand.Read(b)
		name := filepath.Join(dir, ".put-"+hex.EncodeToString(b))
		f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return name, f, err
	}
}

func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ctxReader stops a long copy once ctx is done, e.g. when the client of
// an upload goes away.
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
