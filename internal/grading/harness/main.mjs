// anyhour's JavaScript test harness. It runs inside the sandbox, never on
// the host:
//   node --test-reporter=./anyhour-reporter.mjs anyhour-main.mjs TESTFILE RESULTS
// It reads a per-run token from stdin before any candidate code runs and
// hands it to the reporter, which writes one record per line to RESULTS,
// each starting with the token:
//   TOKEN test    "name"        a top-level test was registered
//   TOKEN start   "a/b"         a test (or subtest a/b) begins
//   TOKEN result  {"name", "passed", "ms", "message"}
//   TOKEN compile "message"     solution.mjs does not parse
//   TOKEN error   "message"     the tests could not be loaded
//   TOKEN tamper  "message"     something other than node:test drove the reporter
//   TOKEN done    null
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { before, beforeEach } from 'node:test';
import { setImmediate as yieldToReporter, setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import * as reporter from './anyhour-reporter.mjs';

function readToken() {
  const buf = Buffer.alloc(1);
  let t = '';
  while (t.length < 200 && fs.readSync(0, buf, 0, 1, null) === 1 && buf[0] !== 10) {
    t += String.fromCharCode(buf[0]);
  }
  return t;
}

const token = readToken();
const [testFile, results] = process.argv.slice(2);
const source = fs.readFileSync(testFile, 'utf8');
fs.unlinkSync(testFile);
const record = reporter.arm(token, results, testFile, source);
const testURL = pathToFileURL(path.resolve(testFile)).href;
register('./anyhour-hooks.mjs', { parentURL: import.meta.url, data: { url: testURL, source } });

// A root hook starts node:test and its reporter now, before any candidate
// code; the other lets the reporter write out each finished test before
// the next one starts, in case that one never yields.
before(() => {});
beforeEach(() => yieldToReporter());
for (let i = 0; i < 5000 && !reporter.isStarted(); i++) await sleep(1);

// node:test ends only when nothing is left for the event loop to do: a
// timer or socket the candidate's code leaves open would keep the process
// alive until the time limit. Once every test has finished (and a moment
// passed in case more get registered), the harness ends it.
const watchdog = setInterval(() => {
  if (reporter.isIdle(100)) {
    reporter.end();
    process.exit(process.exitCode ?? 0);
  }
}, 50);
watchdog.unref();

try {
  await import(testURL);
} catch (e) {
  const stack = String((e && e.stack) || e).split('\n')
    .filter((l) => !(l.startsWith('    at ') && (l.includes('node:internal') || l.includes('anyhour-'))))
    .join('\n').split('file:///task/').join('');
  const compile = e instanceof SyntaxError ? syntaxError('solution.mjs') : '';
  if (compile !== '') {
    record('compile', compile);
  } else {
    record('error', 'loading the tests failed: ' + stack);
  }
  process.exitCode = 1;
}

// syntaxError returns node's complaint about file's syntax, or ''. A
// SyntaxError from loading the tests does not say which file it is in;
// --check says, with the line. No candidate code has run at this point:
// a syntax error anywhere stops the whole module graph before evaluation.
function syntaxError(file) {
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 5000 });
  if (r.status === 0 || typeof r.stderr !== 'string') return '';
  return r.stderr.split('\n')
    .filter((l) => !l.startsWith('    at ') && !l.startsWith('Node.js '))
    .join('\n').split('/task/').join('').replace(/\n{3,}/g, '\n\n').trim();
}
