"""Registration (entry point and ``--tool-parser-plugin`` file) and the ``ToolParser`` contract
as vLLM uses it, with vLLM's real classes."""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from vllm_harness import case_by_name, chunkings

import streamparse
import streamparse_vllm

PLUGIN_FILE = Path(__file__).parents[2] / "integrations" / "vllm" / "streamparse_tool_parser.py"
NAMES = tuple(streamparse_vllm.plugin_name(name) for name in streamparse.formats())


@pytest.fixture
def clean_registry(monkeypatch):
    """vLLM's registries without the streamparse parsers, restored afterwards."""
    import vllm.plugins
    from vllm.reasoning import ReasoningParserManager
    from vllm.tool_parsers import ToolParserManager

    monkeypatch.setattr(ToolParserManager, "tool_parsers", dict(ToolParserManager.tool_parsers))
    monkeypatch.setattr(ToolParserManager, "lazy_parsers", dict(ToolParserManager.lazy_parsers))
    monkeypatch.setattr(
        ReasoningParserManager, "reasoning_parsers", dict(ReasoningParserManager.reasoning_parsers)
    )
    monkeypatch.setattr(
        ReasoningParserManager, "lazy_parsers", dict(ReasoningParserManager.lazy_parsers)
    )
    for name in NAMES:
        ToolParserManager.tool_parsers.pop(name, None)
        ToolParserManager.lazy_parsers.pop(name, None)
        ReasoningParserManager.reasoning_parsers.pop(name, None)
        ReasoningParserManager.lazy_parsers.pop(name, None)
    monkeypatch.setattr(vllm.plugins, "plugins_loaded", False)
    monkeypatch.delenv("VLLM_PLUGINS", raising=False)
    return ToolParserManager


def test_entry_point_is_declared():
    points = importlib.metadata.entry_points(group="vllm.general_plugins")
    ours = [p for p in points if p.name == "streamparse"]
    assert [p.value for p in ours] == ["streamparse_vllm:register"]
    assert ours[0].load() is streamparse_vllm.register


def test_vllm_general_plugins_register_the_parsers(clean_registry):
    from vllm.plugins import load_general_plugins
    from vllm.reasoning import ReasoningParserManager

    from streamparse_vllm.reasoning_parser import StreamparseReasoningParser
    from streamparse_vllm.tool_parser import (
        Glm4StreamparseToolParser,
        Qwen2StreamparseToolParser,
        StreamparseToolParser,
    )

    assert not set(NAMES) & set(clean_registry.list_registered())
    assert not set(NAMES) & set(ReasoningParserManager.list_registered())
    load_general_plugins()  # what every vLLM process does at start-up
    assert set(NAMES) <= set(clean_registry.list_registered())
    assert set(NAMES) <= set(ReasoningParserManager.list_registered())
    assert clean_registry.get_tool_parser("streamparse-qwen2") is Qwen2StreamparseToolParser
    assert clean_registry.get_tool_parser("streamparse-glm4") is Glm4StreamparseToolParser
    for fmt, name in zip(streamparse.formats(), NAMES, strict=True):
        tool = clean_registry.get_tool_parser(name)
        reasoning = ReasoningParserManager.get_reasoning_parser(name)
        assert issubclass(tool, StreamparseToolParser) and tool.format == fmt
        assert issubclass(reasoning, StreamparseReasoningParser) and reasoning.format == fmt
    streamparse_vllm.register()  # plugins may be loaded again: harmless
    assert clean_registry.get_tool_parser("streamparse-glm4") is Glm4StreamparseToolParser


def test_tool_parser_plugin_file(clean_registry):
    from vllm.entrypoints.common.cli_args import init_parser_plugin, validate_api_server_args
    from vllm.reasoning import ReasoningParserManager
    from vllm.tool_parsers import ToolParser

    args = argparse.Namespace(
        tool_parser_plugin=str(PLUGIN_FILE),
        reasoning_parser_plugin=str(PLUGIN_FILE),
        enable_auto_tool_choice=True,
        tool_call_parser="streamparse-glm4",
        structured_outputs_config=SimpleNamespace(reasoning_parser="streamparse-glm47"),
    )
    with pytest.raises(KeyError):
        validate_api_server_args(args)  # not known before the plugin file is imported
    try:
        init_parser_plugin(args)  # what `vllm serve --tool-parser-plugin FILE` does
        validate_api_server_args(args)
        for fmt, name in zip(streamparse.formats(), NAMES, strict=True):
            cls = clean_registry.get_tool_parser(name)
            assert issubclass(cls, ToolParser)
            assert cls.format == fmt
            assert ReasoningParserManager.get_reasoning_parser(name).format == fmt
    finally:
        sys.modules.pop("streamparse_tool_parser", None)


