package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/anyhour/anyhour/internal/blob"
)

// diskStore is tusd's data store on a directory, in the layout of tusd's
// filestore (an upload X is the file X and its info X.info, so uploads
// begun before it keep working), written so that a fault cannot leave an
// upload half made:
//
//   - An upload is created whole or not at all: the empty data file is
//     made first, then the info is written to a temporary file, synced and
//     renamed into place; if anything fails (a full disk), what was made
//     is removed and the error says so.
//   - The info is replaced the same way when the length is declared, so a
//     full disk at that moment leaves the old info, never an empty one.
//   - Each chunk is synced before it is acknowledged.
//
// Locks are not its business: the handler's locker serialises requests on
// one upload, across processes when they share PostgreSQL.
type diskStore struct {
	dir string
}

// DiskStore keeps uploads under blobDir/uploads, the directory of a disk
// blob store, so a finished upload is the blob video.UploadsPrefix+id.
func DiskStore(blobDir string) (Store, error) {
	dir := filepath.Join(blobDir, "uploads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, blob.Classify(err)
	}
	return &diskStore{dir: dir}, nil
}

// Uploads are candidates' recordings: for anyhour's user alone, like the
// rest of the blob store.
const (
	diskDirPerm  = 0o700
	diskFilePerm = 0o600
)

// errBroken is an upload whose info cannot be read back: empty, cut short
// or not JSON (written by a store that did not write it atomically, on a
// disk that filled up).
var errBroken = errors.New("upload: the upload's info is unreadable")

func (s *diskStore) paths(id string) (bin, info string, err error) {
	// Ids are made by package upload (hex, with a prefix for files) and
	// come back in URLs: refuse anything that could name another file.
	if id == "" || strings.ContainsAny(id, `/\`) || strings.HasPrefix(id, ".") {
		return "", "", tusd.ErrNotFound
	}
	bin = filepath.Join(s.dir, id)
	return bin, bin + ".info", nil
}

func (s *diskStore) NewUpload(ctx context.Context, info tusd.FileInfo) (_ tusd.Upload, err error) {
	bin, infoPath, err := s.paths(info.ID)
	if err != nil {
		return nil, err
	}
	info.Storage = map[string]string{"Type": "filestore", "Path": bin, "InfoPath": infoPath}
	f, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, diskFilePerm)
	if err != nil {
		return nil, diskError(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(bin)
		return nil, diskError(err)
	}
	if err := writeFileAtomic(infoPath, info); err != nil {
		os.Remove(bin)
		return nil, err
	}
	return &diskUpload{info: info, bin: bin, infoPath: infoPath}, nil
}

func (s *diskStore) GetUpload(ctx context.Context, id string) (tusd.Upload, error) {
	bin, infoPath, err := s.paths(id)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(infoPath)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(bin); serr == nil {
			return nil, errBroken // bytes without their info
		}
		return nil, tusd.ErrNotFound
	}
	if err != nil {
		return nil, diskError(err)
	}
	var info tusd.FileInfo
	if err := json.Unmarshal(data, &info); err != nil || info.ID != id {
		return nil, errBroken
	}
	fi, err := os.Stat(bin)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errBroken // an info without its bytes
	}
	if err != nil {
		return nil, diskError(err)
	}
	info.Offset = fi.Size()
	return &diskUpload{info: info, bin: bin, infoPath: infoPath}, nil
}

// remove deletes whatever is stored of upload id, readable or not.
func (s *diskStore) remove(ctx context.Context, id string) error {
	bin, infoPath, err := s.paths(id)
	if err != nil {
		return nil
	}
	var errs []error
	for _, p := range []string{bin, infoPath} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, diskError(err))
		}
	}
	return errors.Join(errs...)
}

func (s *diskStore) AsTerminatableUpload(up tusd.Upload) tusd.TerminatableUpload {
	return up.(*diskUpload)
}

func (s *diskStore) AsLengthDeclarableUpload(up tusd.Upload) tusd.LengthDeclarableUpload {
	return up.(*diskUpload)
}

type diskUpload struct {
	info     tusd.FileInfo
	bin      string
	infoPath string
}

func (u *diskUpload) GetInfo(ctx context.Context) (tusd.FileInfo, error) { return u.info, nil }

// WriteChunk appends src to the data file and syncs it: once the PATCH is
// acknowledged, its bytes are on the disk. On a full disk the bytes that
// fitted stay (the offset says how many) and the error says the disk is
// full.
func (u *diskUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	f, err := os.OpenFile(u.bin, os.O_WRONLY|os.O_APPEND, diskFilePerm)
	if err != nil {
		return 0, diskError(err)
	}
	n, err := io.Copy(f, src)
	u.info.Offset += n
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, diskError(err)
	}
	return n, nil
}

func (u *diskUpload) GetReader(ctx context.Context) (io.ReadCloser, error) {
	f, err := os.Open(u.bin)
	if err != nil {
		return nil, diskError(err)
	}
	return f, nil
}

func (u *diskUpload) FinishUpload(ctx context.Context) error { return nil }

func (u *diskUpload) Terminate(ctx context.Context) error {
	var errs []error
	for _, p := range []string{u.bin, u.infoPath} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, diskError(err))
		}
	}
	return errors.Join(errs...)
}

func (u *diskUpload) DeclareLength(ctx context.Context, length int64) error {
	info := u.info
	info.Size, info.SizeIsDeferred = length, false
	if err := writeFileAtomic(u.infoPath, info); err != nil {
		return err
	}
	u.info = info
	return nil
}

// writeFileAtomic writes v as JSON to a temporary file beside path, syncs
// it and renames it over path: path holds its old content or the new,
// whole. On failure the temporary file is removed.
func writeFileAtomic(path string, v any) (err error) {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+hex.EncodeToString(b))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, diskFilePerm)
	if err != nil {
		return diskError(err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return diskError(err)
	}
	if err := f.Sync(); err != nil {
		return diskError(err)
	}
	if err := f.Close(); err != nil {
		return diskError(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return diskError(err)
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return nil // renamed; only the directory's sync is missing
	}
	d.Sync()
	d.Close()
	return nil
}

// diskError marks a full disk as blob.ErrFull; other errors keep their
// cause for the log, and the handler never shows their text (it names
// files on the server).
func diskError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("upload: disk store: %w", blob.Classify(err))
}
