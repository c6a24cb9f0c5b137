// expect: fail=TestBasic,TestNegative,TestHidden/same_value,TestHidden/last,TestLarge
package solution

func TwoSum(nums []int, target int) []int {
	var seen map[int]int
	for i, x := range nums {
		if j, ok := seen[target-x]; ok {
			return []int{j, i}
		}
		seen[x] = i
	}
	return nil
}
