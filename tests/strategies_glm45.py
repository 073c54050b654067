"""Hypothesis strategy of well-formed ``glm45`` responses (GLM-4.5/4.6's layout, newlines between
the parts, with other whitespace drawn too) and the parse each must give, like ``qwen2_responses``
in tests/strategies.py: ``responses()`` draws ``(text, case)`` with ``case = {"tools": ...,
"expected": {"content", "tool_calls": [(index, name, arguments, raw)], "errors": [...]}}``.

The expected arguments JSON is built as contract v2 says an XML format streams it: ``{"key": ``,
string values escaped as ``json.dumps(..., ensure_ascii=False)``, numbers, objects and arrays as
written (whitespace around them dropped), booleans and null spelled ``true``/``false``/``null``,
``, `` between members. ``layout(draw)`` and the text around calls are shared with
tests/strategies_glm47.py.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {"name": "probe", "parameters": {"type": "object", "properties": {
        "s": {"type": "string"}, "i": {"type": "integer"}, "n": {"type": "number"},
        "b": {"type": "boolean"}, "z": {"type": ["string", "null"]}, "o": {"type": "object"},
        "a": {"type": "array"}, "e": {"enum": ["x", "y"]}}}}},
    {"type": "function", "function": {"name": "get_current_time",
                                      "parameters": {"type": "object", "properties": {}}}},
    {"name": "天气查询", "parameters": {"type": "object", "properties": {"城市": {"type": "string"}}}},
    {"name": "github.create-issue", "parameters": {"type": "object", "properties": {
        "title": {"type": "string"}, "labels": {"type": "array"}}}},
]
DECLARED = [tool.get("function", tool)["name"] for tool in TOOLS]
PARAMS = {tool.get("function", tool)["name"]: tool.get("function", tool)["parameters"]["properties"]
          for tool in TOOLS}

_VALUE_CHARS = st.sampled_from(list('abc XYZ\n\t  {}[]",:\\/<>&\'_-0123') + ["中", "文", "🙂", "é", "\u3000"])
_FORBIDDEN_IN_VALUES = ("</arg_value>", "</tool_call>", "<|", "<arg_value>")
_TEXT_CHARS = st.sampled_from(list("abc XYZ.,:!?{}\"'\\<>/-_\t\n") + ["中", "文", "🙂", "é"])
_FORBIDDEN_IN_TEXT = ("<tool_call", "<|", "think>")
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,20}", fullmatch=True) | st.sampled_from(["天气查询", "a.b-c"])
keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True) | st.sampled_from(["城市", "x-y"])


def _clean(text: str, forbidden: tuple[str, ...]) -> bool:
    return not any(bad in text for bad in forbidden)


string_values = st.text(_VALUE_CHARS, max_size=20).filter(lambda t: _clean(t, _FORBIDDEN_IN_VALUES)) | st.sampled_from(
    ["x</arg_value>y", "a</tool_call>b", "<tool_call>f", "  two  spaces\n", "02139", "123_456", "null", "true",
     "", "\n", "</think>", "<arg_key>k</arg_key>"]
)
_SPACE = st.sampled_from(["", "", " ", "\n", " \n "])
_JSON_LEAVES = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(st.sampled_from(list("ab 中\"\\/")), max_size=5)
_JSON = st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text("abk", max_size=3), inner, max_size=3), max_leaves=6)


@st.composite
def typed_value(draw: Any, kind: str) -> tuple[str, Any, str]:
    """``(text the model writes, the parsed value, its JSON in the arguments)`` for a value of
    this schema type."""
    if kind == "string":
        text = draw(string_values)
        return text, text, json.dumps(text, ensure_ascii=False)
    pad_left, pad_right = draw(_SPACE), draw(_SPACE)
    if kind == "integer":
        if draw(st.integers(0, 5)) == 0:  # not an integer: it stays a string
            text = draw(st.sampled_from(["12a", "1.5", "0x10", "--1"]))
            return text, text, json.dumps(text)
        core = str(draw(st.integers(-10**9, 10**9)))
        return pad_left + core + pad_right, int(core), core
    if kind == "number":
        core = draw(st.sampled_from(["0", "-0.5", "1e3", "2.5E-2", "42", "3.14159"]))
        return pad_left + core + pad_right, json.loads(core), core
    if kind == "boolean":
        value = draw(st.booleans())
        spelling = draw(st.sampled_from([str(value).lower(), str(value), str(value).upper()]))
        return pad_left + spelling + pad_right, value, json.dumps(value)
    if kind == "string-or-null":
        if draw(st.booleans()):
            return pad_left + draw(st.sampled_from(["null", "None", "none"])) + pad_right, None, "null"
        text = "x" + draw(string_values)
        return text, text, json.dumps(text, ensure_ascii=False)
    if kind in ("object", "array"):
        value = draw(st.dictionaries(st.text("abk", max_size=3), _JSON, max_size=3) if kind == "object"
                     else st.lists(_JSON, max_size=3))
        core = json.dumps(value, ensure_ascii=draw(st.booleans()),
                          separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
        return pad_left + core + pad_right, json.loads(core), core
    assert kind == "enum"
    text = draw(st.sampled_from(["x", "y"]))
    return text, text, json.dumps(text)


_KINDS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
          "object": "object", "array": "array"}


def kind_of(name: str, key: str, declared: bool) -> str:
    """The schema type the strategy's tools give ``key`` (strings when undeclared)."""
    if not declared:
        return "string"
    schema = PARAMS.get(name, {}).get(key)
    if schema is None:
        return "string"
    if "enum" in schema:
        return "enum"
    kind = schema["type"]
    return "string-or-null" if isinstance(kind, list) else _KINDS[kind]


