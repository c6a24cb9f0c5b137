# anyhour's wire format between the box that runs the tests (the judge)
# and the box that runs the candidate's code (the solution). Both import
# this module; it runs inside the sandbox, never on the host.
#
# A message is one line of JSON (ASCII, so no raw newline). Values are
# JSON, with a one-key object as a tag for what JSON cannot say:
#   null true false 12 1.5 "s" [list]       as in JSON (ints of any size)
#   {"float": "nan"|"inf"|"-inf"}           non-finite floats
#   {"tuple": [...]} {"set": [...]} {"frozenset": [...]}
#   {"dict": [[k, v], ...]}                 every dict, in order, any keys
#   {"bytes": "base64"} {"bytearray": "base64"} {"complex": [re, im]}
#   {"range": [start, stop, step]}
#   {"namedtuple": [name, [fields], [values]]}
#   {"counter"|"odict": [[k, v], ...]} {"defaultdict": [factory, [[k, v], ...]]}
#   {"deque": [[...], maxlen]} {"decimal": "1.10"} {"fraction": [n, d]}
#   {"date"|"time"|"datetime": "iso"} {"timedelta": [days, seconds, us]}
#   {"handle": [id, classid]}  an object that lives in the solution box
#   {"class": [id, name, qualname, [base ids or builtin names], kind]}
#                              sent once, before the first handle of it
#   {"fn": id}                 a function that lives in the judge box
# The decoder builds only built-in values and the types above: whatever a
# message holds, decoding it runs no code of the box that sent it.
import sys
from _json import encode_basestring_ascii as _q, make_scanner as _make_scanner

MAX_DEPTH = 200  # nesting a value may have (within Python's recursion limit)
MAX_MESSAGE = 64 << 20

sys.set_int_max_str_digits(0)

_int_repr = int.__repr__
_float_repr = float.__repr__
_SCALARS = (str, int, float, bool, type(None))


class WireError(Exception):
    """A value that cannot cross, or a message that is not one."""


class _ScanContext:
    # What _json's scanner asks of json.JSONDecoder, without importing
    # json (and re with it): plain dicts, strict strings, Python ints.
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo = {}

    @staticmethod
    def parse_constant(name):
        raise WireError("not JSON: " + name)


_scan = _make_scanner(_ScanContext())


