// Package worktime answers questions about someone's working hours in
// their own time zone: when their next working moment is, and how much
// working time lies between two instants. Days are walked in the zone's
// local calendar, so daylight-saving changes and half-hour offsets come
// out right: 09:00 is 09:00 local on both sides of a change.
package worktime

import (
	"fmt"
	"strings"
	"time"
)

// Hours is a weekly working window in a time zone.
type Hours struct {
	Zone       string  // IANA name; empty or unknown means UTC
	Start, End int     // minutes after local midnight, Start < End
	Days       [7]bool // working days, by time.Weekday
	loc        *time.Location
}

// Office is 09:00 to 17:00, Monday to Friday, in zone: a team member's
// default.
func Office(zone string) Hours {
	return Hours{Zone: zone, Start: 9 * 60, End: 17 * 60, Days: [7]bool{false, true, true, true, true, true, false}}
}

// Waking is 09:00 to 20:00 every day, in zone: when a candidate may be
// written to, never at night.
func Waking(zone string) Hours {
	return Hours{Zone: zone, Start: 9 * 60, End: 20 * 60, Days: [7]bool{true, true, true, true, true, true, true}}
}

// Location is the zone, UTC if it cannot be loaded.
func (h Hours) Location() *time.Location {
	if h.Zone != "" {
		if loc, err := time.LoadLocation(h.Zone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// valid reports whether h has a window to work in.
func (h Hours) valid() bool {
	working := false
	for _, d := range h.Days {
		working = working || d
	}
	return working && h.Start >= 0 && h.End <= 24*60 && h.Start < h.End
}

// Check explains what is wrong with h, if anything.
func (h Hours) Check() error {
	if h.Start < 0 || h.End > 24*60 || h.Start >= h.End {
		return fmt.Errorf("working hours must start before they end, within the day")
	}
	if !h.valid() {
		return fmt.Errorf("choose at least one working day")
	}
	return nil
}

// window is the working window of the local day that date falls on.
func (h Hours) window(date time.Time, loc *time.Location) (start, end time.Time, ok bool) {
	y, m, d := date.In(loc).Date()
	if !h.Days[time.Date(y, m, d, 12, 0, 0, 0, loc).Weekday()] {
		return time.Time{}, time.Time{}, false
	}
	return time.Date(y, m, d, h.Start/60, h.Start%60, 0, 0, loc), time.Date(y, m, d, h.End/60, h.End%60, 0, 0, loc), true
}

// Next is the earliest instant at or after t within working hours.
func (h Hours) Next(t time.Time) time.Time {
	if !h.valid() {
		return t
	}
	loc := h.Location()
	y, m, d := t.In(loc).Date()
	for i := 0; i < 8; i++ {
		start, end, ok := h.window(time.Date(y, m, d+i, 12, 0, 0, 0, loc), loc)
		if !ok || !t.Before(end) {
			continue
		}
		if t.Before(start) {
			return start
		}
		return t
	}
	return t // unreachable with a valid window
}

// Contains reports whether t is within working hours.
func (h Hours) Contains(t time.Time) bool { return h.valid() && h.Next(t).Equal(t) }

// Between is the working time from a to b (zero if b is not after a).
func (h Hours) Between(a, b time.Time) time.Duration {
	if !b.After(a) || !h.valid() {
		return 0
	}
	loc := h.Location()
	y, m, d := a.In(loc).Date()
	var total time.Duration
	for i := 0; ; i++ {
		noon := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		start, end, ok := h.window(noon, loc)
		if ok {
			from, to := maxTime(start, a), minTime(end, b)
			if to.After(from) {
				total += to.Sub(from)
			}
		}
		if !time.Date(y, m, d+i+1, 0, 0, 0, 0, loc).Before(b) {
			return total
		}
	}
}

// Add is the instant by which d of working time has passed after t: one
// working day from Friday 16:00, in 09:00–17:00 Monday to Friday, runs
// out on Monday at 16:00.
func (h Hours) Add(t time.Time, d time.Duration) time.Time {
	if !h.valid() || d <= 0 {
		return t.Add(max(d, 0))
	}
	loc := h.Location()
	y, m, day := t.In(loc).Date()
	for i := 0; ; i++ {
		start, end, ok := h.window(time.Date(y, m, day+i, 12, 0, 0, 0, loc), loc)
		if !ok || !t.Before(end) {
			continue
		}
		from := maxTime(start, t)
		if left := end.Sub(from); d <= left {
			return from.Add(d)
		}
		d -= end.Sub(from)
	}
}

// Day is the length of one working day.
func (h Hours) Day() time.Duration { return time.Duration(h.End-h.Start) * time.Minute }

// String describes h for people: "09:00–17:00, Mon–Fri (Europe/Berlin)".
func (h Hours) String() string {
	var days []string
	names := []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	order := []int{1, 2, 3, 4, 5, 6, 0}
	for _, i := range order {
		if h.Days[i] {
			days = append(days, names[i])
		}
	}
	span := strings.Join(days, ", ")
	switch span {
	case "Mon, Tue, Wed, Thu, Fri":
		span = "Mon–Fri"
	case "Mon, Tue, Wed, Thu, Fri, Sat, Sun":
		span = "every day"
	}
	zone := h.Zone
	if zone == "" {
		zone = "UTC"
	}
	return fmt.Sprintf("%s–%s, %s (%s)", Clock(h.Start), Clock(h.End), span, zone)
}

// Clock writes minutes after midnight as hh:mm.
func Clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// ParseClock reads hh:mm as minutes after midnight; 24:00 is the end of
// the day.
func ParseClock(s string) (int, error) {
	var hh, mm int
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &hh, &mm); err != nil || n != 2 || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, fmt.Errorf("%q is not a time of day such as 09:00", s)
	}
	return hh*60 + mm, nil
}

// DaysMask packs Days into bits, Sunday first, for storage.
func (h Hours) DaysMask() int {
	m := 0
	for i, d := range h.Days {
		if d {
			m |= 1 << i
		}
	}
	return m
}

// FromMask unpacks DaysMask.
func FromMask(m int) [7]bool {
	var days [7]bool
	for i := range days {
		days[i] = m&(1<<i) != 0
	}
	return days
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
