"""Hypothesis strategies: JSON arguments, tool names, well-formed responses with their expected
parse, adversarial text soups, and chunkings."""

from __future__ import annotations

import importlib
import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from streamparse.families.glm.tokens import SPECIAL_TOKENS as GLM_SPECIAL_TOKENS

GLM4_SPECIAL_TEXT = re.compile("|".join(map(re.escape, GLM_SPECIAL_TOKENS)))
TRICKY_CHARS = '}{][",:\\\n\t /é中文🙂'
TOOLS = [
    {"type": "function", "function": {"name": "get_current_weather", "parameters": {}}},
    {"type": "function", "function": {"name": "calculate_gpa", "parameters": {}}},
    {"name": "github.create-issue", "description": "dots and hyphens"},
    {"name": "天气查询", "description": "a CJK name"},
]
DECLARED = [tool.get("function", tool)["name"] for tool in TOOLS]

json_strings = st.text(alphabet=st.sampled_from(TRICKY_CHARS) | st.characters(exclude_categories=("Cs",)), max_size=12)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | json_strings
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_strings, inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(json_strings, json_values, max_size=4)


@st.composite
def raw_arguments(draw: Any) -> tuple[dict[str, Any], str]:
    """A JSON object and the text a model might write for it (compact, spaced or ASCII-escaped)."""
    value = draw(json_objects)
    style = draw(st.sampled_from(["plain", "compact", "ascii", "indent"]))
    if style == "plain":
        raw = json.dumps(value, ensure_ascii=False)
    elif style == "compact":
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    elif style == "ascii":
        raw = json.dumps(value)
    else:
        raw = json.dumps(value, ensure_ascii=False, indent=2)
    return json.loads(raw), raw


qwen2_names = st.sampled_from(DECLARED) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,20}", fullmatch=True)
glm4_names = st.sampled_from(DECLARED[:3]) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,20}", fullmatch=True)

_TEXT_ALPHABET = st.sampled_from(list("abc XYZ.,:!?{}\"'\\<|>-_\t") + ["中", "文", "🙂", "é"])
plain_text = st.text(alphabet=_TEXT_ALPHABET, min_size=1, max_size=30)


