"""Every format of the registry through vLLM's real ``OpenAIServingResponses`` (``/v1/responses``,
scripted engine). That endpoint drives the same ``Parser`` as the chat endpoint (``parse_delta``
per chunk, ``parse`` for a whole response) and turns what it returns into Responses events:
reasoning items, message text, function calls. A client rebuilds from the events the reasoning,
content and calls the core's one-shot ``streamparse.parse`` gives, under random chunkings and in
each reasoning mode read off the rendered prompt; the non-streaming response has the same output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_formats import MESSAGES, MODES, TOOLS, chunked, expected, rendered, reply
from vllm_harness import MODEL_NAME, serving_responses

import streamparse
from streamparse_vllm import plugin_name

FORMATS = streamparse.formats()
FUNCTION_TOOLS = [{"type": "function", **tool["function"]} for tool in TOOLS]  # Responses' shape


def _request(**fields: Any) -> Any:
    from vllm.entrypoints.openai.responses.protocol import ResponsesRequest

    return ResponsesRequest(model=MODEL_NAME, input=MESSAGES, tools=FUNCTION_TOOLS, **fields)


def rebuild(events: list[Any]) -> dict[str, Any]:
    """What a Responses client rebuilds from the stream: reasoning and text from their deltas,
    each function call from its item and its argument deltas (which must add up to the done
    event's arguments); the final response's output must say the same."""
    reasoning, content = [], []
    calls: dict[str, dict[str, Any]] = {}  # item id -> call
    for event in events:
        kind = event.type
        if kind == "response.reasoning_text.delta":
            reasoning.append(event.delta)
        elif kind == "response.output_text.delta":
            content.append(event.delta)
        elif kind == "response.output_item.added" and event.item.type == "function_call":
            calls[event.item.id] = {"name": event.item.name, "call_id": event.item.call_id, "parts": []}
        elif kind == "response.function_call_arguments.delta":
            calls[event.item_id]["parts"].append(event.delta)
        elif kind == "response.function_call_arguments.done":
            assert "".join(calls[event.item_id]["parts"]) == event.arguments
    assert events[-1].type == "response.completed"
    rebuilt = {
        "reasoning": "".join(reasoning),
        "content": "".join(content),
        "calls": [(c["name"], json.loads("".join(c["parts"]))) for c in calls.values()],
    }
    assert output_of(events[-1].response) == rebuilt
    assert len({c["call_id"] for c in calls.values()}) == len(calls)
    return rebuilt


def output_of(response: Any) -> dict[str, Any]:
    """Reasoning, content and calls out of a whole ``ResponsesResponse``."""
    reasoning, content, calls = [], [], []
    for item in response.output:
        if item.type == "reasoning":
            reasoning.extend(part.text for part in item.content or [])
        elif item.type == "message":
            content.extend(part.text for part in item.content)
        elif item.type == "function_call":
            calls.append((item.name, json.loads(item.arguments)))
    return {"reasoning": "".join(reasoning), "content": "".join(content), "calls": calls}


async def respond(engine: Any, fmt: str, text: str, how: str, mode: str, *, stream: bool) -> Any:
    engine.script = {0: chunked(text, how, seed=len(fmt))}
    engine.finish_reasons = {0: "stop"}
    name = plugin_name(fmt)
    serving = serving_responses(engine, name, name)
    result = await serving.create_responses(
        _request(stream=stream, chat_template_kwargs=MODES[mode])
    )
    if not stream:
        return result
    return [event async for event in result]


@pytest.mark.parametrize("how", ["chars", "merged"])
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("fmt", FORMATS)
async def test_each_format_streams_responses_events(engine, fmt, mode, how):
    text = reply(fmt, mode)
    want = expected(fmt, text, mode)
    got = rebuild(await respond(engine, fmt, text, how, mode, stream=True))
    assert got["calls"] == rendered()
    assert got["reasoning"] == want.reasoning == ("" if mode == "off" else "I need the weather first.")
    assert got["content"] == want.content
    assert "Let me check." in got["content"]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("fmt", FORMATS)
async def test_non_streaming_response_equals_the_streamed_one(engine, fmt, mode):
    text = reply(fmt, mode)
    streamed = rebuild(await respond(engine, fmt, text, "merged", mode, stream=True))
    whole = output_of(await respond(engine, fmt, text, "merged", mode, stream=False))
    assert whole == streamed
