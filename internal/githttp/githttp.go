// Package githttp serves take-home repositories over git's smart HTTP
// protocol at /git/<application>/<step>.git, with git's own
// http-backend behind anyhour's authorisation: the repository's
// credentials (HTTP Basic), the two services of the smart protocol and
// nothing else, and for a push what the pre-receive hook needs to know
// (package takehome). After a push git has taken, the push is recorded.
// A step's template repository, /git/template/<step>.git, is the team's:
// a member's API token opens it, and a push to it becomes the step's
// files once anyhour has checked them (template.go).
package githttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/takehome"
)

// BasePath is where repositories are served.
const BasePath = "/git/"

// MaxRequest is the largest request body taken, in bytes: above any
// repository's size limit, which git itself enforces on a push
// (receive.maxInputSize).
const MaxRequest = 512 << 20

// Handler serves the repositories.
type Handler struct {
	repos   *takehome.Service
	backend string
	log     *slog.Logger
	baseURL string // anyhour's public address, for links in a push's output
}

// Backend finds git http-backend: in git's exec path.
func Backend() (string, error) {
	out, err := exec.Command(git.Binary, "--exec-path").Output()
	if err != nil {
		return "", fmt.Errorf("git --exec-path: %w (install Debian's git)", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "git-http-backend"), nil
}

// New returns a Handler over repos; baseURL is anyhour's public address.
func New(repos *takehome.Service, baseURL string, log *slog.Logger) (*Handler, error) {
	backend, err := Backend()
	if err != nil {
		return nil, err
	}
	return &Handler{repos: repos, backend: backend, log: log, baseURL: strings.TrimSuffix(baseURL, "/")}, nil
}

// request is what a path names: the repository (a candidate's, or a
// step's template) and the smart protocol's part, "info/refs",
// "git-upload-pack" or "git-receive-pack".
type request struct {
	appID, stepID int64
	template      bool
	part          string
}

// templateDir is the first part of a template's path.
const templateDir = "template"

// parse reads /git/<app>/<step>.git/<part> or
// /git/template/<step>.git/<part>, refusing anything else: ids that are
// not plain positive numbers, "..", the dumb protocol's paths.
func parse(path string) (request, bool) {
	rest, ok := strings.CutPrefix(path, BasePath)
	if !ok {
		return request{}, false
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) != 3 {
		return request{}, false
	}
	step, ok := strings.CutSuffix(parts[1], ".git")
	if !ok {
		return request{}, false
	}
	app, err1 := id(parts[0])
	template := parts[0] == templateDir
	st, err2 := id(step)
	if (err1 != nil && !template) || err2 != nil {
		return request{}, false
	}
	switch parts[2] {
	case "info/refs", "git-upload-pack", "git-receive-pack":
		return request{appID: app, stepID: st, template: template, part: parts[2]}, true
	}
	return request{}, false
}

func id(s string) (int64, error) {
	if s == "" || s[0] == '0' || len(s) > 18 {
		return 0, errors.New("not an id")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not an id")
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// service is the smart protocol's service a request is for.
func (q request) service(r *http.Request) string {
	if q.part == "info/refs" {
		return r.URL.Query().Get("service")
	}
	return q.part
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q, ok := parse(r.URL.Path)
	service := q.service(r)
	if !ok || (service != "git-upload-pack" && service != "git-receive-pack") ||
		(q.part == "info/refs" && r.Method != http.MethodGet) || (q.part != "info/refs" && r.Method != http.MethodPost) {
		http.Error(w, "Not found: take-home repositories are served at /git/<application>/<step>.git to git's smart HTTP protocol.", http.StatusNotFound)
		return
	}
	if q.template {
		h.serveTemplate(w, r, q)
		return
	}
	user, password, ok := r.BasicAuth()
	if !ok {
		h.challenge(w, "Sign in with the username and password on the step's page.")
		return
	}
	ctx := r.Context()
	repo, err := h.repos.Authenticate(ctx, q.appID, q.stepID, user, password)
	if h.refused(w, r, err) {
		return
	}
	if _, err := h.repos.Open(ctx, repo); err != nil {
		h.fail(w, r, err)
		return
	}
	env := append(git.Env(), "REMOTE_USER="+repo.Username)
	var report *pushReport
	if service == "git-receive-pack" {
		closes, refuse, err := h.repos.Window(ctx, repo)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		env = append(env, "ANYHOUR_REFUSE="+refuse)
		if !closes.IsZero() {
			env = append(env, "ANYHOUR_CLOSES_AT="+strconv.FormatInt(closes.Unix(), 10))
		}
		if q.part == "git-receive-pack" {
			if report, err = h.watchPush(ctx, repo); err != nil {
				h.fail(w, r, err)
				return
			}
			defer report.stop()
			env = append(env, "ANYHOUR_PUSH_DIR="+report.dir)
		}
	}
	if !h.backendServe(w, r, repo.Path(), q.part, env) {
		return
	}
	if report != nil {
		report.stop()
	}
	if q.part == "git-receive-pack" {
		if _, err := h.repos.Pushed(context.WithoutCancel(ctx), repo, "git"); err != nil {
			h.log.Error("take-home push not recorded; it is recorded with the next push", slog.String("repository", repo.Path()), slog.Any("error", err))
		}
	}
}

// backendServe hands the request to git http-backend, for the
// repository at path under the project root; false when the request's
// body could not be read, which has been answered.
func (h *Handler) backendServe(w http.ResponseWriter, r *http.Request, path, part string, env []string) bool {
	// The backend sees the path as checked, and never the password.
	r2 := r.Clone(r.Context())
	r2.URL.Path = fmt.Sprintf("%s%s/%s", BasePath, path, part)
	r2.Header.Del("Authorization")
	if r.Method == http.MethodPost {
		body, size, err := spool(w, r)
		if err != nil {
			h.fail(w, r, err)
			return false
		}
		defer body.Close()
		r2.Body, r2.ContentLength, r2.TransferEncoding = body, size, nil
	}
	env = append(env, "GIT_PROJECT_ROOT="+h.repos.Root(), "GIT_HTTP_EXPORT_ALL=1")
	cgi := &cgi.Handler{Path: h.backend, Root: strings.TrimSuffix(BasePath, "/"), Env: env,
		Logger: slog.NewLogLogger(h.log.Handler(), slog.LevelWarn)}
	cgi.ServeHTTP(w, r2)
	return true
}

// spool keeps a request's body in a temporary file and returns it with
// its length: git sends large pushes chunked, which CGI cannot pass on
// (it needs CONTENT_LENGTH). The file is gone once closed.
func spool(w http.ResponseWriter, r *http.Request) (io.ReadCloser, int64, error) {
	if r.ContentLength >= 0 && r.ContentLength <= MaxRequest {
		return io.NopCloser(http.MaxBytesReader(w, r.Body, MaxRequest)), r.ContentLength, nil
	}
	f, err := os.CreateTemp("", "anyhour-push-*")
	if err != nil {
		return nil, 0, err
	}
	os.Remove(f.Name()) // unnamed: nothing is left if the process dies
	n, err := io.Copy(f, http.MaxBytesReader(w, r.Body, MaxRequest))
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, 0, apperr.New(apperr.ErrTooLarge, "this push is larger than %d MB, more than any repository here takes", MaxRequest>>20)
		}
		return nil, 0, err
	}
	return f, n, nil
}

// pushReport follows one push request: the post-receive hook says in dir
// which commit arrived, and the report written back there is what the
// candidate reads in the push's output.
type pushReport struct {
	dir  string
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

// watchPush starts following a push to repo.
func (h *Handler) watchPush(ctx context.Context, repo takehome.Repo) (*pushReport, error) {
	dir, err := os.MkdirTemp("", "anyhour-push-*")
	if err != nil {
		return nil, err
	}
	p := &pushReport{dir: dir, done: make(chan struct{})}
	link := fmt.Sprintf("%s/candidate/%d/steps/%d", h.baseURL, repo.ApplicationID, repo.StepID)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tick.C:
			}
			if _, err := os.Stat(filepath.Join(dir, "pushed")); err != nil {
				continue
			}
			text := h.repos.Report(context.WithoutCancel(ctx), repo, link)
			writeReport(filepath.Join(dir, "report"), text)
			return
		}
	}()
	return p, nil
}

// stop ends the following, once the backend is done, and removes dir.
func (p *pushReport) stop() {
	p.once.Do(func() {
		close(p.done)
		p.wg.Wait()
		os.RemoveAll(p.dir)
	})
}

func writeReport(name, text string) {
	tmp := name + ".tmp"
	if os.WriteFile(tmp, []byte(text), 0o600) == nil {
		os.Rename(tmp, name)
	}
}

// refused answers a failed sign-in, with a new challenge when the
// credentials were wrong; false when err is nil.
func (h *Handler) refused(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, apperr.ErrUnauthenticated):
		h.challenge(w, apperr.Message(err))
	default:
		h.fail(w, r, err)
	}
	return true
}

func (h *Handler) challenge(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="anyhour take-home", charset="UTF-8"`)
	http.Error(w, msg, http.StatusUnauthorized)
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, _ := httpx.Status(err)
	msg := apperr.Message(err)
	if status == http.StatusInternalServerError {
		msg = "The repository cannot be reached just now; try again in a minute."
		h.log.Error("take-home repository", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	http.Error(w, msg, status)
}
