"""The events a parser emits, and the result of a whole parse.

An event is a small immutable object backed by a tuple of its field values (``type`` is a class
attribute, so it costs nothing per event). Building one is a single ``tuple.__new__``: about 4×
cheaper than a pydantic model built without validation, which was most of a ``feed()``'s cost
(``python -m benchmarks --only events`` measures both; ``docs/performance.md`` has the numbers).

What users rely on is kept: attribute access, ``type`` and ``span``, equality (same class, same
values), hashing (unhashable when a field is, like ``ToolCallEnd.arguments``), pickling,
``repr``, ``isinstance``, immutability, ``model_dump()`` / ``model_dump_json()`` with the same
output as the pydantic models had, and validation of what a user constructs
(``TextEvent(text="x", span=(0, 1))``). Pydantic still does the validating, the serialising and
the JSON Schema, through a private pydantic model per event class with the same name, fields and
docstring: ``TypeAdapter(Event)`` validates, dumps and gives the schema of the event union, and an
event can be a field of a pydantic model (``ParseResult.errors``).

Parser-internal fast constructors, none of which validates (the values are known to be right):

- ``_new_event(TextEvent, (text, span))``: the fastest; the values in ``TextEvent._fields`` order.
- ``TextEvent._build(text=..., span=...)`` and ``_construct(ToolCallDelta, {"type": ...,
  "index": ..., ...})``: by name, as before (``type`` is ignored if given).
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable, Iterator
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    TypeVar,
    dataclass_transform,
    get_type_hints,
)

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from pydantic_core import ValidationError, core_schema

Span = tuple[int, int]

_new_event: Callable[[Any, tuple[Any, ...]], Any] = tuple.__new__
"""``_new_event(EventClass, values)``: an event, unvalidated; ``values`` in ``_fields`` order."""

_tuple_eq: Any = tuple.__eq__
_tuple_ne: Any = tuple.__ne__
_tuple_hash: Any = tuple.__hash__
_tuple_getitem: Any = tuple.__getitem__
_set = object.__setattr__

if TYPE_CHECKING:

    class _Base:
        pass

else:
    _Base = tuple


def _restore(cls: type[_Event], values: tuple[Any, ...]) -> Any:
    """Unpickling: rebuild an event from its values."""
    return _new_event(cls, values)


@dataclass_transform(kw_only_default=True, frozen_default=True)
class _Event(_Base):
    """Every event has a ``type`` first and a ``span`` last: ``(start, end)`` character offsets
    into the concatenated stream. In emission order, events tile the stream."""

    __slots__ = ()
    type: str
    _fields: ClassVar[tuple[str, ...]]  # the stored fields, in order (``type`` is not stored)
    _values_of: ClassVar[Callable[[dict[str, Any]], tuple[Any, ...]]]  # dict -> stored values
    _model: ClassVar[builtins.type[BaseModel]]  # validates, serialises, gives the schema
    _adapter: ClassVar[TypeAdapter[Any]]
    model_fields: ClassVar[dict[str, Any]]

    if not TYPE_CHECKING:

        def __new__(cls, **data: Any) -> Any:
            """Validated construction, as a pydantic model does it."""
            model = cls._model(**data)
            return _new_event(cls, cls._values_of(model.__dict__))

    # ---- parser-internal constructors, unvalidated ------------------------------------------

    @classmethod
    def _build(cls, **values: Any) -> Any:
        """Construct without validation (parser-internal: the values are known to be right)."""
        return _new_event(cls, cls._values_of(values))

    # ---- what a pydantic model offers ---------------------------------------------------------

    def _asdict(self) -> dict[str, Any]:
        values = {"type": self.type}
        values.update(zip(self._fields, _tuple_getitem(self, slice(None)), strict=True))
        return values

    def model_dump(self, **options: Any) -> dict[str, Any]:
        """The event as a dict, as ``BaseModel.model_dump`` gives it (same options)."""
        return self._adapter.dump_python(self, **options)  # type: ignore[no-any-return]

    def model_dump_json(self, **options: Any) -> str:
        """The event as JSON, as ``BaseModel.model_dump_json`` gives it (same options)."""
        return self._adapter.dump_json(self, **options).decode()

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy with some fields replaced, unvalidated (as ``BaseModel.model_copy``)."""
        values = self._asdict()
        if update:
            values.update(update)
        if deep:
            import copy

            values = copy.deepcopy(values)
        return _new_event(type(self), type(self)._values_of(values))

    @classmethod
    def model_validate(cls, obj: Any) -> Any:
        return cls._adapter.validate_python(obj)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Any:
        return cls._adapter.validate_json(data)

    @classmethod
    def model_json_schema(cls, **options: Any) -> dict[str, Any]:
        return cls._adapter.json_schema(**options)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        inner = handler(cls._model)
        model = cls._model
        values_of = cls._values_of

        def validate(value: Any, validator: Callable[[Any], Any]) -> Any:
            if type(value) is cls:
                return value
            return _new_event(cls, values_of(validator(value).__dict__))

        def serialize(value: Any, serializer: Callable[[Any], Any]) -> Any:
            if type(value) is not cls:
                return serializer(value)
            shadow: Any = object.__new__(model)
            _set(shadow, "__dict__", value._asdict())
            _set(shadow, "__pydantic_fields_set__", set(model.model_fields))
            _set(shadow, "__pydantic_extra__", None)
            _set(shadow, "__pydantic_private__", None)
            return serializer(shadow)

        return core_schema.no_info_wrap_validator_function(
            validate,
            inner,
            serialization=core_schema.wrap_serializer_function_ser_schema(serialize, schema=inner),
        )

    # ---- an immutable value object ----------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return _tuple_eq(self, other)  # type: ignore[no-any-return]
        # a plain tuple would compare equal element by element: an event equals events only
        return False if isinstance(other, tuple) else NotImplemented

    def __ne__(self, other: object) -> bool:
        if type(other) is type(self):
            return _tuple_ne(self, other)  # type: ignore[no-any-return]
        return True if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return _tuple_hash(self)  # type: ignore[no-any-return]

    def __lt__(self, other: object) -> bool:
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """``(name, value)`` pairs, ``type`` first, as a pydantic model iterates."""
        return iter(self._asdict().items())

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), _tuple_getitem(self, slice(None)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise ValidationError.from_exception_data(
            type(self).__name__, [{"type": "frozen_instance", "loc": (name,), "input": value}]
        )

    def __delattr__(self, name: str) -> None:
        raise ValidationError.from_exception_data(
            type(self).__name__, [{"type": "frozen_instance", "loc": (name,), "input": None}]
        )

    def __repr_body(self) -> str:
        return ", ".join(f"{name}={value!r}" for name, value in self._asdict().items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__repr_body()})"

    def __str__(self) -> str:
        return " ".join(f"{name}={value!r}" for name, value in self._asdict().items())


