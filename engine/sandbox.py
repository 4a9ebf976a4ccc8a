"""What diagram code may touch: an allowlist, not a denylist.

Scripts, gateway conditions and timer expressions come from beheerders and are
untrusted. Python's own security policy is plain that an in-process sandbox is a guard
rail, not a boundary, and the published escapes from RestrictedPython all walk from an
ordinary object to an attribute nobody meant to hand out (a generator's ``gi_frame``, a
bound method's ``__self__``, ``str.format`` resolving ``{0.__class__}``, an exception's
``obj``). So nothing here asks "is this name dangerous?"; every question is "is this
on the list?":

- **syntax**: only the statement and expression kinds in ``_NODES`` compile; no
  ``def``, ``lambda``, ``class``, ``with``, ``yield``, ``raise``, ``global``,
  ``try … finally``, ``except*`` or ``except … as``, no ``*``/``**`` unpacking, no
  attribute assignment. A handler names one of ``EXCEPTIONS``, none of which is an
  ancestor of the engine's own budget and guard exceptions, so a script cannot
  swallow the stop it is given;
- **attributes**: every attribute read goes through ``guarded_getattr``, which permits a
  name only if it is listed for the object's exact type in ``ATTRIBUTES`` (methods and
  fields of str, numbers, date/datetime/timedelta, Decimal, list, dict, tuple).
  Everything else — functions, bound methods, types, generators, exceptions, modules —
  has no attribute at all. Conditions and timer expressions use no attributes (see
  ``docs/scripts.md``);
- **data**: the case data handed in holds only ``DATA_TYPES``; items are read and
  written only on lists, tuples, dicts, strings and ranges;
- **functions**: ``BUILTINS`` (a few of Python's, some size-checked) and Wegwijs's own
  helpers (``engine.scripting.HELPERS``); no ``getattr``, ``type``, ``vars``, ``dir``,
  ``format``, ``open`` or anything that takes an attribute or method name as a string.

Methods whose result can be huge in one C call (``ljust``, ``replace``, ``join``,
``extend``) are handed out as closures that check the size first; nothing in a closure
is reachable, since a function has no permitted attribute.
"""

import ast
import builtins
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .exceptions import ScriptRefused

# The largest string, list or range one operation may make.
MAX_SIZE = 1_000_000
MAX_RANGE = 100_000


class ScriptLimit(ScriptRefused):
    """One operation in diagram code would be too large."""


_STR = frozenset(
    {
        "capitalize",
        "casefold",
        "center",
        "count",
        "endswith",
        "find",
        "index",
        "isalnum",
        "isalpha",
        "isdecimal",
        "isdigit",
        "islower",
        "isnumeric",
        "isspace",
        "isupper",
        "join",
        "ljust",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rjust",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "title",
        "upper",
        "zfill",
    }
)
_DATE = frozenset(
    {"day", "isoformat", "isoweekday", "month", "weekday", "year", "toordinal"}
)
_DATETIME = _DATE | {"date", "hour", "minute", "second"}
_LIST = frozenset(
    {
        "append",
        "clear",
        "copy",
        "count",
        "extend",
        "index",
        "insert",
        "pop",
        "remove",
        "reverse",
        "sort",
    }
)
_DICT = frozenset(
    {"clear", "copy", "get", "items", "keys", "pop", "setdefault", "update", "values"}
)

# The attributes diagram code may read, per exact type of the object.
ATTRIBUTES: dict[type, frozenset[str]] = {
    str: _STR,
    int: frozenset(),
    bool: frozenset(),
    float: frozenset({"is_integer"}),
    Decimal: frozenset({"is_zero"}),
    date: _DATE,
    datetime: _DATETIME,
    timedelta: frozenset({"days", "seconds", "total_seconds"}),
    list: _LIST,
    dict: _DICT,
    tuple: frozenset({"count", "index"}),
}
ALL_ATTRIBUTES: frozenset[str] = frozenset().union(*ATTRIBUTES.values())
# The values a script may hold: the types above, and None.
DATA_TYPES: frozenset[type] = frozenset(ATTRIBUTES) | {type(None)}

# The exceptions a script may catch (``except KeyError:``). None of them is an ancestor
# of BudgetExceeded or ScriptRefused, so the engine's own stops go through.
EXCEPTIONS: dict[str, type[Exception]] = {
    name: getattr(builtins, name)
    for name in (
        "IndexError",
        "KeyError",
        "NameError",
        "TypeError",
        "ValueError",
        "ZeroDivisionError",
    )
}


def too_big(what: str) -> ScriptLimit:
    return ScriptLimit(
        f"{what} zou groter worden dan {MAX_SIZE:,}".replace(",", ".")
        + " tekens of elementen"
    )


