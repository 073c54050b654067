"""Hypothesis strategy for ``qwen3_coder``: well-formed Qwen3-Coder responses (text, calls wrapped
in ``<tool_call>`` or bare at a line start, values of every schema type, strings with literal
tags, whitespace and non-ASCII, undeclared tools) with the parse they must give, as
``(text, case)`` like ``qwen2_responses`` in ``strategies.py``."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from strategies import plain_text

TOOLS = [
    {"type": "function", "function": {"name": "read_file", "parameters": {"type": "object", "properties": {
        "path": {"type": "string"}, "limit": {"type": "integer"}, "offset": {"type": ["integer", "null"]},
    }}}},
    {"type": "function", "function": {"name": "edit.apply-patch", "parameters": {"type": "object", "properties": {
        "patch": {"type": "string"}, "dry_run": {"type": "boolean"}, "options": {"type": "object"},
        "files": {"type": "array"}, "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "ratio": {"type": "number"},
    }}}},
    {"name": "天气查询", "description": "no schema: every value a string"},
]
DECLARED = [tool.get("function", tool)["name"] for tool in TOOLS]
PROPERTIES: dict[str, dict[str, Any]] = {
    tool.get("function", tool)["name"]: tool.get("function", tool).get("parameters", {}).get("properties", {})
    for tool in TOOLS
}

_STRING_PIECES = st.sampled_from(
    list("ab XY.,:!?{}\"'\\<>/=&\t\n中文🙂é") + ["    ", "\n\n", "</parameter", "<parameter=", "</function",
                                            "<tool_call>", "</tool_call>", "<think>", "02139", "null"]
)
strings = st.lists(_STRING_PIECES, max_size=10).map("".join).filter(
    lambda s: "</parameter>" not in s and "</function>" not in s and "<parameter=" not in s
)
_JSON_SCALARS = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(st.sampled_from(list('ab"\\<>中 ')), max_size=4)
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(st.text(st.sampled_from(list("abc")), max_size=3), inner, max_size=3),
                            max_leaves=5)


def _value(draw: Any, schema: dict[str, Any]) -> tuple[str, Any, str]:
    """A value for ``schema``: (the text the model writes, the parsed value, its JSON)."""
    kind = schema.get("type")
    if kind == "integer" or kind == ["integer", "null"]:
        if kind != "integer" and draw(st.booleans()):
            spelling = draw(st.sampled_from(["null", "None", "none"]))
            return spelling, None, "null"
        number = draw(st.integers(-10**9, 10**9))
        return draw(st.sampled_from(["", " ", "\t"])) + str(number), number, str(number)
    if kind == "number":
        number = draw(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-99, 99))
        return repr(number), number, repr(number)
    if kind == "boolean":
        flag = draw(st.booleans())
        spelling = draw(st.sampled_from([str(flag), str(flag).lower(), str(flag).upper()]))
        return spelling, flag, str(flag).lower()
    if kind in ("object", "array"):
        value = draw(st.dictionaries(st.text(st.sampled_from(list("xyz")), max_size=3), _JSON_VALUES, max_size=3)
                     if kind == "object" else st.lists(_JSON_VALUES, max_size=3))
        written = json.dumps(value, ensure_ascii=False, indent=draw(st.sampled_from([None, 2])))
        return written, value, written
    if "anyOf" in schema and draw(st.booleans()):
        return "None", None, "null"
    text = draw(strings)
    return text, text, json.dumps(text, ensure_ascii=False)


def _call(draw: Any, name: str, typed: bool) -> tuple[str, dict[str, Any], str]:
    """A call's XML, its arguments and the JSON the parser builds."""
    properties = PROPERTIES.get(name, {}) if typed else {}
    keys = list(properties) or ["a", "b", "long key"]
    chosen = draw(st.lists(st.sampled_from(keys), max_size=4, unique=True))  # a repeated key: the golden cases
    xml, arguments, members = [], {}, []
    for key in chosen:
        written, value, as_json = _value(draw, properties.get(key, {"type": "string"}))
        xml.append(f"<parameter={key}>\n{written}\n</parameter>\n")
        arguments[key] = value
        members.append(f"{json.dumps(key, ensure_ascii=False)}: {as_json}")
    body = f"<function={name}>\n" + "".join(xml) + "</function>"
    if draw(st.booleans()):
        body = "<tool_call>\n" + body + "\n</tool_call>"
    return body, arguments, "{" + ", ".join(members) + "}" if members else "{}"


def _text(draw: Any) -> str:
    lines = [draw(plain_text).strip(" \t\r\n") or "." for _ in range(draw(st.integers(1, 3)))]
    return "\n".join(line if not line.startswith("<") else "." + line for line in lines)


@st.composite
def responses(draw: Any) -> tuple[str, dict[str, Any]]:
    """A well-formed Qwen3-Coder response and the parse it must give (ids aside). Items are
    joined by newlines: a newline before a call is framing, one after a call goes with the text
    that follows, and one at the very end (after a call) is framing too."""
    tools_declared = draw(st.booleans())
    parts: list[str] = []
    content: list[str] = []
    calls: list[tuple[int, str, dict[str, Any], str]] = []
    errors: list[tuple[Any, ...]] = []
    index = 0
    previous = None
    for item in draw(st.lists(st.sampled_from(["text", "call", "call", "unknown"]), max_size=6)):
        if item == "unknown" and not tools_declared:
            continue
        if item == "text":
            if previous is not None:
                parts.append("\n")
                content.append("\n")  # between texts, or after a call: goes with the text
            text = _text(draw)
            parts.append(text)
            content.append(text)
            previous = "text"
            continue
        if previous is not None:
            parts.append("\n")  # before a call: framing
        if item == "unknown":
            name = "undeclared_" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
        elif tools_declared:
            name = draw(st.sampled_from(DECLARED))
        else:
            name = draw(st.sampled_from(DECLARED) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,20}", fullmatch=True))
        xml, arguments, raw = _call(draw, name, tools_declared)
        parts.append(xml)
        if item == "call":
            calls.append((index, name, arguments, raw))
            index += 1
        else:
            errors.append((None, name, raw, f"unknown tool {name!r}"))
        previous = "call"
    if previous == "call" and draw(st.booleans()):
        parts.append(draw(st.sampled_from(["\n", "\n\n", " "])))  # after the last call: framing
    expected = {"content": "".join(content), "tool_calls": calls, "errors": errors}
    return "".join(parts), {"tools": TOOLS if tools_declared else None, "expected": expected}
