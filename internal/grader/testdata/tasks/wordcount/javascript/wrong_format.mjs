// expect: fail=simple,case,blank lines,ties
import fs from 'node:fs';

const words = fs.readFileSync(0, 'utf8').toLowerCase().split(/\s+/).filter(Boolean);
const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
process.stdout.write(rows.map(([w, n]) => `${w}: ${n}\n`).join(''));
