"""The restricted evaluator for everything a diagram can run.

Diagrams come from beheerders and are untrusted: SpiffWorkflow's default script engine
runs any Python with full builtins (``__import__('os')`` in a gateway condition works).
Every script, condition and timer expression goes through RestrictedPython here instead:
no imports, no names or attributes starting with ``_``, no ``open``/``eval``/``getattr``
and friends, only a short list of harmless builtins plus Wegwijs' own helpers.

RestrictedPython does not bound CPU or memory (``while True: pass``); diagrams are
deployed only by beheerders, and the deploy check refuses anything that does not compile
here.
"""

import ast
import builtins
import operator
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import CodeType
from typing import Any
from zoneinfo import ZoneInfo

from RestrictedPython import (
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

TIMEZONE = ZoneInfo("Europe/Amsterdam")

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


def deadline(iso_date: str, weeks: int = 0, days: int = 0) -> str:
    """The ISO moment (00:00 Dutch time) ``weeks`` and ``days`` after ``iso_date``."""
    start = date.fromisoformat(str(iso_date)[:10])
    moment = datetime.combine(
        start + timedelta(weeks=weeks, days=days), time(0), TIMEZONE
    )
    return moment.isoformat()


HELPERS: dict[str, Callable[..., Any]] = {"deadline": deadline}

_BUILTINS: dict[str, Any] = dict(safe_builtins)
_BUILTINS.update({name: getattr(builtins, name) for name in _EXTRA_BUILTINS})
# Names a diagram may not even mention: Python builtins we did not hand out.
_FORBIDDEN_NAMES = frozenset(dir(builtins)) - frozenset(_BUILTINS) - frozenset(HELPERS)


def _restricted_globals() -> dict[str, Any]:
    return {
        "__builtins__": _BUILTINS,
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": lambda op, x, y: _INPLACE[op](x, y),
        **HELPERS,
    }


def _refuse_forbidden_names(source: str, mode: str) -> None:
    for node in ast.walk(ast.parse(source, mode=mode)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise ScriptRefused("'import' is niet toegestaan in een diagram")
        if isinstance(node, ast.Name) and node.id in _FORBIDDEN_NAMES:
            raise ScriptRefused(f"'{node.id}' is niet toegestaan in een diagram")


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> CodeType:
    """Compile a condition or timer expression, or raise ScriptRefused saying why."""
    try:
        _refuse_forbidden_names(source, "eval")
    except SyntaxError as exc:
        raise ScriptRefused(f"syntaxfout: {exc.msg}") from exc
    result = compile_restricted_eval(source)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=512)
def compile_script(source: str) -> CodeType:
    """Compile a script task or pre/post script, or raise ScriptRefused saying why."""
    try:
        _refuse_forbidden_names(source, "exec")
    except SyntaxError as exc:
        raise ScriptRefused(f"syntaxfout op regel {exc.lineno}: {exc.msg}") from exc
    result = compile_restricted_exec(source)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


def _public(context: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in context.items() if not k.startswith("_")}


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, with every eval/exec restricted."""

    def __init__(self) -> None:
        super().__init__(_restricted_globals())

    def evaluate(self, expression, context, external_context=None):  # type: ignore[no-untyped-def]
        code = compile_expression(expression)
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(_public(context))
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
            exec(code, context)  # noqa: S102 - restricted code, restricted globals
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def script_engine() -> PythonScriptEngine:
    """A fresh script engine for one workflow; never share one between cases."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
