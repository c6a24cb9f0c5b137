# anyhour's Python judge. It runs inside the sandbox, in a box that holds
# the team's tests and nothing of the candidate's code:
#   python3 anyhour_judge.py
# Descriptor 3 brings the solution box's messages, descriptor 4 takes ours
# to it (anyhour_serve.py runs the candidate's code there), descriptor 5
# takes the results to the grader, and descriptor 6 brings the grader's
# payload: the test file (and its name, the argument) and, when the grader
# has them, the tests compiled by an earlier run. The judge may wait on it,
# started ahead.
#
# The tests import `solution` as always (for a take-home, the modules of the
# candidate's repository, by name: argv is then the test file, "tree" and
# the modules' names); here that module is a stand-in
# whose functions send each call across, as data (anyhour_wire.py), and
# rebuild what comes back as plain built-in values: no __eq__, __repr__ or
# other method of the candidate's ever runs in this process. Objects of the
# candidate's classes come back as handles, instances of stand-in classes
# of the same names (so isinstance and except clauses work); their
# attributes, methods and operators are sent across in turn, and they
# compare equal only to themselves.
#
# Results go to descriptor 5, one record per line, written as each test ends:
#   compiled "base64"         the tests compiled, for the grader to keep
#   plan    ["test_a", ...]   the test functions, in file order
#   start   "test_a"          just before a test runs
#   result  {"name", "passed", "ms", "message"}
#   compile "message"         solution.py does not compile
#   error   "message"         the tests could not be loaded
#   gone    "test_a" | null   the solution's program ended (during that test)
#   tamper  "message"         the solution box sent what is not a message
#   done    null
import os
import sys
import time

import anyhour_wire as wire

_clock = time.perf_counter
_MAX_MESSAGE = 4000
_MAX_REPR = 600
import builtins  # noqa: E402
_BUILTINS = vars(builtins)


class SolutionGone(BaseException):
    """The solution's program ended: nothing more can be asked of it."""


class Tampered(BaseException):
    """The solution box sent something that is not a message."""


def _cap(s, n=_MAX_MESSAGE):
    return s if len(s) <= n else s[:n] + "… (truncated)"


# The stand-ins.

class Handle:
    """An object that lives in the solution box."""

    _anyhour_bridge = None

    def __getattr__(self, name):
        if name.startswith("_anyhour_"):
            raise AttributeError(name)
        return self._anyhour_bridge.request('["getattr",%d,%s]' % (self._anyhour_id, wire._q(name)))

    def __setattr__(self, name, value):
        if name.startswith("_anyhour_"):
            return object.__setattr__(self, name, value)
        self._anyhour_bridge.request('["setattr",%d,%s,%s]' % (self._anyhour_id, wire._q(name), self._anyhour_bridge.enc.encode(value)))

    def __delattr__(self, name):
        self._anyhour_bridge.request('["delattr",%d,%s]' % (self._anyhour_id, wire._q(name)))

    def __call__(self, *args, **kwargs):
        return self._anyhour_bridge.call(self._anyhour_id, args, kwargs)

    def _anyhour_op(self, name, *args):
        b = self._anyhour_bridge
        return b.request('["op",%d,"%s",[%s]]' % (self._anyhour_id, name, ",".join(b.enc.encode(a) for a in args)))

    # Identity, on this side only: a candidate's __eq__ or __hash__ must
    # never decide a test.
    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __hash__(self):
        return hash((Handle, self._anyhour_id))

    def __repr__(self):
        try:
            r = self._anyhour_op("repr")
        except Exception:
            r = None
        return r if type(r) is str else "<solution object>"

    def __str__(self):
        r = self._anyhour_op("str")
        return r if type(r) is str else repr(self)

    def __format__(self, spec):
        r = self._anyhour_op("format", spec)
        return r if type(r) is str else repr(self)

    def __bool__(self):
        return self._anyhour_op("bool") is True

    def __len__(self):
        r = self._anyhour_op("len")
        if type(r) is not int:
            raise TypeError("len() of a solution object did not give an int")
        return r

    def __iter__(self):
        it = self._anyhour_op("iter")
        if not isinstance(it, Handle):
            return iter(it)
        return _iterate(it)

    def __next__(self):
        items, ended = self._anyhour_bridge.next(self._anyhour_id, 1)
        if not items:
            raise StopIteration
        return items[0]

    def __reversed__(self):
        return iter(self._anyhour_op("reversed"))

    def __contains__(self, x):
        return self._anyhour_op("contains", x) is True

    def __getitem__(self, k):
        return self._anyhour_op("getitem", k)

    def __setitem__(self, k, v):
        self._anyhour_op("setitem", k, v)

    def __delitem__(self, k):
        self._anyhour_op("delitem", k)

    def __int__(self):
        r = self._anyhour_op("int")
        if type(r) is not int:
            raise TypeError("int() of a solution object did not give an int")
        return r

    def __index__(self):
        r = self._anyhour_op("index")
        if type(r) is not int:
            raise TypeError("a solution object is not an index")
        return r

    def __float__(self):
        r = self._anyhour_op("float")
        if type(r) is not float:
            raise TypeError("float() of a solution object did not give a float")
        return r

    def __enter__(self):
        return self._anyhour_op("enter")

    def __exit__(self, *exc):
        return self._anyhour_op("exit", *(None if e is None else repr(e) for e in exc))

    def __del__(self):
        b = self._anyhour_bridge
        if b is not None:
            b.releases.append(self._anyhour_id)


