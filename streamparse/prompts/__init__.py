"""Prompt rendering: the other half of a tool-calling loop. The parsers read what the model
writes; these functions write what the model reads, in the same formats, so that

    parse(render_assistant_calls(fmt, calls), fmt).tool_calls  ==  calls

for every call the format can express (the property tests check it, whole and streamed).

- :func:`render_tools`: the tool list as system prompt text.
- :func:`render_assistant_calls`: an assistant reply that made calls, as the model writes it.
- :func:`render_tool_results`: tool results (observations), as they are appended after the calls.
- :func:`render_prompt`: a whole conversation (OpenAI-style messages) ending where generation
  starts.

Formats: ``glm4`` (byte for byte glm-4-9b-chat's chat template) and ``qwen2`` (the ReAct tool
prompt in Qwen2's ChatML frame). See ``docs/prompts.md``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from .._textfiles import load_json_list
from ..errors import UnknownFormatError
from ..families import FORMATS
from ..families._render import Call, Message, PromptError, text_of, to_calls, to_messages
from ..tools import Tool


class _FormatModule(Protocol):
    """What each format's module (``prompts.glm4``, ``prompts.qwen2``) provides."""

    def render_tools(
        self, tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None,
        **options: Any,
    ) -> str: ...

    def render_assistant_calls(self, calls: list[Call], content: str = "") -> str: ...

    def render_tool_results(self, results: list[str]) -> str: ...

    def render_prompt(
        self,
        tools: Iterable[Tool | dict[str, Any]] | None,
        messages: list[Message],
        *,
        add_generation_prompt: bool = True,
        variant: str | None = None,
        **options: Any,
    ) -> str: ...


_FORMATS: dict[str, _FormatModule] = FORMATS  # type: ignore[assignment]  # modules, by Protocol

ToolsArg = Iterable[Tool | dict[str, Any]] | None

__all__ = [
    "Call",
    "Message",
    "PromptError",
    "prompt_formats",
    "prompt_from_files",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]


def prompt_formats() -> list[str]:
    """The formats prompts can be rendered for."""
    return sorted(_FORMATS)


def _format(name: str) -> _FormatModule:
    try:
        return _FORMATS[name]
    except (KeyError, TypeError):
        known = ", ".join(repr(n) for n in prompt_formats())
        message = f"unknown prompt format {name!r}; known formats: {known}"
        raise UnknownFormatError(message) from None


def _options(format: str, function: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    """The format's own prompt options (``enable_thinking=``, ``lang=``, ...), checked by name:
    an option the format's renderer does not take raises, naming the ones it does."""
    if options:
        accepted = [
            name for name, parameter in inspect.signature(function).parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "add_generation_prompt"
        ]
        for name in options:
            if name not in accepted:
                known = ", ".join(repr(n) for n in accepted if n != "variant") or "none"
                raise PromptError(f"{format} prompts have no option {name!r}; options: {known}")
    return options


def render_tools(
    format: str, tools: ToolsArg, *, variant: str | None = None, **options: Any
) -> str:
    """The system prompt text that declares ``tools`` (OpenAI-style dicts, bare
    ``{"name", "description", "parameters"}`` dicts or :class:`~streamparse.Tool` models).

    glm4: the text after ``<|system|>`` of the template's tools turn. qwen2: the ReAct block
    that follows the system message's own text. ``variant``: glm4 ``"official"`` (default) or
    ``"llamafactory"``; qwen2 ``"llamafactory"`` (the only one).
    Invalid tools raise :class:`~streamparse.ToolDefinitionError` naming the entry.
    """
    function = _format(format).render_tools
    return function(tools, variant, **_options(format, function, options))


def render_assistant_calls(format: str, calls: Iterable[Any], *, content: str = "") -> str:
    """An assistant reply that made ``calls``, as the model writes it (what follows the
    generation prompt), optionally after some ``content`` (a thought, a preamble).

    Each call is a :class:`~streamparse.ToolCall` (its ``raw_arguments`` are kept), an
    OpenAI-style ``{"type": "function", "function": {"name", "arguments"}}`` dict, a bare
    ``{"name", "arguments"}`` dict or a :class:`Call`. Arguments are a dict (written as JSON,
    non-ASCII kept) or a string holding one JSON object (kept as written).
    """
    module = _format(format)
    return module.render_assistant_calls(to_calls(calls), text_of(content, "content"))


def render_tool_results(format: str, results: Iterable[Any]) -> str:
    """Tool results (observations), in call order, as they follow the calls: each a string, or
    a ``{"role": "tool", "content": ...}`` message dict."""
    if isinstance(results, (str, bytes, Mapping)):
        raise PromptError(f"results must be a list, not a {type(results).__name__}")
    texts = []
    for i, result in enumerate(results):
        if isinstance(result, Mapping):
            if result.get("role", "tool") != "tool":
                raise PromptError(f"results[{i}] has role {result.get('role')!r}, not 'tool'")
            result = result.get("content")
        texts.append(text_of(result, f"results[{i}]"))
    return _format(format).render_tool_results(texts)


def render_prompt(
    format: str,
    tools: ToolsArg = None,
    messages: Iterable[Any] | None = None,
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    **options: Any,
) -> str:
    """The model's prompt for a conversation: OpenAI-style messages (roles ``system``, ``user``,
    ``assistant`` with optional ``tool_calls``, ``tool``), the tools declared, ending where
    generation starts (unless ``add_generation_prompt=False``).

    glm4: identical to glm-4-9b-chat's chat template rendered with the tools in a leading
    system message. qwen2: Qwen2's ChatML with the ReAct tool prompt in the system message and
    tool results as ``Observation:`` lines continuing the assistant turn.

    ``options`` are the format's own (its ``render_prompt``'s keyword-only parameters, such as
    ``enable_thinking=`` or ``lang=``); one it does not take raises :class:`PromptError`.
    """
    function = _format(format).render_prompt
    return function(
        tools,
        to_messages(messages),
        add_generation_prompt=add_generation_prompt,
        variant=variant,
        **_options(format, function, options),
    )


def _load_json(path: str, key: str) -> list[Any]:
    """A JSON file's list, or the ``key`` member of an object (an OpenAI request body)."""
    return load_json_list(path, key, PromptError)


def prompt_from_files(
    format: str,
    tools_path: str | None,
    messages_path: str | None = None,
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    **options: Any,
) -> str:
    """``render_prompt`` for JSON files, for ``streamparse prompt``: ``tools_path`` holds a list
    of tools, ``messages_path`` a list of OpenAI-style messages (either may instead hold an
    OpenAI request body with a ``tools``/``messages`` member; ``-`` reads stdin). Raises
    :class:`PromptError` (or ``ToolDefinitionError``/``UnknownFormatError``) with a message fit
    to print."""
    _format(format)
    tools = _load_json(tools_path, "tools") if tools_path is not None else None
    messages = _load_json(messages_path, "messages") if messages_path is not None else []
    return render_prompt(
        format, tools, messages, add_generation_prompt=add_generation_prompt, variant=variant,
        **options,
    )
