// anyhour's stand-in for node:test. It runs inside the sandbox, in the
// judge's box. A test file that uses node:test's usual API (test, it,
// describe, suite, the four hooks, subtests, skip, todo, timeouts, done
// callbacks) has its import of 'node:test' pointed here, which runs its
// tests the way node:test does, one at a time in order, and records each
// test's start and result synchronously: no reporter stream lags behind,
// and loading this costs a fraction of node:test (some 35 ms in a box).
// A file that uses anything else (mocks, snapshots, plans, run()) gets
// the real node:test (supports, below).
import { record, str, describeFailure } from './anyhour-reporter.mjs';

// The names a test file may import from here.
const NAMES = new Set(['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach', 'default']);

// supports says whether this stand-in can run a test file: it imports
// only the names above from node:test, and uses none of node:test's other
// features.
export function supports(src) {
  if (/\bmock\b|\bsnapshot\b|\.plan\s*\(|\brunOnly\b|\bimport\s*\(|\brequire\s*\(/.test(src)) return false;
  const imports = [...src.matchAll(/\bimport\s+([^'";]*?)\s*from\s*(['"])node:test\2/g)];
  for (const m of imports) {
    const clause = m[1].trim();
    if (clause.startsWith('*')) return false;
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces === null) continue;
    for (const spec of braces[1].split(',')) {
      const name = spec.trim().split(/\s+as\s+/)[0].trim();
      if (name !== '' && !NAMES.has(name)) return false;
    }
  }
  return true;
}

// rewrite points a test file's imports of node:test here; line numbers
// stay as written.
export function rewrite(src) {
  return src
    .replace(/(\bfrom\s*)(['"])node:test\2/g, '$1$2/task/anyhour-test.mjs$2')
    .replace(/(\bimport\s*)(['"])node:test\2/g, '$1$2/task/anyhour-test.mjs$2');
}

// A suite holds tests, suites and hooks; the root is the file's.
class Suite {
  constructor(name, parent, options) {
    this.name = name;
    this.parent = parent;
    this.options = options;
    this.children = [];
    this.hooks = { before: [], after: [], beforeEach: [], afterEach: [] };
    this.ready = null; // an async describe body's promise
  }
}

class Test {
  constructor(name, options, fn) {
    this.name = name;
    this.options = options;
    this.fn = fn;
  }
}

const root = new Suite('', null, {});
let current = root;
let running = null; // the test running now, as "a/b"

// running names the test running now, or null.
export function now() {
  return running;
}

function args(name, options, fn) {
  if (typeof name === 'function') return [name.name || '<anonymous>', {}, name];
  if (typeof options === 'function') return [name === undefined ? '<anonymous>' : String(name), {}, options];
  return [name === undefined ? '<anonymous>' : String(name), options || {}, fn];
}

export function test(name, options, fn) {
  const [n, o, f] = args(name, options, fn);
  current.children.push(new Test(n, o, f));
}
test.skip = (name, options, fn) => { const [n, o, f] = args(name, options, fn); test(n, { ...o, skip: true }, f); };
test.todo = (name, options, fn) => { const [n, o, f] = args(name, options, fn); test(n, { ...o, todo: true }, f); };
test.only = test;

export function describe(name, options, fn) {
  const [n, o, f] = args(name, options, fn);
  const s = new Suite(n, current, o);
  current.children.push(s);
  if (typeof f !== 'function') return;
  const outer = current;
  current = s;
  try {
    const r = f(s);
    if (r && typeof r.then === 'function') s.ready = r;
  } finally {
    current = outer;
  }
}
describe.skip = (name, options, fn) => { const [n, o, f] = args(name, options, fn); describe(n, { ...o, skip: true }, f); };
describe.todo = (name, options, fn) => { const [n, o, f] = args(name, options, fn); describe(n, { ...o, todo: true }, f); };
describe.only = describe;

export function before(fn) { current.hooks.before.push(fn); }
export function after(fn) { current.hooks.after.push(fn); }
export function beforeEach(fn) { current.hooks.beforeEach.push(fn); }
export function afterEach(fn) { current.hooks.afterEach.push(fn); }

export { test as it, describe as suite };
Object.assign(test, { test, it: test, describe, suite: describe, before, after, beforeEach, afterEach });
export default test;

// A test's context, as node:test gives it.
class TestContext {
  constructor(path, name) {
    this.path = path;
    this.name = name;
    this.skipped = false;
    this.chain = Promise.resolve();
    this.failedSubtests = 0;
    this.hooks = { beforeEach: [], afterEach: [] };
    this.signal = new AbortController().signal;
  }

  // test runs a subtest after the ones before it. As node:test 20 does, a
  // subtest the parent has not waited for by the time it ends is
  // cancelled, and fails.
  test(name, options, fn) {
    const [n, o, f] = args(name, options, fn);
    const t = new Test(n, o, f);
    const run = this.chain
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => (this.closed ? cancel(t, this.path, this) : runTest(t, this.path, [this.hooks], this)));
    this.chain = run.catch(() => {});
    return run;
  }

  skip() { this.skipped = true; }
  todo() {}
  diagnostic() {}
  beforeEach(fn) { this.hooks.beforeEach.push(fn); }
  afterEach(fn) { this.hooks.afterEach.push(fn); }
  before(fn) { return fn(this); }
  after(fn) { this.afterHooks = [...(this.afterHooks || []), fn]; }
}

// call runs fn, with a done callback if it takes one, within timeout.
function call(fn, thisArg, ctx, timeout) {
  let p;
  if (fn.length >= 2) {
    p = new Promise((resolve, reject) => {
      const r = fn.call(thisArg, ctx, (err) => (err ? reject(err) : resolve()));
      if (r && typeof r.then === 'function') r.then(undefined, reject);
    });
  } else {
    p = Promise.resolve().then(() => fn.call(thisArg, ctx));
  }
  if (!(timeout > 0) || timeout === Infinity) return p;
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`test timed out after ${timeout}ms`)), timeout);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

class TimeoutError extends Error {}

// stray is an error thrown where no test awaits it (a callback of a timer
// the test started): it fails the test running when it was thrown.
let stray = null;
process.on('uncaughtException', (e) => { if (running !== null && stray === null) stray = e; });
process.on('unhandledRejection', (e) => { if (running !== null && stray === null) stray = e; });

async function runTest(t, parentPath, hookSets, parentCtx) {
  const path = [...parentPath, t.name];
  const full = path.join('/');
  const previous = running;
  running = full;
  record('start', str(full));
  const ctx = new TestContext(path, t.name);
  const t0 = performance.now();
  let error = null;
  let skipped = t.options.skip !== undefined && t.options.skip !== false;
  if (!skipped && typeof t.fn === 'function') {
    try {
      for (const hs of hookSets) for (const h of hs.beforeEach) await call(h, undefined, ctx, 0);
      await call(t.fn, ctx, ctx, Number(t.options.timeout));
      ctx.closed = true;
      await ctx.chain;
      for (const h of ctx.afterHooks || []) await call(h, undefined, ctx, 0);
      for (const hs of [...hookSets].reverse()) for (const h of hs.afterEach) await call(h, undefined, ctx, 0);
    } catch (e) {
      error = e;
    }
    skipped = skipped || ctx.skipped;
  }
  if (error === null && stray !== null) error = stray;
  stray = null;
  if (error === null && ctx.failedSubtests > 0) {
    error = { anyhourSubtests: ctx.failedSubtests };
  }
  running = previous;
  const passed = skipped || error === null;
  if (!passed && parentCtx) parentCtx.failedSubtests++;
  let message = '';
  if (!passed) {
    if (error instanceof TimeoutError) message = error.message;
    else if (error && error.anyhourSubtests) message = `${error.anyhourSubtests} subtest${error.anyhourSubtests > 1 ? 's' : ''} failed`;
    else message = describeFailure(error);
  }
  record('result', '{"name":' + str(full) + ',"passed":' + passed + ',"ms":' + Math.round(performance.now() - t0) + ',"message":' + str(message) + '}');
  return passed;
}

// cancel records a subtest its parent ended without.
function cancel(t, parentPath, parentCtx) {
  const full = [...parentPath, t.name].join('/');
  record('start', str(full));
  record('result', '{"name":' + str(full) + ',"passed":false,"ms":0,"message":' + str('thrown: test did not finish before its parent and was cancelled') + '}');
  parentCtx.failedSubtests++;
  return false;
}

// runSuite runs a suite's tests and suites in order, and reports whether
// all passed; a suite but the root has a result of its own.
async function runSuite(s, path, hookSets) {
  const full = path.join('/');
  if (path.length > 0) record('start', str(full));
  const t0 = performance.now();
  let failed = 0;
  if (s.ready) {
    try {
      await s.ready;
    } catch (e) {
      record('result', '{"name":' + str(full) + ',"passed":false,"ms":0,"message":' + str(describeFailure(e)) + '}');
      return false;
    }
  }
  const hooks = [...hookSets, s.hooks];
  const skip = s.options.skip !== undefined && s.options.skip !== false;
  let beforeError = null;
  if (!skip) {
    for (const h of s.hooks.before) {
      try {
        await call(h, undefined, undefined, 0);
      } catch (e) {
        beforeError = e;
        break;
      }
    }
  }
  for (const c of s.children) {
    if (skip) c.options = { ...c.options, skip: true };
    if (c instanceof Suite) {
      if (!(await runSuite(c, [...path, c.name], hooks))) failed++;
      continue;
    }
    if (beforeError !== null) {
      const name = [...path, c.name].join('/');
      record('start', str(name));
      record('result', '{"name":' + str(name) + ',"passed":false,"ms":0,"message":' + str('a before hook failed: ' + describeFailure(beforeError)) + '}');
      failed++;
      continue;
    }
    if (!(await runTest(c, path, hooks, null))) failed++;
  }
  for (const h of s.hooks.after) {
    try {
      await call(h, undefined, undefined, 0);
    } catch {}
  }
  if (path.length > 0) {
    record('result', '{"name":' + str(full) + ',"passed":' + (failed === 0) + ',"ms":' + Math.round(performance.now() - t0) +
      ',"message":' + str(failed === 0 ? '' : `${failed} subtest${failed > 1 ? 's' : ''} failed`) + '}');
  }
  return failed === 0;
}

// run runs every test the file registered, after saying which they are;
// the records say how each went.
export async function run() {
  for (const c of root.children) record('test', str(c.name));
  await runSuite(root, [], []);
}
