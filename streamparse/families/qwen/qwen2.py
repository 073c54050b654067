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

The prompt renderer, in the second half of this file (``streamparse.prompts`` for this
format):

    Qwen2 prompts: the ReAct tool prompt in Qwen2's ChatML frame.

        <|im_start|>system
        {system, or "You are a helpful assistant."}

        You have access to the following tools:
        > Tool Name: get_current_weather
        ...
        <|im_end|>
        <|im_start|>user
        What's the weather in Boston?<|im_end|>
        <|im_start|>assistant
        Action: get_current_weather
        Action Input: {"location": "Boston, MA"}
        Observation: {"temperature": 22}
        The weather in Boston is 22 degrees.<|im_end|>
        <|im_start|>assistant

    Observations follow the ReAct convention: ``Observation: ...`` lines inside the same assistant turn,
    right after the actions (the model stops at ``Observation:``; the agent appends the results and the
    model carries on from there). A conversation ending with tool results therefore ends inside that
    open assistant turn, where the model continues; no new ``<|im_start|>assistant`` is added.

    Without tools and calls the rendering is exactly Qwen2's ChatML chat template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...parser import StreamParser
from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .chatml import DEFAULT_SYSTEM, GENERATION_PROMPT, IM_END, IM_START

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
    call_opener = re.compile(r"[ \t]*Action:")
    call_opener_prefix = re.compile(r"[ \t]*(?:A(?:c(?:t(?:i(?:o(?:n:?)?)?)?)?)?)?")

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
        if not self.calls:  # calls=False: call markup is text
            self._text(buf[i:], base + n)
            return n
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


# ---- the prompt renderer ----------------------------------------------------------------------


# The ReAct tool prompt of LLaMA-Factory's default/"qwen" (ReAct) tool format
# (src/llamafactory/data/tool_utils.py: DEFAULT_TOOL_PROMPT, DefaultToolUtils.tool_formatter).
# {tool_text} is one block per tool (see _tool_block), {tool_names} the names joined by ", ".
TOOL_PROMPT = (
    "You have access to the following tools:\n{tool_text}"
    "Use the following format if using a tool:\n"
    "```\n"
    "Action: tool name (one of [{tool_names}])\n"
    "Action Input: the input to the tool, in a JSON format representing the kwargs "
    '(e.g. ```{{"input": "hello world", "num_beams": 5}}```)\n'
    "```\n"
)

VARIANTS = ("llamafactory",)
DEFAULT_VARIANT = "llamafactory"


def _variant(variant: str | None) -> None:
    if (variant or DEFAULT_VARIANT) not in VARIANTS:
        known = ", ".join(repr(v) for v in VARIANTS)
        raise PromptError(f"unknown qwen2 prompt variant {variant!r}; known: {known}")


