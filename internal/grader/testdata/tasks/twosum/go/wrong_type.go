// expect: compile
package solution

func TwoSum(nums []int, target int) [2]int {
	seen := map[int]int{}
	for i, x := range nums {
		if j, ok := seen[target-x]; ok {
			return [2]int{j, i}
		}
		seen[x] = i
	}
	return [2]int{}
}