def parse(text):
    """The JSON value of one message line."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise WireError("a message that is not JSON")
    except RecursionError:
        raise WireError("a message nested too deeply")
    if end != len(text):
        raise WireError("a message with trailing data")
    return value


class Encoder:
    """Encodes values; the side it runs on says, through tag_object, what
    becomes of anything that is not plain data."""

    def __init__(self, tag_object):
        self.tag_object = tag_object

    def encode(self, v):
        parts = []
        try:
            self._enc(v, parts, 0)
        except RecursionError:
            raise WireError("the value is nested too deeply to cross")
        return "".join(parts)

    def _enc(self, v, out, depth):
        t = type(v)
        if t is str:
            out.append(_q(v))
        elif t is int:
            out.append(_int_repr(v))
        elif t is bool:
            out.append("true" if v else "false")
        elif v is None:
            out.append("null")
        elif t is float:
            if v != v:
                out.append('{"float":"nan"}')
            elif v in (float("inf"), float("-inf")):
                out.append('{"float":"inf"}' if v > 0 else '{"float":"-inf"}')
            else:
                out.append(_float_repr(v))
        else:
            if depth > MAX_DEPTH:
                raise WireError("the value is nested more than %d levels deep" % MAX_DEPTH)
            if t is list:
                self._seq("[", v, "]", out, depth)
            elif t is tuple:
                self._seq('{"tuple":[', v, "]}", out, depth)
            elif t is dict:
                self._pairs('{"dict":[', v, "]}", out, depth)
            elif t is set or t is frozenset:
                self._seq('{"%s":[' % t.__name__, v, "]}", out, depth)
            elif t is bytes or t is bytearray:
                out.append('{"%s":"%s"}' % (t.__name__, _b64(v)))
            elif t is complex:
                out.append('{"complex":[')
                self._enc(v.real, out, depth)
                out.append(",")
                self._enc(v.imag, out, depth)
                out.append("]}")
            elif t is range:
                out.append('{"range":[%d,%d,%d]}' % (v.start, v.stop, v.step))
            else:
                self._other(v, t, out, depth)

    def _seq(self, start, items, end, out, depth):
        out.append(start)
        first = True
        for x in items:
            if not first:
                out.append(",")
            first = False
            self._enc(x, out, depth + 1)
        out.append(end)

    def _pairs(self, start, d, end, out, depth):
        out.append(start)
        first = True
        for k, x in d.items():
            out.append("[" if first else ",[")
            first = False
            self._enc(k, out, depth + 1)
            out.append(",")
            self._enc(x, out, depth + 1)
            out.append("]")
        out.append(end)

    def _other(self, v, t, out, depth):
        mod = getattr(t, "__module__", "")
        name = t.__name__
        if mod == "collections":
            if name == "Counter":
                return self._pairs('{"counter":[', v, "]}", out, depth)
            if name == "OrderedDict":
                return self._pairs('{"odict":[', v, "]}", out, depth)
            if name == "defaultdict":
                f = v.default_factory
                fname = f.__name__ if f in (int, list, set, dict, str, float, tuple) else None
                out.append('{"defaultdict":[%s,' % (_q(fname) if fname else "null"))
                self._pairs("[", v, "]", out, depth)
                out.append("]}")
                return
            if name == "deque":
                out.append('{"deque":[')
                self._seq("[", v, "]", out, depth)
                out.append(",%s]}" % ("null" if v.maxlen is None else _int_repr(v.maxlen)))
                return
        if mod == "decimal" and name == "Decimal":
            return out.append('{"decimal":%s}' % _q(str(v)))
        if mod == "fractions" and name == "Fraction":
            return out.append('{"fraction":[%s,%s]}' % (_int_repr(v.numerator), _int_repr(v.denominator)))
        if mod == "datetime" and name in ("date", "time", "datetime"):
            return out.append('{"%s":%s}' % (name, _q(v.isoformat())))
        if mod == "datetime" and name == "timedelta":
            return out.append('{"timedelta":[%d,%d,%d]}' % (v.days, v.seconds, v.microseconds))
        fields = getattr(t, "_fields", None)
        if isinstance(v, tuple) and type(fields) is tuple and all(type(f) is str for f in fields):
            out.append('{"namedtuple":[%s,[%s],' % (_q(name), ",".join(_q(f) for f in fields)))
            self._seq("[", tuple.__iter__(v), "]", out, depth)
            out.append("]}")
            return
        # A subclass of a built-in value type crosses as the built-in
        # value it holds, read with the built-in's own methods: whatever
        # __eq__, __iter__ or __repr__ it has stays where it was defined.
        if isinstance(v, int):
            return out.append(_int_repr(v))
        if isinstance(v, float):
            return self._enc(float.__float__(v), out, depth)
        if isinstance(v, str):
            return out.append(_q(str.__str__(v)))
        if isinstance(v, (bytes, bytearray)):
            base = bytes if isinstance(v, bytes) else bytearray
            return out.append('{"%s":"%s"}' % (base.__name__, _b64(v)))
        if isinstance(v, list):
            return self._seq("[", list.__iter__(v), "]", out, depth)
        if isinstance(v, tuple):
            return self._seq('{"tuple":[', tuple.__iter__(v), "]}", out, depth)
        if isinstance(v, dict):
            return self._pairs('{"dict":[', _DictItems(v), "]}", out, depth)
        if isinstance(v, (set, frozenset)):
            base = frozenset if isinstance(v, frozenset) else set
            return self._seq('{"%s":[' % base.__name__, base.__iter__(v), "]}", out, depth)
        self.tag_object(self, v, out, depth)


class _DictItems:
    """A dict subclass's items, read with dict's own methods."""

    def __init__(self, d):
        self.d = d

    def items(self):
        return dict.items(self.d)


def _b64(b):
    import binascii
    return binascii.b2a_base64(bytes(b), newline=False).decode("ascii")


def _unb64(s):
    import binascii
    return binascii.a2b_base64(s)


class Decoder:
    """Rebuilds values from parsed JSON; objects and functions of the
    other side become what untag makes of them."""

    def __init__(self, untag):
        self.untag = untag

    def value(self, j, depth=0):
        t = type(j)
        if t is str or t is int or t is float or t is bool or j is None:
            return j
        if depth > MAX_DEPTH:
            raise WireError("a value nested too deeply")
        if t is list:
            return [self.value(x, depth + 1) for x in j]
        if t is not dict or len(j) != 1:
            raise WireError("not a value")
        (tag, body), = j.items()
        try:
            return self._tagged(tag, body, depth + 1)
        except WireError:
            raise
        except Exception as e:
            raise WireError("a malformed %s: %s" % (tag, type(e).__name__))

    def _list(self, body, depth):
        if type(body) is not list:
            raise WireError("not a list")
        return [self.value(x, depth) for x in body]

    def _pairs(self, body, depth):
        out = []
        for p in body if type(body) is list else ():
            if type(p) is not list or len(p) != 2:
                raise WireError("a malformed pair")
            out.append((self.value(p[0], depth), self.value(p[1], depth)))
        return out

    def _tagged(self, tag, body, depth):
        if tag == "float":
            if body not in ("nan", "inf", "-inf"):
                raise WireError("a malformed float")
            return float(body)
        if tag == "tuple":
            return tuple(self._list(body, depth))
        if tag == "dict":
            return dict(self._pairs(body, depth))
        if tag == "set":
            return set(self._list(body, depth))
        if tag == "frozenset":
            return frozenset(self._list(body, depth))
        if tag == "bytes":
            return _unb64(_text(body))
        if tag == "bytearray":
            return bytearray(_unb64(_text(body)))
        if tag == "complex":
            re, im = self._list(body, depth)
            return complex(_num(re), _num(im))
        if tag == "range":
            a, b, c = body
            return range(_int(a), _int(b), _int(c))
        if tag == "namedtuple":
            name, fields, values = body
            return _namedtuple(_text(name), tuple(_text(f) for f in fields))(*self._list(values, depth))
        if tag == "counter":
            import collections
            return collections.Counter(dict(self._pairs(body, depth)))
        if tag == "odict":
            import collections
            return collections.OrderedDict(self._pairs(body, depth))
        if tag == "defaultdict":
            import collections
            factory, pairs = body
            f = {"int": int, "list": list, "set": set, "dict": dict, "str": str, "float": float, "tuple": tuple}.get(factory)
            return collections.defaultdict(f, self._pairs(pairs, depth))
        if tag == "deque":
            import collections
            items, maxlen = body
            return collections.deque(self._list(items, depth), None if maxlen is None else _int(maxlen))
        if tag == "decimal":
            import decimal
            return decimal.Decimal(_text(body))
        if tag == "fraction":
            import fractions
            n, d = body
            return fractions.Fraction(_int(n), _int(d))
        if tag in ("date", "time", "datetime"):
            import datetime
            return getattr(datetime, tag).fromisoformat(_text(body))
        if tag == "timedelta":
            import datetime
            d, s, us = body
            return datetime.timedelta(days=_int(d), seconds=_int(s), microseconds=_int(us))
        return self.untag(self, tag, body)


def _text(x):
    if type(x) is not str:
        raise WireError("not a string")
    return x


def _int(x):
    if type(x) is not int:
        raise WireError("not an int")
    return x


def _num(x):
    if type(x) not in (int, float):
        raise WireError("not a number")
    return x


_namedtuples = {}


def _namedtuple(name, fields):
    key = (name, fields)
    cls = _namedtuples.get(key)
    if cls is None:
        import collections
        if not name.isidentifier():
            name = "namedtuple"
        cls = _namedtuples[key] = collections.namedtuple(name, fields, rename=True)
    return cls


def payload(fd):
    """The grader's payload on descriptor fd, read to its end: the files
    only the grading knows (the tests, the candidate's code), which it
    writes into /task, and the arguments. Everything before it, the
    interpreter's start and this module's, may happen ahead of the
    grading."""
    import os
    chunks = []
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            break
        chunks.append(b)
    os.close(fd)
    p = parse(b"".join(chunks).decode("ascii"))
    import binascii
    for name, data in p["files"]:
        parts = name.split("/")
        if name.startswith("/") or any(x in ("", ".", "..") for x in parts):
            raise WireError("a payload file outside /task")
        if len(parts) > 1:
            os.makedirs("/task/" + "/".join(parts[:-1]), exist_ok=True)
        with open("/task/" + name, "wb") as f:
            f.write(binascii.a2b_base64(data))
    return p["argv"]


class Channel:
    """Lines in from one descriptor, lines out to another."""

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.buf = bytearray()
        self.scanned = 0
        self.closed = False
        import os
        self._read, self._write = os.read, os.write

    def send(self, text):
        data = (text + "\n").encode("ascii")
        while data:
            n = self._write(self.wfd, data)
            data = data[n:]

    def recv(self):
        """The next line, or None at the end of the stream."""
        while True:
            i = self.buf.find(b"\n", self.scanned)
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 1]
                self.scanned = 0
                try:
                    return line.decode("ascii")
                except UnicodeDecodeError:
                    raise WireError("a message that is not ASCII")
            self.scanned = len(self.buf)
            if len(self.buf) > MAX_MESSAGE:
                raise WireError("a message longer than %d MiB" % (MAX_MESSAGE >> 20))
            if self.closed:
                return None
            chunk = self._read(self.rfd, 1 << 16)
            if not chunk:
                self.closed = True
                if self.buf:
                    raise WireError("a message cut off")
                continue
            self.buf += chunk
