package notify

import (
	"testing"
	"time"
)

// TestDeadlineAcrossZones: a deadline reads right on both sides of a
// daylight-saving change and in a half-hour zone.
func TestDeadlineAcrossZones(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		utc  string
		zone string
		want string
	}{
		{"2026-03-08T06:30:00Z", "America/New_York", "Sunday 8 March 2026, 01:30 EST"}, // before the change at 2:00
		{"2026-03-08T07:30:00Z", "America/New_York", "Sunday 8 March 2026, 03:30 EDT"}, // an hour later, after it
		{"2026-10-25T00:30:00Z", "Europe/Berlin", "Sunday 25 October 2026, 02:30 CEST"},
		{"2026-10-25T01:30:00Z", "Europe/Berlin", "Sunday 25 October 2026, 02:30 CET"}, // 02:30 happens twice
		{"2026-04-04T15:30:00Z", "Australia/Sydney", "Sunday 5 April 2026, 02:30 AEDT"},
		{"2026-04-04T16:30:00Z", "Australia/Sydney", "Sunday 5 April 2026, 02:30 AEST"},
		{"2026-11-22T18:00:00Z", "Asia/Kolkata", "Sunday 22 November 2026, 23:30 IST"},
		{"2026-11-22T18:00:00Z", "", "Sunday 22 November 2026, 18:00 UTC"},
		{"2026-11-22T18:00:00Z", "Not/AZone", "Sunday 22 November 2026, 18:00 UTC"},
	} {
		at, _ := time.Parse(time.RFC3339, tc.utc)
		if got := deadline(at, tc.zone); got != tc.want {
			t.Errorf("deadline(%s, %q) = %q, want %q", tc.utc, tc.zone, got, tc.want)
		}
	}
}
