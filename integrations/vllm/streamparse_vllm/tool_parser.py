"""vLLM ``ToolParser`` plugins, one per format of the registry: ``streamparse-qwen2``,
``streamparse-glm4``, ``streamparse-hermes``, ...

A thin layer over the sans-I/O core: streamparse events become OpenAI-shaped ``DeltaMessage``s.
Nothing here is per format: what a format needs (its special tokens, whether it takes
``text_lag``, its default reasoning mode) is read from the format's module and parser class.

How vLLM 0.33 drives a tool parser (``vllm/parser/abstract_parser.py``): a ``DelegatingParser``
per request and choice holds the tool parser (built with ``request.tools``) and, with
``--reasoning-parser``, a reasoning parser built just before it; ``extract_tool_calls_streaming``
once per engine output; at the end ``finalize_generation`` appends
``get_remaining_unstreamed_args()`` to the last tool-call entry and, for parsers with
``engine_based_streaming = True``, ``finish_streaming()`` flushes what the parser still holds.

Decisions (see docs/vllm.md):

- ``engine_based_streaming = True``: vLLM passes ``current_text = delta_text`` instead of
  rebuilding ``previous_text + delta_text`` per delta (O(total) each), and only engine-based
  parsers get ``finish_streaming()``. Only ``delta_text`` and ``delta_token_ids`` are read.
- ``supports_required_and_named = False``: vLLM then hands ``tool_choice="required"`` and named
  tool choices to this parser (no JSON schema forced on the model). The request's options map to
  the contract's: ``"none"`` -> ``calls=False``, ``"required"`` -> ``require_call=True``, a named
  function -> only that tool declared, ``parallel_tool_calls=false`` -> ``max_calls=1``, stop
  strings -> ``text_lag`` (for formats that take it).
- Reasoning: with ``--reasoning-parser streamparse-...`` (:mod:`streamparse_vllm.reasoning_parser`)
  the reasoning parser reads the rendered prompt's end and hands the whole stream to this parser,
  which parses it once (reasoning, content and calls) in the mode the prompt needs. Without a
  streamparse reasoning parser the mode is ``"off"``: vLLM's rule is that with no reasoning parser
  reasoning markup is content, and with another one the text reaching here is past the reasoning.
- Deltas: a call's first entry carries ``id``, ``type`` and ``name`` (and the argument characters
  that arrived with it); later entries ``arguments`` only; at most one entry per index per
  message. The models are built without validation (every value comes from the parser already
  typed; tests pin that they serialise as validated ones do).
- ``prev_tool_call_arr[i]`` is ``{"name", "arguments"}`` with the raw JSON text, and
  ``streamed_args_for_tool[i]`` the same string, both filled in when the call ends, so vLLM's
  ``get_remaining_unstreamed_args()`` returns ``""``: every character is streamed exactly once.
- A call to an undeclared tool was never shown and stays hidden (logged as a warning). A started
  call that then fails has already been streamed; it stays a tool call with the raw arguments.
  ``tool_choice="required"`` without a call is logged as a failed call too.
- ``extract_tool_calls`` (non-streaming) runs the same code on the whole text, so it agrees with
  the streamed result by construction.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel
from vllm.entrypoints.generate.base.protocol import (
    DeltaFunctionCall,
    DeltaMessage,
    DeltaToolCall,
    ExtractedToolCallInformation,
    FunctionCall,
    ToolCall,
)
from vllm.logger import init_logger
from vllm.tool_parsers import ToolParser

from streamparse import StreamParser
from streamparse.families import FORMATS
from streamparse.tools import tool_set

from . import parser_class_name

logger = init_logger(__name__)

GLM4_SPECIAL_TOKENS = FORMATS["glm4"].SPECIAL_TOKENS
"""Kept for one release; each format module's ``SPECIAL_TOKENS`` is the source."""

# ---- vLLM's delta models, built without re-validation ------------------------------------------

_new = object.__new__


