"""What every prompt format shares: the error type, and the validation of what the caller hands
over (tools, OpenAI-style messages, calls) into small models the format modules render.

Nothing here knows a format's text. The format modules (``glm4``, ``qwen2``) turn these models
into strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..errors import StreamparseError
from ..tools import Tool, normalize_tools

ROLES = ("system", "user", "assistant", "tool")


class PromptError(StreamparseError, ValueError):
    """Input that cannot be rendered into a prompt (an unknown role, a call without a name,
    arguments that are not a JSON object, ...). The message names the bad entry."""


class Call(BaseModel):
    """One call to render: the function name and the JSON text of its arguments (an object),
    exactly as it will appear in the prompt."""

    model_config = ConfigDict(frozen=True)

    name: str
    arguments: str


class Message(BaseModel):
    """One validated conversation message. ``content`` is plain text ("" when absent);
    ``calls`` are the assistant's tool calls, in order; ``reasoning`` is an assistant message's
    ``reasoning_content`` ("" when absent); ``name`` a message's optional ``name``."""

    model_config = ConfigDict(frozen=True)

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    calls: tuple[Call, ...] = ()
    reasoning: str = ""
    name: str = ""


# ---- tools --------------------------------------------------------------------------------


def materialize(tools: Any) -> Any:
    """``tools`` as a list (so it can be tested for emptiness and read twice); a dict or string
    is passed through for :func:`~streamparse.tools.normalize_tools` to reject by name."""
    if tools is None or isinstance(tools, (str, bytes, Mapping)):
        return tools
    return list(tools)


def tool_entries(
    tools: Iterable[Tool | dict[str, Any]] | None,
) -> list[tuple[Tool, dict[str, Any]]]:
    """Validate ``tools`` (raising :class:`~streamparse.ToolDefinitionError` naming the bad entry)
    and pair each :class:`Tool` with the function dict to show the model.

    The function dict is the caller's own (``tool["function"]`` of an OpenAI-style entry, or the
    bare dict), with its keys in the caller's order, because a chat template dumps exactly that
    dict. A :class:`Tool` instance contributes ``tool.model_dump()``.
    """
    if tools is None:
        return []
    tools = materialize(tools)
    models = normalize_tools(tools) or []
    entries = []
    for entry, model in zip(tools, models, strict=True):
        if isinstance(entry, Mapping):
            function = entry["function"] if "function" in entry and "name" not in entry else entry
            entries.append((model, dict(function)))
        else:
            entries.append((model, model.model_dump()))
    return entries


# ---- text and JSON ------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def dump_json(value: Any, where: str, **options: Any) -> str:
    """``json.dumps`` with non-ASCII kept and NaN/Infinity refused (they are not JSON, and the
    parsers refuse them)."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, **options)
    except (TypeError, ValueError) as exc:
        reason = str(exc)
        if "Out of range float" in reason:
            reason = "NaN and Infinity are not JSON"
        raise PromptError(f"{where} cannot be written as JSON: {reason}") from None


def text_of(content: Any, where: str) -> str:
    """Message content as text: a str, None (""), or OpenAI content parts of type ``text``."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for i, part in enumerate(content):
            if isinstance(part, Mapping) and part.get("type") == "text":
                text = part.get("text")
                if isinstance(text, str):
                    pieces.append(text)
                    continue
            kind = part.get("type") if isinstance(part, Mapping) else type(part).__name__
            raise PromptError(
                f"{where}[{i}]: only text content parts can be rendered, not {kind!r}"
            )
        return "".join(pieces)
    raise PromptError(
        f"{where} must be a string, None or a list of text parts, not {type(content).__name__}"
    )


# ---- calls --------------------------------------------------------------------------------


def arguments_text(arguments: Any, where: str) -> str:
    """The JSON text of a call's arguments. A dict is dumped (``ensure_ascii=False``, default
    separators: what GLM-4 and Qwen2 write); a str is kept as written (surrounding whitespace
    stripped) after checking that it is one JSON object; None means ``{}``."""
    if arguments is None:
        return "{}"
    if isinstance(arguments, Mapping):
        return dump_json(dict(arguments), where)
    if isinstance(arguments, str):
        text = arguments.strip()
        try:
            value = json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise PromptError(f"{where} is not valid JSON ({exc}): {arguments!r}") from None
        if not isinstance(value, dict):
            raise PromptError(f"{where} must be a JSON object, not {type(value).__name__}")
        return text
    raise PromptError(
        f"{where} must be a dict or a JSON object string, not {type(arguments).__name__}"
    )


