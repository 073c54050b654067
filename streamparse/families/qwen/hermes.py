"""Format ``hermes``: Qwen2.5 and Qwen3 (``<tool_call>`` + a JSON object).

The parser, declared on the engine, needs contract v2's framing in the engine; until it is here,
this module holds the prompt renderer only and is not in the registry.

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
from collections.abc import Iterable, Mapping
from typing import Any

from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .chatml import IM_END, IM_START

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