def _operator(name):
    def op(self, *args):
        return self._anyhour_op(name, *args)
    op.__name__ = "__%s__" % name
    return op


for _name in ("lt", "le", "gt", "ge", "neg", "pos", "abs", "invert"):
    setattr(Handle, "__%s__" % _name, _operator(_name))
for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor", "lshift", "rshift", "matmul"):
    setattr(Handle, "__%s__" % _name, _operator(_name))
    setattr(Handle, "__r%s__" % _name, _operator("r" + _name))


def _iterate(it):
    n = 1
    while True:
        items, ended = it._anyhour_bridge.next(it._anyhour_id, n)
        yield from items
        if ended:
            return
        n = min(2 * n, 64)


class Mirror(type):
    """The class of a stand-in class: calling it makes an object over there."""

    def __call__(cls, *args, **kwargs):
        return cls._anyhour_bridge.call(cls._anyhour_id, args, kwargs)

    def __getattr__(cls, name):
        if name.startswith("_anyhour_") or name.startswith("__"):
            raise AttributeError(name)
        return cls._anyhour_bridge.request('["getattr",%d,%s]' % (cls._anyhour_id, wire._q(name)))

    def __repr__(cls):
        return "<class '%s'>" % cls.__qualname__


class Done:
    """What awaiting an async function of the solution gives: its result,
    which has already crossed."""

    def __init__(self, value):
        self.value = value

    def __await__(self):
        return self.value
        yield  # noqa: a generator, as __await__ must be


