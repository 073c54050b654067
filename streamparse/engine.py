"""The engine: one driver for formats declared as text states, markers and header readers.

A format built on it declares (see ``docs/adding-a-format.md``):

- ``states``: name -> :class:`State`. A text state's markers are searched as one compiled
  alternation from the current position and dispatched on the group name (lark's way); each
  marker starts a header, read by the reader the state names for it. An *anchored* state matches
  its markers right at the position only (framing after a call, say) and hands over to its
  ``otherwise`` state when they cannot match.
- header readers: ``reader(parser, buf, start, base, final) -> Opened | NotHeader | NeedMore``
  (h11's
  reader contract): a call opened here, not a header (text up to a point), or need more data.
  ``buf[start]`` is where the header began; ``buf[0]`` is stream offset ``base``. With ``final``
  the stream has ended: a reader may then answer :class:`Truncated`.
- the body each opened call's arguments use: ``"json"`` (to the matching bracket, the shared
  scanner), ``"line"`` (to the end of the line), or :class:`Until` (to a closing marker, which is
  framing), and the state that follows the call.

- or a :class:`Body` instance, one per call, that reads the arguments itself (the XML parameter
  bodies): the engine hands it the buffer and it emits through the call life cycle.

The engine owns, once: the buffer and where the search stands; holding back only what could still
begin a marker, within the bound; span tiling (every event goes through the base class's emit
functions); the call life cycle; the whitespace around calls (``framing``: "v1", the version 1
rule: whitespace after a call goes with what follows, the next header's span or the text; "v2",
contract version 2's rule for tagged formats: whitespace between text and a call, between calls
and after the last call is framing, whitespace after a call that text follows goes with that
text); framing states (what a broken call's markup leaves up to its closing tag, ``after_error``);
``calls=False``; and ``close()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from .events import TextEvent, ToolCallDelta, _new_event
from .parser import StreamParser
from .reasoning import _IN_BODY, _IN_ESCAPE, _IN_JSON, _IN_STRING, _IN_TEXT, _IN_TEXT_WS

_WHITESPACE = " \t\r\n"


class Opened(NamedTuple):
    """A call opened: its name, where its arguments start (buffer index), their body, the
    state after the call, and where the text would end if the header is too long after all."""

    name: str
    at: int
    body: str | Until | Body
    then: str
    text_to: int


class NotHeader(NamedTuple):
    """What was held from the header's start is text, up to ``upto`` (buffer index)."""

    upto: int


class NeedMore(NamedTuple):
    """Wait for more text; if the header outgrows the hold-back limit, it is text up to
    ``text_to`` (buffer index, or -1: all of it)."""

    text_to: int = -1


class Truncated(NamedTuple):
    """At the end of the stream: a header complete up to its arguments, which never came."""

    name: str


Reader = Callable[[Any, str, int, int, bool], "Opened | NotHeader | NeedMore | Truncated"]


def prefixes(literal: str) -> str:
    """A regex matching any non-empty proper prefix of ``literal`` (``<``, ``<t``, ... ``<tool_call``
    for ``<tool_call>``): what a buffer may end with while the marker could still come."""
    pattern = ""
    for char in reversed(literal[1:-1]):
        pattern = f"(?:{re.escape(char)}{pattern})?"
    return re.escape(literal[0]) + pattern


class Body:
    """An argument body that reads the call's arguments itself (one instance per call).

    ``scan`` consumes ``buf`` from ``i`` (``buf[0]`` is stream offset ``base``), emitting through
    the parser's call life cycle (``_call_piece(piece, end)``; at the end ``_close_call(end,
    failure=... or parsed=...)``), and returns where it stopped: the engine holds the rest for the
    next feed. The call is over once the body has closed it."""

    markup_complete = False
    """Set by a body whose failed call's markup is whole all the same (an undeclared tool, a
    value that does not convert): the call's ``then`` follows, not the format's ``after_error``."""

    def scan(self, parser: Any, buf: str, i: int, base: int) -> int:
        raise NotImplementedError

    def finish(self, parser: Any, buf: str, base: int) -> None:
        """The stream ended; ``buf`` is what the body held. Close the call (or leave it open:
        the engine then fails it as truncated)."""

    def may_hold(self, held: str) -> bool:
        """Inside a started call: whether ``held`` could still begin what ends a value or the
        call (invariant 3)."""
        return False

    def taking(self) -> bool:
        """Whether :meth:`take` may take the next delta whole (asked after a feed)."""
        return False

    def take(self, delta: str) -> str | None:
        """``feed()``'s fast path: ``delta`` consumed whole as value content, returning the
        arguments piece it makes; or None, and nothing changed (the delta takes ``scan``)."""
        return None


