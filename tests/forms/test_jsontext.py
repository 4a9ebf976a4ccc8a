"""A beheerder's JSON is read without unbounded recursion."""

import json

import pytest

from forms.jsontext import MAX_JSON_DEPTH, JsonTooDeep, json_loads


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"label": "[" * 10_000 + '{"\\"', "keuzes": [["a", "B ]]"]]})
    assert json_loads(text)["keuzes"] == [["a", "B ]]"]]


def test_nesting_up_to_the_limit_is_read_and_beyond_it_refused() -> None:
    assert json_loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    with pytest.raises(JsonTooDeep, match="te diep genest"):
        json_loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    with pytest.raises(ValueError):  # as a syntax error is: callers catch one kind
        json_loads(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
