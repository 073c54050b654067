"""``glm4`` behaviour a golden case cannot show: what is held and released feed by feed, spans of
framing, and special tokens known by their ids. The golden cases (input, tools, expected content,
calls and errors) are data files in ``tests/cases/glm4/``, run by ``tests/test_cases.py``."""

from __future__ import annotations

import streamparse
from helpers import SEED_TOOLS

TOOLS = SEED_TOOLS + [{"name": "天气查询"}, {"name": "github.create-issue"}]


def test_first_line_is_held_while_it_could_be_a_name_and_released_when_it_cannot():
    parser = streamparse.StreamParser("glm4", tools=TOOLS)
    assert parser.feed("get_cur") == []
    assert parser.held_back == len("get_cur")
    events = parser.feed("rent weather")  # a space inside the name: not a name
    assert [e.text for e in events] == ["get_current weather"]
    assert parser.held_back == 0


def test_sentence_is_released_at_the_first_impossible_character():
    parser = streamparse.StreamParser("glm4", tools=TOOLS)
    assert parser.feed("Sure") == []
    assert [e.text for e in parser.feed(",")] == ["Sure,"]


def test_plain_reply_streams_from_its_first_character():
    parser = streamparse.StreamParser("glm4", tools=TOOLS)
    assert [e.text for e in parser.feed("\nH")] == ["H"]
    assert [e.text for e in parser.feed("ello")] == ["ello"]


def test_call_ends_as_soon_as_its_brace_arrives():
    parser = streamparse.StreamParser("glm4", tools=TOOLS)
    events = parser.feed('get_current_weather\n{"location": "x"')
    assert [e.type for e in events] == ["tool_call_start", "tool_call_delta"]
    assert [e.type for e in parser.feed("}")] == ["tool_call_delta", "tool_call_end"]


def test_framing_is_covered_by_spans_but_not_text():
    parser = streamparse.StreamParser("glm4")
    events = parser.feed(" \nHi") + parser.close()
    assert [(e.text, e.span) for e in events] == [("Hi", (0, 4))]
    parser = streamparse.StreamParser("glm4")
    events = parser.feed('f\n{}<|observation|>') + parser.close()
    assert events[-1].type == "text" and events[-1].text == "" and events[-1].span == (4, 19)


def test_skipped_separator_in_a_delta_of_its_own_after_whitespace():
    parser = streamparse.StreamParser("glm4")
    events = parser.feed('get_weather\n{"city": "A"}\n', [1])
    events += parser.feed("", [151337])
    events += parser.feed('get_weather\n{"city": "B"}', [2]) + parser.close()
    result = streamparse.ParseResult.from_events(events)
    assert [c.arguments for c in result.tool_calls] == [{"city": "A"}, {"city": "B"}]
    assert result.content == ""


def test_skipped_separator_merged_after_a_call_starts_a_plain_segment():
    parser = streamparse.StreamParser("glm4")
    events = parser.feed('f\n{}', [1, 2]) + parser.feed("\nHi", [151337, 198, 3]) + parser.close()
    assert streamparse.ParseResult.from_events(events).content == "Hi"


def test_skipped_separator_merged_inside_a_reply_finds_the_next_name():
    parser = streamparse.StreamParser("glm4", tools=TOOLS)
    events = parser.feed("\nOne moment.", [198, 1, 2])
    events += parser.feed("calculate_gpa\n", [13, 151337, 5, 198])  # "." token, separator, name
    events += parser.feed('{"grades": [], "hours": []}', [7]) + parser.close()
    result = streamparse.ParseResult.from_events(events)
    assert result.content == "One moment."
    assert [c.name for c in result.tool_calls] == ["calculate_gpa"]


def test_skipped_end_of_turn_ids_end_the_turn():
    parser = streamparse.StreamParser("glm4")
    events = parser.feed("\nBye", [198, 1]) + parser.feed("", [151338]) + parser.feed("\nf\n{}") + parser.close()
    result = streamparse.ParseResult.from_events(events)
    assert result.content == "Bye\nf\n{}" and result.tool_calls == []


def test_kept_special_tokens_are_not_counted_twice_by_id():
    parser = streamparse.StreamParser("glm4")
    events = parser.feed('f\n{} <|assistant|>', [1, 151337]) + parser.feed(" \nHi", [2]) + parser.close()
    assert streamparse.ParseResult.from_events(events).content == "Hi"
