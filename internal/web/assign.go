package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/assign"
	"github.com/anyhour/anyhour/internal/httpx"
)

// appAssign is the application page's "Assigned reviewers" box.
type appAssign struct {
	Assignments []assign.Assignment
	// Choices are the members who may review and are not assigned yet.
	Choices   []account.Member
	CanAssign bool // the member may assign and remove, and reviews wait
	Waiting   bool // reviews of the application wait: due dates still count
	Now       time.Time
}

// assignData fills the box for application a as m sees it.
func (s *Server) assignData(ctx context.Context, m account.Member, a application.Application) (*appAssign, error) {
	as, err := s.Assignments.ForApplication(ctx, m, a.ID)
	if err != nil {
		return nil, err
	}
	d := &appAssign{Assignments: as, Waiting: assign.Reviewable(a) == nil, Now: time.Now()}
	d.CanAssign = d.Waiting && assign.CanAssign(m)
	if !d.CanAssign {
		return d, nil
	}
	members, err := s.reviewers(ctx, m)
	if err != nil {
		return nil, err
	}
	for _, x := range members {
		if !slices.ContainsFunc(as, func(a assign.Assignment) bool { return a.MemberID == x.ID }) {
			d.Choices = append(d.Choices, x)
		}
	}
	return d, nil
}

// reviewers are the members of m's team who may review, by name.
func (s *Server) reviewers(ctx context.Context, m account.Member) ([]account.Member, error) {
	all, err := s.Accounts.Members(ctx, m)
	if err != nil {
		return nil, err
	}
	var out []account.Member
	for _, x := range all {
		if x.Can(account.Review) {
			out = append(out, x)
		}
	}
	return out, nil
}

// assignReviewer is POST /applications/{id}/assignments: member_id is
// asked to review the application.
func (s *Server) assignReviewer(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	member, err := strconv.ParseInt(r.PostFormValue("member_id"), 10, 64)
	if err != nil {
		return s.assignProblem(w, r, id, "Nobody was assigned: ", apperr.Invalid("member_id", "choose a member to assign"))
	}
	a, err := s.Assignments.Assign(r.Context(), m, id, member)
	if err != nil {
		return s.assignProblem(w, r, id, "Nobody was assigned: ", err)
	}
	s.setFlash(w, fmt.Sprintf("%s is asked to review, by %s.", a.MemberName, inZone(a.DueAt, s.memberZone(r.Context(), m)).Format("Mon 2 Jan, 15:04 MST")))
	return redirect(w, r, appPath(r, id, "#assigned"))
}

// unassignReviewer is POST /applications/{id}/assignments/{member}/remove.
func (s *Server) unassignReviewer(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	member, err := httpx.PathID(r, "member")
	if err != nil {
		return err
	}
	if err := s.Assignments.Unassign(r.Context(), m, id, member); err != nil {
		return s.assignProblem(w, r, id, "Not removed: ", err)
	}
	s.setFlash(w, "The reviewer is taken off this application; a review they submitted stays.")
	return redirect(w, r, appPath(r, id, "#assigned"))
}

// assignProblem shows a refused assignment above the page it came from.
func (s *Server) assignProblem(w http.ResponseWriter, r *http.Request, id int64, prefix string, err error) error {
	msg, _, ferr := formProblem(err)
	if ferr != nil {
		return ferr
	}
	s.setFlash(w, prefix+msg)
	return redirect(w, r, appPath(r, id, "#assigned"))
}

// jobRota is the job page's "Reviewers by turns" box.
type jobRota struct {
	Rota    assign.Rota
	Choices []rotaChoice // every member who may review, for the form
	CanSet  bool
}

type rotaChoice struct {
	ID      int64
	Name    string
	Role    account.Role
	Checked bool
}

// NextName is whose turn it is, "" without a rota.
func (j jobRota) NextName() string {
	if len(j.Rota.Members) == 0 {
		return ""
	}
	return j.Rota.Members[j.Rota.Next].Name
}

func (s *Server) jobRotaData(ctx context.Context, m account.Member, jobID int64) (*jobRota, error) {
	r, err := s.Assignments.Rota(ctx, m, jobID)
	if err != nil {
		return nil, err
	}
	d := &jobRota{Rota: r, CanSet: assign.CanAssign(m)}
	if !d.CanSet {
		return d, nil
	}
	members, err := s.reviewers(ctx, m)
	if err != nil {
		return nil, err
	}
	for _, x := range members {
		in := slices.ContainsFunc(r.Members, func(o assign.RotaMember) bool { return o.ID == x.ID })
		d.Choices = append(d.Choices, rotaChoice{ID: x.ID, Name: x.Name, Role: x.Role, Checked: in})
	}
	return d, nil
}

// setRota is POST /jobs/{id}/reviewers: the ticked members take turns,
// in the order the form lists them; "off" turns the rota off.
func (s *Server) setRota(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	back := fmt.Sprintf("/jobs/%d#rota", id)
	if r.PostForm.Get("off") != "" {
		if err := s.Assignments.ClearRota(r.Context(), m, id); err != nil {
			return err
		}
		s.setFlash(w, "Reviewers by turns is off: new submissions are assigned to nobody.")
		return redirect(w, r, back)
	}
	var ids []int64
	for _, v := range r.PostForm["member_id"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.Invalid("member_id", "%q is not a member", v)
		}
		ids = append(ids, n)
	}
	rota, err := s.Assignments.SetRota(r.Context(), m, id, ids)
	if err != nil {
		msg, _, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		s.setFlash(w, "The rota was not saved: "+msg)
		return redirect(w, r, back)
	}
	s.setFlash(w, fmt.Sprintf("Saved: each new submission goes to the next of %d %s, in turn.", len(rota.Members), plural(len(rota.Members), "member", "members")))
	return redirect(w, r, back)
}

// reviewsPage is "My reviews": what waits for the member's review.
type reviewsPage struct {
	Waiting []assign.Waiting
	Now     time.Time
	TZ      string
	Hours   string // the team's working hours, which due dates count in
}

// showMyReviews is GET /reviews.
func (s *Server) showMyReviews(w http.ResponseWriter, r *http.Request, m account.Member) error {
	q, err := s.Assignments.Queue(r.Context(), m)
	if err != nil {
		return err
	}
	org, err := s.Accounts.Org(r.Context(), m.OrgID)
	if err != nil {
		return err
	}
	d := reviewsPage{Waiting: q, Now: time.Now(), TZ: s.memberZone(r.Context(), m), Hours: org.Work.String()}
	s.render(w, r, http.StatusOK, "reviews", s.teamPage(r.Context(), m, "reviews", "My reviews", d))
	return nil
}