def _slot_setter(name: str) -> Callable[[Any, Any], None]:
    """A setter of a pydantic model's own slot (``__dict__``, ``__pydantic_fields_set__``, ...):
    the slot's descriptor, called directly (a third cheaper than ``object.__setattr__``), or that
    if a pydantic release lays them out otherwise."""
    descriptor = BaseModel.__dict__.get(name)
    setter = getattr(descriptor, "__set__", None)
    if setter is not None:
        return setter  # type: ignore[no-any-return]
    return lambda obj, value: object.__setattr__(obj, name, value)


_set_dict = _slot_setter("__dict__")
_set_fields_set = _slot_setter("__pydantic_fields_set__")
_set_extra = _slot_setter("__pydantic_extra__")
_set_private = _slot_setter("__pydantic_private__")


def _template(cls: Any) -> dict[str, Any]:
    """The model's fields in order, with their defaults (a factory's field None: the caller sets it)."""
    return {
        name: None if field.default_factory is not None else field.default
        for name, field in cls.model_fields.items()
    }


def _factory_fields(cls: Any) -> list[str]:
    return [name for name, field in cls.model_fields.items() if field.default_factory is not None]


def _allows_extra(cls: Any) -> bool:
    return bool(cls.model_config.get("extra") == "allow")


def _model_builder(cls: Any, *names: str) -> Any:
    """A function ``build(*values)`` that makes a ``cls`` instance as ``cls(**dict(zip(names,
    values)))`` would when the values already have the field types: the same field values
    (defaults for the others, a fresh one from each default factory), in the fields' order, the
    same ``model_fields_set`` (so ``exclude_unset`` serialises the same), the same extra and
    private state. It skips pydantic's validation (vLLM's ``OpenAIBaseModel`` adds a Python
    validator per model), which for vLLM's three delta models costs more than the parsing itself."""
    template = _template(cls)  # every field, in order (factories' filled per call)
    fresh = [  # default factories of the fields not given
        (name, cls.model_fields[name].default_factory)
        for name in _factory_fields(cls) if name not in names
    ]  # fmt: skip
    unknown = set(names) - set(cls.model_fields)
    if unknown or cls.__private_attributes__:  # none of vLLM's delta models has any
        raise TypeError(f"{cls.__name__}: fields {sorted(unknown)} or private attributes")
    extra = _allows_extra(cls)
    given = frozenset(names)

    def build(*values: Any) -> Any:
        data = template.copy()
        for name, factory in fresh:
            data[name] = factory()
        data.update(zip(names, values, strict=True))
        obj = _new(cls)
        _set_dict(obj, data)
        _set_fields_set(obj, set(given))
        _set_extra(obj, {} if extra else None)
        _set_private(obj, None)
        return obj

    if len(names) == 1 and len(fresh) <= 1:  # the hot shapes: one field given
        (only,) = names
        ((factory_field, factory),) = fresh or [("", None)]

        def build_one(value: Any) -> Any:
            data = template.copy()
            data[only] = value
            if factory is not None:
                data[factory_field] = factory()
            obj = _new(cls)
            _set_dict(obj, data)
            _set_fields_set(obj, {only})
            _set_extra(obj, {} if extra else None)
            _set_private(obj, None)
            return obj

        return build_one
    return build


_message_makers: dict[tuple[str, ...], Callable[..., DeltaMessage]] = {}


def new_message(**fields: Any) -> DeltaMessage:
    """``DeltaMessage(**fields)``, built by :func:`_model_builder` (one builder per set of
    fields given)."""
    names = tuple(fields)
    make = _message_makers.get(names)
    if make is None:
        make = _message_makers[names] = _model_builder(DeltaMessage, *names)
    return make(*fields.values())