@dataclass(frozen=True)
class Until:
    """A body that runs to ``marker`` (framing); a suffix that could begin it is held."""

    marker: str


@dataclass(frozen=True)
class State:
    """A text state. ``markers``: group name -> regex; ``readers``: group name -> the reader of
    the header that starts at that marker; ``goto``: group name -> the state a marker moves to
    (the marker itself is framing). ``line_start``: markers only count at a line start.
    ``may_begin(line)``: whether a last line could still begin a marker (it is held).
    ``partial``: for markers that may appear anywhere, a regex for a suffix of the buffer that
    could still begin one (held from where it matches; see :func:`prefixes`). ``framing``: what
    the state consumes is framing, not text (spans cover it, no text event carries it).
    Anchored states (framing): ``markers`` must match right at the position; ``may_begin(rest)``
    says whether they still could; else the state is ``otherwise``."""

    markers: Mapping[str, str]
    readers: Mapping[str, Reader] = field(default_factory=dict)
    goto: Mapping[str, str] = field(default_factory=dict)
    line_start: bool = False
    may_begin: Callable[[str], bool] | None = None
    partial: str | None = None
    framing: bool = False
    anchored: bool = False
    otherwise: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    partial_pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alternation = "|".join(f"(?P<{group}>{regex})" for group, regex in self.markers.items())
        flags = re.MULTILINE if self.line_start else 0
        object.__setattr__(self, "pattern", re.compile(alternation, flags))
        partial = re.compile(f"(?:{self.partial})\\Z") if self.partial is not None else None
        object.__setattr__(self, "partial_pattern", partial)


