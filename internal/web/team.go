package web

import (
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type teamPageData struct {
	Members []account.Member
	Invites []account.Invite // pending ones
	Roles   []account.Role
	TZ      string
	Email   string // the invite form, kept after an error
	Role    account.Role
	JoinURL string // a new invitation's link, shown once
	Invited string // whom JoinURL is for
}

// showTeam lists the members and pending invitations (owners and admins).
func (s *Server) showTeam(w http.ResponseWriter, r *http.Request, m account.Member) error {
	data, err := s.teamData(r, m)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "team", s.teamPage(r.Context(), m, "team", "Team", data))
	return nil
}

func (s *Server) teamData(r *http.Request, m account.Member) (teamPageData, error) {
	ctx := r.Context()
	d := teamPageData{Roles: assignableRoles(m), Role: account.Reviewer, TZ: s.memberZone(ctx, m)}
	invites, err := s.Accounts.Invites(ctx, m) // checks ManageOrg
	if err != nil {
		return d, err
	}
	now := time.Now()
	for _, inv := range invites {
		if inv.Pending(now) {
			d.Invites = append(d.Invites, inv)
		}
	}
	d.Members, err = s.Accounts.Members(ctx, m)
	return d, err
}

// setRole changes a member's role.
func (s *Server) setRole(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	target, err := s.Accounts.Member(r.Context(), m, id)
	if err != nil {
		return err
	}
	role := account.Role(r.PostFormValue("role"))
	if err := s.Accounts.SetRole(r.Context(), m, id, role); err != nil {
		msg, _, err := formProblem(err)
		if err != nil {
			return err
		}
		s.setFlash(w, "Not changed: "+msg)
		return redirect(w, r, "/team")
	}
	s.setFlash(w, target.Name+" is now "+string(role)+".")
	return redirect(w, r, "/team")
}

// inviteMember invites someone to the team and shows the join link once.
func (s *Server) inviteMember(w http.ResponseWriter, r *http.Request, m account.Member) error {
	email, role := r.PostFormValue("email"), account.Role(r.PostFormValue("role"))
	secret, inv, err := s.Accounts.InviteMember(r.Context(), m, email, role)
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		data, err := s.teamData(r, m)
		if err != nil {
			return err
		}
		data.Email, data.Role = email, role
		p := s.teamPage(r.Context(), m, "team", "Team", data)
		p.Error = msg
		s.render(w, r, status, "team", p)
		return nil
	}
	data, err := s.teamData(r, m)
	if err != nil {
		return err
	}
	data.JoinURL, data.Invited = s.cfg.BaseURL+"/join/"+secret, inv.Email
	s.render(w, r, http.StatusOK, "team", s.teamPage(r.Context(), m, "team", "Team", data))
	return nil
}

// revokeMemberInvite withdraws a pending team invitation.
func (s *Server) revokeMemberInvite(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeInvite(r.Context(), m, id); err != nil {
		return err
	}
	s.setFlash(w, "Invitation withdrawn; its link no longer works.")
	return redirect(w, r, "/team")
}

// assignableRoles are the roles m may give: only an owner makes owners.
func assignableRoles(m account.Member) []account.Role {
	if m.Role == account.Owner {
		return account.Roles
	}
	var out []account.Role
	for _, r := range account.Roles {
		if r != account.Owner {
			out = append(out, r)
		}
	}
	return out
}