@st.composite
def layout(draw: Any, compact: bool) -> dict[str, Any]:
    """The whitespace a response puts between the parts of a call: GLM-4.5/4.6's newlines, or
    GLM-4.7's none (``compact``), sometimes another run."""
    if compact:
        pick = st.sampled_from(["", "", "", "\n"])
    else:
        pick = st.sampled_from(["\n", "\n", "\n", "", " \n", "\r\n", "\n\n"])
    return {"after_name": draw(pick), "before_value": draw(pick), "after_value": draw(pick)}


@st.composite
def call_text(draw: Any, name: str, declared: bool, compact: bool) -> tuple[str, dict[str, Any], str]:
    """One call: its text, its arguments and their JSON (as the parser builds it)."""
    space = draw(layout(compact))
    params = list(PARAMS.get(name, {})) if declared else []
    # distinct keys (a key given twice is a golden case: partial arguments cannot follow it)
    chosen = draw(st.lists(st.sampled_from(params) | keys if params else keys, max_size=4, unique=True))
    parts = [f"<tool_call>{name}{space['after_name']}"]
    arguments: dict[str, Any] = {}
    members = []
    for key in chosen:
        text, value, as_json = draw(typed_value(kind_of(name, key, declared)))
        key_text = draw(st.sampled_from([key, key, f" {key}\n"]))
        parts.append(f"<arg_key>{key_text}</arg_key>{space['before_value']}<arg_value>{text}</arg_value>"
                     f"{space['after_value']}")
        arguments[key] = value
        members.append(f"{json.dumps(key, ensure_ascii=False)}: {as_json}")
    parts.append("</tool_call>")
    return "".join(parts), arguments, "{" + ", ".join(members) + "}"


plain_text = st.text(_TEXT_CHARS, min_size=1, max_size=30).map(lambda t: t.strip(" \t\r\n")).filter(
    lambda t: bool(t) and _clean(t, _FORBIDDEN_IN_TEXT)
)
_BETWEEN = st.sampled_from(["", "\n", "\n\n", " ", "\n \t"])


@st.composite
def glm_responses(draw: Any, compact: bool, prefix: str = "") -> tuple[str, dict[str, Any]]:
    """A well-formed response (after ``prefix``) and its parse: text and calls (declared,
    undeclared, zero-argument), whitespace between them."""
    declared = draw(st.booleans())
    items = draw(st.lists(st.sampled_from(["text", "call", "call", "unknown"]), max_size=6))
    parts = [prefix]
    content: list[str] = []
    calls: list[tuple[int, str, dict[str, Any], str]] = []
    errors: list[tuple[Any, ...]] = []
    previous = None
    for item in items:
        if item == "text" and previous == "text":
            continue
        if item == "unknown" and not declared:
            item = "call"
        separator = draw(_BETWEEN) if previous is not None or item != "text" or prefix else ""
        parts.append(separator)
        if item == "text":
            text = draw(plain_text)
            parts.append(text)
            if previous == "call":  # whitespace after a call that text follows goes with the text
                content.append(separator)
            content.append(text)
        else:
            if item == "unknown":
                name = "undeclared_" + draw(st.from_regex(r"[a-z]{1,6}", fullmatch=True))
            else:
                name = draw(st.sampled_from(DECLARED) if declared else names)
            text, arguments, raw = draw(call_text(name, declared and item == "call", compact))
            parts.append(text)
            if item == "call":
                calls.append((len(calls), name, arguments, raw))
            else:
                errors.append((None, name, raw, f"unknown tool {name!r}"))
            item = "call"
        previous = item
    if previous == "call":
        parts.append(draw(_BETWEEN))  # whitespace after the last call is framing
    expected = {"content": "".join(content), "tool_calls": calls, "errors": errors}
    return "".join(parts), {"tools": TOOLS if declared else None, "expected": expected}


def responses() -> Any:
    """``glm45`` responses: GLM-4.5/4.6's newline layout."""
    return glm_responses(compact=False)
