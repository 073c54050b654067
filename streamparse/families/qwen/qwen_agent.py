"""Format ``qwen_agent``: what Qwen2 writes with Qwen-Agent's function-calling prompt.

    I'll check both cities.
    ✿FUNCTION✿: get_current_weather
    ✿ARGS✿: {"location": "Boston"}
    ✿FUNCTION✿: code_interpreter
    ✿ARGS✿: ```py
    print(2**10)
    ```

States and what moves between them (contract v2, "Format ``qwen_agent``", with version 2's
framing of the whitespace around calls, ``framing = "v2"``):

    text    --line start, "✿FUNCTION✿:"-->                  header
    text    --line start, "✿RESULT✿:" or "✿RETURN✿:"-->      rest (they and all after them are text)
    header  --"✿FUNCTION✿: name\\n✿ARGS✿:[ \\t]*", then the arguments' start, read by qwen2's rules:
              "{" ---------------------------------------->  call (JSON, to the matching "}")
              a fence, then whitespace, then "{" ---------->  call (JSON), then fence
              a fence, then anything else ------------------>  call (code: to the closing fence)
              "\\n" then [ \\t]* "{" or a fence (pretty-printed) ->  as above, from the next line
              any other character -------------------------->  call (to the end of the line; an error)
    header  --second line is not "✿ARGS✿:", or too long-->     text (the ✿FUNCTION✿ line is text)
    call    --end of the arguments-->                      text "after a call" (fenced: fence first)
    fence   --[ \\t\\r\\n]* "```" (framing)-->                text "after a call"
    fence   --anything else-->                             text "after a call"
    rest    --(nothing)-->                                 rest

A fenced block whose first non-whitespace character is not ``{`` is code (Qwen-Agent's
``code_interpreter`` convention): its arguments are ``{"code": CONTENT}``, a JSON text the parser
builds and streams (``{"code": "``, the content JSON-escaped as it arrives, ``"}`` at the closing
fence); CONTENT is the block from the line after the opening fence (or right after the fence and
its spaces, when no newline follows a language word) to the closing fence, less the one newline
right before that fence. A fenced block that starts with ``{`` is a JSON object like any other
(invalid JSON there is an error, not code: its raw characters were already streamed).

Held back: in ``text``, trailing whitespace (it is framing if a call follows) and a last line that
could still begin a marker; in ``header``, the header; after a fenced call, what could still be
its closing fence; inside a code block, a newline and up to two backticks at the end of a delta.

The prompt renderer is in the second half of this file (``streamparse.prompts`` for this format):
exactly the prompt Qwen-Agent builds for Qwen2 with ``fncall_prompt_type="qwen"``, rendered against
QwenLM/Qwen-Agent at bb52139da62c717231ce558fb5cf6400fe07b9be (``qwen_agent/llm/fncall_prompts/
qwen_fncall_prompt.py``, the same file as in the qwen-agent 0.0.34 release, whose chat pipeline
in ``llm/base.py`` and ``llm/function_calling.py`` is followed too), in Qwen2's ChatML frame:

    <|im_start|>system
    {system}

    # Tools

    ## You have access to the following tools:

    ### get_current_weather

    get_current_weather: Get the weather Parameters: {...} Format the arguments as a JSON object.

    ## When you need to call a tool, please insert the following command in your reply, ...
    ...<|im_end|>
    <|im_start|>user
    What's the weather in Boston?

    ✿FUNCTION✿: get_current_weather
    ✿ARGS✿: {"location": "Boston"}
    ✿RESULT✿: 22 degrees
    ✿RETURN✿<|im_end|>
    <|im_start|>assistant

Calls and results continue the assistant's text (``✿RESULT✿: ...`` then ``✿RETURN✿: `` and the
reply); when the conversation ends inside that assistant turn, Qwen-Agent moves the turn into the
user message before it (after a blank line) and the model answers in a new assistant turn, as
above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import Any

from ...engine import Body, Engine, NeedMore, NotHeader, Opened, State, Truncated, Until
from ...tools import Tool
from .._render import Call, Message, PromptError, dump_json, materialize, tool_entries
from .chatml import DEFAULT_SYSTEM, GENERATION_PROMPT, IM_END, IM_START
from .qwen2 import _FENCE, _FENCE_WORD, _arguments_start, _prefixes

FN_NAME, FN_ARGS, FN_RESULT, FN_EXIT = "✿FUNCTION✿", "✿ARGS✿", "✿RESULT✿", "✿RETURN✿"
_FUNCTION = FN_NAME + ":"
_ARGS = FN_ARGS + ":"
_ARGS_HEAD = re.compile(re.escape(_ARGS) + r"[ \t]*")
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_STOP_WORDS = (FN_RESULT + ":", FN_EXIT + ":")
_MARKER_LINES = (_FUNCTION, *_STOP_WORDS)


# ---- the parser -------------------------------------------------------------------------------


def read_header(
    parser: Engine, buf: str, start: int, base: int, final: bool
) -> Opened | NotHeader | NeedMore | Truncated:
    """``✿FUNCTION✿: name\\n✿ARGS✿:[ \\t]*`` and the arguments' start, from ``buf[start]``: the
    arguments may start on the next line, or in a fence (qwen2's rules), and a fenced block that
    is not a JSON object is code."""
    n = len(buf)
    # The name line's newline: searched from where the last feed stopped (a long name is held
    # across many deltas, never searched again from the header's start).
    newline = buf.find("\n", max(start, parser.header_seen - base))
    if newline < 0:
        parser.header_seen = base + n
        return NeedMore()
    name_end = newline + 1
    name = buf[start + len(_FUNCTION) : newline].strip()
    head = _ARGS_HEAD.match(buf, name_end)
    if head is None:
        rest = buf[name_end : name_end + len(_ARGS)]
        if name_end + len(rest) < n or not _ARGS.startswith(rest) or not name:
            return NotHeader(_line_end(buf, start, newline))  # the ✿FUNCTION✿ line was text
        # the stream ended after the name line (or in "✿ARGS✿:"): a call that never came
        return Truncated(name) if final else NeedMore(name_end)
    if not name:
        return NotHeader(_line_end(buf, start, newline))
    if final:
        return Truncated(name)
    arguments = _arguments_start(buf, head.end())
    if arguments is None:
        return NeedMore(name_end)
    at, body, fenced = arguments
    if isinstance(body, Until):  # fenced, and not "{" right away: whitespace, then it decides
        value = _WHITESPACE.match(buf, at).end()  # type: ignore[union-attr]
        if value == n:
            return NeedMore(name_end)
        if buf[value] == "{":
            return Opened(name, value, "json", "fence", name_end)
        return Opened(name, _code_start(buf, buf.rfind(_FENCE, head.end(), at)), CodeBody(), "text",
                      name_end)
    return Opened(name, at, body, "fence" if fenced and body == "json" else "text", name_end)


def _line_end(buf: str, start: int, newline: int) -> int:
    """Where a line that is text ends: before its trailing whitespace and newline, which the
    text state reads again (framing if a call opener follows)."""
    return start + len(buf[start:newline].rstrip(" \t\r"))


def _code_start(buf: str, fence: int) -> int:
    """Where a code block's content starts, ``buf[fence]`` being its opening fence: after the
    fence line's newline; when a language word is not followed by one, the word is content."""
    opening = _FENCE_WORD.match(buf, fence)
    assert opening is not None
    after = opening.end()
    if buf[after] == "\n":
        return after + 1
    return fence + len(_FENCE) if opening.group(1) else after


_CODE_PREFIX, _CODE_SUFFIX = '{"code": "', '"}'
_CODE_END = re.compile(r"\n?```")  # the closing fence, with the newline before it
_CODE_HOLD = re.compile(r"\n?`{0,2}\Z")  # what could still begin it


def _escaped(text: str) -> str:
    """``text`` JSON-escaped as ``json.dumps(text, ensure_ascii=False)`` escapes it (the same
    function, without the quotes and the encoder set-up)."""
    return encode_basestring(text)[1:-1]


class CodeBody(Body):
    """A fenced block that is not a JSON object: ``{"code": CONTENT}``, built and streamed as the
    content arrives (``json.dumps`` escaping, ``ensure_ascii=False``), ended by the closing fence,
    which is framing with the newline before it."""

    __slots__ = ("content", "opened")

    def __init__(self) -> None:
        self.content: list[str] = []
        self.opened = False

    def _piece(self, parser: Any, text: str, end: int, last: bool = False) -> None:
        piece = _escaped(text)
        if not self.opened and (piece or last):
            piece = _CODE_PREFIX + piece
            self.opened = True
        if last:
            piece += _CODE_SUFFIX
        if piece:
            self.content.append(text)
            parser._call_piece(piece, end)

    def scan(self, parser: Any, buf: str, i: int, base: int) -> int:
        close = _CODE_END.search(buf, i)
        if close is None:
            hold = _CODE_HOLD.search(buf, max(i, len(buf) - 3))
            stop = hold.start() if hold is not None else len(buf)
            self._piece(parser, buf[i:stop], base + stop)
            return stop
        self._piece(parser, buf[i : close.start()], base + close.start(), last=True)
        parser._close_call(base + close.end(), parsed={"code": "".join(self.content)})
        return close.end()

    def finish(self, parser: Any, buf: str, base: int) -> None:
        if buf or not self.opened:  # held as a possible closing fence: content after all
            self._piece(parser, buf, base + len(buf))
        # left open: the engine fails the call as truncated

    def may_hold(self, held: str) -> bool:
        return _CODE_HOLD.fullmatch(held) is not None


def _enter_rest(
    parser: Engine, buf: str, start: int, base: int, final: bool
) -> Opened | NotHeader | NeedMore | Truncated:
    """``✿RESULT✿:`` or ``✿RETURN✿:`` at a line start (stop words, normally never generated):
    they and everything after them are text."""
    parser._state = "rest"
    return NotHeader(start + len(_STOP_WORDS[0]))  # both are as long


def _may_begin_marker(line: str) -> bool:
    return any(marker.startswith(line) for marker in _MARKER_LINES)


def _may_close_fence(rest: str) -> bool:
    return _FENCE.startswith(rest.lstrip(" \t\r\n"))


# What may be held outside a call (invariant 3): whitespace (framing if a call follows, or what
# follows a fenced call before its closing fence), then the start of a marker line or a header.
_HOLDABLE = re.compile(
    r"[ \t\r\n]*(?:`{0,2}|" + "|".join(_prefixes(marker) for marker in _MARKER_LINES)
    + "|" + re.escape(_FUNCTION) + r"[^\n]*(?:\n(?:" + _prefixes(_ARGS)
    + "|" + re.escape(_ARGS) + r"[ \t]*(?:\n[ \t]*)?(?:`{0,3}|```[A-Za-z]*[ \t\r\n]*)))?)"
)


class QwenAgentParser(Engine):
    """The ``qwen_agent`` format, declared: a call begins at ``✿FUNCTION✿:`` at a line start."""

    format_name = "qwen_agent"
    default_reasoning = "off"
    framing = "v2"
    initial = "text"
    states = {
        "text": State(
            markers={"call": "^" + re.escape(_FUNCTION),
                     "stop": "^(?:" + "|".join(map(re.escape, _STOP_WORDS)) + ")"},
            readers={"call": read_header, "stop": _enter_rest},
            line_start=True,
            may_begin=_may_begin_marker,
        ),
        # after a fenced object: whitespace and the closing fence are framing
        "fence": State(markers={"close": r"[ \t\r\n]*```"}, anchored=True, otherwise="text",
                       may_begin=_may_close_fence),
        # after a generated ✿RESULT✿ or ✿RETURN✿: text to the end
        "rest": State(markers={"never": "(?!)"}),
    }
    # Mid-line, only a newline can lead to a marker; trailing whitespace may be framing.
    _text_stop = re.compile(r"\n|[ \t\r]\Z")
    framing_tokens = re.compile(_FENCE)  # a fenced call's closing fence
    call_opener = re.compile(re.escape(_FUNCTION))
    call_opener_prefix = re.compile(_prefixes(_FUNCTION))

    def _may_hold(self, held: str) -> bool:
        return _HOLDABLE.fullmatch(held) is not None


# ---- the prompt renderer ----------------------------------------------------------------------
#
# Facts from Qwen-Agent's qwen_fncall_prompt.py (the revision above): the tool block's texts in
# English and Chinese, single and parallel, and the one-tool description. Written out as data;
# the rendering below is this project's own.

_INFO = {
    "en": "# Tools\n\n## You have access to the following tools:\n\n",
    "zh": "# 工具\n\n## 你拥有如下工具：\n\n",
}
_HOW = {
    ("en", "default"): (
        "## When you need to call a tool, please insert the following command in your reply, "
        "which can be called zero or multiple times according to your needs:\n\n"
        f"{FN_NAME}: The tool to use, should be one of [{{names}}]\n"
        f"{FN_ARGS}: The input of the tool\n"
        f"{FN_RESULT}: Tool results\n"
        f"{FN_EXIT}: Reply based on tool results. Images need to be rendered as ![](url)"
    ),
    ("zh", "default"): (
        "## 你可以在回复中插入零次、一次或多次以下命令以调用工具：\n\n"
        f"{FN_NAME}: 工具名称，必须是[{{names}}]之一。\n"
        f"{FN_ARGS}: 工具输入\n"
        f"{FN_RESULT}: 工具结果\n"
        f"{FN_EXIT}: 根据工具结果进行回复，需将图片用![](url)渲染出来"
    ),
    ("en", "parallel"): (
        "## Insert the following command in your reply when you need to call N tools in "
        "parallel:\n\n"
        f"{FN_NAME}: The name of tool 1, should be one of [{{names}}]\n"
        f"{FN_ARGS}: The input of tool 1\n"
        f"{FN_NAME}: The name of tool 2\n"
        f"{FN_ARGS}: The input of tool 2\n"
        "...\n"
        f"{FN_NAME}: The name of tool N\n"
        f"{FN_ARGS}: The input of tool N\n"
        f"{FN_RESULT}: The result of tool 1\n"
        f"{FN_RESULT}: The result of tool 2\n"
        "...\n"
        f"{FN_RESULT}: The result of tool N\n"
        f"{FN_EXIT}: Reply based on tool results. Images need to be rendered as ![](url)"
    ),
    ("zh", "parallel"): (
        "## 你可以在回复中插入以下命令以并行调用N个工具：\n\n"
        f"{FN_NAME}: 工具1的名称，必须是[{{names}}]之一\n"
        f"{FN_ARGS}: 工具1的输入\n"
        f"{FN_NAME}: 工具2的名称\n"
        f"{FN_ARGS}: 工具2的输入\n"
        "...\n"
        f"{FN_NAME}: 工具N的名称\n"
        f"{FN_ARGS}: 工具N的输入\n"
        f"{FN_RESULT}: 工具1的结果\n"
        f"{FN_RESULT}: 工具2的结果\n"
        "...\n"
        f"{FN_RESULT}: 工具N的结果\n"
        f"{FN_EXIT}: 根据工具结果进行回复，需将图片用![](url)渲染出来"
    ),
}
# One tool: "### {name_for_human}\n\n{name_for_model}: {description} Parameters: {parameters JSON}
# {args_format}", right-stripped; the default arguments hint depends on whether the tool is the
# code interpreter.
_PARAMETERS = {"en": " Parameters: ", "zh": " 输入参数："}
_ARGS_FORMAT = {
    ("en", False): "Format the arguments as a JSON object.",
    ("zh", False): "此工具的输入应为JSON对象。",
    ("en", True): "Enclose the code within triple backticks (`) at the beginning and end of the code.",
    ("zh", True): "此工具的输入应为Markdown代码块。",
}
_CODE_INTERPRETER = "code_interpreter"
# Without tools, Qwen-Agent writes past calls and results into user text instead.
_CALLED = {
    "en": '\n\nThe tool "{name}" was called with these arguments: \n{arguments}',
    "zh": '\n\n工具"{name}"被调用时使用了以下参数：\n{arguments}',
}
_RETURNED = {
    "en": "\n\nThe tool has returned the following result: \n{result}",
    "zh": "\n\n该工具返回了以下结果：\n{result}",
}
_RESULT_OPEN, _RESULT_CLOSE = f"\n{FN_RESULT}: ", f"\n{FN_EXIT}: "
_CONTINUE = "\n\n"  # between the user message and the assistant turn moved into it

LANGS = ("en", "zh")
VARIANTS = ("default", "parallel")
DEFAULT_VARIANT = "default"


def _checked(variant: str | None, lang: str) -> str:
    variant = variant or DEFAULT_VARIANT
    if variant not in VARIANTS:
        known = ", ".join(repr(v) for v in VARIANTS)
        raise PromptError(f"unknown qwen_agent prompt variant {variant!r}; known: {known}")
    if lang not in LANGS:
        known = ", ".join(repr(v) for v in LANGS)
        raise PromptError(f"unknown qwen_agent prompt language lang={lang!r}; known: {known}")
    return variant


def _words(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise PromptError(f"{where} must be a string, not {type(value).__name__}")
    return value


def _tool_description(tool: Tool, function: dict[str, Any], lang: str, where: str) -> str:
    """One tool as Qwen-Agent describes it. The function dict's own ``name_for_human``,
    ``name_for_model`` and ``args_format`` are used when present, as Qwen-Agent does."""
    name_for_human = _words(function.get("name_for_human", tool.name), f"{where}.name_for_human")
    name_for_model = _model_name(tool, function, where)
    description = _words(function.get("description", tool.description), f"{where}.description")
    parameters = dump_json(function.get("parameters", tool.parameters), f"{where}.parameters")
    default_format = _ARGS_FORMAT[(lang, name_for_model == _CODE_INTERPRETER)]
    args_format = _words(function.get("args_format", default_format), f"{where}.args_format")
    return (
        f"### {name_for_human}\n\n{name_for_model}: {description}"
        f"{_PARAMETERS[lang]}{parameters} {args_format}"
    ).rstrip()


def _model_name(tool: Tool, function: dict[str, Any], where: str) -> str:
    return _words(function.get("name_for_model", tool.name), f"{where}.name_for_model")


def render_tools(
    tools: Iterable[Tool | dict[str, Any]] | None, variant: str | None = None, *, lang: str = "en"
) -> str:
    """Qwen-Agent's tool block (what it appends to the system message after a blank line):
    ``variant="parallel"`` for its parallel-calls instructions, ``lang="zh"`` for Chinese."""
    variant = _checked(variant, lang)
    entries = tool_entries(tools)
    descriptions = "\n\n".join(
        _tool_description(tool, function, lang, f"tools[{i}]")
        for i, (tool, function) in enumerate(entries)
    )
    names = ",".join(_model_name(tool, function, f"tools[{i}]") for i, (tool, function) in enumerate(entries))
    return _INFO[lang] + descriptions + "\n\n" + _HOW[(lang, variant)].format(names=names)


def _call_text(call: Call, where: str) -> str:
    name = call.name
    if "\n" in name or name != name.strip() or not name:
        raise PromptError(f"{where}: the name must be one line without surrounding whitespace")
    return f"{FN_NAME}: {name}\n{FN_ARGS}: {call.arguments}"


def render_assistant_calls(calls: list[Call], content: str = "") -> str:
    """The assistant text for a reply with these calls: the content, then per call
    ``✿FUNCTION✿: name`` and ``✿ARGS✿: {...}`` on the next line, each call on a new line after
    what comes before it (Qwen-Agent's history rendering of a reply that starts a turn)."""
    pieces = [content] if content else []
    pieces += [_call_text(call, f"calls[{i}]") for i, call in enumerate(calls)]
    return "\n".join(pieces)


def render_tool_results(results: list[str]) -> str:
    """``\\n✿RESULT✿: {result}`` per result, in call order, then ``\\n✿RETURN✿: ``, after which
    the reply follows (the text after ``render_assistant_calls``; at the end of a prompt
    ``render_prompt`` ends at ``✿RETURN✿``, as Qwen-Agent does)."""
    return "".join(f"{_RESULT_OPEN}{result}" for result in results) + _RESULT_CLOSE


def _history(messages: list[Message], with_tools: bool, lang: str) -> list[list[str]]:
    """The conversation as Qwen-Agent's preprocessing leaves it: [role, text] turns, an
    assistant's calls, results and continuation merged into one assistant text (with tools), or
    written into user text (without)."""
    turns: list[list[str]] = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        role = message.role
        previous = turns[-1][0] if turns else ""
        if role == "tool":
            if not with_tools:
                _user_text(turns, _RETURNED[lang].format(result=message.content))
                continue
            if previous != "assistant":
                raise PromptError(f"{where}: a tool result must follow an assistant message")
            text = turns[-1][1]
            if text.endswith(_RESULT_CLOSE):  # the next result of parallel calls
                text = text[: -len(_RESULT_CLOSE)]
            turns[-1][1] = text + _RESULT_OPEN + message.content + _RESULT_CLOSE
        elif role == "assistant":
            # Qwen-Agent's messages: the content (if any), then one message per call
            if message.content or not message.calls:
                if with_tools:
                    _assistant_text(turns, message.content)
                else:  # without tools, each message is its own turn
                    turns.append(["assistant", message.content])
            for j, call in enumerate(message.calls):
                if with_tools:
                    continuing = turns and turns[-1][0] == "assistant"
                    call_text = _call_text(call, f"{where}.tool_calls[{j}]")
                    _assistant_text(turns, ("\n" if continuing else "") + call_text)
                else:
                    _user_text(turns, _CALLED[lang].format(name=call.name, arguments=call.arguments))
        else:
            if role == "user" and previous == "user" and not with_tools:
                turns.append(["assistant", "..."])  # Qwen-Agent keeps two user turns apart
            turns.append([role, message.content])
    return turns


def _assistant_text(turns: list[list[str]], text: str) -> None:
    if turns and turns[-1][0] == "assistant":
        turns[-1][1] += text
    else:
        turns.append(["assistant", text])


def _user_text(turns: list[list[str]], text: str) -> None:
    if not turns or turns[-1][0] != "user":
        turns.append(["user", ""])
    turns[-1][1] += text


def render_prompt(
    tools: Iterable[Tool | dict[str, Any]] | None,
    messages: list[Message],
    *,
    add_generation_prompt: bool = True,
    variant: str | None = None,
    lang: str = "en",
) -> str:
    """The whole prompt, as Qwen-Agent (``fncall_prompt_type="qwen"``, ``function_choice=
    "auto"``) hands it to Qwen2's chat template. The tool block goes after the system message
    and a blank line (alone, without one). An assistant turn with calls, their results and the
    continuation is one text; with a generation prompt, a conversation that ends in such a turn
    has it moved into the user message before it (after a blank line), ending at ``✿RETURN✿``.
    Without tools, calls and results are written into user messages, as Qwen-Agent does when no
    functions are given. ``reasoning_content`` is not shown (Qwen-Agent's prompt has none)."""
    variant = _checked(variant, lang)
    tool_list = materialize(tools)
    with_tools = bool(tool_list)
    turns = _history(messages, with_tools, lang)
    if with_tools:
        tool_block = render_tools(tool_list, variant, lang=lang)
        if turns and turns[0][0] == "system":
            turns[0][1] += "\n\n" + tool_block
        else:
            turns.insert(0, ["system", tool_block])
        last = turns[-1]
        if last[0] == "assistant" and last[1].endswith(f"{FN_EXIT}: "):
            last[1] = last[1][:-2]  # Qwen-Agent leaves ": " to the model (it may be one token)
    if add_generation_prompt and turns and turns[-1][0] == "assistant":
        # Qwen-Agent continues an assistant turn by moving it into the user message before it
        if len(turns) < 2 or turns[-2][0] != "user":
            raise PromptError(
                "messages: a conversation that ends inside an assistant turn must have a user "
                "message right before that turn (Qwen-Agent continues it from there)"
            )
        assistant = turns.pop()
        turns[-1][1] += _CONTINUE + assistant[1]
    parts = []
    if not turns or turns[0][0] != "system":
        parts.append(f"{IM_START}system\n{DEFAULT_SYSTEM}{IM_END}\n")
    parts += [f"{IM_START}{role}\n{text}{IM_END}\n" for role, text in turns]
    if add_generation_prompt:
        parts.append(GENERATION_PROMPT)
    return "".join(parts)


Parser = QwenAgentParser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""
SPECIAL_TOKENS: dict[str, int] = {}
"""The ✿ markers are plain text in Qwen2's vocabulary: no special tokens."""

__all__ = [
    "FN_ARGS",
    "FN_EXIT",
    "FN_NAME",
    "FN_RESULT",
    "Parser",
    "QwenAgentParser",
    "SPECIAL_TOKENS",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
