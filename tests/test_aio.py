"""The async front-end (streamparse.aio): results, early closing, cancellation, agent loops.

Two kinds of tests:

- plain ``async def`` tests, run by pytest-asyncio (auto mode, asyncio);
- ``on_both(backend, ...)`` tests, parametrised over asyncio and trio. They call ``anyio.run``
  themselves instead of using ``@pytest.mark.anyio``: in pytest-asyncio's auto mode, an anyio-marked
  test's trio variant is silently run on asyncio (see docs/async.md, "Testing"). ``on_both`` checks
  the backend really is the one asked for, and that no task is left behind.
"""

from __future__ import annotations

from contextlib import aclosing

import anyio
import pytest
import sniffio

import streamparse
from helpers import chunkings, counter_ids
from streamparse.aio import ToolRun, run_tool_calls, stream_events, stream_tool_calls
from streamparse.events import ParseResult, ToolCall

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
    {"name": "calculate_gpa", "parameters": {"type": "object"}},
]

CASE = (
    "Thought: I need the weather and the GPA.\n"
    'Action: get_weather\nAction Input: {"location": "Boston, MA", "note": "a } and a \\" inside"}\n'
    'Action: send_mail\nAction Input: {"to": "x"}\n'
    'Action: calculate_gpa\nAction Input: {"grades": ["A", "B"], "hours": [3, 4]}\n'
    "Final Answer: done, élan ✓"
)

FIRST_CALL = 'Action: get_weather\nAction Input: {"location": "Paris"}\n'
SECOND_CALL = 'Action: calculate_gpa\nAction Input: {"grades": ["A"]}\n'


class Source:
    """An async generator source that records how it ended."""

    def __init__(self, deltas, *, then_block: bool = False, gate: anyio.Event | None = None):
        self.deltas = list(deltas)
        self.then_block = then_block
        self.gate = gate
        self.yielded = 0
        self.finished = False  # ran to its end
        self.exit: str | None = None  # how its body was left: "end", "GeneratorExit", "cancelled"

    async def __call__(self):
        try:
            for delta in self.deltas:
                await anyio.sleep(0)
                if self.gate is not None and self.yielded == 1:
                    with anyio.fail_after(5):  # a deadlock here fails the test instead of hanging
                        await self.gate.wait()
                self.yielded += 1
                yield delta
            if self.then_block:
                await anyio.sleep_forever()
            self.finished = True
            self.exit = "end"
        except GeneratorExit:
            self.exit = "GeneratorExit"
            raise
        except anyio.get_cancelled_exc_class():
            self.exit = "cancelled"
            raise


def on_both(backend: str, fn, *args):
    """Run ``fn(*args)`` under ``backend``; check that it is that backend and that ``fn`` leaves
    no task running behind it."""

    async def main():
        assert sniffio.current_async_library() == backend
        before = {task.id for task in anyio.get_running_tasks()}
        result = await fn(*args)
        await anyio.sleep(0)
        left = [t.name for t in anyio.get_running_tasks() if t.id not in before]
        assert not left, f"tasks left behind: {left}"
        return result

    return anyio.run(main, backend=backend)


@pytest.fixture(params=["asyncio", "trio"])
def backend(request) -> str:
    return request.param


# ---- results ----------------------------------------------------------------------------------


async def collect(aiterable):
    async with aclosing(aiterable) as items:
        return [item async for item in items]


async def test_events_equal_the_sync_parser_for_every_cutting():
    parser = streamparse.StreamParser("qwen2", tools=TOOLS, id_factory=counter_ids())
    expected = parser.feed(CASE) + parser.close()
    want = ParseResult.from_events(expected)
    assert [call.name for call in want.tool_calls] == ["get_weather", "calculate_gpa"]
    assert [e.message for e in want.errors] == ["unknown tool 'send_mail'"]
    for deltas in chunkings(CASE):
        events = await collect(
            stream_events(Source(deltas)(), "qwen2", tools=TOOLS, id_factory=counter_ids())
        )
        assert ParseResult.from_events(events) == want
        assert events[-1].span[1] == len(CASE)


