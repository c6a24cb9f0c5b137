package git

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// FileDiff is how one file changed between two commits.
type FileDiff struct {
	Path    string // the file's path after; before, for a deleted file
	OldPath string // for a renamed file, its path before
	Status  string // added, modified, deleted, renamed
	Binary  bool
	Added   int
	Removed int
	Hunks   []Hunk
}

// Hunk is a run of changed lines with their context.
type Hunk struct {
	Header string // the "@@ -a,b +c,d @@ …" line
	Lines  []DiffLine
}

// DiffLine is one line of a hunk: Kind is '+', '-' or ' '; Old and New
// are its numbers in each version, 0 where it is not in that version.
type DiffLine struct {
	Kind     byte
	Old, New int
	Text     string
}

// MaxDiffFiles bounds the files a diff lists.
const MaxDiffFiles = 300

// Diff says how the tree changed from one commit to another, file by
// file, renames found. Neither external diff programs nor text
// conversions run, whatever the repository's attributes say.
func (r Repo) Diff(ctx context.Context, from, to string) ([]FileDiff, error) {
	if !ValidID(from) || !ValidID(to) {
		return nil, fmt.Errorf("git: a diff needs two commit ids")
	}
	out, err := r.run(ctx, nil, "diff", "--no-ext-diff", "--no-textconv", "--name-status", "-z", "-M", from, to)
	if err != nil {
		return nil, err
	}
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	var files []FileDiff
	for i := 0; i < len(fields) && len(files) < MaxDiffFiles; {
		status := fields[i]
		if status == "" {
			break
		}
		f := FileDiff{}
		switch status[0] {
		case 'R', 'C':
			if i+2 >= len(fields) {
				return files, nil
			}
			f.Status, f.OldPath, f.Path = "renamed", fields[i+1], fields[i+2]
			i += 3
		default:
			if i+1 >= len(fields) {
				return files, nil
			}
			f.Path = fields[i+1]
			f.Status = map[byte]string{'A': "added", 'D': "deleted", 'M': "modified", 'T': "modified"}[status[0]]
			i += 2
		}
		if err := r.patch(ctx, from, to, &f); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// patch reads one file's hunks.
func (r Repo) patch(ctx context.Context, from, to string, f *FileDiff) error {
	paths := []string{f.Path}
	if f.OldPath != "" {
		paths = []string{f.OldPath, f.Path}
	}
	args := append([]string{"diff", "--no-ext-diff", "--no-textconv", "--no-color", "-M", "-U3", from, to, "--"}, paths...)
	out, err := r.run(ctx, nil, args...)
	if err != nil {
		return err
	}
	var h *Hunk
	var oldN, newN int
	for _, line := range bytes.Split(out, []byte("\n")) {
		s := string(line)
		switch {
		case strings.HasPrefix(s, "Binary files "):
			f.Binary = true
		case strings.HasPrefix(s, "@@ "):
			f.Hunks = append(f.Hunks, Hunk{Header: s})
			h = &f.Hunks[len(f.Hunks)-1]
			oldN, newN = hunkStarts(s)
		case h == nil:
			// the header: diff --git, index, ---, +++
		case strings.HasPrefix(s, "+"):
			h.Lines = append(h.Lines, DiffLine{Kind: '+', New: newN, Text: s[1:]})
			newN++
			f.Added++
		case strings.HasPrefix(s, "-"):
			h.Lines = append(h.Lines, DiffLine{Kind: '-', Old: oldN, Text: s[1:]})
			oldN++
			f.Removed++
		case strings.HasPrefix(s, " "):
			h.Lines = append(h.Lines, DiffLine{Kind: ' ', Old: oldN, New: newN, Text: s[1:]})
			oldN++
			newN++
		}
	}
	return nil
}

// hunkStarts reads the first line numbers of "@@ -a,b +c,d @@".
func hunkStarts(s string) (old, new int) {
	parts := strings.Fields(s)
	if len(parts) < 3 {
		return 1, 1
	}
	num := func(p string) int {
		p = strings.TrimLeft(p, "-+")
		p, _, _ = strings.Cut(p, ",")
		n, _ := strconv.Atoi(p)
		return n
	}
	return num(parts[1]), num(parts[2])
}

// Blob returns the content of path at commit, and whether it is there.
func (r Repo) Blob(ctx context.Context, commit, path string) ([]byte, bool, error) {
	if !ValidID(commit) || CheckPath(path) != nil {
		return nil, false, nil
	}
	entries, err := r.Tree(ctx, commit)
	if err != nil {
		return nil, false, err
	}
	for _, e := range entries {
		if e.Path == path && !e.Link {
			data, err := r.Read(ctx, []string{e.Object})
			return data[e.Object], err == nil, err
		}
	}
	return nil, false, nil
}
