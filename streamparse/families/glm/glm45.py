"""Formats ``glm45`` and ``glm47``: GLM-4.5, GLM-4.6, GLM-4.7 and later (XML arguments).

    <think>Need weather for both cities.</think>
    Let me check both.
    <tool_call>get_weather
    <arg_key>city</arg_key>
    <arg_value>北京</arg_value>
    </tool_call>
    <tool_call>get_current_time</tool_call>

GLM-4.5/4.6 put newlines between the parts, as above; GLM-4.7 writes the same with none. One
grammar reads both layouts; the two formats differ only in their default reasoning mode (``glm45``
"auto": the model writes ``<think>``; ``glm47`` "started": the prompt opened it), their prompt
renderer and their docs. ``streamparse.families.glm.glm47`` re-exports the ``glm47`` parts.

States and what moves between them (the engine's declaration, below):

    text     --"<tool_call>"-->                      header
    header   --NAME ends at "\\n", "<arg_key>" or "</tool_call>" (stripped)-->   call
    header   --a name empty, holding whitespace, < > { } ", or too long-->      broken call
    call     --the XML arguments (streamparse.xmlargs, GLM45 tags), to "</tool_call>"-->  text
    call     --broken markup (no </arg_key>, text between arguments)-->        broken (error)
    broken call --to "</tool_call>" (or a "<tool_call>", not consumed)-->      text (one error,
                                                                               raw its text)
    broken   --"</tool_call>"-->  text;  --"<tool_call>"-->  header;  the rest is framing
    any      --"<|observation|>" "<|user|>" "<|endoftext|>" (text, or id)-->   ended (all text;
                                                                               special tokens framing)

A turn-ending token ends the turn as the end of the stream would (an open call completes after a
closed argument, else it is truncated), then the rest is text: by its text (framing), or by its
id when the detokenizer skipped it (``feed(delta, token_ids)``; ``special_token_ids=`` and
``text_lag=`` as in ``glm4``: the delta's last id stands at the end of its text, any other at its
start, plus the lag). Whitespace around calls is framing (contract v2, "Calls and the text around
them"). Held back: what could still begin ``<tool_call>`` or a special token, a call header
while its name is read (bounded), whitespace that may precede a call, and inside a call what the
XML body holds (a suffix that could begin a structural closing tag, a value not typed string).

The prompt renderer, in the second half of this file (``streamparse.prompts`` for these formats):

    GLM-4.5/4.6/4.7 prompts: byte for byte what the models' chat templates render (``glm45``:
    GLM-4.6's, ``glm47``: GLM-4.7-Flash's; copies in ``tests/data/templates_glm/``), rendered as
    transformers does (jinja2 sandbox, ``trim_blocks``, ``lstrip_blocks``, ``tojson`` without
    ASCII escaping). The two templates write the same turns; GLM-4.6 puts a newline between the
    parts, GLM-4.7 none:

        [gMASK]<sop>
        <|system|>\\n# Tools ... <tools>\\n{tool JSON}\\n...</tools> ... </tool_call>   with tools
        <|system|>\\n{content}                                        a system message
        <|user|>\\n{content}                                          a user message
        <|assistant|>\\n<think>{reasoning}</think>\\n{content}         an assistant message,
        \\n<tool_call>{name}\\n<arg_key>{key}</arg_key>\\n<arg_value>{value}</arg_value>\\n</tool_call>
        <|observation|>\\n<tool_response>\\n{result}\\n</tool_response>   tool results (one token
                                                                     before a run of them)
        <|assistant|>                                                 the generation prompt

    Reasoning (``reasoning_content``) is shown only for assistant messages after the last user
    message (GLM-4.7 also with ``clear_thinking=False``); otherwise GLM-4.6 writes an empty
    ``<think></think>`` and GLM-4.7 a lone ``</think>``. Without ``reasoning_content``, a
    ``</think>`` in the content splits it as the templates do. Contents and reasoning are stripped
    (Python's ``str.strip()``, as the templates call it). Argument values are written raw when
    they are strings, else as JSON (``json.dumps``, non-ASCII kept).

    The thinking switch ``enable_thinking``: ``None`` (the templates' "not defined"), ``True`` or
    ``False``. GLM-4.6 with ``False`` appends ``/nothink`` to user messages and ends the prompt
    with ``<|assistant|>\\n<think></think>``; GLM-4.7's generation prompt is
    ``<|assistant|><think>`` (thinking on) or, with ``False``, ``<|assistant|></think>``.

    Where we read the templates' input our way: a message's content ``None`` is ``""`` (the
    templates would print ``None``); content parts are joined text (also for tool results); an
    empty ``reasoning_content`` is the same as none. Tools are dumped as OpenAI-style entries: an
    ``{"type": "function", "function": {...}}`` entry as the caller wrote it, a bare
    ``{"name", ...}`` dict or a :class:`~streamparse.Tool` wrapped in one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...engine import Body, Engine, NeedMore, NotHeader, Opened, State, Truncated, prefixes
from ...schema_types import tool_types
from ...tools import Tool
from ...xmlargs import GLM45, XmlBody
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .tokens import (
    ASSISTANT,
    END_OF_TURN,
    GLM4_9B_CHAT_SPECIAL_TOKEN_IDS,
    OBSERVATION,
    SPECIAL_TOKENS,
    SYSTEM,
    TURN_TOKENS,
    USER,
    checked_token_options,
)

# ---- the parser ---------------------------------------------------------------------------------

OPEN, CLOSE, KEY_OPEN = "<tool_call>", "</tool_call>", "<arg_key>"
_NAME_STOP = re.compile(r'[ \t\r\n<>{}"]')  # what ends, or breaks, a name ("whitespace" is ASCII)
_SPACES = re.compile(r"[ \t\r]*")
_TURN_END = re.compile("|".join(map(re.escape, END_OF_TURN)))
_LONGEST_TURN_END = max(map(len, END_OF_TURN))
_SPECIAL_PREFIX = "|".join(prefixes(token) for token in SPECIAL_TOKENS)
_TURN_END_PREFIX = re.compile(f"(?:{'|'.join(prefixes(token) for token in END_OF_TURN)})\\Z")
_BROKEN = "\x00broken"  # the held call name of a broken call (never shown: its error has None)
# What may be held outside a call (invariant 3): whitespace that may precede a call, then what
# may begin <tool_call> (or a header being read, or </tool_call> after a broken call), then what
# may begin a special token.
_HOLDABLE = re.compile(
    rf"[ \t\r\n]*(?:{prefixes(OPEN)}|{prefixes(CLOSE)}|{re.escape(OPEN)}[^\n]*)?(?:{_SPECIAL_PREFIX})?"
)


def _name_end(parser: Any, buf: str, start: int, base: int, final: bool) -> tuple[str, int, str]:
    """The name after the ``<tool_call>`` at ``buf[start]``: ``("name", at, name)``, the name ends
    at ``buf[at]`` (a newline, ``<arg_key>`` or ``</tool_call>``); ``("broken", at, message)``;
    ``("more", 0, "")``; or, with ``final``, ``("truncated", 0, name so far)``. The search resumes
    where the last one stopped (``parser.header_seen``)."""
    n = len(buf)
    begin = start + len(OPEN)
    at = max(begin, parser.header_seen - base)
    while True:
        stop = _NAME_STOP.search(buf, at)
        if stop is None:
            parser.header_seen = base + n
            break
        p = stop.start()
        char = buf[p]
        if char in " \t\r":  # leading or trailing spaces, or spaces inside the name
            q = _SPACES.match(buf, p).end()  # type: ignore[union-attr]
            if q == n:
                parser.header_seen = base + p
                break
            if buf[q] not in "\n<" and buf[begin:p].strip(" \t\r"):
                return "broken", begin, "broken call: the name holds whitespace"
            at = q
            continue
        name = buf[begin:p].strip(" \t\r")
        if char == "\n" or buf.startswith(KEY_OPEN, p) or buf.startswith(CLOSE, p):
            if not name:
                return "broken", begin, "broken call: no name after <tool_call>"
            return "name", p, name
        if char == "<" and not final and n - p < len(CLOSE) and (
            KEY_OPEN.startswith(buf[p:]) or CLOSE.startswith(buf[p:])
        ):
            parser.header_seen = base + p
            break
        broken = buf[begin : p + 1].lstrip(" \t\r")
        return "broken", begin, f"broken call: the name {broken!r} holds {char!r}"
    if final:
        return "truncated", 0, buf[begin:].strip(" \t\r")
    if n - start > parser._limit:
        return "broken", begin, f"broken call: no end of the name within {parser._limit} characters"
    return "more", 0, ""


def read_header(
    parser: Any, buf: str, start: int, base: int, final: bool
) -> Opened | NotHeader | NeedMore | Truncated:
    """``<tool_call>NAME`` from ``buf[start]``: the call opens where the name ends; a broken name
    opens a broken call, read to its ``</tool_call>``."""
    kind, at, what = _name_end(parser, buf, start, base, final)
    if kind == "name":
        return Opened(what, at, XmlBody(GLM45, tool_types(parser.tools, what)), "text", at)
    if kind == "broken":
        return Opened("", at, BrokenCall(what), "text", at)
    if kind == "truncated":
        return Truncated(what)
    return NeedMore()


class BrokenCall(Body):
    """A call whose name is broken: its text up to ``</tool_call>`` (framing), a ``<tool_call>``
    (the next call; not consumed) or the end of the stream is one ``tool_call_error``, never
    started, ``raw`` that text."""

    _ENDS = re.compile(f"{re.escape(CLOSE)}|{re.escape(OPEN)}")
    _PARTIAL = re.compile(f"(?:{prefixes(CLOSE)}|{prefixes(OPEN)})\\Z")

    def __init__(self, message: str) -> None:
        self.message = message
        self.raw: list[str] = []

    def scan(self, parser: Any, buf: str, i: int, base: int) -> int:
        end = self._ENDS.search(buf, i)
        if end is None:
            partial = self._PARTIAL.search(buf, max(i, len(buf) - len(CLOSE)))
            stop = partial.start() if partial is not None else len(buf)
            self.raw.append(buf[i:stop])
            return stop
        self.raw.append(buf[i : end.start()])
        over = end.end() if end.group() == CLOSE else end.start()
        parser._end_broken("".join(self.raw), self.message, base + over)
        return over

    def finish(self, parser: Any, buf: str, base: int) -> None:
        self.raw.append(buf)
        parser._end_broken("".join(self.raw), self.message, base + len(buf))

    def may_hold(self, held: str) -> bool:
        return self._PARTIAL.match(held) is not None


class Glm45Parser(Engine):
    """The ``glm45`` format, declared: a call is ``<tool_call>NAME`` and XML arguments."""

    format_name = "glm45"
    default_reasoning = "auto"
    framing = "v2"
    initial = "text"
    after_error = "broken"
    states = {
        "text": State(markers={"call": re.escape(OPEN)}, readers={"call": read_header},
                      partial=prefixes(OPEN)),
        # after a call that failed at broken markup: its markup up to </tool_call> is framing
        "broken": State(markers={"close": re.escape(CLOSE), "call": re.escape(OPEN)},
                        readers={"call": read_header}, goto={"close": "text"}, framing=True,
                        partial=f"{prefixes(CLOSE)}|{prefixes(OPEN)}"),
        # after a turn-ending token: all text, special tokens' text framing
        "ended": State(markers={"special": "|".join(map(re.escape, SPECIAL_TOKENS))},
                       goto={"special": "ended"}, partial=_SPECIAL_PREFIX),
    }
    call_opener = re.compile(r'<tool_call>[ \t\r]*[^ \t\r\n<>{}"]')
    call_opener_prefix = re.compile(f'{prefixes(OPEN)}|<tool_call>[ \\t\\r]*')
    call_opener_anywhere = True
    # (for the tests: special tokens, and a broken call's markup, to </tool_call>, a turn's end or the end)
    framing_tokens = re.compile(
        "|".join(map(re.escape, SPECIAL_TOKENS))
        + f"|[\\s\\S]*?(?:{re.escape(CLOSE)}|{_TURN_END.pattern}|\\Z)"
    )
    _text_stop = re.compile(r"<|[ \t\r\n]\Z")

    # The state of a stream, with the defaults it starts from (an instance stores what differs).
    special_token_ids: Mapping[int, str] = GLM4_9B_CHAT_SPECIAL_TOKEN_IDS
    _turn_ids: frozenset[int] = frozenset(
        i for i, token in GLM4_9B_CHAT_SPECIAL_TOKEN_IDS.items() if token in END_OF_TURN
    )
    text_lag = 0
    _turn_ended = False
    _turn_seen = 0  # stream offset up to which the text was searched for a turn-ending token
    _pending_at = -1  # stream offset where a turn-ending token known by its id stands

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
            self._turn_ids = frozenset(i for i, token in ids.items() if token in END_OF_TURN)
        if text_lag:
            self.text_lag = text_lag

    # ---- the turn's end: a turn-ending token by its text or its id ------------------------

    def _run(self, buf: str, base: int) -> int:
        """The engine's driver, up to where the turn ends (then the rest is text)."""
        if self._turn_ended:
            return super()._run(buf, base)
        n = len(buf)
        if self._pending_at < 0 and "<|" not in buf and buf[-1:] != "<":  # no turn end near
            self._turn_seen = base + n
            return super()._run(buf, base)
        search = max(0, self._turn_seen - base)
        found = _TURN_END.search(buf, search)
        stop, length = (found.start(), found.end() - found.start()) if found else (-1, 0)
        pending = self._pending_at - base
        if self._pending_at >= 0 and pending <= n and (stop < 0 or pending < stop):
            stop, length = max(pending, 0), 0
        if stop < 0:  # drive the engine, but not over what may begin a turn-ending token
            partial = _TURN_END_PREFIX.search(buf, max(search, n - _LONGEST_TURN_END))
            hold = partial.start() if partial is not None else n
            self._turn_seen = base + hold
            return super()._run(buf[:hold], base) if hold < n else super()._run(buf, base)
        cut = super()._run(buf[:stop], base) if stop else 0
        self._end_turn(buf[cut:stop], base + cut)
        rest = stop + length  # the token's text is framing
        return rest + super()._run(buf[rest:], base + rest) if rest < n else n

    def _end_turn(self, held: str, base: int) -> None:
        """The turn ends after ``held`` (what the engine held): as at the end of the stream."""
        self._finish(held, base)
        self._body = None
        self._header_at = -1
        self._state = "ended"
        self._after_call = True  # whitespace after the token goes with text, if any follows
        self._line_start = False
        self._turn_ended = True
        self.__dict__.pop("_pending_at", None)

    def _run_ids(self, buf: str, base: int, token_ids: Sequence[int], delta_at: int) -> int:
        """A turn-ending token known by its id (its text skipped) stands at the end of the
        delta's text if it is the delta's last id, else at its start; ``text_lag`` later."""
        if not self._turn_ended and self._pending_at < 0 and not self._turn_ids.isdisjoint(token_ids):
            last = len(token_ids) - 1
            for position, token_id in enumerate(token_ids):
                if token_id in self._turn_ids:
                    place = self._fed_end(base + len(buf)) if position == last else base + delta_at
                    self._pending_at = place + self.text_lag
                    break
        return self._run(buf, base)

    def _fed_end(self, end: int) -> int:
        """Where the text fed so far ends, in this parser's offsets (``end``, the end of its
        buffer), counting what a reasoning layer in front still holds (a possible ``</think>``)."""
        layer = self._layer
        if layer is None:
            return end
        shift = layer.shifts[-1] if layer.shifts else 0  # stream offset - this parser's offset
        return max(end, layer.fed - shift)

    def _finish(self, buf: str, base: int) -> None:
        if self._header_at >= 0 and not self._turn_ended:
            start = self._header_at - base
            kind, _, message = _name_end(self, buf, start, base, False)
            if kind == "broken":  # a name broken only by what was held at the end: an error
                self._header_at = -1
                self._end_broken(buf[start + len(OPEN) :], message, base + len(buf))
                return
        super()._finish(buf, base)

    def _fast_path(self) -> int:
        return 0 if self._pending_at >= 0 else super()._fast_path()

    # ---- broken calls and what may be held ----------------------------------------------

    def _open_call(self, name: str, end: int, *, json_body: bool = True) -> None:
        if isinstance(self._body, BrokenCall):  # never started: held until it ends
            self._call_name = _BROKEN
            return
        super()._open_call(name, end, json_body=json_body)

    def _end_broken(self, raw: str, message: str, end: int) -> None:
        """A broken call ends at ``end``: one error, never started."""
        self._call_name = ""
        self._call_failed = False  # its markup is over: what follows is text
        self._fail_unstarted(None, raw, message, end)

    def _fail_unstarted(self, name: str | None, raw: str, message: str, end: int) -> None:
        super()._fail_unstarted(name or None, raw, message, end)  # an empty name is no name

    def _may_hold(self, held: str) -> bool:
        return _HOLDABLE.fullmatch(held) is not None

    def _may_hold_in_call(self, held: str) -> bool:
        if super()._may_hold_in_call(held):
            return True
        partial = _TURN_END_PREFIX.search(held)  # the engine never saw it (see _run)
        return partial is not None and (
            partial.start() == 0 or super()._may_hold_in_call(held[: partial.start()])
        )


