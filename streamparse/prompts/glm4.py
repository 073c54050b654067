"""GLM-4 prompts: byte for byte what glm-4-9b-chat's chat template renders.

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

from collections.abc import Iterable
from typing import Any

from ..tools import Tool
from ._common import Call, Message, PromptError, dump_json, materialize, tool_entries

PREFIX = "[gMASK]<sop>"
GENERATION_PROMPT = "<|assistant|>"

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

# Special-token text that ends or splits a turn: a name containing one cannot be rendered.
_SPECIAL = ("<|system|>", "<|user|>", "<|assistant|>", "<|observation|>", "<|endoftext|>")


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
