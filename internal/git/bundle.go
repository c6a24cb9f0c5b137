package git

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Bundle writes the branch's history to file as a git bundle, which
// Restore makes a repository from again.
func (r Repo) Bundle(ctx context.Context, file string) error {
	_, err := r.run(ctx, nil, "bundle", "create", "--quiet", file, Ref)
	return err
}

// Restore makes a bare repository in dir from a bundle, with Config set:
// the branch as it was when the bundle was made. Hooks are not in a
// bundle; the caller writes them again.
func Restore(ctx context.Context, dir, bundle string, maxInput int64) (Repo, error) {
	r, err := Init(ctx, dir, maxInput)
	if err != nil {
		return r, err
	}
	if _, err := r.run(ctx, nil, "fetch", "--quiet", bundle, Ref+":"+Ref); err != nil {
		os.RemoveAll(dir)
		return Repo{}, err
	}
	return r, nil
}

// Verify checks that file is a bundle git can read.
func Verify(ctx context.Context, file string) error {
	cmd := exec.CommandContext(ctx, Binary, "bundle", "list-heads", file)
	cmd.Env = Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git bundle: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
