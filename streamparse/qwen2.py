"""Format ``qwen2``: the ReAct multi-action format Qwen2 writes with the ReAct tool prompt.

    Thought: ...
    Action: get_current_weather
    Action Input: {"location": "Boston, MA"}
    Action: calculate_gpa
    Action Input: ```json
    {"grades": ["A"], "hours": [3]}
    ```

States and what moves between them:

    text    --line start, [ \\t]*"Action:"-->                header
    header  --"Action: name\\n[ \\t]*Action Input:[ \\t]*", then the arguments' first character:
              "{" ---------------------------------------->  call (JSON, to the matching "}")
              a fence "```lang\\n" then "{" ----------------->  call (JSON), then fence
              a fence, then anything else ------------------>  call (to the closing fence; an error)
              "\\n" then [ \\t]* "{" or a fence (pretty-printed) ->  as above, from the next line
              any other character -------------------------->  call (to the end of the line; an error)
    header  --second line is not "Action Input:", or too long-->   text (the Action line is text)
    call    --end of the arguments-->                      text "after a call" (fenced: fence first)
    fence   --[ \\t\\r\\n]* "```" (framing)-->                text "after a call"
    fence   --anything else-->                             text "after a call"

Held back: in ``text``, a last line that could still begin ``Action:``; after a call, the
whitespace that follows it (it goes with the next header, or is text); in ``header``, the header;
after a fenced call, what could still be its closing fence. Inside a fenced value that is not an
object, one or two backticks at the end of a delta (they may begin the closing fence).
"""

from __future__ import annotations

import re
from typing import Any

from .parser import StreamParser

_TEXT, _HEADER, _CALL, _FENCE = "text", "header", "call", "fence"
_JSON, _LINE, _FENCED = "json", "line", "fenced"  # argument bodies

_HEADER_START = re.compile(r"^[ \t]*Action:", re.MULTILINE)
_ACTION_LINE = re.compile(r"[ \t]*Action:([^\n]*)\n")
_INPUT_HEAD = re.compile(r"[ \t]*Action Input:[ \t]*")
_SPACES = re.compile(r"[ \t]*")
# A Markdown fence opening the arguments: ```, a language word, an optional newline.
_FENCE_OPEN = re.compile(r"```[A-Za-z]*[ \t]*\n?[ \t]*")
# After a fenced object: optional whitespace, then the closing fence (framing).
_FENCE_CLOSE = re.compile(r"[ \t\r\n]*```")
_ACTION = "Action:"
_ACTION_INPUT = "Action Input:"
_FENCE_MARK = "```"
_WHITESPACE = " \t\r\n"
_NEED_MORE = -1
_NOT_A_FENCE = -2


def _fence_value(buf: str, at: int) -> int:
    """``buf[at]`` is a backtick: where the fenced value starts, or ``_NEED_MORE`` /
    ``_NOT_A_FENCE``."""
    n = len(buf)
    if n - at < 3:
        return _NEED_MORE if _FENCE_MARK.startswith(buf[at:]) else _NOT_A_FENCE
    if not buf.startswith(_FENCE_MARK, at):
        return _NOT_A_FENCE
    end = _FENCE_OPEN.match(buf, at).end()  # type: ignore[union-attr]
    return _NEED_MORE if end == n else end


