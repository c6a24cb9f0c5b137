# expect: fail=test_basic,test_negative,test_same_value,test_last,test_large
def two_sum(nums, target):
    seen = {}
    for i, x in enumerate(nums):
        if target - x in seen:
            return (seen[target - x], i)
        seen[x] = i
    return None
