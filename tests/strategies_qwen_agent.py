"""Hypothesis strategy for ``qwen_agent``: well-formed Qwen-Agent responses (text, calls with their
arguments plain, on the next line or fenced, code blocks, undeclared tools) with the parse they
must give, as ``(text, case)`` like ``qwen2_responses`` in ``strategies.py``."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from strategies import DECLARED, TOOLS, plain_text, qwen2_names, raw_arguments

CODE_TOOL = {"name": "code_interpreter", "description": "Python code sandbox"}
QWEN_AGENT_TOOLS = [*TOOLS, CODE_TOOL]
NAMES = [*DECLARED, CODE_TOOL["name"]]
_MARKERS = ("✿FUNCTION✿:", "✿RESULT✿:", "✿RETURN✿:")

_CODE_PIECES = st.sampled_from(list("abc xyz=()[]{}:.,'\"\\\t\n#+-*/中文🙂é✿") + ["    ", "`", "``"])
code_texts = st.lists(_CODE_PIECES, max_size=30).map("".join).filter(
    lambda code: "```" not in code and not code.endswith("`")  # the closing fence is the first ```
).filter(
    lambda code: not code.lstrip(" \t\r\n").startswith("{")  # that would be a JSON object
)


def _text_line(draw: Any) -> str:
    line = draw(plain_text).rstrip(" \t")
    if draw(st.booleans()):  # a marker mid-line is text
        line = line[: len(line) // 2] + draw(st.sampled_from(_MARKERS)) + " x" + line[len(line) // 2 :]
    if line.lstrip(" \t").startswith(_MARKERS) or not line.strip():  # (after </think> too)
        line = "." + line
    return line


def _arguments(draw: Any, raw: str) -> str:
    """The ✿ARGS✿ line's rest for a JSON object: plain, on the next line, or fenced."""
    style = draw(st.sampled_from(["plain", "next-line", "fenced", "fenced-next-line", "inline"]))
    if style == "plain":
        return f" {raw}"
    if style == "next-line":
        return f"\n{raw}"
    if style == "inline":
        return f" ```{raw}```"
    fence = f"```{draw(st.sampled_from(['', 'json', 'JSON']))}\n{raw}\n```"
    return f" {fence}" if style == "fenced" else f" \n{fence}"


@st.composite
def responses(draw: Any) -> tuple[str, dict[str, Any]]:
    """A well-formed Qwen-Agent response and the parse it must give (ids aside). Items are
    joined by newlines: a newline before a call is framing, one after a call goes with the text
    that follows, and a newline at the very end (after a call) is framing too."""
    tools_declared = draw(st.booleans())
    parts: list[str] = []
    content: list[str] = []
    calls: list[tuple[int, str, dict[str, Any], str]] = []
    errors: list[tuple[Any, ...]] = []
    index = 0
    previous = None
    items = draw(st.lists(st.sampled_from(["text", "call", "call", "code", "unknown"]), max_size=6))
    for item in items:
        if item == "unknown" and not tools_declared:
            continue
        if item == "text":
            lines = [_text_line(draw) for _ in range(draw(st.integers(1, 3)))]
            text = "\n".join(lines)
            if previous == "text":
                content.append("\n")
                parts.append("\n")
            elif previous == "call":
                content.append("\n")  # the newline after a call goes with the text
                parts.append("\n")
            parts.append(text)
            content.append(text)
            previous = "text"
            continue
        if previous is not None:
            parts.append("\n")  # before a call: framing
        if item == "unknown":
            name = "undeclared_" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
        elif tools_declared:
            name = draw(st.sampled_from(NAMES))
        else:
            name = draw(qwen2_names)
        if item == "code":
            code = draw(code_texts)
            language = draw(st.sampled_from(["py", "python", ""]))
            parts.append(f"✿FUNCTION✿: {name}\n✿ARGS✿: ```{language}\n{code}\n```")
            arguments: dict[str, Any] = {"code": code}
            raw = json.dumps(arguments, ensure_ascii=False)
        else:
            arguments, raw = draw(raw_arguments())
            parts.append(f"✿FUNCTION✿: {name}\n✿ARGS✿:{_arguments(draw, raw)}")
        if item == "unknown":
            errors.append((None, name, raw, f"unknown tool {name!r}"))
        else:
            calls.append((index, name, arguments, raw))
            index += 1
        previous = "call"
    if previous == "call" and draw(st.booleans()):
        parts.append(draw(st.sampled_from(["\n", "\n\n", " \n"])))  # framing after the last call
    expected = {"content": "".join(content), "tool_calls": calls, "errors": errors}
    return "".join(parts), {"tools": QWEN_AGENT_TOOLS if tools_declared else None, "expected": expected}
