// Package git works with bare repositories through Debian's git: making
// one, writing a commit from files without a work tree, reading trees,
// files, logs and diffs, and bundles to keep a copy elsewhere. Every
// command runs with a clean environment (no system or user
// configuration, no prompts), and nothing here checks out a tree, so
// nothing a candidate pushed (hooks, attributes, a .git/config in the
// tree) can run or change what git does.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Binary is the git program.
var Binary = "git"

// Repo is a bare repository on disk.
type Repo struct {
	Dir string
	// Env is added to its commands' environment: a push's quarantine,
	// for instance, which a pre-receive hook's objects sit in.
	Env []string
}

// Quarantined is r as a pre-receive hook sees it: the objects of the
// push under way, in quarantine at dir (the hook's GIT_QUARANTINE_PATH),
// read with the repository's own.
func (r Repo) Quarantined(dir string) Repo {
	return Repo{Dir: r.Dir, Env: append(append([]string(nil), r.Env...),
		"GIT_OBJECT_DIRECTORY="+dir, "GIT_ALTERNATE_OBJECT_DIRECTORIES="+filepath.Join(r.Dir, "objects"))}
}

// Branch is the one branch a repository here has.
const Branch = "main"

// Ref is Branch's full name.
const Ref = "refs/heads/" + Branch

// Available reports whether git can be run, and why not.
func Available() error {
	if _, err := exec.LookPath(Binary); err != nil {
		return fmt.Errorf("git: %w (install Debian's git)", err)
	}
	return nil
}

// Env is the environment every git command here runs in: PATH, and
// settings that keep the machine's and the user's configuration out.
func Env(extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=/nonexistent",
		"LC_ALL=C",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ATTR_NOSYSTEM=1",
	}, extra...)
}

// run runs git in the repository with stdin, and returns what it wrote.
func (r Repo) run(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, Binary, append([]string{"--git-dir=" + r.Dir}, args...)...)
	cmd.Env = Env(r.Env...)
	cmd.Dir = r.Dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// Config are the settings every repository gets: pushes to the branch
// only move it forward and never delete it, objects are checked as they
// arrive (which refuses a tree holding a ".git"), and nothing is packed
// away behind the server's back.
var Config = [][2]string{
	{"receive.denyNonFastForwards", "true"},
	{"receive.denyDeletes", "true"},
	{"receive.fsckObjects", "true"},
	{"http.receivepack", "true"},
	{"http.uploadpack", "true"},
	{"uploadpack.allowAnySHA1InWant", "false"},
	{"gc.auto", "0"},
}

// Init makes a bare repository in dir, which must not exist yet or be
// empty, with Config set and maxInput (bytes, 0 for none) as the largest
// push it receives.
func Init(ctx context.Context, dir string, maxInput int64) (Repo, error) {
	cmd := exec.CommandContext(ctx, Binary, "init", "--quiet", "--bare", "--initial-branch="+Branch, dir)
	cmd.Env = Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return Repo{}, fmt.Errorf("git init: %w: %s", err, strings.TrimSpace(string(out)))
	}
	r := Repo{Dir: dir}
	settings := Config
	if maxInput > 0 {
		settings = append(settings, [2]string{"receive.maxInputSize", fmt.Sprint(maxInput)})
	}
	for _, kv := range settings {
		if _, err := r.run(ctx, nil, "config", kv[0], kv[1]); err != nil {
			return r, err
		}
	}
	// git init writes sample hooks; none of them is wanted.
	if err := os.RemoveAll(dir + "/hooks"); err != nil {
		return r, err
	}
	return r, os.Mkdir(dir+"/hooks", 0o755)
}

var commitID = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ValidID reports whether s is a full commit or object id.
func ValidID(s string) bool { return commitID.MatchString(s) }

// Head is the branch's commit, or "" before the first.
func (r Repo) Head(ctx context.Context) (string, error) {
	out, err := r.run(ctx, nil, "for-each-ref", "--format=%(objectname)", Ref)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Signature is an author or committer.
type Signature struct {
	Name, Email string
	When        time.Time
}

func (s Signature) env(role string) []string {
	return []string{
		"GIT_" + role + "_NAME=" + s.Name,
		"GIT_" + role + "_EMAIL=" + s.Email,
		"GIT_" + role + "_DATE=" + s.When.UTC().Format(time.RFC3339),
	}
}

// ErrMoved is returned by Commit when the branch is no longer at the
// parent it was given.
var ErrMoved = errors.New("git: the branch moved meanwhile")

// Commit writes files as a commit on the branch, whose head must be
// parent ("" for the first commit), and returns its id. The commit is
// written by git fast-import under a ref of its own, then the branch
// moved to it only if it is still at parent.
func (r Repo) Commit(ctx context.Context, files []File, parent, message string, who Signature) (string, error) {
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			return "", err
		}
	}
	tmp := fmt.Sprintf("refs/anyhour/commit-%d", time.Now().UnixNano())
	var in bytes.Buffer
	sig := fmt.Sprintf("%s <%s> %d +0000", who.Name, who.Email, who.When.Unix())
	fmt.Fprintf(&in, "commit %s\nauthor %s\ncommitter %s\ndata %d\n%s\n", tmp, sig, sig, len(message), message)
	if parent != "" {
		fmt.Fprintf(&in, "from %s\n", parent)
	}
	in.WriteString("deleteall\n")
	for _, f := range files {
		mode := "100644"
		if f.Executable {
			mode = "100755"
		}
		fmt.Fprintf(&in, "M %s inline %s\ndata %d\n", mode, quotePath(f.Path), len(f.Data))
		in.Write(f.Data)
		in.WriteString("\n")
	}
	in.WriteString("done\n")
	if _, err := r.run(ctx, in.Bytes(), "fast-import", "--quiet", "--done", "--date-format=raw"); err != nil {
		return "", err
	}
	defer r.run(context.WithoutCancel(ctx), nil, "update-ref", "-d", tmp)
	out, err := r.run(ctx, nil, "rev-parse", "--verify", tmp+"^{commit}")
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(out))
	old := parent
	if old == "" {
		old = strings.Repeat("0", 40)
	}
	if _, err := r.run(ctx, nil, "update-ref", "-m", "anyhour", Ref, id, old); err != nil {
		return "", fmt.Errorf("%w: %v", ErrMoved, err)
	}
	return id, nil
}

// quotePath writes a path for fast-import: as it is when it can be,
// else in double quotes with '"' and '\' escaped (CheckPath has refused
// control characters).
func quotePath(p string) string {
	if !strings.ContainsAny(p, "\" \\") && !strings.HasPrefix(p, "\"") {
		return p
	}
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(p) + "\""
}
