# expect: fail=test_same_value,test_last,test_large
def two_sum(nums, target):
    seen = {}
    for i in range(len(nums) - 1):
        x = nums[i]
        if target - x in seen:
            return [seen[target - x], i]
        seen[x] = i
    return None