class Glm47Parser(Glm45Parser):
    """The ``glm47`` format: ``glm45``'s grammar; the prompt opens ``<think>`` (thinking on), so
    the output starts inside reasoning."""

    format_name = "glm47"
    default_reasoning = "started"


# ---- the prompt renderer ----------------------------------------------------------------------

PREFIX = "[gMASK]<sop>"
TOOLS_INTRO = (
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
)
TOOLS_OUTRO = (
    "</tools>\n\nFor each function call, output the function name and arguments within the "
    "following XML format:\n"
)
# What a name cannot hold if the parser is to read it back (contract v2, glm45/glm47).
_NAME_BREAKERS = frozenset(" \t\r\n<>{}\"")


@dataclass(frozen=True)
class Template:
    """One GLM chat template: ``sep`` is what it writes between the parts of a turn (``"\\n"``
    in GLM-4.6, nothing in GLM-4.7); the rest is where the two differ otherwise."""

    name: str
    sep: str
    example: str  # the tools prompt's example call
    no_reasoning: str  # an assistant turn's think part when no reasoning is shown
    nothink_users: bool  # enable_thinking=False appends "/nothink" to user messages (GLM-4.6)
    thinking_on: str  # the generation prompt's suffix: enable_thinking True or undefined
    thinking_off: str  # ... and False

    def tools(self, tools: Iterable[Tool | dict[str, Any]] | None) -> str:
        """The tools system turn after ``<|system|>``."""
        parts = ["\n" + TOOLS_INTRO]  # a newline in both templates
        tool_list = materialize(tools)
        for i, (_, function) in enumerate(tool_entries(tool_list)):
            entry = tool_list[i]
            if not (isinstance(entry, Mapping) and "function" in entry and "name" not in entry):
                entry = {"type": "function", "function": function}
            parts.append(dump_json(dict(entry), f"tools[{i}]") + "\n")
        parts.append(TOOLS_OUTRO + self.example)
        return "".join(parts)

    def call(self, call: Call, where: str) -> str:
        """One call as the template writes it: values raw if strings, else JSON."""
        sep = self.sep
        name = _checked_name(call.name, where)
        arguments = json.loads(call.arguments)  # checked JSON object text (see _render.Call)
        parts = [f"{sep}<tool_call>{name}{sep}"]
        for key, value in arguments.items():
            text = value if isinstance(value, str) else dump_json(value, f"{where}.arguments")
            parts.append(f"<arg_key>{key}</arg_key>{sep}<arg_value>{text}</arg_value>{sep}")
        parts.append("</tool_call>")
        return "".join(parts)

    def assistant(self, message: Message, show_reasoning: bool, where: str) -> str:
        """An assistant turn after ``<|assistant|>``: the think part, then :meth:`reply`."""
        reasoning, content = _split_reasoning(message)
        if show_reasoning and reasoning:  # whitespace-only reasoning still writes <think></think>
            think = f"{self.sep}<think>{reasoning.strip()}</think>"
        else:
            think = self.no_reasoning
        reply = self.reply(content, message.calls, where)
        return f"{think}{self.sep}{reply}" if reply else think

    def reply(self, content: str, calls: Iterable[Call], where: str) -> str:
        """What follows a turn's think part and its separator: the content (stripped), then the
        calls (``where`` names them in errors)."""
        parts = [content.strip()]
        for j, call in enumerate(calls):
            parts.append(self.call(call, f"{where}[{j}]"))
        text = "".join(parts)
        return text if parts[0] else text[len(self.sep):]  # the separator is the think part's

    def tool_result(self, result: str) -> str:
        sep = self.sep
        return f"{sep}<tool_response>{sep}{result}{sep}</tool_response>"

    def prompt(
        self,
        tools: Iterable[Tool | dict[str, Any]] | None,
        messages: list[Message],
        add_generation_prompt: bool,
        variant: str | None,
        enable_thinking: bool | None,
        clear_thinking: bool | None = None,
    ) -> str:
        self.check_variant(variant)
        for option, value in (("enable_thinking", enable_thinking), ("clear_thinking", clear_thinking)):
            if value is not None and type(value) is not bool:
                raise PromptError(f"{option} must be None, True or False, not {value!r}")
        sep = self.sep
        parts = [PREFIX]
        tool_list = materialize(tools)
        if tool_list:
            parts.append(SYSTEM + self.tools(tool_list))
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
        previous = ""
        for i, message in enumerate(messages):
            role = message.role
            if role == "user":
                parts.append(f"{USER}{sep}{message.content}")
                if (self.nothink_users and enable_thinking is False
                        and not message.content.endswith("/nothink")):
                    parts.append("/nothink")
            elif role == "assistant":
                shown = i > last_user or clear_thinking is False
                parts.append(ASSISTANT + self.assistant(message, shown, f"messages[{i}].tool_calls"))
            elif role == "tool":
                if previous != "tool":
                    parts.append(OBSERVATION)
                parts.append(self.tool_result(message.content))
            else:
                parts.append(f"{SYSTEM}{sep}{message.content}")
            previous = role
        if add_generation_prompt:
            parts.append(ASSISTANT + (self.thinking_off if enable_thinking is False else self.thinking_on))
        return "".join(parts)

    def check_variant(self, variant: str | None) -> None:
        if variant is not None and variant != self.name:
            raise PromptError(
                f"unknown {self.name} prompt variant {variant!r}; known: {self.name!r}"
            )


