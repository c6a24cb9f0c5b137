// anyhour's JavaScript judge. It runs inside the sandbox, in a box that
// holds the team's tests and nothing of the candidate's code:
//   node --test-reporter=./anyhour-reporter.mjs anyhour-judge.mjs
// Descriptor 3 brings the solution box's messages, descriptor 4 takes ours
// to it (anyhour-serve.mjs runs the candidate's code there), descriptor 5
// takes the results to the grader, and descriptor 6 brings the grader's
// payload: the test file, and its name as the argument. The judge may
// wait on it, started ahead, with node:test loaded.
//
// The tests import ./solution.mjs as always; here it is a module written
// once the solution has said which exports it has, whose functions send
// each call across as data (anyhour-wire.mjs) and rebuild what comes back
// as plain built-in values: no getter, method or prototype of the
// candidate's ever runs in this process. Objects of the candidate's
// classes come back as handles (proxies whose properties and methods are
// asked for across the pipe), equal only to themselves.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToReporter } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import * as reporter from './anyhour-reporter.mjs';
import * as runner from './anyhour-test.mjs';
import { BUILTIN_ERRORS, Channel, Decoder, Encoder, WireError, parse, payload, q } from './anyhour-wire.mjs';

// The test file runs under anyhour's stand-in for node:test
// (anyhour-test.mjs) when it uses only what that offers, else under
// node:test itself, loaded then.
const testFile = payload(6)[0];
const source = fs.readFileSync(testFile, 'utf8');
const fast = runner.supports(source);
if (fast) fs.writeFileSync(testFile, runner.rewrite(source));
const record = reporter.open(5, testFile, source);
const testURL = pathToFileURL(path.resolve(testFile)).href;
const exit = process.exit.bind(process);
const CLASS = Symbol('anyhour class');
const ID = Symbol('anyhour handle');

class SolutionGone extends Error {}

// The conversation with the solution box.
const chan = new Channel(3, 4);
const stands = new Map(); // handle id -> WeakRef to its proxy
const classes = new Map(); // class id -> mirror prototype
const fns = [];
const fnIds = new Map();
let releases = [];
const registry = new FinalizationRegistry((id) => releases.push(id));
let gone = false;

function tampered(why) {
  gone = true;
  record('tamper', "the solution's program broke the protocol: " + why);
  exit(0);
}

function ended() {
  gone = true;
  record('gone', fast ? runner.now() : reporter.running());
  exit(0);
}

const enc = new Encoder((e, v, depth) => {
  if (typeof v === 'function' || typeof v === 'object') {
    const id = handleId(v);
    if (id !== undefined) return '{"handle":' + id + '}';
  }
  if (typeof v === 'function') {
    let id = fnIds.get(v);
    if (id === undefined) {
      id = fns.length;
      fns.push(v);
      fnIds.set(v, id);
    }
    return '{"fn":' + id + '}';
  }
  if (v instanceof Error) {
    const base = Object.keys(BUILTIN_ERRORS).find((n) => Object.getPrototypeOf(v) === BUILTIN_ERRORS[n].prototype) || 'Error';
    return '{"error":[' + q(String(v.name)) + ',' + q(base) + ',' + q(String(v.message)) + ',' + q(String(v.stack)) + ',[],null]}';
  }
  throw new TypeError('a ' + (v.constructor && v.constructor.name || typeof v) + ' cannot be passed to the solution: only plain values ' +
    '(numbers, strings, arrays, plain objects, Maps, Sets, Dates...), the solution\'s own objects and functions can');
});

const handleIds = new WeakMap(); // proxy -> handle id

function handleId(v) {
  return handleIds.get(v);
}

