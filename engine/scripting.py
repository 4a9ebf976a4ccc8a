"""The restricted evaluator for everything a diagram can run.

Diagrams come from beheerders and are untrusted: SpiffWorkflow's default script engine
runs any Python with full builtins (``__import__('os')`` in a gateway condition works).
Every script, condition and timer expression is compiled here instead, in two passes:

- ``sandbox.check_syntax`` refuses every construct that is not on its allowlist, and
  every attribute name no allowed type has;
- RestrictedPython (>= 8.4) compiles what is left so that every attribute read, item
  access, iteration and write goes through the guards of ``sandbox``, which permit
  only named methods and fields of plain data.

The same compile runs at validation (a finding naming the script task) and again at
run time, whatever validation said: a diagram in the database is not trusted either.

RestrictedPython does not bound CPU or memory. Two things do:
- the guards refuse single operations that are huge inside C, where no trace
  function can interrupt them (``'a' * 10**10``, ``10**10**10``, ``range(10**12)``,
  ``'x'.ljust(10**10)``, a format width of a billion);
- ``limits`` traces diagram code line by line against the operation's budget (time,
  lines, memory), so an endless loop ends within seconds.
"""

import ast
import operator
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import CodeType
from typing import Any
from zoneinfo import ZoneInfo

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .exceptions import ScriptRefused
from .limits import DIAGRAM_FILENAME, tracing_diagram_code
from .sandbox import (
    BUILTINS,
    DATA_TYPES,
    MAX_SIZE,
    ScriptLimit,
    check_syntax,
    guarded_getattr,
    guarded_getitem,
    guarded_iter,
    guarded_write,
    too_big,
)

TIMEZONE = ZoneInfo("Europe/Amsterdam")

_MAX_POWER_BITS = 64_000
_MAX_FORMAT_WIDTH = 1_000

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

__all__ = ["HELPERS", "TIMEZONE", "ScriptLimit", "script_engine"]


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


def _check_mult(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if _sized(seq) and isinstance(times, int) and len(seq) * times > MAX_SIZE:
            raise too_big("een vermenigvuldigde tekst of lijst")


def _check_add(left: Any, right: Any) -> None:
    if _sized(left) and _sized(right) and len(left) + len(right) > MAX_SIZE:
        raise too_big("een samengevoegde tekst of lijst")


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


def _restricted_globals() -> dict[str, Any]:
    return {
        "__builtins__": BUILTINS,
        "_getattr_": guarded_getattr,
        "_getitem_": guarded_getitem,
        "_getiter_": guarded_iter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": guarded_write,
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
    check_syntax(tree, script=mode == "exec", helpers=HELPERS)
    loop = _endless_loop(tree)
    if loop is not None:
        raise ScriptRefused(
            f"regel {loop.lineno}: een lus die nooit stopt (while zonder break)"
        )


def _errors(errors: Sequence[str]) -> ScriptRefused:
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
    assert result.code is not None  # RestrictedPython gives code when no errors
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
    assert result.code is not None  # RestrictedPython gives code when no errors
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
        - set(BUILTINS)
        - set(HELPERS)
        - {"True", "False", "None"}
    )


def names_loaded(source: str) -> set[str]:
    """Every variable name a script or expression reads (helpers and builtins left
    out); empty when it does not parse."""
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        return set()
    return (
        {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        - set(BUILTINS)
        - set(HELPERS)
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


def _data(context: dict[str, Any] | None) -> dict[str, Any]:
    """What diagram code may see of a case: its public values of plain data types
    (anything else SpiffWorkflow or a caller left in the data stays out of reach)."""
    return {
        key: value
        for key, value in (context or {}).items()
        if not key.startswith("_") and type(value) in DATA_TYPES
    }


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, with every eval/exec restricted and
    metered."""

    def __init__(self) -> None:
        super().__init__(_restricted_globals())

    def evaluate(self, expression, context, external_context=None):  # type: ignore[no-untyped-def]
        code = compile_expression(expression)
        scope = dict(self.globals)
        scope.update(_data(external_context))
        scope.update(_data(context))
        with tracing_diagram_code():
            return eval(code, scope)  # noqa: S307 - restricted code, restricted globals

    def execute(self, script, context, external_context=None):  # type: ignore[no-untyped-def]
        code = compile_script(script)
        # Form data must never smuggle in '__builtins__', a guard or an object.
        hidden = {key: context.pop(key) for key in set(context) - set(_data(context))}
        hidden = {k: v for k, v in hidden.items() if not k.startswith("_")}
        extra = _data(external_context)
        self.check_for_overwrite(context, extra)
        context.update(self.globals)
        context.update(extra)
        try:
            with tracing_diagram_code():
                exec(code, context)  # noqa: S102 - restricted code, restricted globals
        finally:
            self._remove_globals_and_functions_from_context(context, extra)
            context.update(hidden)
        return True


def script_engine() -> PythonScriptEngine:
    """A fresh script engine for one workflow; never share one between cases."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
