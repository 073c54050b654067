"""A user's script of the public API, checked with ``mypy --strict`` (``.ci/run``) and run by
``tests/test_typing.py``. It must type-check with no ``type: ignore`` and no cast: what the README
and docs show is what a strictly typed program writes."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any

import anyio

import streamparse
from streamparse import (
    Event,
    OpenAIChunkAdapter,
    OpenAISSEEncoder,
    ParseResult,
    StreamParser,
    Tool,
    ToolCall,
    ToolCallEnd,
    ToolRun,
    parse,
    render_assistant_calls,
    render_prompt,
    render_tool_results,
    render_tools,
    run_tool_calls,
    stream_events,
    stream_tool_calls,
)
from streamparse.openai_chunks import aiter_sse

TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {"name": "get_current_weather", "parameters": {}}}
]
TEXT = 'Action: get_current_weather\nAction Input: {"location": "Boston"}\nFinal Answer: 22C'


def sync_parsing() -> ParseResult:
    parser: StreamParser = StreamParser("qwen2", tools=TOOLS)
    events: list[Event] = []
    for delta in (TEXT[:10], TEXT[10:]):
        events.extend(parser.feed(delta))
    events.extend(parser.close())
    held: int = parser.held_back
    assert held == 0 and parser.hold_back_limit >= 128
    ends = [event for event in events if isinstance(event, ToolCallEnd)]
    arguments: dict[str, Any] = ends[0].arguments
    assert arguments == {"location": "Boston"}
    formats: list[str] = streamparse.formats()
    assert "qwen2" in formats
    version: str = streamparse.__version__
    assert version
    return parse(TEXT, "qwen2", tools=[Tool(name="get_current_weather")])


async def deltas() -> AsyncGenerator[str, None]:
    for i in range(0, len(TEXT), 7):
        yield TEXT[i : i + 7]


async def deltas_with_ids() -> AsyncIterator[tuple[str, list[int]]]:
    for i in range(0, len(TEXT), 7):
        yield TEXT[i : i + 7], [i]


async def call_tool(call: ToolCall) -> str:
    await anyio.sleep(0)
    return f"{call.name}: 22C"


async def agent() -> None:
    calls: list[ToolCall] = []
    result: ParseResult | None = None
    async with aclosing(stream_tool_calls(deltas(), "qwen2", tools=TOOLS)) as items:
        async for item in items:
            if isinstance(item, ToolCall):
                calls.append(item)
            else:
                result = item
    assert result is not None and result.tool_calls == calls

    async with aclosing(stream_events(deltas_with_ids(), "qwen2", tools=TOOLS)) as events:
        kinds = [event.type async for event in events]
    assert "tool_call_end" in kinds

    run: ToolRun = await run_tool_calls(deltas(), "qwen2", call_tool, tools=TOOLS)
    outputs: list[Any] = run.outputs
    assert outputs == ["get_current_weather: 22C"] and run.result.content

    lines: list[str] = []
    async with aclosing(aiter_sse(stream_events(deltas(), "qwen2", tools=TOOLS), "m")) as sse:
        async for line in sse:
            lines.append(line)
    assert lines[-1].endswith("data: [DONE]\n\n")


def openai_and_prompts(result: ParseResult) -> str:
    adapter = OpenAIChunkAdapter()
    parser = StreamParser("glm4", tools=TOOLS)
    delta_dicts: list[dict[str, Any]] = adapter.deltas(parser.feed('get_current_weather\n{"a": 1}'))
    delta_dicts += adapter.deltas(parser.close())
    assert delta_dicts and adapter.finish_reason == "tool_calls"
    encoder = OpenAISSEEncoder("glm-4-9b-chat", completion_id="chatcmpl-1", created=0)
    sse: str = encoder.encode(StreamParser("glm4").feed("\nHi")) + encoder.close()
    assert sse.endswith("data: [DONE]\n\n")

    system: str = render_tools("glm4", TOOLS)
    reply: str = render_assistant_calls("qwen2", result.tool_calls)
    observations: str = render_tool_results("qwen2", ["22C"])
    prompt: str = render_prompt(
        "glm4",
        TOOLS,
        [{"role": "user", "content": "Weather in Boston?"}],
        add_generation_prompt=True,
    )
    return system + reply + observations + prompt


def main() -> None:
    result = sync_parsing()
    anyio.run(agent)
    anyio.run(agent, backend="trio")
    assert openai_and_prompts(result)


if __name__ == "__main__":
    main()
