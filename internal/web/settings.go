package web

import (
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/worktime"
)

type settingsPage struct {
	Name, TimeZone       string  // the profile form
	OrgName, OrgTimeZone string  // the organisation form
	OrgColour            string  // #rrggbb
	WorkStart, WorkEnd   string  // the team's working hours, hh:mm
	WorkDays             [7]bool // by time.Weekday
	DayNames             []dayName
	TeamHours            string // the team's hours, described
	MyOwn                bool   // the member keeps their own hours
	MyStart, MyEnd       string // hh:mm
	MyDays               [7]bool
	Tokens               []account.APIToken
	Sessions             []account.Session // the member's own, the current one marked
	NewSecret            string            // a new token, shown once
	NewTokenName         string
	TZ                   string
	// Which form an error belongs to: profile, tokens, org or password.
	ErrorFor string
}

func (s *Server) settingsData(r *http.Request, m account.Member) (settingsPage, error) {
	ctx := r.Context()
	d := settingsPage{Name: m.Name, TimeZone: m.TimeZone, TZ: s.memberZone(ctx, m)}
	org, err := s.Accounts.Org(ctx, m.OrgID)
	if err != nil {
		return d, err
	}
	d.OrgName, d.OrgTimeZone, d.OrgColour = org.Name, org.TimeZone, org.Colour
	d.WorkStart, d.WorkEnd, d.WorkDays = worktime.Clock(org.Work.Start), worktime.Clock(org.Work.End), org.Work.Days
	d.DayNames = dayNames
	d.TeamHours = org.Work.String()
	mine := m.Hours(org)
	d.MyOwn, d.MyStart, d.MyEnd, d.MyDays = m.Work != nil, worktime.Clock(mine.Start), worktime.Clock(mine.End), mine.Days
	if d.Tokens, err = s.Accounts.APITokens(ctx, m); err != nil {
		return d, err
	}
	current := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		current = c.Value
	}
	d.Sessions, err = s.Accounts.Sessions(ctx, m, current)
	return d, err
}

// showSettings shows the member's profile and API tokens, and for owners
// and admins the organisation's settings.
func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, m account.Member) error {
	d, err := s.settingsData(r, m)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "settings", s.teamPage(r.Context(), m, "settings", "Settings", d))
	return nil
}

// settingsFailed shows the settings again with msg above the form it
// belongs to and what was typed kept by edit.
func (s *Server) settingsFailed(w http.ResponseWriter, r *http.Request, m account.Member, form string, err error, edit func(*settingsPage)) error {
	msg, status, err := formProblem(err)
	if err != nil {
		return err
	}
	d, err := s.settingsData(r, m)
	if err != nil {
		return err
	}
	d.ErrorFor = form
	edit(&d)
	p := s.teamPage(r.Context(), m, "settings", "Settings", d)
	p.Error = msg
	s.render(w, r, status, "settings", p)
	return nil
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	name, tz := r.PostFormValue("name"), r.PostFormValue("tz")
	own := r.PostFormValue("my_hours") == "own"
	start, end := r.PostFormValue("my_start"), r.PostFormValue("my_end")
	days := formDays(r.PostForm["my_days"])
	keep := func(d *settingsPage) {
		d.Name, d.TimeZone, d.MyOwn, d.MyStart, d.MyEnd, d.MyDays = name, tz, own, start, end, days
	}
	var hours *worktime.Hours
	if own {
		h, err := formHours(start, end, days)
		if err != nil {
			return s.settingsFailed(w, r, m, "profile", err, keep)
		}
		hours = &h
	}
	if err := s.Accounts.UpdateProfile(r.Context(), m, name, tz); err != nil {
		return s.settingsFailed(w, r, m, "profile", err, keep)
	}
	if err := s.Accounts.UpdateMyHours(r.Context(), m, hours); err != nil {
		return s.settingsFailed(w, r, m, "profile", err, keep)
	}
	s.setFlash(w, "Your profile is saved.")
	return redirect(w, r, "/settings")
}

// dayName is a weekday for the working-days boxes, Monday first.
type dayName struct {
	Day  int // time.Weekday
	Name string
}

var dayNames = []dayName{{1, "Mon"}, {2, "Tue"}, {3, "Wed"}, {4, "Thu"}, {5, "Fri"}, {6, "Sat"}, {0, "Sun"}}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	name, tz := r.PostFormValue("name"), r.PostFormValue("tz")
	start, end := r.PostFormValue("work_start"), r.PostFormValue("work_end")
	days := formDays(r.PostForm["work_days"])
	colour := r.PostFormValue("colour")
	keep := func(d *settingsPage) {
		d.OrgName, d.OrgTimeZone, d.WorkStart, d.WorkEnd, d.WorkDays, d.OrgColour = name, tz, start, end, days, colour
	}
	h, err := formHours(start, end, days)
	if err != nil {
		return s.settingsFailed(w, r, m, "org", err, keep)
	}
	if err := s.Accounts.UpdateOrg(r.Context(), m, name, tz); err != nil {
		return s.settingsFailed(w, r, m, "org", err, keep)
	}
	if err := s.Accounts.UpdateWorkingHours(r.Context(), m, h); err != nil {
		return s.settingsFailed(w, r, m, "org", err, keep)
	}
	if colour != "" {
		if err := s.Accounts.UpdateColour(r.Context(), m, colour); err != nil {
			return s.settingsFailed(w, r, m, "org", err, keep)
		}
	}
	s.setFlash(w, "The organisation's settings are saved.")
	return redirect(w, r, "/settings")
}

// createToken makes an API token and shows its secret once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, m account.Member) error {
	name := r.PostFormValue("name")
	secret, t, err := s.Accounts.CreateAPIToken(r.Context(), m, name)
	if err != nil {
		return s.settingsFailed(w, r, m, "tokens", err, func(d *settingsPage) { d.NewTokenName = name })
	}
	d, err := s.settingsData(r, m)
	if err != nil {
		return err
	}
	d.NewSecret, d.NewTokenName = secret, t.Name
	s.render(w, r, http.StatusOK, "settings", s.teamPage(r.Context(), m, "settings", "Settings", d))
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeAPIToken(r.Context(), m, id); err != nil {
		return err
	}
	s.setFlash(w, "The token is revoked; programs using it can no longer sign in.")
	return redirect(w, r, "/settings")
}

// formDays reads ticked weekday boxes (0 is Sunday).
func formDays(vals []string) [7]bool {
	var days [7]bool
	for _, v := range vals {
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < 7 {
			days[i] = true
		}
	}
	return days
}

// formHours reads working hours from hh:mm fields and ticked days.
func formHours(start, end string, days [7]bool) (worktime.Hours, error) {
	h := worktime.Hours{Days: days}
	var err error
	if h.Start, err = worktime.ParseClock(start); err == nil {
		h.End, err = worktime.ParseClock(end)
	}
	if err != nil {
		return h, apperr.Invalid("work_start", "working hours: %s", err.Error())
	}
	if err := h.Check(); err != nil {
		return h, apperr.Invalid("work_start", "working hours: %s", err.Error())
	}
	return h, nil
}