def _checked_name(name: str, where: str) -> str:
    """A call name the parser can read back: no whitespace, ``<``, ``>``, ``{``, ``}``, ``"``."""
    bad = sorted(set(name) & _NAME_BREAKERS)
    if bad:
        raise PromptError(f"{where}.name {name!r} cannot be rendered: a GLM call name cannot hold {bad}")
    for token in TURN_TOKENS:
        if token in name:
            raise PromptError(f"{where}.name {name!r} contains the special token {token}")
    return name


def _split_reasoning(message: Message) -> tuple[str, str]:
    """``(reasoning, content)`` as the templates take them: ``reasoning_content`` if given, else
    the part of the content before ``</think>`` (after any ``<think>``)."""
    content = message.content
    if message.reasoning:
        return message.reasoning, content
    if "</think>" in content:
        reasoning = content.split("</think>")[0].rstrip("\n").split("<think>")[-1].lstrip("\n")
        return reasoning, content.split("</think>")[-1].lstrip("\n")
    return "", content


GLM45_TEMPLATE = Template(
    name="glm-4.6",
    sep="\n",
    example=(
        "<tool_call>{function-name}\n<arg_key>{arg-key-1}</arg_key>\n<arg_value>{arg-value-1}"
        "</arg_value>\n<arg_key>{arg-key-2}</arg_key>\n<arg_value>{arg-value-2}</arg_value>\n"
        "...\n</tool_call>"
    ),
    no_reasoning="\n<think></think>",
    nothink_users=True,
    thinking_on="",
    thinking_off="\n<think></think>",
)
"""GLM-4.6's chat template (``glm45``; GLM-4.5's agrees on the tool format)."""

