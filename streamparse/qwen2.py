"""Format ``qwen2``: the ReAct multi-action format Qwen2 writes with the ReAct tool prompt.

    Thought: ...
    Action: get_current_weather
    Action Input: {"location": "Boston, MA"}
    Action: calculate_gpa
    Action Input: {"grades": ["A"], "hours": [3]}

States and what moves between them:

    text    --line start, [ \\t]*"Action:"-->                header
    header  --"Action: name\\n[ \\t]*Action Input:[ \\t]*" then "{"-->   call (JSON, to the matching "}")
    header  --... then any other character-->              call (line: to the end of the line; an error)
    header  --second line is not "Action Input:", or too long-->   text (the Action line is text)
    call    --end of the arguments-->                      text, "after a call"

Held back: in ``text``, a last line that could still begin ``Action:``; after a call, the
whitespace that follows it (it goes with the next header, or is text); in ``header``, the header.
"""

from __future__ import annotations

import re

from .parser import StreamParser

_TEXT, _HEADER, _CALL = "text", "header", "call"

_HEADER_START = re.compile(r"^[ \t]*Action:", re.MULTILINE)
_ACTION_LINE = re.compile(r"[ \t]*Action:([^\n]*)\n")
_INPUT_HEAD = re.compile(r"[ \t]*Action Input:[ \t]*")
_SPACES = re.compile(r"[ \t]*")
_ACTION = "Action:"
_ACTION_INPUT = "Action Input:"
_WHITESPACE = " \t\r\n"


class Qwen2Parser(StreamParser):
    format_name = "qwen2"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._state = _TEXT
        # Whether the text state's next position is a line start, when nothing before it in the
        # buffer tells (it is the buffer's first character): kept by every handover to text.
        self._at_line_start = True
        self._after_call = False  # the held text starts right after a call
        self._header_at = 0  # stream offset of the "[ \t]*Action:" line in state header

    def _scan_call_body(self, buf: str, i: int, base: int) -> int:
        if self._call_is_json:
            end = self._scan_call(buf, i, base)
            if end < 0:
                return len(buf)
        else:  # non-object arguments run to the end of their line
            end = buf.find("\n", i)
            stop = len(buf) if end < 0 else end
            if stop > i:
                self._call_piece(buf[i:stop], base + stop)
            if end < 0:
                return stop
            self._close_call(base + end)
        self._state = _TEXT
        self._after_call = True
        self._at_line_start = False  # text resumes right after the "}" or on the line's "\n"
        return end

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
            self._header_at = base + start
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

    def _scan_header(self, buf: str, i: int, base: int) -> int:
        """``buf[i:]`` is held text: optional whitespace after a call, then the header."""
        n = len(buf)
        start = self._header_at - base
        action = _ACTION_LINE.match(buf, start)
        first_char = -1  # index of the first argument character, once the header is complete
        name_end = -1
        if action is not None:
            name_end = action.end()
            head = _INPUT_HEAD.match(buf, name_end)
            if head is not None:
                if head.end() < n:
                    first_char = head.end()
            else:
                spaces = _SPACES.match(buf, name_end).end()
                rest = buf[spaces : spaces + len(_ACTION_INPUT)]
                if spaces + len(rest) < n or not _ACTION_INPUT.startswith(rest):
                    return self._not_a_header(buf, i, base, name_end)

        header_end = first_char if first_char >= 0 else n
        limit = self.hold_back_limit
        if header_end - i > limit and i < start:
            self._text(buf[i:start], base + start)  # the whitespace before it is text after all
            i = start
        if header_end - start > limit:
            return self._not_a_header(buf, i, base, name_end if name_end >= 0 else n)
        if first_char < 0:
            return i  # wait for more

        name = action.group(1).strip()  # type: ignore[union-attr]
        if not name:
            return self._not_a_header(buf, i, base, name_end)
        self._state = _CALL
        self._open_call(name, base + first_char, json_body=buf[first_char] == "{")
        return first_char

    def _not_a_header(self, buf: str, i: int, base: int, stop: int) -> int:
        """The held ``Action:`` line up to ``stop`` is text after all."""
        self._text(buf[i:stop], base + stop)
        self._state = _TEXT
        self._after_call = False
        self._at_line_start = buf[stop - 1] == "\n"
        return stop

    def _finish(self, buf: str, base: int) -> None:
        end = base + len(buf)
        if self._state is _CALL:
            self._fail_truncated(end)
            return
        if self._state is _HEADER:
            action = _ACTION_LINE.match(buf, self._header_at - base)
            if action and action.group(1).strip() and _INPUT_HEAD.match(buf, action.end()):
                message = "stream ended before the arguments (truncated call)"
                self._fail_unstarted(action.group(1).strip(), "", message, end)
                return
        self._text(buf, end)


Qwen2Parser._handlers = {
    _TEXT: Qwen2Parser._scan_text,
    _HEADER: Qwen2Parser._scan_header,
    _CALL: Qwen2Parser._scan_call_body,
}
