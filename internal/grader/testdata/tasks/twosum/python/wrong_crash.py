# expect: fail=test_large
def two_sum(nums, target, i=0, seen=None):
    if seen is None:
        seen = {}
    x = nums[i]
    if target - x in seen:
        return [seen[target - x], i]
    seen[x] = i
    return two_sum(nums, target, i + 1, seen)
