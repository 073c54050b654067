"""Format ``qwen3_coder``: Qwen3-Coder, and Qwen3.5 and later (XML parameters).

    <tool_call>
    <function=read_file>
    <parameter=path>
    src/main.py
    </parameter>
    <parameter=limit>
    20
    </parameter>
    </function>
    </tool_call>

States and what moves between them (contract v2 framing: whitespace between text and a call,
between calls, and after the last call is framing):

    text    --"<tool_call>" [ \\t\\r\\n]* "<function=" NAME ">"-->        call (XML parameters)
            --"<function=" NAME ">" at a line start (no wrapper)-->       call
            --"<tool_call>" followed by anything else, a bad name-->      text (released when known)
    call    --the body (streamparse/xmlargs.py, QWEN3_CODER tags) ends at "</function>"-->  after
            --a malformed tag, or text between parameters: tool_call_error-->              broken
    after   --[ \\t\\r\\n]* "</tool_call>" (framing)-->                    text
    broken  (framing) --"</tool_call>"--> text; --"</function>"--> after; --"<tool_call>"--> a call

The name is the text up to ``>``, stripped, non-empty, with no newline and no ``<``;
``tool_call_start`` comes at the ``>``. Held back: a suffix of text that could begin
``<tool_call>`` (anywhere) or ``<function=`` (at a line start), text's trailing whitespace (it is
framing if a call follows), a header until its ``>``; inside a call, what the body holds (a suffix
that could begin a structural closing tag, at most 64 plus the longest parameter name the schema
lists).

The prompt renderer, in the second half of this file (``streamparse.prompts`` for this format):
byte for byte the Qwen3-Coder release chat template and, as ``variant="qwen3.5"``, Qwen3.5's
(which opens ``<think>`` in the generation prompt, writes ``reasoning_content`` and takes
``enable_thinking``), written in Python (no jinja2 at run time).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ...engine import Engine, NeedMore, NotHeader, Opened, State, prefixes
from ...schema_types import tool_types
from ...tools import Tool
from ...xmlargs import QWEN3_CODER, XmlBody
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .chatml import IM_END, IM_START
from .hermes import _split_reasoning, _tool_dicts  # the same in Qwen3.5's template as in Qwen3's

TOOL_CALL, TOOL_CALL_END = "<tool_call>", "</tool_call>"
FUNCTION, FUNCTION_END = "<function=", "</function>"
_WS = " \t\r\n"
_SKIP_WS = re.compile(r"[ \t\r\n]*")
_NAME_END = re.compile(r"[>\n<]")
_LINE_START = r"(?<![^\n])"  # at the buffer's start (the reader checks) or after a newline


def _read_name(parser: Engine, buf: str, at: int, base: int, final: bool, text_to: int) -> Opened | NotHeader | NeedMore:
    """``buf[at:]`` follows ``<function=``: the name up to ``>``, then the call opens."""
    end = _NAME_END.search(buf, max(at, parser.header_seen - base))
    if end is None:
        parser.header_seen = base + len(buf)
        return NotHeader(len(buf)) if final else NeedMore(text_to)
    name = buf[at:end.start()].strip(_WS)
    if end.group() != ">" or not name:
        return NotHeader(text_to)
    body = XmlBody(QWEN3_CODER, tool_types(parser.tools, name))
    return Opened(name, end.end(), body, "after", text_to)


def read_tool_call(parser: Engine, buf: str, start: int, base: int, final: bool) -> Opened | NotHeader | NeedMore:
    """``<tool_call>``, optional whitespace, ``<function=NAME>`` from ``buf[start]``; anything
    else after ``<tool_call>`` makes it text."""
    after_tag = start + len(TOOL_CALL)
    function = _SKIP_WS.match(buf, after_tag).end()  # type: ignore[union-attr]
    rest = buf[function:function + len(FUNCTION)]
    if not buf.startswith(FUNCTION, function):
        if function + len(rest) == len(buf) and FUNCTION.startswith(rest) and not final:
            return NeedMore(after_tag)
        return NotHeader(after_tag)
    return _read_name(parser, buf, function + len(FUNCTION), base, final, after_tag)


def read_bare_function(parser: Engine, buf: str, start: int, base: int, final: bool) -> Opened | NotHeader | NeedMore:
    """``<function=NAME>`` at a line start (the model dropped the ``<tool_call>`` wrapper)."""
    after_tag = start + len(FUNCTION)
    if start == 0 and not parser._line_start:
        return NotHeader(after_tag)
    return _read_name(parser, buf, after_tag, base, final, after_tag)


def _may_close(rest: str) -> bool:
    return TOOL_CALL_END.startswith(rest.lstrip(_WS))


# Inside reasoning (the layer searches from where it stands, and cannot tell a line start
# before that): a call opens at <tool_call> ... <function=, or at a newline then <function=.
_OPENER = f"{re.escape(TOOL_CALL)}[ \\t\\r\\n]*{re.escape(FUNCTION)}|\\n{re.escape(FUNCTION)}"
_OPENER_PREFIX = (
    f"{prefixes(TOOL_CALL)}|{re.escape(TOOL_CALL)}[ \\t\\r\\n]*(?:{prefixes(FUNCTION)})?"
    f"|{prefixes(chr(10) + FUNCTION)}"
)
_TEXT_PREFIX = f"{prefixes(TOOL_CALL)}|{_LINE_START}{prefixes(FUNCTION)}"
# What may be held outside a call (invariant 3): whitespace, then the start of a call header, a
# closing </tool_call> after a call, or (after a broken call) the start of a tag ending it.
_HOLDABLE = re.compile(
    f"[ \\t\\r\\n]*(?:{_OPENER_PREFIX}|{_TEXT_PREFIX}|(?:{re.escape(TOOL_CALL)}[ \\t\\r\\n]*)?{re.escape(FUNCTION)}[^>\\n<]*"
    f"|{prefixes(TOOL_CALL_END)}|{prefixes(FUNCTION_END)})?"
)


class Qwen3CoderParser(Engine):
    """The ``qwen3_coder`` format, declared: calls open at ``<tool_call>`` + ``<function=NAME>``
    or a bare ``<function=NAME>`` at a line start; the XML-parameters body reads the arguments."""

    format_name = "qwen3_coder"
    default_reasoning = "auto"
    framing = "v2"
    initial = "text"
    after_error = "broken"
    states = {
        "text": State(
            markers={"call": re.escape(TOOL_CALL), "bare": f"{_LINE_START}{re.escape(FUNCTION)}"},
            readers={"call": read_tool_call, "bare": read_bare_function},
            partial=_TEXT_PREFIX,
        ),
        # after a call: whitespace and </tool_call> are framing
        "after": State(markers={"close": f"[ \\t\\r\\n]*{re.escape(TOOL_CALL_END)}"}, anchored=True,
                       otherwise="text", may_begin=_may_close),
        # after a broken call: its markup up to </tool_call> is framing (a bare call's, up to
        # </function>); a <tool_call> before that opens the next call
        "broken": State(
            markers={"close": re.escape(TOOL_CALL_END), "function_end": re.escape(FUNCTION_END),
                     "call": re.escape(TOOL_CALL)},
            readers={"call": read_tool_call},
            goto={"close": "text", "function_end": "after"},
            framing=True,
            partial=f"{prefixes(TOOL_CALL_END)}|{prefixes(FUNCTION_END)}|{prefixes(TOOL_CALL)}",
        ),
    }
    call_opener = re.compile(_OPENER)
    call_opener_prefix = re.compile(_OPENER_PREFIX)
    call_opener_anywhere = True
    framing_tokens = re.compile(
        f"{re.escape(TOOL_CALL_END)}|[\\s\\S]*?(?:{re.escape(TOOL_CALL_END)}|{re.escape(FUNCTION_END)}|\\Z)"
    )
    """``</tool_call>`` after a call, and a broken call's markup up to it (or the end)."""
    _text_stop = re.compile(r"<|[ \t\r\n]\Z")

    def _may_hold(self, held: str) -> bool:
        return _HOLDABLE.fullmatch(held) is not None


