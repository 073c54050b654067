"""Format ``glm4``: GLM-4's turn format (glm-4-9b-chat and successors with the same turns).

The generation follows the ``<|assistant|>`` role token. Each segment is ``metadata\\nbody``: empty
metadata for a plain reply, a function name for a call whose body is the arguments JSON.

    get_current_weather
    {"location": "Beijing"}<|assistant|>calculate_gpa
    {"grades": ["A"], "hours": [3]}

States and what moves between them:

    segment  --spaces, "\\n"-->                        body (plain reply; the metadata line is framing)
    segment  --spaces, name, spaces, "\\n", "{"-->     call
    segment  --anything else-->                       body (the first line is text)
    call     --the matching "}"-->                    after
    after    --whitespace, name, "\\n", "{"-->         call (calls whose separator was skipped)
    after    --anything else-->                       body
    body     --"<|assistant|>"-->                     segment
    any but call --"<|observation|>" "<|user|>" "<|endoftext|>"-->  body, turn ended (all text)

Special-token text is framing. Held back: the metadata line while it could still be a tool name,
whitespace after a call, and a partial special token at the end of a body.

With token ids (``feed(delta, token_ids)``), special tokens whose text was skipped are recognised by
id. End-of-turn tokens are stop tokens: they end the turn after the delta's text. A skipped
``<|assistant|>`` starts the next segment: before the delta's text when it is the delta's first
token; right after the open call's closing ``}`` (GLM-4 writes it there), the whitespace between
being framing; inside a plain reply, in a merged delta that does not say where, before the
name-like run that ends the delta's first line (or before that line's newline).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .parser import StreamParser

_SEGMENT, _AFTER, _BODY, _CALL = "segment", "after", "body", "call"

ASSISTANT = "<|assistant|>"
END_OF_TURN = ("<|observation|>", "<|user|>", "<|endoftext|>")
GLM4_9B_CHAT_SPECIAL_TOKEN_IDS: Mapping[int, str] = {
    151329: "<|endoftext|>",
    151336: "<|user|>",
    151337: "<|assistant|>",
    151338: "<|observation|>",
}
"""glm-4-9b-chat's ids of the special tokens the parser acts on."""

_SPECIAL_TOKENS = (ASSISTANT, *END_OF_TURN)
_SPECIAL_TOKEN = re.compile("|".join(re.escape(token) for token in _SPECIAL_TOKENS))
_LONGEST_SPECIAL = max(len(token) for token in _SPECIAL_TOKENS)
_SPACES = re.compile(r"[ \t]*")
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NAME_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


_NAME_CHARS_BEFORE = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_.-]*)?\Z")


def _next_segment_start(text: str) -> int:
    """Where, in a merged delta's text, a skipped ``<|assistant|>`` most likely sat: before the
    name-like run that ends the text's first line (the next segment's metadata), or right before
    that line's newline when no name precedes it (an empty metadata line)."""
    newline = text.find("\n")
    line_end = len(text) if newline < 0 else newline
    return _NAME_CHARS_BEFORE.search(text, 0, line_end).start()


def _is_special_prefix(text: str) -> bool:
    return any(token.startswith(text) for token in _SPECIAL_TOKENS)


