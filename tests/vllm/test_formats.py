"""Every format of the registry through vLLM's real ``OpenAIServingChat`` (scripted engine): each
``streamparse-<format>`` plugin turns a reply written by the format's own renderer
(``streamparse.prompts.render_assistant_calls``) into the right ``tool_calls``, ``content`` and
``reasoning``, under random chunkings and merged deltas, with the reasoning mode read off the
rendered prompt, every ``tool_choice``, ``parallel_tool_calls=false`` and stop strings; and the
non-streaming response equals the streamed one. No per-format text here: the core's one-shot
``streamparse.parse`` of the same reply is the expected result, and the calls must be the ones
rendered."""

from __future__ import annotations

import json
import logging
import random
import re
from typing import Any

import pytest
from vllm_harness import reassemble, run_chat, serving_chat, sse_chunks

import streamparse
from streamparse.prompts import render_assistant_calls
from streamparse_vllm import plugin_name

FORMATS = streamparse.formats()
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                "required": ["city"],
            },
        },
    },
    {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
]
SP_TOOLS = [
    {"name": t["function"]["name"], "parameters": t["function"]["parameters"]} for t in TOOLS
]
CALLS = [
    {"name": "get_weather", "arguments": {"city": "北京", "days": 3}},
    {"name": "get_time", "arguments": {}},
]
MESSAGES = [{"role": "user", "content": "Weather in Beijing, and the time?"}]
THOUGHT = "I need the weather first."
# chat_template_kwargs that make the harness's template end the prompt as each mode needs
MODES = {"auto": {}, "started": {"enable_thinking": True}, "off": {"enable_thinking": False}}


def reply(fmt: str, mode: str = "off", calls: list[dict[str, Any]] = CALLS) -> str:
    """The model's whole reply: reasoning as the prompt's mode has it, then content and calls."""
    body = render_assistant_calls(fmt, calls, content="Let me check.")
    if mode == "auto":
        return f"<think>\n{THOUGHT}\n</think>\n\n{body}"
    if mode == "started":
        return f"{THOUGHT}\n</think>\n\n{body}"
    return body


def chunked(text: str, how: str, seed: int = 0) -> list[tuple[str, list[int]]]:
    """``text`` as engine deltas: one character each, random merges of 1 to 9 characters (a
    lagging consumer), or one delta; token ids are plain (no special token)."""
    if how == "whole":
        return [(text, [7])]
    rng = random.Random(seed)
    deltas, i = [], 0
    while i < len(text):
        n = 1 if how == "chars" else rng.randint(1, 9)
        deltas.append((text[i : i + n], [100 + len(deltas) % 50]))
        i += n
    return deltas


def expected(fmt: str, text: str, mode: str, **options: Any) -> streamparse.ParseResult:
    return streamparse.parse(text, fmt, tools=SP_TOOLS, reasoning=mode, **options)


async def stream(engine, fmt, deltas, *, reasoning=True, finish="stop", **request):
    engine.script = {0: deltas}
    engine.finish_reasons = {0: finish}
    name = plugin_name(fmt)
    serving = serving_chat(engine, name, name if reasoning else None)
    body = {"messages": MESSAGES, "tools": TOOLS, "stream": True, **request}
    return reassemble(await sse_chunks(await run_chat(serving, body)))[0]


async def whole(engine, fmt, deltas, *, reasoning=True, finish="stop", **request):
    engine.script = {0: deltas}
    engine.finish_reasons = {0: finish}
    name = plugin_name(fmt)
    serving = serving_chat(engine, name, name if reasoning else None)
    response = await run_chat(serving, {"messages": MESSAGES, "tools": TOOLS, **request})
    message = response.choices[0].message
    return {
        "content": message.content or "",
        "reasoning": message.reasoning or "",
        "tool_calls": [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
            for c in message.tool_calls
        ],
        "finish_reason": response.choices[0].finish_reason,
    }


def calls_of(choice: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(c["name"], json.loads(c["arguments"])) for c in choice["tool_calls"]]


def rendered(calls: list[dict[str, Any]] = CALLS) -> list[tuple[str, Any]]:
    return [(c["name"], c["arguments"]) for c in calls]


