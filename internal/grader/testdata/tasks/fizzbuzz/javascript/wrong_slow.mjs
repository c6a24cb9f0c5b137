// expect: fail=million
export function fizzbuzz(n) {
  let out = [];
  for (let i = 1; i <= n; i++) {
    let word = String(i);
    if (i % 15 === 0) word = 'FizzBuzz';
    else if (i % 3 === 0) word = 'Fizz';
    else if (i % 5 === 0) word = 'Buzz';
    out = [...out, word];
  }
  return out;
}