# ---- the prompt renderer ----------------------------------------------------------------------

RELEASE, QWEN35 = "release", "qwen3.5"
VARIANTS = (RELEASE, QWEN35)
DEFAULT_VARIANT = RELEASE
DEFAULT_SYSTEM = "You are Qwen, a helpful AI assistant that can interact with a computer to solve tasks."
"""The release template's system text when there are tools and no system message."""
TOOLS_INTRO = "You have access to the following functions:\n\n<tools>"
CALL_INSTRUCTIONS = (
    "\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:"
    "\n\n<tool_call>\n<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n"
    "</parameter>\n<parameter=example_parameter_2>\nThis is the value for the second parameter\n"
    "that can span\nmultiple lines\n</parameter>\n</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n"
    "- Function calls MUST follow the specified format: an inner <function=...></function> block must "
    "be nested within <tool_call></tool_call> XML tags\n- Required parameters MUST be specified\n"
    "- You may provide optional reasoning for your function call in natural language BEFORE the "
    "function call, but NOT after\n- If there is no function call available, answer the question like "
    "normal with your current knowledge and do not tell the user about function calls\n</IMPORTANT>"
)
THINKING_OFF = "<think>\n\n</think>\n\n"
_HANDLED_KEYS = ("type", "description", "enum", "required")


