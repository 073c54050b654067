"""Format ``glm4``: GLM-4's turn format (glm-4-9b-chat and successors with the same turns).

The generation follows the ``<|assistant|>`` role token. Each segment is ``metadata\\nbody``: empty
metadata for a plain reply, a function name for a call whose body is the arguments JSON.

    get_current_weather
    {"location": "Beijing"}<|assistant|>calculate_gpa
    {"grades": ["A"], "hours": [3]}

The declaration (:class:`Glm4Parser`): its states and what moves between them.

    segment   --[ \\t]* "\\n" (or "\\r\\n")-->           blank: framing, then body (a plain reply)
    segment   --[ \\t]* name [ \\t\\r]* "\\n" "{"-->       call: JSON to the matching "}", then after
    segment   --[ \\t]* special token-->               lead: framing, then as the token says
    segment   --anything else-->                      body (the first line is text)
    after     --whitespace, name, "\\n", "{"-->         call (a call whose separator was skipped)
    after     --whitespace, special token-->          lead
    after     --anything else-->                      body (the whitespace is text)
    separated --as after, but before text-->          spaces: framing, then body
    call      --a special token's text-->             after (the call is truncated there)
    body      --"<|assistant|>"-->                    segment
    body      --"<|observation|>" "<|user|>" "<|endoftext|>"-->  ended (text; tokens framing)

``segment``, ``after`` and ``separated`` read the metadata line (:func:`read_metadata`), searched
from where the last feed stopped, never again from its start. Special-token text is framing. Held
back: the metadata line while it could still be a tool name, whitespace after a call, a partial
special token at the end of a body or of a call's arguments.

What does not fit a declaration stays in hooks in this file: the arguments body (the engine's
JSON, but a special token's text ends it: ``_scan_body``), ``calls=False`` and kept token text
(``_scan_text``), the reader's call kept short (``_read_header``), and token ids (``_run_ids``,
``_finish``).

With token ids (``feed(delta, token_ids)``), special tokens whose text was skipped act where their
text would have stood (contract v2). The text may trail the ids by ``text_lag`` characters (vLLM's
stop-string hold-back). A token that is the delta's last id stands at the end of the delta's text
plus the lag; the first id at its start plus the lag; a middle id somewhere in between, decided
when that text has arrived (where a declared tool name begins, else before the name-like run that
ends the first line). A token whose place falls inside open arguments takes effect when they close
(GLM-4 writes it right after the ``}``; the whitespace between is framing: state ``separated``);
only ``close()`` makes that a truncated call. A token whose text does show up (special tokens
kept) acts once, at its text: until a stream has shown which it is, a token waits for the few
characters that could still hold its text.

The prompt renderer, in the second half of this file (``streamparse.prompts`` for this
format):

    GLM-4 prompts: byte for byte what glm-4-9b-chat's chat template renders.

    The template (``tests/data/glm4_chat_template.jinja``) renders a list of items
    ``{"role", "metadata"?, "content", "tools"?}``:

        [gMASK]<sop>                                  once, first
        <|system|>\\n{tools system prompt}            for an item with "tools"
        <|{role}|>{metadata}\\n{content}              for every item whose content is not empty
        <|assistant|>                                 the generation prompt

    GLM-4's own OpenAI-style server (``basic_demo/openai_api_server.py`` in THUDM/GLM-4) builds those
    items from OpenAI-style messages; we do the same:

    - the tools travel in a leading item ``{"role": "system", "content": "", "tools": [...]}``;
    - an assistant message's calls become one item each, ``metadata`` = the function name and
      ``content`` = the arguments JSON (kept as the caller wrote them when given as a string);
    - a ``tool`` message becomes ``{"role": "observation", "content": ...}``.

    Where we differ from that server (the template renders both ways; ours loses nothing):
    the caller's system message is kept as a turn of its own after the tools turn (the server drops
    it when tools are given), and assistant text is one item (the server splits it per line).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...engine import Engine, NeedMore, NotHeader, Opened, State, prefixes
from ...parser import _WHOLE
from ...reasoning import _IN_TEXT
from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .tokens import (
    ASSISTANT,
    END_OF_TURN,
    GENERATION_PROMPT_TOKEN,
    GLM4_9B_CHAT_SPECIAL_TOKEN_IDS,
    SPECIAL_TOKENS,
    TURN_TOKENS,
    checked_token_options,
)

_SPECIAL_TOKENS = SPECIAL_TOKENS
_ANY_SPECIAL = "|".join(re.escape(token) for token in _SPECIAL_TOKENS)
_SPECIAL_TOKEN = re.compile(_ANY_SPECIAL)
_SPECIAL_AT_END = re.compile(f"(?:{_ANY_SPECIAL})\\Z")
_SPECIAL_PREFIXES = frozenset(token[:k] for token in _SPECIAL_TOKENS for k in range(len(token) + 1))
_LONGEST_SPECIAL = max(len(token) for token in _SPECIAL_TOKENS)
_LOOKAHEAD = _LONGEST_SPECIAL + 1  # a kept token's text, with the space vLLM puts before it
_SPACES = re.compile(r"[ \t]*")
_TRAILING = re.compile(r"[ \t\r]*")  # after a name: spaces, and the \r of a \r\n
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NAME_FIRST = re.compile(r"[A-Za-z_]")
_NAME_REST = re.compile(r"[A-Za-z0-9_.-]*")
_MAX_NAME_LIKE = 64
_NAME_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_METADATA_LINE = re.compile(r"[ \t\r\n]*(?P<name>[^\n]*?)[ \t]*\n?")
_NAME_CHARS_BEFORE = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_.-]*)?\Z")
_AFTER_CALL = ("after", "separated")
_NEED_MORE = NeedMore()  # one instance: building a NamedTuple is a Python call
# the metadata line's shape so far (_meta_shape), and what declared name it may be (_meta_name)
_NOT_NAME, _IN_NAME, _AFTER_NAME = 0, 1, 2  # not name-like; in a name-like run; spaces after it
_NO_NAME, _DECLARED = -1, -2  # no declared name starts so; it is one (then spaces); else an index


# ---- the declaration --------------------------------------------------------------------------


def read_metadata(
    parser: Glm4Parser, buf: str, start: int, base: int, final: bool
) -> Opened | NotHeader | NeedMore:
    """A segment's first line from ``buf[start]`` (in ``segment``; in ``after`` and ``separated``,
    right after a call): ``[ \\t]*name[ \\t\\r]*\\n{`` opens a call, whose arguments are JSON (see
    :meth:`Glm4Parser._scan_body`). Leading spaces (after a call, any whitespace) then a special
    token, or (in ``segment``) an empty line, are framing: ``lead`` and ``blank`` take them.
    Anything else is text, from ``start`` (after a skipped separator, from the first character
    that is not whitespace). Held while it could still be a name, within the bound."""
    n = len(buf)
    limit = parser._limit
    if parser._meta_at < 0:
        segment = parser._state == "segment"
        first = (_SPACES if segment else _WHITESPACE).match(buf, start).end()  # type: ignore[union-attr]
        if first - start > limit:
            return _text(parser, start)
        if first == n:
            return _NEED_MORE
        char = buf[first]
        if char == "<":
            if _SPECIAL_TOKEN.match(buf, first) is not None:
                parser._state = "lead"
                return NotHeader(start)
            if n - first < _LONGEST_SPECIAL and buf[first:] in _SPECIAL_PREFIXES:
                return _NEED_MORE if n - start <= limit else _text(parser, start)
            # not a special token: a declared name may still start with "<"
        elif segment and (char == "\n" or (char == "\r" and buf.startswith("\n", first + 1))):
            parser._state = "blank"  # empty metadata: a plain reply, its metadata line is framing
            return NotHeader(start)
        elif char == "\r" and first + 1 == n:
            return _NEED_MORE if n - start <= limit else _text(parser, start)
        if not parser.calls:  # calls=False: a call's metadata line is text
            return _text(parser, start)
        parser._meta_at = parser.header_seen = base + first
        parser._meta_shape = _IN_NAME if _NAME_FIRST.match(buf, first) is not None else _NOT_NAME
        parser._meta_name = 0 if parser._sorted_names else _NO_NAME

    first = parser._meta_at - base
    newline = buf.find("\n", parser.header_seen - base, start + limit + 1)
    parser._extend_metadata(buf, base, newline if newline >= 0 else min(n, start + limit + 1))
    if not parser._meta_shape and parser._meta_name == _NO_NAME:
        return _text(parser, start, separated=parser._state == "separated")
    if newline < 0:  # the line goes on: held, within the bound
        return _NEED_MORE if n - start <= limit else _text(parser, start)
    name = buf[first:newline].rstrip(" \t\r")
    if not (parser._meta_shape or name in parser._declared):
        return _text(parser, start)
    body = newline + 1
    if body - start > limit:
        return _text(parser, start)
    if body == n:
        return _NEED_MORE
    if buf[body] != "{":
        return _text(parser, start)
    parser._reset_metadata()
    return Opened(name, body, "json", "after", start)


def _text(parser: Glm4Parser, start: int, separated: bool = False) -> NotHeader:
    """What was held from ``start`` is not a call header: it is text (the body's). After a
    skipped separator, the whitespace before it is framing (state ``spaces``)."""
    parser._state = "spaces" if separated else "body"
    parser._reset_metadata()
    return NotHeader(start)


_BODY_MARKERS = {"assistant": re.escape(ASSISTANT), "end": "|".join(map(re.escape, END_OF_TURN))}
_TOKEN_GOTO = {"assistant": "segment", "end": "ended"}
_SPECIAL_PREFIX = "|".join(prefixes(token) for token in _SPECIAL_TOKENS)


class _Pending:
    """A special token known by its id, whose place in the text is ``lo`` (or somewhere in
    ``lo..hi``, for a middle id of a merged delta), stream offsets."""

    __slots__ = ("lo", "hi", "token", "arrival", "after_call", "early")

    def __init__(self, lo: int, hi: int, token: str, arrival: int) -> None:
        self.lo = lo
        self.hi = hi
        self.token = token
        self.arrival = arrival  # what had been fed when the id came
        self.after_call = False  # its place fell inside open arguments: it acts when they close
        self.early = False  # it came before any text was released (see _run_ids)


class Glm4Parser(Engine):
    """The ``glm4`` format, declared: segments that start with a metadata line, between special
    tokens. Token ids (the hooks below) place the special tokens whose text was skipped."""

    format_name = "glm4"
    initial = "segment"
    states = {
        # every segment starts with its metadata line, read from its first character
        "segment": State(markers={"metadata": ""}, readers={"metadata": read_metadata}),
        "after": State(markers={"metadata": ""}, readers={"metadata": read_metadata}),
        "separated": State(markers={"metadata": ""}, readers={"metadata": read_metadata}),
        # framing the metadata reader hands over
        "lead": State(markers=_BODY_MARKERS, goto=_TOKEN_GOTO, framing=True),
        "blank": State(markers={"newline": "\n"}, goto={"newline": "body"}, framing=True),
        "spaces": State(markers={"spaces": r"[ \t\r\n]*"}, anchored=True, otherwise="body",
                        may_begin=lambda rest: False),
        "body": State(markers=_BODY_MARKERS, goto=_TOKEN_GOTO, partial=_SPECIAL_PREFIX),
        "ended": State(markers={"token": _ANY_SPECIAL}, goto={"token": "ended"},
                       partial=_SPECIAL_PREFIX),
    }
    _string_stop = re.compile(r'["\\<]')  # "<" may begin a special token, which ends a body
    _text_stop = re.compile("<")  # in a body, only a special token is a marker
    framing_tokens = re.compile(_ANY_SPECIAL)  # their text is framing

    def __init__(
        self,
        *args: Any,
        special_token_ids: Mapping[int, str] | None = None,
        text_lag: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = checked_token_options(self.format_name, special_token_ids, text_lag)
        if ids is not None:
            self.special_token_ids = ids
            self._special_ids = frozenset(ids)
        if text_lag:
            self.text_lag = text_lag

    # The state of a stream, with the defaults it starts from. An instance stores what differs;
    # keep the names few: past 30 an instance's attributes leave CPython's fast path (a real dict).
    special_token_ids: Mapping[int, str] = GLM4_9B_CHAT_SPECIAL_TOKEN_IDS
    _special_ids: frozenset[int] = frozenset(GLM4_9B_CHAT_SPECIAL_TOKEN_IDS)
    text_lag = 0
    _pending: list[_Pending] = []  # never appended to: an instance gets its own list first
    _texts_kept: bool | None = None  # whether special tokens show their text (learned)
    _meta_at = -1  # stream offset of the metadata's first character, once known
    _meta_shape = _NOT_NAME
    _meta_name = _NO_NAME

    # ---- the metadata line, scanned incrementally (the reader's state) ----------------------

    def _reset_metadata(self) -> None:
        if self._meta_at >= 0:
            self._meta_at = -1
            self._meta_shape = _NOT_NAME
            self._meta_name = _NO_NAME

    def _extend_metadata(self, buf: str, base: int, stop: int) -> None:
        """Take ``buf`` up to ``stop`` into the metadata line, from where the last look ended
        (``header_seen``)."""
        seen = self.header_seen - base
        if seen >= stop:
            return
        start = self._meta_at - base
        shape = self._meta_shape
        if shape == _AFTER_NAME:
            if _TRAILING.match(buf, seen, stop).end() != stop:  # type: ignore[union-attr]
                shape = _NOT_NAME
        elif shape == _IN_NAME:
            end = _NAME_REST.match(buf, seen, stop).end()  # type: ignore[union-attr]
            if end - start > _MAX_NAME_LIKE:
                shape = _NOT_NAME
            elif end < stop:
                trailing = _TRAILING.match(buf, end, stop).end() == stop  # type: ignore[union-attr]
                shape = _AFTER_NAME if trailing else _NOT_NAME
        self._meta_shape = shape
        names = self._sorted_names
        candidate = self._meta_name
        if candidate >= 0 and not names[candidate].startswith(buf[seen:stop], seen - start):
            line = buf[start:stop]
            candidate = bisect.bisect_left(names, line, candidate)
            if candidate == len(names) or not names[candidate].startswith(line):
                candidate = _DECLARED if line.rstrip(" \t\r") in self._declared else _NO_NAME
        elif candidate == _DECLARED and _TRAILING.match(buf, seen, stop).end() != stop:  # type: ignore[union-attr]
            candidate = _NO_NAME
        self._meta_name = candidate
        self.header_seen = base + stop

    # ---- hooks on the engine ------------------------------------------------------------------

    def _scan_text(self, state: State, buf: str, i: int, base: int) -> int:
        """The engine's, and three things of glm4's: ``calls=False`` leaves the turn structure
        framing (the engine would make all of it text; here only a call's metadata line is, as
        the reader says); text after a token that moves to ``body`` or ``ended`` is not held as
        if it followed a call; a special token's text whose id came first acts once, here."""
        if self.calls:
            j = Engine._scan_text(self, state, buf, i, base)
        else:
            self.calls = True
            j = Engine._scan_text(self, state, buf, i, base)
            self.calls = False
        if j > i and self._header_at < 0:
            if self._after_call and self._state in ("body", "ended"):
                self._after_call = False
            if self._pending:
                token = _SPECIAL_AT_END.search(buf, max(i, j - _LONGEST_SPECIAL), j)
                if token is not None:
                    self._text_came(token.group(), base + token.start())
        return j

    def _read_header(self, buf: str, i: int, base: int) -> int:
        """The engine's, for glm4's one reader (which never leaves the bound to the engine: it
        says "text" itself), kept short: it runs for every delta of every metadata line."""
        answer = read_metadata(self, buf, i, base, False)
        if answer is _NEED_MORE:
            return i
        self._header_at = -1
        if type(answer) is NotHeader:
            self._after_call = False
            return answer.upto
        assert type(answer) is Opened
        self._body = answer.body
        self._state = "call"  # what follows it is decided when it ends (_call_ended)
        self._open_call(answer.name, base + answer.at)
        return answer.at

    def _scan_body(self, buf: str, i: int, base: int) -> int:
        """A call's arguments: the engine's JSON body (to the matching ``}``), but a special
        token's text inside them ends them there, a truncated call (contract v2); what could
        still become one is held."""
        n = len(buf)
        if "<" not in buf:  # the hot path: no special token's text can be in it
            scanner = self._scanner
            if n - i >= _WHOLE and not scanner.closers and not scanner.in_string:
                end = self._scan_call(buf, i, base)  # long arguments just begun: tried whole
                return n if end < 0 else self._call_ended(end)
            end = scanner.scan(buf, i)
            if end < 0:
                if n > i:
                    self._call_piece(buf[i:], base + n)
                return n
            if end > i:
                self._call_piece(buf[i:end], base + end)
            self._close_call(base + end)
            return self._call_ended(end)
        limit = -1  # scan up to a special token's text, or what may still become one (held)
        token = _SPECIAL_TOKEN.search(buf, i)
        if token is not None:
            limit = token.start()
        else:
            bracket = buf.rfind("<", max(i, n - _LONGEST_SPECIAL + 1))
            if bracket >= 0 and buf[bracket:] in _SPECIAL_PREFIXES:
                limit = bracket
        end = self._scan_call(buf, i, base, limit)
        if end >= 0:
            return self._call_ended(end)
        if token is None:
            return n if limit < 0 else limit
        self._close_call(base + limit, f"truncated call: {token.group()} came inside the arguments")
        self._body = None
        self._state = "after"  # the token is read there
        return limit

    def _call_ended(self, end: int) -> int:
        """A call's arguments closed at ``end``: ``after`` follows; or ``separated``, if a token
        placed inside them acts now, right after them (a skipped separator)."""
        self._body = None
        pending = self._pending
        if pending and pending[0].after_call:
            del pending[0]
            self._state = "separated"
        else:
            self._state = "after"
        return end

    def _may_hold(self, held: str) -> bool:
        if self._pending:  # the text just past a token known by its id, which may still show
            return True  # the token's own text (bounded by the hold-back limit)
        if held.lstrip(" \t\r\n") in _SPECIAL_PREFIXES:
            return True
        line = _METADATA_LINE.fullmatch(held)  # a metadata line that could still be a name
        if line is None:
            return False
        name = line.group("name").strip(" \t\r")
        return not name or _NAME_LIKE.fullmatch(name) is not None or self._could_be_declared(name)

    def _may_hold_in_call(self, held: str) -> bool:
        return held in _SPECIAL_PREFIXES

    def _fast_path(self) -> int:
        if self._pending:
            return 0
        if self._body is not None:  # a held call (never started) takes no fast path
            return self._json_fast_path() if self._call_index is not None else 0
        state = self._state
        return _IN_TEXT if (state == "body" or state == "ended") and self._header_at < 0 else 0

    # ---- token ids ------------------------------------------------------------------------

    def _text_came(self, token: str, at: int) -> None:
        """A special token's text acted at ``at``: if its id came first, it acts once, here."""
        for position, pending in enumerate(self._pending):
            if pending.token == token and pending.arrival - _LOOKAHEAD <= at:
                del self._pending[position]
                self._texts_kept = True
                break

    def _special(self, token: str) -> None:
        """A special token known by its id acts: ``<|assistant|>`` starts a segment, the others
        end the turn (after that, nothing does anything)."""
        if self._state != "ended":
            self._state = "segment" if token == ASSISTANT else "ended"

    def _run_ids(self, buf: str, base: int, token_ids: Sequence[int], delta_at: int) -> int:
        if not self._special_ids.isdisjoint(token_ids):
            specials = self.special_token_ids
            last = len(token_ids) - 1
            lag = self.text_lag
            before = base + delta_at + lag
            after = base + len(buf) + lag
            for position, token_id in enumerate(token_ids):
                token = specials.get(token_id)
                if token is not None:
                    lo = after if position == last else before
                    hi = before if position == 0 and position != last else after
                    pending = _Pending(lo, hi, token, base + delta_at)
                    if lo == lag and lag:  # no text released yet: the text so far may be shorter
                        pending.lo = 0  # than the lag, so the token stands in the first ``lag``
                        pending.early = True  # characters: at a declared name, else at ``lag``
                    if not self._pending:
                        self._pending = []  # its own list (the class's is shared, and empty)
                    self._pending.append(pending)
            self._run = self._run_pending  # type: ignore[method-assign]  # until none waits
        return self._run(buf, base)

    def _run_pending(self, buf: str, base: int, closing: bool = False) -> int:
        """Drive the text up to each waiting token's place, and act on it there. While a token
        waits, this is the parser's ``_run`` (an instance attribute, so that the engine's driver
        runs with no check at all when none does)."""
        cut = self._act_on_pending(buf, base, closing)
        if not self._pending:
            self.__dict__.pop("_run", None)
        return cut

    def _act_on_pending(self, buf: str, base: int, closing: bool) -> int:
        n = len(buf)
        fed = base + n
        pending = self._pending
        i = 0
        while pending:
            token = pending[0]
            if token.after_call:
                if self._body is not None:
                    j = self._scan_body(buf, i, base)  # releases the token if it closes
                    if self._body is not None:
                        return j
                    i = j
                    continue
                token.after_call = False  # the call ended otherwise (its text truncated it)
                token.lo = token.hi = base + i
            lo = min(max(token.lo - base, i), n)
            if token.lo > fed and not closing:
                break  # its place is not fed yet
            i += _drive(self, buf[i:lo], base + i) if lo > i else 0
            if self._body is not None:
                token.after_call = True
                continue
            if not pending or pending[0] is not token:
                continue  # its text came and acted
            hi = min(max(token.hi - base, lo), n)
            lookahead = 0 if self._texts_kept is False else _LOOKAHEAD
            if token.lo != token.hi:  # a middle id: its place is decided by the names after it
                lookahead = max(lookahead, max(map(len, self._sorted_names), default=0) + 1)
            if fed < token.hi + lookahead and not closing and fed - base - i <= self._limit:
                return i  # its text may still show up: wait for it
            kept = buf.find(token.token, i, hi + lookahead + _LONGEST_SPECIAL) if lookahead else -1
            if kept >= 0:  # special tokens are kept: its text, just ahead, acts where it stands
                i += _drive(self, buf[i : kept + len(token.token)], base + i)
                if pending and pending[0] is token:
                    del pending[0]
                self._texts_kept = True
                continue
            self._texts_kept = False
            del pending[0]
            after_call = self._state in _AFTER_CALL
            if lo == hi or after_call:
                split = lo
            else:
                split = self._middle_place(buf, lo, hi, hi if token.early else -1)
                i += _drive(self, buf[i:split], base + i) if split > i else 0
                if self._body is not None:  # a call opened before it: it acts when that closes
                    token.after_call = True
                    pending.insert(0, token)
                    continue
                after_call = self._state in _AFTER_CALL
                if after_call and token.early and i == split:
                    # an early token (at a declared name, else at the lag) whose place is where
                    # a call just ended: it can stand nowhere else, so it acts there, as its kept
                    # text would (what follows starts a segment: an empty line is framing)
                    after_call = False
            if after_call and lo != hi and token.token == ASSISTANT:
                self._state = "separated"  # GLM-4 wrote it right after the call
                continue
            self._flush(buf[i:split], base + i, at_special=True)
            self._special(token.token)
            i = split
        return i + _drive(self, buf[i:], base + i) if i else _drive(self, buf, base)

    def _middle_place(self, buf: str, lo: int, hi: int, otherwise: int = -1) -> int:
        """Where in ``buf[lo:hi]`` (a merged delta's text) a skipped separator most likely sat:
        where a declared tool name begins a line, else at ``otherwise`` if given, else before
        the name-like run that ends its first line (the next segment's metadata), else before
        that line's newline. With ``otherwise`` (a token before any text was released, so
        ``lo`` is the response's start), a name with only whitespace before it is the response's
        own first segment, not one the token began."""
        best = -1
        for name in self._sorted_names:
            at = buf.find(name, lo, hi + len(name))
            while 0 <= at <= hi:
                follows = _TRAILING.match(buf, at + len(name)).end()  # type: ignore[union-attr]
                opens = otherwise < 0 or buf[lo:at].strip(" \t\r\n")
                if opens and (follows == len(buf) or buf[follows] == "\n"):
                    if best < 0 or at < best:
                        best = at
                    break
                at = buf.find(name, at + 1, hi + len(name))
        if best >= 0:
            return best
        if otherwise >= 0:
            return otherwise
        newline = buf.find("\n", lo, hi)
        line_end = hi if newline < 0 else newline
        return _NAME_CHARS_BEFORE.search(buf, lo, line_end).start()  # type: ignore[union-attr]

    # ---- end ------------------------------------------------------------------------------

    def _flush(self, held: str, base: int, at_special: bool = False) -> None:
        """The segment ends here (a special token known by its id, or the end of the stream):
        finish or fail the call, release held text. Whitespace-only metadata is framing, and so
        is whitespace after a call when a special token follows, or after a skipped separator."""
        end = base + len(held)
        state = self._state
        if self._body is not None:
            if held:  # what was held as a possible special token is arguments after all
                self._call_piece(held, end)
            self._fail_truncated(end)
            self._body = None
        elif state == "separated":
            self._text(held.lstrip(" \t\r\n"), end)  # the separator stood before the whitespace
        elif state == "after" and at_special:
            if held.strip(" \t\r\n"):  # whitespace between a call and a special token is framing
                self._text(held, end)
        elif held.strip(" \t\r\n") or state != "segment":
            self._text(held, end)
        self._header_at = -1
        self._after_call = False
        self._reset_metadata()

    def _finish(self, buf: str, base: int) -> None:
        cut = self._run_pending(buf, base, closing=True) if self._pending else 0
        self._flush(buf[cut:], base + cut)


_drive = Engine._run  # the engine's driver, over text with no token waiting in it

# ---- the prompt renderer ----------------------------------------------------------------------

PREFIX = "[gMASK]<sop>"
GENERATION_PROMPT = GENERATION_PROMPT_TOKEN

# The template's system prompt before the tools, and the suffix after each tool's JSON.
SYSTEM_INTRO = (
    "你是一个名为 ChatGLM 的人工智能助手。你是基于智谱AI训练的语言模型 GLM-4 模型开发的，"
    "你的任务是针对用户的问题和要求提供适当的答复和支持。\n\n# 可用工具"
)
TOOL_SUFFIX = "\n在调用上述函数时，请使用 Json 格式表示调用的参数。"

# LLaMA-Factory's GLM-4 tool prompt (src/llamafactory/data/tool_utils.py, GLM4_TOOL_PROMPT and
# GLM4ToolUtils.tool_formatter): "智谱 AI 公司" instead of "智谱AI", and a blank line before
# each "## name" (the official template, rendered with trim_blocks, has a single newline).
LLAMAFACTORY_SYSTEM_INTRO = (
    "你是一个名为 ChatGLM 的人工智能助手。你是基于智谱 AI 公司训练的语言模型 GLM-4 模型开发的，"
    "你的任务是针对用户的问题和要求提供适当的答复和支持。\n\n# 可用工具"
)

VARIANTS = {
    # variant: (intro, separator before each "## name")
    "official": (SYSTEM_INTRO, "\n"),
    "llamafactory": (LLAMAFACTORY_SYSTEM_INTRO, "\n\n"),
}
DEFAULT_VARIANT = "official"

_SPECIAL = TURN_TOKENS  # special-token text that ends or splits a turn: never in a name


def _variant(variant: str | None) -> tuple[str, str]:
    try:
        return VARIANTS[variant or DEFAULT_VARIANT]
    except KeyError:
        known = ", ".join(repr(v) for v in VARIANTS)
        raise PromptError(f"unknown glm4 prompt variant {variant!r}; known: {known}") from None


def render_tools(tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None) -> str:
    """The text of the tools system turn (what follows ``<|system|>``): the introduction, then per
    tool ``## name``, its function dict as 4-space-indented JSON (keys in the caller's order,
    non-ASCII kept) and the instruction to answer in JSON."""
    intro, separator = _variant(variant)
    parts = [intro]
    for i, (tool, function) in enumerate(tool_entries(tools)):
        body = dump_json(function, f"tools[{i}]", indent=4)
        parts.append(f"{separator}## {tool.name}\n\n{body}{TOOL_SUFFIX}")
    return "".join(parts)


def _checked(call: Call, where: str) -> Call:
    for token in _SPECIAL:
        if token in call.name:
            raise PromptError(f"{where}.name {call.name!r} contains the special token {token}")
    return call


def render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """What the model generates after ``<|assistant|>`` for a turn with these calls: an optional
    text segment (``\\n{content}``), then ``{name}\\n{arguments}`` per call, segments joined by
    ``<|assistant|>``. This is the template's rendering of the turn minus its first
    ``<|assistant|>``."""
    segments = [f"\n{content}"] if content else []
    for i, call in enumerate(calls):
        _checked(call, f"calls[{i}]")
        segments.append(f"{call.name}\n{call.arguments}")
    return GENERATION_PROMPT.join(segments)


def render_tool_results(results: list[str]) -> str:
    """``<|observation|>\\n{result}`` per result. Like the template, an empty result renders as
    nothing at all."""
    return "".join(f"<|observation|>\n{result}" for result in results if result)


def _turn(role: str, content: str, metadata: str = "") -> str:
    return f"<|{role}|>{metadata}\n{content}" if content else ""


def render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
) -> str:
    """The whole prompt, as glm-4-9b-chat's template renders it for the items described in the
    module docstring."""
    parts = [PREFIX]
    tool_list = materialize(tools)
    if tool_list:
        parts.append(f"<|system|>\n{render_tools(tool_list, variant)}")
    else:
        _variant(variant)  # still reject an unknown variant
    for i, message in enumerate(messages):
        if message.role == "tool":
            parts.append(_turn("observation", message.content))
            continue
        parts.append(_turn(message.role, message.content))
        for j, call in enumerate(message.calls):
            _checked(call, f"messages[{i}].tool_calls[{j}]")
            parts.append(_turn("assistant", call.arguments, metadata=call.name))
    if add_generation_prompt:
        parts.append(GENERATION_PROMPT)
    return "".join(parts)


Parser = Glm4Parser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""

__all__ = [
    "ASSISTANT",
    "END_OF_TURN",
    "GLM4_9B_CHAT_SPECIAL_TOKEN_IDS",
    "SPECIAL_TOKENS",
    "Glm4Parser",
    "Parser",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
