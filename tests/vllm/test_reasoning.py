"""The streamparse reasoning parsers in vLLM's real serving path: the mode read off the rendered
prompt, the single pass beside a streamparse tool parser, the classic behaviour alone or beside
vLLM's own tool parser, and what the engine core asks (``is_reasoning_end``)."""

from __future__ import annotations

import pytest
from test_formats import MESSAGES, MODES, THOUGHT, TOOLS, chunked, expected, reply
from vllm_harness import THINK_TAGS, reassemble, run_chat, serving_chat, sse_chunks

import streamparse
from streamparse_vllm import plugin_name

FORMATS = streamparse.formats()


def reasoner(tokenizer, fmt):
    from vllm.reasoning import ReasoningParserManager

    return ReasoningParserManager.get_reasoning_parser(plugin_name(fmt))(tokenizer)


@pytest.mark.parametrize("fmt", FORMATS)
def test_mode_from_the_prompts_end(registered, tokenizer, fmt):
    parser = reasoner(tokenizer, fmt)
    for prompt, mode in (
        ("<|user|>\nhi<|assistant|>", "auto"),
        ("<|user|>\nhi<|assistant|><think>\n", "started"),
        ("<|user|>\nhi<|assistant|>\n<think></think>\n", "off"),
        ("x" * 200 + "<|assistant|><think>" + "\n" * 40, "started"),  # whitespace past a window
    ):
        ids = tokenizer.encode(prompt, add_special_tokens=False)
        parser.set_prompt_token_ids(ids)
        assert parser.mode == mode == streamparse.reasoning_for_prompt(prompt)
        assert parser.is_reasoning_end(ids) is (mode == "off")
    default = streamparse.families.FORMATS[fmt].Parser.default_reasoning
    parser.set_prompt_token_ids([])
    assert parser.mode == default


class _Undecodable:
    def decode(self, ids, skip_special_tokens=False):
        raise ValueError("cannot decode")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_prompt_that_cannot_be_decoded_gets_the_formats_default(registered, fmt):
    parser = reasoner(_Undecodable(), fmt)
    parser.set_prompt_token_ids([1, 2, 3])
    assert parser.mode == streamparse.families.FORMATS[fmt].Parser.default_reasoning


def test_is_reasoning_end_streaming_sees_the_closing_tag(registered, tokenizer):
    parser = reasoner(tokenizer, "hermes")
    ids = tokenizer.encode("<think>\nhm, let me see</think>\nanswer", add_special_tokens=False)
    close = ids.index(THINK_TAGS["</think>"])  # a single token, as in Qwen3's vocabulary
    # the delta holding "</think>" ends the reasoning; one before it or after it does not
    assert parser.is_reasoning_end_streaming(ids[: close + 1], ids[close : close + 1])
    assert parser.is_reasoning_end_streaming(ids[: close + 2], ids[close - 1 : close + 2])
    assert not parser.is_reasoning_end_streaming(ids[:close], ids[close - 1 : close])
    assert not parser.is_reasoning_end_streaming(ids, ids[-2:])
    assert not parser.is_reasoning_end_streaming(ids, [])


def test_pairing_links_the_parsers_vllm_builds_together(registered, tokenizer):
    from vllm.parser import ParserManager

    cls = ParserManager.get_parser(
        tool_parser_name="streamparse-hermes", reasoning_parser_name="streamparse-hermes",
        enable_auto_tools=True, tokenizer=tokenizer,
    )
    first, second = cls(tokenizer, None), cls(tokenizer, None)
    assert first.tool_parser.reasoner is first.reasoning_parser
    assert first.reasoning_parser.tool_parser is first.tool_parser
    assert second.tool_parser.reasoner is second.reasoning_parser
    alone = ParserManager.get_parser(
        tool_parser_name="streamparse-hermes", enable_auto_tools=True, tokenizer=tokenizer
    )(tokenizer, None)
    assert alone.tool_parser.reasoner is None  # no reasoning parser: mode "off"
    assert alone.tool_parser.reasoning_mode() == "off"


