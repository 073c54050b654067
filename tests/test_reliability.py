"""Issue 9's repros, each pinned: fed whole, per character, with empty deltas and at random cuts
(``check_case``), and for the token-id items as token deltas in both detokenizer modes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import streamparse
from helpers import check_case, comparable, feed_checked
from streamparse import ParseResult, ToolDefinitionError

ASSISTANT, OBSERVATION = 151337, 151338
DEEP = "[" * 1000 + "]" * 1000


def run_ids(steps, tools=None, **options):
    """Feed ``(text, token_ids)`` steps through the checked helper."""
    return ParseResult.from_events(
        feed_checked([t for t, _ in steps], "glm4", tools, ids=[i for _, i in steps], **options)
    )


def calls(result):
    return [(c.name, c.arguments) for c in result.tool_calls]


# 1. Deep nesting never raises: an error, and what follows is parsed.
@pytest.mark.parametrize(("fmt", "head"), [("glm4", "a\n"), ("qwen2", "Action: a\nAction Input: ")])
def test_deep_nesting_is_an_error_not_an_exception(fmt, head):
    result = check_case(head + '{"a":' + DEEP + "}", fmt)
    assert calls(result) == [] and [e.name for e in result.errors] == ["a"]
    assert "deeper than 512" in result.errors[0].message
    assert result.errors[0].raw == '{"a":' + DEEP + "}"


@pytest.mark.parametrize(("fmt", "head"), [("glm4", "a\n"), ("qwen2", "Action: a\nAction Input: ")])
def test_deep_nesting_never_closed_is_truncated(fmt, head):
    result = check_case(head + '{"a":' + "[" * 2000, fmt)
    assert [e.message for e in result.errors] != [] and calls(result) == []


# 2. Brackets match by type: the wrong one ends the call there; what follows is parsed.
def test_wrong_closing_bracket_qwen2():
    result = check_case('Action: search\nAction Input: {"q": 1]}\nFinal Answer: ok', "qwen2")
    assert [(e.name, e.raw) for e in result.errors] == [("search", '{"q": 1]')]
    assert result.content == "}\nFinal Answer: ok"
    text = ('Action: search\nAction Input: {"q": [1, 2}\nAction: search\nAction Input: {"q": 3}\n'
            "Final Answer: ok")
    result = check_case(text, "qwen2")
    assert calls(result) == [("search", {"q": 3})]
    assert [e.raw for e in result.errors] == ['{"q": [1, 2}']
    assert result.content == "\nFinal Answer: ok"


def test_wrong_closing_bracket_glm4():
    result = check_case('search\n{"q": [1, 2}<|assistant|>search\n{"q": 3}', "glm4")
    assert calls(result) == [("search", {"q": 3})]
    assert [(e.raw, "mismatched" in e.message) for e in result.errors] == [('{"q": [1, 2}', True)]


# 3. glm4 token ids when the text lags them (vLLM's stop-string hold-back).
def test_separator_id_ahead_of_the_closing_brace_skip_mode():
    steps = [('a\n{"x": 1', [1, 2, 3]), ("", [ASSISTANT]), ('}b\n{"y": 2}', [4, 5, 6])]
    for lag in (0, 1):  # placed by the lag, or waiting for the open arguments to close
        assert calls(run_ids(steps, text_lag=lag)) == [("a", {"x": 1}), ("b", {"y": 2})]


def test_separator_id_ahead_of_its_text_keep_mode():
    steps = [('a\n{"x": 1', [1, 2, 3]), ("} ", [ASSISTANT]), ('<|assistant|> b\n{"y": 2}', [4, 5, 6])]
    for lag in (0, 14):
        result = run_ids(steps, text_lag=lag)
        assert calls(result) == [("a", {"x": 1}), ("b", {"y": 2})] and result.errors == []
        assert comparable(result) == comparable(streamparse.parse("".join(t for t, _ in steps), "glm4"))


def test_separator_id_after_a_sentence_with_text_lag():
    sentence, call = "\nLet me check that.", 'search\n{"q": 1}'
    lag = 11
    steps = [(sentence[: len(sentence) - lag], [1, 2]), ("", [ASSISTANT]), (sentence[-lag:] + call, [3])]
    result = run_ids(steps, tools=[{"name": "search"}], text_lag=lag)
    assert (result.content, calls(result)) == ("Let me check that.", [("search", {"q": 1})])


def test_early_separator_id_right_after_a_call_starts_a_segment_with_text_lag():
    """A separator id that comes before any text (its place is the lag, 7) falls exactly where the
    first call's "}" ends: it stands there, so the empty line after it is framing and the space
    is text, as in the kept text. (It was read as a separator GLM-4 wrote somewhere after the
    call, and the space was dropped as framing.)"""
    tools = [{"name": "天气查询"}]
    steps = [("", [1])] * 6 + [("", [ASSISTANT]), ("天", [1]), ("气", [1]), ("", [ASSISTANT]),
             ("查询\n{}\n und", [1]), ("e", [1]), ("c", [1]), ("l", [1]), ("ared_a\n{}", [1])]
    kept = "天气查询\n{}<|assistant|>\n <|assistant|>undeclared_a\n{}"
    result = run_ids(steps, tools, text_lag=7)
    assert comparable(result) == comparable(streamparse.parse(kept, "glm4", tools=tools))
    assert (result.content, calls(result)) == (" ", [("天气查询", {})])
    assert [(e.name, "unknown tool" in e.message) for e in result.errors] == [("undeclared_a", True)]


def test_text_lag_larger_than_the_rest_acts_at_the_end():
    result = run_ids([("\nHello", [1]), ("", [OBSERVATION])], text_lag=12)
    assert result.content == "Hello"


def test_text_lag_must_be_a_non_negative_int():
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ValueError, match="text_lag"):
            streamparse.StreamParser("glm4", text_lag=bad)


# 4. Merged deltas: the delta's last id stands at the end of its text, the first at its start.
def test_separator_as_last_id_of_a_merged_delta():
    tools = [{"name": "search"}]
    steps = [("\nLet me", [198, 10056, 752]), (" check.", [1779, 13, ASSISTANT]),
             ('search\n{"', [1, 2, 3]), ('q": 1}', [4, 5])]
    result = run_ids(steps, tools)
    assert (result.content, calls(result), result.errors) == ("Let me check.", [("search", {"q": 1})], [])


def test_separator_as_first_id_of_a_merged_delta():
    tools = [{"name": "search"}]
    steps = [("\nLet me check.", [198, 10056, 752, 1779, 13]), ('search\n{"', [ASSISTANT, 1, 2]),
             ('q": 1}', [4, 5])]
    result = run_ids(steps, tools)
    assert (result.content, calls(result), result.errors) == ("Let me check.", [("search", {"q": 1})], [])


def test_separator_as_middle_id_goes_where_a_declared_name_begins():
    tools = [{"name": "search"}]
    steps = [("\nLet me", [198, 10056, 752]), (' check.search\n{"', [1779, 13, ASSISTANT, 1, 2]),
             ('q": 1}', [4, 5])]
    result = run_ids(steps, tools)
    assert (result.content, calls(result)) == ("Let me check.", [("search", {"q": 1})])


# 5. Whitespace before a skipped special token after text stays text.
def test_whitespace_before_a_skipped_end_of_turn():
    result = run_ids([("a\n{}\nDone", [1]), ("", [OBSERVATION])])
    assert result.content == "\nDone" == streamparse.parse("a\n{}\nDone<|observation|>", "glm4").content


# 6. A special token's text ends an open body, as its id does: both modes agree.
def test_special_token_text_inside_a_body_ends_it():
    kept = 'a\n{"x": 1<|assistant|>b\n{"y": 2}'
    result = check_case(kept, "glm4")
    assert calls(result) == [("b", {"y": 2})]
    assert [(e.name, e.raw, "truncated" in e.message) for e in result.errors] == [("a", '{"x": 1', True)]


def test_separator_id_inside_arguments_that_never_close_is_truncated_at_close():
    """With the text skipped, an id inside open arguments cannot be told from a text lag: the
    call waits for its "}" (contract v2); close() makes it a truncated call."""
    result = run_ids([('a\n{"x": 1', [1, 2]), ("", [ASSISTANT]), ('b\n{"y": 2', [3])])
    assert calls(result) == [] and [e.name for e in result.errors] == ["a"]


# 7. A lone surrogate escape is invalid JSON: an error that serialises.
def test_lone_surrogate_is_an_error_that_serialises(tmp_path):
    result = check_case('a\n{"q": "\\ud83d"}', "glm4")
    assert calls(result) == [] and "surrogate" in result.errors[0].message
    json.loads(result.model_dump_json())
    response = tmp_path / "response.txt"
    response.write_text('a\n{"q": "\\ud83d"}', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "streamparse", "parse", "--format", "glm4",
                           str(response)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["type"] for line in done.stdout.splitlines()][-1] == "tool_call_error"


# 8. Tool definitions: a name with a line break can never be called.
@pytest.mark.parametrize("name", ["a\nb", "a\r\nb", "a\r"])
def test_tool_name_with_a_line_break_is_rejected(name):
    with pytest.raises(ToolDefinitionError, match=r"tools\[1\].*line break"):
        streamparse.StreamParser("glm4", tools=[{"name": "ok"}, {"name": name}])


@pytest.mark.parametrize("fmt", ["glm4", "qwen2"])
def test_a_long_declared_name_held_across_one_character_deltas(fmt):
    """Held text near the limit is searched from where the last feed stopped; the result is the
    one-shot one (the cost is measured in benchmarks/scaling.py)."""
    name = "n" * 2000
    text = (f"{name}\n" + '{"a": 1}') if fmt == "glm4" else f"Action: {name}\nAction Input: " + '{"a": 1}'
    result = ParseResult.from_events(feed_checked(list(text), fmt, [{"name": name}]))
    assert calls(result) == [(name, {"a": 1})]


# 9. Leniencies real outputs need.
def test_qwen2_pretty_printed_and_fenced_arguments():
    text = 'Action: a\nAction Input:\n```json\n{\n  "x": 1\n}\n```\nFinal Answer: ok'
    result = check_case(text, "qwen2")
    assert (calls(result), result.content) == ([("a", {"x": 1})], "\nFinal Answer: ok")


def test_glm4_crlf_after_the_name():
    assert calls(check_case('a\r\n{"x": 1}', "glm4")) == [("a", {"x": 1})]


@pytest.mark.parametrize("fmt", ["glm4", "qwen2"])
def test_whole_decoding_keeps_the_nesting_bound_with_braces_in_strings(fmt):
    """parse() decodes a long call's arguments whole; braces inside strings must not make it
    call them too deep, and real nesting over 512 must stay an error."""
    head = "a\n" if fmt == "glm4" else "Action: a\nAction Input: "
    pad = '"pad": "' + "{[" * 600 + '"'
    ok = check_case(head + '{"x": ' + "[" * 10 + "]" * 10 + ", " + pad + "}", fmt)
    assert [c.name for c in ok.tool_calls] == ["a"]
    deep = check_case(head + '{"x": ' + "[" * 600 + "]" * 600 + ", " + pad + "}", fmt)
    assert ok.errors == [] and "deeper than 512" in deep.errors[0].message