_tool_calls_message: Callable[[list[DeltaToolCall]], DeltaMessage] = _model_builder(
    DeltaMessage, "tool_calls"
)
_content_message: Callable[[str], DeltaMessage] = _model_builder(DeltaMessage, "content")
_reasoning_message: Callable[[str], DeltaMessage] = _model_builder(DeltaMessage, "reasoning")
_arguments_call: Callable[[int, DeltaFunctionCall], DeltaToolCall] = _model_builder(
    DeltaToolCall, "index", "function"
)
_first_call: Callable[[int, str, str, DeltaFunctionCall], DeltaToolCall] = _model_builder(
    DeltaToolCall, "index", "id", "type", "function"
)
_arguments: Callable[[str], DeltaFunctionCall] = _model_builder(DeltaFunctionCall, "arguments")
_name_arguments: Callable[[str, str], DeltaFunctionCall] = _model_builder(
    DeltaFunctionCall, "name", "arguments"
)


_FUNCTION_TEMPLATE = _template(DeltaFunctionCall)
_CALL_TEMPLATE = _template(DeltaToolCall)
_MESSAGE_TEMPLATE = _template(DeltaMessage)
_FUNCTION_EXTRA = _allows_extra(DeltaFunctionCall)
_CALL_EXTRA = _allows_extra(DeltaToolCall)
_MESSAGE_EXTRA = _allows_extra(DeltaMessage)
if (
    any(cls.__private_attributes__ for cls in (DeltaFunctionCall, DeltaToolCall, DeltaMessage))
    or _factory_fields(DeltaFunctionCall) or _factory_fields(DeltaToolCall)
    or set(_factory_fields(DeltaMessage)) - {"tool_calls"}
):  # what _arguments_message builds by hand
    raise TypeError("vLLM's delta models changed: _arguments_message must be revised")


def _arguments_message(index: int, arguments: str) -> DeltaMessage:
    """``_tool_calls_message([_arguments_entry(index, arguments)])`` in one function: the
    message of most deltas inside a call (the same three builds, inline)."""
    function = _new(DeltaFunctionCall)
    data = _FUNCTION_TEMPLATE.copy()
    data["arguments"] = arguments
    _set_dict(function, data)
    _set_fields_set(function, {"arguments"})
    _set_extra(function, {} if _FUNCTION_EXTRA else None)
    _set_private(function, None)
    call = _new(DeltaToolCall)
    data = _CALL_TEMPLATE.copy()
    data["index"] = index
    data["function"] = function
    _set_dict(call, data)
    _set_fields_set(call, {"index", "function"})
    _set_extra(call, {} if _CALL_EXTRA else None)
    _set_private(call, None)
    message = _new(DeltaMessage)
    data = _MESSAGE_TEMPLATE.copy()
    data["tool_calls"] = [call]
    _set_dict(message, data)
    _set_fields_set(message, {"tool_calls"})
    _set_extra(message, {} if _MESSAGE_EXTRA else None)
    _set_private(message, None)
    return message


def _arguments_entry(index: int, arguments: str) -> DeltaToolCall:
    """``DeltaToolCall(index=index, function=DeltaFunctionCall(arguments=arguments))``."""
    return _arguments_call(index, _arguments(arguments))


def _first_entry(index: int, call_id: str, name: str, arguments: str) -> DeltaToolCall:
    """A call's first entry: ``DeltaToolCall(index, id, type="function", function=
    DeltaFunctionCall(name, arguments))``."""
    return _first_call(index, call_id, "function", _name_arguments(name, arguments))


# ---- what a request asks for -------------------------------------------------------------------


class _ToolsEntry:
    __slots__ = ("source", "dicts")

    def __init__(self, source: Any, dicts: list[dict[str, Any]] | None) -> None:
        self.source = source
        self.dicts = dicts


_tools_cache: list[_ToolsEntry] = []
_TOOLS_CACHE_SIZE = 8


