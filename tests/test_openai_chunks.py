"""Events → OpenAI chat-completion chunk deltas and server-sent events."""

from __future__ import annotations

import json
from contextlib import aclosing

import anyio
import pytest
import sniffio

import streamparse
from helpers import chunkings, counter_ids
from streamparse.aio import stream_events
from streamparse.events import TextEvent, ToolCallDelta, ToolCallStart
from streamparse.openai_chunks import (
    SSE_DONE,
    OpenAIChunkAdapter,
    OpenAISSEEncoder,
    aiter_sse,
    sse_event,
)

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
    {"name": "calculate_gpa", "parameters": {"type": "object"}},
]

CASE = (
    "Thought: two calls,\nand a line break.\n"
    'Action: get_weather\nAction Input: {"location": "Boston, MA", "q": "a } and \\" \\n"}\n'
    'Action: send_mail\nAction Input: {"to": "x"}\n'
    "Action: calculate_gpa\nAction Input: {'grades': 1}\n"
    'Action: calculate_gpa\nAction Input: {"grades": ["A", "B"]}\n'
    "Final Answer: done ✓"
)


def events_of(deltas, tools=TOOLS):
    parser = streamparse.StreamParser("qwen2", tools=tools, id_factory=counter_ids())
    out = []
    for delta in deltas:
        out.extend(parser.feed(delta))
    return out + parser.close()


def accumulate(deltas: list[dict]) -> dict:
    """What an OpenAI client builds from the deltas (as the openai SDK's stream helpers do)."""
    message = {"role": None, "content": "", "tool_calls": []}
    for delta in deltas:
        assert set(delta) <= {"role", "content", "tool_calls"}, delta
        if "role" in delta:
            assert message["role"] is None, "role sent twice"
            message["role"] = delta["role"]
        message["content"] += delta.get("content") or ""
        for part in delta.get("tool_calls", ()):
            calls = message["tool_calls"]
            if "id" in part:
                assert part["index"] == len(calls), "client indexes count the calls shown from 0"
                assert part["type"] == "function" and part["function"]["arguments"] == ""
                calls.append({"id": part["id"], "name": part["function"]["name"], "arguments": ""})
            else:
                assert set(part) == {"index", "function"} and set(part["function"]) == {"arguments"}
                calls[part["index"]]["arguments"] += part["function"]["arguments"]
    return message


# ---- the adapter ------------------------------------------------------------------------------


def test_the_client_rebuilds_the_response_for_every_cutting():
    want = streamparse.parse(CASE, "qwen2", TOOLS, id_factory=counter_ids())
    assert len(want.tool_calls) == 2 and len(want.errors) == 2  # an unknown tool, bad JSON
    for deltas in chunkings(CASE):
        adapter = OpenAIChunkAdapter()
        message = accumulate(adapter.deltas(events_of(deltas)))
        assert message["role"] == "assistant"
        assert message["content"] == want.content
        # The client saw three calls: the bad-JSON one started (index 1) and cannot be retracted.
        assert [(c["id"], c["name"]) for c in message["tool_calls"]] == [
            ("call_0", "get_weather"),
            ("call_1", "calculate_gpa"),
            ("call_2", "calculate_gpa"),
        ]
        shown = {c["id"]: c["arguments"] for c in message["tool_calls"]}
        for call in want.tool_calls:
            assert shown[call.id] == call.raw_arguments
        assert shown["call_1"] == "{'grades': 1}"
        assert adapter.finish_reason == "tool_calls"
        assert [e.message for e in adapter.errors] == [
            "unknown tool 'send_mail'",
            want.errors[1].message,
        ]
        assert adapter.finish() is None


def test_exact_deltas_of_one_call():
    events = events_of(['Hi\nAction: get_weather\nAction Input: {"a"', ": 1}"])
    assert OpenAIChunkAdapter().deltas(events) == [
        {"role": "assistant", "content": "Hi\n"},
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_0",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ""},
                }
            ]
        },
        {"tool_calls": [{"index": 0, "function": {"arguments": '{"a"'}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]},
    ]