@pytest.mark.parametrize("name", NAMES)
def test_constructed_without_tools_or_tokenizer(registered, tokenizer, name):
    from vllm.tool_parsers import ToolParserManager

    cls = ToolParserManager.get_tool_parser(name)
    for parser in (cls(tokenizer), cls(tokenizer, None), cls(None, [])):
        assert parser.sp_tools is None
        assert parser.finish_streaming() is None


def test_glm4_special_ids_come_from_the_tokenizer(registered, tokenizer):
    from streamparse_vllm.tool_parser import Glm4StreamparseToolParser, Qwen2StreamparseToolParser

    assert Glm4StreamparseToolParser(tokenizer).special_ids == {
        151329: "<|endoftext|>",
        151336: "<|user|>",
        151337: "<|assistant|>",
        151338: "<|observation|>",
    }
    assert Qwen2StreamparseToolParser(tokenizer).special_ids == {}


def _request(case, **extra):
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    return ChatCompletionRequest(
        model="m", messages=[{"role": "user", "content": "hi"}], tools=case["tools"], **extra
    )


def _drive(parser, deltas, request, engine_based):
    """Call the parser the way vLLM's DelegatingParser does, in either convention."""
    messages = []
    previous_text, previous_ids = "", []
    for text, ids in deltas:
        if engine_based:
            current_text, current_ids = text, ids
        else:
            current_text, current_ids = previous_text + text, previous_ids + ids
        messages.append(
            parser.extract_tool_calls_streaming(
                "" if engine_based else previous_text,
                current_text,
                text,
                [] if engine_based else previous_ids,
                current_ids,
                ids,
                request,
            )
        )
        if not engine_based:
            previous_text, previous_ids = current_text, current_ids
    return [m for m in messages if m is not None]


@pytest.mark.parametrize("engine_based", [True, False], ids=["engine_based", "legacy"])
def test_only_delta_text_is_read(registered, tokenizer, engine_based):
    """Same deltas under both call conventions: identical messages (current_text is ignored)."""
    from streamparse_vllm.tool_parser import Qwen2StreamparseToolParser

    case = case_by_name("qwen2_two_calls")
    request = _request(case)
    deltas = chunkings(case["tokens"])["merged"]
    runs = []
    for convention in (True, engine_based):
        parser = Qwen2StreamparseToolParser(tokenizer, request.tools)
        messages = _drive(parser, deltas, request, convention)
        messages.append(parser.finish_streaming())
        runs.append(
            [m.model_dump(exclude={"tool_calls": {"__all__": {"id"}}}) for m in messages if m]
        )
    assert runs[0] == runs[1]


def test_bookkeeping_leaves_nothing_for_vllm_to_resend(registered, tokenizer):
    from streamparse_vllm.tool_parser import Glm4StreamparseToolParser

    case = case_by_name("glm4_two_calls_skipped_specials")
    request = _request(case)
    parser = Glm4StreamparseToolParser(tokenizer, request.tools)
    streamed: dict[int, str] = {}
    for text, ids in chunkings(case["tokens"])["per_token"]:
        message = parser.extract_tool_calls_streaming("", text, text, [], ids, ids, request)
        for entry in message.tool_calls if message else []:
            streamed[entry.index] = streamed.get(entry.index, "") + entry.function.arguments
            assert parser.get_remaining_unstreamed_args() == ""
    parser.finish_streaming()
    assert parser.get_remaining_unstreamed_args() == ""
    assert parser.streamed_args_for_tool == [streamed[0], streamed[1]]
    assert [c["arguments"] for c in parser.prev_tool_call_arr] == [streamed[0], streamed[1]]
    assert [c["name"] for c in parser.prev_tool_call_arr] == [
        "get_current_weather",
        "calculate_gpa",
    ]