class Bridge:
    """The judge's end of the conversation with the solution box."""

    def __init__(self, chan, record):
        self.chan = chan
        self.record = record
        self.objects = {}  # handle id -> weak reference to its stand-in
        self.classes = {}  # class handle id -> stand-in class
        self.fns = []  # functions of the tests the solution may call
        self.fn_ids = {}
        self.releases = []
        self.gone = False
        self.enc = wire.Encoder(self._tag)
        self.dec = wire.Decoder(self._untag)
        Handle._anyhour_bridge = self
        Mirror._anyhour_bridge = self

    # Values.

    def _tag(self, enc, v, out, depth):
        if isinstance(v, (Handle, Mirror, ProxyModule)):
            out.append('{"handle":%d}' % v._anyhour_id)
        elif callable(v) and not isinstance(v, type):
            fid = self.fn_ids.get(id(v))
            if fid is None:
                fid = self.fn_ids[id(v)] = len(self.fns)
                self.fns.append(v)
            out.append('{"fn":%d}' % fid)
        else:
            raise TypeError("a %s cannot be passed to the solution: only plain values (numbers, strings, lists, tuples, "
                            "dicts, sets, bytes...), the solution's own objects and functions can" % type(v).__name__)

    def _untag(self, dec, tag, body):
        if tag == "handle":
            if type(body) is not list or len(body) != 3 or type(body[0]) is not int:
                raise wire.WireError("a malformed handle")
            hid, kind, ref = body
            if kind == "class":
                return self.mirror(ref)
            if kind == "object":
                return self.stand_in(hid, self.mirror(ref))
            if kind in ("callable", "module"):
                return self.stand_in(hid, Handle)
            raise wire.WireError("a handle of an unknown kind")
        raise wire.WireError("an unknown tag " + tag)

    def stand_in(self, hid, cls):
        ref = self.objects.get(hid)
        obj = ref() if ref is not None else None
        if obj is None or type(obj) is not cls:
            if issubclass(cls, BaseException):
                obj = cls.__new__(cls)
            else:
                obj = object.__new__(cls)
            object.__setattr__(obj, "_anyhour_id", hid)
            self.objects[hid] = _weakref(obj)
        return obj

    def mirror(self, ref):
        if type(ref) is int:
            cls = self.classes.get(ref)
            if cls is None:
                raise wire.WireError("an undescribed class")
            return cls
        if type(ref) is not list or len(ref) != 5 or type(ref[0]) is not int:
            raise wire.WireError("a malformed class")
        cid, name, qualname, bases, methods = ref
        if cid in self.classes:
            return self.classes[cid]
        real = []
        for b in bases if type(bases) is list else ():
            if type(b) is str:
                builtin = _BUILTINS.get(b)
                if isinstance(builtin, type) and issubclass(builtin, BaseException):
                    real.append(builtin)
            else:
                real.append(self.mirror(b))
        name = name if type(name) is str and name.isidentifier() else "SolutionObject"
        qualname = qualname if type(qualname) is str else name
        ns = {"_anyhour_id": cid, "__module__": "solution", "__qualname__": qualname}
        for m in methods if type(methods) is list else ():
            if type(m) is list and len(m) == 2 and type(m[0]) is str and m[0].isidentifier() and not m[0].startswith("__"):
                ns[m[0]] = _static_method(cid, m[0]) if m[1] == "s" else _method(m[0])
        try:
            cls = Mirror(name, (Handle,) + tuple(b for b in real if b is not Handle), ns)
        except TypeError:
            exc = [b for b in real if issubclass(b, BaseException)]
            cls = Mirror(name, (Handle,) + tuple(exc[:1]), ns)
        self.classes[cid] = cls
        return cls

    # Requests.

    def call(self, hid, args, kwargs, name=None):
        enc = self.enc.encode
        mut = [i for i, a in enumerate(args) if type(a) in _MUTABLE] + [k for k, a in kwargs.items() if type(a) in _MUTABLE]
        a = ",".join(enc(x) for x in args)
        kw = ",".join("[%s,%s]" % (wire._q(k), enc(v)) for k, v in kwargs.items())
        m = ",".join(str(i) if type(i) is int else wire._q(i) for i in mut)
        if name is None:
            msg = '["call",%d,[%s],[%s],[%s]]' % (hid, a, kw, m)
        else:
            msg = '["callattr",%d,%s,[%s],[%s],[%s]]' % (hid, wire._q(name), a, kw, m)
        return self.request(msg, args, kwargs)

    def next(self, hid, n):
        reply = self.exchange('["op",%d,"next",[%d]]' % (hid, n))
        items = self.answer(reply, (), {})
        if type(items) is not list:
            raise self.tampered("an iterator step gave no list")
        return items, bool(reply[3] & 2)

    def request(self, msg, args=(), kwargs=None):
        return self.answer(self.exchange(msg), args, kwargs or {})

    def exchange(self, msg):
        """Sends msg and returns the reply, serving the solution's calls of
        the tests' functions meanwhile."""
        if self.gone:
            raise SolutionGone()
        if self.releases:
            ids, self.releases = self.releases, []
            self.chan.send('["release",[%s]]' % ",".join(map(str, ids)))
        self.chan.send(msg)
        while True:
            try:
                line = self.chan.recv()
            except wire.WireError as e:
                raise self.tampered(str(e))
            if line is None:
                self.gone = True
                raise SolutionGone()
            try:
                m = wire.parse(line)
            except wire.WireError as e:
                raise self.tampered(str(e))
            if type(m) is not list or not m:
                raise self.tampered("a message that is not a list")
            if m[0] == "cb":
                self.callback(m)
                continue
            if m[0] in ("ok", "err") and len(m) == 4:
                return m
            raise self.tampered("an unexpected message %.40r" % m[0])

    def answer(self, m, args, kwargs):
        try:
            if m[0] == "err":
                self.mutations(m[3], args, kwargs)
                raise self.exception(m[1], m[2])
            value = self.dec.value(m[1])
            self.mutations(m[2], args, kwargs)
        except wire.WireError as e:
            raise self.tampered(str(e))
        if type(m[3]) is not int:
            raise self.tampered("malformed flags")
        return Done(value) if m[3] & 1 else value

    def mutations(self, muts, args, kwargs):
        if type(muts) is not list:
            raise wire.WireError("malformed changes")
        for p in muts:
            if type(p) is not list or len(p) != 2:
                raise wire.WireError("a malformed change")
            k, j = p
            if type(k) is int and 0 <= k < len(args):
                orig = args[k]
            elif type(k) is str and k in kwargs:
                orig = kwargs[k]
            else:
                continue
            new = self.dec.value(j)
            if type(new) is type(orig) and new != orig:
                _update(orig, new)

    def exception(self, exc, where):
        where = where if type(where) is str else ""
        if type(exc) is not dict or len(exc) != 1:
            raise wire.WireError("a malformed exception")
        (kind, body), = exc.items()
        if kind == "builtin" and type(body) is list and len(body) == 2:
            cls = _BUILTINS.get(body[0]) if type(body[0]) is str else None
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                cls = Exception
            args = self.dec.value(body[1])
            try:
                e = cls(*args) if type(args) is list else cls()
            except Exception:
                e = cls.__new__(cls)
                e.args = tuple(args) if type(args) is list else ()
        elif kind == "raised" and type(body) is list and len(body) == 3:
            e = self.dec.value(body[0]) if body[0] is not None else None
            text = body[2] if type(body[2]) is str else ""
            if not isinstance(e, BaseException):
                base = _BUILTINS.get(body[1]) if type(body[1]) is str else None
                if not (isinstance(base, type) and issubclass(base, Exception)):
                    base = Exception
                e = base(text)
            else:
                BaseException.args.__set__(e, (text,))
        else:
            raise wire.WireError("a malformed exception")
        try:
            object.__setattr__(e, "_anyhour_where", where)
        except Exception:
            pass
        return e

    def callback(self, m):
        if len(m) != 4 or type(m[1]) is not int or not 0 <= m[1] < len(self.fns):
            raise self.tampered("a call of an unknown function")
        try:
            args = [self.dec.value(x) for x in m[2]]
            kwargs = {k: self.dec.value(x) for k, x in m[3]}
        except (wire.WireError, TypeError, ValueError) as e:
            raise self.tampered(str(e))
        try:
            r = self.fns[m[1]](*args, **kwargs)
            reply = '["cbret",%s]' % self.enc.encode(r)
        except (SolutionGone, Tampered):
            raise
        except BaseException as e:
            reply = '["cberr",%s]' % wire._q("%s: %s" % (type(e).__name__, e))
        self.chan.send(reply)

    def tampered(self, why):
        self.gone = True
        self.record("tamper", wire._q("the solution's program broke the protocol: " + why))
        return Tampered(why)