def _tool_dicts(tools: Sequence[Any] | None) -> list[dict[str, Any]] | None:
    """Request tools (``ChatCompletionToolsParam`` or Responses ``FunctionTool``) as bare
    streamparse tool dicts, validated (``ToolDefinitionError`` names a bad one); ``None`` when the
    request declares none (any name is accepted). vLLM builds three parsers per request from the
    same ``request.tools`` list: the result is kept for the last few lists, by identity."""
    if not tools:
        return None
    for entry in _tools_cache:
        if entry.source is tools:
            return entry.dicts
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for tool in tools:
        function = getattr(tool, "function", tool)
        name = getattr(function, "name", None)
        if not name or name in seen:
            continue
        seen.add(name)
        item: dict[str, Any] = {"name": name}
        if getattr(function, "description", None):
            item["description"] = function.description
        if isinstance(getattr(function, "parameters", None), dict):
            item["parameters"] = function.parameters
        result.append(item)
    dicts = result or None
    tool_set(dicts)  # raises ToolDefinitionError on a bad definition; caches the normalised set
    _tools_cache.insert(0, _ToolsEntry(tools, dicts))
    del _tools_cache[_TOOLS_CACHE_SIZE:]
    return dicts


_special_ids_cache: dict[int, tuple[Any, dict[int, str]]] = {}


def special_token_ids(tokenizer: Any, tokens: Sequence[str]) -> dict[int, str]:
    """``{id: token text}`` for those of ``tokens`` the tokenizer has as single tokens. Cached per
    tokenizer: vLLM builds a parser per request."""
    if tokenizer is None or not tokens:
        return {}
    key = hash((id(tokenizer), tuple(tokens)))
    cached = _special_ids_cache.get(key)
    if cached is not None and cached[0] is tokenizer:
        return cached[1]
    ids: dict[int, str] = {}
    for token in tokens:
        try:
            token_id = tokenizer.convert_tokens_to_ids(token)
            back = tokenizer.convert_ids_to_tokens(token_id) if token_id is not None else None
        except Exception:  # a tokenizer without these methods or this token
            continue
        if isinstance(token_id, int) and back == token:
            ids[token_id] = token
    _special_ids_cache[key] = (tokenizer, ids)
    return ids


def text_lag(request: Any) -> int:
    """How many characters vLLM holds back from the streamed text for this request: the longest
    stop string's length minus 1, unless the stop string is included in the output
    (``vllm/v1/engine/detokenizer.py``). Token ids are not held back, so the text trails them."""
    stop = getattr(request, "stop", None)
    if not stop or getattr(request, "include_stop_str_in_output", False):
        return 0
    stops = [stop] if isinstance(stop, str) else list(stop)
    return max((len(s) for s in stops), default=1) - 1 if stops else 0


def named_tool(tool_choice: Any) -> str | None:
    """The function a named ``tool_choice`` forces (Chat Completions'
    ``{"type": "function", "function": {"name"}}`` or the Responses API's ``{"name"}``), else
    ``None``."""
    if tool_choice is None or isinstance(tool_choice, str):
        return None
    function = getattr(tool_choice, "function", None)
    name = getattr(function, "name", None) if function is not None else None
    if name is None:
        name = getattr(tool_choice, "name", None)
    return name if isinstance(name, str) else None


def stream_options(
    tools: list[dict[str, Any]] | None, request: Any, takes_text_lag: bool
) -> tuple[list[dict[str, Any]] | None, dict[str, Any]]:
    """The tools to declare and the contract options for one request (see the module docstring):
    ``tool_choice`` ``"none"`` -> ``calls=False``, ``"required"`` -> ``require_call=True``, a
    named function -> only that tool, ``"auto"`` or unset -> the defaults;
    ``parallel_tool_calls=False`` -> ``max_calls=1``; stop strings -> ``text_lag``."""
    options: dict[str, Any] = {}
    if request is None:
        return tools, options
    choice = getattr(request, "tool_choice", None)
    if choice == "none":
        options["calls"] = False
    elif choice == "required":
        options["require_call"] = True
    else:
        name = named_tool(choice)
        if name is not None:
            tools = [tool for tool in tools or () if tool["name"] == name] or [{"name": name}]
    if getattr(request, "parallel_tool_calls", None) is False:
        options["max_calls"] = 1
    if takes_text_lag:
        lag = text_lag(request)
        if lag:
            options["text_lag"] = lag
    return tools, options


