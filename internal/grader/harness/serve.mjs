// anyhour's JavaScript solution server. It runs inside the sandbox, in the
// box that holds the candidate's code and nothing of the tests:
//   node --experimental-detect-module anyhour-serve.mjs
// Requests come on descriptor 3, replies go on 4, and the grader's payload
// (solution.js) comes on 5, which the server may wait on, started ahead.
//
// It imports solution.js (an ES module or CommonJS, whichever it is),
// says hello with its exports, then answers the judge's requests
// (anyhour-judge.mjs) one at a time. Values cross as data
// (anyhour-wire.mjs); functions, class instances and other objects stay
// here and cross as handles. The candidate's code shares this process and
// may change any of it: all it can send the judge is data.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BUILTIN_ERRORS, Channel, Decoder, Encoder, WireError, parse, payload, q } from './anyhour-wire.mjs';

const chan = new Channel(3, 4);
const objs = new Map(); // handle id -> object
const ids = new Map(); // object -> handle id
const described = new Set();
let nextId = 0;
let busy = false; // a request is being answered: callbacks may cross
const exit = process.reallyExit ? process.reallyExit.bind(process) : process.exit.bind(process);
const ownKeys = Reflect.ownKeys;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

function handle(o) {
  let h = ids.get(o);
  if (h === undefined) {
    h = nextId++;
    objs.set(h, o);
    ids.set(o, h);
  }
  return h;
}

// classRef describes the class of an object (its constructor), with the
// names of the methods its prototype chain offers, so that the judge can
// call them in one round trip.
// It stops at the first built-in class (Object, Error, Array...), whose
// name it gives instead.
function classRef(proto) {
  if (proto === null) return 'null';
  let ctor = null;
  try {
    const d = getOwnPropertyDescriptor(proto, 'constructor');
    ctor = d && typeof d.value === 'function' ? d.value : null;
  } catch {}
  if (ctor === null) return classRef(getPrototypeOf(proto));
  if (builtin(ctor)) return q(text(() => ctor.name));
  const h = handle(ctor);
  if (described.has(h)) return String(h);
  described.add(h);
  const methods = [];
  for (const k of ownKeys(proto)) {
    if (typeof k !== 'string' || k === 'constructor') continue;
    const d = getOwnPropertyDescriptor(proto, k);
    if (d && typeof d.value === 'function') methods.push(q(k));
  }
  let name = '';
  try { name = String(ctor.name); } catch {}
  return '[' + h + ',' + q(name) + ',[' + methods.join(',') + '],' + classRef(getPrototypeOf(proto)) + ']';
}

const fnToString = Function.prototype.toString;

function builtin(f) {
  try { return /\{\s*\[native code\]\s*\}$/.test(fnToString.call(f)); } catch { return false; }
}

const enc = new Encoder((e, v, depth) => {
  if (typeof v === 'function') {
    return '{"handle":[' + handle(v) + ',"function",' + (v.prototype && typeof v.prototype === 'object' ? classRef(v.prototype) : 'null') + ']}';
  }
  if (v instanceof Error) return encodeError(v, depth);
  return '{"handle":[' + handle(v) + ',"object",' + classRef(getPrototypeOf(v)) + ']}';
});

const dec = new Decoder((d, tag, body, depth) => {
  if (tag === 'error') return decodeError(d, body, depth);
  if (tag === 'handle') {
    const h = Array.isArray(body) ? body[0] : body;
    if (!objs.has(h)) throw new WireError('an unknown handle');
    return objs.get(h);
  }
  if (tag === 'fn') {
    if (typeof body !== 'number') throw new WireError('a malformed function');
    return callback(body);
  }
  throw new WireError('an unknown tag ' + tag);
});

// callback is a function of the tests', called from here: the call
// crosses back, and its result with it.
function callback(fid) {
  return function anyhourCallback(...args) {
    if (!busy) throw new Error('a function the tests passed can only be called while the tests wait for the solution');
    chan.send('["cb",' + fid + ',[' + args.map((a) => enc.encode(a)).join(',') + ']]');
    for (;;) {
      const line = chan.recvSync();
      if (line === null) exit(0);
      const m = parse(line);
      if (m[0] === 'cbret') return dec.value(m[1]);
      if (m[0] === 'cberr') throw dec.value(m[1]);
      dispatchNested(m); // the tests' function called us in turn
    }
  };
}

// decodeError rebuilds an error of the tests' as a built-in error.
function decodeError(d, body, depth) {
  if (!Array.isArray(body) || body.length !== 6) throw new WireError('a malformed error');
  const [name, base, message, stack] = body;
  const E = Object.hasOwn(BUILTIN_ERRORS, base) ? BUILTIN_ERRORS[base] : Error;
  const e = new E(String(message));
  if (typeof name === 'string' && name !== E.name) e.name = name;
  if (typeof stack === 'string') e.stack = stack;
  return e;
}

