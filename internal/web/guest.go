package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/share"
	"github.com/anyhour/anyhour/internal/video"
)

// The pages a share link opens, for a guest without an account: the
// applications it shares, and each one's answers, read only, with a
// scorecard when the link lets the guest rate. The token is in every
// address, never in a cookie; the pages ask browsers not to pass it on
// (Referrer-Policy) nor search engines to keep it.

// guestPage is what a share link shows.
type guestPage struct {
	Link  share.Link
	Base  string // /s/<token>
	Job   opening.Job
	Apps  []application.Application
	App   *application.Application
	Steps []appview.Step
	// Mine is the guest's own ratings of App, if any; Saved says they
	// were just saved.
	Mine     *review.Input
	Saved    bool
	Recs     []review.Recommendation
	Criteria map[int64]opening.Criterion
}

type guestHandler func(w http.ResponseWriter, r *http.Request, l share.Link, base string) error

// guest opens the link in the address, or answers why it does not.
func (s *Server) guest(h guestHandler) http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		w.Header().Set("Cache-Control", "no-store")
		token := r.PathValue("token")
		l, err := s.Shares.Open(r.Context(), token)
		if err != nil {
			if status, _ := httpx.Status(err); status == http.StatusUnauthorized {
				s.renderBadLink(w, r, err)
				return nil
			}
			return err
		}
		return h(&noStore{ResponseWriter: w}, r, l, "/s/"+token)
	})
}

// noStore keeps every answer to a guest out of caches, the recordings and
// files too, which are otherwise kept an hour: a revoked link must not
// leave them behind in the guest's browser.
type noStore struct {
	http.ResponseWriter
	wrote bool
}

func (w *noStore) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set("Cache-Control", "no-store")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *noStore) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *noStore) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) guestView(w http.ResponseWriter, r *http.Request, status int, title string, d guestPage) {
	p := page{Title: title, Candidate: true, Data: d}
	if org, err := s.Accounts.Org(r.Context(), d.Link.OrgID); err == nil {
		p.Org = &org
	}
	s.render(w, r, status, "guest", p)
}

// showGuestList is GET /s/{token}: the applications the link shares.
func (s *Server) showGuestList(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	ctx := r.Context()
	d := guestPage{Link: l, Base: base}
	job, err := s.Openings.JobInOrg(ctx, l.OrgID, l.JobID)
	if err != nil {
		return err
	}
	d.Job = job
	for _, id := range l.ApplicationIDs {
		a, err := s.Shares.Application(ctx, l, id)
		if err != nil {
			return err
		}
		d.Apps = append(d.Apps, a)
	}
	if err := s.Shares.Seen(ctx, l, 0); err != nil {
		return err
	}
	s.guestView(w, r, http.StatusOK, job.Title+": shared with "+l.GuestName, d)
	return nil
}

// guestApplication loads the application in the address as the link
// shares it, with its answers as the candidate submitted them.
func (s *Server) guestApplication(r *http.Request, l share.Link, base string) (guestPage, error) {
	ctx := r.Context()
	d := guestPage{Link: l, Base: base, Recs: review.Recommendations, Criteria: map[int64]opening.Criterion{}}
	id, err := httpx.PathID(r, "app")
	if err != nil {
		return d, err
	}
	a, err := s.Shares.Application(ctx, l, id)
	if err != nil {
		return d, err
	}
	d.App = &a
	if d.Job, err = s.Openings.JobInOrg(ctx, l.OrgID, l.JobID); err != nil {
		return d, err
	}
	// The candidate's own view of what they submitted: their answers, the
	// take they chose, gradings without the hidden tests' details.
	v, err := s.Views.ForCandidate(ctx, a)
	if err != nil {
		return d, err
	}
	d.Steps = v.Steps
	for _, st := range d.Steps {
		if err := s.askAudio(ctx, video.GuestViewer(a), st.Take, a.Blind && st.Answered); err != nil {
			return d, err
		}
	}
	for _, c := range v.Interview.Criteria {
		d.Criteria[c.ID] = c
	}
	if l.CanRate {
		rs, err := s.Shares.Ratings(ctx, l.OrgID, a.ID, l.ID)
		if err != nil {
			return d, err
		}
		if len(rs) > 0 {
			d.Mine = &rs[0].Input
		}
	}
	return d, nil
}

