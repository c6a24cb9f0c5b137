# anyhour's Python test harness. It runs inside the sandbox, never on the
# host: python3 harness.py TESTFILE RESULTS.
#
# It reads a per-run token from stdin before any candidate code runs, then
# writes one record per line to RESULTS, each starting with the token:
#   TOKEN plan    ["test_a", ...]   the test functions, in file order
#   TOKEN start   "test_a"          written just before a test runs
#   TOKEN result  {"name", "passed", "ms", "message"}
#   TOKEN compile "message"         solution.py does not compile
#   TOKEN error   "message"         the tests could not be loaded
#   TOKEN done    null
# The test file is read into memory and deleted before solution is
# imported, so the candidate's code cannot open it. Everything the harness
# calls after that point was bound before the candidate's code ran, so
# patching a module (json, os, ...) does not change the records.
import ast
import asyncio
import inspect
import linecache
import os
import sys
import time
import traceback
from json.encoder import encode_basestring_ascii as _q

_write = os.write
_clock = time.perf_counter
_MAX_MESSAGE = 4000
_MAX_REPR = 600


def _read_token():
    b = b""
    while len(b) < 200:
        c = os.read(0, 1)
        if not c or c == b"\n":
            break
        b += c
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return b.decode("ascii", "replace")


def _cap(s, n=_MAX_MESSAGE):
    return s if len(s) <= n else s[:n] + "… (truncated)"


def _repr(v):
    try:
        r = repr(v)
    except BaseException as e:  # a candidate's __repr__ may raise anything
        r = "<repr raised %s>" % type(e).__name__
    return _cap(r, _MAX_REPR)


_OPS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
    ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}


def _explain(msg, src, left, right):
    # Called only when an assert fails: the message pytest would show.
    text = "assert %s\n  left:  %s\n  right: %s" % (src, _repr(left), _repr(right))
    if msg is not None:
        text = "%s\n%s" % (msg, text)
    return text


class _Rewriter(ast.NodeTransformer):
    """Rewrites `assert a OP b[, msg]` so a failure reports both values.

    The operands are evaluated once, in the original order, through
    assignment expressions; the message is built only when the assert
    fails, like the original msg.
    """

    def __init__(self, source):
        self.source = source

    def visit_Assert(self, node):
        src = ast.get_source_segment(self.source, node.test) or "…"
        t = node.test
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and type(t.ops[0]) in _OPS:
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


def _rel(path):
    return path[len("/task/"):] if path.startswith("/task/") else path


def _describe(exc):
    """Type and message of exc, then where it happened: the innermost frame
    and, if different, the innermost frame in the test file."""
    if isinstance(exc, AssertionError) and exc.args:
        head = str(exc.args[0])
    else:
        try:
            head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        except BaseException:
            head = type(exc).__name__
    try:
        frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop the harness's own frame
    except BaseException:
        frames = []
    lines = [head]
    picked = []
    if frames:
        picked.append(frames[-1])
        for f in reversed(frames):
            if f.filename.endswith("_test.py"):
                if f is not frames[-1]:
                    picked.append(f)
                break
    if not isinstance(exc, AssertionError) or not exc.args:
        for f in picked:
            code = (f.line or "").strip()
            lines.append("  at %s:%s in %s: %s" % (_rel(f.filename), f.lineno, f.name, code))
    return _cap("\n".join(lines))


def main():
    token = _read_token()
    test_file, results = sys.argv[1], sys.argv[2]
    out = os.open(results, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def record(kind, payload):
        _write(out, ("%s %s %s\n" % (token, kind, payload)).encode("utf-8", "replace"))

    with open(test_file, "rb") as f:
        raw = f.read()
    os.unlink(test_file)
    path = os.path.abspath(test_file)
    source = raw.decode("utf-8", "replace")
    try:
        tree = ast.parse(source, test_file)
    except SyntaxError as e:
        record("error", _q("the test file does not compile: " + _describe(e)))
        return
    names = [n.name for n in tree.body
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_")]
    record("plan", "[" + ",".join(_q(n) for n in names) + "]")

    try:
        import solution  # noqa: F401  (the candidate's code runs from here on)
    except SyntaxError as e:
        msg = "".join(traceback.format_exception_only(type(e), e)).rstrip()
        record("compile", _q(_cap(msg.replace('"/task/', '"'))))
        return
    except BaseException as e:
        record("error", _q("importing solution failed: " + _describe(e)))
        return

    tree = _Rewriter(source).visit(tree)
    modname = os.path.splitext(os.path.basename(test_file))[0]
    mod = type(sys)(modname)
    mod.__file__ = path
    mod._anyhour_explain = _explain
    sys.modules[modname] = mod
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    try:
        exec(compile(tree, path, "exec"), mod.__dict__)
    except BaseException as e:
        record("error", _q("loading the tests failed: " + _describe(e)))
        return

    for name in names:
        fn = mod.__dict__.get(name)
        record("start", _q(name))
        t0 = _clock()
        passed, message = True, ""
        try:
            if inspect.iscoroutinefunction(fn):
                asyncio.run(fn())
            else:
                fn()
        except BaseException as e:
            passed, message = False, _describe(e)
        ms = int((_clock() - t0) * 1000)
        record("result", '{"name":%s,"passed":%s,"ms":%d,"message":%s}' % (
            _q(name), "true" if passed else "false", ms, _q(message)))
    record("done", "null")


if __name__ == "__main__":
    main()
    # A thread the candidate's code left running would keep the
    # interpreter alive until the time limit.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(0)
