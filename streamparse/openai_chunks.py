"""Events → OpenAI chat-completion chunks, for frontends that speak that streaming protocol.

Two layers, each usable alone:

- :class:`OpenAIChunkAdapter` turns each event into the ``delta`` dict of one chunk (or ``None``
  when the event sends nothing) and knows the ``finish_reason``.
- :class:`OpenAISSEEncoder` wraps those deltas in full ``chat.completion.chunk`` objects and encodes
  them as server-sent events: ``data: {json}\\n\\n`` per chunk, then the final chunk with the
  ``finish_reason`` and ``data: [DONE]\\n\\n``. :func:`aiter_sse` does the same over an async
  iterable of events.

What each event becomes (the decisions are explained in ``docs/openai-chunks.md``):

=================== ==========================================================================
``text``            ``{"content": text}``; an empty text sends nothing
``reasoning``       ``{"reasoning": text}`` (the field vLLM 0.33's ``DeltaMessage`` has for it)
``tool_call_start`` ``{"tool_calls": [{"index", "id", "type": "function",
                    "function": {"name", "arguments": ""}}]}``
``tool_call_delta`` ``{"tool_calls": [{"index", "function": {"arguments": delta}}]}``
``tool_call_end``   nothing (its arguments were streamed already); counts as a completed call
``tool_call_error`` nothing; kept in ``adapter.errors``. A started call cannot be retracted: the
                    client keeps the part it saw. An unknown tool's call was never shown, and
                    stays hidden (its raw arguments are not prose for the user).
=================== ==========================================================================

The first delta sent also carries ``"role": "assistant"``. ``index`` in ``tool_calls`` counts the
calls shown to the client, from 0.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterable, Iterable
from typing import Any, Literal

__all__ = [
    "SSE_DONE",
    "OpenAIChunkAdapter",
    "OpenAISSEEncoder",
    "aiter_sse",
    "sse_event",
]

SSE_DONE = "data: [DONE]\n\n"
"""The line that ends an OpenAI-style event stream."""

FinishReason = Literal["stop", "tool_calls"]


def sse_event(payload: dict[str, Any]) -> str:
    """One server-sent event carrying ``payload`` as compact JSON: ``data: {...}\\n\\n``. JSON
    escapes every line break, so the payload always fits on one ``data:`` line."""
    return f"data: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n"


class OpenAIChunkAdapter:
    """Turns one response's events into OpenAI chunk ``delta`` dicts. Use one per response."""

    def __init__(self, *, role: str | None = "assistant") -> None:
        self._role = role
        self._sent = False
        self._client_index: dict[int, int] = {}
        self.completed = 0
        """How many calls ended with ``tool_call_end``."""
        self.errors: list[Any] = []
        """Every ``tool_call_error`` seen; none of them reaches the client (log them)."""

    def delta(self, event: Any, partial: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The ``delta`` dict that ``event`` sends, or ``None`` when it sends nothing.

        ``partial``: for UIs that render a call's form as it streams, the parser's
        ``partial_arguments()`` after this event (``stream_events(..., partial=True)`` gives it
        with each event); a ``tool_call_start`` or ``tool_call_delta`` chunk then carries it as
        ``"partial_arguments"`` beside ``"function"`` (an extension: OpenAI clients ignore it)."""
        kind = getattr(event, "type", None)
        if kind == "text":
            delta: dict[str, Any] | None = {"content": event.text} if event.text else None
        elif kind == "reasoning":
            delta = {"reasoning": event.text} if event.text else None
        elif kind == "tool_call_delta":
            if not event.arguments_delta:
                return None
            index = self._shown_index(event.index)
            entry: dict[str, Any] = {"index": index, "function": {"arguments": event.arguments_delta}}
            if partial is not None:
                entry["partial_arguments"] = partial
            delta = {"tool_calls": [entry]}
        elif kind == "tool_call_start":
            if event.index in self._client_index:
                raise ValueError(f"tool_call_start for index {event.index} came twice")
            index = self._client_index[event.index] = len(self._client_index)
            call = {
                "index": index,
                "id": event.id,
                "type": "function",
                "function": {"name": event.name, "arguments": ""},
            }
            if partial is not None:
                call["partial_arguments"] = partial
            delta = {"tool_calls": [call]}
        elif kind == "tool_call_end":
            self.completed += 1
            return None
        elif kind == "tool_call_error":
            self.errors.append(event)
            return None
        else:
            raise TypeError(f"not a streamparse event: {type(event).__name__}")
        if delta is not None and not self._sent:
            self._sent = True
            if self._role is not None:
                delta = {"role": self._role, **delta}
        return delta

    def deltas(self, events: Iterable[Any]) -> list[dict[str, Any]]:
        """The deltas of several events, leaving out the events that send nothing."""
        out = []
        for event in events:
            delta = self.delta(event)
            if delta is not None:
                out.append(delta)
        return out

    def finish(self) -> dict[str, Any] | None:
        """At the end of the response: a ``{"role", "content": ""}`` delta when nothing was sent
        yet (clients expect the role), else ``None``."""
        if self._sent or self._role is None:
            return None
        self._sent = True
        return {"role": self._role, "content": ""}

    @property
    def finish_reason(self) -> FinishReason:
        """``"tool_calls"`` if any call completed, else ``"stop"``."""
        return "tool_calls" if self.completed else "stop"

    def _shown_index(self, index: int) -> int:
        try:
            return self._client_index[index]
        except KeyError:
            raise ValueError(
                f"tool_call_delta for index {index} before its tool_call_start"
            ) from None


class OpenAISSEEncoder:
    """Events → ``chat.completion.chunk`` objects → server-sent events, for one response."""

    def __init__(
        self,
        model: str,
        *,
        completion_id: str | None = None,
        created: int | None = None,
        role: str | None = "assistant",
    ) -> None:
        self.model = model
        self.completion_id = completion_id or f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time()) if created is None else created
        self.adapter = OpenAIChunkAdapter(role=role)
        self._closed = False

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        """A full ``chat.completion.chunk`` object around ``delta``."""
        return {
            "id": self.completion_id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            ],
        }

    def chunks(self, events: Iterable[Any]) -> list[dict[str, Any]]:
        """The chunk objects for ``events`` (those that send something)."""
        if self._closed:
            raise RuntimeError(
                "OpenAISSEEncoder: events after close(); use one encoder per response"
            )
        return [self.chunk(delta) for delta in self.adapter.deltas(events)]

    def final_chunks(self) -> list[dict[str, Any]]:
        """The chunks that end the response: the role (if nothing was sent), then an empty delta
        with the ``finish_reason``."""
        if self._closed:
            raise RuntimeError("OpenAISSEEncoder: close() called twice")
        self._closed = True
        out = []
        role = self.adapter.finish()
        if role is not None:
            out.append(self.chunk(role))
        out.append(self.chunk({}, self.adapter.finish_reason))
        return out

    def encode(self, events: Iterable[Any]) -> str:
        """The SSE text for ``events``: one ``data:`` line per chunk, ``""`` if none."""
        return "".join(sse_event(chunk) for chunk in self.chunks(events))

    def close(self) -> str:
        """The SSE text that ends the stream: final chunk(s), then ``data: [DONE]``."""
        return "".join(sse_event(chunk) for chunk in self.final_chunks()) + SSE_DONE


async def aiter_sse(
    events: AsyncIterable[Any],
    model: str,
    *,
    completion_id: str | None = None,
    created: int | None = None,
) -> AsyncGenerator[str, None]:
    """SSE text for an async iterable of events (e.g. :func:`streamparse.aio.stream_events`),
    ready for a streaming HTTP response: one string per chunk, then the end of the stream.
    Closing this generator closes ``events`` too."""
    encoder = OpenAISSEEncoder(model, completion_id=completion_id, created=created)
    iterator = aiter(events)
    try:
        async for event in iterator:
            for chunk in encoder.chunks((event,)):
                yield sse_event(chunk)
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
    yield encoder.close()