GLM47_TEMPLATE = Template(
    name="glm-4.7-flash",
    sep="",
    example=(
        "<tool_call>{function-name}<arg_key>{arg-key-1}</arg_key><arg_value>{arg-value-1}"
        "</arg_value><arg_key>{arg-key-2}</arg_key><arg_value>{arg-value-2}</arg_value>..."
        "</tool_call>"
    ),
    no_reasoning="</think>",
    nothink_users=False,
    thinking_on="<think>",
    thinking_off="</think>",
)
"""GLM-4.7-Flash's chat template (``glm47``)."""


def render_tools(tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None) -> str:
    """The text of the tools system turn (what follows ``<|system|>``): the introduction, each
    tool's OpenAI-style entry as one line of JSON, and the example call."""
    GLM45_TEMPLATE.check_variant(variant)
    return GLM45_TEMPLATE.tools(tools)


def render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """What GLM-4.6 writes for a reply with these calls after its reasoning (its template's
    rendering of the turn after ``<|assistant|>\n<think>…</think>\n``): the content (stripped)
    if any, then ``\n<tool_call>{name}\n<arg_key>…</arg_key>\n<arg_value>…</arg_value>\n
    </tool_call>`` per call (without the first newline when there is no content)."""
    return GLM45_TEMPLATE.reply(content, calls, "calls")


