"""The XML-parameters body (streamparse/xmlargs.py), driven alone: a tiny parser opens one call at
offset 0 and hands the whole stream to the body, as the engine does after a call header. Every
case runs whole, per character, with empty deltas and at random cuts; after every feed the hold
is checked against the body's bound, and at the end the deltas must concatenate to the arguments
JSON that parses to ``arguments``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import assert_deltas_match, chunkings, counter_ids, split_at
from streamparse import ParseResult, StreamParser
from streamparse.schema_types import tool_types
from streamparse.xmlargs import GLM45, QWEN3_CODER, XmlBody, XmlTags


class Harness(StreamParser):
    """One call named ``name`` opens at offset 0; its arguments are ``tags``' XML; after the call
    ends, the rest is text."""

    format_name = "xml-harness"

    def __init__(self, tags: XmlTags, tools: Any = None, name: str = "f", **options: Any) -> None:
        super().__init__(tools=tools, id_factory=counter_ids(), **options)
        self.tags, self.name = tags, name
        self.body: XmlBody | None = None
        self.stage = "start"
        self.max_held = 0

    def _open(self, base: int) -> XmlBody:
        if self.body is None:
            self._open_call(self.name, base)
            self.body = XmlBody(self.tags, tool_types(self.tools, self.name))
            self.stage = "call"
        return self.body

    def _run(self, buf: str, base: int) -> int:
        i = 0
        if self.stage != "text":
            body = self._open(base)
            i = body.scan(self, buf, 0, base)
            if not body.closed:
                self.max_held = max(self.max_held, len(buf) - i)
                return i
            self.stage = "text"
        self._text(buf[i:], base + len(buf))
        return len(buf)

    def _finish(self, buf: str, base: int) -> None:
        if self.stage != "text":
            body = self._open(base)
            body.finish(self, buf, base)
            assert body.closed
            return
        self._text(buf, base + len(buf))

    def _may_hold_in_call(self, held: str) -> bool:
        return self.body is not None and self.body.may_hold(held)


def run(chunks: list[str], tags: XmlTags = QWEN3_CODER, tools: Any = None) -> tuple[ParseResult, Harness]:
    parser = Harness(tags, tools)
    events: list[Any] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
        problem = parser.hold_back_problem()
        assert problem is None, problem
        assert parser.body is None or parser.body.closed or len(parser._held) <= parser.body.bound
    events.extend(parser.close())
    position = 0
    for event in events:  # the events tile the input
        assert event.span[0] == position, (event, position)
        position = event.span[1]
    assert position == sum(map(len, chunks))
    assert_deltas_match(events)
    result = ParseResult.from_events(events)
    for call in result.tool_calls:
        assert json.loads(call.raw_arguments) == call.arguments
    return result, parser


def outcome(result: ParseResult) -> Any:
    return (
        [(c.arguments, c.raw_arguments) for c in result.tool_calls],
        [(e.raw, e.message) for e in result.errors],
        result.content,
    )


def check(text: str, tags: XmlTags = QWEN3_CODER, tools: Any = None) -> ParseResult:
    """Whole, per character, with empty deltas and at random cuts: all the same."""
    whole, _ = run([text], tags, tools)
    for chunks in chunkings(text, seed=len(text)):
        assert outcome(run(chunks, tags, tools)[0]) == outcome(whole), chunks
    return whole


def arguments(text: str, tags: XmlTags = QWEN3_CODER, tools: Any = None) -> dict[str, Any]:
    result = check(text, tags, tools)
    assert not result.errors, result.errors
    assert len(result.tool_calls) == 1
    return result.tool_calls[0].arguments


def error(text: str, tags: XmlTags = QWEN3_CODER, tools: Any = None) -> str:
    result = check(text, tags, tools)
    assert not result.tool_calls and len(result.errors) == 1, result
    return result.errors[0].message


def tool(properties: dict[str, Any], name: str = "f", **extra: Any) -> list[dict[str, Any]]:
    return [{"name": name, "parameters": {"type": "object", "properties": properties, **extra}}]


END = "</function>"


# ---- qwen3_coder markup --------------------------------------------------------------------


def test_one_newline_each_side_is_markup_the_rest_is_data() -> None:
    value = "\n    indented\n\n  trailing spaces  \n\n"
    text = f"\n<parameter=code>\n{value}\n</parameter>\n{END}"
    assert arguments(text) == {"code": value}


def test_a_value_without_the_wrapping_newlines_is_taken_as_written() -> None:
    assert arguments(f"<parameter=a>x</parameter>{END}") == {"a": "x"}
    assert arguments(f"<parameter=a>\n</parameter>\n{END}") == {"a": ""}
    assert arguments(f"<parameter=a>\n\n</parameter>\n{END}") == {"a": ""}
    assert arguments(f"<parameter=a>\n\n\n</parameter>\n{END}") == {"a": "\n"}


def test_the_streamed_json_and_its_pieces() -> None:
    result = check(f"\n<parameter=a>\nx\"y\n</parameter>\n<parameter=b>\n中\n</parameter>\n{END}")
    call = result.tool_calls[0]
    assert call.raw_arguments == '{"a": "x\\"y", "b": "中"}'
    assert call.arguments == {"a": 'x"y', "b": "中"}


def test_string_values_stream_as_they_arrive_other_values_whole() -> None:
    parser = Harness(QWEN3_CODER, tool({"s": {"type": "string"}, "n": {"type": "integer"}}))
    assert [e.type for e in parser.feed("<parameter=s>\nab")] == ["tool_call_start", "tool_call_delta", "tool_call_delta"]
    assert [e.arguments_delta for e in parser.feed("cd")] == ["cd"]
    assert [e.arguments_delta for e in parser.feed("\n</parameter>\n<parameter=n>\n1")] == ['"', ', "n": ']
    assert parser.feed("2") == []
    assert parser.feed("\n</parameter>\n") == []  # structural only if </function> follows
    events = parser.feed(END)
    assert [getattr(e, "arguments_delta", e.type) for e in events] == ["12", "}", "tool_call_end"]
    assert events[-1].arguments == {"s": "abcd", "n": 12}


def test_a_key_shows_when_it_is_complete() -> None:
    parser = Harness(QWEN3_CODER)
    parser.feed("<parameter=lo")
    assert parser._held == "lo"
    assert [e.arguments_delta for e in parser.feed("ng>")] == ['{"long": "']


def test_keys_are_stripped_and_escaped() -> None:
    assert arguments(f'<parameter= a"b >\n1\n</parameter>\n{END}') == {'a"b': "1"}


def test_a_key_given_twice_appears_twice_and_the_last_wins() -> None:
    result = check(f"<parameter=a>\n1\n</parameter>\n<parameter=a>\n2\n</parameter>\n{END}")
    assert result.tool_calls[0].raw_arguments == '{"a": "1", "a": "2"}'
    assert result.tool_calls[0].arguments == {"a": "2"}


def test_no_parameters_is_an_empty_object() -> None:
    result = check(f"\n{END}")
    assert (result.tool_calls[0].arguments, result.tool_calls[0].raw_arguments) == ({}, "{}")


def test_text_after_the_call_is_not_the_bodys() -> None:
    result = check(f"<parameter=a>\n1\n</parameter>\n{END}\n</tool_call>after")
    assert result.tool_calls[0].arguments == {"a": "1"}
    assert result.content == "\n</tool_call>after"


# ---- structural closing tags (F12) ----------------------------------------------------------


@pytest.mark.parametrize("inner", [
    "x</parameter>y",  # followed by text: data
    "</parameter>\nnot a tag",
    "a</parameter>" + " " * 33 + "<parameter=b>",  # more than 32 whitespace characters
    'print("</parameter>")',
    "</function> is a tag\n</function>x",
    "<parameter=b> at a line start, b not listed",
    "<parameter",
    "< / > <<>>",
])
def test_a_closing_tag_that_is_not_structural_is_data(inner: str) -> None:
    assert arguments(f"<parameter=a>\n{inner}\n</parameter>\n{END}") == {"a": inner}


@pytest.mark.parametrize("gap", ["", "\n", " \t\r\n", " " * 32])
def test_a_closing_tag_followed_by_what_may_follow_is_structural(gap: str) -> None:
    assert arguments(f"<parameter=a>\n1\n</parameter>{gap}<parameter=b>\n2\n</parameter>{gap}{END}") == {"a": "1", "b": "2"}


def test_a_closing_tag_at_the_end_of_the_stream_is_structural() -> None:
    """The value closes; qwen3_coder's call ends only at </function> (truncated), glm45's is
    complete (complete_at_end)."""
    for text in ("<parameter=a>\nx\n</parameter>\n\n", "<parameter=a>\nx\n</parameter>"):
        result = check(text)
        assert [(e.raw, e.message) for e in result.errors] == [('{"a": "x"', "stream ended before </function> (truncated call)")]
    assert arguments("<arg_key>a</arg_key><arg_value>x</arg_value>\n", GLM45) == {"a": "x"}


# ---- missing closing tags (F9, F10) -----------------------------------------------------------


def test_a_missing_parameter_close_before_the_function_close() -> None:
    schema = tool({"body": {"type": "object"}})
    text = '<parameter=body>\n{"airConJobMode": "AIR_CLEAN"}\n</function>\n</tool_call>'
    result = check(text, tools=schema)
    assert result.tool_calls[0].arguments == {"body": {"airConJobMode": "AIR_CLEAN"}}
    assert result.content == "\n</tool_call>"
    assert arguments('<parameter=a>\nx\n</function>') == {"a": "x"}
    assert arguments('<parameter=a>\nx\n</function>\n<tool_call>') == {"a": "x"}


def test_a_function_close_followed_by_text_is_data() -> None:
    text = "<parameter=a>\nx\n</function> more\n</parameter>\n</function>"
    assert arguments(text) == {"a": "x\n</function> more"}


def test_a_missing_parameter_close_before_a_listed_key_at_a_line_start() -> None:
    schema = tool({"city": {"type": "string"}, "state": {"type": "string"}})
    text = "<parameter=city>\nDallas\n<parameter=state>\nTX\n</parameter>\n</function>"
    assert arguments(text, tools=schema) == {"city": "Dallas", "state": "TX"}


def test_a_key_already_given_or_not_listed_or_mid_line_does_not_close() -> None:
    schema = tool({"a": {"type": "string"}, "b": {"type": "string"}})
    for inner in ["x\n<parameter=a>y", "x\n<parameter=c>y", "x <parameter=b>y", "x\n<parameter=b y"]:
        assert arguments(f"<parameter=a>\n{inner}\n</parameter>\n{END}", tools=schema) == {"a": inner}


# ---- malformed markup and truncation (F13, F22) -----------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("<parameter=\nfoo\n</parameter>\n</function>", "before the line ends"),
    ("<parameter=>\nfoo\n</parameter>\n</function>", "empty parameter name"),
    ("<parameter= \t>\nfoo\n</parameter>\n</function>", "empty parameter name"),
    ("<parameter=a<b>\nfoo\n</parameter>\n</function>", "malformed tag"),
    ("<parameter=" + "k" * 80 + ">\n1\n</parameter>\n</function>", "longer than 64"),
    ("hello\n</function>", "unexpected text between parameters"),
])
def test_malformed_markup_ends_the_call_with_an_error(text: str, message: str) -> None:
    assert message in error(text)


def test_an_error_keeps_the_json_built_so_far() -> None:
    result = check("<parameter=a>\n1\n</parameter>\n<parameter=\nb")
    assert result.errors[0].raw == '{"a": "1"'
    assert result.errors[0].index == 0


@pytest.mark.parametrize("text, message", [
    ("<parameter=a>\nabc", "inside the value of 'a'"),
    ("<parameter=a>\nabc\n</para", "inside the value of 'a'"),
    ("<parameter=a>\nabc\n</parameter>x", "inside the value of 'a'"),
    ("<parameter=a", "inside a parameter name"),
    ("<parameter=a>", "before the value"),
    ("", "before </function>"),
    ("<parameter=a>\n1\n</parameter>\n</func", "inside the value of 'a'"),  # not structural
    ("<parameter=a>\n1\n</parameter>\n<tool_call>", "inside the value of 'a'"),
    ("<parameter=a>\n1\n</parameter>\n<parameter=b>\n2\n</parameter>\n</func", "inside the value of 'b'"),
    ("\n  ", "before </function>"),
    ("\n</func", "before </function>"),
])
def test_a_stream_that_ends_inside_the_call_is_a_truncated_call(text: str, message: str) -> None:
    found = error(text)
    assert "truncated call" in found and message in found, found


def test_a_truncated_value_is_in_raw() -> None:
    assert check("<parameter=a>\nab\"c").errors[0].raw == '{"a": "ab\\"c'
    schema = tool({"n": {"type": "integer"}})
    assert check("<parameter=n>\n12", tools=schema).errors[0].raw == '{"n": 12'


# ---- typing (the rules themselves are in test_schema_types.py) --------------------------------


def test_values_are_typed_by_the_schema() -> None:
    schema = tool({
        "zip": {"type": "string"}, "n": {"type": "integer"}, "x": {"type": "number"},
        "ok": {"type": "boolean"}, "o": {"type": "object"}, "l": {"type": "array"},
        "maybe": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    })
    text = "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in [
        ("zip", "02139"), ("n", " 42 "), ("x", "-1.5e3"), ("ok", "True"), ("o", '{"a": [1]}'),
        ("l", "[1, 2]"), ("maybe", "None"),
    ]) + END
    result = check(text, tools=schema)
    assert result.tool_calls[0].arguments == {
        "zip": "02139", "n": 42, "x": -1500.0, "ok": True, "o": {"a": [1]}, "l": [1, 2], "maybe": None,
    }
    assert result.tool_calls[0].raw_arguments == (
        '{"zip": "02139", "n": 42, "x": -1.5e3, "ok": true, "o": {"a": [1]}, "l": [1, 2], "maybe": null}'
    )


def test_a_value_that_does_not_convert_stays_a_string() -> None:
    schema = tool({"n": {"type": "integer"}, "o": {"type": "object"}})
    text = f"<parameter=n>\n1.5\n</parameter>\n<parameter=o>\n{{'a': 1}}\n</parameter>\n{END}"
    assert arguments(text, tools=schema) == {"n": "1.5", "o": "{'a': 1}"}


def test_string_or_null_streams_as_a_string_once_it_cannot_be_null() -> None:
    schema = tool({"s": {"type": ["string", "null"]}})
    parser = Harness(QWEN3_CODER, schema)
    assert [e.type for e in parser.feed("<parameter=s>\n  no")] == ["tool_call_start", "tool_call_delta"]
    assert [e.arguments_delta for e in parser.feed("p")] == ['"  nop']
    assert [e.arguments_delta for e in parser.feed("e")] == ["e"]
    parser = Harness(QWEN3_CODER, schema)
    parser.feed("<parameter=s>\nnull ")
    events = parser.feed("\n</parameter>\n" + END)
    assert [getattr(e, "arguments_delta", e.type) for e in events] == ["null", "}", "tool_call_end"]


def test_partial_shows_complete_members_and_the_open_string() -> None:
    parser = Harness(QWEN3_CODER, tool({"n": {"type": "integer"}, "s": {"type": "string"}}))
    parser.feed("<parameter=n>\n7\n</parameter>\n<parameter=s>\nab")
    assert parser.body is not None and parser.body.partial() == {"n": 7, "s": "ab"}


# ---- glm45's tags (the same body) ------------------------------------------------------------


def test_glm_tags() -> None:
    text = "\n<arg_key>city</arg_key>\n<arg_value>北京</arg_value>\n<arg_key>n</arg_key><arg_value>  two  spaces\n</arg_value></tool_call>"
    assert arguments(text, GLM45) == {"city": "北京", "n": "  two  spaces\n"}
    assert arguments("<arg_key>s</arg_key><arg_value>x</arg_value>y</arg_value></tool_call>", GLM45) == {"s": "x</arg_value>y"}
    assert arguments("</tool_call>", GLM45) == {}
    assert arguments("<arg_key>s</arg_key><arg_value>x</tool_call>", GLM45) == {"s": "x"}
    assert arguments("<arg_key>s</arg_key><arg_value>x</arg_value>", GLM45) == {"s": "x"}
    schema = tool({"n": {"type": "string"}})
    assert arguments("<arg_key>n</arg_key><arg_value>123_456</arg_value></tool_call>", GLM45, schema) == {"n": "123_456"}


def test_glm_turn_end_ends_the_call_and_is_left_to_the_format() -> None:
    result = check("<arg_key>s</arg_key><arg_value>x</arg_value><|observation|>", GLM45)
    assert result.tool_calls[0].arguments == {"s": "x"}
    assert result.content == "<|observation|>"


@pytest.mark.parametrize("text, message", [
    ("<arg_key>s<arg_value>x</arg_value></tool_call>", "no '</arg_key>'"),
    ("<arg_key>s</arg_key>x<arg_value>x</arg_value></tool_call>", "no '<arg_value>'"),
    ("junk</tool_call>", "unexpected text between arguments"),
])
def test_glm_broken_markup(text: str, message: str) -> None:
    assert message in error(text, GLM45)


# ---- properties ------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "</parameter>", "</function>", "<parameter=", "<parameter=b>", "\n", " ", "\t", "<", ">",
    "</tool_call>", "<tool_call>", "\"", "\\", "é", "中", "🙂", "x", "1", "null", "{}", "&amp;",
])
value_texts = st.lists(_PIECES | st.text(max_size=3), max_size=12).map("".join)


def structural(value: str, keys: set[str]) -> bool:
    """Whether ``value`` holds a sequence that would close it early (the contract's round trip
    excludes those)."""
    probe = f"<parameter=a>\n{value}\n</parameter>\n{END}"
    body_result, _ = run([probe], QWEN3_CODER, tool({k: {"type": "string"} for k in keys}))
    calls = body_result.tool_calls
    return not (calls and calls[0].arguments == {"a": value})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", " d "]), value_texts), max_size=4), st.data())
def test_strings_round_trip_under_any_chunking(members: list[tuple[str, str]], data: st.DataObject) -> None:
    text = "\n" + "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in members) + END
    expected = {k.strip(): v for k, v in members}
    keys = {k.strip() for k, _ in members}
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    result, parser = run(split_at(text, cuts))
    whole, _ = run([text])
    assert outcome(result) == outcome(whole)
    if not any(structural(v, keys) for _, v in members):
        assert whole.tool_calls[0].arguments == expected
    assert parser.max_held <= 64


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=4), max_size=30).map("".join), st.data(),
       st.sampled_from([QWEN3_CODER, GLM45]))
def test_any_text_never_raises_and_the_json_parses(text: str, data: st.DataObject, tags: XmlTags) -> None:
    schema = tool({"a": {"type": ["string", "null"]}, "b": {"type": "integer"}, "c": {"type": "string"}})
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    whole, _ = run([text], tags, schema)
    result, parser = run(split_at(text, cuts), tags, schema)  # run() checks tiling, holds, json
    assert outcome(result) == outcome(whole)
    assert parser.max_held <= parser.body.bound if parser.body else True
