package solution

import (
	"slices"
	"testing"
)

func TestHidden(t *testing.T) {
	for _, c := range []struct {
		name   string
		nums   []int
		target int
		want   []int
	}{
		{"same value", []int{3, 3}, 6, []int{0, 1}},
		{"last", []int{1, 5, 9, 13, 2}, 11, []int{2, 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := TwoSum(c.nums, c.target); !slices.Equal(got, c.want) {
				t.Errorf("TwoSum(%v, %d) = %v, want %v", c.nums, c.target, got, c.want)
			}
		})
	}
}

func TestLarge(t *testing.T) {
	const n = 200_000
	nums := make([]int, n)
	for i := range nums {
		nums[i] = i + 1
	}
	if got := TwoSum(nums, 2*n-1); !slices.Equal(got, []int{n - 2, n - 1}) {
		t.Errorf("TwoSum = %v, want [%d %d]", got, n-2, n-1)
	}
}
