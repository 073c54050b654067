"""Costs measured against a floor in the same run: what one event costs to build, what building a
parser's tools costs, and ``parse()`` of a whole response against ``json.loads`` of its arguments.

The floor of a ``feed()`` is ``FloorParser.feed`` below: one method call that searches the delta
once with a compiled regex for the JSON structural characters and returns a new list holding one
tuple. Nothing a parser does per delta can be cheaper than that in CPython.
"""

from __future__ import annotations

import gc
import json
import re
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

import streamparse
from streamparse import StreamParser, TextEvent, ToolCallDelta
from streamparse.events import _construct, _new_event
from streamparse.tools import clear_tool_set_cache, normalize_tools, tool_set

from . import payloads, realistic_tools

STRUCTURAL = re.compile(r'[{}\[\]",:\\]')


class FloorParser:
    """The floor: the least a ``feed()`` can do in CPython."""

    def feed(self, delta: str) -> list[tuple[str, Any]]:
        return [(delta, STRUCTURAL.search(delta))]


def floor_feed_runner(deltas: Sequence[str]) -> Callable[[], Any]:
    parser = FloorParser()

    def run() -> Any:
        feed = parser.feed
        for delta in deltas:
            feed(delta)
        return None

    return run


# ---- one event -----------------------------------------------------------------------------


class PydanticDelta(BaseModel):
    """The pydantic event the tuple-backed one replaced, built the way the parsers built it."""

    model_config = ConfigDict(frozen=True)
    type: Literal["tool_call_delta"] = "tool_call_delta"
    index: int
    arguments_delta: str
    span: tuple[int, int]


_FIELDS = set(PydanticDelta.model_fields)
_set = object.__setattr__


def pydantic_construct(values: dict[str, Any]) -> Any:
    event = object.__new__(PydanticDelta)
    _set(event, "__dict__", values)
    _set(event, "__pydantic_fields_set__", _FIELDS)
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


class SlotsDelta:
    __slots__ = ("index", "arguments_delta", "span")
    type = "tool_call_delta"

    def __init__(self, index: int, arguments_delta: str, span: tuple[int, int]) -> None:
        self.index = index
        self.arguments_delta = arguments_delta
        self.span = span


def per_call_ns(fn: Callable[[int], Any], number: int, repeat: int) -> float:
    """Best of ``repeat`` runs of ``fn(number)`` (a loop of ``number`` calls), ns per call, GC off."""
    best = float("inf")
    for _ in range(repeat):
        gc.disable()
        try:
            start = time.perf_counter()
            fn(number)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best / number * 1e9


def event_costs(number: int, repeat: int) -> list[dict[str, Any]]:
    """ns to build (and free) one event, each way, the floor ``feed()``, and the cheapest paths
    of ``StreamParser.feed()``, in one run."""
    floor = FloorParser()

    def loop(make: Callable[[int], Any]) -> Callable[[int], Any]:
        return make

    def floor_loop(n: int) -> None:
        feed = floor.feed
        for _ in range(n):
            feed("abcd")

    def pydantic_loop(n: int) -> None:
        for i in range(n):
            pydantic_construct({"type": "tool_call_delta", "index": 0, "arguments_delta": "abcd",
                                "span": (i, 4)})

    def construct_loop(n: int) -> None:
        for i in range(n):
            _construct(ToolCallDelta, {"type": "tool_call_delta", "index": 0,
                                       "arguments_delta": "abcd", "span": (i, 4)})

    def build_loop(n: int) -> None:
        build = TextEvent._build
        for i in range(n):
            build(text="abcd", span=(i, 4))

    def new_event_loop(n: int) -> None:
        for i in range(n):
            _new_event(ToolCallDelta, (0, "abcd", (i, 4)))

    def slots_loop(n: int) -> None:
        for i in range(n):
            SlotsDelta(0, "abcd", (i, 4))

    def validated_loop(n: int) -> None:
        for i in range(n):
            ToolCallDelta(index=0, arguments_delta="abcd", span=(i, 4))

    # The cheapest paths of a real feed(): a delta that the current state consumes whole (one
    # search of the delta, one event). Whole feed() calls, like the floor, so nothing is taken off.
    in_string = StreamParser("qwen2", payloads.TOOLS)
    in_string.feed(f'Action: {payloads.TOOL_NAME}\nAction Input: {{"content": "')
    in_text = StreamParser("qwen2", payloads.TOOLS)
    in_text.feed("Some text ")

    def whole_feed_loop(parser: StreamParser) -> Callable[[int], None]:
        def feed_loop(n: int) -> None:
            feed = parser.feed
            for _ in range(n):
                feed("abcd")

        return feed_loop

    def empty_loop(n: int) -> None:
        for i in range(n):
            (i, 4)  # noqa: B018 (building the span tuple is what is measured)

    cases = [
        ("floor feed() (the unit)", floor_loop),
        ("pydantic model, unvalidated (the events before)", pydantic_loop),
        ("_construct(ToolCallDelta, {...}) (tuple-backed)", construct_loop),
        ("TextEvent._build(text=, span=) (tuple-backed)", build_loop),
        ("_new_event(ToolCallDelta, (...)) (tuple-backed)", new_event_loop),
        ("a __slots__ class with __init__ (not chosen)", slots_loop),
        ("ToolCallDelta(...) validated (a user's construction)", validated_loop),
    ]
    whole = [
        ("StreamParser.feed(): string content in a call's arguments (its cheapest path)",
         whole_feed_loop(in_string)),
        ("StreamParser.feed(): running text", whole_feed_loop(in_text)),
    ]
    empty = per_call_ns(empty_loop, number, repeat)  # the loop and the span tuple
    rows = []
    for name, fn in cases:
        ns = per_call_ns(loop(fn), number, repeat)
        rows.append({"name": name, "ns": ns if fn is floor_loop else max(0.0, ns - empty)})
    for name, fn in whole:
        rows.append({"name": name, "ns": per_call_ns(fn, number, repeat)})
    unit = rows[0]["ns"]
    for row in rows:
        row["x_floor"] = row["ns"] / unit
    return rows