def _method(name):
    """A method of the candidate's class: one round trip per call."""
    def method(self, *args, **kwargs):
        return self._anyhour_bridge.call(self._anyhour_id, args, kwargs, name)
    method.__name__ = name
    return method


def _static_method(cid, name):
    def method(*args, **kwargs):
        return Handle._anyhour_bridge.call(cid, args, kwargs, name)
    method.__name__ = name
    return staticmethod(method)


_MUTABLE = (list, dict, set, bytearray)
_weakref = type(None)  # replaced in main, once _weakref is imported


def _update(orig, new):
    """Makes orig equal to new in place, keeping the identity of inner lists
    and dicts where the shapes agree, as if the solution had changed the
    test's own objects."""
    t = type(orig)
    if t is list:
        n = min(len(orig), len(new))
        for i in range(n):
            a, b = orig[i], new[i]
            if type(a) is type(b) and type(a) in (list, dict) and a != b:
                _update(a, b)
            elif a is not b and not (type(a) is type(b) and type(a) in (int, str, bool, float) and a == b):
                orig[i] = b
        del orig[n:]
        orig.extend(new[n:])
    elif t is dict:
        for k in [k for k in orig if k not in new]:
            del orig[k]
        for k, b in new.items():
            a = orig.get(k, _MISSING)
            if type(a) is type(b) and type(a) in (list, dict) and a != b:
                _update(a, b)
            elif a is _MISSING or a != b:
                orig[k] = b
    elif t is set:
        orig.clear()
        orig.update(new)
    elif t is bytearray:
        orig[:] = new


