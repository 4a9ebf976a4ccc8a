"""Timer literals: quoted, readable ISO 8601, with a time zone."""

import ast
import re

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .context import _Context
from .sources import _Code

_ISO_LIKE = re.compile(r"^(R\d*/)?P(\d|T)", re.I)


def _check_timer_literal(ctx: _Context, name: str, code: _Code) -> None:
    try:
        tree = ast.parse(code.source, mode="eval").body
    except SyntaxError:
        return
    if isinstance(tree, ast.Name) and _ISO_LIKE.match(tree.id):
        ctx.error(
            name,
            code.element,
            f"de timer {code.source} staat niet tussen aanhalingstekens",
            f'Schrijf "{code.source}" (met aanhalingstekens): een termijn is tekst.',
        )
        return
    if not (isinstance(tree, ast.Constant) and isinstance(tree.value, str)):
        return  # a variable or computation: checked when it runs
    text = tree.value
    try:
        if code.kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(text)
        elif code.kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(text)
        else:
            TimerEventDefinition.parse_time_or_duration(text)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception here
        ctx.error(
            name,
            code.element,
            f"onleesbare termijn ‘{text}’",
            'Schrijf een ISO-8601-termijn, bijv. "P10W" (10 weken), "P14D" (14'
            ' dagen), "R3/P1W" (drie keer wekelijks) of een datum als'
            ' "2026-03-01T09:00:00+01:00".',
        )
        return
    if code.kind == "timeDate" and not re.search(r"(Z|[+-]\d\d:?\d\d)$", text):
        ctx.warning(
            name,
            code.element,
            f"de datum ‘{text}’ heeft geen tijdzone en wordt als servertijd gelezen",
            "Voeg de tijdzone toe, bijv. +01:00.",
        )