class Qwen2Parser(StreamParser):
    format_name = "qwen2"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._state = _TEXT
        # Whether the text state's next position is a line start, when nothing before it in the
        # buffer tells (it is the buffer's first character): kept by every handover to text.
        self._at_line_start = True
        self._after_call = False  # the held text starts right after a call
        self._header_at = 0  # stream offset of the "[ \t]*Action:" line in state header
        self._searched = 0  # stream offset up to which the header's Action line has no newline
        self._body = _JSON
        self._fenced = False  # the open call's arguments sit in a fence

    # ---- arguments ------------------------------------------------------------------------

    def _scan_call_body(self, buf: str, i: int, base: int) -> int:
        body = self._body
        if body is _JSON:
            end = self._scan_call(buf, i, base)
            if end < 0:
                return len(buf)
        elif body is _LINE:  # non-object arguments run to the end of their line
            end = buf.find("\n", i)
            stop = len(buf) if end < 0 else end
            if stop > i:
                self._call_piece(buf[i:stop], base + stop)
            if end < 0:
                return stop
            self._close_call(base + end)
        else:  # a fenced value that is not an object runs to the closing fence
            fence = buf.find(_FENCE_MARK, i)
            if fence < 0:
                stop = len(buf)
                while stop > i and buf[stop - 1] == "`" and len(buf) - stop < 2:
                    stop -= 1  # may begin the closing fence
            else:
                stop = fence
            if stop > i:
                self._call_piece(buf[i:stop], base + stop)
            if fence < 0:
                return stop
            end = fence + len(_FENCE_MARK)
            self._close_call(base + fence)
            self._to_text_after_call()
            return end
        self._to_text_after_call()
        if self._fenced:
            self._state = _FENCE
        return end

    def _to_text_after_call(self) -> None:
        self._state = _TEXT
        self._after_call = True
        self._at_line_start = False  # text resumes right after the "}" or on the line's "\n"

    def _scan_fence_close(self, buf: str, i: int, base: int) -> int:
        """After a fenced object: whitespace and the closing fence are framing."""
        self._fenced = False
        close = _FENCE_CLOSE.match(buf, i)
        if close is not None:
            return close.end()  # framing: covered by the next event's span
        rest = buf[i:].lstrip(_WHITESPACE)
        if _FENCE_MARK.startswith(rest) and len(buf) - i <= self.hold_back_limit:
            self._fenced = True
            return i  # wait: it may still close
        self._state = _TEXT
        return i

    # ---- text -----------------------------------------------------------------------------

    def _scan_text(self, buf: str, i: int, base: int) -> int:
        n = len(buf)
        match = _HEADER_START.search(buf, i)
        if match is not None and match.start() == 0 and not self._at_line_start:
            match = _HEADER_START.search(buf, 1)
        if match is not None:
            start = match.start()
            if not (self._after_call and not buf[i:start].strip(_WHITESPACE)):
                self._text(buf[i:start], base + start)
            self._after_call = False  # whitespace since the call, if any, is now in the header
            self._state = _HEADER
            self._header_at = self._searched = base + start
            return i if self._emitted < base + start else start

        # No complete "Action:" at a line start: hold a last line that could still begin one.
        last_newline = buf.rfind("\n", i)
        if last_newline >= 0:
            line = last_newline + 1
        elif (i == 0 and self._at_line_start) or (i > 0 and buf[i - 1] == "\n"):
            line = i
        else:
            line = -1
        candidate = -1
        if line >= 0:
            tail = buf[line : line + self.hold_back_limit + 1].lstrip(" \t")
            if _ACTION.startswith(tail):
                candidate = line
        hold = candidate if candidate >= 0 else n
        if self._after_call:
            if buf[i:hold].strip(_WHITESPACE):
                self._after_call = False
            else:
                hold = i
        if n - hold > self.hold_back_limit:
            self._after_call = False
            hold = candidate if 0 <= candidate and n - candidate <= self.hold_back_limit else n
        self._text(buf[i:hold], base + hold)
        if hold > 0:
            self._at_line_start = buf[hold - 1] == "\n"
        return hold

    # ---- the header -----------------------------------------------------------------------

    def _scan_header(self, buf: str, i: int, base: int) -> int:
        """``buf[i:]`` is held text: optional whitespace after a call, then the header."""
        n = len(buf)
        start = self._header_at - base
        limit = self.hold_back_limit
        first_char = -1  # index of the first argument character, once the header is complete
        name_end = -1
        # The Action line's newline: searched from where the last feed stopped, never again
        # from the header's start (a long name is held across many deltas).
        newline = buf.find("\n", max(start, self._searched - base))
        if newline < 0:
            self._searched = base + n
        else:
            name_end = newline + 1
            head = _INPUT_HEAD.match(buf, name_end)
            if head is not None:
                first_char = self._arguments_start(buf, head.end())
            else:
                spaces = _SPACES.match(buf, name_end).end()  # type: ignore[union-attr]
                rest = buf[spaces : spaces + len(_ACTION_INPUT)]
                if spaces + len(rest) < n or not _ACTION_INPUT.startswith(rest):
                    return self._not_a_header(buf, i, base, name_end)

        header_end = first_char if first_char >= 0 else n
        if header_end - i > limit and i < start:
            self._text(buf[i:start], base + start)  # the whitespace before it is text after all
            i = start
        if header_end - start > limit:
            return self._not_a_header(buf, i, base, name_end if name_end >= 0 else n)
        if first_char < 0:
            return i  # wait for more

        name = _ACTION_LINE.match(buf, start).group(1).strip()  # type: ignore[union-attr]
        if not name:
            return self._not_a_header(buf, i, base, name_end)
        self._state = _CALL
        self._open_call(name, base + first_char, json_body=self._body is _JSON)
        return first_char

    def _arguments_start(self, buf: str, at: int) -> int:
        """``buf[at:]`` follows ``Action Input:`` and its spaces: where the arguments start
        (setting their body), or -1 to wait for more."""
        n = len(buf)
        if at == n:
            return -1
        self._fenced = False
        char = buf[at]
        if char == "\n":  # pretty-printed: the arguments may start on the next line
            value = _SPACES.match(buf, at + 1).end()  # type: ignore[union-attr]
            if value == n:
                return -1
            if buf[value] == "{":
                self._body = _JSON
                return value
            if buf[value] == "`":
                fenced = self._fenced_start(buf, value)
                if fenced != _NOT_A_FENCE:
                    return fenced
            self._body = _LINE  # the version 1 rule: empty arguments, an error
            return at
        if char == "`":
            fenced = self._fenced_start(buf, at)
            if fenced != _NOT_A_FENCE:
                return fenced
        self._body = _JSON if char == "{" else _LINE
        return at

    def _fenced_start(self, buf: str, at: int) -> int:
        value = _fence_value(buf, at)
        if value == _NEED_MORE:
            return -1
        if value == _NOT_A_FENCE:
            return _NOT_A_FENCE
        self._fenced = True
        self._body = _JSON if buf[value] == "{" else _FENCED
        return value

    def _not_a_header(self, buf: str, i: int, base: int, stop: int) -> int:
        """The held ``Action:`` line up to ``stop`` is text after all."""
        self._text(buf[i:stop], base + stop)
        self._state = _TEXT
        self._after_call = False
        self._at_line_start = buf[stop - 1] == "\n"
        return stop

    # ---- end ------------------------------------------------------------------------------

    def _finish(self, buf: str, base: int) -> None:
        end = base + len(buf)
        if self._state is _CALL:
            if buf:  # backticks held as a possible closing fence are arguments after all
                self._call_piece(buf, end)
            self._fail_truncated(end)
            return
        if self._state is _HEADER:
            action = _ACTION_LINE.match(buf, self._header_at - base)
            name = action.group(1).strip() if action else ""
            head = _INPUT_HEAD.match(buf, action.end()) if action and name else None
            if head is not None:
                message = "stream ended before the arguments (truncated call)"
                self._fail_unstarted(name, "", message, end)
                return
        self._text(buf, end)


Qwen2Parser._handlers = {
    _TEXT: Qwen2Parser._scan_text,
    _HEADER: Qwen2Parser._scan_header,
    _CALL: Qwen2Parser._scan_call_body,
    _FENCE: Qwen2Parser._scan_fence_close,
}
