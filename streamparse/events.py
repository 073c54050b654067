"""The events a parser emits, and the result of a whole parse.

Events are small frozen pydantic models. Anything a user constructs is validated as usual; the
parsers build them on the hot path with ``_build()``, which skips validation (the values are known
to be right), the way h11 builds its events with ``_parsed=True``.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]


class _Event(BaseModel):
    """Every event has a ``type`` first and a ``span`` last: ``(start, end)`` character offsets
    into the concatenated stream. In emission order, events tile the stream."""

    model_config = ConfigDict(frozen=True)
    _type: ClassVar[str]  # set below, per class: its ``type`` literal
    _all_fields: ClassVar[set[str]]  # its field names, shared by every event built unvalidated

    @classmethod
    def _build(cls, **values: Any) -> Any:
        """Construct without validation (parser-internal: the values are known to be right)."""
        return _construct(cls, {"type": cls._type, **values})


_set = object.__setattr__


def _construct(cls: type[_Event], values: dict[str, Any]) -> Any:
    """``values`` must hold every field, ``type`` first. Shares one fields-set per class: every
    field is set, and pydantic copies the set before it would ever change it."""
    event = object.__new__(cls)
    _set(event, "__dict__", values)
    _set(event, "__pydantic_fields_set__", cls._all_fields)
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


def _type_of(cls: type[_Event]) -> str:
    return cls.model_fields["type"].default  # type: ignore[no-any-return]


class TextEvent(_Event):
    """Assistant content (thoughts, replies). Framing characters are covered by the span but
    left out of ``text``."""

    type: Literal["text"] = "text"
    text: str
    span: Span


class ReasoningEvent(_Event):
    """The inside of a reasoning section (``<think>…</think>``). Its tags, and the newlines the
    templates put next to them, are framing: covered by the span, left out of ``text``."""

    type: Literal["reasoning"] = "reasoning"
    text: str
    span: Span


class ToolCallStart(_Event):
    """A call is confirmed: its name is known and its arguments follow."""

    type: Literal["tool_call_start"] = "tool_call_start"
    index: int
    id: str
    name: str
    span: Span


class ToolCallDelta(_Event):
    """The next raw characters of the arguments JSON, exactly as the model wrote them."""

    type: Literal["tool_call_delta"] = "tool_call_delta"
    index: int
    arguments_delta: str
    span: Span


class ToolCallEnd(_Event):
    """The call is complete and its arguments parsed."""

    type: Literal["tool_call_end"] = "tool_call_end"
    index: int
    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str
    span: Span


class ToolCallError(_Event):
    """A call that cannot be completed. ``index`` is None when it never started (an unknown
    tool); ``raw`` holds the arguments as the model wrote them."""

    type: Literal["tool_call_error"] = "tool_call_error"
    index: int | None
    name: str | None
    raw: str
    message: str
    span: Span


_EVENT_CLASSES: tuple[type[_Event], ...] = (
    TextEvent, ReasoningEvent, ToolCallStart, ToolCallDelta, ToolCallEnd, ToolCallError
)
for _cls in _EVENT_CLASSES:
    _cls._type = _type_of(_cls)
    _cls._all_fields = set(_cls.model_fields)

Event = Annotated[
    TextEvent | ReasoningEvent | ToolCallStart | ToolCallDelta | ToolCallEnd | ToolCallError,
    Field(discriminator="type"),
]


class ToolCall(BaseModel):
    """A completed tool call."""

    model_config = ConfigDict(frozen=True)

    index: int
    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str


class ParseResult(BaseModel):
    """What a whole response amounts to: its text, its reasoning, its completed calls and its
    failed ones."""

    content: str
    reasoning: str = ""
    tool_calls: list[ToolCall]
    errors: list[ToolCallError]

    @classmethod
    def from_events(cls, events: list[Any]) -> ParseResult:
        content: list[str] = []
        reasoning: list[str] = []
        calls: list[ToolCall] = []
        errors: list[ToolCallError] = []
        for event in events:
            if event.type == "text":
                content.append(event.text)
            elif event.type == "reasoning":
                reasoning.append(event.text)
            elif event.type == "tool_call_end":
                calls.append(
                    ToolCall(
                        index=event.index,
                        id=event.id,
                        name=event.name,
                        arguments=event.arguments,
                        raw_arguments=event.raw_arguments,
                    )
                )
            elif event.type == "tool_call_error":
                errors.append(event)
        return cls(
            content="".join(content), reasoning="".join(reasoning), tool_calls=calls, errors=errors
        )
