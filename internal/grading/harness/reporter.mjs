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

function str(s) {
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
  try {
    const err = details.error;
    if (err === undefined || err === null) return '';
    if (err.failureType === 'subtestsFailed') return String(err.message);
    if (err.failureType === 'testTimeoutFailure') return String(err.message);
    const cause = err.cause !== undefined ? err.cause : err;
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

export default async function* anyhourReporter(source) {
  started = true;
  const stack = [];
  for await (const ev of source) {
    const d = ev.data;
    if (ev.type === 'test:enqueue' && d.nesting === 0) {
      registered++;
      record('test', str(d.name));
    } else if (ev.type === 'test:dequeue') {
      stack.length = d.nesting;
      stack[d.nesting] = String(d.name);
      current = stack.join('/');
      record('start', str(current));
    } else if (ev.type === 'test:complete') {
      stack.length = d.nesting;
      stack[d.nesting] = String(d.name);
      const det = d.details || {};
      const passed = det.passed === true || det.skip !== undefined;
      const ms = Math.round(Number(det.duration_ms) || 0);
      record('result', '{"name":' + str(stack.join('/')) + ',"passed":' + (passed ? 'true' : 'false') +
        ',"ms":' + ms + ',"message":' + str(passed ? '' : describe(det)) + '}');
      stack.length = d.nesting;
      current = stack.length > 0 ? stack.join('/') : null;
      if (d.nesting === 0) {
        finished++;
        checkIdle();
      }
    }
  }
  end();
}
