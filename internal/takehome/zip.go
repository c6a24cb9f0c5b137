package takehome

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/opening"
)

// Work in the browser, for candidates without git: the repository at any
// of its commits as a zip, and a zip of their work, which becomes a
// commit under the same limits and checks as a push.

// MaxZipFiles is the most files an uploaded zip may hold.
const MaxZipFiles = 5000

// Commit checks that id is a commit of r's history: the starter's, or
// one pushed.
func (s *Service) commitOf(ctx context.Context, r Repo, id string) error {
	if id == r.Starter || id == r.Head {
		return nil
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM takehome_pushes WHERE application_id = $1 AND step_id = $2 AND commit_id = $3`,
		r.ApplicationID, r.StepID, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("commit")
	}
	return nil
}

// WriteZip writes r's tree at commit (the head when empty) to w as a zip,
// its files under a directory named dir. Symbolic links are left out.
func (s *Service) WriteZip(ctx context.Context, r Repo, commit, dir string, w io.Writer) (err error) {
	defer apperr.Wrap(&err, "takehome.WriteZip(%d, %d)", r.ApplicationID, r.StepID)
	if commit == "" {
		commit = r.Head
	}
	if err := s.commitOf(ctx, r, commit); err != nil {
		return err
	}
	repo, err := s.Open(ctx, r)
	if err != nil {
		return err
	}
	files, err := repo.Files(ctx, commit, 0)
	if err != nil {
		return err
	}
	return writeZip(files, dir, w)
}

// WriteStarterZip writes a step's starter (its files and visible tests)
// as a zip, before the candidate starts: reading it does not start the
// window.
func WriteStarterZip(st opening.Step, dir string, w io.Writer) error {
	return writeZip(StarterTree(st.Takehome), dir, w)
}

func writeZip(files []git.File, dir string, w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{Name: dir + "/" + f.Path, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()}
		h.SetMode(0o644)
		if f.Executable {
			h.SetMode(0o755)
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// Upload makes the files of a zip the candidate's next commit on r, as a
// push would: the window, the deadline and submission are checked, each
// file and the whole against the limits, every path as git would take it
// (no "..", no absolute paths, no links); a single top directory (as
// archives of a project have) is taken off, and a .git directory left
// out. Nothing is unpacked on disk: the files go from the zip into git.
// A top directory the starter has itself (app/) is kept.
func (s *Service) Upload(ctx context.Context, a application.Application, stepID int64, name string, data []byte) (_ *Push, err error) {
	defer apperr.Wrap(&err, "takehome.Upload(%d, %d)", a.ID, stepID)
	r, err := s.Repo(ctx, a.ID, stepID)
	if err != nil {
		return nil, err
	}
	st, err := s.stepOf(ctx, r)
	if err != nil {
		return nil, err
	}
	closes, refuse, err := s.Window(ctx, r)
	if err != nil {
		return nil, err
	}
	if refuse != "" {
		return nil, apperr.Conflict("%s", strings.TrimSuffix(refuse, "."))
	}
	if !s.now().Before(closes) {
		return nil, apperr.Conflict("this take-home closed at %s UTC; work is no longer taken, and everything handed in before is kept", closes.UTC().Format("2 Jan 2006 15:04"))
	}
	maxFile, maxRepo := limits(st.Takehome)
	files, err := readZip(data, maxFile, maxRepo, StarterTree(st.Takehome))
	if err != nil {
		return nil, err
	}
	defer s.lock(r)()
	repo, err := s.Open(ctx, r)
	if err != nil {
		return nil, err
	}
	head, err := repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	// The team reads this commit: it names the candidate as the team
	// sees them, by pseudonym while the job is reviewed blind.
	c := a.Shown().Candidate
	who := git.Signature{Name: c.Name, Email: c.Email, When: s.now()}
	if who.Name == "" {
		who.Name = "Candidate"
	}
	if who.Email == "" {
		who.Email = "candidate@anyhour.invalid"
	}
	msg := fmt.Sprintf("Upload %s in the browser\n", clipName(name))
	if _, err := repo.Commit(ctx, files, head, msg, who); err != nil {
		if errors.Is(err, git.ErrMoved) {
			return nil, apperr.Conflict("a push arrived while the zip was being read; upload it again if it should replace that push")
		}
		return nil, err
	}
	return s.pushed(ctx, r, "zip")
}

func clipName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if len(name) > 80 {
		name = name[:80]
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, name)
}

// readZip reads a zip's files, checking them before any is read: the
// count, each path, no links, each declared size and the total, and the
// sizes again as the bytes come (a zip may lie about them).
func readZip(data []byte, maxFile, maxRepo int64, starter []git.File) ([]git.File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, apperr.Invalid("file", "this is not a zip file that can be read")
	}
	if len(zr.File) > MaxZipFiles {
		return nil, apperr.Invalid("file", "the zip holds %d entries; at most %d files are taken", len(zr.File), MaxZipFiles)
	}
	var entries []*zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		// Every name as it is in the zip, before a top directory is
		// taken off: "/etc/passwd" must not become "etc/passwd".
		if err := git.CheckPath(f.Name); err != nil && !isGit(f.Name) {
			return nil, apperr.Invalid("file", "%q in the zip is not a path a repository may hold: no \"..\", no absolute paths", clipName(f.Name))
		}
		entries = append(entries, f)
	}
	names := make([]string, len(entries))
	for i, f := range entries {
		names[i] = f.Name
	}
	prefix := commonDir(names)
	for _, f := range starter {
		if prefix != "" && strings.HasPrefix(f.Path, prefix) {
			prefix = "" // the starter's own directory (app/), not a wrapper
		}
	}
	var total uint64
	var files []git.File
	for _, f := range entries {
		p := strings.TrimPrefix(f.Name, prefix)
		if isGit(p) {
			continue // the candidate's own git data: not part of the work
		}
		if f.Mode()&(1<<27) != 0 || f.Mode().Type() != 0 { // fs.ModeSymlink and other non-regular files
			return nil, apperr.Invalid("file", "%s in the zip is a link or a special file; only plain files are taken", clipName(f.Name))
		}
		if err := git.CheckPath(p); err != nil {
			return nil, apperr.Invalid("file", "%q in the zip is not a path a repository may hold: no \"..\", no absolute paths", clipName(f.Name))
		}
		if f.UncompressedSize64 > uint64(maxFile) {
			return nil, apperr.New(apperr.ErrTooLarge, "%s is larger than the limit of %d MB a file", p, maxFile>>20)
		}
		total += f.UncompressedSize64
		if total > uint64(maxRepo) {
			return nil, apperr.New(apperr.ErrTooLarge, "the zip's files come to more than the repository's limit of %d MB", maxRepo>>20)
		}
	}
	var read int64
	for _, f := range entries {
		p := strings.TrimPrefix(f.Name, prefix)
		if isGit(p) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, apperr.Invalid("file", "%s in the zip cannot be read", clipName(p))
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxFile+1))
		rc.Close()
		if err != nil {
			return nil, apperr.Invalid("file", "%s in the zip cannot be read: it is damaged", clipName(p))
		}
		read += int64(len(b))
		if int64(len(b)) > maxFile || read > maxRepo {
			return nil, apperr.New(apperr.ErrTooLarge, "the zip unpacks to more than it says (%s); it is refused", clipName(p))
		}
		files = append(files, git.File{Path: p, Data: b, Executable: f.Mode()&0o111 != 0})
	}
	if len(files) == 0 {
		return nil, apperr.Invalid("file", "the zip holds no files")
	}
	return files, nil
}

// isGit reports whether a path in a zip is in a .git directory at its
// top or one level down (a project zipped with its folder).
func isGit(p string) bool {
	parts := strings.Split(p, "/")
	return parts[0] == ".git" || (len(parts) > 1 && parts[1] == ".git")
}

// commonDir is the one top directory every name is in ("project/"), or
// "".
func commonDir(names []string) string {
	if len(names) == 0 {
		return ""
	}
	first, _, ok := strings.Cut(names[0], "/")
	if !ok || first == "" {
		return ""
	}
	for _, n := range names {
		if !strings.HasPrefix(n, first+"/") {
			return ""
		}
	}
	return first + "/"
}

// TextFilesFromZip reads the team's zip of a starter or of tests into
// files by path, for a step's settings: every file text (UTF-8, no NUL),
// the paths checked as for a candidate's zip, a single top directory taken
// off, a .git left out; at most max bytes in all.
func TextFilesFromZip(data []byte, max int64) (map[string]string, error) {
	files, err := readZip(data, max, max, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range files {
		if !utf8.Valid(f.Data) || bytes.IndexByte(f.Data, 0) >= 0 {
			return nil, apperr.Invalid("archive", "%s is not a text file; a step's starter and tests hold text only", f.Path)
		}
		out[f.Path] = string(f.Data)
	}
	return out, nil
}

// TextFilesFromArchive is TextFilesFromZip for a zip or a gzipped tar,
// told apart by their first bytes.
func TextFilesFromArchive(data []byte, max int64) (map[string]string, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return TextFilesFromZip(data, max)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, apperr.Invalid("archive", "this is not a gzipped tar that can be read")
	}
	tr := tar.NewReader(io.LimitReader(zr, max*4+1<<20))
	type entry struct {
		name string
		data []byte
	}
	var entries []entry
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, apperr.Invalid("archive", "the tar cannot be read: it is damaged or too large")
		}
		switch h.Typeflag {
		case tar.TypeDir, tar.TypeXGlobalHeader:
			continue
		case tar.TypeReg:
		default:
			return nil, apperr.Invalid("archive", "%s in the tar is a link or a special file; only plain files are taken", clipName(h.Name))
		}
		name := strings.TrimPrefix(h.Name, "./")
		if err := git.CheckPath(name); err != nil && !isGit(name) {
			return nil, apperr.Invalid("archive", "%q in the tar is not a path a repository may hold: no \"..\", no absolute paths", clipName(h.Name))
		}
		if len(entries) == MaxZipFiles {
			return nil, apperr.Invalid("archive", "the tar holds more than %d files", MaxZipFiles)
		}
		total += h.Size
		if h.Size > max || total > max {
			return nil, apperr.New(apperr.ErrTooLarge, "the tar's files come to more than %d MB", max>>20)
		}
		b, err := io.ReadAll(io.LimitReader(tr, h.Size+1))
		if err != nil || int64(len(b)) != h.Size {
			return nil, apperr.Invalid("archive", "%s in the tar cannot be read: it is damaged", clipName(name))
		}
		entries = append(entries, entry{name, b})
	}
	// One top directory every file is in is taken off, as for a zip.
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.name
	}
	prefix := commonDir(names)
	out := map[string]string{}
	for _, e := range entries {
		p := strings.TrimPrefix(e.name, prefix)
		if isGit(p) {
			continue
		}
		if !utf8.Valid(e.data) || bytes.IndexByte(e.data, 0) >= 0 {
			return nil, apperr.Invalid("archive", "%s is not a text file; a step's starter and tests hold text only", p)
		}
		out[p] = string(e.data)
	}
	if len(out) == 0 {
		return nil, apperr.Invalid("archive", "the tar holds no files")
	}
	return out, nil
}
