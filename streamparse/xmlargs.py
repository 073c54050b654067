"""The XML-parameters argument body, shared by the XML formats (``qwen3_coder``, ``glm45``,
``glm47``): the model writes one value per parameter between tags; this body builds the arguments
JSON and streams it as ``arguments_delta`` (contract v2, "Arguments").

API (for a format's declaration). A header reader opens the call with ``parser._open_call(name,
end)`` and hands the engine a new body per call::

    XmlBody(QWEN3_CODER, schema_types.tool_types(parser.tools, name))

- ``XmlBody(tags, types)``: ``tags`` an :class:`XmlTags` (the format's markup: :data:`QWEN3_CODER`,
  :data:`GLM45`, or your own), ``types`` the tool's :class:`~streamparse.schema_types.ToolTypes`
  (``schema_types.NO_SCHEMA`` without a schema: every value a string).
- ``scan(parser, buf, i, base) -> int``: consume ``buf[i:]`` (``buf[0]`` is stream offset
  ``base``), emit through ``parser._call_piece`` and finally ``parser._close_call(end,
  parsed=arguments)`` or ``failure=...``; return where it stopped (the engine holds the rest).
  ``closed`` is True once the call is over.
- ``finish(parser, buf, base)``: the stream ended; ``buf`` is what was held.
- ``may_hold(held)``: whether ``held`` is what this body may hold now (invariant 3).
- ``partial()``: the arguments so far as a new dict (``partial_arguments()``).

The grammar, with the tags of :class:`XmlTags` (qwen3_coder's / glm45's):

    between   [ \\t\\r\\n]* then key_open (<parameter= / <arg_key>)      -> key
              call_close (</function> / </tool_call>)                  -> the call ends (consumed)
              a stop (glm45: a turn-ending token's text)               -> the call ends (not consumed)
              anything else                                            -> tool_call_error
    key       the key up to key_close (> / </arg_key>), stripped; empty, a character of
              key_forbidden before it (qwen3_coder: a newline or '<'), or longer than the bound:
              tool_call_error. Emits '{"key": ' (', "key": ' after the first member).
    value     glm45: [ \\t\\r\\n]* value_open (<arg_value>) first, else tool_call_error.
              qwen3_coder: exactly one '\\n' right after the opening tag and one right before
              the closing tag are markup (strip_newlines).
              value_close (</parameter> / </arg_value>) closes it only when followed, after at
              most 32 whitespace characters, by one of value_followers or the end of the stream;
              elsewhere it is data. A missing value_close is closed by call_close followed
              (after at most 32 whitespace characters) by one of call_followers or the end of the
              stream (the call ends there), and, with reopen_listed_key (qwen3_coder), by a
              key_open at a line start whose key the schema lists and has not been given yet.
    end       '}' ('{}' without members) and tool_call_end. With complete_at_end (glm45), the
              stream ending after a closed value (between members) completes the call; ending
              anywhere else (qwen3_coder: anywhere before call_close) is a truncated call
              (tool_call_error). A call whose markup is complete resumes at the format's
              ``then`` state even when it is an error (an undeclared tool, over max_calls); one
              that failed inside its markup at the engine's ``after_error`` state.

Values are typed by :mod:`streamparse.schema_types`: a ``string`` value streams JSON-escaped as
it arrives (``"`` first), a string-or-null/boolean one as soon as it can no longer be one of their
spellings, any other whole when it ends. Held back: only a suffix that could still begin a
structural closing sequence (``\\n`` included where it would be stripped), or an unfinished key;
at most 64 plus the longest parameter name the schema lists (:attr:`XmlBody.bound`). Every search
starts where the last one stopped: a value is never re-scanned from its start (F23).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import schema_types
from .engine import Body
from .schema_types import EARLY, STRING, EarlyString, ParamType, ToolTypes, convert, escape

_WS = " \t\r\n"
_SKIP_WS = re.compile(r"[ \t\r\n]*")
FOLLOW_WHITESPACE = 32
"""How much whitespace may stand between a closing tag and what makes it structural."""
HOLD_BOUND = 64
"""The body holds at most this plus the longest parameter name the schema lists."""


@dataclass(frozen=True)
class XmlTags:
    """The markup of an XML-parameters format (see the module docstring's grammar)."""

    key_open: str
    key_close: str
    value_close: str
    value_followers: tuple[str, ...]
    call_close: str
    call_followers: tuple[str, ...]
    value_open: str = ""
    key_forbidden: str = ""
    stops: tuple[str, ...] = ()
    strip_newlines: bool = False
    reopen_listed_key: bool = False
    complete_at_end: bool = True
    """Whether the stream ending after a closed value completes the call (glm45: the contract
    says so) or leaves it truncated (qwen3_coder: its call ends only at ``</function>``)."""


QWEN3_CODER = XmlTags(
    key_open="<parameter=",
    key_close=">",
    key_forbidden="\n<",
    value_close="</parameter>",
    value_followers=("<parameter=", "</function>"),
    call_close="</function>",
    call_followers=("</tool_call>", "<tool_call>"),
    strip_newlines=True,
    reopen_listed_key=True,
    complete_at_end=False,
)
"""``<parameter=KEY>\\nVALUE\\n</parameter>`` ... ``</function>``."""

GLM_TURN_ENDS = ("<|observation|>", "<|user|>", "<|endoftext|>")
GLM45 = XmlTags(
    key_open="<arg_key>",
    key_close="</arg_key>",
    value_open="<arg_value>",
    value_close="</arg_value>",
    value_followers=("<arg_key>", "</tool_call>", *GLM_TURN_ENDS),
    call_close="</tool_call>",
    call_followers=("<tool_call>", *GLM_TURN_ENDS),
    stops=GLM_TURN_ENDS,
)
"""``<arg_key>KEY</arg_key>\\s*<arg_value>VALUE</arg_value>`` ... ``</tool_call>`` (values never
stripped; a turn-ending token's text ends the call and is left to the format)."""

_BETWEEN, _KEY, _VALUE_OPEN, _VALUE_START, _VALUE = range(5)
_DATA, _NEED = 0, 1  # verdicts on a '<' inside a value (else a (kind, end) pair)
_CLOSE_VALUE, _CLOSE_CALL, _REOPEN = "value", "call", "reopen"
_Verdict = int | tuple[str, int]


class XmlBody(Body):
    """One call's XML arguments, an engine :class:`~streamparse.engine.Body` (a new instance per
    call; see the module docstring)."""

    __slots__ = (
        "tags", "types", "bound", "closed", "state", "members", "arguments", "given", "key",
        "param", "mode", "early", "parts", "line_start", "seen", "markup_complete",
    )

    def __init__(self, tags: XmlTags, types: ToolTypes | None = None) -> None:
        self.tags = tags
        self.types = types if types is not None else schema_types.NO_SCHEMA
        self.bound = HOLD_BOUND + self.types.longest
        self.closed = False
        self.markup_complete = False
        self.state = _BETWEEN
        self.members = 0
        self.arguments: dict[str, Any] = {}
        self.given: set[str] = set()
        self.key = ""
        self.param: ParamType = schema_types.STRING_TYPE
        self.mode = STRING
        self.early: EarlyString | None = None
        self.parts: list[str] = []  # the open value's text so far
        self.line_start = False  # the open value's next character is at a line start
        self.seen = 0  # stream offset up to which the open key was searched

    # ---- the engine's interface --------------------------------------------------------------

    def scan(self, parser: Any, buf: str, i: int, base: int) -> int:
        """Consume ``buf[i:]``; return where it stopped (the rest is held)."""
        return self._drive(parser, buf, i, base, False)

    def finish(self, parser: Any, buf: str, base: int) -> None:
        """End of stream: ``buf`` is what was held."""
        if self.closed:
            return
        i = self._drive(parser, buf, 0, base, True)
        if self.closed:
            return
        end = base + len(buf)
        if self.state == _BETWEEN and self.members and i == len(buf) and self.tags.complete_at_end:
            self._complete(parser, end, end)
            return
        if self.state == _VALUE:
            self._end_value(parser, end, truncated=True)
            where = f"inside the value of {self.key!r}"
        elif self.state in (_VALUE_START, _VALUE_OPEN):
            where = f"before the value of {self.key!r}"
        elif self.state == _KEY:
            where = "inside a parameter name"
        else:
            where = f"before {self.tags.call_close}"
        self._fail(parser, end, f"stream ended {where} (truncated call)")

    def may_hold(self, held: str) -> bool:
        """Whether ``held`` (a suffix kept inside the call) could still begin a structural tag
        or is an unfinished key, within :attr:`bound`."""
        if len(held) > self.bound:
            return False
        tags, state = self.tags, self.state
        if state == _KEY:
            return True
        if state == _BETWEEN:
            return any(tag.startswith(held) for tag in (tags.key_open, tags.call_close, *tags.stops))
        if state == _VALUE_OPEN:
            return tags.value_open.startswith(held)
        if state == _VALUE:
            if tags.strip_newlines and held.startswith("\n"):
                held = held[1:]
                if not held:
                    return True
            return held.startswith("<")
        return False

    def taking(self) -> bool:
        return self.state == _VALUE and self.mode == STRING and not self.closed

    def take(self, delta: str) -> str | None:
        """String content with nothing that could close it ("<"), nor a newline at its end
        that may be markup (strip_newlines): the escaped piece, as ``_data`` makes it."""
        last = delta[-1]
        if "<" in delta or last == "\n" and self.tags.strip_newlines:
            return None
        self.line_start = last == "\n"
        self.parts.append(delta)
        return escape(delta)

    def partial(self) -> dict[str, Any]:
        """The arguments released so far, as a new dict: the complete members, and the open
        value's string so far once it streams as a string."""
        result = dict(self.arguments)
        if self.state == _VALUE and self.mode == STRING:
            result[self.key] = "".join(self.parts)
        return result

    # ---- the driver --------------------------------------------------------------------------

    def _drive(self, parser: Any, buf: str, i: int, base: int, final: bool) -> int:
        n = len(buf)
        handlers = _HANDLERS
        while not self.closed:
            state = self.state
            j = handlers[state](self, parser, buf, i, base, final)
            if j == i and self.state == state:
                return i  # hold the rest
            i = j
            if i >= n:
                break
        return i

    def _between(self, parser: Any, buf: str, i: int, base: int, final: bool) -> int:
        tags = self.tags
        j = _SKIP_WS.match(buf, i).end()  # type: ignore[union-attr]  # whitespace: framing
        if j == len(buf):
            return j
        if buf.startswith(tags.key_open, j):
            self.state = _KEY
            self.seen = base + j + len(tags.key_open)
            return j + len(tags.key_open)
        if buf.startswith(tags.call_close, j):
            end = base + j + len(tags.call_close)
            self._complete(parser, end, end)
            return j + len(tags.call_close)
        for stop in tags.stops:
            if buf.startswith(stop, j):
                self._complete(parser, base + j, base + j)
                return j
        rest = buf[j:]
        if any(tag.startswith(rest) for tag in (tags.key_open, tags.call_close, *tags.stops)):
            return j  # the whitespace is consumed, a tag's beginning held (at the end: truncated)
        what = "parameters" if tags.strip_newlines else "arguments"
        self._fail(parser, base + j, f"unexpected text between {what}")
        return j

    def _read_key(self, parser: Any, buf: str, i: int, base: int, final: bool) -> int:
        tags = self.tags
        close = tags.key_close
        stops = close[0] + tags.key_forbidden
        n = len(buf)
        p = max(i, self.seen - base)
        while p < n and buf[p] not in stops:
            p += 1  # keys are short: bounded by self.bound below
            if p - i > self.bound:
                break
        if p - i > self.bound:
            self._fail(parser, base + i, f"malformed tag: a parameter name longer than {self.bound}")
            return i
        if p == n or (buf[p] == close[0] and not buf.startswith(close, p) and close.startswith(buf[p:])):
            if final:
                return i  # finish() reports the truncation
            self.seen = base + p
            return i  # hold the key
        if not buf.startswith(close, p):
            missing = f"no {close!r} before {buf[p]!r}" if buf[p] != "\n" else f"no {close!r} before the line ends"
            self._fail(parser, base + i, f"malformed tag: {missing}")
            return i
        key = buf[i:p].strip(_WS)
        if not key:
            self._fail(parser, base + i, "malformed tag: an empty parameter name")
            return i
        end = p + len(close)
        self._begin_value(parser, key, base + end)
        return end

    def _value_open(self, parser: Any, buf: str, i: int, base: int, final: bool) -> int:
        opener = self.tags.value_open
        j = _SKIP_WS.match(buf, i).end()  # type: ignore[union-attr]
        if buf.startswith(opener, j):
            self.state = _VALUE
            return j + len(opener)
        if opener.startswith(buf[j:]):
            return j  # (at the end of the stream: truncated)
        self._fail(parser, base + j, f"malformed tag: no {opener!r} after the key {self.key!r}")
        return j

    def _value_start(self, parser: Any, buf: str, i: int, base: int, final: bool) -> int:
        if i == len(buf):
            return i
        self.state = _VALUE
        if buf[i] == "\n":  # the one newline after the opening tag is markup
            self.line_start = True
            return i + 1
        self.line_start = False
        return i

    def _value(self, parser: Any, buf: str, i: int, base: int, final: bool) -> int:
        n = len(buf)
        strip = self.tags.strip_newlines
        pos = i
        while True:
            p = buf.find("<", pos)
            if p < 0:
                cut = n - 1 if strip and not final and n > i and buf[n - 1] == "\n" else n
                self._data(parser, buf, i, cut, base)
                return cut
            verdict = self._classify(buf, i, p, final)
            if verdict == _DATA:
                pos = p + 1
                continue
            cut = p - 1 if strip and p > i and buf[p - 1] == "\n" else p
            self._data(parser, buf, i, cut, base)
            if verdict == _NEED:
                return cut
            assert isinstance(verdict, tuple)
            kind, after = verdict
            self._end_value(parser, base + cut)
            if kind == _CLOSE_VALUE:
                self.state = _BETWEEN
                return after
            if kind == _REOPEN:
                self.state = _BETWEEN
                return p
            self._complete(parser, base + after, base + after)
            return after

    def _classify(self, buf: str, i: int, p: int, final: bool) -> _Verdict:
        """What the ``<`` at ``buf[p]`` inside a value is: data, a beginning to wait on, or a
        structural close: ``(kind, index after the closing tag)``."""
        tags = self.tags
        rest = len(buf) - p
        for tag, followers, kind in (
            (tags.value_close, tags.value_followers, _CLOSE_VALUE),
            (tags.call_close, tags.call_followers, _CLOSE_CALL),
        ):
            if buf.startswith(tag, p):
                after = p + len(tag)
                verdict = _followed(buf, after, followers, final)
                return (kind, after) if verdict is True else verdict
            if rest < len(tag) and tag.startswith(buf[p:]):
                return _DATA if final else _NEED
        if tags.reopen_listed_key:
            line_start = buf[p - 1] == "\n" if p > i else self.line_start
            if line_start:
                return self._reopens(buf, p, final)
        return _DATA

    def _reopens(self, buf: str, p: int, final: bool) -> _Verdict:
        """qwen3_coder's missing ``</parameter>``: a ``<parameter=KEY>`` at a line start, KEY
        listed by the schema and not given yet."""
        opener = self.tags.key_open
        if not buf.startswith(opener, p):
            return _NEED if not final and len(buf) - p < len(opener) and opener.startswith(buf[p:]) else _DATA
        candidates = self.types.listed - self.given
        if not candidates:
            return _DATA
        start = p + len(opener)
        window = start + self.types.longest + FOLLOW_WHITESPACE + 1
        close = buf.find(self.tags.key_close, start, window)
        name = buf[start:close if close >= 0 else window]
        if any(char in name for char in self.tags.key_forbidden):
            return _DATA
        if close >= 0:
            return (_REOPEN, close) if name.strip(_WS) in candidates else _DATA
        if final or len(name) > self.types.longest + FOLLOW_WHITESPACE:
            return _DATA
        core = name.lstrip(_WS)
        if any(key.startswith(core) for key in candidates) or core.rstrip(_WS) in candidates:
            return _NEED
        return _DATA

    # ---- emitting ----------------------------------------------------------------------------

    def _begin_value(self, parser: Any, key: str, end: int) -> None:
        self.key = key
        self.given.add(key)
        self.param = param = self.types.of(key)
        self.mode = param.kind
        self.early = EarlyString(param) if param.kind == EARLY else None
        self.parts = []
        piece = ("{" if not self.members else ", ") + '"' + escape(key) + '": '
        if self.mode == STRING:
            piece += '"'
        parser._call_piece(piece, end)
        self.state = _VALUE_OPEN if self.tags.value_open else _VALUE_START if self.tags.strip_newlines else _VALUE
        self.line_start = False

    def _data(self, parser: Any, buf: str, i: int, cut: int, base: int) -> None:
        """``buf[i:cut]`` is value data."""
        if cut <= i:
            return
        text = buf[i:cut]
        self.line_start = text[-1] == "\n"
        self.parts.append(text)
        mode = self.mode
        if mode == STRING:
            parser._call_piece(escape(text), base + cut)
        elif mode == EARLY:
            assert self.early is not None
            if not self.early.feed(text):
                self.mode = STRING
                parser._call_piece('"' + escape("".join(self.parts)), base + cut)

    def _end_value(self, parser: Any, end: int, truncated: bool = False) -> None:
        text = "".join(self.parts)
        if self.mode == STRING:
            value: Any = text
            if not truncated:
                parser._call_piece('"', end)
        else:
            json_text, value = convert(self.param, text)
            parser._call_piece(json_text, end)
        self.arguments[self.key] = value
        self.members += 1
        self.parts = []

    def _complete(self, parser: Any, piece_end: int, end: int) -> None:
        parser._call_piece("}" if self.members else "{}", piece_end)
        self.closed = True
        # An undeclared tool's call (or one over max_calls) ends in an error, but its markup is
        # complete: what follows is the format's ``then`` state, not its ``after_error`` one.
        self.markup_complete = True
        parser._close_call(end, parsed=self.arguments)

    def _fail(self, parser: Any, end: int, message: str) -> None:
        self.closed = True
        parser._close_call(end, failure=message)


# XmlBody's handler of each state, indexed by it (plain functions: no bound method per call)
_HANDLERS = (
    XmlBody._between,
    XmlBody._read_key,
    XmlBody._value_open,
    XmlBody._value_start,
    XmlBody._value,
)


def _followed(buf: str, at: int, followers: tuple[str, ...], final: bool) -> bool | int:
    """Whether ``buf[at:]`` is at most 32 whitespace characters, then one of ``followers`` or
    the end of the stream: True, ``_NEED`` (it may still be) or ``_DATA``."""
    n = len(buf)
    j = at
    limit = min(n, at + FOLLOW_WHITESPACE)
    while j < limit and buf[j] in _WS:
        j += 1
    if j == n:
        return True if final else _NEED
    if buf[j] in _WS:  # more than 32 whitespace characters
        return _DATA
    for follower in followers:
        if buf.startswith(follower, j):
            return True
    if not final and any(follower.startswith(buf[j:]) for follower in followers):
        return _NEED
    return _DATA