const dec = new Decoder((d, tag, body, depth) => {
  if (tag === 'handle') {
    if (!Array.isArray(body) || body.length !== 3 || !Number.isInteger(body[0])) throw new WireError('a malformed handle');
    const [id, kind, ref] = body;
    const proto = mirror(ref);
    if (kind === 'function') return standIn(id, () => functionProxy(id, proto));
    if (kind === 'object') return standIn(id, () => objectProxy(id, proto));
    throw new WireError('a handle of an unknown kind');
  }
  if (tag === 'error') return errorValue(body);
  throw new WireError('an unknown tag ' + tag);
});

function standIn(id, make) {
  const ref = stands.get(id);
  let p = ref && ref.deref();
  if (p === undefined) {
    p = make();
    stands.set(id, new WeakRef(p));
    handleIds.set(p, id);
    registry.register(p, id);
  }
  return p;
}

// mirror returns the prototype that stands for a class of the solution's:
// it names the class, lists its methods (each one round trip) and chains
// to its parent's, ending at Object's or a built-in error's.
function mirror(ref) {
  if (ref === null) return Object.prototype;
  if (typeof ref === 'string') return Object.hasOwn(BUILTIN_ERRORS, ref) ? BUILTIN_ERRORS[ref].prototype : Object.prototype;
  if (Number.isInteger(ref)) {
    const p = classes.get(ref);
    if (p === undefined) throw new WireError('an undescribed class');
    return p;
  }
  if (!Array.isArray(ref) || ref.length !== 4 || !Number.isInteger(ref[0]) || !Array.isArray(ref[2])) throw new WireError('a malformed class');
  const [id, name, methods, parent] = ref;
  if (classes.has(id)) return classes.get(id);
  const proto = Object.create(mirror(parent));
  Object.defineProperty(proto, CLASS, { value: id });
  Object.defineProperty(proto, Symbol.toStringTag, { value: String(name), configurable: true });
  classes.set(id, proto);
  const names = new Set(methods.filter((m) => typeof m === 'string'));
  for (const m of names) {
    Object.defineProperty(proto, m, {
      value: function (...args) {
        const self = handleIds.get(this);
        if (self === undefined) throw new TypeError(`the solution's method ${m} was called without its object`);
        return call(['callattr', self, m], args);
      },
      configurable: true, writable: true,
    });
  }
  Object.defineProperty(proto, 'constructor', { get: () => standIn(id, () => functionProxy(id, proto)), configurable: true });
  return proto;
}

function isInstance(o, proto) {
  if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return false;
  for (let p = Object.getPrototypeOf(o); p !== null; p = Object.getPrototypeOf(p)) if (p === proto) return true;
  return false;
}

function functionProxy(id, proto) {
  return new Proxy(function () {}, {
    apply: (t, self, args) => call(['call', id], args),
    construct: (t, args) => call(['new', id], args),
    get: (t, k) => {
      if (k === Symbol.hasInstance) return (o) => isInstance(o, proto);
      if (k === 'prototype') return proto;
      if (typeof k === 'symbol' || k === 'then') return undefined;
      return ask('["get",' + id + ',' + q(k) + ']');
    },
    set: (t, k, v) => typeof k === 'string' && (ask('["set",' + id + ',' + q(k) + ',' + enc.encode(v) + ']'), true),
    has: (t, k) => k === 'prototype' || (typeof k === 'string' && ask('["has",' + id + ',' + q(k) + ']') === true),
  });
}

function objectProxy(id, proto) {
  return new Proxy({}, {
    getPrototypeOf: () => proto,
    get: (t, k) => {
      if (typeof k === 'symbol') {
        if (k === Symbol.iterator) return () => iterate(id);
        if (k === Symbol.asyncIterator) return () => iterateAsync(id);
        if (k === Symbol.toPrimitive) return () => ask('["string",' + id + ']');
        return proto[k];
      }
      if (k === 'then') return undefined;
      if (k in proto && k !== '__proto__') return proto[k];
      return ask('["get",' + id + ',' + q(k) + ']');
    },
    set: (t, k, v) => typeof k === 'string' && (ask('["set",' + id + ',' + q(k) + ',' + enc.encode(v) + ']'), true),
    has: (t, k) => typeof k === 'string' && ask('["has",' + id + ',' + q(k) + ']') === true,
    deleteProperty: (t, k) => typeof k === 'string' && ask('["delete",' + id + ',' + q(k) + ']') === true,
    ownKeys: () => {
      const keys = ask('["keys",' + id + ']');
      return Array.isArray(keys) ? keys.filter((k) => typeof k === 'string') : [];
    },
    getOwnPropertyDescriptor: (t, k) => {
      if (typeof k !== 'string') return undefined;
      return { value: ask('["get",' + id + ',' + q(k) + ']'), writable: true, enumerable: true, configurable: true };
    },
    defineProperty: () => false,
    setPrototypeOf: () => false,
  });
}

