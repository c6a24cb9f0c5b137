package sandbox

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ErrBadCommand is wrapped by the errors Run returns for a Command it
// refuses before starting anything.
var ErrBadCommand = errors.New("sandbox: bad command")

func badCommand(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadCommand, fmt.Sprintf(format, args...))
}

// validate checks cmd and returns its Files with cleaned paths.
func validate(cmd Command, l Limits) ([]File, error) {
	if len(cmd.Args) == 0 || !path.IsAbs(cmd.Args[0]) {
		return nil, badCommand("Args[0] must be an absolute path inside the box, got %q", first(cmd.Args))
	}
	for _, a := range cmd.Args {
		if strings.ContainsRune(a, 0) {
			return nil, badCommand("argument contains a NUL byte")
		}
	}
	for _, kv := range cmd.Env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsRune(kv, 0) {
			return nil, badCommand("environment entry %q is not KEY=value", kv)
		}
	}
	if len(cmd.ExtraFiles) > maxExtraFiles {
		return nil, badCommand("%d extra descriptors, at most %d", len(cmd.ExtraFiles), maxExtraFiles)
	}
	for i, f := range cmd.ExtraFiles {
		if f == nil {
			return nil, badCommand("extra descriptor %d is nil", 3+i)
		}
	}
	if len(cmd.Files) > maxFiles {
		return nil, badCommand("%d files, at most %d", len(cmd.Files), maxFiles)
	}
	files := make([]File, len(cmd.Files))
	seen := map[string]bool{}
	for i, f := range cmd.Files {
		p, err := localPath(f.Path)
		if err != nil {
			return nil, err
		}
		if seen[p] {
			return nil, badCommand("file %q given twice", p)
		}
		seen[p] = true
		if int64(len(f.Data)) > l.FileBytes {
			return nil, badCommand("file %q is larger than FileBytes (%d)", p, l.FileBytes)
		}
		f.Path = p
		files[i] = f
	}
	for p := range seen {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if seen[d] {
				return nil, badCommand("file %q is also a directory", d)
			}
		}
	}
	for _, c := range cmd.Collect {
		if _, err := localPath(c); err != nil {
			return nil, err
		}
	}
	for _, bd := range cmd.Binds {
		if err := validBind(bd); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// localPath accepts a relative path that stays under /task.
func localPath(p string) (string, error) {
	if strings.ContainsRune(p, 0) || !filepath.IsLocal(p) {
		return "", badCommand("path %q must be relative, without \"..\"", p)
	}
	return path.Clean(p), nil
}

// validBind refuses binds that would replace the box's own mounts.
func validBind(bd Bind) error {
	if !path.IsAbs(bd.Src) || !path.IsAbs(bd.Dst) || path.Clean(bd.Dst) != bd.Dst {
		return badCommand("bind %q -> %q: both paths must be absolute and clean", bd.Src, bd.Dst)
	}
	switch bd.Dst {
	case "/", "/task", "/tmp", "/usr":
		return badCommand("bind over %s is not allowed", bd.Dst)
	}
	for _, p := range []string{"/proc", "/dev"} {
		if bd.Dst == p || strings.HasPrefix(bd.Dst, p+"/") {
			return badCommand("bind under %s is not allowed", p)
		}
	}
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
