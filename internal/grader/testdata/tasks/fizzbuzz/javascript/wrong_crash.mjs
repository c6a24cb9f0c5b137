// expect: fail=first five,fifteen,length,hundred,million
const rules = [[15, 'FizzBuzz'], [3, 'Fizz'], [5, 'Buzz']];

export function fizzbuzz(n) {
  const out = [];
  for (let i = 1; i <= n; i++) {
    const hit = rules.find(([d]) => i % d === 0);
    out.push(hit[1] ?? String(i));
  }
  return out;
}