async def test_sources_of_token_id_pairs_and_mixed_items():
    deltas = chunkings(CASE)[-1]
    items = [(d, [i]) if i % 2 else d for i, d in enumerate(deltas)]
    events = await collect(
        stream_events(Source(items)(), "qwen2", tools=TOOLS, id_factory=counter_ids())
    )
    assert ParseResult.from_events(events) == streamparse.parse(
        CASE, "qwen2", TOOLS, id_factory=counter_ids()
    )


async def test_a_parser_instance_can_be_given():
    parser = streamparse.StreamParser("qwen2", id_factory=counter_ids())
    events = await collect(stream_events(Source([FIRST_CALL])(), parser))
    assert [e.type for e in events if e.type != "tool_call_delta"] == [
        "tool_call_start",
        "tool_call_end",
        "text",  # the newline after the call
    ]
    assert events[0].id == "call_0" and parser.closed


async def test_any_async_iterable_works_not_only_generators():
    class Deltas:
        def __init__(self):
            self.parts = iter([FIRST_CALL[:10], FIRST_CALL[10:]])

        def __aiter__(self):
            return self

        async def __anext__(self):
            try:
                return next(self.parts)
            except StopIteration:
                raise StopAsyncIteration from None

    items = await collect(stream_tool_calls(Deltas(), "qwen2"))
    assert items[0].arguments == {"location": "Paris"}
    assert isinstance(items[-1], ParseResult)


def test_tool_calls_then_result_on_both_backends(backend):
    async def body():
        got = await collect(
            stream_tool_calls(
                Source(chunkings(CASE)[2])(), "qwen2", tools=TOOLS, id_factory=counter_ids()
            )
        )
        return got

    items = on_both(backend, body)
    *calls, result = items
    assert all(isinstance(call, ToolCall) for call in calls)
    assert result == streamparse.parse(CASE, "qwen2", TOOLS, id_factory=counter_ids())
    assert calls == result.tool_calls
    assert [(c.index, c.id) for c in calls] == [(0, "call_0"), (1, "call_1")]


def test_glm4_calls_arrive_one_by_one_on_both_backends(backend):
    text = 'get_weather\n{"location": "Beijing"}<|assistant|>get_weather\n{"location": "Paris"}'

    async def body():
        source = Source(chunkings(text)[1])
        seen = []
        async with aclosing(stream_tool_calls(source(), "glm4", tools=TOOLS)) as items:
            async for item in items:
                seen.append((item, source.finished))
        return seen

    (first, during), (second, _), (result, after) = on_both(backend, body)
    assert first.arguments == {"location": "Beijing"} and not during
    assert second.arguments == {"location": "Paris"} and after
    assert result.tool_calls == [first, second] and result.content == ""


# ---- tools start while the model is still writing -------------------------------------------


def test_stream_tool_calls_yields_a_call_before_the_stream_ends(backend):
    async def body():
        source = Source([FIRST_CALL, SECOND_CALL, "Final Answer: ok"])
        seen_at = []
        async with aclosing(stream_tool_calls(source(), "qwen2")) as items:
            async for item in items:
                seen_at.append((type(item).__name__, source.yielded, source.finished))
        return seen_at

    seen_at = on_both(backend, body)
    # The first call arrives after the first delta, while two more are still to come.
    assert seen_at == [("ToolCall", 1, False), ("ToolCall", 2, False), ("ParseResult", 3, True)]