def _qwen2_text_line(draw: Any) -> str:
    line = draw(plain_text)
    # "Action:" may appear mid-line (text) but a line must not start with it.
    if draw(st.booleans()):
        line = line[: len(line) // 2] + "Action: x" + line[len(line) // 2 :]
    if line.lstrip(" \t").startswith("Action:") or not line.strip():
        line = "." + line
    return line


@st.composite
def qwen2_responses(draw: Any) -> tuple[str, dict[str, Any]]:
    """A well-formed ReAct response and the parse it must give (ids aside)."""
    tools_declared = draw(st.booleans())
    parts: list[str] = []
    content: list[str] = []
    calls: list[tuple[int, str, dict[str, Any], str]] = []
    errors: list[tuple[Any, ...]] = []
    index = 0
    items = draw(st.lists(st.sampled_from(["text", "call", "call", "unknown"]), max_size=6))
    previous = None
    for item in items:
        if item == "text":
            lines = [_qwen2_text_line(draw) for _ in range(draw(st.integers(1, 3)))]
            text = "\n".join(lines) + "\n"
            if previous == "call":
                content.append("\n")  # whitespace after a call goes with the text that follows
            parts.append(text)
            content.append(text)
        else:
            if item == "unknown" and not tools_declared:
                continue
            if item == "unknown":
                name = "undeclared_" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
            elif tools_declared:
                name = draw(st.sampled_from(DECLARED))
            else:
                name = draw(qwen2_names)
            arguments, raw = draw(raw_arguments())
            spaces = draw(st.sampled_from(["", " ", "  ", "\t"]))
            parts.append(f"{spaces}Action: {name}\n{spaces}Action Input: {raw}\n")
            if item == "call":
                calls.append((index, name, arguments, raw))
                index += 1
            else:
                errors.append((None, name, raw, f"unknown tool {name!r}"))
            item = "call"
        previous = item
    if previous == "call":
        content.append("\n")
    expected = {"content": "".join(content), "tool_calls": calls, "errors": errors}
    return "".join(parts), {"tools": TOOLS if tools_declared else None, "expected": expected}


@st.composite
def glm4_responses(draw: Any, vllm_spaces: bool | None = None) -> tuple[str, dict[str, Any]]:
    """A well-formed GLM-4 turn (segments separated by <|assistant|>, kept or skipped) and the
    parse it must give (ids aside)."""
    tools_declared = draw(st.booleans())
    segments = draw(st.lists(st.sampled_from(["plain", "call", "call", "unknown"]), min_size=1, max_size=5))
    parts: list[str] = []
    content: list[str] = []
    calls: list[tuple[int, str, dict[str, Any], str]] = []
    errors: list[tuple[Any, ...]] = []
    index = 0
    previous = None
    if vllm_spaces is None:
        vllm_spaces = draw(st.booleans())
    for segment in segments:
        if segment == "unknown" and not tools_declared:
            segment = "call"
        if previous is not None:
            keep = previous == "plain" or segment == "plain" or draw(st.booleans())
            if keep:
                parts.append(" <|assistant|> " if vllm_spaces else "<|assistant|>")
                if vllm_spaces and previous == "plain":
                    content.append(" ")  # inside a reply, the space vLLM adds is text
            else:
                parts.append(draw(st.sampled_from(["", "\n", "\n\n", " "])))
        elif vllm_spaces:
            parts.append(" ")
        if segment == "plain":
            text = draw(plain_text).replace("<|", "<")
            parts.append("\n" + text)
            content.append(text)
        else:
            if segment == "call":
                name = draw(st.sampled_from(DECLARED)) if tools_declared else draw(glm4_names)
            else:
                name = "undeclared_" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
            # a special token's text inside arguments ends them (contract v2): none in these
            arguments, raw = draw(raw_arguments().filter(lambda pair: not GLM4_SPECIAL_TEXT.search(pair[1])))
            parts.append(f"{name}\n{raw}")
            if segment == "call":
                calls.append((index, name, arguments, raw))
                index += 1
            else:
                errors.append((None, name, raw, f"unknown tool {name!r}"))
        previous = segment
    ending = draw(st.sampled_from(["", "<|observation|>", "<|user|>", "<|endoftext|>"]))
    if ending and vllm_spaces and previous != "plain":
        ending = " " + ending
    if ending and previous == "plain":
        ending = ""  # a space before it would be text of the reply; keep the oracle simple
    parts.append(ending)
    expected = {"content": "".join(content), "tool_calls": calls, "errors": errors}
    return "".join(parts), {"tools": TOOLS if tools_declared else None, "expected": expected}


_SOUP_PIECES = [
    "Action:", "Action: ", "Action Input:", "Action Input: ", " Action: get_current_weather\n",
    "Action: calculate_gpa\nAction Input: ", "\n", "\n", " ", "\t", "{", "}", "[", "]", '"', "\\",
    '\\"', "\\u00e9", ":", ",", "1", "a", "x y", "中文", "🙂", "Observation:", "Final Answer:",
    "<|assistant|>", "<|observation|>", "<|user|>", "<|endoftext|>", "<|", "|>", "<",
    "get_current_weather", "get_current_weather\n", "天气查询\n", "github.create-issue",
    '{"a": "}"}', '{"k": [1, {"x": "\\""}]}', "'single'", "None", "Thought: ", "\r\n",
    # the tagged formats' markup (hermes, qwen3_coder, glm45/glm47) and qwen_agent's
    "<tool_call>", "</tool_call>", "<tool_call>\n", '{"name": "get_current_weather", "arguments": ',
    '{"name": "a", "arguments": {"x": 1}}', '"name"', '"arguments"', '"parameters"',
    "<function=", "<function=get_current_weather>", ">", "</function>", "<parameter=", "<parameter=x>\n",
    "</parameter>", "\n</parameter>\n", "<tool_call>get_current_weather", "<arg_key>", "</arg_key>",
    "<arg_value>", "</arg_value>", "<think>", "</think>", "✿FUNCTION✿:", "✿FUNCTION✿: get_current_weather\n",
    "✿ARGS✿:", "✿ARGS✿: ", "✿RESULT✿:", "✿RETURN✿:", "```", "```json\n",
]
soups = st.lists(st.sampled_from(_SOUP_PIECES) | plain_text, max_size=40).map("".join)


@st.composite
def cuts_for(draw: Any, text: str) -> list[int]:
    """Random cut points, with duplicates (empty deltas) allowed."""
    if not text:
        return draw(st.lists(st.just(0), max_size=3))
    return draw(st.lists(st.integers(0, len(text)), max_size=min(len(text) + 5, 60)))


def split_with_empties(text: str, cuts: list[int]) -> list[str]:
    edges = [0, *sorted(min(max(c, 0), len(text)) for c in cuts), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges)]


def response_strategies() -> dict[str, Callable[..., Any]]:
    """Every registered format's strategy of well-formed responses with their expected parse:
    ``qwen2`` and ``glm4`` here, any other format's as ``responses`` in ``strategies_<format>.py``
    (a format without one is missing here, and ``test_every_format_has_a_response_strategy``
    fails)."""
    import streamparse

    found: dict[str, Callable[..., Any]] = {"qwen2": qwen2_responses, "glm4": glm4_responses}
    for fmt in streamparse.formats():
        if fmt not in found:
            try:
                module = importlib.import_module(f"strategies_{fmt}")
            except ModuleNotFoundError:
                continue
            found[fmt] = module.responses
    return found
