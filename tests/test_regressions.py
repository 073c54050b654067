"""Known failure modes of other streaming tool parsers, pinned down for both formats."""

from __future__ import annotations

import pytest

import streamparse
from helpers import counter_ids, feed_checked
from streamparse import ParseResult

QWEN_CALL = 'Action: get_weather\nAction Input: {"city": "Paris"}'
GLM_CALL = 'get_weather\n{"city": "Paris"}'


def run(chunks, fmt, tools=None):
    return ParseResult.from_events(feed_checked(chunks, fmt, tools))


def calls(result):
    return [(c.name, c.arguments) for c in result.tool_calls]


@pytest.mark.parametrize("fmt, text", [
    ("qwen2", f"{QWEN_CALL}\n{QWEN_CALL}\n{QWEN_CALL}"),
    ("glm4", f"{GLM_CALL}<|assistant|>{GLM_CALL}\n{GLM_CALL}"),
])
def test_several_calls_in_one_delta(fmt, text):
    result = run([text], fmt)
    assert calls(result) == [("get_weather", {"city": "Paris"})] * 3
    assert [c.index for c in result.tool_calls] == [0, 1, 2]


@pytest.mark.parametrize("fmt, head, call", [("qwen2", "Thinking.\n", QWEN_CALL), ("glm4", "", GLM_CALL)])
def test_whole_call_in_one_delta_after_text_in_the_same_delta(fmt, head, call):
    parser = streamparse.StreamParser(fmt)
    events = parser.feed(head + call)
    assert [e.type for e in events] == (["text"] if head else []) + [
        "tool_call_start", "tool_call_delta", "tool_call_end"]


def test_closing_brace_arrives_with_the_next_marker_qwen2():
    chunks = ['Action: a\nAction Input: {"x": 1', '}\nAction: b\nAction Input: {"y":', " 2}"]
    assert calls(run(chunks, "qwen2")) == [("a", {"x": 1}), ("b", {"y": 2})]


def test_closing_brace_arrives_with_the_next_marker_glm4():
    chunks = ['a\n{"x": 1', '}<|assistant|>b\n{"y":', " 2}"]
    assert calls(run(chunks, "glm4")) == [("a", {"x": 1}), ("b", {"y": 2})]


@pytest.mark.parametrize("fmt, text", [
    ("qwen2", 'Action: note\nAction Input: {"text": "}\\nAction: fake\\nAction Input: {}"}'),
    ("qwen2", 'Action: note\nAction Input: {"text": "a}b", "n": {"m": "}"}}'),
    # (contract v2: a special token's text inside arguments ends them; the marker here is the
    # skipped-separator shape, a name and "{" right after a "}")
    ("glm4", 'note\n{"text": "}fake\\n{}", "n": "}\\nfake\\n{"}'),
])
def test_brace_or_marker_inside_an_argument_string(fmt, text):
    result = run(list(text), fmt)
    assert [c.name for c in result.tool_calls] == ["note"]
    assert result.errors == [] and result.content == ""


@pytest.mark.parametrize("fmt, prefix", [("qwen2", "Action: note\nAction Input: "), ("glm4", "note\n")])
@pytest.mark.parametrize("pieces", [
    ['{"t": "a\\', '"b"}'],             # backslash at the end of a delta
    ['{"t": "\\', "\\", '"}'],           # escaped backslash split
    ['{"t": "\\u', "00", 'e9"}'],        # \uXXXX split
    ['{"t": "\\u00e', '9\\"}', '"}'],
])
def test_escape_split_across_deltas(fmt, prefix, pieces):
    result = run([prefix] + pieces, fmt)
    import json
    assert result.tool_calls[0].arguments == json.loads("".join(pieces))


def test_text_after_the_last_call():
    result = run([QWEN_CALL + "\nFinal Answer: sunny"], "qwen2")
    assert result.content == "\nFinal Answer: sunny"
    result = run([GLM_CALL + "<|assistant|>\nIt is sunny"], "glm4")
    assert result.content == "It is sunny"


@pytest.mark.parametrize("fmt, text", [("qwen2", "Action: now\nAction Input: {}"), ("glm4", "now\n{}")])
def test_zero_argument_calls(fmt, text):
    result = run(list(text), fmt)
    assert [(c.name, c.arguments, c.raw_arguments) for c in result.tool_calls] == [("now", {}, "{}")]


@pytest.mark.parametrize("fmt, text", [
    ("qwen2", 'Action: get_weather\nAction Input: {"city": "Pa'),
    ("glm4", 'get_weather\n{"city": "Pa'),
])
def test_truncation_is_an_error_not_a_completed_call(fmt, text):
    parser = streamparse.StreamParser(fmt)
    events = parser.feed(text)
    assert [e.type for e in events] == ["tool_call_start", "tool_call_delta"]
    closing = parser.close()
    assert [e.type for e in closing] == ["tool_call_error"]
    assert closing[0].index == 0 and closing[0].raw == '{"city": "Pa'
    assert "truncated" in closing[0].message


@pytest.mark.parametrize("fmt, text", [
    ("qwen2", f"{QWEN_CALL}\n{QWEN_CALL}"), ("glm4", f"{GLM_CALL}<|assistant|>{GLM_CALL}"),
])
def test_ids_are_stable_per_call_and_unique(fmt, text):
    parser = streamparse.StreamParser(fmt)
    events = [e for char in text for e in parser.feed(char)] + parser.close()
    starts = {e.index: e.id for e in events if e.type == "tool_call_start"}
    ends = {e.index: e.id for e in events if e.type == "tool_call_end"}
    assert starts == ends and len(set(starts.values())) == 2


def test_id_factory_makes_ids_deterministic():
    result = streamparse.parse(f"{QWEN_CALL}\n{QWEN_CALL}", "qwen2", id_factory=counter_ids())
    assert [c.id for c in result.tool_calls] == ["call_0", "call_1"]


def test_unknown_tool_gets_no_start_and_one_error():
    parser = streamparse.StreamParser("qwen2", tools=[{"name": "known"}])
    events = parser.feed('Action: unknown\nAction Input: {"a": ') + parser.feed("1}") + parser.close()
    assert [e.type for e in events] == ["tool_call_error"]
    assert (events[0].index, events[0].name, events[0].raw) == (None, "unknown", '{"a": 1}')
