"""Async front-end: an async iterable of text deltas in, events (or completed calls) out.

A thin driver over the sans-I/O :class:`~streamparse.StreamParser`, the way ijson builds its async
front-end from its push core: every item goes to ``parser.feed()``, every event comes from it, and
nothing here looks at the text. Built on anyio, so it runs under asyncio and trio alike.

Rules of this file:

- The source is an async iterable of ``str`` deltas or of ``(str, token_ids)`` pairs (both may be
  mixed). Anything else raises ``TypeError`` naming what was yielded.
- Whatever ends the iteration early (the consumer's ``break`` followed by ``aclose()``, an
  exception, a cancelled task) closes the source: its iterator's ``aclose()`` is awaited, so an
  async-generator source runs its ``finally`` at once, not whenever the garbage collector gets to it
  (trio does not finalise async generators reliably).
- Only :func:`run_tool_calls` spawns tasks, inside one anyio task group that it leaves before
  returning or raising: no task outlives the call.
- Programming errors (unknown format, bad arguments) raise at call time, before the source is
  touched.
"""

from __future__ import annotations

import inspect
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Sequence,
)
from contextlib import aclosing
from typing import Any, Literal, NamedTuple, TypeAlias, overload

import anyio

from .events import Event, ParseResult, ToolCall, ToolCallEnd
from .parser import StreamParser
from .tools import Tool

__all__ = [
    "DeltaSource",
    "ToolRun",
    "run_tool_calls",
    "stream_events",
    "stream_tool_calls",
]

DeltaSource: TypeAlias = AsyncIterable[str] | AsyncIterable[tuple[str, Sequence[int] | None]]
"""An async iterable of text deltas, each a ``str`` or a ``(str, token_ids)`` pair."""

ToolsArg: TypeAlias = Iterable[Tool | dict[str, Any]] | None


class ToolRun(NamedTuple):
    """What :func:`run_tool_calls` returns. ``outputs[i]`` is the tool's result for
    ``result.tool_calls[i]`` (or the exception it raised, with ``return_exceptions=True``)."""

    result: ParseResult
    outputs: list[Any]


# ---- public API -------------------------------------------------------------------------------


@overload
def stream_events(
    source: DeltaSource,
    format: str | StreamParser,
    *,
    tools: ToolsArg = None,
    id_factory: Callable[[], str] | None = None,
    partial: Literal[False] = False,
    **options: Any,
) -> AsyncGenerator[Event, None]: ...


@overload
def stream_events(
    source: DeltaSource,
    format: str | StreamParser,
    *,
    tools: ToolsArg = None,
    id_factory: Callable[[], str] | None = None,
    partial: Literal[True],
    **options: Any,
) -> AsyncGenerator[tuple[Event, dict[str, Any] | None], None]: ...


def stream_events(
    source: DeltaSource,
    format: str | StreamParser,
    *,
    tools: ToolsArg = None,
    id_factory: Callable[[], str] | None = None,
    partial: bool = False,
    **options: Any,
) -> AsyncGenerator[Any, None]:
    """Parse ``source`` as it arrives; yield each event as soon as a delta completes it, then the
    events of ``close()`` when the source is exhausted.

    ``format`` is a format name (``tools``, ``id_factory`` and the parser ``options``, such as
    ``reasoning=`` or ``max_calls=``, then build the parser) or a fresh :class:`StreamParser`.
    Returns an async generator: close it with ``contextlib.aclosing`` (or ``await it.aclose()``)
    when stopping early, which closes the source too.

    ``partial=True`` (for UIs that render a call's form while it streams): yield ``(event,
    arguments)`` pairs instead, where ``arguments`` is the open call's
    :meth:`~streamparse.StreamParser.partial_arguments` after the delta that brought the event,
    given with that call's ``tool_call_start`` and ``tool_call_delta`` events (one dict per delta,
    shared by the events of that delta), and ``None`` with every other event.
    """
    parser = _make_parser("stream_events", format, tools, id_factory, options)
    _check_source("stream_events", source)
    if type(partial) is not bool:
        raise TypeError(f"stream_events(): partial must be True or False, not {partial!r}")
    return _events_with_partial(source, parser) if partial else _events(source, parser)


def stream_tool_calls(
    source: DeltaSource,
    format: str | StreamParser,
    *,
    tools: ToolsArg = None,
    id_factory: Callable[[], str] | None = None,
    **options: Any,
) -> AsyncGenerator[ToolCall | ParseResult, None]:
    """For agent loops: yield each completed :class:`ToolCall` the moment its ``tool_call_end``
    arrives (so the tool can start while the model is still writing), then, last, the whole
    response's :class:`ParseResult` (content, every completed call, every error).

    Same arguments and closing rules as :func:`stream_events`.
    """
    parser = _make_parser("stream_tool_calls", format, tools, id_factory, options)
    _check_source("stream_tool_calls", source)
    return _tool_calls(source, parser)