def _variant(variant: str | None) -> str:
    chosen = variant or DEFAULT_VARIANT
    if chosen not in VARIANTS:
        known = ", ".join(repr(v) for v in VARIANTS)
        raise PromptError(f"unknown qwen3_coder prompt variant {variant!r}; known: {known}")
    return chosen


def _text(value: Any) -> str:
    """A value as the templates' ``| string`` and ``~`` write it: Python's ``str()``."""
    return value if isinstance(value, str) else str(value)


def _item_list(items: Any, tag: str) -> str:
    """The release template's ``render_item_list``: ``\\n<required>[`a`, `b`]</required>``."""
    if not isinstance(items, str | list | tuple | Mapping) or not items:
        return ""
    written = ", ".join(f"`{item}`" if isinstance(item, str) else _text(item) for item in items)
    return f"\n<{tag}>[{written}]</{tag}>"


def _parameter_block(name: str, fields: Any, where: str) -> str:
    out = f"\n<parameter>\n<name>{name}</name>"
    if not isinstance(fields, Mapping):
        return out + "\n</parameter>"
    if "type" in fields:
        out += f"\n<type>{_text(fields['type'])}</type>"
    if "description" in fields:
        out += f"\n<description>{_text(fields['description']).strip()}</description>"
    for key, value in fields.items():
        if not key or not isinstance(key, str) or key in _HANDLED_KEYS:
            continue
        key = key.replace("-", "_").replace(" ", "_").replace("$", "")
        if isinstance(value, Mapping):
            out += f"\n<{key}>{dump_json(value, f'{where}.{key}')}</{key}>"
        elif value is not None:
            out += f"\n<{key}>{_text(value)}</{key}>"
    return out + _item_list(fields.get("required"), "required") + "\n</parameter>"


def _release_tool(function: Mapping[str, Any], where: str) -> str:
    parameters = function.get("parameters")
    parameters = parameters if isinstance(parameters, Mapping) else {}
    properties = parameters.get("properties")
    out = f"\n<function>\n<name>{_text(function.get('name', ''))}</name>"
    out += f"\n<description>{_text(function.get('description', '')).strip()}</description>"
    out += "\n<parameters>"
    if isinstance(properties, Mapping):
        for name, fields in properties.items():
            out += _parameter_block(_text(name), fields, f"{where}.parameters.properties.{name}")
    out += _item_list(parameters.get("required"), "required") + "\n</parameters>"
    if "return" in function:
        returned = function["return"]
        written = dump_json(returned, f"{where}.return") if isinstance(returned, Mapping) else _text(returned)
        out += f"\n<return>{written}</return>"
    return out + "\n</function>"


def render_tools(tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None) -> str:
    """The tools part of the system turn (what follows the system text and a blank line): the
    release template's ``<tools>`` list of ``<function>`` blocks, or Qwen3.5's ``# Tools`` and one
    JSON line per tool; then the call format instructions, up to ``</IMPORTANT>``."""
    chosen = _variant(variant)
    if chosen == QWEN35:
        lines = "".join("\n" + dump_json(item, f"tools[{i}]") for i, item in enumerate(_tool_dicts(tools)))
        return f"# Tools\n\n{TOOLS_INTRO}{lines}{CALL_INSTRUCTIONS}"
    blocks = "".join(_release_tool(function, f"tools[{i}]") for i, (_, function) in enumerate(tool_entries(tools)))
    return f"{TOOLS_INTRO}{blocks}{CALL_INSTRUCTIONS}"


