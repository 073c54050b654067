"""The format-independent half of every parser: the public ``feed``/``close`` surface, span
bookkeeping, tool lookup and the life of one call (start, argument deltas, end or error).

A format module subclasses :class:`StreamParser`, sets ``format_name`` and provides:

- ``_handlers``: its state machine, a table from state to handler. ``_run(buf, base)`` drives it
  over ``buf`` (the held-back text followed by the new delta; ``buf[0]`` is stream offset
  ``base``) and returns the index from which ``buf`` must be held back for the next feed.
- ``_finish(buf, base)``: the stream ended; flush or fail whatever ``buf`` (the held text) and the
  open call still hold.

Spans: every emitted event starts where the previous one ended (``self._emitted``). Characters that
are consumed without an event of their own (framing, whitespace between calls) are therefore
covered by the next event's span; ``close()`` covers any left at the end with an empty text event.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from .errors import ParserClosedError, UnknownFormatError
from .events import (
    Event,
    ParseResult,
    TextEvent,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallError,
    ToolCallStart,
    _new_event,
)
from .jsonscan import MAX_DEPTH, JsonScanner
from .partial import PartialBuilder
from .reasoning import _IN_ESCAPE, _IN_JSON, _IN_STRING, _IN_TEXT, _IN_TEXT_WS, ReasoningLayer
from .tools import Tool, tool_set
from .validation import validators_for, violation

# The JSON fast path (in StreamParser.feed): string content with complete escapes, and runs
# outside strings with no bracket, each without "<" (which may begin a format's special token).
# Written as unrolled loops with possessive quantifiers: no backtracking, one pass.
_STRING_BODY = r'[^"\\<]*+(?:\\[^<][^"\\<]*+)*+'
_OUTSIDE_RUN = rf'[^"{{}}\[\]<\\]*+(?:"{_STRING_BODY}"[^"{{}}\[\]<\\]*+)*+'
_JSON_FROM_OUTSIDE = re.compile(rf'{_OUTSIDE_RUN}(?P<opened>"{_STRING_BODY})?')
_JSON_FROM_STRING = re.compile(
    rf'(?P<inside>{_STRING_BODY})(?:(?P<closed>"){_OUTSIDE_RUN}(?P<opened>"{_STRING_BODY})?)?'
)

MIN_HOLD_BACK = 128
"""Held-back text never exceeds this, or the longest declared tool name plus
:data:`NAME_HOLD_BACK` if that is more (contract v2)."""
NAME_HOLD_BACK = 64
REASONING_MODES = ("auto", "started", "off")

def formats() -> list[str]:
    """The names of the formats streamparse can parse."""
    from .families import FORMATS

    return sorted(FORMATS)


_registry: dict[str, Any] | None = None  # streamparse.families.FORMATS, once imported


def _format_class(name: str) -> type[StreamParser]:
    global _registry
    registry = _registry
    if registry is None:
        from .families import FORMATS

        registry = _registry = FORMATS
    try:
        parser: type[StreamParser] = registry[name].Parser
        return parser
    except (KeyError, TypeError):
        known = ", ".join(repr(n) for n in formats())
        raise UnknownFormatError(f"unknown format {name!r}; known formats: {known}") from None


def default_id_factory() -> str:
    return f"call_{os.urandom(12).hex()}"  # 24 random hex characters, as uuid4 would give


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# A \\uD800-\\uDFFF escape: only then can a parsed value hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _holds_lone_surrogate(text: str, value: Any, start: int = 0, end: int = -1) -> bool:
    """Whether ``value``, parsed from ``text[start:end]``, holds a lone surrogate (not valid
    Unicode): only a surrogate escape in the text can have made one."""
    found = _SURROGATE_ESCAPE.search(text, start, len(text) if end < 0 else end)
    return found is not None and _lone_surrogate(value)


def _lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a string with a lone surrogate (not valid Unicode)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_WHOLE = 64  # arguments starting this far from the buffer's end are tried whole first


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether a decoded JSON value nests objects and arrays deeper than ``limit``."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if type(item) is dict else item
        for child in children:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return False


def _decode_whole(buf: str, at: int) -> tuple[dict[str, Any], int] | None:
    """The JSON object starting at ``buf[at]`` and where it ends, when it is complete, strict,
    no deeper than :data:`MAX_DEPTH` and free of lone surrogates; else None (the scanner then
    finds its end, or its error, as it streams)."""
    try:
        value, end = _DECODER.raw_decode(buf, at)
    except (ValueError, RecursionError):
        return None
    if type(value) is not dict:
        return None
    if end - at > 2 * MAX_DEPTH and buf.count("{", at, end) + buf.count("[", at, end) > MAX_DEPTH:
        if _nested_deeper_than(value, MAX_DEPTH):  # brackets in strings count above: look
            return None  # the scanner reports it, at the matching bracket
    if _holds_lone_surrogate(buf, value, at, end):
        return None
    return value, end


def load_arguments(raw: str) -> tuple[dict[str, Any] | None, str]:
    """Parse raw arguments text, strictly: ``(dict, "")`` or ``(None, reason)``."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        return None, f"invalid JSON arguments: {exc}"
    if not isinstance(value, dict):
        return None, "arguments must be a JSON object"
    if _holds_lone_surrogate(raw, value):
        return None, "invalid JSON arguments: a lone surrogate escape (not valid Unicode)"
    return value, ""


