// expect: fail=large
export function twoSum(nums, target, i = 0, seen = new Map()) {
  const j = seen.get(target - nums[i]);
  if (j !== undefined) return [j, i];
  seen.set(nums[i], i);
  return twoSum(nums, target, i + 1, seen);
}
