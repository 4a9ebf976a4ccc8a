"""The restricted evaluator for everything a diagram can run.

Diagrams come from beheerders and are untrusted: SpiffWorkflow's default script engine
runs any Python with full builtins (``__import__('os')`` in a gateway condition works).
Every script, condition and timer expression goes through RestrictedPython here instead:
no imports, no names or attributes starting with ``_``, no ``open``/``eval``/``getattr``
and friends, only a short list of harmless builtins plus Wegwijs' own helpers.

RestrictedPython does not bound CPU or memory. Two things do:
- the guards below refuse single operations that are huge inside C, where no trace
  function can interrupt them (``'a' * 10**10``, ``10**10**10``, ``range(10**12)``,
  ``'x'.ljust(10**10)``, a format width of a billion);
- ``limits`` traces diagram code line by line against the operation's budget (time,
  lines, memory), so an endless loop ends within seconds.
"""

import ast
import builtins
import operator
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from types import CodeType
from typing import Any
from zoneinfo import ZoneInfo

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    safe_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .exceptions import ScriptRefused
from .limits import DIAGRAM_FILENAME, tracing_diagram_code

TIMEZONE = ZoneInfo("Europe/Amsterdam")

# The largest string, list or range one operation may make.
MAX_SIZE = 1_000_000
MAX_RANGE = 100_000
_MAX_POWER_BITS = 64_000
_MAX_FORMAT_WIDTH = 1_000

_EXTRA_BUILTINS = (
    "all",
    "any",
    "dict",
    "enumerate",
    "list",
    "max",
    "min",
    "sorted",
    "sum",
)

_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
}
_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add,
    "Mult": operator.mul,
    "Pow": operator.pow,
    "LShift": operator.lshift,
    "Mod": operator.mod,
}


class ScriptLimit(ScriptRefused):
    """One operation in diagram code would be too large."""


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def deadline(
    iso_date: str, weeks: int = 0, days: int = 0, months: int = 0, years: int = 0
) -> str:
    """The ISO moment (00:00 Dutch time) the given time after ``iso_date``; months
    and years follow the calendar (31 January + 1 month is 28 or 29 February).
    Negative values go back (a warning two weeks before a deadline)."""
    start = _add_months(date.fromisoformat(str(iso_date)[:10]), months + 12 * years)
    moment = datetime.combine(
        start + timedelta(weeks=weeks, days=days), time(0), TIMEZONE
    )
    return moment.isoformat()


HELPERS: dict[str, Callable[..., Any]] = {"deadline": deadline}


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple)


def _too_big(what: str) -> ScriptLimit:
    return ScriptLimit(
        f"{what} zou groter worden dan {MAX_SIZE:,}".replace(",", ".")
        + " tekens of elementen"
    )


def _check_mult(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if _sized(seq) and isinstance(times, int) and len(seq) * times > MAX_SIZE:
            raise _too_big("een vermenigvuldigde tekst of lijst")


def _check_add(left: Any, right: Any) -> None:
    if _sized(left) and _sized(right) and len(left) + len(right) > MAX_SIZE:
        raise _too_big("een samengevoegde tekst of lijst")


def _check_pow(left: Any, right: Any) -> None:
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and abs(left) > 1
        and right * abs(left).bit_length() > _MAX_POWER_BITS
    ):
        raise ScriptLimit("een machtsverheffing zou een te groot getal opleveren")


def _check_lshift(left: Any, right: Any) -> None:
    if isinstance(right, int) and right > _MAX_POWER_BITS:
        raise ScriptLimit("een bitverschuiving zou een te groot getal opleveren")


def _check_mod(left: Any, right: Any) -> None:
    if isinstance(left, str | bytes):
        raise ScriptLimit("tekstopmaak met % is niet toegestaan; gebruik een f-string")


_CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "Mult": _check_mult,
    "Add": _check_add,
    "Pow": _check_pow,
    "LShift": _check_lshift,
    "Mod": _check_mod,
}


def _check_binop(op: str, left: Any, right: Any) -> None:
    _CHECKS[op](left, right)


def _binop(op: str, left: Any, right: Any) -> Any:
    _check_binop(op, left, right)
    return _BINOPS[op](left, right)


def _inplace(op: str, left: Any, right: Any) -> Any:
    name = {"+=": "Add", "*=": "Mult", "%=": "Mod"}.get(op)
    if name:
        _check_binop(name, left, right)
    return _INPLACE[op](left, right)


def _range(*args: int) -> range:
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise ScriptLimit(
            f"range() met meer dan {MAX_RANGE:,} getallen".replace(",", ".")
        )
    return found


_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def _str_method(text: str, name: str, *args: Any, **kwargs: Any) -> Any:
    method = getattr(text, name)
    if name in _WIDTH_METHODS:
        width = args[0] if args else kwargs.get("width", kwargs.get("tabsize", 8))
        size = width * (text.count("\t") or 1) if name == "expandtabs" else width
        if isinstance(size, int) and size > MAX_SIZE:
            raise _too_big(f"het resultaat van {name}()")
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * max(len(new) - len(old), 0) > MAX_SIZE:
            raise _too_big("het resultaat van replace()")
    elif name == "join" and args:
        items = list(args[0])
        total = sum(len(item) for item in items if isinstance(item, str))
        if total + len(text) * max(len(items) - 1, 0) > MAX_SIZE:
            raise _too_big("het resultaat van join()")
        return method(items)
    return method(*args, **kwargs)