# -- size-checked methods: one closure per method, no lookup by name -------------


def _width_checked(method: Callable[..., str]) -> Callable[[str], Callable[..., str]]:
    def bind(text: str) -> Callable[..., str]:
        def call(width: int, *args: Any) -> str:
            if isinstance(width, int) and width > MAX_SIZE:
                raise too_big(f"het resultaat van {method.__name__}()")
            return method(text, width, *args)

        return call

    return bind


def _bind_replace(text: str) -> Callable[..., str]:
    def replace(old: str, new: str, count: int = -1) -> str:
        found = text.count(old) if old else len(text) + 1
        if len(text) + found * max(len(new) - len(old), 0) > MAX_SIZE:
            raise too_big("het resultaat van replace()")
        return text.replace(old, new, count)

    return replace


def _bind_join(text: str) -> Callable[[Iterable[Any]], str]:
    def join(items: Iterable[Any]) -> str:
        items = list(items)
        total = sum(len(item) for item in items if isinstance(item, str))
        if total + len(text) * max(len(items) - 1, 0) > MAX_SIZE:
            raise too_big("het resultaat van join()")
        return text.join(items)

    return join


def _bind_extend(target: list[Any]) -> Callable[[Iterable[Any]], None]:
    def extend(items: Iterable[Any]) -> None:
        items = list(items)
        if len(target) + len(items) > MAX_SIZE:
            raise too_big("een uitgebreide lijst")
        target.extend(items)

    return extend


_CHECKED: dict[tuple[type, str], Callable[[Any], Any]] = {
    (str, "ljust"): _width_checked(str.ljust),
    (str, "rjust"): _width_checked(str.rjust),
    (str, "center"): _width_checked(str.center),
    (str, "zfill"): _width_checked(str.zfill),
    (str, "replace"): _bind_replace,
    (str, "join"): _bind_join,
    (list, "extend"): _bind_extend,
}


_KIND_NAMES: dict[type, str] = {
    str: "een tekst",
    list: "een lijst",
    dict: "een woordenboek (dict)",
    tuple: "een tupel",
}


def _kind(obj: Any) -> str:
    kind = type(obj)
    if kind in ATTRIBUTES:
        return _KIND_NAMES.get(kind, "een getal of datum")
    if callable(obj):
        return "een functie"
    return "deze waarde"


# -- the hooks RestrictedPython's compiled code calls -------------------------------


def guarded_getattr(obj: Any, name: str) -> Any:
    """``obj.name`` in diagram code: only what ATTRIBUTES lists for obj's exact type."""
    if name not in ATTRIBUTES.get(type(obj), ()):
        raise ScriptRefused(f"'.{name}' is niet toegestaan op {_kind(obj)}")
    checked = _CHECKED.get((type(obj), name))
    if checked is not None:
        return checked(obj)
    return getattr(obj, name)


_INDEXABLE = (str, list, tuple, dict, range)


def guarded_getitem(obj: Any, key: Any) -> Any:
    """``obj[key]``: only on data that holds items."""
    if type(obj) not in _INDEXABLE:
        raise ScriptRefused(f"[…] is niet toegestaan op {_kind(obj)}")
    return obj[key]


def guarded_write(obj: Any) -> Any:
    """The target of ``obj[key] = value`` or ``del obj[key]``: a list or dict."""
    if type(obj) not in (list, dict):
        raise ScriptRefused(f"wijzigen is niet toegestaan op {_kind(obj)}")
    return obj


def guarded_iter(obj: Any) -> Any:
    return iter(obj)


# -- builtins ------------------------------------------------------------------------


def _range(*args: int) -> range:
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise ScriptLimit(
            f"range() met meer dan {MAX_RANGE:,} getallen".replace(",", ".")
        )
    return found


def _sum(items: Iterable[Any], start: int | float | Decimal = 0) -> Any:
    """sum() of numbers only: summing lists copies them over and over inside C."""
    if type(start) not in (int, float, Decimal, bool):
        raise ScriptRefused("sum() telt alleen getallen op")
    total = start
    for item in items:
        if type(item) not in (int, float, Decimal, bool):
            raise ScriptRefused("sum() telt alleen getallen op")
        total += item
    return total


BUILTINS: dict[str, Any] = {
    "None": None,
    "True": True,
    "False": False,
    **{
        name: getattr(builtins, name)
        for name in (
            "abs",
            "all",
            "any",
            "bool",
            "dict",
            "enumerate",
            "float",
            "int",
            "len",
            "list",
            "max",
            "min",
            "reversed",
            "round",
            "sorted",
            "str",
            "tuple",
            "zip",
        )
    },
    "range": _range,
    "sum": _sum,
    **EXCEPTIONS,
}