class Engine(StreamParser):
    """A :class:`StreamParser` driven by its format's declaration (``states``, ``initial``)."""

    states: ClassVar[Mapping[str, State]]
    initial: ClassVar[str]
    framing: ClassVar[str] = "v1"
    """The whitespace around calls: "v1" (qwen2, glm4) or "v2" (the tagged formats)."""
    after_error: ClassVar[str | None] = None
    """The state after a call that ended in a ``tool_call_error`` (None: the call's ``then``)."""

    # The state of a stream, with the defaults it starts from (an instance stores what differs).
    _state: str  # the format's ``initial``, set by __init_subclass__
    _then: str
    _line_start = True  # the buffer's first character is at a line start
    _after_call = False  # the held text starts right after a call
    _header_at = -1  # stream offset where the header being read starts
    _reader: Reader | None = None
    header_seen = 0  # for readers: stream offset up to which this header was searched
    _body: str | Until | Body | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "initial" in cls.__dict__:
            cls._state = cls._then = cls.initial

    # ---- the driver ---------------------------------------------------------------------

    def _run(self, buf: str, base: int) -> int:
        i, n = 0, len(buf)
        while i < n:
            if self._body is not None:
                i = self._scan_body(buf, i, base)
                if self._body is not None:
                    return i
            elif self._header_at >= 0:
                i = self._read_header(buf, i, base)
                if self._header_at >= 0:
                    return i
            else:
                state = self._state
                j = self._scan_text(self.states[state], buf, i, base)
                if j == i and self._state == state and self._header_at < 0:
                    return i  # hold the rest
                i = j
        return i

    def _scan_text(self, state: State, buf: str, i: int, base: int) -> int:
        n = len(buf)
        if state.anchored:
            match = state.pattern.match(buf, i)
            if match is not None:
                self._state = state.otherwise
                return match.end()  # framing: covered by the next event's span
            assert state.may_begin is not None
            if n - i <= self._limit and state.may_begin(buf[i:]):
                return i
            self._state = state.otherwise
            return i
        if not self.calls:  # calls=False: call markup is text
            self._text(buf[i:], base + n)
            return n
        match = state.pattern.search(buf, i)
        if match is not None and match.start() == 0 and state.line_start and not self._line_start:
            match = state.pattern.search(buf, 1)
        if match is None:
            return self._release_text(state, buf, i, base)
        start = match.start()
        group: str = match.lastgroup  # type: ignore[assignment]
        # Where the text before the marker ends: right after a call, whitespace alone stays held
        # (it goes with what follows); with "v2" framing, whitespace right before a call opener
        # is framing, so it is held with the header and is text only if no call opens.
        text_end = start
        if self.framing == "v2" or self._after_call:
            stripped = i + len(buf[i:start].rstrip(_WHITESPACE))
            if self.framing == "v2":
                text_end = stripped
            elif stripped == i:
                text_end = i
        if text_end > i:
            self._emit_text(state, buf[i:text_end], base + text_end)
            self._after_call = False
        goto = state.goto.get(group)
        if goto is not None:  # a marker that moves to another state (itself framing)
            if text_end < start:
                self._emit_text(state, buf[text_end:start], base + start)
            self._state = goto
            self._after_call = True  # like the end of a call: whitespace after it is held
            self._line_start = False
            return match.end()
        self._after_call = False  # whitespace since the call, if any, is now in the header
        self._header_at = self.header_seen = base + start
        self._reader = state.readers[group]
        if state.framing and text_end < start:  # whitespace inside framing is framing
            text_end = start
        return text_end if self._emitted < base + start else start

    def _emit_text(self, state: State, text: str, end: int) -> None:
        if not state.framing:
            self._text(text, end)

    def _release_text(self, state: State, buf: str, i: int, base: int) -> int:
        """No marker: release the text, but for what could still begin one (a last line, or a
        suffix the state's ``partial`` matches), and whitespace that may go with what follows:
        right after a call its whitespace; with "v2" framing, text's trailing whitespace."""
        n = len(buf)
        limit = self._limit
        candidate = -1
        if state.may_begin is not None:
            last_newline = buf.rfind("\n", i)
            if last_newline >= 0:
                line = last_newline + 1
            elif (i == 0 and self._line_start) or (i > 0 and buf[i - 1] == "\n"):
                line = i
            else:
                line = -1
            if line >= 0 and state.may_begin(buf[line : line + limit + 1]):
                candidate = line
        elif state.partial_pattern is not None:
            found = state.partial_pattern.search(buf, max(i, n - limit))
            if found is not None:
                candidate = found.start()
        hold = candidate if candidate >= 0 else n
        if self.framing == "v2" and not state.framing:  # whitespace that may precede a call
            hold = i + len(buf[i:hold].rstrip(_WHITESPACE))
        if self._after_call:
            if buf[i:hold].strip(_WHITESPACE):
                self._after_call = False
            else:
                hold = i
        if n - hold > limit:
            self._after_call = False
            hold = candidate if 0 <= candidate and n - candidate <= limit else n
        self._emit_text(state, buf[i:hold], base + hold)
        if hold > 0:
            self._line_start = buf[hold - 1] == "\n"
        return hold

    def _read_header(self, buf: str, i: int, base: int) -> int:
        """``buf[i:]`` is held: whitespace after a call, then the header from ``_header_at``."""
        start = self._header_at - base
        assert self._reader is not None
        answer = self._reader(self, buf, start, base, False)
        if isinstance(answer, NotHeader):
            return self._not_a_header(buf, i, base, answer.upto)
        header_end = answer.at if isinstance(answer, Opened) else len(buf)
        limit = self._limit
        if header_end - i > limit and i < start:  # the whitespace before it is text after all
            self._emit_text(self.states[self._state], buf[i:start], base + start)
            i = start
        if header_end - start > limit:
            upto = answer.text_to if isinstance(answer, Opened | NeedMore) else -1
            return self._not_a_header(buf, i, base, upto if upto >= 0 else len(buf))
        if not isinstance(answer, Opened):
            return i  # wait for more
        self._header_at = -1
        self._body, self._then = answer.body, answer.then
        json_body = answer.body == "json" or isinstance(answer.body, Body)  # a Body's JSON is built
        self._open_call(answer.name, base + answer.at, json_body=json_body)
        return answer.at

    def _not_a_header(self, buf: str, i: int, base: int, stop: int) -> int:
        self._emit_text(self.states[self._state], buf[i:stop], base + stop)
        self._header_at = -1
        self._after_call = False
        self._line_start = buf[stop - 1] == "\n"
        return stop

    def _fast_path(self) -> int:
        if self._call_index is not None:
            body = self._body
            if isinstance(body, Body):
                return _IN_BODY if body.taking() else 0
            return self._json_fast_path() if body == "json" else 0
        if self._body is None and self._header_at < 0 and not self._after_call:
            state = self.states[self._state]
            if state.anchored or state.framing:
                return 0
            return _IN_TEXT if not self._line_start or not state.line_start else 0
        return 0

    def _json_fast_path(self) -> int:
        """Inside a started call's JSON arguments, within their outer brackets: in a string
        (or right after a backslash in one), or outside strings."""
        scanner = self._scanner
        if not scanner.closers:
            return 0
        if scanner.in_string:
            return _IN_ESCAPE if scanner.escaped else _IN_STRING
        return _IN_JSON

    def _held_fast_path(self, held: str) -> int:
        # "v2" framing holds text's trailing whitespace (it may precede a call): running text
        # goes on from it (mid-line, where markers count only at a line start).
        if self.framing != "v2" or held.strip(_WHITESPACE) or self._fast_path() is not _IN_TEXT:
            return 0
        return 0 if "\n" in held and self.states[self._state].line_start else _IN_TEXT_WS

    def _fast_take(self, fast: int, delta: str) -> list[Any] | None:
        if fast is _IN_BODY:
            assert isinstance(self._body, Body)
            piece = self._body.take(delta)
            if piece is None:
                return None
            start = self._emitted
            self._fed = self._emitted = end = self._fed + len(delta)
            self._call_parts.append(piece)
            return [_new_event(ToolCallDelta, (self._call_index, piece, (start, end)))]
        if fast is _IN_STRING or fast is _IN_JSON or fast is _IN_ESCAPE:
            return super()._fast_take(fast, delta)
        if self.framing != "v2":
            return None
        # Running text ("v2"): a delta that could begin no marker, but for whitespace at its
        # end, which is held, as _release_text holds it. (The format's _text_stop finds a
        # marker's first character, or whitespace at the end: only the latter may match.)
        stop = self._text_stop.search(delta)
        last = len(delta) - 1
        if stop is not None and (stop.start() != last or delta[last] not in _WHITESPACE):
            return None
        held = self._held
        text = held + delta if held else delta
        if "\n" in text and self.states[self._state].line_start:
            return None
        stripped = text.rstrip(_WHITESPACE)
        trailing = len(text) - len(stripped)
        if trailing > self._limit:
            return None
        self._fed = fed = self._fed + len(delta)
        self._held = text[len(stripped):] if trailing else ""
        self._fast = _IN_TEXT_WS if trailing else _IN_TEXT
        if not stripped:
            return []
        start, end = self._emitted, fed - trailing
        self._emitted = end
        return [_new_event(TextEvent, (stripped, (start, end)))]

    def _may_hold_in_call(self, held: str) -> bool:
        body = self._body
        return body.may_hold(held) if isinstance(body, Body) else super()._may_hold_in_call(held)

    # ---- bodies ---------------------------------------------------------------------------

    def _scan_body(self, buf: str, i: int, base: int) -> int:
        body = self._body
        n = len(buf)
        if isinstance(body, Body):
            end = body.scan(self, buf, i, base)
            if self._call_name:  # the call goes on: hold the rest
                return end
        elif body == "json":
            end = self._scan_call(buf, i, base)
            if end < 0:
                return n
        elif body == "line":  # to the end of the line
            end = buf.find("\n", i)
            stop = n if end < 0 else end
            if stop > i:
                self._call_piece(buf[i:stop], base + stop)
            if end < 0:
                return stop
            self._close_call(base + end)
        else:
            assert isinstance(body, Until)
            marker = body.marker
            found = buf.find(marker, i)
            if found < 0:  # release all but what could begin the marker
                stop = n
                while stop > i and n - stop < len(marker) - 1 and marker.startswith(buf[stop - 1 :]):
                    stop -= 1
            else:
                stop = found
            if stop > i:
                self._call_piece(buf[i:stop], base + stop)
            if found < 0:
                return stop
            self._close_call(base + found)
            end = found + len(marker)  # the marker is framing
        self._body = None
        failed = self._call_failed and not (isinstance(body, Body) and body.markup_complete)
        self._state = self.after_error if failed and self.after_error is not None else self._then
        self._after_call = True
        self._line_start = False  # text resumes right after the call
        return end

    # ---- end ------------------------------------------------------------------------------

    def _finish(self, buf: str, base: int) -> None:
        end = base + len(buf)
        body = self._body
        if isinstance(body, Body):
            body.finish(self, buf, base)
            if self._call_name:
                self._fail_truncated(end)
            return
        if body is not None:
            if buf:  # held as a possible closing marker: arguments after all
                self._call_piece(buf, end)
            self._fail_truncated(end)
            return
        if self._header_at >= 0:
            assert self._reader is not None
            answer = self._reader(self, buf, self._header_at - base, base, True)
            if isinstance(answer, Truncated):
                message = "stream ended before the arguments (truncated call)"
                self._fail_unstarted(answer.name, "", message, end)
                return
        if self.framing == "v2" and self._after_call and not buf.strip(_WHITESPACE):
            return  # whitespace after the last call is framing
        self._emit_text(self.states[self._state], buf, end)