# ---- tools ---------------------------------------------------------------------------------


def _today(definitions: Any) -> Any:
    """What ``StreamParser.__init__`` did per parser before ``tool_set()``."""
    tools = normalize_tools(definitions)
    names = [tool.name for tool in tools] if tools is not None else []
    return tools, sorted(names), frozenset(names), max([128] + [len(n) + 32 for n in names])


def _per_build(build: Callable[[Any], Any], inputs: list[Any]) -> tuple[float, float]:
    """(µs, traced bytes) per build; every result kept alive, the inputs made beforehand; the
    garbage collector off while timed, as everywhere in this suite."""
    gc.collect()
    results: list[Any] = [None] * len(inputs)
    gc.disable()
    try:
        start = time.perf_counter()
        for i, definitions in enumerate(inputs):
            results[i] = build(definitions)
        seconds = time.perf_counter() - start
    finally:
        gc.enable()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i, definitions in enumerate(inputs):
            results[i] = None
            results[i] = build(definitions)
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    del results
    return seconds / len(inputs) * 1e6, max(0.0, grown / len(inputs))


def tool_costs(count: int) -> list[dict[str, Any]]:
    """Per parser with 20 realistic tools: the same objects each time, or equal new dicts (JSON
    decoded per request, as vLLM's are), through today's path and through ``tool_set()``."""
    same = realistic_tools.tools()
    text = json.dumps(same)
    rows = []
    cases: list[tuple[str, str, Callable[[Any], Any]]] = [
        ("normalize_tools + names (each parser today)", "same", _today),
        ("normalize_tools + names (each parser today)", "new", _today),
        ("tool_set()", "same", tool_set),
        ("tool_set()", "new", tool_set),
        ('StreamParser("qwen2", tools)', "same", lambda t: StreamParser("qwen2", t)),
        ('StreamParser("qwen2", tools)', "new", lambda t: StreamParser("qwen2", t)),
    ]
    for name, which, build in cases:
        clear_tool_set_cache()
        build(same)  # warm: the first build fills the cache
        best = (float("inf"), float("inf"))
        for _ in range(3):
            inputs = [same] * count if which == "same" else [json.loads(text) for _ in range(count)]
            us, grown = _per_build(build, inputs)
            best = (min(best[0], us), min(best[1], grown))
        rows.append({"name": name, "tools": which, "us": best[0], "bytes": best[1]})
    clear_tool_set_cache()
    return rows


# ---- parse() of a whole response -----------------------------------------------------------


def parse_costs(sizes: Sequence[int], repeat: int) -> list[dict[str, Any]]:
    """``streamparse.parse()`` of a response holding one call against ``json.loads`` of that
    call's arguments, for each format and shape."""
    rows = []
    for fmt in ("qwen2", "glm4"):
        for shape in ("string", "keys"):
            for size in sizes:
                workload = payloads.single_call(shape, size)
                text = payloads.render(workload, fmt)
                arguments = json.dumps(workload.calls[0], ensure_ascii=False)
                number = max(3, 200_000 // size)

                def run_parse(n: int, text: str = text, fmt: str = fmt) -> None:
                    for _ in range(n):
                        streamparse.parse(text, fmt, tools=payloads.TOOLS)

                def run_loads(n: int, arguments: str = arguments) -> None:
                    for _ in range(n):
                        json.loads(arguments)

                parse_us = per_call_ns(run_parse, number, repeat) / 1e3
                loads_us = per_call_ns(run_loads, number, repeat) / 1e3
                rows.append({"format": fmt, "shape": shape, "size": size, "parse_us": parse_us,
                             "loads_us": loads_us, "ratio": parse_us / loads_us})
    return rows


def measure(quick: bool) -> dict[str, Any]:
    return {
        "events": event_costs(100_000 if quick else 1_000_000, 3 if quick else 7),
        "tools": tool_costs(300 if quick else 2000),
        "parse": parse_costs((1_000, 16_000) if quick else (1_000, 16_000, 256_000),
                             3 if quick else 7),
    }