// showGuestApplication is GET /s/{token}/a/{app}.
func (s *Server) showGuestApplication(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, err := s.guestApplication(r, l, base)
	if err != nil {
		return err
	}
	if err := s.Shares.Seen(r.Context(), l, d.App.ID); err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved") == "1"
	s.guestView(w, r, http.StatusOK, d.App.Candidate.Name, d)
	return nil
}

// rateAsGuest is POST /s/{token}/a/{app}/rate: the guest's ratings, in
// the scorecard's fields, kept in their name.
func (s *Server) rateAsGuest(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, err := s.guestApplication(r, l, base)
	if err != nil {
		return err
	}
	in, err := reviewForm(r)
	if err == nil && in.Recommendation == "" {
		err = apperr.Invalid("recommendation", "choose an overall recommendation")
	}
	if err == nil {
		err = s.Shares.Rate(r.Context(), l, d.App.ID, in)
	}
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		d.Mine = &in
		p := page{Title: d.App.Candidate.Name, Candidate: true, Data: d, Error: msg}
		s.render(w, r, status, "guest", p)
		return nil
	}
	return redirect(w, r, base+"/a/"+strconv.FormatInt(d.App.ID, 10)+"?saved=1#rate")
}

// serveGuestRecording is GET /s/{token}/a/{app}/media/{id}/{file}: a take
// the application shows, and no other.
func (s *Server) serveGuestRecording(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, id, err := s.guestTake(r, l, base)
	if err != nil {
		return err
	}
	obj, ctype, err := s.Videos.Open(r.Context(), video.GuestViewer(*d.App), id, video.File(r.PathValue("file")))
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeObject(w, r, obj, ctype)
	return nil
}

// guestWatched is POST /s/{token}/a/{app}/media/{id}/watched: the
// stretches of a take the guest played, {"spans": [[start, end], …]},
// kept in their name for the team's coverage.
func (s *Server) guestWatched(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, id, err := s.guestTake(r, l, base)
	if err != nil {
		return err
	}
	var in struct {
		Spans []video.Span `json:"spans"`
	}
	if err := httpx.DecodeJSON(w, r, &in, 64<<10); err != nil {
		return err
	}
	covered, err := s.Videos.GuestWatched(r.Context(), l.ID, l.GuestName, *d.App, id, in.Spans)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Seconds float64 `json:"watched_seconds"`
	}{covered})
	return nil
}

// guestTake finds the application and the take in the address: a take
// that one of the application's steps shows as its answer, and no other.
func (s *Server) guestTake(r *http.Request, l share.Link, base string) (guestPage, int64, error) {
	d, err := s.guestApplication(r, l, base)
	if err != nil {
		return d, 0, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return d, 0, err
	}
	for _, st := range d.Steps {
		if st.Take != nil && st.Take.ID == id && st.Answered {
			return d, id, nil
		}
	}
	return d, 0, apperr.NotFound("recording")
}

// serveGuestFile is GET /s/{token}/a/{app}/files/{id}: a file of the
// application's answers, and no other.
func (s *Server) serveGuestFile(w http.ResponseWriter, r *http.Request, l share.Link, base string) error {
	d, err := s.guestApplication(r, l, base)
	if err != nil {
		return err
	}
	return s.serveAnswerFile(w, r, filestep.Reader{Application: d.App})
}

// Rating is the guest's own rating for the form: a step's overall
// one (Criterion 0) or a criterion's.
func (d guestPage) Rating(step, criterion int64) int {
	if d.Mine == nil {
		return 0
	}
	if criterion == 0 {
		return d.Mine.Ratings[step]
	}
	return d.Mine.Criteria[step][criterion]
}

// Recommended is the guest's recommendation, if any.
func (d guestPage) Recommended() string {
	if d.Mine == nil {
		return ""
	}
	return string(d.Mine.Recommendation)
}

// Note is the guest's note.
func (d guestPage) Note() string {
	if d.Mine == nil {
		return ""
	}
	return strings.TrimSpace(d.Mine.Note)
}