# ---- the link to a streamparse reasoning parser ------------------------------------------------

_pending = threading.local()
"""vLLM's ``Parser.__init__`` builds the reasoning parser and then, at once, the tool parser of
one request; a streamparse reasoning parser leaves itself here and the tool parser takes it."""


def offer_reasoner(reasoner: Any) -> None:
    _pending.reasoner = reasoner


def _take_reasoner(tokenizer: Any) -> Any:
    reasoner = getattr(_pending, "reasoner", None)
    _pending.reasoner = None
    if reasoner is None or reasoner.model_tokenizer is not tokenizer or reasoner.tool_parser:
        return None
    return reasoner


# ---- one stream ---------------------------------------------------------------------------------


class _Stream:
    """One stream's parser plus the bookkeeping that turns its events into ``DeltaMessage``s."""

    __slots__ = ("owner", "parser", "special_ids", "calls", "streamed")

    def __init__(self, owner: StreamparseToolParser, request: Any = None, record: bool = True) -> None:
        self.owner = owner if record else None
        # vLLM's bookkeeping (see the module docstring), or lists of our own
        self.calls = owner.prev_tool_call_arr if record else []
        self.streamed = owner.streamed_args_for_tool if record else []
        tools, options = stream_options(owner.sp_tools, request, owner.takes_text_lag)
        options.update(owner.parser_options)
        options["reasoning"] = owner.reasoning_mode()
        self.parser = StreamParser(owner.format, tools, **options)
        self.special_ids = frozenset(owner.special_ids)

    def feed(self, delta: str, token_ids: Sequence[int] | None) -> DeltaMessage | None:
        # Ids matter only where one is a special token's; without them the core takes its
        # fast paths.
        if token_ids and self.special_ids and not self.special_ids.isdisjoint(token_ids):
            return self.message(self.parser.feed(delta, token_ids))
        return self.message(self.parser.feed(delta))

    def close(self) -> DeltaMessage | None:
        if self.parser.closed:
            return None
        return self.message(self.parser.close())

    def message(self, events: list[Any]) -> DeltaMessage | None:
        if not events:
            return None
        if len(events) == 1:  # most deltas: one event, no bookkeeping
            event = events[0]
            kind = event.type
            if kind == "tool_call_delta":
                return _arguments_message(event.index, event.arguments_delta)
            if kind == "text":
                return _content_message(event.text) if event.text else None
            if kind == "reasoning":
                return _reasoning_message(event.text) if event.text else None
        owner = self.owner
        calls, streamed = self.calls, self.streamed
        content: list[str] = []
        reasoning: list[str] = []
        entries: dict[int, list[Any]] = {}  # index -> [id, name, argument parts]
        for event in events:
            kind = event.type
            if kind == "tool_call_delta":
                entry = entries.get(event.index)
                if entry is None:
                    entry = entries[event.index] = [None, None, []]
                entry[2].append(event.arguments_delta)
            elif kind == "text":
                if event.text:
                    content.append(event.text)
            elif kind == "reasoning":
                if event.text:
                    reasoning.append(event.text)
            elif kind == "tool_call_start":
                entries[event.index] = [event.id, event.name, []]
                calls.append({"name": event.name, "arguments": ""})
                streamed.append("")
                if owner is not None:
                    owner.current_tool_id = event.index
                    owner.current_tool_name_sent = True
            elif kind == "tool_call_end":
                calls[event.index]["arguments"] = event.raw_arguments
                streamed[event.index] = event.raw_arguments
            elif kind == "tool_call_error":
                if event.index is not None:
                    calls[event.index]["arguments"] = event.raw
                    streamed[event.index] = event.raw
                    logger.warning(
                        "streamparse: tool call %d failed: %s", event.index, event.message
                    )
                elif self.parser.require_call and event.name is None and not event.raw:
                    logger.warning(
                        "streamparse: tool_choice='required' but the model made no tool call: %s",
                        event.message,
                    )
                else:
                    logger.warning("streamparse: call not shown: %s", event.message)
        fields: dict[str, Any] = {}
        if reasoning:
            fields["reasoning"] = "".join(reasoning)
        if content:
            fields["content"] = "".join(content)
        if entries:
            fields["tool_calls"] = [
                _arguments_entry(index, "".join(parts))
                if call_id is None
                else _first_entry(index, call_id, name, "".join(parts))
                for index, (call_id, name, parts) in entries.items()
            ]
        return new_message(**fields) if fields else None


