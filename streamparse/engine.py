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

The engine owns, once: the buffer and where the search stands; holding back only what could still
begin a marker, within the bound; span tiling (every event goes through the base class's emit
functions); the call life cycle; the version 1 rule for whitespace after a call (it goes with what
follows: the next header's span, or the text); ``calls=False``; and ``close()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from .parser import _IN_STRING, _IN_TEXT, StreamParser

_WHITESPACE = " \t\r\n"


class Opened(NamedTuple):
    """A call opened: its name, where its arguments start (buffer index), their body, the
    state after the call, and where the text would end if the header is too long after all."""

    name: str
    at: int
    body: str | Until
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


@dataclass(frozen=True)
class Until:
    """A body that runs to ``marker`` (framing); a suffix that could begin it is held."""

    marker: str


@dataclass(frozen=True)
class State:
    """A text state. ``markers``: group name -> regex; ``readers``: group name -> the reader of
    the header that starts at that marker. ``line_start``: markers only count at a line start.
    ``may_begin(line)``: whether a last line could still begin a marker (it is held).
    Anchored states (framing): ``markers`` must match right at the position; ``may_begin(rest)``
    says whether they still could; else the state is ``otherwise``."""

    markers: Mapping[str, str]
    readers: Mapping[str, Reader] = field(default_factory=dict)
    line_start: bool = False
    may_begin: Callable[[str], bool] | None = None
    anchored: bool = False
    otherwise: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alternation = "|".join(f"(?P<{group}>{regex})" for group, regex in self.markers.items())
        flags = re.MULTILINE if self.line_start else 0
        object.__setattr__(self, "pattern", re.compile(alternation, flags))


class Engine(StreamParser):
    """A :class:`StreamParser` driven by its format's declaration (``states``, ``initial``)."""

    states: ClassVar[Mapping[str, State]]
    initial: ClassVar[str]

    # The state of a stream, with the defaults it starts from (an instance stores what differs).
    _state: str  # the format's ``initial``, set by __init_subclass__
    _then: str
    _line_start = True  # the buffer's first character is at a line start
    _after_call = False  # the held text starts right after a call
    _header_at = -1  # stream offset where the header being read starts
    _reader: Reader | None = None
    header_seen = 0  # for readers: stream offset up to which this header was searched
    _body: str | Until | None = None

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
            if state.may_begin(buf[i:]) and n - i <= self._limit:
                return i
            self._state = state.otherwise
            return i
        if not self.calls:  # calls=False: call markup is text
            self._text(buf[i:], base + n)
            return n
        match = state.pattern.search(buf, i)
        if match is not None and match.start() == 0 and state.line_start and not self._line_start:
            match = state.pattern.search(buf, 1)
        if match is not None:
            start = match.start()
            if not (self._after_call and not buf[i:start].strip(_WHITESPACE)):
                self._text(buf[i:start], base + start)
            self._after_call = False  # whitespace since the call, if any, is now in the header
            self._header_at = self.header_seen = base + start
            self._reader = state.readers[match.lastgroup]  # type: ignore[index]
            return i if self._emitted < base + start else start
        return self._release_text(state, buf, i, base)

    def _release_text(self, state: State, buf: str, i: int, base: int) -> int:
        """No marker: release the text, but for a last line that could still begin one (and,
        right after a call, its whitespace: it goes with what follows)."""
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
        hold = candidate if candidate >= 0 else n
        if self._after_call:
            if buf[i:hold].strip(_WHITESPACE):
                self._after_call = False
            else:
                hold = i
        if n - hold > limit:
            self._after_call = False
            hold = candidate if 0 <= candidate and n - candidate <= limit else n
        self._text(buf[i:hold], base + hold)
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
        if header_end - i > limit and i < start:
            self._text(buf[i:start], base + start)  # the whitespace before it is text after all
            i = start
        if header_end - start > limit:
            upto = answer.text_to if isinstance(answer, Opened | NeedMore) else -1
            return self._not_a_header(buf, i, base, upto if upto >= 0 else len(buf))
        if not isinstance(answer, Opened):
            return i  # wait for more
        self._header_at = -1
        self._body, self._then = answer.body, answer.then
        self._open_call(answer.name, base + answer.at, json_body=answer.body == "json")
        return answer.at

    def _not_a_header(self, buf: str, i: int, base: int, stop: int) -> int:
        self._text(buf[i:stop], base + stop)
        self._header_at = -1
        self._after_call = False
        self._line_start = buf[stop - 1] == "\n"
        return stop

    def _fast_path(self) -> int:
        if self._call_index is not None:
            scanner = self._scanner
            return _IN_STRING if self._body == "json" and scanner.in_string and not scanner.escaped else 0
        if self._body is None and self._header_at < 0 and not self._after_call:
            state = self.states[self._state]
            return _IN_TEXT if not state.anchored and not self._line_start else 0
        return 0

    # ---- bodies ---------------------------------------------------------------------------

    def _scan_body(self, buf: str, i: int, base: int) -> int:
        body = self._body
        n = len(buf)
        if body == "json":
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
        self._state = self._then
        self._after_call = True
        self._line_start = False  # text resumes right after the call
        return end

    # ---- end ------------------------------------------------------------------------------

    def _finish(self, buf: str, base: int) -> None:
        end = base + len(buf)
        if self._body is not None:
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
        self._text(buf, end)
