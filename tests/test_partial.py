"""``partial_arguments()`` (contract v2, "Arguments"), for every format of the registry: after
every feed while a call is open it equals a reference parse of the arguments released so far
(pydantic_core's ``from_json(..., allow_partial="trailing-strings")``, with a trailing number or
literal that nothing has ended yet removed), each result's strings are prefixes of the next
one's, and the last result before ``tool_call_end`` is contained in ``arguments``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import from_json

import streamparse
from strategies import response_strategies, split_with_empties
from streamparse.partial import PartialBuilder

RESPONSES = response_strategies()
FORMATS = streamparse.formats()
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_STRING_OR_OTHER = re.compile(r'"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*\\?\Z|[^"]+', re.S)
_TRAILING_ATOM = re.compile(r"[-+0-9.eEa-z]+\Z")


def reference(raw: str) -> dict[str, Any]:
    """pydantic_core's partial parse, less a trailing number or literal not yet ended (a
    complete ``true``/``false``/``null`` shows)."""
    pieces = _STRING_OR_OTHER.findall(raw)
    last = pieces[-1] if pieces else ""
    if last and not last.startswith('"'):
        atom = _TRAILING_ATOM.search(last)
        if atom is not None and atom.group() not in ("true", "false", "null"):
            raw = raw[: len(raw) - len(atom.group())]
    value = from_json(raw, allow_partial="trailing-strings") if raw.strip() else {}
    assert isinstance(value, dict)
    return value


def contained(small: Any, big: Any) -> bool:
    """``small`` is ``big`` cut short: strings prefixes, containers with fewer members (each
    contained), anything else equal."""
    if isinstance(small, str):
        return isinstance(big, str) and big.startswith(small)
    if isinstance(small, dict):
        return isinstance(big, dict) and all(k in big and contained(v, big[k]) for k, v in small.items())
    if isinstance(small, list):
        return (isinstance(big, list) and len(small) <= len(big)
                and all(contained(a, b) for a, b in zip(small, big, strict=False)))
    return small == big and type(small) is type(big)


def _chunks(data: Any, text: str) -> list[str]:
    return split_with_empties(text, data.draw(st.lists(st.integers(0, len(text)), max_size=30)))


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_partial_arguments_follow_the_released_arguments(fmt, data):
    text, case = data.draw(RESPONSES[fmt]())
    parser = streamparse.StreamParser(fmt, tools=case["tools"])
    raw: dict[int, list[str]] = {}
    previous: dict[int, Any] = {}
    open_index = None
    for chunk in _chunks(data, text):
        for event in parser.feed(chunk):
            if event.type == "tool_call_start":
                open_index, raw[event.index] = event.index, []
            elif event.type == "tool_call_delta":
                raw[event.index].append(event.arguments_delta)
            elif event.type == "tool_call_end":
                assert contained(previous.get(event.index, {}), event.arguments)
                open_index = None
            elif event.type == "tool_call_error" and event.index is not None:
                open_index = None
        partial = parser.partial_arguments()
        if open_index is None:
            assert partial is None
            continue
        assert partial == reference("".join(raw[open_index]))
        assert contained(previous.get(open_index, {}), partial)
        previous[open_index] = partial
    parser.close()
    assert parser.partial_arguments() is None


def test_each_call_returns_a_new_dict_and_reads_only_what_is_new():
    parser = streamparse.StreamParser("qwen2")
    parser.feed('Action: f\nAction Input: {"a": "x", "b": [1')
    first = parser.partial_arguments()
    assert first == {"a": "x", "b": []}  # 1 may go on: not shown yet
    first["a"] = "changed"
    parser.feed(", 2]")
    assert parser.partial_arguments() == {"a": "x", "b": [1, 2]}


@pytest.mark.parametrize(("raw", "expected"), [
    ('{"a": "he', {"a": "he"}),
    ('{"a": "', {"a": ""}),
    ('{"a"', {}),
    ('{"a": ', {}),
    ('{"a": 12', {}),
    ('{"a": 12,', {"a": 12}),
    ('{"a": tru', {}),
    ('{"a": true', {"a": True}),
    ('{"a": null, "b": {"c": [false, "x\\', {"a": None, "b": {"c": [False, "x"]}}),
    ('{"a": "\\ud83d', {"a": ""}),  # a high surrogate shows with its low one
    ('{"a": "\\ud83d\\ude00!"}', {"a": "😀!"}),
    ('{"k": {"n": {', {"k": {"n": {}}}),
])
def test_what_shows_of_the_member_being_written(raw, expected):
    for cut in range(1, len(raw) + 1):  # however the text was released
        parts = [raw[:cut], raw[cut:]]
        assert PartialBuilder(parts).snapshot() == expected


def test_held_calls_and_no_call_give_none():
    parser = streamparse.StreamParser("qwen2", tools=[{"name": "a"}])
    assert parser.partial_arguments() is None
    parser.feed('Action: undeclared\nAction Input: {"x": 1')  # held whole: it will never start
    assert parser.partial_arguments() is None


def test_a_surrogate_pair_split_by_a_snapshot_joins():
    parts = ['{"a": "x\\ud83d']
    builder = PartialBuilder(parts)
    assert builder.snapshot() == {"a": "x"}
    parts.append('\\ude00"}')
    assert builder.snapshot() == {"a": "x😀"}
