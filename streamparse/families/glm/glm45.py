"""Formats ``glm45`` and ``glm47``: GLM-4.5, GLM-4.6, GLM-4.7 and later (XML arguments).

The prompt renderer (``streamparse.prompts`` for these formats):

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .tokens import ASSISTANT, OBSERVATION, SYSTEM, TURN_TOKENS, USER

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
        """An assistant turn after ``<|assistant|>``: the think part, the content, the calls
        (``where`` names the calls in errors)."""
        reasoning, content = _split_reasoning(message)
        if show_reasoning and reasoning:  # whitespace-only reasoning still writes <think></think>
            parts = [f"{self.sep}<think>{reasoning.strip()}</think>"]
        else:
            parts = [self.no_reasoning]
        if content.strip():
            parts.append(self.sep + content.strip())
        for j, call in enumerate(message.calls):
            parts.append(self.call(call, f"{where}[{j}]"))
        return "".join(parts)

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
    """What GLM-4.6 generates after ``<|assistant|>`` for a turn with these calls, as its template
    renders that turn: ``\\n<think></think>``, ``\\n{content}`` (stripped) if any, then
    ``\\n<tool_call>{name}\\n<arg_key>…</arg_key>\\n<arg_value>…</arg_value>\\n</tool_call>``
    per call."""
    message = Message(role="assistant", content=content, calls=tuple(calls))
    return GLM45_TEMPLATE.assistant(message, True, "calls")  # the turn after the user


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
    """What GLM-4.7 generates after ``<|assistant|><think>`` for a turn with these calls, as its
    template renders that turn (after ``<|assistant|>``): ``</think>``, the content (stripped),
    then ``<tool_call>{name}<arg_key>…</arg_key><arg_value>…</arg_value></tool_call>`` per
    call."""
    message = Message(role="assistant", content=content, calls=tuple(calls))
    return GLM47_TEMPLATE.assistant(message, True, "calls")  # the turn after the user


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