def test_run_tool_calls_starts_a_tool_before_the_stream_ends(backend):
    # The source will not yield its second delta until the first tool has started: if the tool
    # only ran after the stream ended, this would deadlock (and fail after 5 s).
    async def body():
        started = anyio.Event()
        source = Source([FIRST_CALL, SECOND_CALL, "Final Answer: ok"], gate=started)
        log = []

        async def call_tool(call: ToolCall):
            log.append(("start", call.name, source.finished))
            started.set()
            await anyio.sleep(0.01 if call.index == 0 else 0)  # the first finishes last
            log.append(("end", call.name))
            return f"{call.name} done"

        run = await run_tool_calls(source(), "qwen2", call_tool, tools=TOOLS)
        return run, log

    run, log = on_both(backend, body)
    assert isinstance(run, ToolRun)
    assert log[0] == ("start", "get_weather", False)
    assert log[-1] == ("end", "get_weather")  # ran concurrently with the second tool
    assert run.outputs == ["get_weather done", "calculate_gpa done"]  # still in call order
    assert [c.name for c in run.result.tool_calls] == ["get_weather", "calculate_gpa"]
    assert run.result.content.endswith("Final Answer: ok")


def test_run_tool_calls_return_exceptions(backend):
    async def body():
        async def call_tool(call):
            if call.name == "get_weather":
                raise LookupError("no weather today")
            return 42

        return await run_tool_calls(
            Source([FIRST_CALL + SECOND_CALL])(), "qwen2", call_tool, return_exceptions=True
        )

    run = on_both(backend, body)
    assert isinstance(run.outputs[0], LookupError) and run.outputs[1] == 42


def test_a_failing_tool_cancels_the_stream_and_the_other_tools(backend):
    async def body():
        source = Source([SECOND_CALL, FIRST_CALL], then_block=True)
        other = {}

        async def call_tool(call):
            if call.name == "calculate_gpa":
                try:
                    await anyio.sleep_forever()
                except anyio.get_cancelled_exc_class():
                    other["cancelled"] = True
                    raise
            raise LookupError("no weather today")

        with anyio.fail_after(5), pytest.raises(ExceptionGroup) as caught:
            await run_tool_calls(source(), "qwen2", call_tool)
        return caught.value, source, other

    group, source, other = on_both(backend, body)
    assert group.subgroup(LookupError) is not None
    assert source.exit == "cancelled" and other == {"cancelled": True}


# ---- early closing and cancellation ---------------------------------------------------------


def test_closing_early_closes_the_source_generator(backend):
    async def body():
        source = Source([FIRST_CALL, SECOND_CALL, "more"])
        async with aclosing(stream_events(source(), "qwen2")) as events:
            async for event in events:
                if event.type == "tool_call_start":
                    break
            assert source.exit is None  # not closed yet: aclosing does it on leaving the block
        return source

    source = on_both(backend, body)
    assert source.exit == "GeneratorExit" and source.yielded == 1 and not source.finished


async def test_aclose_reaches_a_non_generator_iterator():
    class Deltas:
        closed = 0

        def __aiter__(self):
            return self

        async def __anext__(self):
            return "text "

        async def aclose(self):
            self.closed += 1

    deltas = Deltas()
    events = stream_events(deltas, "qwen2")
    assert (await events.__anext__()).text == "text "
    await events.aclose()
    assert deltas.closed == 1
    calls = stream_tool_calls(deltas, "qwen2")
    await calls.aclose()  # closed before it started: it never opened the source
    assert deltas.closed == 1


@pytest.mark.parametrize("make", ["stream_events", "stream_tool_calls", "run_tool_calls"])
def test_cancelling_the_consumer_cancels_the_source(backend, make):
    async def body():
        source = Source([FIRST_CALL], then_block=True)
        got_one = anyio.Event()

        async def call_tool(call):
            got_one.set()
            await anyio.sleep_forever()

        async def consume():
            if make == "run_tool_calls":
                await run_tool_calls(source(), "qwen2", call_tool)
                return
            items = getattr(streamparse.aio, make)(source(), "qwen2")
            async with aclosing(items):
                async for _ in items:
                    got_one.set()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(consume)
            with anyio.fail_after(5):
                await got_one.wait()
            await anyio.sleep(0.01)  # let the source reach its block
            tasks.cancel_scope.cancel()
        return source

    source = on_both(backend, body)
    assert source.exit == "cancelled"


