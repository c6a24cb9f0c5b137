package worktime_test

import (
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/worktime"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNext(t *testing.T) {
	for _, tc := range []struct {
		name  string
		hours worktime.Hours
		from  string
		want  string
	}{
		{"inside hours", worktime.Office("Europe/Berlin"), "2026-11-23T10:00:00+01:00", "2026-11-23T10:00:00+01:00"},
		{"before hours", worktime.Office("Europe/Berlin"), "2026-11-23T06:00:00+01:00", "2026-11-23T09:00:00+01:00"},
		{"after hours", worktime.Office("Europe/Berlin"), "2026-11-23T18:00:00+01:00", "2026-11-24T09:00:00+01:00"},
		{"friday night", worktime.Office("Europe/Berlin"), "2026-11-27T17:00:00+01:00", "2026-11-30T09:00:00+01:00"},
		// The US moves its clocks on Sunday 8 March 2026: Monday 09:00 is EDT.
		{"across spring forward", worktime.Office("America/New_York"), "2026-03-06T18:00:00-05:00", "2026-03-09T09:00:00-04:00"},
		// Europe moves back on Sunday 25 October 2026.
		{"across fall back", worktime.Office("Europe/Berlin"), "2026-10-23T20:00:00+02:00", "2026-10-26T09:00:00+01:00"},
		// Sydney moves back on Sunday 5 April 2026, forward on 4 October.
		{"sydney autumn", worktime.Waking("Australia/Sydney"), "2026-04-04T21:00:00+11:00", "2026-04-05T09:00:00+10:00"},
		{"sydney spring", worktime.Waking("Australia/Sydney"), "2026-10-03T22:00:00+10:00", "2026-10-04T09:00:00+11:00"},
		{"half-hour zone", worktime.Waking("Asia/Kolkata"), "2026-11-22T02:00:00Z", "2026-11-22T03:30:00Z"}, // 09:00 IST
		{"unknown zone is UTC", worktime.Waking("Nowhere/Land"), "2026-11-22T02:00:00Z", "2026-11-22T09:00:00Z"},
	} {
		got := tc.hours.Next(at(t, tc.from))
		if want := at(t, tc.want); !got.Equal(want) {
			t.Errorf("%s: Next(%s) = %s, want %s", tc.name, tc.from, got, want)
		}
	}
}

func TestBetween(t *testing.T) {
	berlin := worktime.Office("Europe/Berlin")
	for _, tc := range []struct {
		name     string
		hours    worktime.Hours
		from, to string
		want     time.Duration
	}{
		{"within a day", berlin, "2026-11-23T10:00:00+01:00", "2026-11-23T12:30:00+01:00", 150 * time.Minute},
		{"overnight", berlin, "2026-11-23T16:00:00+01:00", "2026-11-24T10:00:00+01:00", 2 * time.Hour},
		{"over a weekend", berlin, "2026-11-27T16:00:00+01:00", "2026-11-30T10:00:00+01:00", 2 * time.Hour},
		{"a whole week", berlin, "2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00", 40 * time.Hour},
		{"a week across fall back", berlin, "2026-10-19T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 40 * time.Hour},
		{"a week across spring forward", worktime.Office("America/New_York"), "2026-03-02T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 40 * time.Hour},
		{"backwards", berlin, "2026-11-24T10:00:00+01:00", "2026-11-23T10:00:00+01:00", 0},
		{"kolkata", worktime.Office("Asia/Kolkata"), "2026-11-23T03:00:00Z", "2026-11-23T05:30:00Z", 2 * time.Hour}, // 09:00 IST is 03:30Z
	} {
		if got := tc.hours.Between(at(t, tc.from), at(t, tc.to)); got != tc.want {
			t.Errorf("%s: Between = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestParseAndDescribe(t *testing.T) {
	if m, err := worktime.ParseClock("08:30"); err != nil || m != 510 {
		t.Errorf("ParseClock(08:30) = %d, %v", m, err)
	}
	for _, bad := range []string{"", "8", "25:00", "12:60", "-1:00", "noon"} {
		if _, err := worktime.ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted it", bad)
		}
	}
	h := worktime.Office("Europe/Berlin")
	if got := h.String(); got != "09:00–17:00, Mon–Fri (Europe/Berlin)" {
		t.Errorf("String = %q", got)
	}
	if got := worktime.FromMask(h.DaysMask()); got != h.Days {
		t.Errorf("mask round trip %v", got)
	}
	if err := (worktime.Hours{Start: 600, End: 540, Days: h.Days}).Check(); err == nil {
		t.Error("an end before the start was accepted")
	}
	if err := (worktime.Hours{Start: 540, End: 600}).Check(); err == nil {
		t.Error("no working day was accepted")
	}
}

func TestAdd(t *testing.T) {
	berlin := worktime.Office("Europe/Berlin")
	day := berlin.Day()
	for _, tc := range []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"within the day", "2026-11-23T10:00:00+01:00", 2 * time.Hour, "2026-11-23T12:00:00+01:00"},
		{"one working day", "2026-11-23T10:00:00+01:00", day, "2026-11-24T10:00:00+01:00"},
		{"over the weekend", "2026-11-27T16:00:00+01:00", day, "2026-11-30T16:00:00+01:00"},
		{"from the night", "2026-11-28T03:00:00+01:00", day, "2026-11-30T17:00:00+01:00"},
		{"to the end of the day", "2026-11-23T09:00:00+01:00", day, "2026-11-23T17:00:00+01:00"},
		{"three days across fall back", "2026-10-23T12:00:00+02:00", 3 * day, "2026-10-28T12:00:00+01:00"},
	} {
		got := berlin.Add(at(t, tc.from), tc.d)
		if want := at(t, tc.want); !got.Equal(want) {
			t.Errorf("%s: Add(%s, %s) = %s, want %s", tc.name, tc.from, tc.d, got, want)
		}
	}
}