def test_role_goes_with_the_first_delta_whatever_it_is():
    adapter = OpenAIChunkAdapter()
    first, *_ = adapter.deltas(events_of(['Action: get_weather\nAction Input: {"a": 1}']))
    assert first["role"] == "assistant" and first["tool_calls"][0]["id"] == "call_0"
    assert OpenAIChunkAdapter(role=None).deltas(events_of(["Hi"])) == [{"content": "Hi"}]


def test_an_unknown_tool_sends_nothing_and_finishes_with_stop():
    adapter = OpenAIChunkAdapter()
    deltas = adapter.deltas(events_of(['Action: send_mail\nAction Input: {"to": "x"}']))
    assert deltas == []
    assert adapter.finish_reason == "stop"
    assert adapter.errors[0].index is None and adapter.errors[0].raw == '{"to": "x"}'
    assert adapter.finish() == {"role": "assistant", "content": ""}  # clients expect a role
    assert adapter.finish() is None


def test_a_started_call_that_fails_is_not_retracted_and_finishes_with_stop():
    adapter = OpenAIChunkAdapter()
    message = accumulate(adapter.deltas(events_of(['Action: get_weather\nAction Input: {"a": '])))
    assert message["tool_calls"] == [{"id": "call_0", "name": "get_weather", "arguments": '{"a": '}]
    assert adapter.finish_reason == "stop"
    assert "truncated" in adapter.errors[0].message


def test_empty_text_and_empty_argument_deltas_send_nothing():
    adapter = OpenAIChunkAdapter()
    start = ToolCallStart(index=0, id="c", name="f", span=(0, 0))
    assert adapter.delta(TextEvent(text="", span=(0, 3))) is None
    assert adapter.delta(start)["role"] == "assistant"
    assert adapter.delta(ToolCallDelta(index=0, arguments_delta="", span=(3, 3))) is None


def test_misuse_is_reported():
    adapter = OpenAIChunkAdapter()
    with pytest.raises(TypeError, match="not a streamparse event: dict"):
        adapter.delta({"type": "text", "text": "x"})
    with pytest.raises(ValueError, match="index 4 before its tool_call_start"):
        adapter.delta(ToolCallDelta(index=4, arguments_delta="{", span=(0, 1)))
    start = ToolCallStart(index=0, id="c", name="f", span=(0, 0))
    adapter.delta(start)
    with pytest.raises(ValueError, match="index 0 came twice"):
        adapter.delta(start)


# ---- server-sent events ---------------------------------------------------------------------


def parse_sse(text: str) -> list:
    """Split an SSE body into payloads, checking the framing."""
    assert text.endswith("\n\n")
    payloads = []
    for block in text.split("\n\n")[:-1]:
        assert block.startswith("data: ") and "\n" not in block, block
        body = block[len("data: ") :]
        payloads.append(body if body == "[DONE]" else json.loads(body))
    return payloads


def test_sse_stream_of_full_chunk_objects():
    encoder = OpenAISSEEncoder("qwen2-7b", completion_id="chatcmpl-1", created=1700000000)
    parser = streamparse.StreamParser("qwen2", tools=TOOLS, id_factory=counter_ids())
    body = "".join(encoder.encode(parser.feed(delta)) for delta in chunkings(CASE)[-1])
    body += encoder.encode(parser.close()) + encoder.close()
    *chunks, done = parse_sse(body)
    assert done == "[DONE]"
    for chunk in chunks:
        assert chunk["id"] == "chatcmpl-1" and chunk["object"] == "chat.completion.chunk"
        assert chunk["created"] == 1700000000 and chunk["model"] == "qwen2-7b"
        (choice,) = chunk["choices"]
        assert choice["index"] == 0 and choice["logprobs"] is None
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "tool_calls",
    }
    message = accumulate([c["choices"][0]["delta"] for c in chunks])
    assert "\n" in message["content"] and "✓" in message["content"]  # escaped, then restored