def test_truncated_call_stays_a_call_in_both_paths(registered, tokenizer):
    from streamparse_vllm.tool_parser import Qwen2StreamparseToolParser

    case = case_by_name("qwen2_truncated_call")
    request = _request(case)
    text = "".join(t for t, _ in case["tokens"])
    info = Qwen2StreamparseToolParser(tokenizer, request.tools).extract_tool_calls(text, request)
    assert info.tools_called
    assert [(c.function.name, c.function.arguments) for c in info.tool_calls] == [
        ("get_current_weather", '{"location": "Bost')
    ]
    assert info.content is None


def test_adjust_request(registered, tokenizer):
    from streamparse_vllm.tool_parser import Glm4StreamparseToolParser, Qwen2StreamparseToolParser

    case = case_by_name("glm4_one_call_kept_specials")
    for tool_choice, expected in (("auto", False), ("none", None)):
        request = _request(case, tool_choice=tool_choice)
        request = Glm4StreamparseToolParser(tokenizer).adjust_request(request)
        assert request.skip_special_tokens is expected
    request = Qwen2StreamparseToolParser(tokenizer).adjust_request(_request(case))
    assert request.skip_special_tokens is None


@pytest.mark.parametrize(
    ("extra", "lag"),
    [({}, 0), ({"stop": "Observation:"}, 11), ({"stop": ["ab", "Observation:"]}, 11),
     ({"stop": ["Observation:"], "include_stop_str_in_output": True}, 0)],
)
def test_text_lag_comes_from_the_requests_stop_strings(extra, lag):
    from streamparse_vllm.tool_parser import text_lag

    assert text_lag(_request(case_by_name("glm4_two_calls_skipped_specials"), **extra)) == lag


def test_glm4_separator_id_ahead_of_its_text_under_stop_strings(registered, tokenizer):
    """vLLM holds back the stop string's length minus 1 characters of text, never the ids: the
    skipped <|assistant|> arrives before the first call's "}". Both calls must come through."""
    from streamparse_vllm.tool_parser import Glm4StreamparseToolParser

    case = case_by_name("glm4_two_calls_skipped_specials")
    request = _request(case, stop=["Observation:"])
    text = 'get_current_weather\n{"location": "Paris"}calculate_gpa\n{"grades": ["A"], "hours": [3]}'
    split = text.index("}") + 1 - 11  # 11 characters of text lag behind the separator's id
    deltas = [(text[:split], [1, 2]), ("", [151337]), (text[split:], [3, 4])]
    parser = Glm4StreamparseToolParser(tokenizer, request.tools)
    messages = _drive(parser, deltas, request, engine_based=True)
    messages.append(parser.finish_streaming())
    names = [entry.function.name for m in messages if m for entry in m.tool_calls if entry.id]
    arguments = {}
    for m in messages:
        for entry in m.tool_calls if m else []:
            arguments[entry.index] = arguments.get(entry.index, "") + entry.function.arguments
    assert names == ["get_current_weather", "calculate_gpa"]
    assert arguments == {0: '{"location": "Paris"}', 1: '{"grades": ["A"], "hours": [3]}'}


def test_glm4_separator_after_a_sentence_under_stop_strings(registered, tokenizer):
    """The id of a skipped <|assistant|> after a plain sentence arrives 11 characters of text
    early; only the request's text lag puts it after the sentence, so the call is not lost."""
    from streamparse_vllm.tool_parser import Glm4StreamparseToolParser

    case = case_by_name("glm4_two_calls_skipped_specials")
    sentence, call = "\nLet me check that.", 'get_current_weather\n{"location": "Paris"}'
    split = len(sentence) - 11
    deltas = [(sentence[:split], [1, 2]), ("", [151337]), (sentence[split:] + call, [3, 4])]
    for stop, lost in ((["Observation:"], False), (None, True)):
        request = _request(case, stop=stop)
        parser = Glm4StreamparseToolParser(tokenizer, request.tools)
        messages = _drive(parser, deltas, request, engine_based=True)
        messages.append(parser.finish_streaming())
        names = [e.function.name for m in messages if m for e in m.tool_calls if e.id]
        content = "".join(m.content or "" for m in messages if m)
        if lost:  # without the stop string the lag is unknown: the id splits the sentence
            assert names == []
        else:
            assert (names, content) == (["get_current_weather"], "Let me check that.")


