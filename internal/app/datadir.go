package app

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// The data directory holds the SQLite database and recordings: only the
// user anyhour runs as may read it. Everything anyhour creates there is
// made with these permissions (sqldb, blob/disk and upload do so).
const (
	dataDirPerm  fs.FileMode = 0o700
	dataFilePerm fs.FileMode = 0o600
)

// tightenDataDir takes group and other permissions off dir and everything
// under it, logging each path it changes: a data directory made by an
// older anyhour, copied from a backup or unpacked by hand may be readable
// by every user of the machine. Symbolic links are left alone (chmod
// would follow them out of the directory). A path it cannot change is
// logged and skipped: anyhour still starts.
func tightenDataDir(dir string, logger *slog.Logger) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			logger.Warn("data directory: cannot read", slog.String("path", path), slog.String("error", err.Error()))
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 || (!d.IsDir() && !d.Type().IsRegular()) {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since it was listed
		}
		if err != nil {
			return err
		}
		want := dataFilePerm
		if d.IsDir() {
			want = dataDirPerm
		}
		have := info.Mode().Perm()
		if have&^want == 0 {
			return nil
		}
		if err := os.Chmod(path, have&want); err != nil {
			logger.Warn("data directory: cannot tighten permissions", slog.String("path", path),
				slog.String("mode", have.String()), slog.String("error", err.Error()))
			return nil
		}
		logger.Warn("data directory: permissions tightened", slog.String("path", path),
			slog.String("from", have.String()), slog.String("to", (have&want).String()))
		return nil
	})
}
