// anyhour's wire format between the box that runs the tests (the judge)
// and the box that runs the candidate's code (the solution). Both import
// this module; it runs inside the sandbox, never on the host.
//
// A message is one line of JSON. Values are JSON, with a one-key object as
// a tag for what JSON cannot say:
//   null true false 1.5 "s" [array]      as in JSON (holes become undefined)
//   {"undefined":0} {"num":"nan"|"inf"|"-inf"|"-0"} {"bigint":"123"}
//   {"object":[[key, value], ...]}       a plain object's own enumerable keys
//   {"map":[[k, v], ...]} {"set":[...]} {"date":ms} {"regexp":[source, flags]}
//   {"bytes":[type, "base64"]}           typed arrays, Buffer, ArrayBuffer
//   {"error":[class, base, message, stack, [[key, value], ...], classref]}
//   {"handle":[id, kind, classref]}      an object that lives in the solution
//   {"fn":id}                            a function that lives in the judge
// A classref is a class's id, or [id, name, [method names], parent classref]
// the first time it is sent. Decoding builds only built-in values: whatever
// a message holds, decoding it runs no code of the box that sent it.
import fs from 'node:fs';

const MAX_DEPTH = 600;
const MAX_MESSAGE = 64 << 20;
const { readSync, writeSync, read } = fs;
const stringify = JSON.stringify;
const parseJSON = JSON.parse;
const getPrototypeOf = Object.getPrototypeOf;
const isArray = Array.isArray;
const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const hasOwn = Object.hasOwn;

export class WireError extends Error {}

export const BUILTIN_ERRORS = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError,
};

const TYPED = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

// Encoder turns values into JSON text; tagObject decides what becomes of
// anything that is not plain data on the side it runs.
export class Encoder {
  constructor(tagObject) {
    this.tagObject = tagObject;
  }

  encode(v) {
    return this.enc(v, 0);
  }

  enc(v, depth) {
    switch (typeof v) {
      case 'string': return stringify(v);
      case 'boolean': return v ? 'true' : 'false';
      case 'number':
        if (v !== v) return '{"num":"nan"}';
        if (v === Infinity) return '{"num":"inf"}';
        if (v === -Infinity) return '{"num":"-inf"}';
        if (v === 0 && 1 / v < 0) return '{"num":"-0"}';
        return stringify(v);
      case 'bigint': return '{"bigint":"' + v.toString() + '"}';
      case 'undefined': return '{"undefined":0}';
      case 'symbol': throw new WireError('a symbol cannot cross between the tests and the solution');
    }
    if (v === null) return 'null';
    if (depth > MAX_DEPTH) throw new WireError(`the value is nested more than ${MAX_DEPTH} levels deep`);
    const d = depth + 1;
    if (typeof v === 'function') return this.tagObject(this, v, d);
    const proto = getPrototypeOf(v);
    if (proto === arrayProto && isArray(v)) {
      const parts = new Array(v.length);
      for (let i = 0; i < v.length; i++) parts[i] = this.enc(v[i], d);
      return '[' + parts.join(',') + ']';
    }
    if (proto === objectProto || proto === null) {
      const parts = [];
      for (const k of Object.keys(v)) parts.push('[' + stringify(k) + ',' + this.enc(v[k], d) + ']');
      return '{"object":[' + parts.join(',') + ']}';
    }
    if (v instanceof Map && proto === Map.prototype) {
      const parts = [];
      for (const [k, x] of Map.prototype.entries.call(v)) parts.push('[' + this.enc(k, d) + ',' + this.enc(x, d) + ']');
      return '{"map":[' + parts.join(',') + ']}';
    }
    if (v instanceof Set && proto === Set.prototype) {
      const parts = [];
      for (const x of Set.prototype.values.call(v)) parts.push(this.enc(x, d));
      return '{"set":[' + parts.join(',') + ']}';
    }
    if (v instanceof Date && proto === Date.prototype) {
      return '{"date":' + this.enc(Date.prototype.getTime.call(v), d) + '}';
    }
    if (v instanceof RegExp && proto === RegExp.prototype) {
      return '{"regexp":[' + stringify(v.source) + ',' + stringify(v.flags) + ']}';
    }
    const typed = typedName(v, proto);
    if (typed !== null) {
      const bytes = typed === 'ArrayBuffer' ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return '{"bytes":[' + stringify(typed) + ',"' + bytes.toString('base64') + '"]}';
    }
    return this.tagObject(this, v, d);
  }
}

function typedName(v, proto) {
  if (proto === ArrayBuffer.prototype) return 'ArrayBuffer';
  if (typeof Buffer !== 'undefined' && proto === Buffer.prototype) return 'Buffer';
  for (const name in TYPED) if (proto === TYPED[name].prototype) return name;
  return null;
}

// Decoder rebuilds values from parsed JSON; objects and functions of the
// other side become what untag makes of them.
export class Decoder {
  constructor(untag) {
    this.untag = untag;
  }

  value(j, depth = 0) {
    switch (typeof j) {
      case 'string': case 'number': case 'boolean': return j;
    }
    if (j === null) return null;
    if (depth > MAX_DEPTH) throw new WireError('a value nested too deeply');
    if (isArray(j)) return j.map((x) => this.value(x, depth + 1));
    const keys = Object.keys(j);
    if (keys.length !== 1) throw new WireError('not a value');
    const tag = keys[0];
    return this.tagged(tag, j[tag], depth + 1);
  }

