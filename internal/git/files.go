package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// File is a file of a tree.
type File struct {
	Path       string // slash-separated, relative: "src/pricing.py"
	Data       []byte
	Executable bool
}

// MaxPath is the longest path taken, in bytes.
const MaxPath = 400

// ErrBadPath is wrapped by CheckPath's refusals.
var ErrBadPath = errors.New("git: a path that cannot be in a repository here")

// CheckPath refuses a path that is not a plain relative one: absolute,
// with "." or ".." parts, empty parts, a ".git" part in any case,
// backslashes, control characters, invalid UTF-8, or longer than MaxPath.
func CheckPath(p string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %q %s", ErrBadPath, p, why) }
	switch {
	case p == "":
		return bad("is empty")
	case len(p) > MaxPath:
		return bad(fmt.Sprintf("is longer than %d bytes", MaxPath))
	case !utf8.ValidString(p):
		return bad("is not valid UTF-8")
	case strings.HasPrefix(p, "/"):
		return bad("is absolute")
	case strings.Contains(p, "\\"):
		return bad("holds a backslash")
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return bad("holds a control character")
		}
	}
	for _, part := range strings.Split(p, "/") {
		switch {
		case part == "" || part == "." || part == "..":
			return bad("has an empty, \".\" or \"..\" part")
		case strings.EqualFold(strings.TrimRight(part, ". "), ".git"):
			return bad("names .git")
		}
	}
	return nil
}

// Entry is a file of a commit's tree, without its content.
type Entry struct {
	Path       string
	Object     string // blob id
	Size       int64
	Executable bool
	Link       bool // a symbolic link: its content is the target
}

// Tree lists the files of a commit, in path order. Submodule entries are
// left out; they have no content here.
func (r Repo) Tree(ctx context.Context, commit string) ([]Entry, error) {
	if !ValidID(commit) {
		return nil, fmt.Errorf("git: %q is not a commit id", commit)
	}
	out, err := r.run(ctx, nil, "ls-tree", "-r", "-z", "--long", "--full-tree", commit)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			return nil, fmt.Errorf("git ls-tree: cannot read %q", rec)
		}
		f := strings.Fields(string(meta))
		if len(f) != 4 || f[1] != "blob" {
			continue
		}
		size, _ := strconv.ParseInt(f[3], 10, 64)
		entries = append(entries, Entry{Path: string(name), Object: f[2], Size: size,
			Executable: f[0] == "100755", Link: f[0] == "120000"})
	}
	return entries, nil
}

// Read returns the content of blobs, by id, in one git process.
func (r Repo) Read(ctx context.Context, ids []string) (map[string][]byte, error) {
	var in bytes.Buffer
	for _, id := range ids {
		if !ValidID(id) {
			return nil, fmt.Errorf("git: %q is not an object id", id)
		}
		in.WriteString(id + "\n")
	}
	cmd := exec.CommandContext(ctx, Binary, "--git-dir="+r.Dir, "cat-file", "--batch")
	cmd.Env = Env(r.Env...)
	cmd.Stdin = &in
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	br := bufio.NewReader(stdout)
	var readErr error
	for range ids {
		head, err := br.ReadString('\n')
		if err != nil {
			readErr = err
			break
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			readErr = fmt.Errorf("git cat-file: %s", strings.TrimSpace(head))
			break
		}
		size, _ := strconv.Atoi(f[2])
		data := make([]byte, size+1) // and the newline after it
		if _, err := io.ReadFull(br, data); err != nil {
			readErr = err
			break
		}
		out[f[0]] = data[:size]
	}
	io.Copy(io.Discard, br)
	if err := cmd.Wait(); err != nil && readErr == nil {
		readErr = fmt.Errorf("git cat-file: %w", err)
	}
	return out, readErr
}

// Files returns a commit's files with their content; limit (bytes, 0 for
// none) refuses a tree larger than it before anything is read.
func (r Repo) Files(ctx context.Context, commit string, limit int64) ([]File, error) {
	entries, err := r.Tree(ctx, commit)
	if err != nil {
		return nil, err
	}
	var total int64
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		total += e.Size
		ids = append(ids, e.Object)
	}
	if limit > 0 && total > limit {
		return nil, fmt.Errorf("git: the tree of %s holds %d bytes, more than %d", commit[:12], total, limit)
	}
	blobs, err := r.Read(ctx, ids)
	if err != nil {
		return nil, err
	}
	files := make([]File, 0, len(entries))
	for _, e := range entries {
		if e.Link {
			continue // never followed: a link's target is the candidate's to name
		}
		files = append(files, File{Path: e.Path, Data: blobs[e.Object], Executable: e.Executable})
	}
	return files, nil
}

// Commit is one commit of the branch's history.
type CommitInfo struct {
	ID      string
	Parent  string // "" for the first
	Author  string
	When    time.Time
	Message string // its first line
}

// Log lists the commits reachable from head, newest first, at most max.
func (r Repo) Log(ctx context.Context, head string, max int) ([]CommitInfo, error) {
	if !ValidID(head) {
		return nil, fmt.Errorf("git: %q is not a commit id", head)
	}
	out, err := r.run(ctx, nil, "log", "-z", fmt.Sprintf("--max-count=%d", max), "--format=%H%x1f%P%x1f%an%x1f%at%x1f%s", head)
	if err != nil {
		return nil, err
	}
	var log []CommitInfo
	for _, rec := range strings.Split(string(out), "\x00") {
		f := strings.Split(strings.TrimSpace(rec), "\x1f")
		if len(f) != 5 {
			continue
		}
		at, _ := strconv.ParseInt(f[3], 10, 64)
		parent, _, _ := strings.Cut(f[1], " ")
		log = append(log, CommitInfo{ID: f[0], Parent: parent, Author: f[2], When: time.Unix(at, 0).UTC(), Message: f[4]})
	}
	return log, nil
}

// Base is the last part of a path.
func Base(p string) string { return path.Base(p) }