def test_an_empty_response_still_sends_the_role_then_stop():
    encoder = OpenAISSEEncoder("m", completion_id="x", created=0)
    assert encoder.encode([]) == ""
    chunks = parse_sse(encoder.close())
    assert [c if c == "[DONE]" else c["choices"][0] for c in chunks] == [
        {
            "index": 0,
            "delta": {"role": "assistant", "content": ""},
            "logprobs": None,
            "finish_reason": None,
        },
        {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"},
        "[DONE]",
    ]
    with pytest.raises(RuntimeError, match="close\\(\\) called twice"):
        encoder.close()
    with pytest.raises(RuntimeError, match="events after close"):
        encoder.encode([])


def test_sse_event_and_done():
    assert sse_event({"a": "é\n"}) == 'data: {"a":"é\\n"}\n\n'
    assert SSE_DONE == "data: [DONE]\n\n"
    encoder = OpenAISSEEncoder("m")
    assert encoder.completion_id.startswith("chatcmpl-") and encoder.created > 1_600_000_000


# ---- the async helper -----------------------------------------------------------------------


async def deltas_source(deltas, log):
    try:
        for delta in deltas:
            await anyio.sleep(0)
            yield delta
    finally:
        log.append("source closed")


async def sse_body(backend: str | None = None) -> str:
    if backend:
        assert sniffio.current_async_library() == backend
    log: list[str] = []
    events = stream_events(
        deltas_source(list(CASE), log), "qwen2", tools=TOOLS, id_factory=counter_ids()
    )
    async with aclosing(aiter_sse(events, "m", completion_id="x", created=0)) as lines:
        body = "".join([line async for line in lines])
    assert log == ["source closed"]
    return body


async def test_aiter_sse_matches_the_sync_encoder():
    body = await sse_body()
    encoder = OpenAISSEEncoder("m", completion_id="x", created=0)
    assert body == encoder.encode(events_of(list(CASE))) + encoder.close()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_aiter_sse_on_both_backends(backend):
    body = anyio.run(sse_body, backend, backend=backend)
    assert parse_sse(body)[-1] == "[DONE]"


async def test_closing_aiter_sse_early_closes_the_source():
    log: list[str] = []
    events = stream_events(deltas_source(list(CASE), log), "qwen2", tools=TOOLS)
    async with aclosing(aiter_sse(events, "m")) as lines:
        async for line in lines:
            assert line.startswith("data: {")
            break
        assert log == []
    assert log == ["source closed"]


def test_reasoning_goes_to_its_own_field():
    from streamparse import OpenAIChunkAdapter, StreamParser

    parser = StreamParser("qwen2", reasoning="auto")
    adapter = OpenAIChunkAdapter()
    deltas = adapter.deltas(parser.feed("<think>\nplan</think>\nDone") + parser.close())
    assert [{k: v for k, v in d.items() if k != "role"} for d in deltas] == [
        {"reasoning": "plan"}, {"content": "Done"}]


def test_partial_arguments_ride_along_on_call_chunks_when_given():
    parser = streamparse.StreamParser("qwen2")
    adapter = OpenAIChunkAdapter()
    sent = []
    for piece in ["Action: f\nAction Input: {", '"city": "Bo', 'ston"}\nok']:
        events = parser.feed(piece)
        partial = parser.partial_arguments()
        sent += [adapter.delta(e, partial if e.type.startswith("tool_call_") else None) for e in events]
    calls = [d["tool_calls"][0] for d in sent if d and "tool_calls" in d]
    assert [c.get("partial_arguments") for c in calls] == [{}, {}, {"city": "Bo"}, None]
    later = adapter.deltas(parser.feed('\nAction: g\nAction Input: {"a": 1}'))  # not given: not sent
    assert [c for d in later for c in d.get("tool_calls", []) if "partial_arguments" in c] == []
    assert any("tool_calls" in d for d in later)