class TextEvent(_Event):
    """Assistant content (thoughts, replies). Framing characters are covered by the span but
    left out of ``text``."""

    __slots__ = ()
    type: Literal["text"] = "text"
    text: str
    span: Span


class ReasoningEvent(_Event):
    """The inside of a reasoning section (``<think>…</think>``). Its tags, and the newlines the
    templates put next to them, are framing: covered by the span, left out of ``text``."""

    __slots__ = ()
    type: Literal["reasoning"] = "reasoning"
    text: str
    span: Span


class ToolCallStart(_Event):
    """A call is confirmed: its name is known and its arguments follow."""

    __slots__ = ()
    type: Literal["tool_call_start"] = "tool_call_start"
    index: int
    id: str
    name: str
    span: Span


class ToolCallDelta(_Event):
    """The next raw characters of the arguments JSON, exactly as the model wrote them."""

    __slots__ = ()
    type: Literal["tool_call_delta"] = "tool_call_delta"
    index: int
    arguments_delta: str
    span: Span


class ToolCallEnd(_Event):
    """The call is complete and its arguments parsed."""

    __slots__ = ()
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

    __slots__ = ()
    type: Literal["tool_call_error"] = "tool_call_error"
    index: int | None
    name: str | None
    raw: str
    message: str
    span: Span


_EVENT_CLASSES: tuple[type[_Event], ...] = (
    TextEvent, ReasoningEvent, ToolCallStart, ToolCallDelta, ToolCallEnd, ToolCallError
)


def _complete(cls: type[_Event]) -> None:
    """Give an event class its field properties and its pydantic model (same name, fields and
    docstring as the pydantic event it replaces: the same validation, dumps and schema)."""
    hints = get_type_hints(cls)
    fields = tuple(name for name in cls.__annotations__ if name != "type")
    cls._fields = fields
    getter = operator.itemgetter(*fields)
    cls._values_of = getter  # every event has at least two fields: the getter gives a tuple
    for position, name in enumerate(fields):
        setattr(cls, name, property(operator.itemgetter(position), doc=f"The event's {name}."))
    definitions: dict[str, Any] = {"type": (hints["type"], cls.type)}
    definitions.update((name, (hints[name], ...)) for name in fields)
    cls._model = create_model(
        cls.__name__,
        __config__=ConfigDict(frozen=True),
        __doc__=cls.__doc__,
        __module__=cls.__module__,
        **definitions,
    )
    cls.model_fields = cls._model.model_fields
    cls._adapter = TypeAdapter(cls)


for _cls in _EVENT_CLASSES:
    _complete(_cls)


def _construct(cls: type[_Event], values: dict[str, Any]) -> Any:
    """An event from a dict of its fields (``type`` may be there; it is ignored), unvalidated."""
    return _new_event(cls, cls._values_of(values))


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
            kind = event.type
            if kind == "text":
                content.append(event.text)
            elif kind == "reasoning":
                reasoning.append(event.text)
            elif kind == "tool_call_end":  # built from checked events: not re-validated
                calls.append(_unvalidated(ToolCall, {
                    "index": event.index, "id": event.id, "name": event.name,
                    "arguments": event.arguments, "raw_arguments": event.raw_arguments,
                }))  # fmt: skip
            elif kind == "tool_call_error":
                errors.append(event)
        return _unvalidated(cls, {
            "content": "".join(content), "reasoning": "".join(reasoning), "tool_calls": calls,
            "errors": errors,
        })  # fmt: skip


_M = TypeVar("_M", bound=BaseModel)


def _unvalidated(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls.model_construct(**values)`` for a model with no extra, no private attributes and a
    value for every field (the result models): the same instance, without model_construct's
    per-field Python loop."""
    model = object.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