function* iterate(id) {
  const it = ask('["iter",' + id + ',"sync"]');
  const itId = handleIds.get(it);
  if (itId === undefined) return;
  for (let n = 1; ; n = Math.min(2 * n, 64)) {
    const r = exchange('["next",' + itId + ',' + n + ']');
    const items = answer(r, []);
    yield* items;
    if (r[3] & 2) return;
  }
}

async function* iterateAsync(id) {
  const it = ask('["iter",' + id + ',"async"]');
  const itId = handleIds.get(it);
  if (itId === undefined) return;
  for (;;) {
    const r = exchange('["next",' + itId + ',1]');
    const items = answer(r, []);
    yield* items;
    if (r[3] & 2) return;
  }
}

// errorValue rebuilds an error of the solution's: a built-in error of the
// same base, whose prototype stands for its class, with its own data.
function errorValue(body) {
  if (!Array.isArray(body) || body.length !== 6) throw new WireError('a malformed error');
  const [name, base, message, stack, props, ref] = body;
  const E = Object.hasOwn(BUILTIN_ERRORS, base) ? BUILTIN_ERRORS[base] : Error;
  const e = new E(String(message));
  if (ref !== null) Object.setPrototypeOf(e, mirror(ref));
  Object.defineProperty(e, 'name', { value: String(name), configurable: true, writable: true });
  for (const [k, v] of dec.pairs(props, 1)) if (typeof k === 'string' && k !== '__proto__') e[k] = v;
  const where = String(stack).split('\n').filter((l) => l.includes('file:///task/solution')).slice(0, 3)
    .map((l) => '  ' + l.trim().split('file:///task/').join('')).join('\n');
  Object.defineProperty(e, 'anyhourWhere', { value: where });
  return e;
}

// ask sends a request that takes no arguments of the tests'.
function ask(msg) {
  return answer(exchange(msg), []);
}

// call sends a call: head is ["call", id], ["new", id] or ["callattr", id,
// name]; arrays and plain objects among args come back changed if the
// solution changed them.
function call(head, args) {
  const muts = [];
  args.forEach((a, i) => { if (mutable(a)) muts.push(i); });
  const start = head[0] === 'callattr' ? '["callattr",' + head[1] + ',' + q(head[2]) : '["' + head[0] + '",' + head[1];
  return answer(exchange(start + ',[' + args.map((a) => enc.encode(a)).join(',') + '],[' + muts.join(',') + ']]'), args);
}

function mutable(a) {
  if (a === null || typeof a !== 'object') return false;
  const p = Object.getPrototypeOf(a);
  return p === Array.prototype || p === Object.prototype || p === null || p === Map.prototype || p === Set.prototype;
}

// exchange sends msg and returns the reply, serving the solution's calls
// of the tests' functions meanwhile.
function exchange(msg) {
  if (gone) throw new SolutionGone("the solution's program has ended");
  if (releases.length > 0) {
    chan.send('["release",[' + releases.join(',') + ']]');
    releases = [];
  }
  chan.send(msg);
  for (;;) {
    let line;
    try {
      line = chan.recvSync();
    } catch (e) {
      return tampered(String(e.message));
    }
    if (line === null) return ended();
    let m;
    try {
      m = parse(line);
    } catch (e) {
      return tampered(String(e.message));
    }
    if (m[0] === 'cb') {
      serveCallback(m);
      continue;
    }
    if ((m[0] === 'ok' || m[0] === 'err') && m.length === 4 && Number.isInteger(m[3])) return m;
    return tampered('an unexpected message');
  }
}

