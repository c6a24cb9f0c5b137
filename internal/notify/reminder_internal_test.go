package notify

import (
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/worktime"
)

func TestReminderTimes(t *testing.T) {
	t.Parallel()
	parse := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name, deadline, now, zone string
		want                      []string
	}{
		{"three days and one, at 10:00", "2026-11-27T17:00:00+01:00", "2026-11-20T12:00:00+01:00", "Europe/Berlin",
			[]string{"2026-11-24T10:00:00+01:00", "2026-11-26T10:00:00+01:00"}},
		{"an early deadline moves to the day before", "2026-11-27T08:00:00+01:00", "2026-11-20T12:00:00+01:00", "Europe/Berlin",
			[]string{"2026-11-23T10:00:00+01:00", "2026-11-25T10:00:00+01:00"}},
		{"across the US change to summer time", "2026-03-09T17:00:00-04:00", "2026-03-01T12:00:00-05:00", "America/New_York",
			[]string{"2026-03-06T10:00:00-05:00", "2026-03-08T10:00:00-04:00"}},
		{"a half-hour zone", "2026-11-27T18:00:00+05:30", "2026-11-20T12:00:00+05:30", "Asia/Kolkata",
			[]string{"2026-11-24T10:00:00+05:30", "2026-11-26T10:00:00+05:30"}},
		{"only what is still ahead", "2026-11-27T17:00:00+01:00", "2026-11-25T12:00:00+01:00", "Europe/Berlin",
			[]string{"2026-11-26T10:00:00+01:00"}},
		{"none when too close", "2026-11-27T17:00:00+01:00", "2026-11-27T09:00:00+01:00", "Europe/Berlin", nil},
	} {
		got := reminderTimes(parse(tc.deadline), parse(tc.now), worktime.Waking(tc.zone))
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i, w := range tc.want {
			if !got[i].Equal(parse(w)) {
				t.Errorf("%s: reminder %d at %s, want %s", tc.name, i, got[i], w)
			}
		}
	}
}
