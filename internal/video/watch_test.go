package video

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []Span
		end  float64
		want []Span
	}{
		{"empty", nil, 10, nil},
		{"overlapping", []Span{{5, 8}, {0, 6}}, 10, []Span{{0, 8}}},
		{"touching within a quarter second", []Span{{0, 4}, {4.2, 6}}, 10, []Span{{0, 6}}},
		{"apart", []Span{{0, 4}, {5, 6}}, 10, []Span{{0, 4}, {5, 6}}},
		{"clamped to the end", []Span{{8, 30}}, 10, []Span{{8, 10}}},
		{"past the end dropped", []Span{{12, 30}}, 10, nil},
		{"empty spans dropped", []Span{{3, 3}}, 10, nil},
		{"no known end", []Span{{0, 100}}, math.Inf(1), []Span{{0, 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, mergeSpans(tt.in, tt.end)); diff != "" {
				t.Errorf("mergeSpans (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	if got := Tolerance(100); got.Seconds() != 7 {
		t.Errorf("Tolerance(100) = %v, want 7s", got)
	}
	if got := AnswerCap(120); got != 120<<20+32<<20 {
		t.Errorf("AnswerCap(120) = %d", got)
	}
}

func TestMaxAttempts(t *testing.T) {
	t.Parallel()
	if maxAttempts(1) != 6 || maxAttempts(3) != 12 {
		t.Errorf("maxAttempts(1) = %d, maxAttempts(3) = %d", maxAttempts(1), maxAttempts(3))
	}
}