def _checked_name(name: str, where: str) -> None:
    if ">" in name or "<" in name or name != name.strip(_WS):
        raise PromptError(f"{where} {name!r} cannot be written: a name in <function=NAME> holds no '<' or '>'")


def _checked_arguments(arguments: dict[str, Any], where: str) -> None:
    for key in arguments:
        if ">" in key or "\n" in key or "<" in key or not key.strip(_WS):
            raise PromptError(f"{where}.arguments: the parameter name {key!r} cannot be written in <parameter=NAME>")


def _value(value: Any, where: str, json_containers: bool) -> str:
    """A parameter value: a string as it is; an object or array as JSON (Qwen3.5's template and
    later ones; the release template writes Python's ``str()`` of it); anything else ``str()``."""
    if json_containers and isinstance(value, Mapping | list):
        return dump_json(value, where)
    return _text(value)


def _call_block(call: Call, where: str, json_containers: bool = True, checked: bool = False) -> str:
    """One call as the templates write it (``checked``: refuse a name or parameter name the
    parser could not read back)."""
    arguments: dict[str, Any] = json.loads(call.arguments)
    if checked:
        _checked_name(call.name, f"{where}.name")
        _checked_arguments(arguments, where)
    parameters = "".join(
        f"<parameter={key}>\n{_value(value, f'{where}.arguments.{key}', json_containers)}\n</parameter>\n"
        for key, value in arguments.items()
    )
    return f"<tool_call>\n<function={call.name}>\n{parameters}</function>\n</tool_call>"


def render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """What the model writes for a reply with these calls (after the generation prompt), as the
    templates render such a turn: the content (stripped) and a blank line if there is content,
    then one ``<tool_call>`` block per call, joined by newlines. Objects and arrays are written as
    JSON (Qwen3.5's template and the later Qwen3-Coder ones; the release template's Python
    ``str()`` of them would not read back as JSON), strings as they are, other values ``str()``
    (``True``, ``None``: the parser reads those spellings)."""
    blocks = "\n".join(_call_block(call, f"calls[{i}]", checked=True) for i, call in enumerate(calls))
    content = content.strip()
    if content and blocks:
        return f"{content}\n\n{blocks}"
    return content + blocks


def render_tool_results(results: list[str]) -> str:
    """The user turn that carries these tool results, as the release template writes a run of
    tool messages after the assistant's turn: ``<|im_start|>user\\n``, then
    ``<tool_response>\\n{result}\\n</tool_response>\\n`` per result, then ``<|im_end|>\\n``."""
    if not results:
        return ""
    responses = "".join(f"<tool_response>\n{result}\n</tool_response>\n" for result in results)
    return f"{IM_START}user\n{responses}{IM_END}\n"


def _release(tool_list: Any, messages: list[Message], add_generation_prompt: bool) -> str:
    parts: list[str] = []
    rest = messages
    system = None
    if messages and messages[0].role == "system":
        system, rest = messages[0].content, messages[1:]
    if tool_list:
        parts.append(f"{IM_START}system\n{DEFAULT_SYSTEM if system is None else system}\n\n")
        parts.append(render_tools(tool_list))
    elif system is not None:
        parts.append(f"{IM_START}system\n{system}")
    if tool_list or system is not None:
        parts.append(f"{IM_END}\n")
    last = len(rest) - 1
    for i, message in enumerate(rest):
        role, where = message.role, f"messages[{i + len(messages) - len(rest)}]"
        if role == "assistant" and message.calls:
            content = message.content.strip()
            parts.append(f"{IM_START}assistant" + (f"\n{content}\n" if content else ""))
            for j, call in enumerate(message.calls):
                parts.append("\n" + _call_block(call, f"{where}.tool_calls[{j}]", json_containers=False))
            parts.append(f"{IM_END}\n")
        elif role == "tool":
            if i > 0 and rest[i - 1].role != "tool":
                parts.append(f"{IM_START}user\n")
            parts.append(f"<tool_response>\n{message.content}\n</tool_response>\n")
            if i == last or rest[i + 1].role != "tool":
                parts.append(f"{IM_END}\n")
        else:
            parts.append(f"{IM_START}{role}\n{message.content}{IM_END}\n")
    if add_generation_prompt:
        parts.append(f"{IM_START}assistant\n")
    return "".join(parts)


