package githttp

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/takehome"
)

// serveTemplate serves a step's template repository to a member who may
// edit the step: HTTP Basic with any username and an API token as the
// password. The repository is brought up to the step's files first; a
// push holds the template until git is done with it, and its hook waits
// for serveTemplate's word on the pushed files.
func (h *Handler) serveTemplate(w http.ResponseWriter, r *http.Request, q request) {
	_, password, ok := r.BasicAuth()
	if !ok {
		h.challenge(w, "Sign in with your email as the username and an API token (Settings, API tokens) as the password.")
		return
	}
	ctx := r.Context()
	m, err := h.repos.TeamMember(ctx, password)
	if h.refused(w, r, err) {
		return
	}
	t, st, err := h.repos.TemplateFor(ctx, m, q.stepID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer h.repos.LockTemplate(t)()
	if _, err := h.repos.OpenTemplate(ctx, t, st); err != nil {
		h.fail(w, r, err)
		return
	}
	env := append(git.Env(), "REMOTE_USER="+m.Email)
	if q.part == "git-receive-pack" {
		dir, err := os.MkdirTemp("", "anyhour-template-*")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		defer os.RemoveAll(dir)
		done := make(chan struct{})
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			h.answerTemplatePush(context.WithoutCancel(ctx), m, t, dir, done)
		}()
		defer func() { close(done); <-stopped }()
		env = append(env, "ANYHOUR_PUSH_DIR="+dir)
	}
	h.backendServe(w, r, t.Path(), q.part, env)
}

// answerTemplatePush waits for the hook's proposal in dir, saves it as
// the step's files or refuses it, and writes the answer back.
func (h *Handler) answerTemplatePush(ctx context.Context, m account.Member, t takehome.Template, dir string, done <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		data, err := os.ReadFile(filepath.Join(dir, "proposed"))
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) != 2 {
			writeReport(filepath.Join(dir, "refused"), "the push cannot be read; nothing was changed.\n")
			return
		}
		saved, err := h.repos.SaveTemplatePush(ctx, m, t, lines[0], lines[1])
		if err == nil {
			writeReport(filepath.Join(dir, "accepted"), saved+"\n")
			return
		}
		msg := apperr.Message(err)
		if status, _ := httpx.Status(err); status == http.StatusInternalServerError {
			h.log.Error("template push", slog.String("repository", t.Path()), slog.Any("error", err))
			msg = "the files could not be saved just now"
		}
		writeReport(filepath.Join(dir, "refused"), "refused: "+msg+"\nNothing was changed; fix this and push again.\n")
		return
	}
}
