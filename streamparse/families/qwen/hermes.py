"""Format ``hermes``: Qwen2.5 and Qwen3 (``<tool_call>`` + a JSON object).

    Let me check.
    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Zürich"}}
    </tool_call>

States and what moves between them (the header reader and the call's body below):

    text    --"<tool_call>" [ \\t\\r\\n]* "{"-->            call (its head is held while it is read)
    text    --"<tool_call>", then anything else-->     text ("<tool_call>" released as text)
    call    --'{"name": "NAME", "arguments": {' (any whitespace between the tokens)-->
              tool_call_start; the arguments object streams raw to its "}": tool_call_end;
              the rest of the wrapper (", further members" and its "}") is framing --> close
    call    --any other wrapper, or a head longer than the hold-back bound-->
              held to the wrapper's "}", then decided: a call (start, arguments, end),
              or a tool_call_error that never started --> close (or broken, for an error)
    call    --a failure (bad arguments JSON, an unknown tool, a call over max_calls)--> broken
    call    --"<tool_call>" or "</tool_call>" outside a JSON string--> an error --> broken
    close   --[ \\t\\r\\n]* "</tool_call>" (framing)-->       text, "after a call"
    close   --anything else-->                         text, "after a call"
    broken  --"</tool_call>" (it and all before it framing)-->   text, "after a call"
    broken  --"<tool_call>" [ \\t\\r\\n]* "{"-->                call (the next one)

Framing (contract v2, "Calls and the text around them"): whitespace between text and a call,
between calls, and after the last call when only whitespace follows; whitespace after a call
that text follows is that text's. Held back outside a call: a suffix that could begin
``<tool_call>``, text's trailing whitespace (a call may follow it), ``<tool_call>`` and the
whitespace after it until the next character says whether a call opens, what could still be the
closing tag after a call. Inside a call: its head, until it is the usual one or cannot be (at
most the hold-back bound); in the arguments, a ``<`` outside a string that could begin a tag; a
wrapper that is not the usual one, until its ``}`` (a call held whole). Literal tags inside JSON
strings are data.

The prompt renderer, in the second half of this file (``streamparse.prompts`` for this format):
byte for byte Qwen3's chat template (the hybrid models' template of April 2025) and, as
``variant="qwen2.5"``, Qwen2.5-Instruct's, written in Python (no jinja2 at run time)::

    <|im_start|>system
    {system text}\\n\\n# Tools ... <tools>\\n{tool JSON per line}\\n</tools> ... </tool_call><|im_end|>
    <|im_start|>user
    What's the weather in Paris?<|im_end|>
    <|im_start|>assistant
    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Paris"}}
    </tool_call><|im_end|>
    <|im_start|>user
    <tool_response>
    {"temperature": 18}
    </tool_response><|im_end|>
    <|im_start|>assistant

What the templates are given (the renderings are compared with jinja2 over these in the tests):
tools as the caller wrote them (an OpenAI-style entry as it is; a bare function dict or a
:class:`~streamparse.Tool` wrapped as ``{"type": "function", "function": ...}``, as vLLM sends
them), each message's ``content`` as text, ``reasoning_content`` only when it is not empty, and
each call's arguments as the caller gave them: Qwen3's template writes a string as it is and a
dict as ``tojson``, which is what :class:`~streamparse.prompts.Call` holds either way; Qwen2.5's
always applies ``tojson``, to the dict vLLM and transformers hand it, so that variant writes the
parsed arguments again with ``json.dumps``'s default separators.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ...engine import Body, Engine, NeedMore, NotHeader, Opened, State, prefixes
from ...jsonscan import MAX_DEPTH, JsonScanner
from ...parser import (
    _WHOLE,
    _decode_whole,
    _lone_surrogate,
    _nested_deeper_than,
    load_arguments,
)
from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .chatml import IM_END, IM_START

# ---- the parser -------------------------------------------------------------------------------

OPEN, CLOSE = "<tool_call>", "</tool_call>"
_WS = "[ \t\r\n]*"
_SPACES = re.compile(_WS)
_TAG = re.compile("</?tool_call>")
_TAG_PREFIX = re.compile(f"{prefixes(OPEN)}|{prefixes(CLOSE)}")

# A JSON string token, strictly (the name is decoded from it), and any prefix of one.
_STRING = r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'
_STRING_START = r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*(?:\\(?:u[0-9a-fA-F]{0,3})?)?'


def _optional_prefix(literal: str) -> str:
    """Any proper prefix of ``literal``, the empty one included."""
    return f"(?:{prefixes(literal)})?" if len(literal) > 1 else ""


def _prefix_of(parts: list[tuple[str, str]]) -> str:
    """A regex for any prefix of the parts in order; each part is (a regex for it whole, a regex
    for any proper prefix of it, the empty one included)."""
    rest = ""
    for whole, partial in reversed(parts):
        rest = f"(?:{whole}{rest}|{partial})"
    return rest


_WS_PART = (_WS, _WS)
# The usual wrapper's head, from its "{" to the "{" that opens the arguments (the fast path),
# and any prefix of it (the head is held while it may still become one).
_FAST = re.compile(f'\\{{{_WS}"name"{_WS}:{_WS}(?P<name>{_STRING}){_WS},{_WS}"arguments"{_WS}:{_WS}\\{{')
_FAST_PREFIX = re.compile(_prefix_of([
    ("\\{", ""), _WS_PART, ('"name"', _optional_prefix('"name"')), _WS_PART, (":", ""), _WS_PART,
    (_STRING, f"(?:{_STRING_START})?"), _WS_PART, (",", ""), _WS_PART,
    ('"arguments"', _optional_prefix('"arguments"')), _WS_PART, (":", ""), _WS_PART, ("\\{", ""),
]))
_NAME_MEMBER = re.compile(f'[{{,]{_WS}"name"{_WS}:{_WS}({_STRING})')

_HELD = "\x00hermes: a wrapper being read"
"""The open call's name while its wrapper is read, held, or its rest after the arguments
consumed (never an event's name)."""
TRUNCATED = "stream ended inside the call (truncated call)"
BROKEN = "the call's markup ended inside its JSON (unbalanced brackets)"
NO_NAME = 'the call has no string "name"'
INVALID = "invalid JSON in the call's object"


def read_header(
    parser: Engine, buf: str, start: int, base: int, final: bool
) -> Opened | NotHeader | NeedMore:
    """``<tool_call>`` at ``buf[start]``: optional whitespace, then ``{`` opens a call (its body
    reads the wrapper); any other character means the tag is text."""
    brace = _SPACES.match(buf, start + len(OPEN)).end()  # type: ignore[union-attr]
    if brace == len(buf):
        return NotHeader(len(buf)) if final else NeedMore()
    if buf[brace] != "{":
        return NotHeader(start + len(OPEN))  # the whitespace after it may still frame a call
    return Opened(_HELD, brace, Wrapper(base + brace), "close", brace)


def _scan_to_tag(scanner: JsonScanner, buf: str, pos: int) -> tuple[int, int]:
    """Scan a JSON value from ``buf[pos]``: ``(end, end)`` where it closed, else ``(-1, cut)``:
    where a ``<tool_call>``/``</tool_call>`` (or what may still become one) stands outside a
    string, or the buffer's end. A ``<`` inside a string is data (so is a stray one)."""
    n = len(buf)
    while True:
        lt = buf.find("<", pos)
        end = scanner.scan(buf, pos, n if lt < 0 else lt)
        if end >= 0:
            return end, end
        if lt < 0:
            return -1, n
        if not scanner.in_string and (_TAG.match(buf, lt) or _TAG_PREFIX.fullmatch(buf, lt)):
            return -1, lt
        scanner.scan(buf, lt, lt + 1)
        pos = lt + 1


def _name_in(text: str) -> str | None:
    """The ``"name"`` member of a wrapper that could not be decided, for its error event."""
    found = _NAME_MEMBER.search(text)
    if found is None:
        return None
    name: str = json.loads(found.group(1))
    return None if _lone_surrogate(name) else name


def _skip(text: str, pos: int) -> int:
    return _SPACES.match(text, pos).end()  # type: ignore[union-attr]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _members(text: str) -> dict[str, tuple[int, int]] | None:
    """A wrapper object's members: key -> where its value's text starts and ends (the last one
    wins, as in ``json.loads``); None if ``text`` is not one strict JSON object."""
    members: dict[str, tuple[int, int]] = {}
    try:
        pos = _skip(text, 1)
        if text[pos] == "}":
            return members if pos == len(text) - 1 else None
        while True:
            if text[pos] != '"':
                return None
            key, pos = _DECODER.raw_decode(text, pos)  # a string: text[pos] is its quote
            pos = _skip(text, pos)
            if text[pos] != ":":
                return None
            start = _skip(text, pos + 1)
            _, end = _DECODER.raw_decode(text, start)
            members[key] = (start, end)
            pos = _skip(text, end)
            if text[pos] == "}":
                return members if pos == len(text) - 1 else None
            if text[pos] != ",":
                return None
            pos = _skip(text, pos + 1)
    except (ValueError, IndexError, RecursionError):
        return None


class Wrapper(Body):
    """One call's ``{...}`` after ``<tool_call>``, from its ``{``: the head (held until it is
    the usual ``{"name": ..., "arguments": {`` or cannot be), then either the arguments,
    streamed, and the rest of the wrapper (framing), or the whole wrapper, held and decided."""

    def __init__(self, at: int) -> None:
        self.at = at  # stream offset of the wrapper's "{"
        self.phase = "head"  # then "arguments" and "tail" (or "members"), or "held"
        self.scanner: JsonScanner | None = None  # the rest of the wrapper's, or the held one's
        self.parts: list[str] = []  # the held wrapper's text

    def scan(self, parser: Any, buf: str, i: int, base: int) -> int:
        if self.phase == "head":
            i = self._head(parser, buf, i, base)
            if self.phase == "head":
                return i
        if self.phase == "arguments":
            i = self._arguments(parser, buf, i, base)
            if self.phase == "arguments" or not parser._call_name:
                return i
        if self.phase == "tail" or self.phase == "members":
            return self._tail(parser, buf, i, base)
        return self._held(parser, buf, i, base)

    def _head(self, parser: Any, buf: str, i: int, base: int) -> int:
        """Held in the engine's buffer (``buf[i]`` is the wrapper's ``{``) until decided."""
        limit = parser._limit
        head = _FAST.match(buf, i)
        if head is not None and head.end() - i <= limit:
            name: str = json.loads(head.group("name"))
            if not _lone_surrogate(name):
                at = head.end() - 1
                parser._start_call(name, base + at)
                self.phase = "arguments"
                return at
        elif head is None and len(buf) - i <= limit and _FAST_PREFIX.fullmatch(buf, i):
            return i  # may still be the usual head: wait
        self.phase = "held"
        self.scanner = JsonScanner()
        return i

    def _arguments(self, parser: Any, buf: str, i: int, base: int) -> int:
        """Stream the arguments object raw to its ``}`` (with the call's own scanner)."""
        scanner: JsonScanner = parser._scanner
        if len(buf) - i >= _WHOLE and not scanner.closers and not scanner.in_string:
            whole = _decode_whole(buf, i)  # a long buffer: the value decoded at once
            if whole is not None:
                value, end = whole
                parser._call_piece(buf[i:end], base + end)
                parser._close_call(base + end, parsed=value)
                return self._after_arguments(parser, end)
        end, cut = _scan_to_tag(scanner, buf, i)
        if cut > i:
            parser._call_piece(buf[i:cut], base + cut)
        if end >= 0:
            parser._close_call(base + end)
            return self._after_arguments(parser, end)
        if cut < len(buf) and _TAG.match(buf, cut):
            parser._close_call(base + cut, failure=BROKEN)
        return cut

    def _after_arguments(self, parser: Any, end: int) -> int:
        """The arguments ended at ``buf[end]``. Unless at a wrong bracket (then the rest of the
        markup is the ``broken`` state's), the rest of the wrapper is framing, read here."""
        if parser._call_failed:
            if "bracket" in parser._scanner.error:
                return end
            self.markup_complete = True  # an undeclared tool, a bad value: the JSON is whole
        self.phase = "tail"
        parser._call_name = _HELD
        return end

    def _tail(self, parser: Any, buf: str, i: int, base: int) -> int:
        """After the arguments: ``, further members`` and the wrapper's ``}`` are framing;
        anything else ends the wrapper where it starts (whitespace before it included)."""
        pos = i
        if self.phase == "tail":
            pos = _skip(buf, i)
            if pos == len(buf):
                return i if pos - i <= parser._limit else self._done(parser, i, base)
            if buf[pos] == "}":
                return self._done(parser, pos + 1, base)
            if buf[pos] != ",":
                return self._done(parser, i, base)
            self.phase = "members"
            self.scanner = JsonScanner()
            self.scanner.closers.append("}")
            pos += 1
        assert self.scanner is not None
        end, cut = _scan_to_tag(self.scanner, buf, pos)
        if end >= 0 or cut < len(buf):  # the wrapper's "}", or a tag with the "}" missing
            return self._done(parser, cut, base)
        return cut

    def _done(self, parser: Any, at: int, base: int) -> int:
        """The wrapper's rest ends at ``buf[at]``: it is framing, covered by an empty text event."""
        parser._call_name = ""
        if base + at > parser._emitted:
            parser._text("", base + at, force=True)
        return at

    def _held(self, parser: Any, buf: str, i: int, base: int) -> int:
        """A wrapper that is not the usual one: consumed (kept here) to its ``}``, then decided."""
        assert self.scanner is not None
        end, cut = _scan_to_tag(self.scanner, buf, i)
        self.parts.append(buf[i:cut])
        if end >= 0:
            self._decide(parser, base + end)
        elif cut < len(buf) and _TAG.match(buf, cut):
            self._fail(parser, BROKEN, base + cut)
        return cut

    def _fail(self, parser: Any, message: str, end: int, *, whole: bool = False) -> None:
        """The wrapper is a ``tool_call_error`` that never started, its text the raw; ``whole``:
        its JSON is complete (only the closing tag may follow), else its markup is broken."""
        raw = "".join(self.parts)
        parser._call_name = ""
        parser._fail_unstarted(_name_in(raw), raw, message, end)
        parser._call_failed = True
        self.markup_complete = whole

    def _decide(self, parser: Any, end: int) -> None:
        """The held wrapper closed at stream offset ``end``: a call, or an error."""
        text = "".join(self.parts)
        members = _members(text)
        if members is None:
            return self._fail(parser, INVALID, end, whole=True)
        if "name" not in members or text[members["name"][0]] != '"':
            return self._fail(parser, NO_NAME, end, whole=True)
        name: str = json.loads(text[slice(*members["name"])])
        if _lone_surrogate(name):
            return self._fail(parser, "the call's name holds a lone surrogate", end, whole=True)
        key = "arguments" if "arguments" in members else "parameters" if "parameters" in members else ""
        if key:
            start, stop = members[key]
            raw = text[start:stop]
            if raw[0] == '"':  # arguments given as a JSON string holding the object
                raw = json.loads(raw)
        else:
            start = stop = len(text)
            raw = "{}"
        arguments, failure = load_arguments(raw)
        if arguments is not None and _nested_deeper_than(arguments, MAX_DEPTH):
            failure = f"arguments nested deeper than {MAX_DEPTH} levels"
        if failure:
            return self._fail(parser, failure, end, whole=True)
        self.markup_complete = True  # whatever the call gives (an undeclared tool...)
        parser._start_call(name, self.at + start)
        parser._call_piece(raw, self.at + stop)
        parser._close_call(end, parsed=arguments)

    def finish(self, parser: Any, buf: str, base: int) -> None:
        if self.phase == "arguments":
            if buf:  # held as a possible tag: arguments after all; the engine fails the call
                parser._call_piece(buf, base + len(buf))
        elif self.phase == "tail" or self.phase == "members":
            parser._call_name = ""  # the call is complete; what is left is framing
        else:
            self.parts.append(buf)
            self._fail(parser, TRUNCATED, base + len(buf))

    def may_hold(self, held: str) -> bool:
        return _TAG_PREFIX.fullmatch(held) is not None


# What each state may hold outside a call (invariant 3): in text, whitespace (a call may follow),
# then what could begin "<tool_call>", or "<tool_call>" and the whitespace after it (is a "{"
# next?); after a call, whitespace and what could begin its closing tag; after a broken call,
# what could begin either tag, or "<tool_call>" and whitespace.
_HOLDABLE = {
    "text": re.compile(f"{_WS}(?:{prefixes(OPEN)}|{re.escape(OPEN)}{_WS})?"),
    "close": re.compile(f"{_WS}(?:{prefixes(CLOSE)})?"),
    "broken": re.compile(f"{prefixes(OPEN)}|{prefixes(CLOSE)}|{re.escape(OPEN)}{_WS}"),
}


def _may_close(rest: str) -> bool:
    return CLOSE.startswith(rest.lstrip(" \t\r\n"))


class HermesParser(Engine):
    """The ``hermes`` format, declared: a call opens at ``<tool_call>``, whitespace and ``{``."""

    format_name = "hermes"
    default_reasoning = "auto"
    framing = "v2"
    initial = "text"
    after_error = "broken"
    states = {
        "text": State(markers={"open": re.escape(OPEN)}, readers={"open": read_header},
                      partial=prefixes(OPEN)),
        # after a call: whitespace and its closing tag are framing
        "close": State(markers={"close": f"{_WS}{re.escape(CLOSE)}"}, anchored=True,
                       otherwise="text", may_begin=_may_close),
        # after a failed call: its markup, up to and including "</tool_call>", is framing
        "broken": State(markers={"open": re.escape(OPEN), "close": re.escape(CLOSE)},
                        readers={"open": read_header}, goto={"close": "text"},
                        partial=f"{prefixes(OPEN)}|{prefixes(CLOSE)}", framing=True),
    }
    call_opener = re.compile(f"{re.escape(OPEN)}{_WS}\\{{")
    call_opener_prefix = re.compile(f"{prefixes(OPEN)}|{re.escape(OPEN)}{_WS}")
    call_opener_anywhere = True
    # What a text event's span may cover besides its text and whitespace: a closing tag, and at
    # the span's start a broken call's markup, up to its "</tool_call>" or, if that never comes,
    # to the span's end (no call opener inside it). (The rest of a wrapper after its arguments
    # has an empty text event of its own.)
    framing_tokens = re.compile(
        f"\\A(?:(?!{call_opener.pattern})[\\s\\S])*?(?:{re.escape(CLOSE)}|\\Z)|{re.escape(CLOSE)}"
    )
    _text_stop = re.compile("<|[ \t\r\n]\\Z")  # what could begin a marker, or precede a call

    def _open_call(self, name: str, end: int, *, json_body: bool = True) -> None:
        if name is _HELD:  # the wrapper's body decides when (and whether) the call starts
            self._call_name = _HELD
            self._call_parts = []
            return
        super()._open_call(name, end, json_body=json_body)

    def _start_call(self, name: str, end: int) -> None:
        """The wrapper named its call: it starts here (or is held, if it will never start)."""
        super()._open_call(name, end)

    def _fast_path(self) -> int:
        body = self._body
        if isinstance(body, Wrapper) and body.phase == "arguments" and self._call_index is not None:
            return self._json_fast_path()
        return super()._fast_path()

    def _may_hold(self, held: str) -> bool:
        return _HOLDABLE[self._state].fullmatch(held) is not None


# ---- the prompt renderer ----------------------------------------------------------------------

QWEN3, QWEN25 = "qwen3", "qwen2.5"
VARIANTS = (QWEN3, QWEN25)
DEFAULT_VARIANT = QWEN3
QWEN25_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
"""Qwen2.5's default system message (its template writes it when there is none)."""
TOOLS_INTRO = (
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
)
TOOLS_OUTRO = (
    "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
    "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
    '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
)
THINKING_OFF = "<think>\n\n</think>\n\n"
"""What Qwen3's generation prompt gets with ``enable_thinking=False``."""
TOOL_RESPONSE = "\n<tool_response>\n{}\n</tool_response>"
_NAME_BREAKERS = frozenset('"\\') | frozenset(map(chr, range(32)))


def _variant(variant: str | None) -> str:
    chosen = variant or DEFAULT_VARIANT
    if chosen not in VARIANTS:
        known = ", ".join(repr(v) for v in VARIANTS)
        raise PromptError(f"unknown hermes prompt variant {variant!r}; known: {known}")
    return chosen


def _tool_dicts(tools: Iterable[Tool | dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Each tool as the template's ``tools`` item: an OpenAI-style entry as the caller wrote it;
    a bare function dict or a :class:`Tool` wrapped as ``{"type": "function", "function": ...}``."""
    listed = materialize(tools)
    entries = tool_entries(listed)  # validates, naming the bad entry
    items = []
    for entry, (_, function) in zip(listed or [], entries, strict=True):
        if isinstance(entry, Mapping) and "function" in entry and "name" not in entry:
            items.append(dict(entry))
        else:
            items.append({"type": "function", "function": function})
    return items


def render_tools(tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None) -> str:
    """The tools part of the system turn, as both templates write it (after the system text and a
    blank line): ``# Tools`` and the instructions, one tool per line as JSON inside
    ``<tools></tools>`` (non-ASCII kept, keys in the caller's order), and the ``<tool_call>``
    example, up to its ``</tool_call>``."""
    _variant(variant)
    lines = "".join(
        "\n" + dump_json(item, f"tools[{i}]") for i, item in enumerate(_tool_dicts(tools))
    )
    return f"{TOOLS_INTRO}{lines}{TOOLS_OUTRO}"


def _checked_name(name: str, where: str) -> str:
    """The templates write a call's name between JSON quotes as it is: a name that would break
    that JSON (a quote, a backslash, a control character) cannot be rendered."""
    if _NAME_BREAKERS.intersection(name):
        raise PromptError(
            f"{where} {name!r} cannot be written: the template puts the name between JSON quotes "
            "unescaped, so it may not hold '\"', '\\' or control characters"
        )
    return name


def _call_block(call: Call, where: str, arguments: str | None = None) -> str:
    name = _checked_name(call.name, f"{where}.name")
    written = call.arguments if arguments is None else arguments
    return f'<tool_call>\n{{"name": "{name}", "arguments": {written}}}\n</tool_call>'


def render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """What the model writes for a reply with these calls (after the generation prompt), as
    Qwen3's template renders such a turn: the content, a newline if there is content, then one
    ``<tool_call>\\n{"name": "NAME", "arguments": ARGS}\\n</tool_call>`` per call, joined by
    newlines, the arguments as written."""
    blocks = "\n".join(_call_block(call, f"calls[{i}]") for i, call in enumerate(calls))
    if content and blocks:
        return f"{content}\n{blocks}"
    return content + blocks


def render_tool_results(results: list[str]) -> str:
    """The user turn that carries these tool results, as both templates write a run of tool
    messages: ``<|im_start|>user``, then ``\\n<tool_response>\\n{result}\\n</tool_response>`` per
    result, then ``<|im_end|>\\n`` ("" for no results)."""
    if not results:
        return ""
    return f"{IM_START}user" + "".join(map(TOOL_RESPONSE.format, results)) + f"{IM_END}\n"


def _qwen25_arguments(call: Call, where: str) -> str:
    """Qwen2.5's template applies ``tojson`` to the arguments dict: the parsed arguments written
    again with ``json.dumps``'s default separators."""
    return dump_json(json.loads(call.arguments), f"{where}.arguments")


def _split_reasoning(content: str) -> tuple[str, str]:
    """Qwen3's template, for an assistant message without ``reasoning_content`` whose content
    holds ``</think>``: the reasoning is what comes before it (after any ``<think>``), the
    content what follows it, newlines next to the tags stripped."""
    reasoning = content.split("</think>")[0].rstrip("\n").split("<think>")[-1].lstrip("\n")
    return content.split("</think>")[-1].lstrip("\n"), reasoning


def _last_query(messages: list[Message]) -> int:
    """Qwen3's ``last_query_index``: the last user message that is not a tool response wrapped
    in ``<tool_response>`` tags (the last message's index if there is none). Reasoning is
    rendered only for assistant turns after it."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        content = message.content
        if message.role == "user" and not (
            content.startswith("<tool_response>") and content.endswith("</tool_response>")
        ):
            return index
    return len(messages) - 1


def _qwen3_assistant(message: Message, where: str, after_query: bool, last: bool) -> str:
    """Qwen3's assistant turn. After the last user query, the last turn and every turn with
    reasoning get a ``<think>`` block; all others are written without their reasoning."""
    content, reasoning = message.content, message.reasoning
    if not reasoning and "</think>" in content:
        content, reasoning = _split_reasoning(content)
    head = f"{IM_START}assistant\n"
    if after_query and (last or reasoning):
        reasoning, rest = reasoning.strip("\n"), content.lstrip("\n")
        head += f"<think>\n{reasoning}\n</think>\n\n{rest}"
    else:
        head += content
    blocks = [
        ("\n" if i or content else "") + _call_block(call, f"{where}.tool_calls[{i}]")
        for i, call in enumerate(message.calls)
    ]
    return head + "".join(blocks) + f"{IM_END}\n"


def _qwen25_assistant(message: Message, where: str) -> str:
    if not message.calls:
        return f"{IM_START}assistant\n{message.content}{IM_END}\n"
    head = f"{IM_START}assistant" + (f"\n{message.content}" if message.content else "")
    blocks = "".join(
        "\n" + _call_block(call, f"{where}.tool_calls[{i}]", _qwen25_arguments(call, f"{where}.tool_calls[{i}]"))
        for i, call in enumerate(message.calls)
    )
    return head + blocks + f"{IM_END}\n"


def _system(tool_prompt: str, messages: list[Message], variant: str) -> str:
    """The leading system turn: the first system message's text and the tools, or Qwen2.5's
    default text; Qwen3 writes none without tools and a system message."""
    first = messages[0] if messages and messages[0].role == "system" else None
    if variant == QWEN25:
        text = first.content if first is not None else QWEN25_SYSTEM
        body = f"{text}\n\n{tool_prompt}" if tool_prompt else text
    elif tool_prompt:
        body = f"{first.content}\n\n{tool_prompt}" if first is not None else tool_prompt
    elif first is not None:
        body = first.content
    else:
        return ""
    return f"{IM_START}system\n{body}{IM_END}\n"


def render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    enable_thinking: bool | None = None,
) -> str:
    """The whole prompt, as the variant's template renders it (see the module docstring for what
    the template is given). Qwen3: assistant turns after the last user query carry their
    reasoning in ``<think>`` tags (the last one always, empty if it has none), earlier ones lose
    it; ``enable_thinking=False`` appends ``<think>\\n\\n</think>\\n\\n`` to the generation
    prompt. Qwen2.5's template has neither: reasoning and ``enable_thinking`` are ignored."""
    chosen = _variant(variant)
    if enable_thinking is not None and type(enable_thinking) is not bool:
        raise PromptError(f"enable_thinking must be None, True or False, not {enable_thinking!r}")
    tool_list = materialize(tools)
    parts = [_system(render_tools(tool_list) if tool_list else "", messages, chosen)]
    last_query = _last_query(messages)
    last = len(messages) - 1
    for i, message in enumerate(messages):
        role, where = message.role, f"messages[{i}]"
        if role == "user" or (role == "system" and i > 0):
            parts.append(f"{IM_START}{role}\n{message.content}{IM_END}\n")
        elif role == "assistant":
            if chosen == QWEN25:
                parts.append(_qwen25_assistant(message, where))
            else:
                parts.append(_qwen3_assistant(message, where, i > last_query, i == last))
        elif role == "tool":
            if i == 0 or messages[i - 1].role != "tool":
                parts.append(f"{IM_START}user")
            parts.append(TOOL_RESPONSE.format(message.content))
            if i == last or messages[i + 1].role != "tool":
                parts.append(f"{IM_END}\n")
    if add_generation_prompt:
        parts.append(f"{IM_START}assistant\n")
        if chosen == QWEN3 and enable_thinking is False:
            parts.append(THINKING_OFF)
    return "".join(parts)


Parser = HermesParser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""
SPECIAL_TOKENS: tuple[str, ...] = ()
"""None: ``<tool_call>``, ``</tool_call>``, ``<think>`` and ``</think>`` are non-special tokens in
Qwen2.5's and Qwen3's vocabularies, so the text always shows them."""

__all__ = [
    "HermesParser",
    "Parser",
    "SPECIAL_TOKENS",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