function serveCallback(m) {
  if (m.length !== 3 || !Number.isInteger(m[1]) || m[1] < 0 || m[1] >= fns.length || !Array.isArray(m[2])) {
    return tampered('a call of an unknown function');
  }
  let args;
  try {
    args = m[2].map((x) => dec.value(x));
  } catch (e) {
    return tampered(String(e.message));
  }
  let reply;
  try {
    const r = fns[m[1]](...args);
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
      throw new TypeError('a function the tests pass to the solution must not be async: its promise cannot cross');
    }
    reply = '["cbret",' + enc.encode(r) + ']';
  } catch (e) {
    if (e instanceof SolutionGone) throw e;
    reply = '["cberr",' + enc.encode(e instanceof Error ? e : new Error(String(e))) + ']';
  }
  chan.send(reply);
}

// answer turns a reply into the value it carries, or throws what the
// solution threw; an async function's comes as a promise.
function answer(m, args) {
  let value;
  try {
    const t = m[1];
    if (m[0] === 'err' && t !== null && typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length === 1 && 'thrown' in t) {
      value = dec.value(t.thrown);
    } else {
      value = dec.value(t);
    }
    mutations(m[2], args);
  } catch (e) {
    if (e instanceof WireError) return tampered(String(e.message));
    throw e;
  }
  if (m[0] === 'err') {
    if (m[3] & 1) return Promise.reject(value);
    throw value;
  }
  return m[3] & 1 ? Promise.resolve(value) : value;
}

function mutations(muts, args) {
  if (!Array.isArray(muts)) throw new WireError('malformed changes');
  for (const p of muts) {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isInteger(p[0]) || p[0] < 0 || p[0] >= args.length) throw new WireError('a malformed change');
    update(args[p[0]], dec.value(p[1]));
  }
}

// update makes orig equal to changed in place, keeping the identity of
// inner arrays and objects where the shapes agree, as if the solution had
// changed the tests' own objects.
function update(orig, changed) {
  if (!mutable(orig) || !mutable(changed) || Object.getPrototypeOf(orig) !== Object.getPrototypeOf(changed)) return;
  if (Array.isArray(orig)) {
    const n = Math.min(orig.length, changed.length);
    for (let i = 0; i < n; i++) {
      if (mutable(orig[i]) && mutable(changed[i]) && Object.getPrototypeOf(orig[i]) === Object.getPrototypeOf(changed[i])) update(orig[i], changed[i]);
      else if (!Object.is(orig[i], changed[i])) orig[i] = changed[i];
    }
    orig.length = changed.length;
    for (let i = n; i < changed.length; i++) orig[i] = changed[i];
  } else if (orig instanceof Map) {
    orig.clear();
    for (const [k, v] of changed) orig.set(k, v);
  } else if (orig instanceof Set) {
    orig.clear();
    for (const v of changed) orig.add(v);
  } else {
    for (const k of Object.keys(orig)) if (!Object.hasOwn(changed, k)) delete orig[k];
    for (const k of Object.keys(changed)) {
      if (mutable(orig[k]) && mutable(changed[k]) && Object.getPrototypeOf(orig[k]) === Object.getPrototypeOf(changed[k])) update(orig[k], changed[k]);
      else if (!Object.is(orig[k], changed[k])) orig[k] = changed[k];
    }
  }
}

