"""Adapter for what vLLM's ``AsyncLLM.generate()`` yields: ``RequestOutput`` objects, each with one
``CompletionOutput`` per choice, in any output kind, turned into streamparse events per choice.

A thin driver over the sans-I/O core (no parsing logic here): one ``StreamParser`` per
``CompletionOutput.index``, fed the text and token ids that are new in each output.

- ``DELTA``: ``output.text``/``output.token_ids`` are what is new. Text may be empty while token
  ids are not (a token ending inside a UTF-8 character, a skipped special token); several tokens
  may arrive merged. Both are fed as they are.
- ``CUMULATIVE`` (vLLM's default) and ``FINAL_ONLY``: text and token ids are everything so far;
  the adapter remembers only their lengths and feeds the new suffix (O(new) per output).
- A choice's parser is closed when its ``finish_reason`` arrives. A call still open then is an
  error; with ``finish_reason == "length"`` the error says the call was cut by the token limit,
  and a call that a format would complete only at the end of the stream is an error too: a call
  cut by ``length`` is never reported as completed.

vLLM is duck-typed (``.outputs``, ``.index``, ``.text``, ``.token_ids``, ``.finish_reason``), so
importing this module does not import vLLM.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import Any, NamedTuple

from streamparse import Event, StreamParser, ToolCallEnd, ToolCallError
from streamparse.tools import Tool

_KINDS = {0: "cumulative", 1: "delta", 2: "final_only"}
LENGTH_MESSAGE = "call cut by the token limit (finish_reason 'length')"


class ChoiceUpdate(NamedTuple):
    """What one ``CompletionOutput`` (or the end of the stream) brought for one choice."""

    index: int  # type: ignore[assignment]  # the field shadows tuple.index(), on purpose
    """``CompletionOutput.index``: the choice (``n > 1`` gives several)."""
    events: list[Event]
    finish_reason: str | None
    """Set on the choice's last update: vLLM's reason (``stop``, ``length``, ``abort``...), or
    ``None`` when the stream ended without one (see :meth:`OutputParser.close`)."""


def _output_kind(kind: Any) -> str:
    if kind is None:
        return "cumulative"
    if isinstance(kind, str):
        name = kind.lower()
    elif hasattr(kind, "name"):  # vllm.sampling_params.RequestOutputKind
        name = kind.name.lower()
    else:
        name = _KINDS.get(kind, "")
    if name not in ("cumulative", "delta", "final_only"):
        raise ValueError(f"unknown output kind {kind!r}; expected DELTA, CUMULATIVE or FINAL_ONLY")
    return name


class _Choice:
    __slots__ = ("parser", "text_len", "ids_len", "finished")

    def __init__(self, parser: StreamParser) -> None:
        self.parser = parser
        self.text_len = 0
        self.ids_len = 0
        self.finished = False


class OutputParser:
    """Turns ``RequestOutput`` objects of one request into :class:`ChoiceUpdate` lists.

    ``output_kind`` is the request's ``SamplingParams.output_kind`` (a ``RequestOutputKind``, or
    ``"delta"``, ``"cumulative"``, ``"final_only"``); vLLM's default is cumulative. Extra keyword
    arguments go to every ``StreamParser`` (e.g. GLM-4's ``special_token_ids``).
    """

    def __init__(
        self,
        format: str,
        tools: Iterable[Tool | dict[str, Any]] | None = None,
        *,
        output_kind: Any = None,
        id_factory: Callable[[], str] | None = None,
        **parser_kwargs: Any,
    ) -> None:
        self.kind = _output_kind(output_kind)
        tools = list(tools) if tools is not None else None
        self._make: Callable[[], StreamParser] = lambda: StreamParser(
            format, tools, id_factory=id_factory, **parser_kwargs
        )
        self._make().close()  # validate format and tools now, not at the first output
        self._choices: dict[int, _Choice] = {}

    def feed(self, request_output: Any) -> list[ChoiceUpdate]:
        """Consume one ``RequestOutput``; return an update per choice that has events or
        finished."""
        updates = []
        delta = self.kind == "delta"
        for output in request_output.outputs:
            choice = self._choices.get(output.index)
            if choice is None:
                choice = self._choices[output.index] = _Choice(self._make())
            if choice.finished:
                continue
            text = output.text or ""
            ids = output.token_ids if output.token_ids is not None else ()
            if not delta:
                # Cumulative: feed only the suffix that is new (lengths, never the text, are kept).
                new_text = text[choice.text_len :] if len(text) > choice.text_len else ""
                new_ids = ids[choice.ids_len :] if len(ids) > choice.ids_len else ()
                choice.text_len = max(choice.text_len, len(text))
                choice.ids_len = max(choice.ids_len, len(ids))
                text, ids = new_text, new_ids
            events = choice.parser.feed(text, list(ids) if ids else None) if text or ids else []
            finish = output.finish_reason
            if finish is not None:
                events += self._finish(choice, finish)
            if events or finish is not None:
                updates.append(ChoiceUpdate(output.index, events, finish))
        return updates

    def close(self) -> list[ChoiceUpdate]:
        """The stream ended (or was abandoned): finish every choice that had no
        ``finish_reason``; their update carries ``finish_reason=None``."""
        return [
            ChoiceUpdate(index, self._finish(choice, None), None)
            for index, choice in sorted(self._choices.items())
            if not choice.finished
        ]

    @staticmethod
    def _finish(choice: _Choice, reason: str | None) -> list[Event]:
        choice.finished = True
        events = choice.parser.close()
        if reason != "length":
            return events
        result: list[Any] = []
        for event in events:
            if isinstance(event, ToolCallEnd):
                event = ToolCallError(
                    index=event.index,
                    name=event.name,
                    raw=event.raw_arguments,
                    message=LENGTH_MESSAGE,
                    span=event.span,
                )
            elif isinstance(event, ToolCallError) and event.index is not None:
                event = event.model_copy(update={"message": f"{event.message}: {LENGTH_MESSAGE}"})
            result.append(event)
        return result


async def parse_outputs(
    outputs: AsyncIterable[Any],
    format: str,
    tools: Iterable[Tool | dict[str, Any]] | None = None,
    *,
    output_kind: Any = None,
    id_factory: Callable[[], str] | None = None,
    **parser_kwargs: Any,
) -> AsyncIterator[ChoiceUpdate]:
    """Drive :class:`OutputParser` over ``AsyncLLM.generate(...)`` (or any async iterable of
    ``RequestOutput``); yields :class:`ChoiceUpdate` as they come, then closes what is open."""
    parser = OutputParser(
        format, tools, output_kind=output_kind, id_factory=id_factory, **parser_kwargs
    )
    async for request_output in outputs:
        for update in parser.feed(request_output):
            yield update
    for update in parser.close():
        yield update
