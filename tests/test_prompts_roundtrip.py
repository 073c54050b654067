"""Round trips: what ``render_assistant_calls`` writes, the parsers read back exactly, whole and
streamed in random chunks (through tests/helpers.py, which also checks the stream invariants)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streamparse
from helpers import parse_chunks, split_at
from streamparse.prompts import render_assistant_calls, render_prompt

FORMATS = ["qwen2", "glm4"]
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- strategies ---------------------------------------------------------------------------

_CHARS = st.characters(blacklist_categories=("Cs",))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_CHARS, max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(_CHARS, max_size=8), children, max_size=4),
    max_leaves=12,
)
ARGUMENTS = st.dictionaries(st.text(_CHARS, max_size=10), _JSON, max_size=5)
# glm4: a special token's text inside arguments ends them (contract v2), as the token itself would:
# such arguments cannot be written in that format, so they do not round trip.
GLM4_SPECIAL_TEXT = re.compile(r"<\|(?:assistant|observation|user|endoftext)\|>")
ARGUMENTS_IN = {
    "qwen2": ARGUMENTS,
    "glm4": ARGUMENTS.filter(lambda a: not GLM4_SPECIAL_TEXT.search(json.dumps(a, ensure_ascii=False))),
}


def _one_line(name: str) -> bool:
    return bool(name) and name == name.strip() and "\n" not in name and "\r" not in name


# Names each format can express. qwen2: any one-line name (the rest of the Action: line).
# glm4 without declared tools: a function-name-like first line; with the tools declared: any
# one-line name without special-token text.
QWEN2_NAMES = st.text(_CHARS, min_size=1, max_size=40).filter(_one_line)
GLM4_UNDECLARED_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,63}", fullmatch=True)
# (Names starting with "<" are left out: the glm4 parser currently reads a first line starting with
# "<" that is not a special token as text, even when it is a declared name; reported.)
GLM4_DECLARED_NAMES = QWEN2_NAMES.filter(lambda name: "<|" not in name and name[0] != "<")
NAMES = {"qwen2": QWEN2_NAMES, "glm4": GLM4_DECLARED_NAMES}


def calls_of(names: Any, fmt: str = "qwen2") -> Any:
    return st.lists(st.tuples(names, ARGUMENTS_IN[fmt]), min_size=1, max_size=4)


def openai_calls(pairs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": arguments}}
        for i, (name, arguments) in enumerate(pairs)
    ]


def assert_round_trip(text: str, fmt: str, pairs: list[tuple[str, Any]], tools: Any,
                      cuts: list[int], content: str = "") -> None:
    for result in (streamparse.parse(text, fmt, tools=tools),
                   parse_chunks(split_at(text, cuts), fmt, tools)):
        assert [(c.name, c.arguments) for c in result.tool_calls] == pairs, text
        assert result.errors == [], text
        assert result.content == content, text


# ---- properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_calls_round_trip_with_declared_tools(fmt: str, data: st.DataObject) -> None:
    pairs = data.draw(calls_of(NAMES[fmt], fmt))
    text = render_assistant_calls(fmt, openai_calls(pairs))
    tools = [{"name": name} for name in dict.fromkeys(name for name, _ in pairs)]
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    assert_round_trip(text, fmt, pairs, tools, cuts)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_calls_round_trip_without_declared_tools(fmt: str, data: st.DataObject) -> None:
    names = GLM4_UNDECLARED_NAMES if fmt == "glm4" else QWEN2_NAMES
    pairs = data.draw(calls_of(names, fmt))
    text = render_assistant_calls(fmt, openai_calls(pairs))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    assert_round_trip(text, fmt, pairs, None, cuts)


# Content that neither format would take for a call header or framing.
SAFE_CONTENT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="<\r"), min_size=1,
    max_size=60,
).filter(lambda s: "Action:" not in s and s.strip())


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_content_before_calls_round_trips(fmt: str, data: st.DataObject) -> None:
    pairs = data.draw(calls_of(NAMES[fmt], fmt))
    content = data.draw(SAFE_CONTENT)
    text = render_assistant_calls(fmt, openai_calls(pairs), content=content)
    tools = [{"name": name} for name in dict.fromkeys(name for name, _ in pairs)]
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    expected = content if fmt == "glm4" or content.endswith("\n") else content + "\n"
    assert_round_trip(text, fmt, pairs, tools, cuts, content=expected)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_parsed_calls_render_back_to_the_same_text(fmt: str, data: st.DataObject) -> None:
    """Re-sending a parsed response: ToolCall objects keep the model's own raw arguments."""
    pairs = data.draw(calls_of(NAMES[fmt], fmt))
    tools = [{"name": name} for name in dict.fromkeys(name for name, _ in pairs)]
    text = render_assistant_calls(fmt, openai_calls(pairs))
    parsed = streamparse.parse(text, fmt, tools=tools)
    assert render_assistant_calls(fmt, parsed.tool_calls) == text


@pytest.mark.parametrize("fmt", FORMATS)
def test_model_formatting_is_kept_when_arguments_are_strings(fmt: str) -> None:
    raw = '{ "location" :"Boston",\n  "days": [1,2] }'
    calls = [{"name": "get_weather", "arguments": raw}]
    text = render_assistant_calls(fmt, calls)
    assert raw in text
    result = streamparse.parse(text, fmt, tools=[{"name": "get_weather"}])
    assert result.tool_calls[0].raw_arguments == raw
    assert result.tool_calls[0].arguments == {"location": "Boston", "days": [1, 2]}


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_prompt_ends_where_the_rendered_calls_begin(fmt: str, data: st.DataObject) -> None:
    """A conversation whose last assistant reply made calls renders that reply as exactly the
    text that parses back to those calls, right after the generation prompt."""
    pairs = data.draw(calls_of(st.sampled_from(["get_weather", "calculate_gpa", "web.search"]), fmt))
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": openai_calls(pairs)},
    ]
    before = render_prompt(fmt, None, messages[:1])
    whole = render_prompt(fmt, None, messages, add_generation_prompt=False)
    reply = render_assistant_calls(fmt, openai_calls(pairs))
    assert whole.startswith(before)
    assert whole[len(before):].startswith(reply)


def test_qwen2_long_names_need_declared_tools() -> None:
    """Documented limit: without declared tools the Action header must fit the hold-back."""
    from streamparse.parser import MIN_HOLD_BACK

    longest = MIN_HOLD_BACK - len("Action: \nAction Input: ")  # 105
    for length, found in ((longest, True), (longest + 1, False)):
        text = render_assistant_calls("qwen2", [{"name": "a" * length, "arguments": {}}])
        assert bool(streamparse.parse(text, "qwen2").tool_calls) is found
        tools = [{"name": "a" * length}]
        assert streamparse.parse(text, "qwen2", tools=tools).tool_calls