_MISSING = object()


class ProxyModule(type(sys)):
    """The module `solution` as the tests see it."""

    def __init__(self, bridge, hid, names):
        super().__init__("solution")
        object.__setattr__(self, "_anyhour_id", hid)
        object.__setattr__(self, "_anyhour_bridge", bridge)
        object.__setattr__(self, "_anyhour_cache", {})
        object.__setattr__(self, "__all__", list(names))
        object.__setattr__(self, "__file__", "/task/solution.py")

    def __getattr__(self, name):
        if name.startswith("__") or name.startswith("_anyhour_"):
            raise AttributeError(name)
        cached = self._anyhour_cache.get(name)
        if cached is not None:
            return cached
        v = self._anyhour_bridge.request('["getattr",%d,%s]' % (self._anyhour_id, wire._q(name)))
        # Functions and classes are looked up once, as `from solution
        # import f` would: a call is then one round trip, not two.
        if isinstance(v, Mirror) or (isinstance(v, Handle) and type(v) is Handle):
            self._anyhour_cache[name] = v
        return v

    def __setattr__(self, name, value):
        self._anyhour_cache.pop(name, None)
        b = self._anyhour_bridge
        b.request('["setattr",%d,%s,%s]' % (self._anyhour_id, wire._q(name), b.enc.encode(value)))


class TreeModule(type(sys)):
    """A module of the candidate's repository (a take-home) as the tests
    see it: imported in the solution box when the tests first use it, its
    names looked up there like those of `solution`."""

    def __init__(self, bridge, name, package):
        super().__init__(name)
        object.__setattr__(self, "_anyhour_id", None)
        object.__setattr__(self, "_anyhour_bridge", bridge)
        object.__setattr__(self, "_anyhour_cache", {})
        if package:
            object.__setattr__(self, "__path__", [])

    def _anyhour_handle(self):
        if self._anyhour_id is None:
            h = self._anyhour_bridge.request('["import",%s]' % wire._q(self.__name__))
            if type(h) is not Handle:
                raise ImportError("the solution did not give module " + self.__name__)
            # Kept, so that the handle is never released while the module
            # is in use.
            object.__setattr__(self, "_anyhour_module", h)
            object.__setattr__(self, "_anyhour_id", h._anyhour_id)
        return self._anyhour_id

    def __getattr__(self, name):
        if name.startswith("__") or name.startswith("_anyhour_"):
            raise AttributeError(name)
        cached = self._anyhour_cache.get(name)
        if cached is not None:
            return cached
        v = self._anyhour_bridge.request('["getattr",%d,%s]' % (self._anyhour_handle(), wire._q(name)))
        if isinstance(v, Mirror) or (isinstance(v, Handle) and type(v) is Handle):
            self._anyhour_cache[name] = v
        return v

    def __setattr__(self, name, value):
        # The import system's own attributes, and submodules, stay here.
        if name.startswith("__") or isinstance(value, TreeModule):
            return object.__setattr__(self, name, value)
        self._anyhour_cache.pop(name, None)
        b = self._anyhour_bridge
        b.request('["setattr",%d,%s,%s]' % (self._anyhour_handle(), wire._q(name), b.enc.encode(value)))


