// anyhour's node:test reporter. It runs inside the sandbox, loaded twice
// under one URL: by main.mjs, which arms it with the run's token before any
// candidate code runs, and by node:test through --test-reporter. Records go
// straight to the results file with synchronous writes, so a test that
// hangs or kills the process loses nothing reported before it. Only the
// first invocation reports; main.mjs waits for node:test's to begin before
// it loads the tests, so the candidate's code can only ever get a second,
// which reports tampering instead of results.
import fs from 'node:fs';

const writeSync = fs.writeSync;
const openSync = fs.openSync;
const stringify = JSON.stringify;
const toString = String;
const hasOwn = Object.hasOwn;
const MAX_MESSAGE = 4000;

let token = null;
let fd = -1;
let started = false;
let testFile = '';
let testLines = [];
let registered = 0; // top-level tests registered
let finished = 0; // top-level tests complete
let lastFinish = 0;
let ended = false;

function record(kind, payload) {
  if (fd < 0) return;
  writeSync(fd, token + ' ' + kind + ' ' + payload + '\n');
}

function str(s) {
  s = toString(s);
  if (s.length > MAX_MESSAGE) s = s.slice(0, MAX_MESSAGE) + '… (truncated)';
  return stringify(s);
}

// arm opens the results file and keeps the token, and the test file's
// name and source to quote from; it works once.
export function arm(t, path, file, source) {
  if (token !== null) {
    record('tamper', str('the reporter was armed twice'));
    return null;
  }
  token = t;
  testFile = toString(file);
  testLines = toString(source).split('\n');
  fd = openSync(path, 'a', 0o600);
  return (kind, message) => record(kind, str(message));
}

// isStarted reports whether node:test has begun feeding the reporter.
export function isStarted() {
  return started;
}

// isIdle reports whether every top-level test registered so far has
// completed, the last one at least quietMS ago.
export function isIdle(quietMS) {
  return registered > 0 && finished === registered && Date.now() - lastFinish >= quietMS;
}

// end writes the closing record, once.
export function end() {
  if (ended) return;
  ended = true;
  record('done', 'null');
}

function rel(s) {
  return toString(s).split('file:///task/').join('');
}

// where finds the innermost stack frames in the solution and the tests,
// quoting the test's line (node cannot: the file is gone).
function where(stack) {
  const out = [];
  let inner = null;
  let test = null;
  for (const line of toString(stack).split('\n')) {
    const l = line.trim();
    if (!l.startsWith('at ') || !l.includes('file:///task/') || l.includes('anyhour-')) continue;
    if (inner === null) inner = l;
    if (l.includes('_test.mjs')) { test = l; break; }
  }
  if (inner !== null && inner !== test) out.push('  ' + rel(inner));
  if (test !== null) {
    const m = /file:\/\/\/task\/([^:]+):(\d+):\d+/.exec(test);
    const code = m && m[1] === testFile ? (testLines[Number(m[2]) - 1] || '').trim() : '';
    out.push('  ' + rel(test) + (code === '' ? '' : ': ' + code.slice(0, 300)));
  }
  return out.join('\n');
}

function describe(details) {
  try {
    const err = details.error;
    if (err === undefined || err === null) return '';
    if (err.failureType === 'subtestsFailed') return toString(err.message);
    if (err.failureType === 'testTimeoutFailure') return toString(err.message);
    const cause = err.cause !== undefined ? err.cause : err;
    if (cause === null || (typeof cause !== 'object' && typeof cause !== 'function')) {
      return 'thrown: ' + toString(cause);
    }
    const head = cause.code === 'ERR_ASSERTION' ? toString(cause.message) : toString(cause.name) + ': ' + toString(cause.message);
    const at = where(cause.stack);
    return at === '' ? head : head + '\n' + at;
  } catch (e) {
    return 'the test failed with an error that could not be described';
  }
}

export default async function* anyhourReporter(source) {
  if (started) {
    record('tamper', str('the reporter was invoked twice'));
    return;
  }
  started = true;
  const stack = [];
  for await (const ev of source) {
    const d = ev.data;
    if (ev.type === 'test:enqueue' && d.nesting === 0) {
      registered++;
      record('test', str(d.name));
    } else if (ev.type === 'test:dequeue') {
      stack.length = d.nesting;
      stack[d.nesting] = toString(d.name);
      record('start', str(stack.join('/')));
    } else if (ev.type === 'test:complete') {
      stack.length = d.nesting;
      stack[d.nesting] = toString(d.name);
      // Own properties only: a property the candidate's code put on
      // Object.prototype must not pass a test.
      const det = hasOwn(d, 'details') ? d.details : {};
      const passed = (hasOwn(det, 'passed') && det.passed === true) || (hasOwn(det, 'skip') && det.skip !== undefined);
      const ms = Math.round(Number(det.duration_ms) || 0);
      record('result', '{"name":' + str(stack.join('/')) + ',"passed":' + (passed ? 'true' : 'false') +
        ',"ms":' + ms + ',"message":' + str(passed ? '' : describe(det)) + '}');
      stack.length = d.nesting;
      if (d.nesting === 0) {
        finished++;
        lastFinish = Date.now();
      }
    }
  }
  end();
}