def _words(value: Any, where: str) -> str:
    """A schema value as prompt text: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else dump_json(value, where)


def _argument_line(name: str, schema: Any, required: bool, where: str) -> str:
    schema = schema if isinstance(schema, dict) else {}
    kind = _words(schema.get("type", ""), f"{where}.type")
    line = f"  - {name} ({kind}{', required' if required else ''}): "
    line += _words(schema.get("description", ""), f"{where}.description")
    if schema.get("enum"):
        choices = schema["enum"] if isinstance(schema["enum"], list) else [schema["enum"]]
        line += ", should be one of [{}]".format(
            ", ".join(_words(choice, f"{where}.enum") for choice in choices)
        )
    items = schema.get("items")
    if items and isinstance(items, dict):
        line += f", where each item should be {_words(items.get('type', ''), f'{where}.items')}"
    return line + "\n"


def _tool_block(tool: Tool, where: str) -> str:
    parameters = tool.parameters if isinstance(tool.parameters, dict) else {}
    properties = parameters.get("properties") or {}
    required = parameters.get("required") or []
    if not isinstance(properties, dict):
        raise PromptError(f"{where}.parameters.properties must be an object")
    arguments = "".join(
        _argument_line(name, schema, name in required, f"{where}.parameters.properties.{name}")
        for name, schema in properties.items()
    )
    return (
        f"> Tool Name: {tool.name}\n"
        f"Tool Description: {tool.description}\n"
        f"Tool Args:\n{arguments}\n"
    )


def render_tools(tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None) -> str:
    """The ReAct tool prompt for these tools (the part of the system message after the system
    text)."""
    _variant(variant)
    entries = tool_entries(tools)
    for tool, _ in entries:
        _checked_name(tool.name, f"tool {tool.name!r}")
    tool_text = "".join(_tool_block(tool, f"tools[{i}]") for i, (tool, _) in enumerate(entries))
    tool_names = ", ".join(tool.name for tool, _ in entries)
    return TOOL_PROMPT.format(tool_text=tool_text, tool_names=tool_names)


def _checked_name(name: str, where: str) -> str:
    if "\n" in name or name != name.strip() or not name:
        raise PromptError(f"{where}: the name must be one line without surrounding whitespace")
    return name


def render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """The assistant text for a reply with these calls: the content (a thought), a line break if
    it does not end with one, then ``Action: name`` / ``Action Input: {...}`` per call, one per
    line, without a trailing line break (the model stops there, at ``Observation:``)."""
    actions = "\n".join(
        f"Action: {_checked_name(c.name, f'calls[{i}].name')}\nAction Input: {c.arguments}"
        for i, c in enumerate(calls)
    )
    if content and actions and not content.endswith("\n"):
        content += "\n"
    return content + actions


def render_tool_results(results: list[str]) -> str:
    """``Observation: {result}`` per result, each ending a line, in call order. They follow the
    actions after a line break (``render_prompt`` adds it)."""
    return "".join(f"Observation: {result}\n" for result in results)


def _system_turn(text: str) -> str:
    return f"{IM_START}system\n{text}{IM_END}\n"


def render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
) -> str:
    """The whole prompt. Tools go into the first system message (after its text and a blank
    line); without a system message Qwen2's default one is used. An assistant reply with calls,
    its tool results and the assistant's continuation share one assistant turn."""
    tool_list = materialize(tools)
    tool_prompt = render_tools(tool_list, variant) if tool_list else ""
    _variant(variant)
    parts: list[str] = []
    rest = messages
    if messages and messages[0].role == "system":
        system, rest = messages[0].content, messages[1:]
    else:
        system = DEFAULT_SYSTEM
    if tool_prompt:
        system = f"{system}\n\n{tool_prompt}" if system else tool_prompt
    parts.append(_system_turn(system))

    open_turn = False  # an assistant turn is open, waiting for tool results or the continuation
    previous = "system"
    offset = len(messages) - len(rest)
    for i, message in enumerate(rest, start=offset):
        role = message.role
        if role == "tool":
            if not open_turn:  # only an assistant turn with calls (and its results) is open
                raise PromptError(
                    f"messages[{i}]: a tool result must follow an assistant message with "
                    "tool_calls (ReAct observations continue that assistant turn)"
                )
            if previous == "assistant":
                parts.append("\n")
            parts.append(render_tool_results([message.content]))
        elif role == "assistant":
            body = render_assistant_calls(list(message.calls), message.content)
            if not (open_turn and previous == "tool"):
                if open_turn:
                    parts.append(f"{IM_END}\n")
                parts.append(f"{IM_START}assistant\n")
            parts.append(body)
            open_turn = True
            if not message.calls:
                parts.append(f"{IM_END}\n")
                open_turn = False
        else:
            if open_turn:
                parts.append(f"{IM_END}\n")
                open_turn = False
            parts.append(f"{IM_START}{role}\n{message.content}{IM_END}\n")
        previous = role

    if open_turn and not (add_generation_prompt and previous == "tool"):
        parts.append(f"{IM_END}\n")
        open_turn = False
    if add_generation_prompt and not open_turn:
        parts.append(GENERATION_PROMPT)
    return "".join(parts)


Parser = Qwen2Parser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""
SPECIAL_TOKENS: tuple[str, ...] = ()
"""The ReAct format reads no special tokens."""

__all__ = [
    "Parser",
    "Qwen2Parser",
    "SPECIAL_TOKENS",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