class TreeFinder:
    """Finds the repository's modules, and nothing else: the standard
    library and the tests' own imports are the judge's."""

    def __init__(self, bridge, modules):
        self.bridge = bridge
        std = getattr(sys, "stdlib_module_names", ())
        keep = [m for m in modules if m.split(".")[0] not in std and not m.startswith("anyhour_")]
        self.modules = set(keep)
        self.packages = set()
        for m in keep:
            parts = m.split(".")
            for i in range(1, len(parts)):
                self.packages.add(".".join(parts[:i]))

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.modules and fullname not in self.packages:
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, self, is_package=fullname in self.packages)

    def create_module(self, spec):
        return TreeModule(self.bridge, spec.name, spec.name in self.packages)

    def exec_module(self, module):
        pass


# Assertions that say what they compared.

def _repr(v):
    try:
        r = repr(v)
    except BaseException as e:
        r = "<repr raised %s>" % type(e).__name__
    return _cap(r, _MAX_REPR)


def _explain(msg, src, left, right):
    # Called only when an assert fails: the message pytest would show.
    text = "assert %s\n  left:  %s\n  right: %s" % (src, _repr(left), _repr(right))
    if isinstance(left, Handle) or isinstance(right, Handle):
        text += "\n  (objects of the solution's classes compare equal only to themselves: compare their attributes)"
    if msg is not None:
        text = "%s\n%s" % (msg, text)
    return text


def _compile_tests(source, path):
    """The test functions' names, in file order, and the tests compiled
    with `assert a OP b[, msg]` rewritten so that a failure reports both
    values. The operands are evaluated once, in the original order,
    through assignment expressions; the message is built only when the
    assert fails, like the original msg. ast is imported here, not at
    start: when the grader has the compiled tests from an earlier run,
    this is never called."""
    import ast

    ops = {
        ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
        ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
    }

    class Rewriter(ast.NodeTransformer):
        def visit_Assert(self, node):
            src = ast.get_source_segment(source, node.test) or "…"
            t = node.test
            if isinstance(t, ast.Compare) and len(t.ops) == 1 and type(t.ops[0]) in ops:
                left = ast.NamedExpr(target=ast.Name("_anyhour_left", ast.Store()), value=t.left)
                right = ast.NamedExpr(target=ast.Name("_anyhour_right", ast.Store()), value=t.comparators[0])
                test = ast.Compare(left=left, ops=t.ops, comparators=[right])
                msg = ast.Call(
                    func=ast.Name("_anyhour_explain", ast.Load()),
                    args=[node.msg or ast.Constant(None), ast.Constant(src),
                          ast.Name("_anyhour_left", ast.Load()), ast.Name("_anyhour_right", ast.Load())],
                    keywords=[])
                new = ast.Assert(test=test, msg=msg)
            else:
                text = ast.Constant("assert " + src)
                if node.msg is None:
                    msg = text
                else:
                    msg = ast.BinOp(ast.BinOp(ast.Call(ast.Name("str", ast.Load()), [node.msg], []),
                                              ast.Add(), ast.Constant("\n")), ast.Add(), text)
                new = ast.Assert(test=node.test, msg=msg)
            return ast.fix_missing_locations(ast.copy_location(new, node))

    tree = ast.parse(source, path)
    names = [n.name for n in tree.body
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_")]
    return names, compile(Rewriter().visit(tree), path, "exec")


# COMPILED is where the grader puts the compiled tests of an earlier run
# of the same file, if it has them.
COMPILED = "/task/anyhour_compiled"


def _load_compiled():
    try:
        with open(COMPILED, "rb") as f:
            data = f.read()
    except OSError:
        return None
    import marshal
    try:
        version, names, code = marshal.loads(data)
    except Exception:
        return None
    if version != sys.version or type(names) is not list:
        return None
    return names, code


def _rel(path):
    return path[len("/task/"):] if path.startswith("/task/") else path


def _describe(exc):
    """Type and message of exc, then where it happened: in the solution
    (as it told us) and in the test file."""
    import traceback
    where = getattr(exc, "_anyhour_where", None) if isinstance(exc, BaseException) else None
    if isinstance(exc, AssertionError) and exc.args and where is None:
        head = str(exc.args[0])
    elif isinstance(exc, Handle):
        head = "%s: %s" % (type(exc).__name__, exc.args[0] if exc.args else "")
    else:
        try:
            head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        except BaseException:
            head = type(exc).__name__
    lines = [head]
    if where:
        lines.append(where)
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith("_test.py")]
    except BaseException:
        frames = []
    if frames and not (isinstance(exc, AssertionError) and where is None):
        f = frames[-1]
        lines.append("  at %s:%s in %s: %s" % (_rel(f.filename), f.lineno, f.name, (f.line or "").strip()))
    return _cap("\n".join(lines))


