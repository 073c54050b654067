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
from typing import Any, Literal

from ...engine import Engine, NeedMore, NotHeader, Opened, State, Truncated, Until
from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .chatml import DEFAULT_SYSTEM, GENERATION_PROMPT, IM_END, IM_START

_ACTION_LINE = re.compile(r"[ \t]*Action:([^\n]*)\n")
_INPUT_HEAD = re.compile(r"[ \t]*Action Input:[ \t]*")
_SPACES = re.compile(r"[ \t]*")
# A Markdown fence opening the arguments: ```, a language word (letters followed by a line end
# or the object: "```Boston```" is a fenced value, not a language), an optional newline.
_FENCE_WORD = re.compile(r"```([A-Za-z]*)[ \t]*")
_FENCE_REST = re.compile(r"\n?[ \t]*")
_ACTION = "Action:"
_ACTION_INPUT = "Action Input:"
_FENCE = "```"


def read_header(
    parser: Engine, buf: str, start: int, base: int, final: bool
) -> Opened | NotHeader | NeedMore | Truncated:
    """``[ \\t]*Action: name\\n[ \\t]*Action Input:[ \\t]*`` and the arguments' start, from
    ``buf[start]``: the arguments may start on the next line, or in a fence."""
    n = len(buf)
    # The Action line's newline: searched from where the last feed stopped, never again from the
    # header's start (a long name is held across many deltas).
    newline = buf.find("\n", max(start, parser.header_seen - base))
    if newline < 0:
        parser.header_seen = base + n
        return NeedMore()
    name_end = newline + 1
    head = _INPUT_HEAD.match(buf, name_end)
    if head is None:
        spaces = _SPACES.match(buf, name_end).end()  # type: ignore[union-attr]
        rest = buf[spaces : spaces + len(_ACTION_INPUT)]
        if spaces + len(rest) < n or not _ACTION_INPUT.startswith(rest) or final:
            return NotHeader(name_end)
        return NeedMore(name_end)
    name = _ACTION_LINE.match(buf, start).group(1).strip()  # type: ignore[union-attr]
    if final:
        return Truncated(name) if name else NotHeader(n)
    arguments = _arguments_start(buf, head.end())
    if arguments is None:
        return NeedMore(name_end)
    if not name:
        return NotHeader(name_end)
    at, body, fenced = arguments
    return Opened(name, at, body, "fence" if fenced and body == "json" else "text", name_end)


def _arguments_start(buf: str, at: int) -> tuple[int, str | Until, bool] | None:
    """``buf[at:]`` follows ``Action Input:`` and its spaces: where the arguments start, their
    body and whether they are fenced; None to wait for more."""
    n = len(buf)
    if at == n:
        return None
    char = buf[at]
    if char == "\n":  # pretty-printed: the arguments may start on the very next line
        value = _SPACES.match(buf, at + 1).end()  # type: ignore[union-attr]
        if value == n:
            return None
        if buf[value] == "{":
            return value, "json", False
        fenced = _fenced(buf, value) if buf[value] == "`" else False
        if fenced is not False:
            return fenced
        return at, "line", False  # the version 1 rule: empty arguments, an error
    fenced = _fenced(buf, at) if char == "`" else False
    if fenced is not False:
        return fenced
    return at, "json" if char == "{" else "line", False


def _fenced(buf: str, at: int) -> tuple[int, str | Until, bool] | None | Literal[False]:
    """``buf[at]`` is a backtick: the fenced value's start and body, None to wait, or False."""
    if len(buf) - at < 3:
        return None if _FENCE.startswith(buf[at:]) else False
    if not buf.startswith(_FENCE, at):
        return False
    opening = _FENCE_WORD.match(buf, at)
    assert opening is not None
    if opening.end() == len(buf):
        return None  # the word or the spaces may go on
    if opening.group(1) and buf[opening.end()] not in "\n{":
        value = at + len(_FENCE)  # no language: the word is the value
    else:
        value = _FENCE_REST.match(buf, opening.end()).end()  # type: ignore[union-attr]
        if value == len(buf):
            return None
    # an object runs to its "}" (then its fence is framing); anything else to the fence
    return value, "json" if buf[value] == "{" else Until(_FENCE), True


def _prefixes(literal: str) -> str:
    """A regex matching any prefix of ``literal`` (the empty one included)."""
    pattern = ""
    for char in reversed(literal):
        pattern = f"(?:{re.escape(char)}{pattern})?"
    return pattern


# What may be held (invariant 3): whitespace after a call, then the start of a header (whose
# arguments may start on the next line, or in a fence); or what may still close a fence.
_HOLDABLE = re.compile(
    r"[ \t\r\n]*`{0,2}|[ \t\r\n]*[ \t]*(?:" + _prefixes(_ACTION)
    + r"|Action:[^\n]*(?:\n[ \t]*(?:" + _prefixes(_ACTION_INPUT)
    + r"|Action Input:[ \t]*(?:\n[ \t]*)?(?:`{0,3}|```[A-Za-z]*[ \t]*\n?[ \t]*)))?)"
)


def _may_begin_action(line: str) -> bool:
    return _ACTION.startswith(line.lstrip(" \t"))


def _may_close_fence(rest: str) -> bool:
    return _FENCE.startswith(rest.lstrip(" \t\r\n"))


class Qwen2Parser(Engine):
    """The ``qwen2`` format, declared: a call begins at ``Action:`` at a line start."""

    format_name = "qwen2"
    initial = "text"
    states = {
        "text": State(
            markers={"action": r"^[ \t]*Action:"},
            readers={"action": read_header},
            line_start=True,
            may_begin=_may_begin_action,
        ),
        # after a fenced object: whitespace and the closing fence are framing
        "fence": State(markers={"close": r"[ \t\r\n]*```"}, anchored=True, otherwise="text",
                       may_begin=_may_close_fence),
    }
    _text_stop = re.compile("\n")  # mid-line, only a newline can lead to a marker
    framing_tokens = re.compile(_FENCE)  # a fenced call's closing fence

    def _may_hold(self, held: str) -> bool:
        return _HOLDABLE.fullmatch(held) is not None

    def _may_hold_in_call(self, held: str) -> bool:
        return isinstance(self._body, Until) and self._body.marker.startswith(held)
    call_opener = re.compile(r"[ \t]*Action:")
    call_opener_prefix = re.compile(r"[ \t]*(?:A(?:c(?:t(?:i(?:o(?:n:?)?)?)?)?)?)?")


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