_CHECKED_STR_METHODS = _WIDTH_METHODS | {"replace", "join"}


def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    value = safer_getattr(obj, name, default)
    if isinstance(obj, str) and name in _CHECKED_STR_METHODS:
        return partial(_str_method, obj, name)
    return value


_BUILTINS: dict[str, Any] = dict(safe_builtins)
_BUILTINS.update({name: getattr(builtins, name) for name in _EXTRA_BUILTINS})
_BUILTINS["range"] = _range
# Names a diagram may not even mention: Python builtins we did not hand out.
_FORBIDDEN_NAMES = frozenset(dir(builtins)) - frozenset(_BUILTINS) - frozenset(HELPERS)


def _restricted_globals() -> dict[str, Any]:
    return {
        "__builtins__": _BUILTINS,
        "_getattr_": _getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplace,
        "_binop_": _binop,
        **HELPERS,
    }


_WIDTH = re.compile(r"\d+")


class _GuardingPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus size guards on the operators that can build a
    huge value in one step and on f-string widths."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        name = type(node.op).__name__
        if name not in _BINOPS:
            return node
        call = ast.Call(
            func=ast.Name("_binop_", ast.Load()),
            args=[ast.Constant(name), node.left, node.right],
            keywords=[],
        )
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        spec = node.format_spec
        if spec is not None:
            for part in ast.walk(spec):
                if isinstance(part, ast.FormattedValue):
                    self.error(node, "een opmaak met een berekende breedte")
                elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                    widths = [int(w) for w in _WIDTH.findall(part.value)]
                    if any(w > _MAX_FORMAT_WIDTH for w in widths):
                        self.error(node, "een opmaakbreedte boven 1000")
        return self.node_contents_visit(node)


def _endless_loop(tree: ast.AST) -> ast.While | None:
    """A ``while`` whose condition is always true and that has no ``break``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.While):
            continue
        test = node.test
        if isinstance(test, ast.Constant) and test.value:
            if not any(isinstance(n, ast.Break) for n in ast.walk(node)):
                return node
    return None


def _refuse_forbidden(source: str, mode: str) -> None:
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise ScriptRefused("'import' is niet toegestaan in een diagram")
        if isinstance(node, ast.Name) and node.id in _FORBIDDEN_NAMES:
            raise ScriptRefused(f"'{node.id}' is niet toegestaan in een diagram")
    loop = _endless_loop(tree)
    if loop is not None:
        raise ScriptRefused(
            f"regel {loop.lineno}: een lus die nooit stopt (while zonder break)"
        )


def _errors(errors: tuple[str, ...] | list[str]) -> ScriptRefused:
    return ScriptRefused("; ".join(errors))


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile a condition or timer expression, or raise ScriptRefused saying why."""
    try:
        _refuse_forbidden(source, "eval")
    except SyntaxError as exc:
        raise ScriptRefused(f"syntaxfout: {exc.msg}") from exc
    result = compile_restricted_eval(
        source, filename=DIAGRAM_FILENAME, policy=_GuardingPolicy
    )
    if result.errors:
        raise _errors(result.errors)
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    """Compile a script task or pre/post script, or raise ScriptRefused saying why."""
    try:
        _refuse_forbidden(source, "exec")
    except SyntaxError as exc:
        raise ScriptRefused(f"syntaxfout op regel {exc.lineno}: {exc.msg}") from exc
    result = compile_restricted_exec(
        source, filename=DIAGRAM_FILENAME, policy=_GuardingPolicy
    )
    if result.errors:
        raise _errors(result.errors)
    return result.code


def names_read(source: str) -> set[str]:
    """The variable names an expression reads (for the routing-field check)."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return set()
    bound = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.comprehension)
        for target in ast.walk(node.target)
        if isinstance(target, ast.Name)
    }
    return (
        {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        - bound
        - set(_BUILTINS)
        - set(HELPERS)
        - {"True", "False", "None"}
    )


def names_assigned(source: str) -> set[str]:
    """The top-level variable names a script assigns."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def _public(context: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in context.items() if not k.startswith("_")}


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, with every eval/exec restricted and
    metered."""

    def __init__(self) -> None:
        super().__init__(_restricted_globals())

    def evaluate(self, expression, context, external_context=None):  # type: ignore[no-untyped-def]
        code = compile_expression(expression)
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(_public(context))
        with tracing_diagram_code():
            return eval(code, scope)  # noqa: S307 - restricted code, restricted globals

    def execute(self, script, context, external_context=None):  # type: ignore[no-untyped-def]
        code = compile_script(script)
        # Form data must never smuggle in '__builtins__' or a guard.
        for key in [k for k in context if k.startswith("_")]:
            context.pop(key)
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            with tracing_diagram_code():
                exec(code, context)  # noqa: S102 - restricted code, restricted globals
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def script_engine() -> PythonScriptEngine:
    """A fresh script engine for one workflow; never share one between cases."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