def main():
    global _weakref
    from _weakref import ref as _weakref
    argv = wire.payload(6)
    test_file = argv[0]
    out = 5

    def record(kind, payload):
        os.write(out, ("%s %s\n" % (kind, payload)).encode("utf-8", "replace"))

    path = os.path.abspath(test_file)
    cached = _load_compiled()
    if cached is not None:
        names, code = cached
    else:
        with open(test_file, "rb") as f:
            source = f.read().decode("utf-8", "replace")
        try:
            names, code = _compile_tests(source, path)
        except SyntaxError as e:
            record("error", wire._q("the test file does not compile: " + _describe(e)))
            return
        import binascii
        import marshal
        blob = marshal.dumps((sys.version, names, code))
        record("compiled", '"%s"' % binascii.b2a_base64(blob, newline=False).decode("ascii"))
    record("plan", "[" + ",".join(wire._q(n) for n in names) + "]")

    chan = wire.Channel(3, 4)
    bridge = Bridge(chan, record)
    try:
        hello = chan.recv()
        m = wire.parse(hello) if hello is not None else None
    except wire.WireError as e:
        bridge.tampered(str(e))
        return
    if m is None:
        record("gone", "null")
        return
    kind = m[0] if type(m) is list and len(m) >= 2 else None
    if kind in ("compile", "fail") and type(m[1]) is str:
        if kind == "compile":
            record("compile", wire._q(_cap(m[1])))
        else:
            record("error", wire._q(_cap("importing solution failed: " + m[1])))
        return
    if kind != "hello" or len(m) != 3 or type(m[1]) is not list or type(m[2]) is not int:
        bridge.tampered("no hello")
        return
    if argv[1:2] == ["tree"]:
        # A take-home: the repository's modules, by name, are the rest.
        sys.meta_path.insert(0, TreeFinder(bridge, argv[2:]))
    else:
        sys.modules["solution"] = ProxyModule(bridge, m[2], [n for n in m[1] if type(n) is str])

    modname = os.path.splitext(os.path.basename(test_file))[0]
    mod = type(sys)(modname)
    mod.__file__ = path
    mod._anyhour_explain = _explain
    sys.modules[modname] = mod
    try:
        exec(code, mod.__dict__)
    except Tampered:
        return
    except SolutionGone:
        record("gone", "null")
        return
    except BaseException as e:
        record("error", wire._q("loading the tests failed: " + _describe(e)))
        return

    for name in names:
        fn = mod.__dict__.get(name)
        record("start", wire._q(name))
        t0 = _clock()
        passed, message = True, ""
        try:
            if type(fn).__name__ == "function" and fn.__code__.co_flags & 0x80:  # CO_COROUTINE
                import asyncio
                asyncio.run(fn())
            else:
                fn()
        except Tampered:
            return
        except SolutionGone:
            record("gone", wire._q(name))
            return
        except BaseException as e:
            passed, message = False, _describe(e)
            if bridge.gone:
                record("gone", wire._q(name))
                return
        ms = int((_clock() - t0) * 1000)
        record("result", '{"name":%s,"passed":%s,"ms":%d,"message":%s}' % (
            wire._q(name), "true" if passed else "false", ms, wire._q(message)))
    record("done", "null")


if __name__ == "__main__":
    main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(0)