def _join_messages(messages: Sequence[DeltaMessage | None]) -> tuple[str, str, list[ToolCall]]:
    """Reasoning, content and whole tool calls out of a stream's messages."""
    content: list[str] = []
    reasoning: list[str] = []
    calls: dict[int, list[Any]] = {}
    for message in messages:
        if message is None:
            continue
        if message.content:
            content.append(message.content)
        if message.reasoning:
            reasoning.append(message.reasoning)
        for entry in message.tool_calls:
            assert entry.function is not None  # _Stream's deltas always carry one
            if entry.id is not None:
                calls[entry.index] = [entry.id, entry.function.name, []]
            calls[entry.index][2].append(entry.function.arguments or "")
    tool_calls = [
        ToolCall(id=call_id, function=FunctionCall(name=name, arguments="".join(parts)))
        for call_id, name, parts in calls.values()
    ]
    return "".join(reasoning), "".join(content), tool_calls


class StreamparseToolParser(ToolParser):
    """Base of the streamparse tool parsers; a subclass sets ``format``."""

    format: ClassVar[str] = ""
    special_tokens: ClassVar[tuple[str, ...]] = ()
    """Special tokens the format reads; their ids are looked up in the tokenizer and passed to the
    core, which recognises them by id when their text was skipped."""
    keep_special_tokens: ClassVar[bool] = False
    """Whether tool requests need ``skip_special_tokens=False`` (formats that read special
    tokens: their text placed exactly beats an id placed by ``text_lag``)."""
    takes_text_lag: ClassVar[bool] = False
    """Whether the format's parser takes ``text_lag`` (where a skipped token's id stands)."""
    default_reasoning: ClassVar[str] = "off"
    """The format's reasoning mode for a prompt the reasoning parser could not read."""
    engine_based_streaming = True
    supports_required_and_named = False
    skip_reasoning_parsing = False
    """vLLM sets this to True when no reasoning parser is configured."""

    def __init__(self, tokenizer: Any, tools: list[Any] | None = None) -> None:
        super().__init__(tokenizer, tools)
        self.sp_tools = _tool_dicts(tools)
        self.special_ids = special_token_ids(tokenizer, self.special_tokens)
        self.parser_options: dict[str, Any] = {}
        if self.special_tokens and tokenizer is not None:
            # This tokenizer's ids, even none: another tokenizer's ids would misread tokens.
            self.parser_options["special_token_ids"] = self.special_ids
        self.reasoner = _take_reasoner(tokenizer)
        if self.reasoner is not None:
            self.reasoner.tool_parser = self
        self._stream: _Stream | None = None
        self._parsed: tuple[str, ExtractedToolCallInformation] | None = None

    def reasoning_mode(self) -> str:
        """The reasoning mode of this request's stream: what the paired streamparse reasoning
        parser read off the rendered prompt, else ``"off"`` (see the module docstring)."""
        if self.reasoner is not None:
            return self.reasoner.mode or self.default_reasoning
        return "off"

    def adjust_request(self, request: Any) -> Any:
        # Runs on a throwaway instance: it may change the request, but keeps no state.
        request = super().adjust_request(request)
        if (
            self.keep_special_tokens
            and request.tools
            and request.tool_choice != "none"
            and hasattr(request, "skip_special_tokens")
        ):
            # GLM separates calls and ends turns with special tokens; keep their text (vLLM
            # then puts a space next to them, which the formats allow for).
            request.skip_special_tokens = False
        return request

    def extract_tool_calls_streaming(
        self,
        previous_text: str,
        current_text: str,
        delta_text: str,
        previous_token_ids: Sequence[int],
        current_token_ids: Sequence[int],
        delta_token_ids: Sequence[int],
        request: Any,
    ) -> DeltaMessage | None:
        stream = self._stream
        if stream is None:
            stream = self._stream = _Stream(self, request)
        # _Stream.feed and the one-event shortcut of _Stream.message, inline: this runs per
        # delta, and each Python call costs about as much as the core's feed of a delta.
        specials = stream.special_ids
        if delta_token_ids and specials and not specials.isdisjoint(delta_token_ids):
            events = stream.parser.feed(delta_text, delta_token_ids)
        else:
            events = stream.parser.feed(delta_text)
        if len(events) == 1:
            event: Any = events[0]
            kind = event.type
            if kind == "tool_call_delta":
                return _arguments_message(event.index, event.arguments_delta)
            if kind == "text":
                return _content_message(event.text) if event.text else None
        return stream.message(events)

    def finish_streaming(self) -> DeltaMessage | None:
        """End of the stream (vLLM calls this for engine-based parsers): flush held-back text,
        finish or fail the open call."""
        if self._stream is None:
            return None
        return self._stream.close()

    def parse_whole(self, model_output: str, request: Any) -> tuple[str, str, list[ToolCall]]:
        """Reasoning, content and calls of a whole response, by the streaming code (its
        bookkeeping kept apart from this parser's)."""
        stream = _Stream(self, request, record=False)
        return _join_messages([stream.feed(model_output, None), stream.close()])

    def parse_for_reasoner(self, model_output: str, request: Any) -> tuple[str, str]:
        """The paired reasoning parser's non-streaming pass: one parse of the whole response,
        whose calls :meth:`extract_tool_calls` then returns for the content given here."""
        reasoning, content, calls = self.parse_whole(model_output, request)
        info = ExtractedToolCallInformation(
            tools_called=bool(calls), tool_calls=calls, content=content or None
        )
        self._parsed = (content, info)
        return reasoning, content

    def extract_tool_calls(self, model_output: str, request: Any) -> ExtractedToolCallInformation:
        parsed, self._parsed = self._parsed, None
        if parsed is not None and parsed[0] == model_output:
            return parsed[1]
        _, content, calls = self.parse_whole(model_output, request)
        return ExtractedToolCallInformation(
            tools_called=bool(calls), tool_calls=calls, content=content or None
        )