@pytest.mark.parametrize("how", ["chars", "merged"])
@pytest.mark.parametrize("mode", ["auto", "started"])
async def test_alone_it_separates_reasoning_from_content(engine, mode, how):
    """Without a tool parser (no --enable-auto-tool-choice) it is a plain reasoning parser."""
    text = f"<think>\n{THOUGHT}\n</think>\n\nThe answer." if mode == "auto" else (
        f"{THOUGHT}\n</think>\n\nThe answer."
    )
    engine.script = {0: chunked(text, how)}
    engine.finish_reasons = {0: "stop"}
    serving = serving_chat(engine, None, "streamparse-hermes")
    body = {"messages": MESSAGES, "stream": True, "chat_template_kwargs": MODES[mode]}
    choice = reassemble(await sse_chunks(await run_chat(serving, body)))[0]
    assert (choice["reasoning"], choice["content"]) == (THOUGHT, "The answer.")
    response = await run_chat(serving, {**body, "stream": False})
    message = response.choices[0].message
    assert (message.reasoning, message.content) == (THOUGHT, "The answer.")


@pytest.mark.parametrize("how", ["chars", "merged"])
async def test_beside_vllms_own_tool_parser_it_hands_the_content_on(engine, how):
    """--reasoning-parser streamparse-hermes with vLLM's --tool-call-parser hermes: reasoning in
    its field, and vLLM's parser finds the calls in what follows. (Not with the whole reply in one
    delta: vLLM's hermes parser then sends two entries for call 0 in one chunk, its own doing.)"""
    text = reply("hermes", "auto")
    want = expected("hermes", text, "auto")
    engine.script = {0: chunked(text, how)}
    engine.finish_reasons = {0: "stop"}
    serving = serving_chat(engine, "hermes", "streamparse-hermes")
    body = {"messages": MESSAGES, "tools": TOOLS, "stream": True}
    choice = reassemble(await sse_chunks(await run_chat(serving, body)))[0]
    assert choice["reasoning"] == THOUGHT
    assert [c["name"] for c in choice["tool_calls"]] == ["get_weather", "get_time"]
    assert choice["content"].strip() == want.content


async def test_prompt_mode_is_per_request(engine):
    """One server, three requests: enable_thinking on, off and unset each get their mode."""
    serving = serving_chat(engine, "streamparse-glm47", "streamparse-glm47")
    for mode, kwargs in MODES.items():
        text = reply("glm47", mode)
        engine.script = {0: chunked(text, "merged")}
        engine.finish_reasons = {0: "stop"}
        body = {"messages": MESSAGES, "tools": TOOLS, "stream": True,
                "chat_template_kwargs": kwargs}
        choice = reassemble(await sse_chunks(await run_chat(serving, body)))[0]
        assert choice["reasoning"] == ("" if mode == "off" else THOUGHT), mode
        assert [c["name"] for c in choice["tool_calls"]] == ["get_weather", "get_time"]


async def test_include_reasoning_false_drops_the_field(engine):
    text = reply("hermes", "auto")
    engine.script = {0: chunked(text, "merged")}
    engine.finish_reasons = {0: "stop"}
    serving = serving_chat(engine, "streamparse-hermes", "streamparse-hermes")
    body = {"messages": MESSAGES, "tools": TOOLS, "stream": True, "include_reasoning": False}
    choice = reassemble(await sse_chunks(await run_chat(serving, body)))[0]
    assert choice["reasoning"] == ""
    assert [c["name"] for c in choice["tool_calls"]] == ["get_weather", "get_time"]


@pytest.mark.parametrize(
    ("mode", "text", "count"),
    [
        ("started", "abc</think>\n\nThe answer.", len("abc") + 1),
        ("auto", "<think>\nabc</think>\nThe answer.", 1 + len("\nabc") + 1),
        ("auto", "No thinking here.", 0),
        ("off", "abc</think>x", 0),
        ("started", "still thinking", len("still thinking")),
    ],
)
def test_count_reasoning_tokens(registered, tokenizer, mode, text, count):
    parser = reasoner(tokenizer, "hermes")
    parser.mode = mode
    ids = tokenizer.encode(text, add_special_tokens=False)  # byte tokens, think tags whole
    assert parser.count_reasoning_tokens(ids) == count


async def test_usage_reports_the_reasoning_tokens(engine, tokenizer):
    text = reply("hermes", "auto")
    ids = tokenizer.encode(text, add_special_tokens=False)
    engine.script = {0: [(tokenizer.decode([i]), [i]) for i in ids]}
    engine.finish_reasons = {0: "stop"}
    serving = serving_chat(engine, "streamparse-hermes", "streamparse-hermes")
    response = await run_chat(serving, {"messages": MESSAGES, "tools": TOOLS})
    thought = tokenizer.encode(f"<think>\n{THOUGHT}\n</think>", add_special_tokens=False)
    assert response.usage.completion_tokens_details.reasoning_tokens == len(thought)
    assert response.choices[0].message.reasoning == THOUGHT
