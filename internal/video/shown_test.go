package video

import "testing"

// TestShown: the take that stands for a video answer, the rule the pages
// and the API share (they once drifted).
func TestShown(t *testing.T) {
	t.Parallel()
	takes := []Recording{
		{ID: 1, Take: 1, Status: Ready},
		{ID: 2, Take: 2, Status: Failed},
		{ID: 3, Take: 3, Status: Discarded},
	}
	for _, tc := range []struct {
		name   string
		takes  []Recording
		chosen int64
		want   int64 // 0: none
	}{
		{"the chosen take", takes, 1, 1},
		{"a chosen take that is not the newest", append(takes, Recording{ID: 4, Take: 4, Status: Uploading}), 1, 1},
		{"none chosen: the newest not given up", takes, 0, 2},
		{"none chosen, one uploading", []Recording{{ID: 5, Status: Uploading}}, 0, 5},
		{"only a discarded take", []Recording{{ID: 6, Status: Discarded}}, 0, 0},
		{"a chosen take that is gone", takes, 9, 0},
		{"no takes", nil, 0, 0},
	} {
		got := Shown(tc.takes, tc.chosen)
		if (got == nil && tc.want != 0) || (got != nil && got.ID != tc.want) {
			t.Errorf("%s: Shown = %+v, want take id %d", tc.name, got, tc.want)
		}
	}
}
