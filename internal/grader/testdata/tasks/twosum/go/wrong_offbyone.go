// expect: fail=TestHidden/same_value,TestHidden/last,TestLarge
package solution

func TwoSum(nums []int, target int) []int {
	seen := map[int]int{}
	for i := 0; i < len(nums)-1; i++ {
		x := nums[i]
		if j, ok := seen[target-x]; ok {
			return []int{j, i}
		}
		seen[x] = i
	}
	return nil
}