class Glm4Parser(StreamParser):
    format_name = "glm4"

    def __init__(
        self,
        *args: Any,
        special_token_ids: Mapping[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = GLM4_9B_CHAT_SPECIAL_TOKEN_IDS if special_token_ids is None else special_token_ids
        unknown = sorted(set(ids.values()) - set(_SPECIAL_TOKENS))
        if unknown:
            raise ValueError(
                f"special_token_ids maps to {unknown}; the glm4 parser acts on {list(_SPECIAL_TOKENS)}"
            )
        self.special_token_ids = dict(ids)
        self._state = _SEGMENT
        self._turn_ended = False
        self._separator_pending = False  # a skipped <|assistant|> follows the open call
        self._after_separator = False  # the whitespace after the last call precedes a separator

    # ---- text -----------------------------------------------------------------------------

    def _scan_call_body(self, buf: str, i: int, base: int) -> int:
        end = self._scan_call(buf, i, base)
        if end < 0:
            return len(buf)
        self._state = _AFTER
        self._after_separator = self._separator_pending
        self._separator_pending = False
        return end

    def _scan_body(self, buf: str, i: int, base: int) -> int:
        n = len(buf)
        token = _SPECIAL_TOKEN.search(buf, i)
        if token is not None:
            self._text(buf[i : token.start()], base + token.start())
            self._special(token.group())
            return token.end()
        hold = n
        bracket = buf.rfind("<", max(i, n - _LONGEST_SPECIAL + 1))
        if bracket >= 0 and _is_special_prefix(buf[bracket:]):
            hold = bracket
        self._text(buf[i:hold], base + hold)
        return hold

    def _scan_metadata(self, buf: str, i: int, base: int) -> int:
        """``buf[i:]`` starts a segment's metadata line (state segment) or follows a call."""
        n = len(buf)
        limit = self.hold_back_limit
        start = (_WHITESPACE if self._state is _AFTER else _SPACES).match(buf, i).end()
        if start - i > limit:
            return self._to_body(i)
        if start == n:
            return i
        char = buf[start]
        if char == "<":
            token = _SPECIAL_TOKEN.match(buf, start)
            if token is not None:
                self._special(token.group())  # the whitespace before it is framing too
                return token.end()
            if n - start < _LONGEST_SPECIAL and _is_special_prefix(buf[start:]):
                return self._hold(buf, i)
            # not a special token: a declared name may still start with "<"
        elif char == "\n":  # empty metadata: a plain reply, its metadata line is framing
            self._state = _BODY
            return start + 1

        newline = buf.find("\n", start, i + limit + 1)
        line_end = newline if newline >= 0 else min(n, i + limit + 1)
        name = buf[start:line_end].rstrip(" \t")
        name_like = _NAME_LIKE.fullmatch(name) is not None
        if not (name_like or self._could_be_declared(name)):
            return self._to_body(start if self._after_separator else i)
        if newline < 0:
            return self._hold(buf, i)
        if not (name_like or name in self._declared):
            return self._to_body(i)
        body = newline + 1
        if body - i > limit:
            return self._to_body(i)
        if body == n:
            return i
        if buf[body] != "{":
            return self._to_body(i)
        self._state = _CALL
        self._open_call(name, base + body)
        return body

    def _hold(self, buf: str, i: int) -> int:
        return self._to_body(i) if len(buf) - i > self.hold_back_limit else i

    def _to_body(self, i: int) -> int:
        """What was held from ``i`` is not a call header: it is text."""
        self._state = _BODY
        self._after_separator = False
        return i

    def _special(self, token: str) -> None:
        self._after_separator = False
        if token == ASSISTANT:
            if not self._turn_ended:
                self._state = _SEGMENT
        else:
            self._turn_ended = True
            self._state = _BODY

    # ---- token ids ------------------------------------------------------------------------

    def _run_ids(self, buf: str, base: int, token_ids: Sequence[int], delta_at: int) -> int:
        specials = self.special_token_ids
        skipped = [
            (position, specials[token_id])
            for position, token_id in enumerate(token_ids)
            if token_id in specials and specials[token_id] not in buf
        ]
        if not skipped:
            return self._run(buf, base)
        tokens = {token for _, token in skipped}
        separator = ASSISTANT in tokens and not self._turn_ended
        split = -1  # where in buf a separator inside a plain reply starts the next segment
        if separator:
            if skipped[0] == (0, ASSISTANT):
                split = delta_at  # the delta's first token: the boundary is before its text
            elif self._state is _CALL:
                self._separator_pending = True  # GLM-4 writes it right after the closing "}"
            elif self._state is _AFTER:
                self._after_separator = True
            elif self._state is _BODY:
                split = delta_at + _next_segment_start(buf[delta_at:])
        done = 0
        if split >= 0:
            cut = self._run(buf[:split], base)
            self._flush(buf[cut:split], base + cut, at_special=True)
            self._state = _SEGMENT
            done = split
        cut = done + self._run(buf[done:], base + done)
        if self._separator_pending:  # the call did not end before its separator: truncated
            self._separator_pending = False
            self._flush(buf[cut:], base + cut, at_special=True)
            self._state = _SEGMENT
            cut = len(buf)
        if not tokens.isdisjoint(END_OF_TURN):  # stop tokens: they end the delta
            self._flush(buf[cut:], base + cut, at_special=True)
            self._turn_ended = True
            self._state = _BODY
            cut = len(buf)
        return cut

    # ---- end ------------------------------------------------------------------------------

    def _flush(self, held: str, base: int, at_special: bool = False) -> None:
        """The segment ends here: finish or fail the call, release held text. Whitespace-only
        metadata is framing, and so is whitespace after a call when a special token follows."""
        end = base + len(held)
        if self._state is _CALL:
            self._fail_truncated(end)
        elif self._state is _AFTER and (at_special or self._after_separator):
            self._text(held.lstrip(" \t\r\n"), end)  # whitespace before a separator is framing
        elif held.strip(" \t\r\n") or self._state is not _SEGMENT:
            self._text(held, end)

    def _finish(self, buf: str, base: int) -> None:
        self._flush(buf, base)


Glm4Parser._handlers = {
    _SEGMENT: Glm4Parser._scan_metadata,
    _AFTER: Glm4Parser._scan_metadata,
    _BODY: Glm4Parser._scan_body,
    _CALL: Glm4Parser._scan_call_body,
}