def render_tool_results(results: list[str]) -> str:
    """``<|observation|>`` then ``\\n<tool_response>\\n{result}\\n</tool_response>`` per result
    (nothing for no results)."""
    return _results(GLM45_TEMPLATE, results)


def _results(template: Template, results: list[str]) -> str:
    if not results:
        return ""
    return OBSERVATION + "".join(template.tool_result(result) for result in results)


def render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    enable_thinking: bool | None = None,
) -> str:
    """The whole prompt, as GLM-4.6's chat template renders it (see the module docstring)."""
    return GLM45_TEMPLATE.prompt(tools, messages, add_generation_prompt, variant, enable_thinking)


def glm47_render_tools(
    tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None
) -> str:
    """``render_tools`` of ``glm47``: the same tools turn, with GLM-4.7's one-line example."""
    GLM47_TEMPLATE.check_variant(variant)
    return GLM47_TEMPLATE.tools(tools)


def glm47_render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """What GLM-4.7 writes for a reply with these calls after its reasoning (its template's
    rendering of the turn after ``<|assistant|><think>…</think>``): the content (stripped), then
    ``<tool_call>{name}<arg_key>…</arg_key><arg_value>…</arg_value></tool_call>`` per call."""
    return GLM47_TEMPLATE.reply(content, calls, "calls")


def glm47_render_tool_results(results: list[str]) -> str:
    """``<|observation|>`` then ``<tool_response>{result}</tool_response>`` per result."""
    return _results(GLM47_TEMPLATE, results)


def glm47_render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    enable_thinking: bool | None = None,
    clear_thinking: bool | None = None,
) -> str:
    """The whole prompt, as GLM-4.7-Flash's chat template renders it (see the module docstring).
    ``clear_thinking=False`` shows the reasoning of every assistant message, not only of those
    after the last user message."""
    return GLM47_TEMPLATE.prompt(
        tools, messages, add_generation_prompt, variant, enable_thinking, clear_thinking
    )


Parser = Glm45Parser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""

__all__ = [
    "GLM45_TEMPLATE",
    "GLM47_TEMPLATE",
    "SPECIAL_TOKENS",
    "Glm45Parser",
    "Glm47Parser",
    "Parser",
    "Template",
    "glm47_render_assistant_calls",
    "glm47_render_prompt",
    "glm47_render_tool_results",
    "glm47_render_tools",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
