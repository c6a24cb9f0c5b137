// expect: compile
export function fizzbuzz(n) {
  const out = [];
  for (let i = 1; i <= n; i++ {
    out.push(String(i));
  }
  return out;
}