function baseError(e) {
  for (let p = getPrototypeOf(e); p !== null; p = getPrototypeOf(p)) {
    for (const name in BUILTIN_ERRORS) if (p === BUILTIN_ERRORS[name].prototype) return name;
  }
  return 'Error';
}

function text(f) {
  try { return String(f()); } catch { return ''; }
}

function encodeError(e, depth) {
  const props = [];
  for (const k of Object.keys(e)) {
    try { props.push('[' + q(k) + ',' + enc.enc(e[k], depth) + ']'); } catch {}
  }
  const base = baseError(e);
  const proto = getPrototypeOf(e);
  const own = proto !== null && proto === BUILTIN_ERRORS[base].prototype;
  return '{"error":[' + q(text(() => e.name)) + ',' + q(base) + ',' + q(text(() => e.message)) + ',' +
    q(text(() => e.stack)) + ',[' + props.join(',') + '],' + (own ? 'null' : classRef(proto)) + ']}';
}

// thrown encodes what a request threw: an error, or {"thrown": value}
// for anything else a program may throw.
function thrown(e) {
  try {
    return e instanceof Error ? enc.encode(e) : '{"thrown":' + enc.encode(e) + '}';
  } catch {
    return enc.encode(new Error(text(() => e)));
  }
}

function obj(h) {
  if (!objs.has(h)) throw new WireError('an unknown handle');
  return objs.get(h);
}

function mutations(muts, args) {
  return '[' + muts.filter((i) => Number.isInteger(i) && i >= 0 && i < args.length)
    .map((i) => '[' + i + ',' + enc.encode(args[i]) + ']').join(',') + ']';
}

// request performs one request and returns [value, args, muts]; a value
// that is a promise is for the caller to wait for.
function request(m) {
  switch (m[0]) {
    case 'call': {
      const args = m[2].map((x) => dec.value(x));
      return [Reflect.apply(obj(m[1]), undefined, args), args, m[3]];
    }
    case 'callattr': {
      const target = obj(m[1]);
      const args = m[3].map((x) => dec.value(x));
      return [Reflect.apply(target[m[2]], target, args), args, m[4]];
    }
    case 'new': {
      const args = m[2].map((x) => dec.value(x));
      return [Reflect.construct(obj(m[1]), args), args, m[3]];
    }
    case 'get': return [obj(m[1])[m[2]], [], []];
    case 'set': obj(m[1])[m[2]] = dec.value(m[3]); return [undefined, [], []];
    case 'delete': return [delete obj(m[1])[m[2]], [], []];
    case 'has': return [m[2] in obj(m[1]), [], []];
    case 'keys': return [Object.keys(obj(m[1])), [], []];
    case 'string': return [String(obj(m[1])), [], []];
    case 'iter': {
      const o = obj(m[1]);
      return [o[m[2] === 'async' ? Symbol.asyncIterator : Symbol.iterator](), [], []];
    }
    case 'next': {
      const it = obj(m[1]);
      const n = Math.max(1, Math.min(Number(m[2]) || 1, 256));
      const items = [];
      for (let i = 0; i < n; i++) {
        const r = it.next();
        if (r && typeof r.then === 'function') {
          return [r.then((x) => (x.done ? { items: [], done: true } : { items: [x.value], done: false })), [], [], true];
        }
        if (r.done) return [{ items, done: true }, [], [], true];
        items.push(r.value);
      }
      return [{ items, done: false }, [], [], true];
    }
    case 'release':
      for (const h of m[1]) {
        const o = objs.get(h);
        objs.delete(h);
        ids.delete(o);
        described.delete(h);
      }
      return null;
  }
  throw new WireError('an unknown request ' + String(m[0]).slice(0, 40));
}

function reply(value, args, muts, step, async) {
  let body;
  if (step) body = '[' + value.items.map((x) => enc.encode(x)).join(',') + ']';
  else body = enc.encode(value);
  chan.send('["ok",' + body + ',' + mutations(muts, args) + ',' + ((async ? 1 : 0) | (step && value.done ? 2 : 0)) + ']');
}

function replyError(e, args, muts, async) {
  chan.send('["err",' + thrown(e) + ',' + mutations(muts, args) + ',' + (async ? 1 : 0) + ']');
}

// perform performs a request and returns [value, args, muts, step], or
// null when it was answered already (an error) or needs no answer.
function perform(m) {
  try {
    return request(m);
  } catch (e) {
    if (e instanceof WireError) throw e;
    replyError(e, [], [], false);
    return null;
  }
}

