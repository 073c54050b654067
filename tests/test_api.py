"""The public surface: names, tools, and misuse raising errors that name the problem."""

from __future__ import annotations

import re

import pytest

import streamparse
from streamparse import (
    ParserClosedError,
    StreamParser,
    Tool,
    ToolDefinitionError,
    UnknownFormatError,
)


def test_all_lists_the_public_names():
    assert sorted(streamparse.__all__) == sorted(
        name for name in dir(streamparse) if not name.startswith("_") and name in streamparse.__all__
    )
    for name in streamparse.__all__:
        assert hasattr(streamparse, name), name


def test_formats_include_both():
    assert {"qwen2", "glm4"} <= set(streamparse.formats())


def test_stream_parser_returns_the_format_class():
    parser = StreamParser("glm4")
    assert isinstance(parser, StreamParser) and parser.format_name == "glm4"


def test_unknown_format_lists_the_known_ones():
    known = ", ".join(repr(name) for name in streamparse.formats())
    with pytest.raises(UnknownFormatError, match=f"unknown format 'qwen9'; known formats: {re.escape(known)}"):
        StreamParser("qwen9")
    with pytest.raises(UnknownFormatError):
        streamparse.parse("x", "nope")


def test_feed_after_close():
    parser = StreamParser("qwen2")
    parser.close()
    with pytest.raises(ParserClosedError, match="after close"):
        parser.feed("x")
    with pytest.raises(ParserClosedError, match="twice"):
        parser.close()


@pytest.mark.parametrize("delta", [b"bytes", None, 3, ["x"]])
def test_feed_rejects_non_str(delta):
    with pytest.raises(TypeError, match=f"not {type(delta).__name__}"):
        StreamParser("qwen2").feed(delta)


def test_tool_without_a_name():
    with pytest.raises(ToolDefinitionError, match=r"tools\[1\].*name"):
        StreamParser("qwen2", tools=[{"name": "ok"}, {"type": "function", "function": {"description": "x"}}])


def test_tool_with_an_empty_name():
    with pytest.raises(ToolDefinitionError, match=r"tools\[0\]"):
        StreamParser("glm4", tools=[{"name": ""}])


def test_duplicate_tool_names():
    with pytest.raises(ToolDefinitionError, match=r"duplicate tool name 'a'.*tools\[0\]"):
        streamparse.parse("", "glm4", tools=[{"name": "a"}, Tool(name="a")])


def test_tools_must_be_a_list():
    with pytest.raises(ToolDefinitionError, match="list"):
        StreamParser("qwen2", tools={"name": "a"})
    with pytest.raises(ToolDefinitionError, match=r"tools\[0\] must be a dict"):
        StreamParser("qwen2", tools=["a"])


def test_tool_accepts_openai_and_bare_definitions():
    openai = Tool.model_validate({"type": "function", "function": {"name": "f", "description": "d",
                                                                   "parameters": {"type": "object"}}})
    bare = Tool.model_validate({"name": "f", "description": "d", "parameters": {"type": "object"}})
    assert openai == bare
    assert openai.openai()["function"]["name"] == "f"


def test_events_validate_when_users_build_them():
    event = streamparse.ToolCallDelta(index=0, arguments_delta="{", span=(0, 1))
    assert event.type == "tool_call_delta"
    with pytest.raises(ValueError):
        streamparse.ToolCallDelta(index="x", arguments_delta="{", span=(0, 1))


def test_events_built_by_the_parser_equal_validated_ones():
    event = StreamParser("qwen2").feed("hello")[0]
    assert event == streamparse.TextEvent(text="hello", span=(0, 5))
    assert event.model_dump() == {"type": "text", "text": "hello", "span": (0, 5)}


def test_hold_back_limit_grows_with_long_tool_names():
    assert StreamParser("glm4").hold_back_limit == 128
    # contract v2: the longest declared name plus 64 (version 1: plus 32)
    assert StreamParser("glm4", tools=[{"name": "n" * 200}]).hold_back_limit == 264


def test_glm4_special_token_ids_are_checked():
    with pytest.raises(ValueError, match="special_token_ids"):
        StreamParser("glm4", special_token_ids={1: "<|system|>"})


def test_signature_shows_the_options():
    import inspect

    parameters = inspect.signature(streamparse.StreamParser).parameters
    assert list(parameters)[:3] == ["format", "tools", "id_factory"]


def test_repr_names_format_tools_state_and_what_is_held():
    parser = streamparse.StreamParser("glm4", tools=[{"name": "get_weather"}])
    parser.feed("get_wea")
    assert repr(parser) == "<Glm4Parser format='glm4' tools=1 state='segment' held_back=7>"
    parser.close()
    assert "state='closed' held_back=0" in repr(parser)
    assert "tools=any" in repr(streamparse.StreamParser("qwen2"))


def test_hold_back_problem_reports_what_a_format_may_not_hold():
    """The check the suite runs after every feed can fail: a parser that holds everything is
    caught as soon as it holds what could not begin a marker."""
    from streamparse.families.qwen.qwen2 import Qwen2Parser

    class Hoarder(Qwen2Parser):
        def _run(self, buf, base):
            return 0  # hold it all

    parser = Hoarder()
    parser.feed("Act")
    assert parser.hold_back_problem() is None  # could still begin "Action:"
    parser.feed("ually, no.")
    assert "cannot begin a marker" in parser.hold_back_problem()
    parser.feed("x" * 200)
    assert "held back 213 > 128" in parser.hold_back_problem()