def test_delta_models_built_without_validation_serialise_as_validated(registered):
    """The tool parser builds vLLM's DeltaMessage / DeltaToolCall / DeltaFunctionCall without
    re-validating; each shape it builds equals, dumps and serialises (exclude_unset, as vLLM's
    SSE chunks are written) exactly as the validated construction does, and stays mutable the
    way vLLM mutates it."""
    from vllm.entrypoints.generate.base.protocol import (
        DeltaFunctionCall,
        DeltaMessage,
        DeltaToolCall,
    )
    from vllm.entrypoints.openai.chat_completion.protocol import (
        ChatCompletionResponseStreamChoice,
        ChatCompletionStreamResponse,
    )

    from streamparse_vllm import tool_parser as tp

    def fast_entries():
        return [
            tp._first_entry(0, "call_1", "get_weather", '{"c'),
            tp._arguments_entry(1, 'ity": "北京"}'),
        ]

    def validated_entries():
        return [
            DeltaToolCall(index=0, id="call_1", type="function",
                          function=DeltaFunctionCall(name="get_weather", arguments='{"c')),
            DeltaToolCall(index=1, function=DeltaFunctionCall(arguments='ity": "北京"}')),
        ]

    shapes = [
        {"content": "Hello"},
        {"reasoning": "hm"},
        {"content": ""},
        {"reasoning": "hm", "content": "x"},
        {"tool_calls": True},
        {"content": " ", "tool_calls": True},
        {"reasoning": "r", "content": "c", "tool_calls": True},
    ]
    for shape in shapes:
        fast_values = dict(shape)
        slow_values = dict(shape)
        if shape.get("tool_calls"):
            fast_values["tool_calls"] = fast_entries()
            slow_values["tool_calls"] = validated_entries()
        fast, slow = tp.new_message(**fast_values), DeltaMessage(**slow_values)
        if list(shape) == ["content"]:
            fast = tp._content_message(shape["content"])  # the one-event shortcuts
        elif list(shape) == ["reasoning"]:
            fast = tp._reasoning_message(shape["reasoning"])
        elif list(shape) == ["tool_calls"]:
            fast = tp._tool_calls_message(fast_entries())
            one = tp._arguments_message(1, 'ity": "北京"}')  # a delta inside a call
            validated = DeltaMessage(tool_calls=validated_entries()[1:])
            assert one == validated and one.model_fields_set == validated.model_fields_set
            assert one.model_dump_json(exclude_unset=True) == validated.model_dump_json(
                exclude_unset=True
            )
        assert type(fast) is DeltaMessage
        for got, want in zip(fast.tool_calls, slow.tool_calls, strict=True):
            assert got.model_fields_set == want.model_fields_set
            assert got.function.model_fields_set == want.function.model_fields_set
        assert fast == slow
        assert fast.model_fields_set == slow.model_fields_set
        assert fast.model_dump() == slow.model_dump()
        for options in ({}, {"exclude_unset": True}, {"exclude_none": True}):
            assert fast.model_dump_json(**options) == slow.model_dump_json(**options)
        chunks = [
            ChatCompletionStreamResponse(
                id="c", created=0, model="m",
                choices=[ChatCompletionResponseStreamChoice(index=0, delta=delta)],
            ).model_dump_json(exclude_unset=True)
            for delta in (fast, slow)
        ]
        assert chunks[0] == chunks[1]
        for message in (fast, slow):  # what vLLM's DelegatingParser does to a message
            message.content = None
            message.reasoning = (message.reasoning or "") + "!"
        assert fast.model_dump_json(exclude_unset=True) == slow.model_dump_json(exclude_unset=True)
    # fresh default lists: a message without tool calls never shares one
    first, second = tp._content_message("a"), tp.new_message(content="b")
    assert first.tool_calls == [] and first.tool_calls is not second.tool_calls