# -- syntax --------------------------------------------------------------------------

_OPERATORS = {
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.LShift,
    ast.RShift,
    ast.BitOr,
    ast.BitXor,
    ast.BitAnd,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Invert,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
}
_EXPRESSION_NODES = frozenset(
    {
        ast.Expression,
        ast.BoolOp,
        ast.BinOp,
        ast.UnaryOp,
        ast.Compare,
        ast.IfExp,
        ast.Call,
        ast.keyword,
        ast.Name,
        ast.Load,
        ast.Store,
        ast.Constant,
        ast.Subscript,
        ast.Slice,
        ast.List,
        ast.Tuple,
        ast.Dict,
        ast.ListComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.comprehension,
        ast.JoinedStr,
        ast.FormattedValue,
    }
    | _OPERATORS
)
_SCRIPT_NODES = _EXPRESSION_NODES | {
    ast.Module,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.If,
    ast.For,
    ast.While,
    ast.Break,
    ast.Continue,
    ast.Pass,
    ast.Try,
    ast.ExceptHandler,
    ast.Delete,
    ast.Del,
    ast.Attribute,
}
_CONSTANT_TYPES = (str, int, float, bool, type(None))

_WORDS: dict[type, str] = {
    ast.FunctionDef: "een functie (def)",
    ast.AsyncFunctionDef: "een functie (async def)",
    ast.Lambda: "lambda",
    ast.ClassDef: "een klasse (class)",
    ast.Return: "return",
    ast.Raise: "raise",
    ast.Assert: "assert",
    ast.Import: "'import'",
    ast.ImportFrom: "'import'",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.With: "with",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
    ast.Await: "await",
    ast.TryStar: "try … except*",
    ast.Starred: "uitpakken met *",
    ast.NamedExpr: "toekenning met :=",
    ast.Set: "een verzameling {…}",
    ast.SetComp: "een verzameling {…}",
    ast.Attribute: "een attribuut (x.y) in een voorwaarde of timer",
    ast.Match: "match",
}


def _refuse(node: ast.AST, what: str) -> ScriptRefused:
    line = getattr(node, "lineno", None)
    prefix = f"regel {line}: " if line else ""
    return ScriptRefused(f"{prefix}{what} is niet toegestaan in een diagram")


def _check_handler(handler: ast.ExceptHandler) -> None:
    if handler.name is not None:
        raise _refuse(handler, "'except … as'")
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    for name in names:
        if not (isinstance(name, ast.Name) and name.id in EXCEPTIONS):
            raise _refuse(
                handler,
                "except zonder een van " + ", ".join(sorted(EXCEPTIONS)),
            )


def _check_attribute(node: ast.Attribute, functions: frozenset[str]) -> None:
    if not isinstance(node.ctx, ast.Load):
        raise _refuse(node, "een attribuut wijzigen (x.y = …)")
    if node.attr not in ALL_ATTRIBUTES:
        raise _refuse(node, f"'.{node.attr}'")
    if isinstance(node.value, ast.Name) and node.value.id in functions:
        raise _refuse(node, f"een attribuut van '{node.value.id}'")


def _check_node(node: ast.AST, functions: frozenset[str]) -> None:
    if isinstance(node, ast.Try) and (node.finalbody or node.orelse):
        raise _refuse(node, "'try … finally' of 'try … else'")
    if isinstance(node, ast.ExceptHandler):
        _check_handler(node)
    elif isinstance(node, ast.Attribute):
        _check_attribute(node, functions)
    elif isinstance(node, ast.keyword) and node.arg is None:
        raise _refuse(node, "uitpakken met **")
    elif isinstance(node, ast.comprehension) and node.is_async:
        raise _refuse(node, "async")
    elif isinstance(node, ast.Constant) and not isinstance(node.value, _CONSTANT_TYPES):
        raise _refuse(node, f"de waarde {node.value!r}")
    elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
        raise _refuse(node, f"'{node.id}'")


def check_syntax(tree: ast.AST, *, script: bool, helpers: Iterable[str] = ()) -> None:
    """Refuse any node that is not on the list for a script or an expression.
    ``helpers`` names the functions handed to diagram code besides BUILTINS."""
    allowed = _SCRIPT_NODES if script else _EXPRESSION_NODES
    functions = frozenset(BUILTINS) | frozenset(helpers)
    for node in ast.walk(tree):
        if type(node) not in allowed:
            word = _WORDS.get(type(node), f"'{type(node).__name__}'")
            raise _refuse(node, word)
        _check_node(node, functions)


# Python's builtins that diagram code may not even mention (a clearer message than
# NameError at run time, and refused at validation already).
FORBIDDEN_NAMES = frozenset(dir(builtins)) - frozenset(BUILTINS)
