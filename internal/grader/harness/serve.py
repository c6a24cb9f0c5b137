# anyhour's Python solution server. It runs inside the sandbox, in the box
# that holds the candidate's code and nothing of the tests:
#   python3 anyhour_serve.py
# Requests come on descriptor 3, replies go on 4, and the grader's payload
# (solution.py) comes on 5, which the server may wait on, started ahead.
#
# It imports solution.py, says hello with the module's names, then answers
# (for a take-home, whose payload is a repository under /task/repo and the
# argument "tree", it imports nothing until the judge asks for a module)
# the judge's requests (anyhour_judge.py) one at a time: call a function,
# read an attribute, apply an operator. Values cross as data (wire.py);
# anything else stays here and crosses as a handle the judge can use in
# turn. The candidate's code shares this process and may change any of it:
# that is fine, because all it can send the judge is data, which the judge
# rebuilds as plain values before any test looks at them.
import os
import sys

sys.path.insert(0, "/task")
sys.dont_write_bytecode = True

import anyhour_wire as wire  # noqa: E402

_exit = os._exit
_flush = sys.stdout.flush, sys.stderr.flush
import builtins as _builtins  # noqa: E402
_BUILTIN_EXCEPTIONS = {n for n, v in vars(_builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}


def _flush_out():
    for f in _flush:
        try:
            f()
        except BaseException:
            pass


def _leave(code=0):
    _flush_out()
    _exit(code)


class Server:
    def __init__(self, chan):
        self.chan = chan
        self.objs = {}  # handle id -> object
        self.ids = {}  # id(object) -> handle id
        self.described = set()  # class handle ids the judge knows
        self.next_id = 0
        self.loop = None
        self.enc = wire.Encoder(self._tag)
        self.dec = wire.Decoder(self._untag)
        self.tree = False  # a repository's modules are imported on request

    # Objects that stay here.

    def handle(self, obj):
        key = id(obj)
        h = self.ids.get(key)
        if h is None:
            h = self.next_id
            self.next_id += 1
            self.objs[h] = obj
            self.ids[key] = h
        return h

    def _class_ref(self, cls, out):
        h = self.handle(cls)
        if h in self.described:
            out.append(str(h))
            return
        self.described.add(h)
        out.append("[%d,%s,%s,[" % (h, wire._q(_name(cls)), wire._q(getattr(cls, "__qualname__", _name(cls)))))
        first = True
        for b in getattr(cls, "__bases__", ()):
            if not first:
                out.append(",")
            first = False
            if getattr(b, "__module__", None) == "builtins":
                out.append(wire._q(b.__name__))
            else:
                self._class_ref(b, out)
        out.append("],[")
        first = True
        for name, attr in list(getattr(cls, "__dict__", {}).items()):
            if type(name) is not str or name.startswith("__"):
                continue
            kind = _METHOD_KINDS.get(type(attr).__name__)
            if kind is not None:
                out.append('%s[%s,"%s"]' % ("" if first else ",", wire._q(name), kind))
                first = False
        out.append("]]")

    def _tag(self, enc, v, out, depth):
        if isinstance(v, type):
            out.append('{"handle":[%d,"class",' % self.handle(v))
            self._class_ref(v, out)
            out.append("]}")
        elif type(v).__name__ == "module":
            out.append('{"handle":[%d,"module",null]}' % self.handle(v))
        elif callable(v) and type(v).__module__ == "builtins":
            out.append('{"handle":[%d,"callable",null]}' % self.handle(v))
        else:
            out.append('{"handle":[%d,"object",' % self.handle(v))
            self._class_ref(type(v), out)
            out.append("]}")

    def _untag(self, dec, tag, body):
        if tag == "handle":
            h = body[0] if type(body) is list and body else body
            if type(h) is not int or h not in self.objs:
                raise wire.WireError("an unknown handle")
            return self.objs[h]
        if tag == "fn":
            if type(body) is not int:
                raise wire.WireError("a malformed function")
            return Callback(self, body)
        raise wire.WireError("an unknown tag " + tag)

    # The conversation.

    def serve(self):
        while True:
            line = self.chan.recv()
            if line is None:
                _leave(0)
            self.dispatch(wire.parse(line))

    def dispatch(self, m):
        op = m[0]
        if op == "release":
            for h in m[1]:
                obj = self.objs.pop(h, None)
                if obj is not None:
                    self.ids.pop(id(obj), None)
                    self.described.discard(h)
            return
        mut, kw_mut = [], []
        flags = 0
        try:
            if op == "call" or op == "callattr":
                if op == "call":
                    fn = self.obj(m[1])
                    args, kwargs, muts = m[2], m[3], m[4]
                else:
                    fn = getattr(self.obj(m[1]), m[2])
                    args, kwargs, muts = m[3], m[4], m[5]
                a = [self.dec.value(x) for x in args]
                kw = {k: self.dec.value(x) for k, x in kwargs}
                mut = [(i, a[i]) for i in muts if type(i) is int and 0 <= i < len(a)]
                kw_mut = [(k, kw[k]) for k in muts if type(k) is str and k in kw]
                result = fn(*a, **kw)
                if type(result).__name__ == "coroutine" and hasattr(result, "send"):
                    result, flags = self.run_async(result), 1
            elif op == "getattr":
                result = getattr(self.obj(m[1]), m[2])
            elif op == "import" and self.tree and type(m[1]) is str:
                import importlib
                result = importlib.import_module(m[1])
            elif op == "setattr":
                setattr(self.obj(m[1]), m[2], self.dec.value(m[3]))
                result = None
            elif op == "delattr":
                delattr(self.obj(m[1]), m[2])
                result = None
            elif op == "op":
                result, flags = self.operator(self.obj(m[1]), m[2], [self.dec.value(x) for x in m[3]])
            else:
                raise wire.WireError("an unknown request " + repr(op))
        except wire.WireError:
            raise
        except BaseException as e:
            self.reply_error(e, mut + kw_mut)
            return
        self.reply_ok(result, mut + kw_mut, flags)

    def obj(self, h):
        if type(h) is not int or h not in self.objs:
            raise wire.WireError("an unknown handle")
        return self.objs[h]

    def operator(self, o, name, args):
        if name == "next":
            n = args[0] if args else 1
            items = []
            for _ in range(max(1, min(int(n), 256))):
                try:
                    items.append(next(o))
                except StopIteration:
                    return items, 2
            return items, 0
        f = _OPS.get(name)
        if f is None:
            raise wire.WireError("an unknown operator " + repr(name))
        return f(o, *args), 0

    def run_async(self, coro):
        if self.loop is None:
            import asyncio
            self.loop = asyncio.new_event_loop()
        return self.loop.run_until_complete(coro)

    def reply_ok(self, result, muts, flags):
        try:
            parts = ['["ok",', self.enc.encode(result), ",", self.mutations(muts), ",%d]" % flags]
            self.chan.send("".join(parts))
        except BaseException as e:
            self.reply_error(e, [])

    def mutations(self, muts):
        return "[" + ",".join("[%s,%s]" % (wire._q(k) if type(k) is str else k, self.enc.encode(v)) for k, v in muts) + "]"

    def reply_error(self, e, muts):
        self.chan.send('["err",%s,%s,%s]' % (self.exception(e), wire._q(_where(e)), self.mutations(muts)))

    def exception(self, e):
        t = type(e)
        if t.__module__ == "builtins" and t.__name__ in _BUILTIN_EXCEPTIONS:
            try:
                args = self.enc.encode(list(e.args))
            except BaseException:
                args = self.enc.encode([_text(e)])
            return '{"builtin":[%s,%s]}' % (wire._q(t.__name__), args)
        try:
            h = self.enc.encode(e)
        except BaseException:
            h = "null"
        return '{"raised":[%s,%s,%s]}' % (h, wire._q(_base_exception(t)), wire._q(_text(e)))


# What the judge may call in one round trip: functions are methods ("m"),
# static and class methods are called on the class ("s").
_METHOD_KINDS = {"function": "m", "staticmethod": "s", "classmethod": "s"}


class Callback:
    """A function of the judge's, called from here: the call crosses back."""

    def __init__(self, server, fid):
        self._server, self._id = server, fid

    def __call__(self, *args, **kwargs):
        s = self._server
        a = ",".join(s.enc.encode(x) for x in args)
        kw = ",".join("[%s,%s]" % (wire._q(k), s.enc.encode(v)) for k, v in kwargs.items())
        s.chan.send('["cb",%d,[%s],[%s]]' % (self._id, a, kw))
        while True:
            line = s.chan.recv()
            if line is None:
                _leave(0)
            m = wire.parse(line)
            if m[0] == "cbret":
                return s.dec.value(m[1])
            if m[0] == "cberr":
                raise CallbackError(m[1])
            s.dispatch(m)  # the judge's function called us in turn


class CallbackError(Exception):
    """A function of the tests raised an exception."""


def _name(cls):
    return getattr(cls, "__name__", "object")


def _text(e):
    try:
        return str(e)
    except BaseException:
        return type(e).__name__


def _base_exception(t):
    for c in getattr(t, "__mro__", ()):
        if c.__module__ == "builtins" and c.__name__ in _BUILTIN_EXCEPTIONS:
            return c.__name__
    return "Exception"


def _where(e):
    """The innermost frames of the candidate's code, for the message."""
    try:
        import traceback
        frames = [f for f in traceback.extract_tb(e.__traceback__) if not f.filename.endswith(("anyhour_serve.py", "anyhour_wire.py"))]
    except BaseException:
        return ""
    lines = []
    for f in frames[-3:]:
        name = f.filename[len("/task/"):] if f.filename.startswith("/task/") else f.filename
        lines.append("  at %s:%s in %s: %s" % (name, f.lineno, f.name, (f.line or "").strip()))
    return "\n".join(lines)


def _binop(f):
    return lambda o, x: f(o, x)


def _rbinop(f):
    return lambda o, x: f(x, o)


def _ops():
    import operator as op
    table = {
        "len": len, "bool": bool, "str": str, "repr": repr, "int": int, "float": float, "index": op.index,
        "hash": hash, "iter": iter, "reversed": reversed, "neg": op.neg, "pos": op.pos, "abs": abs, "invert": op.invert,
        "getitem": op.getitem, "setitem": op.setitem, "delitem": op.delitem, "contains": op.contains,
        "enter": lambda o: o.__enter__(), "exit": lambda o, *a: o.__exit__(*a),
        "format": format,
    }
    for name in ("lt", "le", "gt", "ge", "eq", "ne"):
        table[name] = getattr(op, name)
    for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor", "lshift", "rshift", "matmul"):
        f = getattr(op, name + "_" if name in ("and", "or") else name)
        table[name] = _binop(f)
        table["r" + name] = _rbinop(f)
    return table


_OPS = _ops()


class _Channel(wire.Channel):
    """What the code printed is written out before the judge hears an
    answer: once the judge is done this box may be ended, and the
    candidate must still see it."""

    def send(self, text):
        _flush_out()
        wire.Channel.send(self, text)


def main():
    argv = wire.payload(5)
    chan = _Channel(3, 4)
    server = Server(chan)
    if argv[:1] == ["tree"]:
        # A repository (a take-home): its modules are imported when the
        # tests first use them, each failure the test's own.
        sys.path[0] = "/task/repo"
        os.chdir("/task/repo")
        server.tree = True
        chan.send('["hello",[],%d]' % server.handle(server))
        try:
            server.serve()
        except wire.WireError as e:
            sys.stderr.write("anyhour: %s\n" % e)
            _leave(3)
        return
    try:
        import solution
    except SyntaxError as e:
        import traceback
        msg = "".join(traceback.format_exception_only(type(e), e)).rstrip()
        chan.send('["compile",%s]' % wire._q(msg.replace('"/task/', '"')))
        _leave(1)
    except BaseException as e:
        chan.send('["fail",%s]' % wire._q("%s: %s\n%s" % (type(e).__name__, _text(e), _where(e))))
        _leave(1)
    names = getattr(solution, "__all__", None)
    if not isinstance(names, (list, tuple)):
        names = [n for n in vars(solution) if not n.startswith("_")]
    chan.send('["hello",[%s],%d]' % (",".join(wire._q(str(n)) for n in names), server.handle(solution)))
    try:
        server.serve()
    except wire.WireError as e:
        # The judge never sends these: someone else wrote to our descriptor.
        sys.stderr.write("anyhour: %s\n" % e)
        _leave(3)


main()
_leave(0)