def _last_query(messages: list[Message]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        content = message.content.strip()
        if message.role == "user" and not (
            content.startswith("<tool_response>") and content.endswith("</tool_response>")
        ):
            return index
    raise PromptError("messages: no user query found (Qwen3.5's template needs one)")


def _qwen35(tool_list: Any, messages: list[Message], add_generation_prompt: bool,
            enable_thinking: bool | None) -> str:
    if not messages:
        raise PromptError("messages: none given (Qwen3.5's template needs at least one)")
    parts: list[str] = []
    first = messages[0].content.strip() if messages[0].role == "system" else None
    if tool_list:
        parts.append(f"{IM_START}system\n{render_tools(tool_list, QWEN35)}")
        if first:
            parts.append(f"\n\n{first}")
        parts.append(f"{IM_END}\n")
    elif first is not None:
        parts.append(f"{IM_START}system\n{first}{IM_END}\n")
    last_query = _last_query(messages)
    last = len(messages) - 1
    for i, message in enumerate(messages):
        role, where, content = message.role, f"messages[{i}]", message.content.strip()
        if role == "system":
            if i:
                raise PromptError(f"{where}: a system message must be the first message")
        elif role == "user":
            parts.append(f"{IM_START}user\n{content}{IM_END}\n")
        elif role == "assistant":
            reasoning = message.reasoning
            if not reasoning and "</think>" in content:
                content, reasoning = _split_reasoning(content)
            if i > last_query:
                parts.append(f"{IM_START}assistant\n<think>\n{reasoning.strip()}\n</think>\n\n{content}")
            else:
                parts.append(f"{IM_START}assistant\n{content}")
            for j, call in enumerate(message.calls):
                lead = "\n" if j else "\n\n" if content.strip() else ""
                parts.append(lead + _call_block(call, f"{where}.tool_calls[{j}]"))
            parts.append(f"{IM_END}\n")
        else:
            if i > 0 and messages[i - 1].role != "tool":
                parts.append(f"{IM_START}user")
            parts.append(f"\n<tool_response>\n{content}\n</tool_response>")
            if i == last or messages[i + 1].role != "tool":
                parts.append(f"{IM_END}\n")
    if add_generation_prompt:
        parts.append(f"{IM_START}assistant\n")
        parts.append(THINKING_OFF if enable_thinking is False else "<think>\n")
    return "".join(parts)


def render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    enable_thinking: bool | None = None,
) -> str:
    """The whole prompt, as the variant's template renders it. The release template (default)
    has no reasoning and no thinking switch: ``reasoning_content`` and ``enable_thinking`` are
    ignored, and objects and arrays in call arguments are written as its ``| string`` does
    (Python's ``str()``). ``variant="qwen3.5"``: assistant turns after the last user query carry
    their reasoning in ``<think>`` tags (earlier ones lose it), and the generation prompt opens
    ``<think>\\n`` (parse with ``reasoning="started"``; ``enable_thinking=False`` closes it:
    ``reasoning="off"``; ``streamparse.reasoning_for_prompt`` tells)."""
    chosen = _variant(variant)
    if enable_thinking is not None and type(enable_thinking) is not bool:
        raise PromptError(f"enable_thinking must be None, True or False, not {enable_thinking!r}")
    tool_list = materialize(tools)
    if tool_list:
        tool_entries(tool_list)  # validates, naming the bad entry
    if chosen == QWEN35:
        return _qwen35(tool_list, messages, add_generation_prompt, enable_thinking)
    return _release(tool_list, messages, add_generation_prompt)


Parser = Qwen3CoderParser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""
SPECIAL_TOKENS: dict[str, int] = {}
"""The tags are ordinary tokens (``<tool_call>`` and ``<think>`` are non-special added tokens):
no special token to keep."""

__all__ = [
    "Parser",
    "Qwen3CoderParser",
    "SPECIAL_TOKENS",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
