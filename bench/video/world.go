package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// The owner signs in with these where a part needs the team's pages.
const (
	benchOwner    = "owner@bench.example"
	benchPassword = "bench owner's long password"
)

// world is an anyhour data directory (SQLite and the disk blob store)
// with an organisation, one job, one interview of video steps and
// invited candidates, all made through the services.
type world struct {
	dir   string
	app   *app.App
	owner account.Member
	iv    opening.Interview
	invs  []application.Invitation
}

// newWorld opens anyhour in dir, served at baseURL, and invites
// candidates to an interview of the given video steps, each allowing
// maxSeconds.
func newWorld(ctx context.Context, dir, baseURL string, steps []string, maxSeconds, candidates int) (*world, error) {
	a, err := app.Open(ctx, app.Config{DataDir: dir, BaseURL: baseURL}, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	w := &world{dir: dir, app: a}
	if err := w.seed(ctx, steps, maxSeconds, candidates); err != nil {
		a.Close()
		return nil, err
	}
	return w, nil
}

func (w *world) seed(ctx context.Context, steps []string, maxSeconds, candidates int) error {
	token, err := w.app.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Bench Video", Name: "Bench Owner", Email: benchOwner, Password: benchPassword})
	if err != nil {
		return err
	}
	if w.owner, err = w.app.Accounts.TokenMember(ctx, token); err != nil {
		return err
	}
	title := "Video engineer"
	job, err := w.app.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: &title})
	if err != nil {
		return err
	}
	var st []opening.Step
	for _, s := range steps {
		st = append(st, opening.Step{Kind: opening.KindVideo, Title: s, MaxSeconds: maxSeconds})
	}
	ivTitle := "Video screen"
	if w.iv, err = w.app.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: &ivTitle, Steps: &st}); err != nil {
		return err
	}
	people := make([]application.NewCandidate, candidates)
	for i := range people {
		people[i] = application.NewCandidate{Name: fmt.Sprintf("Candidate %d", i+1), Email: fmt.Sprintf("c%d@bench.example", i+1)}
	}
	res, err := w.app.Applications.Invite(ctx, w.owner, w.iv.ID, people)
	if err != nil {
		return err
	}
	if len(res.Invitations) != candidates {
		return fmt.Errorf("invited %d of %d candidates: %+v %+v", len(res.Invitations), candidates, res.Problems, res.Duplicates)
	}
	// Every candidate agrees to be recorded, as the step page asks first.
	for _, inv := range res.Invitations {
		if _, err := w.app.Applications.ConsentToVideo(ctx, inv.Application); err != nil {
			return err
		}
	}
	w.invs = res.Invitations
	return nil
}

// uploadPath is where the disk store keeps upload id.
func (w *world) uploadPath(id string) string {
	return filepath.Join(w.dir, "blobs", filepath.FromSlash(video.UploadsPrefix), id)
}

// serve serves the app's whole handler on ln, configured as
// `anyhour serve` configures its server; stop shuts it down.
func (w *world) serve(ln net.Listener) (stop func()) {
	srv := &http.Server{Handler: w.app.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
}

// listen opens a loopback listener and returns it with the URL it serves.
func listen() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	return ln, "http://" + ln.Addr().String(), nil
}

// scratch makes a temporary directory; the caller removes it.
func scratch(name string) (string, error) {
	return os.MkdirTemp("", "anyhour-bench-video-"+name+"-")
}
