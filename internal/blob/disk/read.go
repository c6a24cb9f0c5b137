package disk

import (
	"context"
	"io/fs"
	"os"
	"time"

	"github.com/anyhour/anyhour/internal/blob"
)

// Open opens the file under key for reading.
func (s *Store) Open(ctx context.Context, key string) (_ blob.Object, err error) {
	defer wrap(&err, "open", key)
	name, err := fileName(key)
	if err != nil {
		return nil, err
	}
	f, err := s.root.Open(name)
	if isNotExist(err) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = blob.ErrNotFound // a directory made for longer keys
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &object{File: f, info: fi}, nil
}

// Stat describes the file under key.
func (s *Store) Stat(ctx context.Context, key string) (_ blob.Info, err error) {
	defer wrap(&err, "stat", key)
	name, err := fileName(key)
	if err != nil {
		return blob.Info{}, err
	}
	fi, err := s.root.Stat(name)
	if isNotExist(err) || (err == nil && !fi.Mode().IsRegular()) {
		return blob.Info{}, blob.ErrNotFound
	}
	if err != nil {
		return blob.Info{}, err
	}
	return blob.Info{Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// object is an open file with the size and time it had when opened.
type object struct {
	*os.File
	info fs.FileInfo
}

func (o *object) Size() int64        { return o.info.Size() }
func (o *object) ModTime() time.Time { return o.info.ModTime() }
