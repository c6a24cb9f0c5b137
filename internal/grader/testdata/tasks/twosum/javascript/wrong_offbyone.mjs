// expect: fail=same value,last,large
export function twoSum(nums, target) {
  const seen = new Map();
  for (let i = 0; i < nums.length - 1; i++) {
    const j = seen.get(target - nums[i]);
    if (j !== undefined) return [j, i];
    seen.set(nums[i], i);
  }
  return null;
}
