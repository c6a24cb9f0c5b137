// Package disk is a blob.Store on a local directory: each key is a file
// under the root, its slashes becoming subdirectories.
//
// Every access goes through an os.Root, so besides blob.ValidKey the
// kernel refuses any path, symlinks included, that would leave the root.
//
// Put writes a hidden temporary file (".put-…") beside the final one,
// fsyncs it, renames it over the key and fsyncs the directory: a crash
// leaves the old object or the new one, never half a file. A crash
// between creating and renaming can leave such a temporary file behind;
// it is never visible under a key.
package disk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"github.com/anyhour/anyhour/internal/blob"
)

// Permissions for what the store creates: recordings and files are the
// candidates' and the team's, for anyhour's user alone.
const (
	dirPerm  = 0o700
	filePerm = 0o600
)

// Store is a blob.Store on a directory. It is safe for concurrent use.
type Store struct {
	root *os.Root
}

var _ blob.Store = (*Store)(nil)

// New returns a Store keeping its objects under dir, creating dir if it
// does not exist. Call Close when done with it.
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("disk: create root: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("disk: open root: %w", err)
	}
	return &Store{root: root}, nil
}

// Close releases the store's handle on its directory.
func (s *Store) Close() error {
	return s.root.Close()
}

// Delete removes the file under key. A missing key is not an error: that
// keeps retried cleanup tasks simple and matches S3's DeleteObject.
// Directories left empty are kept; removing them would race with a
// concurrent Put into the same directory.
func (s *Store) Delete(ctx context.Context, key string) (err error) {
	defer wrap(&err, "delete", key)
	name, err := fileName(key)
	if err != nil {
		return err
	}
	fi, err := s.root.Lstat(name)
	if isNotExist(err) || (err == nil && fi.IsDir()) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.root.Remove(name); err != nil && !isNotExist(err) {
		return err
	}
	return nil
}

// fileName checks key and turns it into a name relative to the root.
func fileName(key string) (string, error) {
	if !blob.ValidKey(key) {
		return "", blob.ErrInvalidKey
	}
	return filepath.FromSlash(key), nil
}

// dirOf is the directory holding key's file, relative to the root.
func dirOf(key string) string {
	return filepath.FromSlash(path.Dir(key))
}

// isNotExist reports whether err means nothing is at the path, including
// a path that runs through a regular file ("a/b" when "a" is an object).
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// wrap annotates a returned error with the operation and key, as pkgsite's
// derrors.Wrap does; errors.Is still finds blob.ErrNotFound.
func wrap(errp *error, op, key string) {
	if *errp != nil {
		*errp = fmt.Errorf("disk: %s %q: %w", op, key, blob.Classify(*errp))
	}
}
