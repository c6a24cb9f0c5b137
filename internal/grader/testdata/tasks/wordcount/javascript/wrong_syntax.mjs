// expect: compile
import fs from 'node:fs';

const input = fs.readFileSync(0, 'utf8';
process.stdout.write(input);
