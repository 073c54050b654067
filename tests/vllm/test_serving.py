"""vLLM's real ``OpenAIServingChat`` with the streamparse tool parsers, over a scripted engine that
streams recorded responses (``data/streams.json``). What a client receives as SSE chunks must
reassemble into exactly the expected tool calls and content, whatever the chunking, and agree with
the non-streaming response."""

from __future__ import annotations

import json

import pytest
from vllm_harness import (
    call_matches,
    chunkings,
    expected_calls,
    load_cases,
    reassemble,
    run_chat,
    serving_chat,
    sse_chunks,
)

CASES = load_cases()
MESSAGES = [{"role": "user", "content": "What's the weather in Beijing, and my GPA?"}]


def script(engine, case, chunking="merged", index=0):
    engine.script[index] = chunkings(case["tokens"])[chunking]
    engine.finish_reasons[index] = case["finish_reason"]


async def stream(engine, case, **request):
    serving = serving_chat(engine, f"streamparse-{case['format']}")
    body = {"messages": MESSAGES, "tools": case["tools"], "stream": True, **request}
    return reassemble(await sse_chunks(await run_chat(serving, body)))


def assert_expected(choice, case):
    expected = case["expected"]
    assert choice["content"] == expected["content"]
    calls = expected_calls(case)
    assert len(choice["tool_calls"]) == len(calls), choice["tool_calls"]
    for call, (name, arguments) in zip(choice["tool_calls"], calls, strict=True):
        assert call_matches(call, name, arguments), (call, name, arguments)
    assert len({call["id"] for call in choice["tool_calls"]}) == len(calls)


@pytest.mark.parametrize("chunking", ["per_token", "merged", "whole"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_stream_reassembles_to_expected(engine, case, chunking):
    script(engine, case, chunking)
    choice = (await stream(engine, case))[0]
    assert_expected(choice, case)
    if case["finish_reason"] == "length":
        assert choice["finish_reason"] == "length"
    else:
        assert choice["finish_reason"] == (
            "tool_calls" if case["expected"]["tool_calls"] else "stop"
        )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_non_streaming_agrees_with_stream(engine, case):
    script(engine, case)
    streamed = (await stream(engine, case))[0]
    serving = serving_chat(engine, f"streamparse-{case['format']}")
    response = await run_chat(serving, {"messages": MESSAGES, "tools": case["tools"]})
    message = response.choices[0].message
    # vLLM drops whitespace-only content next to tool calls.
    assert (message.content or "") == (streamed["content"] if streamed["content"].strip() else "")
    calls = [(c.function.name, c.function.arguments) for c in message.tool_calls]
    assert calls == [(c["name"], c["arguments"]) for c in streamed["tool_calls"]]


async def test_glm4_tool_requests_keep_special_tokens(engine):
    case = next(c for c in CASES if c["name"] == "glm4_two_calls_skipped_specials")
    script(engine, case)
    await stream(engine, case)
    assert engine.sampling_params[-1].skip_special_tokens is False
    # Without tools the request is left alone.
    serving = serving_chat(engine, "streamparse-glm4")
    await sse_chunks(await run_chat(serving, {"messages": MESSAGES, "stream": True}))
    assert engine.sampling_params[-1].skip_special_tokens is True


async def test_qwen2_leaves_special_tokens_skipped(engine):
    case = CASES[0]
    script(engine, case)
    await stream(engine, case)
    assert engine.sampling_params[-1].skip_special_tokens is True


async def test_n_choices_parse_independently(engine):
    first, second = CASES[0], next(c for c in CASES if c["name"] == "qwen2_text_only")
    script(engine, first, "per_token", index=0)
    script(engine, second, "merged", index=1)
    choices = await stream(engine, first, n=2)
    assert_expected(choices[0], first)
    assert_expected(choices[1], second)
    assert choices[0]["finish_reason"] == "tool_calls"
    assert choices[1]["finish_reason"] == "stop"


async def test_tool_choice_none_passes_text_through(engine):
    case = CASES[0]
    script(engine, case)
    choice = (await stream(engine, case, tool_choice="none"))[0]
    assert choice["tool_calls"] == []
    assert choice["content"] == "".join(text for text, _ in case["tokens"])


async def test_held_back_text_is_flushed_at_the_end(engine):
    # "Action: get_current" could still become a call until the stream ends; the parser holds it
    # and finish_streaming() releases it.
    case = next(c for c in CASES if c["name"] == "qwen2_ends_in_header")
    script(engine, case, "whole")
    choice = (await stream(engine, case))[0]
    assert choice["content"] == "The answer is 4.\nAction: get_current"


async def test_unknown_tool_is_not_shown(engine):
    tokens = [["Action: delete_everything\n", [1]], ['Action Input: {"really": true}\n', [2]]]
    tokens += [["Final Answer: done", [3]]]
    case = {"format": "qwen2", "tools": CASES[0]["tools"], "finish_reason": "stop"}
    engine.script[0] = [(t, ids) for t, ids in tokens]
    engine.finish_reasons[0] = "stop"
    choice = (await stream(engine, case))[0]
    assert choice["tool_calls"] == []
    assert choice["content"] == "\nFinal Answer: done"


async def test_long_arguments_stream_exactly_once(engine):
    value = "x" * 16_000
    raw = json.dumps({"location": value})
    text = f"Action: get_current_weather\nAction Input: {raw}\nFinal Answer: ok"
    case = {"format": "qwen2", "tools": CASES[0]["tools"], "finish_reason": "stop"}
    engine.script[0] = [(text[i : i + 7], [i]) for i in range(0, len(text), 7)]
    engine.finish_reasons[0] = "stop"
    choice = (await stream(engine, case))[0]
    assert [c["arguments"] for c in choice["tool_calls"]] == [raw]
    assert choice["content"] == "\nFinal Answer: ok"
