"""Qwen2 prompts: the ReAct tool prompt in Qwen2's ChatML frame.

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

from collections.abc import Iterable
from typing import Any

from ..tools import Tool
from ._common import Call, Message, PromptError, dump_json, materialize, tool_entries

DEFAULT_SYSTEM = "You are a helpful assistant."
IM_START, IM_END = "<|im_start|>", "<|im_end|>"
GENERATION_PROMPT = f"{IM_START}assistant\n"

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