def _takes(cls: type[StreamParser], option: str) -> bool:
    """Whether the format's parser takes the keyword ``option``."""
    return option in inspect.signature(cls.__init__).parameters


def _make_parser_classes() -> dict[str, type[StreamparseToolParser]]:
    """One ``ToolParser`` class per format of the registry, named as in :data:`TOOL_PARSERS`:
    nothing here is per format (the format module says which special tokens it reads; a format
    that reads any needs their text kept on tool requests)."""
    classes: dict[str, type[StreamparseToolParser]] = {}
    for name, module in FORMATS.items():
        special_tokens = tuple(getattr(module, "SPECIAL_TOKENS", ()))
        cls = type(
            parser_class_name(name),
            (StreamparseToolParser,),
            {
                "__doc__": f"streamparse's ``{name}`` format as a vLLM tool parser.",
                "__module__": __name__,
                "format": name,
                "special_tokens": special_tokens,
                "keep_special_tokens": bool(special_tokens),
                "takes_text_lag": _takes(module.Parser, "text_lag"),
                "default_reasoning": module.Parser.default_reasoning,
            },
        )
        classes[cls.__name__] = cls
    return classes


PARSER_CLASSES = _make_parser_classes()
"""Class name -> class, for every format (``Qwen2StreamparseToolParser``, ...)."""
globals().update(PARSER_CLASSES)


def __getattr__(name: str) -> type[StreamparseToolParser]:  # for type checkers and linters
    try:
        return PARSER_CLASSES[name]
    except KeyError:
        raise AttributeError(name) from None