async def run_tool_calls(
    source: DeltaSource,
    format: str | StreamParser,
    call_tool: Callable[[ToolCall], Awaitable[Any]],
    *,
    tools: ToolsArg = None,
    id_factory: Callable[[], str] | None = None,
    return_exceptions: bool = False,
) -> ToolRun:
    """Parse ``source`` and start ``await call_tool(call)`` in a task of its own as soon as each
    call completes, while the stream goes on. Returns once the stream has ended and every tool has
    finished: ``ToolRun(result, outputs)``, outputs in call order.

    A tool that raises cancels the stream and the other tools, and the error propagates in an
    ``ExceptionGroup`` (anyio task-group semantics); with ``return_exceptions=True`` the exception
    becomes that call's output instead and the others carry on. Cancelling the caller cancels the
    stream (closing the source) and every running tool.
    """
    parser = _make_parser("run_tool_calls", format, tools, id_factory)
    _check_source("run_tool_calls", source)
    if not callable(call_tool):
        raise TypeError(
            f"run_tool_calls() needs an async function as call_tool, not {type(call_tool).__name__}"
        )
    outputs: list[Any] = []
    result: ParseResult | None = None

    async def run_one(slot: int, call: ToolCall) -> None:
        pending = call_tool(call)
        if not inspect.isawaitable(pending):
            raise TypeError(
                "run_tool_calls() needs an async function as call_tool; it returned "
                f"{type(pending).__name__} for the call to {call.name!r}"
            )
        try:
            outputs[slot] = await pending
        except Exception as exc:
            if not return_exceptions:
                raise
            outputs[slot] = exc

    async with anyio.create_task_group() as tasks:
        async with aclosing(_tool_calls(source, parser)) as items:
            async for item in items:
                if isinstance(item, ToolCall):
                    outputs.append(None)
                    tasks.start_soon(run_one, len(outputs) - 1, item, name=f"tool {item.name}")
                else:
                    result = item
    assert result is not None  # _tool_calls always ends with the ParseResult
    return ToolRun(result, outputs)


# ---- the drivers ------------------------------------------------------------------------------


async def _events(source: DeltaSource, parser: StreamParser) -> AsyncGenerator[Event, None]:
    iterator = aiter(source)
    try:
        async for item in iterator:
            for event in _feed(parser, item):
                yield event
        final = parser.close()
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
    for event in final:
        yield event


async def _events_with_partial(
    source: DeltaSource, parser: StreamParser
) -> AsyncGenerator[tuple[Event, dict[str, Any] | None], None]:
    iterator = aiter(source)
    try:
        async for item in iterator:
            events = _feed(parser, item)
            arguments = parser.partial_arguments()
            open_index = _open_call_index(events) if arguments is not None else None
            for event in events:
                moved = event.type in ("tool_call_start", "tool_call_delta")
                yield event, arguments if moved and event.index == open_index else None  # type: ignore[union-attr]
        final = parser.close()
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
    for event in final:
        yield event, None


def _open_call_index(events: list[Event]) -> int | None:
    """The index of the last call these events started or moved (the one still open)."""
    for event in reversed(events):
        if event.type in ("tool_call_start", "tool_call_delta"):
            return event.index
    return None


async def _tool_calls(
    source: DeltaSource, parser: StreamParser
) -> AsyncGenerator[ToolCall | ParseResult, None]:
    kept: list[Any] = []  # what ParseResult.from_events reads; argument deltas are not kept
    async with aclosing(_events(source, parser)) as events:
        async for event in events:
            if isinstance(event, ToolCallEnd):
                kept.append(event)
                yield _tool_call(event)
            elif event.type != "tool_call_start" and event.type != "tool_call_delta":
                kept.append(event)  # text, errors (and reasoning, in formats that have it)
    yield ParseResult.from_events(kept)


def _tool_call(event: ToolCallEnd) -> ToolCall:
    return ToolCall(
        index=event.index,
        id=event.id,
        name=event.name,
        arguments=event.arguments,
        raw_arguments=event.raw_arguments,
    )


def _feed(parser: StreamParser, item: Any) -> list[Event]:
    if isinstance(item, str):
        return parser.feed(item)
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        return parser.feed(item[0], item[1])
    shown = repr(item)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise TypeError(
        f"the delta source yielded {type(item).__name__} {shown}; "
        "expected a str delta or a (str, token_ids) pair"
    )


def _make_parser(
    caller: str,
    format: str | StreamParser,
    tools: ToolsArg,
    id_factory: Callable[[], str] | None,
    options: dict[str, Any] | None = None,
) -> StreamParser:
    if isinstance(format, StreamParser):
        if tools is not None or id_factory is not None or options:
            raise TypeError(
                f"{caller}() got a StreamParser and tools=/id_factory=; pass a format name "
                "with them, or build the parser with them"
            )
        return format
    return StreamParser(format, tools=tools, id_factory=id_factory, **(options or {}))


def _check_source(caller: str, source: Any) -> None:
    if not hasattr(source, "__aiter__"):
        hint = (
            " (a sync iterable: wrap it in an async generator)"
            if hasattr(source, "__iter__")
            else ""
        )
        raise TypeError(
            f"{caller}() needs an async iterable of str deltas, not {type(source).__name__}{hint}"
        )
