"""JSON from a beheerder (a form definition, the settings), read without recursing
without bound: ``[[[[…]]]]`` ten thousand deep is refused with a Dutch message, never
a RecursionError (a 500) in the parser or in whatever walks the value later."""

import json
import re
from typing import Any

# A form definition nests about six deep (steps, fields, choices); the settings two.
MAX_JSON_DEPTH = 32

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonTooDeep(ValueError):
    """The document nests lists and objects deeper than MAX_JSON_DEPTH."""

    def __init__(self) -> None:
        super().__init__(
            f"de JSON is te diep genest (meer dan {MAX_JSON_DEPTH} lagen [ ] of {{ }})"
        )


def json_loads(text: str | bytes) -> Any:
    """``json.loads``, except that a document nested deeper than MAX_JSON_DEPTH
    raises JsonTooDeep (a ValueError, as a syntax error is)."""
    if _nesting(text) > MAX_JSON_DEPTH:
        raise JsonTooDeep()
    try:
        return json.loads(text)
    except RecursionError as exc:  # pragma: no cover - the scan above stops it first
        raise JsonTooDeep() from exc


def _nesting(text: str | bytes) -> int:
    """The deepest bracket nesting outside strings, counted before parsing so the
    parser never has to recurse that far (linear, no recursion)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub('""', text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest
