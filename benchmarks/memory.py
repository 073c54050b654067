"""Memory per parser, many concurrent streams in one event loop, and throughput of the async
layer (``streamparse.aio``).

Memory is what ``tracemalloc`` sees (Python allocations), which is what grows per stream; the
interpreter's fixed cost is left out.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
import anyio.lowlevel

from streamparse import StreamParser, Tool
from streamparse.aio import stream_events

from . import payloads

MID_CALL = 'Thought: write it.\nAction: write_file\nAction Input: {"text": "hello'


def bytes_per_parser(fmt: str, tools: Any = None, fed: str = "", count: int = 2000) -> float:
    """Traced bytes per parser among ``count`` live ones, each fed ``fed`` (list slots not
    counted)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        parsers = [None] * count
        baseline = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            parser = StreamParser(fmt, tools)
            if fed:
                parser.feed(fed)
            parsers[i] = parser
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del parsers, before
    return (after - baseline) / count


def stream_response() -> str:
    """One concurrent stream's response: a thought, one call of about 200 characters, an answer."""
    workload = payloads.Workload(
        "concurrent",
        text="I will save the note.\n",
        calls=({"path": "notes/today.txt", "text": 'Buy milk, eggs and "good" bread {x}.\n' * 4},),
    )
    return payloads.render(workload, "qwen2") + "\nFinal Answer: saved."


async def _source(deltas: Sequence[str]) -> AsyncIterator[str]:
    for delta in deltas:
        await anyio.lowlevel.checkpoint()  # let every other stream run: the streams interleave
        yield delta


async def _consume_parsed(deltas: Sequence[str], counts: list[int]) -> None:
    n = 0
    async for _ in stream_events(_source(deltas), "qwen2", tools=payloads.TOOLS):
        n += 1
    counts.append(n)


async def _consume_raw(deltas: Sequence[str], counts: list[int]) -> None:
    n = 0
    async for _ in _source(deltas):
        n += 1
    counts.append(n)


def concurrent_streams(streams: int, parsed: bool = True) -> dict[str, Any]:
    """``streams`` streams interleaved in one asyncio loop (anyio), each through
    ``streamparse.aio.stream_events`` (or, with ``parsed=False``, iterated without a parser: the
    cost of the tasks and sources alone). Peak traced memory, wall time, events per second."""
    deltas = payloads.deltas(stream_response(), "qwen2")
    counts: list[int] = []
    consume = _consume_parsed if parsed else _consume_raw

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(streams):
                group.start_soon(consume, deltas, counts)

    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        start = time.perf_counter()
        anyio.run(main)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert len(counts) == streams
    return {
        "streams": streams,
        "deltas_per_stream": len(deltas),
        "events": sum(counts),
        "peak_bytes": peak,
        "peak_bytes_per_stream": peak / streams,
        "seconds_traced": elapsed,
    }


def concurrent_throughput(streams: int) -> dict[str, Any]:
    """The same run without tracemalloc: wall time and events per second."""
    deltas = payloads.deltas(stream_response(), "qwen2")
    counts: list[int] = []

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(streams):
                group.start_soon(_consume_parsed, deltas, counts)

    start = time.perf_counter()
    anyio.run(main)
    elapsed = time.perf_counter() - start
    return {
        "streams": streams,
        "seconds": elapsed,
        "events_per_s": sum(counts) / elapsed,
        "deltas_per_s": streams * len(deltas) / elapsed,
    }


def async_throughput(repeat: int = 3) -> dict[str, Any]:
    """One stream (the 100-call workload) through ``stream_events``, the source yielding without
    waiting: events and deltas per second through the async layer; and the same deltas through
    ``StreamParser.feed`` directly, for the async layer's overhead."""
    deltas = payloads.deltas(payloads.render(payloads.many_calls(), "qwen2"), "qwen2")

    async def source() -> AsyncIterator[str]:
        for delta in deltas:
            yield delta

    async def consume() -> int:
        n = 0
        async for _ in stream_events(source(), "qwen2", tools=payloads.TOOLS):
            n += 1
        return n

    async def main(box: list[int]) -> None:
        box.append(await consume())

    best = float("inf")
    events: list[int] = []
    for _ in range(repeat):
        start = time.perf_counter()
        anyio.run(main, events)
        best = min(best, time.perf_counter() - start)

    sync_best = float("inf")
    for _ in range(repeat):
        parser = StreamParser("qwen2", payloads.TOOLS)
        start = time.perf_counter()
        n = 0
        for delta in deltas:
            n += len(parser.feed(delta))
        n += len(parser.close())
        sync_best = min(sync_best, time.perf_counter() - start)
    return {
        "deltas": len(deltas),
        "events": events[0],
        "events_per_s": events[0] / best,
        "us_per_delta": best / len(deltas) * 1e6,
        "sync_events_per_s": n / sync_best,
        "sync_us_per_delta": sync_best / len(deltas) * 1e6,
    }


def measure(streams: int) -> dict[str, Any]:
    shared_tools = [Tool.model_validate(tool) for tool in payloads.TOOLS]  # validated once
    idle = {
        fmt: {
            "fresh": bytes_per_parser(fmt),
            "fresh_with_tools": bytes_per_parser(fmt, payloads.TOOLS),
            "fresh_with_shared_tool_models": bytes_per_parser(fmt, shared_tools),
            "mid_call": bytes_per_parser(fmt, fed=MID_CALL if fmt == "qwen2" else
                                         'write_file\n{"text": "hello'),
        }
        for fmt in ("qwen2", "glm4")
    }
    parsed = concurrent_streams(streams, parsed=True)
    raw = concurrent_streams(streams, parsed=False)
    parsed["raw_peak_bytes"] = raw["peak_bytes"]
    parsed["parser_share_per_stream"] = (parsed["peak_bytes"] - raw["peak_bytes"]) / streams
    return {
        "bytes_per_idle_parser": idle,
        "concurrent": parsed,
        "concurrent_timing": concurrent_throughput(streams),
        "async": async_throughput(),
    }
