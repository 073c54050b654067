"""Hypothesis strategy for ``hermes``: well-formed Qwen2.5/Qwen3 responses (an optional reasoning
section, text, calls in the usual wrapper and in the wrappers the held fallback reads, undeclared
tools) with the parse they must give, as ``(text, case)`` like ``qwen2_responses`` in
``strategies.py``. Whitespace follows contract v2: between text and a call, between calls and
after the last call it is framing; after a call that text follows it is that text's."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from strategies import DECLARED, TOOLS, plain_text, raw_arguments

_SEPARATORS = st.sampled_from(["", "\n", "\n\n", " ", "\r\n"])
_NAMES = st.sampled_from(DECLARED) | st.text(
    st.characters(exclude_categories=("Cs",)), min_size=1, max_size=16
)
# The wrapper's forms: the usual one (its rest after the arguments framing, the closing tag
# optional), and the ones held until the object closes.
_STYLES = ["usual", "usual", "compact", "spaced", "members-after", "no-closing-tag", "reversed",
           "parameters", "member-before", "string", "missing"]


def _text(draw: Any) -> str:
    """Text that is no call: ``<tool_call>`` may appear in it, followed by something else."""
    text = draw(plain_text).strip(" \t\r\n")
    if draw(st.booleans()):  # "." first: after a call, a closing tag would be its framing
        text = "." + text + draw(st.sampled_from(["<tool_call> x", "<tool_call>x", "</tool_call>"])) + text
    return text or "."


def _wrapper(draw: Any, name: str, raw: str) -> tuple[str, str, dict[str, Any] | None]:
    """One call's text, the raw arguments it must give, and its arguments if not ``raw``'s."""
    quoted = json.dumps(name, ensure_ascii=draw(st.booleans()))
    style = draw(st.sampled_from(_STYLES))
    opening = "<tool_call>" + draw(st.sampled_from(["\n", "", " ", "\n\n"]))
    closing = draw(st.sampled_from(["\n", "", " \n"])) + "</tool_call>"
    if style == "no-closing-tag":
        closing = ""
    if style in ("usual", "no-closing-tag"):
        body = f'{{"name": {quoted}, "arguments": {raw}}}'
    elif style == "compact":
        body = f'{{"name":{quoted},"arguments":{raw}}}'
    elif style == "spaced":
        body = f'{{\n  "name" : {quoted} ,\n  "arguments" :\n{raw}\n}}'
    elif style == "members-after":
        body = f'{{"name": {quoted}, "arguments": {raw}, "id": "call_1", "more": [{{"x": "}}"}}]}}'
    elif style == "reversed":
        body = f'{{"arguments": {raw}, "name": {quoted}}}'
    elif style == "parameters":
        body = f'{{"name": {quoted}, "parameters": {raw}}}'
    elif style == "member-before":
        body = f'{{"id": 7, "name": {quoted}, "arguments": {raw}}}'
    elif style == "string":
        body = f'{{"name": {quoted}, "arguments": {json.dumps(raw, ensure_ascii=False)}}}'
    else:
        return f'{opening}{{"name": {quoted}}}{closing}', "{}", {}
    return f"{opening}{body}{closing}", raw, None


@st.composite
def responses(draw: Any, reasoning_section: bool = False) -> tuple[str, dict[str, Any]]:
    """A well-formed ``hermes`` response and the parse it must give (ids aside); with
    ``reasoning_section``, sometimes after a ``<think>`` section (the registry's properties add
    their own, so by default there is none)."""
    tools_declared = draw(st.booleans())
    parts: list[str] = []
    content: list[str] = []
    reasoning = ""
    if reasoning_section and draw(st.booleans()):
        reasoning = draw(plain_text)
        parts.append(f"<think>\n{reasoning}\n</think>\n\n")
    calls: list[tuple[int, str, dict[str, Any], str]] = []
    errors: list[tuple[Any, ...]] = []
    index = 0
    previous = None
    for item in draw(st.lists(st.sampled_from(["text", "call", "call", "unknown"]), max_size=6)):
        if item == "unknown" and not tools_declared:
            item = "call"
        separator = draw(_SEPARATORS)
        if item == "text":
            text = _text(draw)
            if previous is None and reasoning:
                separator = ""  # whitespace after </think> is framing
            if previous == "text":
                separator = separator or " "
            parts.append(separator + text)
            content.append(separator + text)  # after a call, or at the start, it is text
            previous = "text"
            continue
        parts.append(separator)  # before a call: framing
        if item == "unknown":
            name = "undeclared_" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
        else:
            name = draw(st.sampled_from(DECLARED)) if tools_declared else draw(_NAMES)
        arguments, raw = draw(raw_arguments())
        call_text, call_raw, decoded = _wrapper(draw, name, raw)
        parts.append(call_text)
        if item == "call":
            calls.append((index, name, arguments if decoded is None else decoded, call_raw))
            index += 1
        else:
            errors.append((None, name, call_raw, f"unknown tool {name!r}"))
        previous = "call"
    if previous == "call":
        parts.append(draw(_SEPARATORS))  # after the last call: framing
    expected: dict[str, Any] = {"content": "".join(content), "tool_calls": calls, "errors": errors}
    if reasoning:
        expected["reasoning"] = reasoning
    return "".join(parts), {"tools": TOOLS if tools_declared else None, "expected": expected}
