"""Golden cases for every rule of the spec's ``qwen2`` format. Each case is checked whole, one
character at a time, with empty deltas and at random cuts (``check_case``)."""

from __future__ import annotations

import pytest

from helpers import SEED_TOOLS, check_case

NAMED_TOOLS = SEED_TOOLS + [{"name": "github.create-issue"}, {"name": "get_weather_v2"}, {"name": "天气查询"}]

SPEC_EXAMPLE = (
    "Thought: I need the weather and the GPA.\n"
    "Action: get_current_weather\n"
    'Action Input: {"location": "Boston, MA", "format": "celsius"}\n'
    "Action: calculate_gpa\n"
    'Action Input: {"grades": ["A", "B"], "hours": [3, 4]}'
)

# (id, text, tools, content, [(name, arguments)], [(index, name, message part, raw)])
CASES = [
    ("spec-example", SPEC_EXAMPLE, SEED_TOOLS, "Thought: I need the weather and the GPA.\n",
     [("get_current_weather", {"location": "Boston, MA", "format": "celsius"}),
      ("calculate_gpa", {"grades": ["A", "B"], "hours": [3, 4]})], []),
    ("call-at-stream-start", 'Action: get_weather_v2\nAction Input: {"a": 1}', NAMED_TOOLS, "",
     [("get_weather_v2", {"a": 1})], []),
    ("indented-header", 'Hi\n  Action: get_weather_v2\n\tAction Input:   {"a": 1}', NAMED_TOOLS, "Hi\n",
     [("get_weather_v2", {"a": 1})], []),
    ("action-mid-line-is-text", 'We said Action: get_weather_v2\nAction Input: {"a": 1}', NAMED_TOOLS,
     'We said Action: get_weather_v2\nAction Input: {"a": 1}', [], []),
    ("name-with-dots-and-hyphens", 'Action: github.create-issue\nAction Input: {"title": "x"}', NAMED_TOOLS,
     "", [("github.create-issue", {"title": "x"})], []),
    ("cjk-name", 'Action: 天气查询\nAction Input: {"城市": "北京"}', NAMED_TOOLS, "",
     [("天气查询", {"城市": "北京"})], []),
    ("name-is-stripped", 'Action:   get_weather_v2  \r\nAction Input: {}', NAMED_TOOLS, "",
     [("get_weather_v2", {})], []),
    ("action-without-input-is-text", "Action: get_weather_v2\nI changed my mind.", NAMED_TOOLS,
     "Action: get_weather_v2\nI changed my mind.", [], []),
    ("action-then-action", 'Action: a\nAction: get_weather_v2\nAction Input: {}', NAMED_TOOLS,
     "Action: a\n", [("get_weather_v2", {})], []),
    ("strings-with-braces-quotes-escapes",
     'Action: get_weather_v2\nAction Input: {"a": "}", "b": "\\"}{", "c": {"d": [1, {"e": "\\\\"}]}}',
     NAMED_TOOLS, "", [("get_weather_v2", {"a": "}", "b": '"}{', "c": {"d": [1, {"e": "\\"}]}})], []),
    ("unicode-arguments", 'Action: get_weather_v2\nAction Input: {"city": "北京🙂", "u": "\\u00e9"}',
     NAMED_TOOLS, "", [("get_weather_v2", {"city": "北京🙂", "u": "é"})], []),
    ("whitespace-between-calls-goes-to-header",
     'Action: get_weather_v2\nAction Input: {}\n\n  Action: calculate_gpa\nAction Input: {"grades": [], "hours": []}',
     NAMED_TOOLS, "", [("get_weather_v2", {}), ("calculate_gpa", {"grades": [], "hours": []})], []),
    ("whitespace-after-call-goes-to-text", 'Action: get_weather_v2\nAction Input: {}\nFinal Answer: 42',
     NAMED_TOOLS, "\nFinal Answer: 42", [("get_weather_v2", {})], []),
    ("string-arguments-are-an-error", 'Action: get_weather_v2\nAction Input: "Boston"\nDone.', NAMED_TOOLS,
     "\nDone.", [], [(0, "get_weather_v2", "must be a JSON object", '"Boston"')]),
    ("array-arguments-are-an-error", "Action: get_weather_v2\nAction Input: [1, 2]", NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "must be a JSON object", "[1, 2]")]),
    ("none-arguments-are-an-error", "Action: get_weather_v2\nAction Input: None\n", NAMED_TOOLS,
     "\n", [], [(0, "get_weather_v2", "must be a JSON object", "None")]),
    ("single-quotes-are-invalid", "Action: get_weather_v2\nAction Input: {'a': 1}", NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "invalid JSON", "{'a': 1}")]),
    ("trailing-comma-is-invalid", 'Action: get_weather_v2\nAction Input: {"a": 1,}', NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "invalid JSON", '{"a": 1,}')]),
    ("nan-is-invalid", 'Action: get_weather_v2\nAction Input: {"a": NaN}', NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "invalid JSON", '{"a": NaN}')]),
    # contract v2: brackets match by type; a wrong closing bracket ends the call right there
    ("wrong-bracket-ends-the-call", 'Action: get_weather_v2\nAction Input: {"a": [1, 2}', NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "mismatched bracket", '{"a": [1, 2}')]),
    ("wrong-bracket-then-more-calls",
     'Action: get_weather_v2\nAction Input: {"q": [1, 2}\nAction: calculate_gpa\nAction Input: {"grades": []}\nFinal Answer: ok',
     NAMED_TOOLS, "\nFinal Answer: ok", [("calculate_gpa", {"grades": []})],
     [(0, "get_weather_v2", "mismatched bracket", '{"q": [1, 2}')]),
    ("wrong-bracket-rest-of-line-is-text",
     'Action: get_weather_v2\nAction Input: {"q": 1]}\nFinal Answer: ok', NAMED_TOOLS,
     "}\nFinal Answer: ok", [], [(0, "get_weather_v2", "mismatched bracket", '{"q": 1]')]),
    ("unbalanced-at-end", 'Action: get_weather_v2\nAction Input: {"a": [1, 2', NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "truncated", '{"a": [1, 2')]),
    ("nesting-deeper-than-512-is-an-error",
     'Action: get_weather_v2\nAction Input: {"a": ' + "[" * 1000 + "]" * 1000 + "}\nDone", NAMED_TOOLS,
     "\nDone", [], [(0, "get_weather_v2", "deeper than 512", '{"a": ' + "[" * 1000 + "]" * 1000 + "}")]),
    ("nesting-of-512-is-fine",
     'Action: get_weather_v2\nAction Input: {"a": ' + "[" * 511 + "]" * 511 + "}", NAMED_TOOLS,
     "", [("get_weather_v2", {"a": __import__("functools").reduce(lambda v, _: [v], range(510), [])})], []),
    ("lone-surrogate-is-invalid", 'Action: get_weather_v2\nAction Input: {"q": "\\ud83d"}', NAMED_TOOLS,
     "", [], [(0, "get_weather_v2", "lone surrogate", '{"q": "\\ud83d"}')]),
    ("surrogate-pair-is-fine", 'Action: get_weather_v2\nAction Input: {"q": "\\ud83d\\ude00"}', NAMED_TOOLS,
     "", [("get_weather_v2", {"q": "😀"})], []),
    ("escaped-backslash-before-u-is-no-surrogate", 'Action: get_weather_v2\nAction Input: {"q": "\\\\ud83d"}',
     NAMED_TOOLS, "", [("get_weather_v2", {"q": "\\ud83d"})], []),
    ("unknown-tool", 'Action: send_email\nAction Input: {"to": "x"}\nThen text.', NAMED_TOOLS,
     "\nThen text.", [], [(None, "send_email", "unknown tool", '{"to": "x"}')]),
    ("any-name-without-tools", 'Action: send_email\nAction Input: {"to": "x"}', None, "",
     [("send_email", {"to": "x"})], []),
    ("text-after-last-call", 'Action: get_weather_v2\nAction Input: {}\nFinal Answer: It is sunny.',
     NAMED_TOOLS, "\nFinal Answer: It is sunny.", [("get_weather_v2", {})], []),
    ("observation-line-is-text", 'Action: get_weather_v2\nAction Input: {}\nObservation: 20C',
     NAMED_TOOLS, "\nObservation: 20C", [("get_weather_v2", {})], []),
    ("truncated-header", "Thought: x\nAction: get_weather_v2\nAction Input:", NAMED_TOOLS,
     "Thought: x\n", [], [(None, "get_weather_v2", "truncated", "")]),
    ("partial-header-at-end-is-text", "Thought: x\nAction: get_weather_v2\nAction Inp", NAMED_TOOLS,
     "Thought: x\nAction: get_weather_v2\nAction Inp", [], []),
    ("empty-name-is-text", "Action:\nAction Input: {}", NAMED_TOOLS, "Action:\nAction Input: {}", [], []),
    # contract v2: pretty-printed arguments may start on the next line, and fences are framing
    ("arguments-on-next-line", 'Action: get_weather_v2\nAction Input:\n{"a": 1}\nDone', NAMED_TOOLS,
     "\nDone", [("get_weather_v2", {"a": 1})], []),
    ("arguments-on-next-line-indented", 'Action: get_weather_v2\nAction Input:  \n  {\n  "a": 1\n  }', NAMED_TOOLS,
     "", [("get_weather_v2", {"a": 1})], []),
    ("next-line-not-an-object-is-an-error", 'Action: get_weather_v2\nAction Input:\nsunny', NAMED_TOOLS,
     "\nsunny", [], [(0, "get_weather_v2", "must be a JSON object", "")]),
    ("only-the-very-next-line", 'Action: get_weather_v2\nAction Input:\n\n{"a": 1}', NAMED_TOOLS,
     '\n\n{"a": 1}', [], [(0, "get_weather_v2", "must be a JSON object", "")]),
    ("fenced-json", 'Action: get_weather_v2\nAction Input: ```json\n{"a": 1}\n```\nFinal Answer: ok', NAMED_TOOLS,
     "\nFinal Answer: ok", [("get_weather_v2", {"a": 1})], []),
    ("fenced-on-next-line", 'Action: get_weather_v2\nAction Input:\n```JSON\n{"a": 1}\n```', NAMED_TOOLS,
     "", [("get_weather_v2", {"a": 1})], []),
    ("fence-without-language", 'Action: get_weather_v2\nAction Input: ```\n{"a": 1}```', NAMED_TOOLS,
     "", [("get_weather_v2", {"a": 1})], []),
    ("inline-fence", 'Action: get_weather_v2\nAction Input: ```{"a": 1}```\nAction: calculate_gpa\nAction Input: {}',
     NAMED_TOOLS, "", [("get_weather_v2", {"a": 1}), ("calculate_gpa", {})], []),
    ("fence-never-closed", 'Action: get_weather_v2\nAction Input: ```json\n{"a": 1}\nDone', NAMED_TOOLS,
     "\nDone", [("get_weather_v2", {"a": 1})], []),
    ("fenced-non-object-is-an-error", 'Action: get_weather_v2\nAction Input: ```\n[1, `2`]\n```\nDone', NAMED_TOOLS,
     "\nDone", [], [(0, "get_weather_v2", "must be a JSON object", "[1, `2`]\n")]),
    ("backtick-that-is-no-fence", 'Action: get_weather_v2\nAction Input: `x`\nDone', NAMED_TOOLS,
     "\nDone", [], [(0, "get_weather_v2", "must be a JSON object", "`x`")]),
    ("header-longer-than-hold-back-is-text", "Action: " + "x" * 200 + "\nAction Input: {}", None,
     "Action: " + "x" * 200 + "\nAction Input: {}", [], []),
]


@pytest.mark.parametrize(("text", "tools", "content", "calls", "errors"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_golden(text, tools, content, calls, errors):
    result = check_case(text, "qwen2", tools)
    assert result.content == content
    assert [(c.name, c.arguments) for c in result.tool_calls] == calls
    assert len(result.errors) == len(errors), result.errors
    for error, (index, name, message, raw) in zip(result.errors, errors, strict=True):
        assert (error.index, error.name, error.raw) == (index, name, raw)
        assert message in error.message