@pytest.mark.parametrize("how", ["chars", "merged", "whole"])
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("fmt", FORMATS)
async def test_each_format_streams_reasoning_content_and_calls(engine, fmt, mode, how):
    text = reply(fmt, mode)
    want = expected(fmt, text, mode)
    assert [(c.name, c.arguments) for c in want.tool_calls] == rendered()  # the oracle agrees
    choice = await stream(engine, fmt, chunked(text, how, seed=len(fmt)),
                          chat_template_kwargs=MODES[mode])
    assert calls_of(choice) == rendered()
    assert choice["content"] == want.content
    assert "Let me check." in choice["content"]
    assert choice["reasoning"] == want.reasoning == ("" if mode == "off" else THOUGHT)
    assert choice["finish_reason"] == "tool_calls"
    assert len({c["id"] for c in choice["tool_calls"]}) == 2


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("fmt", FORMATS)
async def test_non_streaming_equals_streaming(engine, fmt, mode):
    text = reply(fmt, mode)
    streamed = await stream(engine, fmt, chunked(text, "merged"), chat_template_kwargs=MODES[mode])
    response = await whole(engine, fmt, chunked(text, "merged"), chat_template_kwargs=MODES[mode])
    assert response["reasoning"] == streamed["reasoning"]
    assert response["content"] == streamed["content"]
    assert [(c["name"], c["arguments"]) for c in response["tool_calls"]] == [
        (c["name"], c["arguments"]) for c in streamed["tool_calls"]
    ]
    assert response["finish_reason"] == streamed["finish_reason"] == "tool_calls"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_without_a_reasoning_parser_reasoning_markup_is_content(engine, fmt):
    """vLLM's rule: with no reasoning parser configured, reasoning markup is content (mode
    "off"), in both paths."""
    text = reply(fmt, "auto")
    want = expected(fmt, text, "off")
    choice = await stream(engine, fmt, chunked(text, "merged"), reasoning=False)
    assert choice["reasoning"] == ""
    assert choice["content"] == want.content
    assert THOUGHT in choice["content"]
    assert calls_of(choice) == [(c.name, c.arguments) for c in want.tool_calls]
    response = await whole(engine, fmt, chunked(text, "merged"), reasoning=False)
    assert (response["content"], response["reasoning"]) == (choice["content"], "")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_tool_choice_none_separates_reasoning_and_makes_no_calls(engine, fmt):
    text = reply(fmt, "auto")
    want = expected(fmt, text, "auto", calls=False)
    for how in ("chars", "merged"):
        choice = await stream(engine, fmt, chunked(text, how), tool_choice="none")
        assert choice["tool_calls"] == []
        assert choice["reasoning"] == THOUGHT
        assert choice["content"] == want.content
        assert choice["finish_reason"] == "stop"
    response = await whole(engine, fmt, chunked(text, "merged"), tool_choice="none")
    assert (response["reasoning"], response["content"], response["tool_calls"]) == (
        THOUGHT, want.content, []
    )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_tool_choice_required(engine, fmt, caplog):
    text = reply(fmt)
    choice = await stream(engine, fmt, chunked(text, "merged"), tool_choice="required")
    assert calls_of(choice) == rendered()
    # No call: the content stays, no tool call appears, and the failure is logged as vLLM logs a
    # failed call (a warning from the tool parser's logger).
    plain = [("Just an answer.", [5])]
    with caplog.at_level(logging.WARNING, logger="streamparse_vllm.tool_parser"):
        choice = await stream(engine, fmt, plain, tool_choice="required")
        response = await whole(engine, fmt, plain, tool_choice="required")
    assert choice["tool_calls"] == [] and choice["content"] == "Just an answer."
    assert response["tool_calls"] == [] and response["content"] == "Just an answer."
    warnings = [
        r.getMessage() for r in caplog.records
        if r.name == "streamparse_vllm.tool_parser" and "required" in r.getMessage()
    ]
    assert len(warnings) == 2 and "no tool call" in warnings[0]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_named_tool_choice_declares_only_that_tool(engine, fmt):
    text = reply(fmt)
    named = {"type": "function", "function": {"name": "get_time"}}
    choice = await stream(engine, fmt, chunked(text, "merged"), tool_choice=named)
    assert calls_of(choice) == [("get_time", {})]
    assert choice["finish_reason"] == "stop"  # OpenAI reports "stop" for a forced named tool
    response = await whole(engine, fmt, chunked(text, "merged"), tool_choice=named)
    assert [(c["name"], c["arguments"]) for c in response["tool_calls"]] == [
        (c["name"], c["arguments"]) for c in choice["tool_calls"]
    ]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_tool_choice_auto_is_the_default(engine, fmt):
    text = reply(fmt)
    auto = await stream(engine, fmt, chunked(text, "merged"), tool_choice="auto")
    default = await stream(engine, fmt, chunked(text, "merged"))
    for choice in (auto, default):
        assert calls_of(choice) == rendered()
    assert auto["content"] == default["content"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_parallel_tool_calls_false_is_max_calls_1(engine, fmt):
    text = reply(fmt)
    want = expected(fmt, text, "off", max_calls=1)
    choice = await stream(engine, fmt, chunked(text, "merged"), parallel_tool_calls=False)
    assert calls_of(choice) == rendered()[:1]
    assert choice["content"] == want.content
    response = await whole(engine, fmt, chunked(text, "merged"), parallel_tool_calls=False)
    assert [c["name"] for c in response["tool_calls"]] == ["get_weather"]
    assert response["content"] == (want.content if want.content.strip() else "")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_stop_strings_and_truncation(engine, fmt):
    """A request with stop strings parses the same (the lag reaches the formats that take it:
    test_plugin checks where a skipped token's id then stands); a reply cut by max_tokens inside
    its second call keeps the first call and reports "length"."""
    text = reply(fmt)
    choice = await stream(engine, fmt, chunked(text, "merged"), stop=["Observation:", "END"])
    assert calls_of(choice) == rendered()
    cut = text[: text.index("get_time") + 3]
    choice = await stream(engine, fmt, chunked(cut, "merged"), finish="length")
    assert choice["finish_reason"] == "length"
    assert [c["name"] for c in choice["tool_calls"]][:1] == ["get_weather"]
    assert json.loads(choice["tool_calls"][0]["arguments"]) == CALLS[0]["arguments"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_request_options_reach_the_parser(registered, tokenizer, fmt):
    """The options each request maps to, as the stream's parser holds them."""
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest
    from vllm.tool_parsers import ToolParserManager

    cls = ToolParserManager.get_tool_parser(plugin_name(fmt))

    def parser_for(**extra):
        request = ChatCompletionRequest(model="m", messages=MESSAGES, tools=TOOLS, **extra)
        tool_parser = cls(tokenizer, request.tools)
        tool_parser.extract_tool_calls_streaming("", "", "", [], [], [], request)
        return tool_parser._stream.parser

    default = parser_for()
    assert (default.calls, default.require_call, default.max_calls) == (True, False, None)
    assert {t.name for t in default.tools} == {"get_weather", "get_time"}
    assert parser_for(tool_choice="none").calls is False
    assert parser_for(tool_choice="required").require_call is True
    named = parser_for(tool_choice={"type": "function", "function": {"name": "get_time"}})
    assert [t.name for t in named.tools] == ["get_time"]
    assert parser_for(parallel_tool_calls=False).max_calls == 1
    lagged = parser_for(stop=["Observation:"])
    assert getattr(lagged, "text_lag", 0) == (11 if cls.takes_text_lag else 0)
    assert default.reasoning == "off"  # no streamparse reasoning parser beside it


@pytest.mark.parametrize("fmt", FORMATS)
async def test_skip_special_tokens_as_the_format_needs(engine, fmt):
    """Formats that read special tokens keep their text on tool requests; the others leave the
    request alone (Qwen's tool and think tags are ordinary tokens, always visible)."""
    module = streamparse.families.FORMATS[fmt]
    await stream(engine, fmt, chunked(reply(fmt), "whole"))
    assert engine.sampling_params[-1].skip_special_tokens is (not module.SPECIAL_TOKENS)
    await stream(engine, fmt, chunked(reply(fmt), "whole"), tool_choice="none")
    assert engine.sampling_params[-1].skip_special_tokens is True


def lagged(text: str, specials: dict[str, int], lag: int) -> list[tuple[str, list[int]]]:
    """``text`` one token a delta as vLLM's detokenizer emits it with special tokens skipped
    and a stop string of ``lag + 1`` characters: a special token's text is gone (its id stays),
    and the text trails the ids by ``lag`` characters (held back until the end)."""
    pattern = "(" + "|".join(map(re.escape, specials)) + ")"
    pieces = [p for p in re.split(pattern, text) if p]
    visible = ""  # the text so far, without the special tokens'
    released = 0
    deltas = []
    for piece in pieces:
        if piece in specials:
            deltas.append(("", [specials[piece]]))
            continue
        for char in piece:
            visible += char
            upto = max(released, len(visible) - lag)
            deltas.append((visible[released:upto], [100]))
            released = upto
    deltas.append((visible[released:], [101]))
    return deltas


SPECIAL_FORMATS = [f for f in FORMATS if streamparse.families.FORMATS[f].SPECIAL_TOKENS]


@pytest.mark.parametrize("fmt", SPECIAL_FORMATS)
async def test_skipped_special_tokens_under_stop_strings(engine, fmt):
    """Formats that read special tokens, with those tokens' text skipped (ids only) and the text
    held back by a stop string: the request's text_lag puts each id where its text stood. The
    reply ends its turn with <|observation|> (what follows is text); GLM-4 also separates calls
    with <|assistant|>."""
    from vllm_harness import GLM4_SPECIAL

    text = reply(fmt) + "<|observation|>"
    stop = ["Observation:"]  # 12 characters: 11 held back
    choice = await stream(engine, fmt, lagged(text, GLM4_SPECIAL, 11), stop=stop)
    assert calls_of(choice) == rendered()
    assert "Let me check." in choice["content"]
    assert "<|" not in choice["content"]
