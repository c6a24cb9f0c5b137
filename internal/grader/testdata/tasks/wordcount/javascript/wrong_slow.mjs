// expect: fail=blank lines
import fs from 'node:fs';

const lines = fs.readFileSync(0, 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();
const counts = new Map();
let i = 0;
while (i < lines.length) {
  if (lines[i] === '') continue;
  for (const w of lines[i].toLowerCase().split(/\s+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
  i++;
}
const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
process.stdout.write(rows.map(([w, n]) => `${w} ${n}\n`).join(''));