def to_call(item: Any, where: str) -> Call:
    """One call from: a :class:`streamparse.ToolCall` (its ``raw_arguments`` kept, so a
    response is re-sent exactly as the model wrote it), an OpenAI-style tool call
    ``{"id", "type": "function", "function": {"name", "arguments"}}``, a bare
    ``{"name", "arguments"}`` dict, or a :class:`Call`."""
    if isinstance(item, Call):
        return Call(name=item.name, arguments=arguments_text(item.arguments, f"{where}.arguments"))
    if not isinstance(item, Mapping):
        raw = getattr(item, "raw_arguments", None)
        name = getattr(item, "name", None)
        if name is None:
            raise PromptError(
                f"{where} must be a tool call dict or a streamparse.ToolCall, "
                f"not {type(item).__name__}"
            )
        arguments = raw if raw is not None else getattr(item, "arguments", None)
        return Call(
            name=_call_name(name, where),
            arguments=arguments_text(arguments, f"{where}.arguments"),
        )
    function: Any = item
    at = where
    if "function" in item:
        if item.get("type", "function") != "function":
            raise PromptError(f"{where}: unsupported tool call type {item.get('type')!r}")
        function, at = item["function"], f"{where}.function"
        if not isinstance(function, Mapping):
            raise PromptError(f"{at} must be a dict, not {type(function).__name__}")
    if "name" not in function:
        raise PromptError(f"{at} has no 'name'")
    return Call(
        name=_call_name(function["name"], at),
        arguments=arguments_text(function.get("arguments"), f"{at}.arguments"),
    )


def _call_name(name: Any, where: str) -> str:
    if not isinstance(name, str):
        raise PromptError(f"{where}.name must be a string, not {type(name).__name__}")
    if not name.strip():
        raise PromptError(f"{where}.name is empty")
    if name != name.strip() or "\n" in name or "\r" in name:
        raise PromptError(
            f"{where}.name {name!r} cannot be rendered: a name is one line without surrounding "
            "whitespace"
        )
    return name


def to_calls(calls: Iterable[Any], where: str = "calls") -> list[Call]:
    if isinstance(calls, (str, bytes, Mapping)):
        raise PromptError(f"{where} must be a list of tool calls, not a {type(calls).__name__}")
    return [to_call(item, f"{where}[{i}]") for i, item in enumerate(calls)]


# ---- messages -----------------------------------------------------------------------------


def to_messages(messages: Iterable[Any] | None) -> list[Message]:
    """Validate OpenAI-style messages (dicts with ``role``, ``content``, and for the assistant
    optional ``tool_calls``) into :class:`Message` models, naming the bad entry on error."""
    if messages is None:
        return []
    if isinstance(messages, (str, bytes, Mapping)):
        raise PromptError(
            f"messages must be a list of message dicts, not a {type(messages).__name__}"
        )
    result = []
    for i, item in enumerate(messages):
        where = f"messages[{i}]"
        if isinstance(item, Message):
            result.append(item)
            continue
        if not isinstance(item, Mapping):
            raise PromptError(f"{where} must be a dict, not {type(item).__name__}")
        if "role" not in item:
            raise PromptError(f"{where} has no 'role'")
        role = item["role"]
        if role not in ROLES:
            raise PromptError(
                f"{where} has unknown role {role!r}; expected one of {', '.join(ROLES)}"
            )
        content = text_of(item.get("content"), f"{where}.content")
        raw_calls = item.get("tool_calls") or []
        if raw_calls and role != "assistant":
            raise PromptError(f"{where}: only assistant messages can have tool_calls, not {role!r}")
        calls = to_calls(raw_calls, f"{where}.tool_calls")
        reasoning = text_of(item.get("reasoning_content"), f"{where}.reasoning_content")
        if reasoning and role != "assistant":
            raise PromptError(f"{where}: only assistant messages can have reasoning_content, not {role!r}")
        name = item.get("name") or ""
        if not isinstance(name, str):
            raise PromptError(f"{where}.name must be a string, not {type(name).__name__}")
        result.append(Message(role=role, content=content, calls=tuple(calls), reasoning=reasoning, name=name))
    return result
