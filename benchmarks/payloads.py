"""The benchmark's workloads, each rendered in every format that is measured, and cut into deltas.

One workload is an abstract response (plain text, or a list of calls with a dict of string
arguments). ``render(workload, fmt)`` writes it the way that format's model would, and
``deltas(text, fmt)`` cuts it the way an engine would stream it: 4-character deltas, except that
a format's special tokens (``<tool_call>``, ``<arg_key>``, ...) arrive whole, as the one token they
are, with their token id. Every parser measured on a workload therefore gets the same content in
the same 4-character steps; only the framing differs, as it does between the models.

Shapes of a call's arguments (``size`` is the length of the arguments JSON, within 1 %):

- ``string``: one long string value with quotes, backslashes, braces, newlines and CJK (the worst
  case for a JSON scanner: escapes everywhere).
- ``keys``: many short keys (``{"k0": "v0", "k1": "v1", ...}``), the worst case for parsers that
  do work per key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

DELTA = 4
"""Characters per delta: about what a BPE tokenizer gives per token for JSON text."""

TOOL_NAME = "write_file"

SPECIAL_TOKENS = {
    # id: text. Ids are those of a synthetic tokenizer (benchmarks/vllm_parsers.py) above its 256
    # byte tokens; GLM-4's turn tokens keep glm-4-9b-chat's real ids.
    300: "<tool_call>",
    301: "</tool_call>",
    302: "<arg_key>",
    303: "</arg_key>",
    304: "<arg_value>",
    305: "</arg_value>",
    306: "<think>",
    307: "</think>",
    308: "<|im_start|>",
    309: "<|im_end|>",
    151329: "<|endoftext|>",
    151336: "<|user|>",
    151337: "<|assistant|>",
    151338: "<|observation|>",
}
SPECIAL_IDS = {text: token_id for token_id, text in SPECIAL_TOKENS.items()}
TEXT_TOKEN_ID = 65
"""The token id given to every ordinary 4-character delta (parsers read ids only to spot
special tokens)."""

FORMATS = ("qwen2", "glm4", "hermes", "qwen_agent", "qwen3_coder", "glm45", "glm47")
"""Every format a workload can be written in: streamparse's, and the ones vLLM's own parsers
(hermes, glm45, glm47, qwen3_coder) read too."""

FORMAT_SPECIALS = {
    "qwen2": (),
    "glm4": ("<|assistant|>",),
    "hermes": ("<tool_call>", "</tool_call>"),
    "glm47": ("<tool_call>", "</tool_call>", "<arg_key>", "</arg_key>", "<arg_value>",
              "</arg_value>"),
    "qwen3_coder": ("<tool_call>", "</tool_call>"),
    "qwen_agent": (),
    "glm45": ("<tool_call>", "</tool_call>", "<arg_key>", "</arg_key>", "<arg_value>",
              "</arg_value>"),
}

_UNIT = 'line with "quotes", a \\ backslash, braces {} and 中文\n'
_PLAIN = "The quick brown fox jumps over the lazy dog; Action: mid-line, {\"json\": 1} too.\n"


@dataclass(frozen=True)
class Workload:
    """An abstract response: ``text`` before the calls, then ``calls`` (argument dicts)."""

    name: str
    text: str = ""
    calls: tuple[dict[str, str], ...] = field(default_factory=tuple)


def arguments(shape: str, size: int) -> dict[str, str]:
    """An arguments dict whose JSON (``ensure_ascii=False``) is about ``size`` characters."""
    if shape == "string":
        # Escapes make the JSON longer than the string: aim the string so the JSON is ``size``.
        escaped = len(json.dumps(_UNIT, ensure_ascii=False)) - 2
        raw = max(0, round((size - 12) * len(_UNIT) / escaped))
        return {"text": (_UNIT * (raw // len(_UNIT) + 1))[:raw]}
    if shape == "keys":
        result: dict[str, str] = {}
        length = 2
        i = 0
        while length < size:
            key, value = f"k{i}", f"v{i}"
            result[key] = value
            length += len(key) + len(value) + 8  # "k": "v", plus separator
            i += 1
        return result
    raise ValueError(f"unknown shape {shape!r}")


def single_call(shape: str, size: int) -> Workload:
    return Workload(f"{shape}-{size}", calls=(arguments(shape, size),))


def plain_text(size: int) -> Workload:
    return Workload(f"plain-{size}", text=(_PLAIN * (size // len(_PLAIN) + 1))[:size])


def many_calls(count: int = 100, size: int = 200) -> Workload:
    """``count`` calls of about ``size`` characters of arguments each, after a line of thought."""
    calls = tuple(
        {"path": f"notes/{i}.txt", "text": (_UNIT * 4)[: size - 40]} for i in range(count)
    )
    return Workload(f"calls-{count}", text="I will write the files now.\n", calls=calls)


def _json(args: dict[str, str]) -> str:
    return json.dumps(args, ensure_ascii=False)


def render(workload: Workload, fmt: str) -> str:
    """The response as a model of format ``fmt`` writes it."""
    text, calls = workload.text, workload.calls
    if fmt == "qwen2":
        actions = "\n".join(
            f"Action: {TOOL_NAME}\nAction Input: {_json(args)}" for args in calls
        )
        if text and calls:
            return f"Thought: {text}{actions}"
        return text + actions
    if fmt == "glm4":
        if not calls:
            return "\n" + text  # empty metadata line: a plain reply
        segments = [f"{TOOL_NAME}\n{_json(args)}" for args in calls]
        head = f"\n{text}<|assistant|>" if text else ""
        return head + "<|assistant|>".join(segments)
    if fmt == "hermes":
        return text + "".join(
            f'<tool_call>\n{{"name": "{TOOL_NAME}", "arguments": {_json(args)}}}\n</tool_call>'
            for args in calls
        )
    if fmt == "glm47" or fmt == "glm45":  # GLM-4.7 writes no newlines between the parts
        sep = "" if fmt == "glm47" else "\n"
        return text + "".join(
            f"<tool_call>{TOOL_NAME}{sep}"
            + "".join(f"<arg_key>{k}</arg_key>{sep}<arg_value>{v}</arg_value>{sep}"
                      for k, v in args.items())
            + "</tool_call>"
            for args in calls
        )
    if fmt == "qwen_agent":
        calls_text = "".join(f"✿FUNCTION✿: {TOOL_NAME}\n✿ARGS✿: {_json(args)}\n" for args in calls)
        return (text + "\n" if text and calls else text) + calls_text
    if fmt == "qwen3_coder":
        return text + "".join(
            f"<tool_call>\n<function={TOOL_NAME}>\n"
            + "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in args.items())
            + "</function>\n</tool_call>"
            for args in calls
        )
    raise ValueError(f"unknown format {fmt!r}")


def deltas(text: str, fmt: str) -> list[str]:
    """``text`` in 4-character deltas; the format's special tokens arrive whole."""
    return [d for d, _ in token_deltas(text, fmt)]


def token_deltas(text: str, fmt: str) -> list[tuple[str, list[int]]]:
    """``(delta, token_ids)`` pairs: 4-character text deltas with one ordinary token id each,
    and each special token of the format as its own delta with its real id."""
    result: list[tuple[str, list[int]]] = []
    specials = FORMAT_SPECIALS[fmt]
    marks = re.finditer("|".join(map(re.escape, specials)), text) if specials else iter(())
    pos = 0
    for mark in [*marks, None]:
        at = mark.start() if mark else len(text)
        for i in range(pos, at, DELTA):
            result.append((text[i : min(i + DELTA, at)], [TEXT_TOKEN_ID]))
        if mark:
            result.append((mark.group(), [SPECIAL_IDS[mark.group()]]))
            at = mark.end()
        pos = at
    return result


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Write a file.",
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
]
