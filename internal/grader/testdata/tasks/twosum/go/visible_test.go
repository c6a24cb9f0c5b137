package solution

import (
	"slices"
	"testing"
)

func TestBasic(t *testing.T) {
	if got := TwoSum([]int{2, 7, 11, 15}, 9); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("TwoSum = %v, want [0 1]", got)
	}
}

func TestNegative(t *testing.T) {
	if got := TwoSum([]int{-3, 4, 3, 90}, 0); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("TwoSum = %v, want [0 2]", got)
	}
}