class StreamParser:
    """Turns text deltas into events. ``StreamParser("qwen2", tools=...)`` returns the parser
    of that format (a subclass of this class)."""

    format_name: ClassVar[str] = ""
    default_reasoning: ClassVar[str] = "off"
    """The reasoning mode when ``reasoning=None`` (contract v2, "Reasoning sections")."""
    call_opener: ClassVar[re.Pattern[str] | None] = None
    """Where a call begins, searched at line starts inside reasoning: such a call ends the
    reasoning section (None: nothing inside reasoning opens a call)."""
    call_opener_prefix: ClassVar[re.Pattern[str] | None] = None
    """A last line that could still become ``call_opener`` (held inside reasoning)."""
    call_opener_anywhere: ClassVar[bool] = False
    """Whether ``call_opener`` counts anywhere inside reasoning, not only at a line start (the
    tagged formats); ``call_opener_prefix`` then matches a suffix that could still become one."""
    framing_tokens: ClassVar[re.Pattern[str] | None] = None
    """Markup this format drops from text as framing, besides whitespace (invariant 2: a text
    event's text is its span's input less framing); the tests ask for it."""

    # Per-parser state, with the defaults an instance starts from (it stores what differs).
    reasoning: str = "off"
    calls: bool = True
    max_calls: int | None = None
    require_call: bool = False
    tools: tuple[Tool, ...] | None = None
    _sorted_names: tuple[str, ...] = ()
    _declared: frozenset[str] = frozenset()
    hold_back_limit: int = MIN_HOLD_BACK
    _limit: int = MIN_HOLD_BACK  # what the format itself may hold (see __init__)
    _layer: ReasoningLayer | None = None
    _new_id: Callable[[], str] = staticmethod(default_id_factory)
    _completed = 0  # calls that ended with a tool_call_end
    _fast = 0  # the fast path feed() may take (see _fast_path)
    _held = ""
    _fed = 0
    _emitted = 0
    _closed = False
    _next_index = 0
    _scanner: JsonScanner  # made when a call opens
    _call_index: int | None = None
    _call_id = ""
    _call_name = ""
    _call_parts: list[str]
    _call_is_json = True
    _call_failed = False  # whether the last call to end ended in a tool_call_error
    _partial: PartialBuilder | None = None  # made by the first partial_arguments() of a call
    _validators: Mapping[str, Any] | None = None  # validate=True: tool name -> its validator
    _events: list[Any]

    def __new__(
        cls,
        format: str | None = None,
        tools: Iterable[Tool | dict[str, Any]] | None = None,
        *,
        id_factory: Callable[[], str] | None = None,
        reasoning: str | None = None,
        calls: bool = True,
        validate: bool = False,
        max_calls: int | None = None,
        require_call: bool = False,
        **options: Any,
    ) -> StreamParser:
        """``options`` are the format's own (glm4: ``special_token_ids``, ``text_lag``)."""
        if cls is StreamParser:
            cls = _format_class(format)  # type: ignore[arg-type]
        return object.__new__(cls)

    def __init__(
        self,
        format: str | None = None,
        tools: Iterable[Tool | dict[str, Any]] | None = None,
        *,
        id_factory: Callable[[], str] | None = None,
        reasoning: str | None = None,
        calls: bool = True,
        validate: bool = False,
        max_calls: int | None = None,
        require_call: bool = False,
    ) -> None:
        if format is not None and format != self.format_name:
            raise UnknownFormatError(
                f"{type(self).__name__} parses {self.format_name!r}, not {format!r}"
            )
        if reasoning is not None and reasoning not in REASONING_MODES:
            raise ValueError(
                f"reasoning must be None (the format's default) or one of "
                f"{', '.join(map(repr, REASONING_MODES))}, not {reasoning!r}"
            )
        for option, value in (("calls", calls), ("validate", validate), ("require_call", require_call)):
            if type(value) is not bool:
                raise ValueError(f"{option} must be True or False, not {value!r}")
        if max_calls is not None and (type(max_calls) is not int or max_calls < 0):
            raise ValueError(f"max_calls must be None or a non-negative int, not {max_calls!r}")
        # An instance stores only what differs from the class's defaults below: an idle parser
        # costs little memory, and 10,000 streams in one process stay cheap.
        self.reasoning = self.default_reasoning if reasoning is None else reasoning
        if not calls:
            self.calls = False
        if max_calls is not None:
            self.max_calls = max_calls
        if require_call:
            self.require_call = True
        toolset = tool_set(tools)  # normalised once per distinct definitions, shared
        if toolset.tools is not None:
            self.tools = toolset.tools
            self._sorted_names = toolset.sorted_names
            self._declared = toolset.declared
            if toolset.longest_name + NAME_HOLD_BACK > MIN_HOLD_BACK:
                self.hold_back_limit = self._limit = toolset.longest_name + NAME_HOLD_BACK
        if validate:  # compiled once per distinct schema, looked up once per tool set
            self._validators = validators_for(toolset)
        if self.reasoning != "off":
            self._layer = ReasoningLayer(self, self.reasoning)
            # The format holds a little less behind the layer, which may hold a "</think>"
            # prefix too, so that the two stay within the bound.
            self._limit = self.hold_back_limit - len("</think>")
        if id_factory is not None:
            self._new_id = id_factory

    # ---- public surface -------------------------------------------------------------------

    def feed(self, delta: str, token_ids: Sequence[int] | None = None) -> list[Event]:
        """Consume the next delta; return the events it completes. Never raises on bad model
        output. ``token_ids`` are the delta's token ids, used by formats that can."""
        fast = self._fast  # 0 once closed
        if fast and not token_ids and type(delta) is str and delta:
            # The fast paths, when the current state consumes the whole delta (the general
            # path is the reference; docs/adding-a-format.md lists them). Inside a started
            # call's JSON arguments, within their outer brackets: a delta with nothing that
            # could end a string is string content; else one with no bracket outside strings,
            # no "<" (which may begin a format's special token) and no escape left open keeps
            # the scanner's stack as it was, and only where it ends (in a string) is new. In
            # running text, a delta with nothing that could begin a marker is text.
            match = None
            if fast is _IN_STRING:
                if self._string_stop.search(delta) is None:
                    start = self._emitted  # framing before it, if any, is in its span
                    self._fed = self._emitted = end = self._fed + len(delta)
                    self._call_parts.append(delta)
                    return [_new_event(ToolCallDelta, (self._call_index, delta, (start, end)))]
                match = _JSON_FROM_STRING.fullmatch(delta)
                in_string = match is not None and match.lastgroup != "closed"
            elif fast is _IN_TEXT or fast is _IN_TEXT_WS:
                if self._text_stop.search(delta) is None:
                    start = self._emitted
                    self._fed = self._emitted = end = self._fed + len(delta)
                    if fast is _IN_TEXT_WS:  # the whitespace held before it is text now
                        delta = self._held + delta
                        self._held = ""
                        self._fast = _IN_TEXT
                    return [_new_event(TextEvent, (delta, (start, end)))]
            elif fast is _IN_JSON:
                match = _JSON_FROM_OUTSIDE.fullmatch(delta)
                in_string = match is not None and match.lastgroup == "opened"
            if match is not None:
                self._scanner.in_string = in_string
                self._fast = _IN_STRING if in_string else _IN_JSON
                start = self._emitted
                self._fed = self._emitted = end = self._fed + len(delta)
                self._call_parts.append(delta)
                return [_new_event(ToolCallDelta, (self._call_index, delta, (start, end)))]
            # the format's own fast paths, and a second look at what missed these
            taken = self._fast_take(fast, delta)
            if taken is not None:
                return taken
        if self._closed:
            raise ParserClosedError("feed() called after close(); create a new parser per stream")
        if type(delta) is not str and not isinstance(delta, str):
            raise TypeError(f"feed() takes a str delta, not {type(delta).__name__}")
        if self._layer is not None:
            return self._layer.feed(delta, token_ids)
        return self._feed_text(delta, token_ids)

    def _feed_text(self, delta: str, token_ids: Sequence[int] | None) -> list[Any]:
        """``feed`` for the format alone (also the reasoning layer's way in)."""
        events: list[Any] = []
        self._events = events
        if delta or token_ids:
            held = self._held
            base = self._fed - len(held)
            self._fed += len(delta)
            buf = held + delta if held else delta
            if token_ids:
                cut = self._run_ids(buf, base, token_ids, len(held))
            else:
                cut = self._run(buf, base)
            self._held = buf[cut:] if cut < len(buf) else ""
            # behind a reasoning layer, the layer decides (ReasoningLayer._hand_over)
            self._fast = 0 if self._layer is not None else self._next_fast_path()
        return events

    def close(self) -> list[Event]:
        """End of stream: release held text and finish or fail the open call."""
        if self._closed:
            raise ParserClosedError("close() called twice")
        self._closed = True
        self._fast = 0  # feed() takes no fast path any more (it raises)
        if self._layer is not None:
            return self._layer.close()
        return self._close_text()

    def _close_text(self) -> list[Any]:
        events: list[Any] = []
        self._events = events
        held, self._held = self._held, ""
        self._finish(held, self._fed - len(held))
        if self._emitted < self._fed:
            self._text("", self._fed, force=True)
        if self.require_call and not self._completed:  # vLLM's tool_choice="required"
            self._fail_unstarted(None, "", "no tool call", self._fed)
        return events

    def __repr__(self) -> str:
        tools = "any" if self.tools is None else len(self.tools)
        state = "closed" if self._closed else self._state
        return (
            f"<{type(self).__name__} format={self.format_name!r} tools={tools} "
            f"state={state!r} held_back={self.held_back}>"
        )

    def partial_arguments(self) -> dict[str, Any] | None:
        """The open call's arguments as released so far, closed off: a new dict (contract v2,
        "Arguments"): every complete member, and the member being written with its value so far,
        at any depth (a string prefix; an object or array with its members so far). ``None`` when
        no call is open, or the open call is held whole (it will never start).

        It never re-parses: each call reads only what was released since the last one, plus
        building the dict it returns."""
        if self._call_index is None:
            return None
        builder = self._partial
        if builder is None or not builder.reads(self._call_parts):
            builder = self._partial = PartialBuilder(self._call_parts)
        return builder.snapshot() or {}

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def held_back(self) -> int:
        """How many characters of text are held back, undecided (framing is not text)."""
        layer = self._layer
        return len(self._held) + (layer.held_back if layer is not None else 0)

    _string_stop: ClassVar[re.Pattern[str]] = re.compile(r'["\\]')
    """What ends a run of string content inside JSON arguments, for this format."""
    _text_stop: ClassVar[re.Pattern[str]] = re.compile(r"[\s\S]")
    """What could begin a marker in running text, for this format (default: anything)."""

    def _fast_path(self) -> int:
        """After a feed that left nothing held: which fast path the next delta may take
        (``_IN_STRING``, ``_IN_TEXT``, another the format takes in ``_fast_take``, or 0).
        Formats say when."""
        return 0

    def _held_fast_path(self, held: str) -> int:
        """Like ``_fast_path``, after a feed that left ``held`` held (default: none)."""
        return 0

    def _next_fast_path(self) -> int:
        held = self._held
        return self._fast_path() if not held else self._held_fast_path(held)

    def _fast_take(self, fast: int, delta: str) -> list[Any] | None:
        """A format's own fast path ``fast`` (or a second look at a delta that missed
        ``feed()``'s): the events of ``delta`` consumed whole, or None (then the delta takes
        the general way). Here: JSON arguments at an escape, a delta that starts with the
        escaped character or ends with a backslash, as ``feed()``'s JSON fast path does."""
        if fast is _IN_ESCAPE:
            if delta[0] == "<":  # it may begin a format's special token
                return None
            pattern, pos = _JSON_FROM_STRING, 1
            match = pattern.fullmatch(delta, pos)
        elif fast is _IN_STRING or fast is _IN_JSON:
            # feed() matched the whole delta already, and it did not match
            pattern, pos = (_JSON_FROM_STRING if fast is _IN_STRING else _JSON_FROM_OUTSIDE), 0
            match = None
        else:
            return None
        end = len(delta)
        escaped = match is None
        if escaped:  # a backslash at the end, its character still to come
            if delta[-1] != "\\" or end - 1 < pos:
                return None
            match = pattern.fullmatch(delta, pos, end - 1)
            if match is None:
                return None
        assert match is not None
        opened = match.lastgroup
        in_string = opened != "closed" if pattern is _JSON_FROM_STRING else opened == "opened"
        if escaped and not in_string:  # a backslash outside a string: the general path
            return None
        scanner = self._scanner
        scanner.in_string, scanner.escaped = in_string, escaped
        self._fast = _IN_ESCAPE if escaped else _IN_STRING if in_string else _IN_JSON
        start = self._emitted
        self._fed = self._emitted = stop = self._fed + end
        self._call_parts.append(delta)
        return [_new_event(ToolCallDelta, (self._call_index, delta, (start, stop)))]

    def hold_back_problem(self) -> str | None:
        """Invariant 3, as this parser sees it now: ``None`` if what it holds is what it may hold
        (bounded, and only what could still begin a marker, a call header or framing), else
        what is wrong. The test suite asks this after every feed."""
        held = self._held
        if self._call_index is not None:  # inside a started call: everything is released...
            if held and not self._may_hold_in_call(held):  # ...but what may end the call
                return f"a started call holds {held!r}"
            return None
        if self._call_name:  # a call that will never start is held until it ends
            return None
        if self.held_back > self.hold_back_limit:
            return f"held back {self.held_back} > {self.hold_back_limit}: {held!r}"
        if held and not self._may_hold(held):
            return f"{self.format_name} holds text that cannot begin a marker or header: {held!r}"
        return None

    def _may_hold(self, held: str) -> bool:
        """Outside a call: whether ``held`` could still begin a marker, header or framing."""
        return False

    def _may_hold_in_call(self, held: str) -> bool:
        """Inside a started call: whether ``held`` could still begin what ends the arguments."""
        return False

    def _in_call(self) -> bool:
        """Whether the format is inside a call's arguments (started or held)."""
        return bool(self._call_name) or self._call_index is not None

    # ---- for the format modules ---------------------------------------------------------

    _handlers: ClassVar[dict[str, Callable[[Any, str, int, int], int]]] = {}
    """Per format: state -> handler. A handler consumes ``buf`` from ``i`` and returns where it
    stopped; stopping where it started without changing state means "hold the rest"."""
    _state: str

    def _run(self, buf: str, base: int) -> int:
        i, n = 0, len(buf)
        handlers = self._handlers
        while i < n:
            state = self._state
            j = handlers[state](self, buf, i, base)
            if j == i and self._state is state:
                break
            i = j
        return i

    def _run_ids(self, buf: str, base: int, token_ids: Sequence[int], delta_at: int) -> int:
        """Like ``_run``, for a delta that came with its token ids (``buf[delta_at:]``)."""
        return self._run(buf, base)

    def _finish(self, buf: str, base: int) -> None:
        raise NotImplementedError

    def _is_declared(self, name: str) -> bool:
        return self.tools is None or name in self._declared

    def _could_be_declared(self, prefix: str) -> bool:
        """Whether some declared tool name starts with ``prefix``."""
        names = self._sorted_names
        at = bisect.bisect_left(names, prefix)
        return at < len(names) and names[at].startswith(prefix)

    def _text(self, text: str, end: int, force: bool = False) -> None:
        if text or force:
            self._events.append(_new_event(TextEvent, (text, (self._emitted, end))))
            self._emitted = end

    def _open_call(self, name: str, end: int, *, json_body: bool = True) -> None:
        """A call header ends at ``end``. Known tools start streaming; unknown ones are held."""
        self._call_name = name
        self._call_parts = []
        self._call_is_json = json_body
        self._scanner = JsonScanner()
        if self._is_declared(name) and (self.max_calls is None or self._next_index < self.max_calls):
            index = self._next_index
            self._next_index += 1
            self._call_index = index
            self._call_id = self._new_id()
            self._events.append(
                _new_event(ToolCallStart, (index, self._call_id, name, (self._emitted, end)))
            )
            self._emitted = end

    def _call_piece(self, piece: str, end: int) -> None:
        """The next raw characters of the open call's arguments."""
        self._call_parts.append(piece)
        if self._call_index is not None:
            self._events.append(
                _new_event(ToolCallDelta, (self._call_index, piece, (self._emitted, end)))
            )
            self._emitted = end

    def _scan_call(self, buf: str, i: int, base: int, limit: int = -1) -> int:
        """Stream the open call's JSON arguments from ``buf[i:]`` (or ``buf[i:limit]``); return
        where they end, or -1 when ``buf`` ends first (everything consumed). The hot path: kept
        flat on purpose. When a call's arguments start in a long buffer (a whole response given
        to ``parse()``, a merged delta), they are first tried as one strict JSON value."""
        scanner = self._scanner
        if limit < 0 and len(buf) - i >= _WHOLE and not scanner.closers and not scanner.in_string:
            whole = _decode_whole(buf, i)
            if whole is not None:
                value, end = whole
                self._call_piece(buf[i:end], base + end)
                self._close_call(base + end, parsed=value)
                return end
        end = scanner.scan(buf, i, limit)
        stop = (len(buf) if limit < 0 else limit) if end < 0 else end
        if stop > i:
            self._call_piece(buf[i:stop], base + stop)
        if end >= 0:
            self._close_call(base + end)
        return end

    def _close_call(
        self, end: int, failure: str = "", parsed: dict[str, Any] | None = None
    ) -> None:
        """The open call's arguments are over: emit its end, or its error. ``parsed``: the
        arguments, already decoded (strictly) from exactly the raw text."""
        raw = "".join(self._call_parts)
        index, name = self._call_index, self._call_name
        arguments = None
        if not failure:
            if self._scanner.error and self._call_is_json:
                failure = self._scanner.error
            elif index is None:
                failure = (
                    f"unknown tool {name!r}" if not self._is_declared(name)
                    else f"more than {self.max_calls} calls (max_calls={self.max_calls})"
                )
            elif not self._call_is_json:
                failure = "arguments must be a JSON object"
            elif parsed is not None:
                arguments = parsed
            else:
                arguments, failure = load_arguments(raw)
            if arguments is not None and self._validators is not None:
                failure = violation(self._validators[name], arguments)
                if failure:
                    arguments = None
        self._call_failed = bool(failure)
        if failure:
            event: Any = _new_event(ToolCallError, (index, name, raw, failure, (self._emitted, end)))
        else:
            self._completed += 1
            event = _new_event(
                ToolCallEnd, (index, self._call_id, name, arguments, raw, (self._emitted, end))
            )
        self._events.append(event)
        self._emitted = end
        self._call_index = None
        self._call_name = ""
        self._call_parts = []

    def _fail_truncated(self, end: int) -> None:
        """The stream ended inside the open call."""
        truncated = self._call_index is not None and self._call_is_json
        self._close_call(end, "stream ended inside the arguments (truncated call)" if truncated else "")

    def _fail_unstarted(self, name: str | None, raw: str, message: str, end: int) -> None:
        self._events.append(
            _new_event(ToolCallError, (None, name, raw, message, (self._emitted, end)))
        )
        self._emitted = end


def parse(
    text: str,
    format: str,
    tools: Iterable[Tool | dict[str, Any]] | None = None,
    **options: Any,
) -> ParseResult:
    """Parse a whole response at once; the same rules as streaming it. ``options`` go to the
    parser (``id_factory``, and format options such as glm4's ``special_token_ids``)."""
    parser = StreamParser(format, tools=tools, **options)
    return ParseResult.from_events(parser.feed(text) + parser.close())