  pairs(body, depth) {
    if (!isArray(body)) throw new WireError('malformed pairs');
    return body.map((p) => {
      if (!isArray(p) || p.length !== 2) throw new WireError('a malformed pair');
      return [this.value(p[0], depth), this.value(p[1], depth)];
    });
  }

  tagged(tag, body, depth) {
    switch (tag) {
      case 'undefined': return undefined;
      case 'num': {
        const n = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 }[body];
        if (n === undefined) throw new WireError('a malformed number');
        return n;
      }
      case 'bigint':
        if (typeof body !== 'string' || !/^-?[0-9]+$/.test(body)) throw new WireError('a malformed bigint');
        return BigInt(body);
      case 'object': {
        const o = {};
        for (const [k, v] of this.pairs(body, depth)) {
          if (typeof k !== 'string') throw new WireError('a malformed object key');
          Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
        return o;
      }
      case 'map': return new Map(this.pairs(body, depth));
      case 'set':
        if (!isArray(body)) throw new WireError('a malformed set');
        return new Set(body.map((x) => this.value(x, depth)));
      case 'date':
        return new Date(this.value(body, depth));
      case 'regexp':
        if (!isArray(body) || typeof body[0] !== 'string' || typeof body[1] !== 'string') throw new WireError('a malformed regexp');
        try { return new RegExp(body[0], body[1]); } catch { throw new WireError('a malformed regexp'); }
      case 'bytes': {
        if (!isArray(body) || typeof body[0] !== 'string' || typeof body[1] !== 'string') throw new WireError('malformed bytes');
        const b = Buffer.from(body[1], 'base64');
        if (body[0] === 'Buffer') return b;
        const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
        if (body[0] === 'ArrayBuffer') return ab;
        const T = hasOwn(TYPED, body[0]) ? TYPED[body[0]] : null;
        if (T === null || ab.byteLength % T.BYTES_PER_ELEMENT !== 0) throw new WireError('malformed bytes');
        return new T(ab);
      }
    }
    return this.untag(this, tag, body, depth);
  }
}

// Channel reads lines from one descriptor and writes them to another.
export class Channel {
  constructor(rfd, wfd) {
    this.rfd = rfd;
    this.wfd = wfd;
    this.chunks = [];
    this.size = 0;
    this.lines = [];
    this.closed = false;
    this.buf = Buffer.allocUnsafe(1 << 16);
  }

  send(text) {
    const data = Buffer.from(text + '\n', 'utf8');
    let off = 0;
    while (off < data.length) {
      try {
        off += writeSync(this.wfd, data, off, data.length - off);
      } catch (e) {
        if (e.code === 'EAGAIN') continue;
        throw e;
      }
    }
  }

  // take appends bytes read and splits off the complete lines.
  take(n) {
    let chunk = this.buf.subarray(0, n);
    let i;
    while ((i = chunk.indexOf(10)) >= 0) {
      this.chunks.push(chunk.subarray(0, i));
      this.lines.push(Buffer.concat(this.chunks).toString('utf8'));
      this.chunks = [];
      this.size = 0;
      chunk = chunk.subarray(i + 1);
    }
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk));
      this.size += chunk.length;
      if (this.size > MAX_MESSAGE) throw new WireError(`a message longer than ${MAX_MESSAGE >> 20} MiB`);
    }
  }

  // recvSync returns the next line, or null at the end of the stream.
  recvSync() {
    while (this.lines.length === 0) {
      if (this.closed) return null;
      let n;
      try {
        n = readSync(this.rfd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if (e.code === 'EAGAIN') continue;
        if (e.code === 'EOF') n = 0;
        else throw e;
      }
      if (n === 0) {
        this.closed = true;
        if (this.size > 0) throw new WireError('a message cut off');
        return null;
      }
      this.take(n);
    }
    return this.lines.shift();
  }

  // recv calls back with the next line (or null), reading without
  // blocking the event loop. No synchronous read may happen meanwhile.
  recv(cb) {
    if (this.lines.length > 0 || this.closed) {
      const line = this.lines.length > 0 ? this.lines.shift() : null;
      setImmediate(() => cb(null, line));
      return;
    }
    read(this.rfd, this.buf, 0, this.buf.length, null, (err, n) => {
      if (err) return cb(err);
      if (n === 0) {
        this.closed = true;
        return cb(this.size > 0 ? new WireError('a message cut off') : null, null);
      }
      try {
        this.take(n);
      } catch (e) {
        return cb(e);
      }
      this.recv(cb);
    });
  }
}

// payload reads the grader's payload on descriptor fd to its end: the
// files only the grading knows (the tests, the candidate's code), which it
// writes into /task, and the arguments. Everything before it, node's start
// and the modules it loads, may happen ahead of the grading.
export function payload(fd) {
  const chunks = [];
  const buf = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  fs.closeSync(fd);
  const p = parseJSON(Buffer.concat(chunks).toString('utf8'));
  for (const [name, data] of p.files) {
    const parts = name.split('/');
    if (name.startsWith('/') || parts.some((x) => x === '' || x === '.' || x === '..')) throw new WireError('a payload file outside /task');
    if (parts.length > 1) fs.mkdirSync('/task/' + parts.slice(0, -1).join('/'), { recursive: true });
    fs.writeFileSync('/task/' + name, Buffer.from(data, 'base64'));
  }
  return p.argv;
}

export function parse(line) {
  let m;
  try {
    m = parseJSON(line);
  } catch {
    throw new WireError('a message that is not JSON');
  }
  if (!isArray(m) || m.length === 0 || typeof m[0] !== 'string') throw new WireError('a message that is not a list');
  return m;
}

export const q = stringify;