def test_a_source_that_raises_is_closed_and_the_error_propagates(backend):
    async def body():
        async def source():
            yield FIRST_CALL
            raise ConnectionError("engine went away")

        with pytest.raises(ConnectionError, match="engine went away"):
            await collect(stream_tool_calls(source(), "qwen2"))

    on_both(backend, body)


# ---- misuse -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [b"bytes", 3, ("text", [1], "extra"), (1, [2]), None])
async def test_a_bad_item_from_the_source_is_a_type_error_and_closes_it(bad):
    source = Source(["ok ", bad, "never"])
    with pytest.raises(TypeError, match=rf"yielded {type(bad).__name__} .*expected a str delta"):
        await collect(stream_events(source(), "qwen2"))
    assert source.exit == "GeneratorExit"


async def test_misuse_raises_at_call_time():
    never = Source(["x"])
    with pytest.raises(
        TypeError, match=r"async iterable of str deltas, not list \(a sync iterable"
    ):
        stream_events(["a", "b"], "qwen2")
    with pytest.raises(TypeError, match="not str"):
        stream_tool_calls("abc", "qwen2")
    with pytest.raises(streamparse.UnknownFormatError, match="nope"):
        stream_events(never(), "nope")
    with pytest.raises(streamparse.ToolDefinitionError):
        stream_tool_calls(never(), "qwen2", tools=[{"description": "no name"}])
    with pytest.raises(TypeError, match="got a StreamParser and tools="):
        stream_events(never(), streamparse.StreamParser("qwen2"), tools=TOOLS)
    with pytest.raises(TypeError, match="call_tool, not int"):
        await run_tool_calls(never(), "qwen2", 3)
    assert never.yielded == 0


async def test_a_sync_call_tool_is_a_type_error():
    def call_tool(call):
        return "not awaitable"

    with pytest.raises(ExceptionGroup) as caught:
        await run_tool_calls(Source([FIRST_CALL])(), "qwen2", call_tool, return_exceptions=True)
    (error,) = caught.value.exceptions
    assert isinstance(error, TypeError)
    assert "async function as call_tool; it returned str for the call to 'get_weather'" in str(
        error
    )


async def test_options_reach_the_parser_and_reasoning_the_result():
    from streamparse import ParseResult, stream_tool_calls

    async def source():
        for piece in ["<think>\nplan", "</think>\nAction: a\nAction Input: {}"]:
            yield piece

    items = [item async for item in stream_tool_calls(source(), "qwen2", reasoning="auto")]
    assert isinstance(items[-1], ParseResult) and items[-1].reasoning == "plan"
    assert [getattr(i, "name", None) for i in items[:-1]] == ["a"]


def test_partial_arguments_come_with_each_delta_of_the_open_call(backend):
    deltas = [CASE[i : i + 7] for i in range(0, len(CASE), 7)]

    async def run():
        return await collect(stream_events(Source(deltas)(), "qwen2", tools=TOOLS, partial=True))

    pairs = on_both(backend, run)
    parser = streamparse.StreamParser("qwen2", tools=TOOLS)
    expected_partials = []
    for delta in deltas:  # the sync parser, asked after every delta
        events = parser.feed(delta)
        if any(e.type in ("tool_call_start", "tool_call_delta") for e in events):
            expected_partials.append(parser.partial_arguments())
    parser.close()
    shown = []
    for event, arguments in pairs:
        if event.type in ("tool_call_start", "tool_call_delta") and arguments is not None:
            if not shown or shown[-1] is not arguments:
                shown.append(arguments)
        elif event.type not in ("tool_call_start", "tool_call_delta"):
            assert arguments is None, event
    assert shown == [a for a in expected_partials if a is not None] and len(shown) >= 4
    with pytest.raises(TypeError, match="partial must be True or False"):
        stream_events(Source([])(), "qwen2", partial="yes")  # type: ignore[call-overload]
