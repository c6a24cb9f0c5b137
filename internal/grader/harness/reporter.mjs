// anyhour's node:test reporter. It runs inside the sandbox, in the judge's
// box, which holds no code of the candidate's. It is loaded under one URL
// by anyhour-judge.mjs and by node:test (--test-reporter), so both share
// it. Records go straight to the results (descriptor 5) with synchronous writes, so
// a test that hangs or ends the process loses nothing reported before it:
//   test    "name"        a top-level test was registered
//   start   "a/b"         a test (or subtest a/b) begins
//   result  {"name", "passed", "ms", "message"}
//   compile "message"     solution.js does not parse
//   error   "message"     the tests could not be loaded
//   gone    "a/b" | null  the solution's program ended (during that test)
//   tamper  "message"     the solution box sent what is not a message
//   done    null
import fs from 'node:fs';

const MAX_MESSAGE = 4000;

let fd = -1;
let started = false;
let testFile = '';
let testLines = [];
let registered = 0; // top-level tests registered
let finished = 0; // top-level tests complete
let ended = false;
let current = null; // the test running now, as "a/b"

export function record(kind, payload) {
  if (fd >= 0) fs.writeSync(fd, kind + ' ' + payload + '\n');
}

export function str(s) {
  s = String(s);
  if (s.length > MAX_MESSAGE) s = s.slice(0, MAX_MESSAGE) + '… (truncated)';
  return JSON.stringify(s);
}

// open takes the results' descriptor and keeps the test file's name and
// source to quote from.
export function open(resultsFD, file, source) {
  fd = resultsFD;
  testFile = String(file);
  testLines = String(source).split('\n');
  return (kind, message) => record(kind, message === null ? 'null' : str(message));
}

// isStarted reports whether node:test has begun feeding the reporter.
export function isStarted() {
  return started;
}

// running names the test running now, or null.
export function running() {
  return current;
}

let isLoaded = false;
let idle = null;

// onIdle calls f, once, when the test file has loaded and every top-level
// test it registered has finished.
export function onIdle(f) {
  idle = f;
}

// loaded says the test file has loaded: every top-level test is
// registered.
export function loaded() {
  isLoaded = true;
  checkIdle();
}

function checkIdle() {
  if (isLoaded && idle !== null && finished === registered) {
    const f = idle;
    idle = null;
    setImmediate(f);
  }
}

// end writes the closing record, once.
export function end() {
  if (ended) return;
  ended = true;
  record('done', 'null');
}

function rel(s) {
  return String(s).split('file:///task/').join('');
}

// where finds the innermost stack frame in the tests, quoting its line.
function where(stack) {
  for (const line of String(stack).split('\n')) {
    const l = line.trim();
    if (!l.startsWith('at ') || !l.includes('_test.mjs')) continue;
    const m = /file:\/\/\/task\/([^:]+):(\d+):\d+/.exec(l);
    const code = m && m[1] === testFile ? (testLines[Number(m[2]) - 1] || '').trim() : '';
    return '  ' + rel(l) + (code === '' ? '' : ': ' + code.slice(0, 300));
  }
  return '';
}

function describe(details) {
  const err = details.error;
  if (err === undefined || err === null) return '';
  if (err.failureType === 'subtestsFailed') return String(err.message);
  if (err.failureType === 'testTimeoutFailure') return String(err.message);
  return describeFailure(err.cause !== undefined ? err.cause : err);
}

// describeFailure says what a test threw: the assertion's message, or the
// error's name and message, then where in the solution (as it told the
// judge) and where in the tests.
export function describeFailure(cause) {
  try {
    if (cause === null || (typeof cause !== 'object' && typeof cause !== 'function')) {
      return 'thrown: ' + String(cause);
    }
    const head = cause.code === 'ERR_ASSERTION' ? String(cause.message) : String(cause.name) + ': ' + String(cause.message);
    const lines = [head];
    if (typeof cause.anyhourWhere === 'string' && cause.anyhourWhere !== '') lines.push(cause.anyhourWhere);
    const at = where(cause.stack);
    if (at !== '') lines.push(at);
    return lines.join('\n');
  } catch (e) {
    return 'the test failed with an error that could not be described';
  }
}

// The reporter follows two orders. test:dequeue comes as each test starts
// to run, so it says which test runs now (the start records, and the test
// a solution that ends is charged with); test:start, test:pass and
// test:fail come in the order the tests are defined, so they name each
// result with its parents' names even when a subtest ends after its
// parent (node:test cancels a subtest its parent did not wait for).
export default async function* anyhourReporter(source) {
  started = true;
  const runs = []; // names by nesting, as tests run
  const defs = []; // names by nesting, as tests are defined
  for await (const ev of source) {
    const d = ev.data;
    if (ev.type === 'test:enqueue' && d.nesting === 0) {
      registered++;
      record('test', str(d.name));
    } else if (ev.type === 'test:dequeue') {
      runs.length = d.nesting;
      runs[d.nesting] = String(d.name);
      current = runs.join('/');
      record('start', str(current));
    } else if (ev.type === 'test:start') {
      defs.length = d.nesting;
      defs[d.nesting] = String(d.name);
    } else if (ev.type === 'test:pass' || ev.type === 'test:fail') {
      const name = [...defs.slice(0, d.nesting), String(d.name)].join('/');
      const det = d.details || {};
      const passed = ev.type === 'test:pass' || det.skip !== undefined;
      const ms = Math.round(Number(det.duration_ms) || 0);
      record('result', '{"name":' + str(name) + ',"passed":' + (passed ? 'true' : 'false') +
        ',"ms":' + ms + ',"message":' + str(passed ? '' : describe(det)) + '}');
      if (d.nesting === 0) {
        finished++;
        current = null;
        checkIdle();
      }
    }
  }
  end();
}
