"""Golden cases for every rule of the spec's ``glm4`` format, each checked whole, per character,
with empty deltas and at random cuts."""

from __future__ import annotations

import pytest

import streamparse
from helpers import SEED_TOOLS, check_case

TOOLS = SEED_TOOLS + [{"name": "天气查询"}, {"name": "github.create-issue"}]
W = '{"location": "Beijing", "format": "celsius"}'

# (id, text, tools, content, [(name, arguments)], [(index, name, message part)])
CASES = [
    ("spec-call", f"get_current_weather\n{W}", TOOLS, "",
     [("get_current_weather", {"location": "Beijing", "format": "celsius"})], []),
    ("spec-plain-reply", "\nThe weather in Beijing is sunny.", TOOLS, "The weather in Beijing is sunny.", [], []),
    ("vllm-space-before-call", f" get_current_weather\n{W}", TOOLS, "",
     [("get_current_weather", {"location": "Beijing", "format": "celsius"})], []),
    ("vllm-space-before-plain", " \nHello", TOOLS, "Hello", [], []),
    ("metadata-trailing-spaces", f"get_current_weather \t\n{W}", TOOLS, "",
     [("get_current_weather", {"location": "Beijing", "format": "celsius"})], []),
    ("cjk-declared-name", '天气查询\n{"城市": "北京"}', TOOLS, "", [("天气查询", {"城市": "北京"})], []),
    ("undeclared-name-like", 'send_email\n{"to": "x"}', TOOLS, "", [],
     [(None, "send_email", "unknown tool")]),
    ("any-name-like-without-tools", 'send_email\n{"to": "x"}', None, "", [("send_email", {"to": "x"})], []),
    ("sentence-first-line-is-text", "Sure, let me check.\nOne moment.", TOOLS,
     "Sure, let me check.\nOne moment.", [], []),
    ("name-like-line-without-json-is-text", "get_current_weather\nis what I would call.", TOOLS,
     "get_current_weather\nis what I would call.", [], []),
    ("cjk-sentence-is-text", "好的\n{}", None, "好的\n{}", [], []),
    ("too-long-for-a-name", "a" * 65 + "\n{}", None, "a" * 65 + "\n{}", [], []),
    ("separator-kept", f"get_current_weather\n{W}<|assistant|>calculate_gpa\n" + '{"grades": ["A"], "hours": [3]}',
     TOOLS, "", [("get_current_weather", {"location": "Beijing", "format": "celsius"}),
                 ("calculate_gpa", {"grades": ["A"], "hours": [3]})], []),
    ("separator-kept-with-vllm-spaces",
     f" get_current_weather\n{W} <|assistant|> calculate_gpa\n" + '{"grades": [], "hours": []} <|observation|>',
     TOOLS, "", [("get_current_weather", {"location": "Beijing", "format": "celsius"}),
                 ("calculate_gpa", {"grades": [], "hours": []})], []),
    ("separator-skipped", f"get_current_weather\n{W}\ncalculate_gpa\n" + '{"grades": [], "hours": []}',
     TOOLS, "", [("get_current_weather", {"location": "Beijing", "format": "celsius"}),
                 ("calculate_gpa", {"grades": [], "hours": []})], []),
    ("separator-skipped-no-whitespace", 'get_current_weather\n{}calculate_gpa\n{"grades": [], "hours": []}',
     TOOLS, "", [("get_current_weather", {}), ("calculate_gpa", {"grades": [], "hours": []})], []),
    ("plain-then-call", f"\nLet me check.<|assistant|>get_current_weather\n{W}", TOOLS, "Let me check.",
     [("get_current_weather", {"location": "Beijing", "format": "celsius"})], []),
    ("call-then-plain", f"get_current_weather\n{W}<|assistant|>\nIt is sunny.", TOOLS, "It is sunny.",
     [("get_current_weather", {"location": "Beijing", "format": "celsius"})], []),
    ("text-after-call-without-separator", f"get_current_weather\n{W}\nIt is sunny.", TOOLS, "\nIt is sunny.",
     [("get_current_weather", {"location": "Beijing", "format": "celsius"})], []),
    ("observation-ends-turn", 'get_current_weather\n{}<|observation|>calculate_gpa\n{"grades": []}', TOOLS,
     'calculate_gpa\n{"grades": []}', [("get_current_weather", {})], []),
    ("user-ends-turn", "\nBye.<|user|>\nmore", TOOLS, "Bye.\nmore", [], []),
    ("endoftext-ends-turn", "\nBye.<|endoftext|><|assistant|>get_current_weather\n{}", TOOLS,
     "Bye.get_current_weather\n{}", [], []),
    ("invalid-json-body", "get_current_weather\n{'location': 'Beijing'}", TOOLS, "", [],
     [(0, "get_current_weather", "invalid JSON")]),
    ("truncated-body", 'get_current_weather\n{"location": "Bei', TOOLS, "", [],
     [(0, "get_current_weather", "truncated")]),
    ("braces-in-strings", 'get_current_weather\n{"location": "}{\\"<|assistant"}', TOOLS, "",
     [("get_current_weather", {"location": '}{"<|assistant'})], []),
    # contract v2: a special token's text ends an open body (as its id does when skipped)
    ("special-token-text-truncates-the-body", 'get_current_weather\n{"location": "}{\\"<|assistant|>"}', TOOLS,
     '"}', [], [(0, "get_current_weather", "truncated", '{"location": "}{\\"')]),
    ("separator-inside-arguments-then-next-call",
     'get_current_weather\n{"location": 1<|assistant|>calculate_gpa\n{"grades": [], "hours": []}', TOOLS,
     "", [("calculate_gpa", {"grades": [], "hours": []})], [(0, "get_current_weather", "truncated", '{"location": 1')]),
    ("end-of-turn-inside-arguments", 'get_current_weather\n{"location": "x<|observation|>', TOOLS,
     "", [], [(0, "get_current_weather", "truncated", '{"location": "x')]),
    ("partial-special-at-end-of-arguments-is-arguments", 'get_current_weather\n{"location": "<|assis', TOOLS,
     "", [], [(0, "get_current_weather", "truncated", '{"location": "<|assis')]),
    ("wrong-bracket-ends-the-call", 'get_current_weather\n{"a": [1}\nDone', TOOLS,
     "\nDone", [], [(0, "get_current_weather", "mismatched bracket", '{"a": [1}')]),
    ("nesting-deeper-than-512", 'a\n{"a":' + "[" * 1000 + "]" * 1000 + "}", None,
     "", [], [(0, "a", "deeper than 512", '{"a":' + "[" * 1000 + "]" * 1000 + "}")]),
    ("lone-surrogate", 'a\n{"q": "\\ud83d"}', None, "", [], [(0, "a", "lone surrogate", '{"q": "\\ud83d"}')]),
    ("crlf-after-the-name", 'get_current_weather\r\n{"location": "x"}', TOOLS, "",
     [("get_current_weather", {"location": "x"})], []),
    ("crlf-empty-metadata", '\r\nHello', TOOLS, "Hello", [], []),
    ("whitespace-before-end-of-turn-after-text", 'a\n{}\nDone<|observation|>', None, "\nDone", [("a", {})], []),
    ("whitespace-before-end-of-turn-is-framing", 'a\n{}\n<|observation|>', None, "", [("a", {})], []),
    ("name-then-end-of-stream-is-text", "get_current_weather\n", TOOLS, "get_current_weather\n", [], []),
    ("empty-response", "", TOOLS, "", [], []),
]


@pytest.mark.parametrize(("text", "tools", "content", "calls", "errors"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_golden(text, tools, content, calls, errors):
    result = check_case(text, "glm4", tools)
    assert result.content == content
    assert [(c.name, c.arguments) for c in result.tool_calls] == calls
    assert [(e.index, e.name) for e in result.errors] == [e[:2] for e in errors]
    for error, expected in zip(result.errors, errors, strict=True):
        assert expected[2] in error.message
        if len(expected) > 3:
            assert error.raw == expected[3]


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
