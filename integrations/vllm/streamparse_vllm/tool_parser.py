"""vLLM ``ToolParser`` plugins, one per format of the registry: ``streamparse-qwen2``,
``streamparse-glm4``, ...

A thin layer over the sans-I/O core: streamparse events become OpenAI-shaped ``DeltaMessage``s.

How vLLM 0.33 drives a tool parser (``vllm/parser/abstract_parser.py``): one instance per request
and choice, built with ``request.tools`` (and once without tools at start-up);
``extract_tool_calls_streaming`` once per engine output; at the end of the stream
``finalize_generation`` appends ``get_remaining_unstreamed_args()`` (computed from
``prev_tool_call_arr`` / ``streamed_args_for_tool``) to the last tool-call entry, and then, for
parsers with ``engine_based_streaming = True`` only, ``finish_streaming()`` flushes what the
parser still holds.

Decisions (see docs/vllm.md):

- ``engine_based_streaming = True``. vLLM then passes ``current_text = delta_text`` instead of
  rebuilding ``previous_text + delta_text`` (and the token id list) per delta, which costs O(total)
  per delta; and only engine-based parsers get ``finish_streaming()``, without which held-back
  text (a partial ``Action:`` line, a GLM-4 first line) would be lost at the end of the stream.
  Either way only ``delta_text`` and ``delta_token_ids`` are fed: ``current_text`` is never read.
- Deltas: a call's first entry carries ``id``, ``type`` and ``name`` (and the argument characters
  that arrived with it); later entries carry ``arguments`` only. Within one message there is at
  most one entry per index.
- ``prev_tool_call_arr[i]`` is ``{"name", "arguments"}`` with ``arguments`` the raw JSON text, and
  ``streamed_args_for_tool[i]`` the same string; both are filled in when the call ends (not per
  delta: growing a string per delta is quadratic), so they are always equal and vLLM's
  ``get_remaining_unstreamed_args()`` returns ``""``: every character is streamed exactly once.
- A call to an undeclared tool (``tool_call_error`` without a start) was never shown and stays
  hidden (logged as a warning), as in ``streamparse.openai_chunks``: its raw arguments are not
  prose for the user. A started call that then fails (bad JSON, truncated) has already been
  streamed; it stays a tool call with the raw arguments, in streaming and non-streaming alike.
- ``extract_tool_calls`` (non-streaming) runs the same code on the whole text, so it agrees with
  the streamed result by construction.
- ``tool_choice="none"``: the text passes through as content, unparsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

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

from . import parser_class_name

logger = init_logger(__name__)

GLM4_SPECIAL_TOKENS = FORMATS["glm4"].SPECIAL_TOKENS
"""Kept for one release; each format module's ``SPECIAL_TOKENS`` is the source."""


def _tool_dicts(tools: Sequence[Any] | None) -> list[dict[str, Any]] | None:
    """Request tools (``ChatCompletionToolsParam`` or Responses ``FunctionTool``) as bare
    streamparse tool dicts; ``None`` when the request declares none (any name is accepted)."""
    if not tools:
        return None
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for tool in tools:
        function = getattr(tool, "function", tool)
        name = getattr(function, "name", None)
        if not name or name in seen:
            continue
        seen.add(name)
        entry: dict[str, Any] = {"name": name}
        if getattr(function, "description", None):
            entry["description"] = function.description
        if isinstance(getattr(function, "parameters", None), dict):
            entry["parameters"] = function.parameters
        result.append(entry)
    return result or None


_special_ids_cache: dict[int, tuple[Any, dict[int, str]]] = {}


def special_token_ids(tokenizer: Any, tokens: Sequence[str]) -> dict[int, str]:
    """``{id: token text}`` for those of ``tokens`` the tokenizer has as single tokens. Cached per
    tokenizer: vLLM builds a parser per request."""
    if tokenizer is None or not tokens:
        return {}
    cached = _special_ids_cache.get(id(tokenizer))
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
    _special_ids_cache[id(tokenizer)] = (tokenizer, ids)
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