function isPromise(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
}

// send replies with a value, or with the error its encoding raised.
function send(value, args, muts, step, async) {
  try {
    reply(value, args, muts, step, async);
  } catch (e) {
    replyError(e, [], [], async);
  }
}

// dispatch answers one request, waiting for a promise it returns.
async function dispatch(m) {
  const r = perform(m);
  if (r === null) return;
  const [value, args, muts, step] = r;
  if (!isPromise(value) || m[0] === 'get') {
    send(value, args, muts, step, false);
    return;
  }
  let settled;
  try {
    settled = await value;
  } catch (e) {
    replyError(e, args, muts, true);
    return;
  }
  send(settled, args, muts, step, true);
}

// dispatchNested answers a request that arrives while a callback waits:
// it must finish synchronously.
function dispatchNested(m) {
  const r = perform(m);
  if (r === null) return;
  const [value, args, muts, step] = r;
  if (isPromise(value) && m[0] !== 'get') {
    replyError(new Error('an async function of the solution cannot be called from inside a function the tests passed'), args, muts, false);
    return;
  }
  send(value, args, muts, step, false);
}

function serve() {
  chan.recv(async (err, line) => {
    if (err) return broken(err);
    if (line === null) exit(0);
    let m;
    try {
      m = parse(line);
    } catch (e) {
      return broken(e);
    }
    busy = true;
    try {
      await dispatch(m);
    } catch (e) {
      return broken(e);
    } finally {
      busy = false;
    }
    serve();
  });
}

function broken(e) {
  process.stderr.write('anyhour: ' + String(e && e.message) + '\n');
  exit(3);
}

// syntaxError returns node's complaint about the file's syntax, with the
// line, or ''. Nothing of the candidate's has run when it is called. Node
// 20's --check does not detect a module's kind, so the file is checked as
// what its import and export statements make it.
function syntaxError(file) {
  const src = fs.readFileSync(file, 'utf8');
  const copy = /^\s*(import|export)\b/m.test(src) ? '/tmp/solution.mjs' : '/tmp/solution.cjs';
  fs.writeFileSync(copy, src);
  const r = spawnSync(process.execPath, ['--check', copy], { encoding: 'utf8', timeout: 5000 });
  if (r.status === 0 || typeof r.stderr !== 'string') return '';
  return r.stderr.split('\n')
    .filter((l) => !l.startsWith('    at ') && !l.startsWith('Node.js '))
    .join('\n').split(copy).join('solution.js').replace(/\n{3,}/g, '\n\n').trim();
}

const argv = payload(5);
if (argv[0] === 'tree') {
  // A repository (a take-home): the modules its tests import, by their
  // paths under /task/repo, each imported here and said in the hello as
  // [path, exports] or [path, null, why it failed], the failure each
  // test's own.
  const modules = [];
  for (const p of argv.slice(1)) {
    try {
      const m = await import('/task/repo/' + p);
      modules.push('[' + q(p) + ',[' + exportEntries(exportsOf(m)).join(',') + ']]');
    } catch (e) {
      modules.push('[' + q(p) + ',null,' + q(String((e && e.stack) || e).split('file:///task/repo/').join('')) + ']');
    }
  }
  chan.send('["hello",[],[' + modules.join(',') + ']]');
  serve();
} else {
let mod;
try {
  mod = await import('./solution.js');
} catch (e) {
  const compile = e instanceof SyntaxError ? syntaxError('/task/solution.js') : '';
  if (compile !== '') chan.send('["compile",' + q(compile) + ']');
  else chan.send('["fail",' + q(String((e && e.stack) || e).split('file:///task/').join('')) + ']');
  exit(1);
}

// The exports, as the tests will import them from ./solution.mjs. A
// CommonJS module's exports are its default export; its properties become
// named exports too when nothing else names them.
chan.send('["hello",[' + exportEntries(exportsOf(mod)).join(',') + ']]');
serve();
}

function exportsOf(mod) {
  const exports = {};
  for (const k of Object.keys(mod)) exports[k] = mod[k];
  const def = exports.default;
  if (Object.keys(exports).length === 1 && def !== null && (typeof def === 'object' || typeof def === 'function')) {
    for (const k of Object.keys(def)) if (k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k)) exports[k] = def[k];
  }
  return exports;
}

function exportEntries(exports) {
  const entries = [];
  for (const k of Object.keys(exports)) {
    try {
      entries.push('[' + q(k) + ',' + enc.encode(exports[k]) + ']');
    } catch (e) {
      entries.push('[' + q(k) + ',' + enc.encode(undefined) + ']');
    }
  }
  return entries;
}