// The solution's hello: its exports, or why it has none.
let hello;
try {
  const line = chan.recvSync();
  if (line === null) {
    record('gone', null);
    exit(0);
  }
  hello = parse(line);
} catch (e) {
  tampered(String(e.message));
}
if (hello[0] === 'compile' && typeof hello[1] === 'string') {
  record('compile', hello[1]);
  exit(0);
}
if (hello[0] === 'fail' && typeof hello[1] === 'string') {
  record('error', 'importing the solution failed: ' + hello[1]);
  exit(0);
}
if (hello[0] !== 'hello' || !Array.isArray(hello[1])) tampered('no hello');
const exported = Object.create(null);
try {
  for (const p of hello[1]) {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string') throw new WireError('a malformed export');
    exported[p[0]] = dec.value(p[1]);
  }
} catch (e) {
  tampered(String(e.message));
}
globalThis[Symbol.for('anyhour.solution')] = exported;
const names = Object.keys(exported);
fs.writeFileSync('/task/solution.mjs', standInModule('anyhour.solution', null, names));
// A take-home: the repository's modules the tests import, each a stand-in
// at its path, as ./solution.mjs is for a code step.
if (Array.isArray(hello[2])) {
  const tree = Object.create(null);
  globalThis[Symbol.for('anyhour.tree')] = tree;
  try {
    for (const m of hello[2]) {
      if (!Array.isArray(m) || typeof m[0] !== 'string' || !/^[\w@.\/-]+$/.test(m[0]) || m[0].split('/').some((x) => x === '..' || x === '.' || x === '') || m[0].startsWith('anyhour')) throw new WireError('a malformed module');
      const file = '/task/' + m[0];
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (m[1] === null) {
        fs.writeFileSync(file, 'throw new Error(' + q('importing ' + m[0] + ' failed: ' + String(m[2])) + ');\n');
        continue;
      }
      const ex = Object.create(null);
      for (const p of m[1]) {
        if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string') throw new WireError('a malformed export');
        ex[p[0]] = dec.value(p[1]);
      }
      tree[m[0]] = ex;
      fs.writeFileSync(file, standInModule('anyhour.tree', m[0], Object.keys(ex)));
    }
  } catch (e) {
    tampered(String(e.message));
  }
}

// standInModule is a module exporting names from the object the judge keeps
// under a global symbol (and key, for a repository's module).
function standInModule(sym, key, names) {
  const x = `globalThis[Symbol.for(${q(sym)})]` + (key === null ? '' : `[${q(key)}]`);
  return `const x = ${x};\n` + names.map((n, i) => `const _${i} = x[${q(n)}];\nexport { _${i} as ${q(n)} };\n`).join('');
}

if (fast) {
  // Every test registers while the file loads; run() then runs them and
  // records each as it goes. A timer the tests leave open does not keep
  // the judge: it ends the run as soon as the tests are done.
  try {
    await import(testURL);
  } catch (e) {
    loadFailed(e);
    exit(1);
  }
  await runner.run();
  reporter.end();
  exit(0);
}

// node:test: a root hook starts it and its reporter before the tests
// load; the other lets the reporter write out each finished test before
// the next one starts, in case that one waits on the solution for good.
const nodeTest = await import('node:test');
nodeTest.before(() => {});
nodeTest.beforeEach(() => yieldToReporter());
for (let i = 0; i < 100000 && !reporter.isStarted(); i++) await yieldToReporter();

// node:test ends only when nothing is left for the event loop to do, and
// takes its time about it: a timer the tests leave open would keep the
// process alive until the time limit. Once the test file has loaded (so
// every top-level test is registered) and every one of them has finished,
// the judge ends the run.
reporter.onIdle(() => {
  reporter.end();
  exit(process.exitCode ?? 0);
});

try {
  await import(testURL);
  reporter.loaded();
} catch (e) {
  loadFailed(e);
  process.exitCode = 1;
}

// loadFailed records why the test file could not load.
function loadFailed(e) {
  if (e instanceof SolutionGone) ended();
  const stack = String((e && e.stack) || e).split('\n')
    .filter((l) => !(l.startsWith('    at ') && (l.includes('node:internal') || l.includes('anyhour-'))))
    .join('\n').split('file:///task/').join('');
  record('error', 'loading the tests failed: ' + stack);
}