class _Stream:
    """One stream's parser plus the bookkeeping that turns its events into ``DeltaMessage``s."""

    def __init__(self, owner: StreamparseToolParser, request: Any = None) -> None:
        self.owner = owner
        options = dict(owner.parser_options)
        if "special_token_ids" in options and request is not None:
            options["text_lag"] = text_lag(request)  # where a skipped token's id stands
        self.parser = StreamParser(owner.format, owner.sp_tools, **options)
        self.use_ids = bool(owner.special_ids)

    def feed(self, delta: str, token_ids: Sequence[int] | None) -> DeltaMessage | None:
        ids = list(token_ids) if self.use_ids and token_ids else None
        return self.message(self.parser.feed(delta, ids))

    def close(self) -> DeltaMessage | None:
        if self.parser.closed:
            return None
        return self.message(self.parser.close())

    def message(self, events: list[Any]) -> DeltaMessage | None:
        if not events:
            return None
        owner = self.owner
        content: list[str] = []
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
            elif kind == "tool_call_start":
                entries[event.index] = [event.id, event.name, []]
                owner.prev_tool_call_arr.append({"name": event.name, "arguments": ""})
                owner.streamed_args_for_tool.append("")
                owner.current_tool_id = event.index
                owner.current_tool_name_sent = True
            elif kind == "tool_call_end":
                owner.prev_tool_call_arr[event.index]["arguments"] = event.raw_arguments
                owner.streamed_args_for_tool[event.index] = event.raw_arguments
            elif kind == "tool_call_error":
                if event.index is not None:
                    owner.prev_tool_call_arr[event.index]["arguments"] = event.raw
                    owner.streamed_args_for_tool[event.index] = event.raw
                    logger.warning(
                        "streamparse: tool call %d failed: %s", event.index, event.message
                    )
                else:
                    logger.warning("streamparse: call not shown: %s", event.message)
        calls = []
        for index, (call_id, name, parts) in entries.items():
            if call_id is None:
                calls.append(
                    DeltaToolCall(index=index, function=DeltaFunctionCall(arguments="".join(parts)))
                )
            else:
                calls.append(
                    DeltaToolCall(
                        index=index,
                        id=call_id,
                        type="function",
                        function=DeltaFunctionCall(name=name, arguments="".join(parts)),
                    )
                )
        if content:
            return DeltaMessage(content="".join(content), tool_calls=calls)
        return DeltaMessage(tool_calls=calls) if calls else None


class StreamparseToolParser(ToolParser):
    """Base of the streamparse tool parsers; a subclass sets ``format``."""

    format: ClassVar[str] = ""
    special_tokens: ClassVar[tuple[str, ...]] = ()
    """Special tokens the format reads; their ids are looked up in the tokenizer and passed to the
    core, which recognises them by id when their text was skipped."""
    keep_special_tokens: ClassVar[bool] = False
    """Whether tool requests need ``skip_special_tokens=False``."""
    engine_based_streaming = True

    def __init__(self, tokenizer: Any, tools: list[Any] | None = None) -> None:
        super().__init__(tokenizer, tools)
        self.sp_tools = _tool_dicts(tools)
        self.special_ids = special_token_ids(tokenizer, self.special_tokens)
        self.parser_options: dict[str, Any] = {}
        if self.special_tokens and tokenizer is not None:
            # This tokenizer's ids, even none: another tokenizer's ids would misread tokens.
            self.parser_options["special_token_ids"] = self.special_ids
        self._stream: _Stream | None = None
        StreamParser(
            self.format, self.sp_tools, **self.parser_options
        ).close()  # fail here on bad tool definitions

    def adjust_request(self, request: Any) -> Any:
        # Runs on a throwaway instance: it may change the request, but keeps no state.
        request = super().adjust_request(request)
        if (
            self.keep_special_tokens
            and request.tools
            and request.tool_choice != "none"
            and hasattr(request, "skip_special_tokens")
        ):
            # GLM-4 separates calls with <|assistant|>; keep its text (vLLM then puts a space
            # next to it, which the glm4 format allows for).
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
        if getattr(request, "tool_choice", None) == "none":
            return DeltaMessage(content=delta_text) if delta_text else None
        if self._stream is None:
            self._stream = _Stream(self, request)
        return self._stream.feed(delta_text, delta_token_ids)

    def finish_streaming(self) -> DeltaMessage | None:
        """End of the stream (vLLM calls this for engine-based parsers): flush held-back text,
        finish or fail the open call."""
        if self._stream is None:
            return None
        return self._stream.close()

    def extract_tool_calls(self, model_output: str, request: Any) -> ExtractedToolCallInformation:
        if getattr(request, "tool_choice", None) == "none":
            return ExtractedToolCallInformation(
                tools_called=False, tool_calls=[], content=model_output
            )
        stream = _Stream(type(self)(self.model_tokenizer, self._request_tools(request)))
        messages = [stream.feed(model_output, None), stream.close()]
        content: list[str] = []
        calls: dict[int, list[Any]] = {}
        for message in messages:
            if message is None:
                continue
            if message.content:
                content.append(message.content)
            for entry in message.tool_calls:
                assert entry.function is not None  # _Stream's deltas always carry one
                if entry.id is not None:
                    calls[entry.index] = [entry.id, entry.function.name, []]
                calls[entry.index][2].append(entry.function.arguments or "")
        tool_calls = [
            ToolCall(id=call_id, function=FunctionCall(name=name, arguments="".join(parts)))
            for call_id, name, parts in calls.values()
        ]
        return ExtractedToolCallInformation(
            tools_called=bool(tool_calls),
            tool_calls=tool_calls,
            content="".join(content) or None,
        )

    def _request_tools(self, request: Any) -> list[Any] | None:
        tools = getattr(request, "tools", None)
        return tools if tools is not None else self.tools or None


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
