"""The reasoning channel (contract v2, "Reasoning sections"): a layer in front of a format's
parser, for ``reasoning="auto"`` and ``"started"``. With ``"off"`` there is no layer at all.

It reads the stream first. The inside of a ``<think>…</think>`` section becomes ``reasoning``
events; the tags, whitespace before an opening ``<think>``, newlines right after it and right
before ``</think>``, and whitespace right after ``</think>`` are framing; everything else goes on
to the format, whose events come back with their spans moved to the stream's offsets (the format
sees the stream without what the layer took). A call opener inside reasoning (the format's
``call_opener``) ends the section there, and the rest is the format's. A ``</think>`` outside
reasoning is framing, with the whitespace after it, except inside a call's arguments.

States: ``before`` (auto: only whitespace so far), ``start`` (started: newlines at the very start
and one ``<think>`` are framing), ``open`` (newlines right after ``<think>``), ``inside``,
``after`` (whitespace after ``</think>``), ``pass`` (the format's).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any

from .events import ReasoningEvent, TextEvent, _new_event, _tuple_getitem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .parser import StreamParser

OPEN, CLOSE = "<think>", "</think>"
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NEWLINES = re.compile(r"\n*")
_TRAILING_NEWLINES = re.compile(r"\n*\Z")
# The fast paths of StreamParser.feed() (see StreamParser._fast_path), which the layer may let by:
# string content inside JSON arguments; running text; running text that may end in whitespace
# (kept held: with "v2" framing it may precede a call); a Body's value content (Body.take); JSON
# arguments outside a string, inside their outer brackets; a JSON string right after a backslash.
_IN_STRING, _IN_TEXT, _IN_TEXT_WS, _IN_BODY, _IN_JSON, _IN_ESCAPE = 1, 2, 3, 4, 5, 6


def reasoning_for_prompt(prompt: str) -> str:
    """The reasoning mode a rendered prompt needs: ``"started"`` if it ends with ``<think>`` (and
    optional whitespace), ``"off"`` if it ends with ``</think>`` (thinking switched off), else
    ``"auto"``."""
    end = prompt.rstrip(" \t\r\n")
    if end.endswith(OPEN):
        return "started"
    if end.endswith(CLOSE):
        return "off"
    return "auto"


def _partial_suffix(buf: str, start: int, marker: str) -> int:
    """Where a suffix of ``buf[start:]`` that is a proper prefix of ``marker`` begins, or -1.
    (The markers, ``<think>`` and ``</think>``, hold one ``<``, their first character: such a
    suffix starts at the last ``<`` near the end.)"""
    at = buf.rfind("<", max(start, len(buf) - len(marker) + 1))
    return at if at >= 0 and marker.startswith(buf[at:]) else -1


_SAME = [0]  # the offset map's shifts when the format's offsets are the stream's


class ReasoningLayer:
    def __init__(self, parser: StreamParser, mode: str) -> None:
        self.parser = parser
        self.state = "before" if mode == "auto" else "start"
        # calls=False: call markup inside reasoning is reasoning text
        self.opener: re.Pattern[str] | None = parser.call_opener if parser.calls else None
        limit = parser.hold_back_limit
        self.framing_newlines = limit - len(CLOSE) - 1  # newlines before </think> held at most
        self.ids_given = False
        self.held = ""
        self.fed = 0  # characters of the stream fed
        self.emitted = 0  # where the last event ended, in the stream
        self.line_start = True  # the held text starts at a line start
        self.passed = 0  # characters given to the format
        # Segments of text given to the format: its offset -> the stream's offset minus its.
        self.starts: list[int] = []
        self.shifts: list[int] = []
        # Whether the format's own fast paths may take a delta without the layer (``bypass``):
        # in "pass", with nothing held, once the format's offsets are the stream's. A text fast
        # path is only safe where the format stops at "<" (which could begin "</think>").
        self.text_bypass = parser._text_stop.search("<") is not None
        self.bypass = False
        # Inside reasoning, a delta without "<" can begin neither "</think>" nor a call opener
        # that starts with "<" (wherever it may appear): reasoning text, but for newlines at its
        # end, which would be framing before either.
        opener = self.opener
        self.inside_fast = opener is None or opener.pattern.startswith("<") and parser.call_opener_anywhere

    # ---- driving --------------------------------------------------------------------------

    def feed(self, delta: str, token_ids: Sequence[int] | None) -> list[Any]:
        if self.bypass:
            self._sync()
        if (
            self.state == "pass" and not self.held and not token_ids and delta
            and ("<" not in delta or CLOSE not in delta and _partial_suffix(delta, 0, CLOSE) < 0)
        ):
            # nothing in it is or can begin "</think>": the format's, whole
            parser = self.parser
            if self.fed == self.passed and self.shifts == _SAME and parser._emitted == self.emitted:
                # the format's offsets are the stream's: its events are the stream's as they are
                self.fed = self.passed = self.fed + len(delta)
                passed = parser._feed_text(delta, None)
                self.emitted = parser._emitted
                self._hand_over()
                return passed
            passed = []
            self._segment(self.fed)
            self.fed += len(delta)
            self.passed += len(delta)
            self._collect(self.parser._feed_text(delta, None), passed)
            self._hand_over()
            return passed
        if (
            self.state == "inside" and self.inside_fast and not self.held and not token_ids
            and delta and "<" not in delta and delta[-1] != "\n"
        ):
            start = self.emitted
            self.fed = self.emitted = end = self.fed + len(delta)
            self.line_start = False
            return [_new_event(ReasoningEvent, (delta, (start, end)))]
        held = self.held
        base = self.fed - len(held)
        self.fed += len(delta)
        buf = held + delta if held else delta
        out: list[Any] = []
        self.ids_given = not token_ids
        cut = self._scan(buf, base, out, token_ids, closing=False)
        if not self.ids_given:  # the ids reach the format even while the layer holds text
            self._pass("", base + cut, out, token_ids)
        self.held = buf[cut:]
        if cut:
            self.line_start = buf[cut - 1] == "\n"
        self._hand_over()
        return out

    def _hand_over(self) -> None:
        """After a feed: let the format's own fast paths in ``feed()`` take the next deltas
        while nothing in them is the layer's (after the reasoning section, a delta without "<",
        or string content inside a call, where "</think>" is data). Their events then need no
        moving, so the format's offsets are made the stream's first (only while the format has
        emitted all it was given: its next event starts where the layer's last one ended, and
        holds nothing, which would stand before what the layer took since)."""
        parser = self.parser
        self.bypass = False
        if self.state != "pass" or self.held or parser._closed:
            return
        fast = parser._next_fast_path()
        if not fast or (fast is _IN_TEXT or fast is _IN_TEXT_WS) and not self.text_bypass:
            return
        if self.fed != self.passed:  # rebase the format's offsets onto the stream's
            if parser._held or parser._emitted != parser._fed:
                return
            parser._fed = self.passed = self.fed
            parser._emitted = self.emitted
            self.starts[:] = [0]
            self.shifts[:] = [0]
        parser._fast = fast
        self.bypass = True

    def _sync(self) -> None:
        """Count what the format's fast paths took since the hand-over (the offsets are one)."""
        parser = self.parser
        gained = parser._fed - self.passed
        if gained:
            self.fed += gained
            self.passed += gained
            self.emitted = parser._emitted
        parser._fast = 0
        self.bypass = False

    def close(self) -> list[Any]:
        if self.bypass:
            self._sync()
        held, self.held = self.held, ""
        base = self.fed - len(held)
        out: list[Any] = []
        cut = self._scan(held, base, out, None, closing=True)
        rest = held[cut:]
        if rest:  # what was held as a possible marker is what it looked like
            if self.state == "inside":
                self._reasoning(rest, base + len(held), out)
            else:
                self._pass(rest, base + cut, out, None)
        self._collect(self.parser._close_text(), out)
        if self.emitted < self.fed:
            out.append(TextEvent._build(text="", span=(self.emitted, self.fed)))
            self.emitted = self.fed
        return out

    @property
    def held_back(self) -> int:
        return len(self.held)

    def _scan(
        self, buf: str, base: int, out: list[Any], ids: Sequence[int] | None, *, closing: bool
    ) -> int:
        n = len(buf)
        pos = 0
        limit = self.parser.hold_back_limit
        while pos < n:
            state = self.state
            if state == "before" or state == "start":
                skip = (_WHITESPACE if state == "before" else _NEWLINES).match(buf, pos).end()  # type: ignore[union-attr]
                if state == "before" and skip - pos > limit - len(OPEN):
                    self.state = "pass"  # too much whitespace to hold: it is the format's text
                    continue
                if skip == n:  # auto: whitespace may still precede <think>; started: framing
                    return pos if state == "before" else n
                if buf.startswith(OPEN, skip):
                    self.state = "open"
                    pos = skip + len(OPEN)
                elif OPEN.startswith(buf[skip:]) and not closing:
                    return pos
                else:
                    self.state = "pass" if state == "before" else "inside"
                    if state == "start":
                        pos = skip
            elif state == "open":
                pos = _NEWLINES.match(buf, pos).end()  # type: ignore[union-attr]
                if pos < n:
                    self.state = "inside"
            elif state == "inside":
                pos = self._inside(buf, pos, base, out, closing)
                if self.state == "inside":
                    return pos
            elif state == "after":
                pos = _WHITESPACE.match(buf, pos).end()  # type: ignore[union-attr]
                if pos < n:
                    self.state = "pass"
            else:
                close = buf.find(CLOSE, pos)
                if close < 0:
                    hold = -1 if closing else _partial_suffix(buf, pos, CLOSE)
                    end = n if hold < 0 else hold
                    self._pass(buf[pos:end], base + pos, out, ids)
                    return end
                self._pass(buf[pos:close], base + pos, out, ids)
                ids = None
                if self.parser._in_call():  # a literal "</think>" inside arguments is data
                    self._pass(CLOSE, base + close, out, None)
                else:
                    self.state = "after"  # framing, with the whitespace after it
                pos = close + len(CLOSE)
        return n

    def _inside(self, buf: str, pos: int, base: int, out: list[Any], closing: bool) -> int:
        """Reasoning text from ``pos``: up to ``</think>``, a call opener, or what may begin one."""
        n = len(buf)
        close = buf.find(CLOSE, pos)
        opener = self._find_opener(buf, pos, close if close >= 0 else n)
        if opener >= 0:  # the section ends there; newlines before the call are framing
            text = buf[pos:opener]
            newlines = _TRAILING_NEWLINES.search(text).start()  # type: ignore[union-attr]
            newlines = max(newlines, len(text) - self.framing_newlines)
            self._reasoning(text[:newlines], base + pos + newlines, out)
            self.state = "pass"  # the call is the format's; a later </think> is framing
            return opener
        if close >= 0:
            text = buf[pos:close]
            newlines = _TRAILING_NEWLINES.search(text).start()  # type: ignore[union-attr]
            newlines = max(newlines, len(text) - self.framing_newlines)  # at most that many
            self._reasoning(text[:newlines], base + pos + newlines, out)
            self.state = "after"
            return close + len(CLOSE)
        if closing:
            self._reasoning(buf[pos:], base + n, out)
            return n
        hold = n
        partial = _partial_suffix(buf, pos, CLOSE)
        if partial >= 0:
            hold = partial
        opener_at = self._partial_opener(buf, pos)
        if opener_at >= 0:
            hold = min(hold, opener_at)
        # newlines right before a </think> or a call would be framing: held (at most so many)
        newlines = _TRAILING_NEWLINES.search(buf, pos, hold).start()  # type: ignore[union-attr]
        hold = max(newlines, hold - self.framing_newlines)
        if n - hold > self.parser.hold_back_limit:
            hold = n
        self._reasoning(buf[pos:hold], base + hold, out)
        return hold

    def _find_opener(self, buf: str, pos: int, end: int) -> int:
        if self.opener is None:
            return -1
        match = self.opener.search(buf, pos, end)
        if self.parser.call_opener_anywhere:
            return match.start() if match is not None else -1
        while match is not None:
            at = match.start()
            if at > 0 and buf[at - 1] == "\n" or at == 0 and self.line_start:
                return at
            match = self.opener.search(buf, at + 1, end)
        return -1

    def _partial_opener(self, buf: str, pos: int) -> int:
        """Where a last line that could still begin the call opener starts, or -1."""
        if self.opener is None:
            return -1
        partial = self.parser.call_opener_prefix
        if self.parser.call_opener_anywhere:  # a suffix that could still become the opener
            assert partial is not None
            at_end = re.compile(f"(?:{partial.pattern})\\Z", partial.flags)  # re caches it
            found = at_end.search(buf, max(pos, len(buf) - self.parser.hold_back_limit))
            return found.start() if found is not None else -1
        newline = buf.rfind("\n", pos)
        if newline >= 0:
            line = newline + 1
        elif pos > 0 and buf[pos - 1] == "\n" or pos == 0 and self.line_start:
            line = pos
        else:
            return -1
        return line if partial is not None and partial.fullmatch(buf, line) else -1

    # ---- output ---------------------------------------------------------------------------

    def _reasoning(self, text: str, end: int, out: list[Any]) -> None:
        if text:
            out.append(ReasoningEvent._build(text=text, span=(self.emitted, end)))
            self.emitted = end

    def _pass(self, text: str, at: int, out: list[Any], ids: Sequence[int] | None) -> None:
        """Give the format ``text``, which stands at stream offset ``at``."""
        if text:
            self._segment(at)
            self.passed += len(text)
        if ids:
            self.ids_given = True
        self._collect(self.parser._feed_text(text, ids), out)

    def _segment(self, at: int) -> None:
        """What the format is given next stands at stream offset ``at``: a new segment of the
        offset map, unless it continues the last one (memory stays bounded by the framing)."""
        shift = at - self.passed
        if not self.shifts or self.shifts[-1] != shift:
            self.starts.append(self.passed)
            self.shifts.append(shift)

    def _collect(self, events: list[Any], out: list[Any]) -> None:
        """The format's events, with their spans moved to the stream's offsets."""
        starts, shifts = self.starts, self.shifts
        for event in events:
            end = event.span[1]
            segment = bisect.bisect_left(starts, end) - 1  # framing goes to the next event
            real = end + shifts[segment] if segment >= 0 else self.emitted
            real = max(real, self.emitted)
            span = (self.emitted, real)
            if event.span != span:  # else nothing moved it: the event as it is
                event = _new_event(type(event), _tuple_getitem(event, slice(0, -1)) + (span,))
            out.append(event)
            self.emitted = real
