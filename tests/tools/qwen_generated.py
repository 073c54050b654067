"""A generated corpus of Qwen replies for ``hermes``, ``qwen_agent`` and ``qwen3_coder``, as vLLM
streams them (issues 12 and 13, "Real token streams").

    python tests/tools/qwen_generated.py [--data ../shared/data] [--out tests/data/qwen_generated]

Each format gets hand-written replies for the rules of its contract section (spec example, text
around calls, other wrappers, literal tags in strings and code, malformed, unknown and truncated
calls, calls inside reasoning, ...) and replies composed at random (seeded) from English and
Chinese sentences, reasoning, one to three calls of the declared tools with varied arguments
(code, escapes, quotes, backslashes, ``}`` in strings, CJK, emoji), in the three reasoning modes:

- ``auto``: the prompt ends at ``<|im_start|>assistant\\n``; the reply may begin with
  ``<think>\\n...\\n</think>\\n\\n`` (Qwen3 with thinking on);
- ``started``: the prompt ended in ``<think>\\n`` (Qwen3-Thinking-2507, Qwen3.5): the reply starts
  inside reasoning;
- ``off``: the prompt ended in ``<think>\\n\\n</think>\\n\\n`` (thinking switched off), or, for
  ``qwen_agent`` (default "off"), plain ChatML.

The expected parse of every reply (``content``, ``reasoning``, ``calls`` as ``[name, arguments]``,
``errors`` as ``[index, name, message substring or null]``) is written here from
``shared/spec/formats.md`` (contract v2), never by running a parser: composed replies get it from
their parts (text before the calls is content without the newline before the first call, the
whitespace between calls and after the last call is framing, text after the calls is content with
the newline before it; reasoning is the inside of ``<think>`` less the newlines next to the tags),
hand-written ones spell it out.

Tokenizers (**approximations**, see ``qwen3_tokenizer.py``): Qwen3 = Qwen2's BPE plus Qwen3's
added tokens (``<tool_call>`` 151657, ``</tool_call>`` 151658, ``<think>`` 151667, ``</think>``
151668, non-special), merges not compared with Qwen3's; Qwen2.5 = the same with the tool tags but
no ``<think>`` token (some ``hermes`` replies); Qwen3-Coder shares Qwen3's layout, and Qwen3.5
(``qwen3_coder`` replies in ``started``/``off`` mode) is approximated by the same files. The
prompts are rendered from the chat templates in ``../shared/data/templates`` (Qwen3, Qwen2.5,
Qwen3-Coder, Qwen3.5; ``qwen_agent``: ChatML with an abbreviated Qwen-Agent function prompt) and
only prime the detokenizer. Token ids: the response plus ``<|im_end|>`` (151645), or, for replies
cut off by max_tokens (``finish_reason`` "length"), the response alone. Deltas: vLLM 0.33's fast
detokenizer (:class:`vllm_streams.FastDetokenizer`, ``DecodeStream`` primed with the prompt) with
``skip_special_tokens`` True (``skip``) and False (``keep``); no special token occurs before the
stop token, which is never detokenized, so the two are equal (checked here), as vLLM's fast
detokenizer gives them.

``stop`` is a list of stop strings that never occur in the response (``qwen_agent``: Qwen-Agent's
own ``✿RESULT✿``/``✿RETURN✿`` where they do not; else ``§`` and letters, lag 0..12): the test
rebuilds the stream with them as vLLM does (``lag_steps``: ``len(longest) - 1`` characters held
back), which this script checks against the detokenizer run with those stop strings.

Written: ``<format>.jsonl`` (one reply a line) and ``tools.json`` (the tool lists by name:
``general`` for hermes and qwen_agent, ``coder`` for qwen3_coder). A reply holds ``id``
(``format/slug``), ``format``, ``lang``, ``tokenizer`` (``qwen3`` or ``qwen2.5``), ``reasoning``
(the option to parse it with), ``rules`` (what it exercises), ``tools``, ``response``,
``finish_reason`` (``stop`` or ``length``), ``prompt_tail`` (the prompt's last characters),
``prompt_ids`` (its last :data:`PROMPT_TAIL` ids), ``token_ids``, ``deltas`` (by mode, one per
token), ``stop`` and ``expected``.

Deterministic: rerunning gives identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/: the helpers the test suite replays with
sys.path.append(str(ROOT))  # streamparse, which helpers imports (e.g. in the vLLM venv)

from glm4_generated import CITIES, EN, TOOLS, ZH, _arguments, _fn, _raw  # noqa: E402
from qwen3_tokenizer import IM_END, STOP_IDS, VARIANTS, encode, load_qwen3  # noqa: E402
from vllm_streams import DEFAULT_DATA, FastDetokenizer, emit, write_corpus  # noqa: E402

from helpers import lag_steps  # noqa: E402  (the one the tests use: checked here)

FORMATS = ("hermes", "qwen_agent", "qwen3_coder")
MODES = {"skip": True, "keep": False}  # skip_special_tokens
AGENT_STOP = ["✿RESULT✿", "✿RETURN✿"]
PROMPT_TAIL = 32
"""Prompt ids stored: the last 32 (vLLM primes its DecodeStream with the whole prompt; only the
last few ids change the first deltas, and priming with these gives the same deltas: checked)."""


def stop_string(lag: int) -> str:
    return "§" + "ENDOFTURNXYZ"[:lag]


# ---- tools ----------------------------------------------------------------------------------

_S, _I, _N, _B = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
GENERAL_TOOLS = TOOLS + [
    _fn("code_interpreter", "Run Python code (Qwen-Agent)", {"code": _S}, ["code"]),
]
"""hermes and qwen_agent: glm4_generated's 16 tools (weather, search, email, SQL, python,
github.create-issue, 天气查询, ...) and Qwen-Agent's code_interpreter."""

CODER_TOOLS = [
    _fn("read_file", "Read a file", {"path": _S, "offset": _I, "limit": _I}, ["path"]),
    _fn("write_file", "Write a file", {"path": _S, "content": _S}, ["path", "content"]),
    _fn("str_replace", "Replace text in a file", {"path": _S, "old_str": _S, "new_str": _S},
        ["path", "old_str", "new_str"]),
    _fn("run_shell", "Run a shell command", {"command": _S, "timeout": _N, "background": _B},
        ["command"]),
    _fn("search_code", "Search the code base",
        {"query": _S, "globs": {"type": "array", "items": _S}, "case_sensitive": _B,
         "max_results": _I}, ["query"]),
    _fn("create_contact", "Add a contact",
        {"name": _S, "zip_code": _S, "phone": _S, "age": {"type": ["integer", "null"]},
         "nickname": {"anyOf": [_S, {"type": "null"}]}, "tags": {"type": "array"}}, ["name"]),
    _fn("set_preferences", "Update settings",
        {"prefs": {"type": "object"}, "theme": {"enum": ["light", "dark"]},
         "retries": {"oneOf": [_I, _S]}, "ratio": {"type": "number", "nullable": True}}, []),
    {"type": "function", "function": {
        "name": "schedule", "description": "Schedule a job",
        "parameters": {
            "type": "object",
            "$defs": {"when": {"type": "string", "description": "ISO time"}},
            "properties": {"at": {"$ref": "#/$defs/when"},
                           "count": {"allOf": [{"type": "integer"}, {"minimum": 0}]},
                           "level": {"const": 3}},
            "required": ["at"]}}},
    _fn("get_time", "Current time", {}, []),
    _fn("get_weather", "查询城市天气", {"city": _S, "unit": {"enum": ["celsius", "fahrenheit"]},
                                      "days": _I}, ["city"]),
]  # fmt: skip
TOOL_SETS = {"general": GENERAL_TOOLS, "coder": CODER_TOOLS}
FORMAT_TOOLS = {"hermes": "general", "qwen_agent": "general", "qwen3_coder": "coder"}


# ---- call markup ----------------------------------------------------------------------------


def hermes(name: str, args: Any, raw: str | None = None) -> str:
    """Qwen3's template: ``<tool_call>\\n{"name": ..., "arguments": ...}\\n</tool_call>``."""
    raw = json.dumps(args, ensure_ascii=False) if raw is None else raw
    return f'<tool_call>\n{{"name": {json.dumps(name, ensure_ascii=False)}, "arguments": {raw}}}\n</tool_call>'


def wrapped(body: str) -> str:
    return f"<tool_call>\n{body}\n</tool_call>"


def agent(name: str, raw: str) -> str:
    """Qwen-Agent: ``✿FUNCTION✿: name\\n✿ARGS✿: {json}``."""
    return f"✿FUNCTION✿: {name}\n✿ARGS✿: {raw}"


def coder(name: str, params: list[tuple[str, str]], wrapper: bool = True) -> str:
    """Qwen3-Coder's template: one ``<parameter=KEY>\\nVALUE\\n</parameter>`` per argument."""
    body = (
        f"<function={name}>\n"
        + "".join(f"<parameter={key}>\n{value}\n</parameter>\n" for key, value in params)
        + "</function>"
    )
    return f"<tool_call>\n{body}\n</tool_call>" if wrapper else body


def think(mode: str, reasoning: str) -> str:
    """The reasoning section as the model writes it in ``mode``."""
    if mode == "auto":
        return f"<think>\n{reasoning}\n</think>\n\n"
    if mode == "started":
        return f"{reasoning}\n</think>\n\n"
    return ""


# ---- cases ----------------------------------------------------------------------------------

CASES: list[dict[str, Any]] = []


def case(
    fmt: str,
    slug: str,
    response: str,
    *,
    mode: str,
    lang: str = "en",
    content: str = "",
    reasoning: str = "",
    calls: list | None = None,
    errors: list | None = None,
    truncated: bool = False,
    tokenizer: str = "qwen3",
    rules: str = "",
) -> None:
    """One reply with its expected parse (written from the contract). ``truncated``: cut off by
    max_tokens (no ``<|im_end|>``)."""
    CASES.append({
        "id": f"{fmt}/{slug}", "format": fmt, "mode": mode, "lang": lang, "tokenizer": tokenizer,
        "response": response, "truncated": truncated, "rules": rules,
        "expected": {"content": content, "reasoning": reasoning, "calls": calls or [],
                     "errors": errors or []},
    })  # fmt: skip


def compose(
    fmt: str,
    slug: str,
    *,
    mode: str,
    lang: str,
    thought: str = "",
    before: str = "",
    calls: list[tuple[str, list]] = (),
    after: str = "",
    tokenizer: str = "qwen3",
    rules: str = "composed",
) -> None:
    """A reply from parts: ``calls`` is ``[(markup, [name, arguments])]``. Contract v2's "Calls and
    the text around them": the newline between ``before`` and the first call and those between
    calls are framing; ``after`` follows the last call with its newline, which goes with it."""
    assert not before.endswith(tuple(" \t\r\n")) and not after.startswith(tuple(" \t\r\n"))
    assert mode == "started" or not thought or mode == "auto"
    response = think(mode, thought) if (thought or mode == "started") else ""
    if mode == "started" and not thought:
        response = "</think>\n\n"
    content = before
    response += before
    if calls:
        response += ("\n" if before else "") + "\n".join(markup for markup, _ in calls)
        if after:
            response += "\n" + after
            content += "\n" + after
    case(fmt, slug, response, mode=mode, lang=lang, content=content, reasoning=thought,
         calls=[call for _, call in calls], tokenizer=tokenizer, rules=rules)  # fmt: skip


# -- hermes -------------------------------------------------------------------------------------

W_ZH = {"city": "Zürich", "unit": "c"}
W_BJ = {"city": "北京", "unit": "c"}
CODE = (
    'import re\n\ndef parse(s):\n    """Split "a}b" on \\\\ or }."""\n'
    "    return re.split(r'[}\\\\]', s)  # 🚀 拆分\n\nprint(parse('x}y\\\\z'))\n"
)
_BLOCK = (
    "def handler_@@(event):\n"
    '    """Handler @@ (第@@个) 🚀: returns "}" for paths ending in \\\\."""\n'
    "    # literal tags here are data: </tool_call> </parameter> <think>\n"
    '    if event.get("path", "").endswith("\\\\"):\n'
    '        return {"status": 2@@, "body": "}\\\\"{\\t"}\n'
    "    return None\n"
)
LONG_CODE = "\n".join(_BLOCK.replace("@@", str(i)) for i in range(1, 31))
"""About 6,000 characters of Python with quotes, backslashes, braces in strings, CJK, emoji and
literal tags."""
EMAIL_BODY = (
    'To call a tool, write:\n<tool_call>\n{"name": "search", "arguments": {"query": "x"}}\n'
    "</tool_call>\nand wait for the result."
)


def hermes_cases() -> None:
    f = "hermes"
    case(
        f,
        "spec-example",
        "<think>\nTwo cities: call the tool twice.\n</think>\n\n"
        + hermes("get_weather", W_ZH)
        + "\n"
        + hermes("get_weather", W_BJ),
        mode="auto",
        reasoning="Two cities: call the tool twice.",
        calls=[["get_weather", W_ZH], ["get_weather", W_BJ]],
        rules="spec example",
    )
    case(
        f,
        "text-call-text",
        "Let me check.\n" + hermes("get_time", {"timezone": "Asia/Tokyo"}) + "\nDone",
        mode="auto",
        content="Let me check.\nDone",
        calls=[["get_time", {"timezone": "Asia/Tokyo"}]],
        rules="calls and the text around them",
    )
    case(
        f,
        "tool-call-tags-in-a-string",
        "Sending it.\n"
        + hermes(
            "send_email", {"to": "dev@example.com", "subject": "How to call", "body": EMAIL_BODY}
        ),
        mode="off",
        content="Sending it.",
        calls=[
            ["send_email", {"to": "dev@example.com", "subject": "How to call", "body": EMAIL_BODY}]
        ],
        rules="a literal </tool_call> inside an argument string is data",
    )
    case(
        f,
        "code-with-escapes",
        "<think>\nI'll run the code.\n</think>\n\n" + hermes("python", {"code": CODE}),
        mode="auto",
        reasoning="I'll run the code.",
        calls=[["python", {"code": CODE}]],
        rules="long arguments with code and escapes",
    )
    case(
        f,
        "long-code",
        "Write the thirty handlers in one go.\n</think>\n\n"
        + hermes("python", {"code": LONG_CODE}),
        mode="started",
        reasoning="Write the thirty handlers in one go.",
        calls=[["python", {"code": LONG_CODE}]],
        rules="long arguments (6k characters of code, JSON-escaped)",
    )
    args = {"query": "GLM-4 tool calling", "top_k": 3}
    case(
        f,
        "arguments-before-name",
        wrapped('{"arguments": {"query": "GLM-4 tool calling", "top_k": 3}, "name": "search"}'),
        mode="auto",
        calls=[["search", args]],
        rules="another wrapper: keys in another order",
    )
    case(
        f,
        "parameters-key",
        "好的。\n"
        + wrapped('{"name": "search", "parameters": {"query": "GLM-4 tool calling", "top_k": 3}}'),
        mode="auto",
        lang="zh",
        content="好的。",
        calls=[["search", args]],
        rules='another wrapper: "parameters" for "arguments"',
    )
    case(
        f,
        "arguments-as-a-string",
        wrapped(
            '{"name": "search", "arguments": "{\\"query\\": \\"GLM-4 tool calling\\", \\"top_k\\": 3}"}'
        ),
        mode="auto",
        calls=[["search", args]],
        rules="arguments given as a JSON string",
    )
    case(
        f,
        "arguments-missing",
        "What time is it?\n" + wrapped('{"name": "get_time"}'),
        mode="auto",
        content="What time is it?",
        calls=[["get_time", {}]],
        rules="arguments missing: {}",
    )
    case(
        f,
        "extra-keys",
        wrapped(
            '{"name": "get_time", "arguments": {"timezone": "UTC"}, '
            '"id": "call_0", "type": "function"}'
        ),
        mode="auto",
        calls=[["get_time", {"timezone": "UTC"}]],
        rules="extra keys ignored",
    )
    prose = (
        "You can wrap a call in <tool_call> tags yourself; nothing is called here. "
        "For example <tool_call> is followed by JSON."
    )
    case(
        f,
        "tool-call-tag-in-prose",
        prose,
        mode="auto",
        content=prose,
        rules="<tool_call> not followed by { is text",
    )
    good = hermes("get_weather", {"city": "Tokyo"})
    case(
        f,
        "newlines-before-think-close",
        "<think>\nShort.\n\n\n</think>\n\nOK.",
        mode="auto",
        reasoning="Short.",
        content="OK.",
        rules="every newline right before </think> is framing",
    )
    now = hermes("get_time", {})
    case(
        f,
        "blank-lines-around-calls",
        "First:\n\n" + now + "\n\n" + now + "\n\nBoth sent.",
        mode="auto",
        content="First:\n\nBoth sent.",
        calls=[["get_time", {}], ["get_time", {}]],
        rules="any whitespace before and between calls is framing; after them it goes with text",
    )
    case(
        f,
        "tool-call-tag-then-prose",
        "Here:\n<tool_call>\nSorry, no tool fits this request.",
        mode="auto",
        content="Here:\n<tool_call>\nSorry, no tool fits this request.",
        rules="<tool_call> followed by whitespace and prose is text, its newlines too",
    )
    case(
        f,
        "truncated-in-wrapper",
        'Let me check.\n<tool_call>\n{"name": "get_weather", "argu',
        mode="auto",
        content="Let me check.",
        errors=[[None, "get_weather", "truncated"]],
        truncated=True,
        rules="<tool_call> then { opens a call; one cut off before it started is an error",
    )
    case(
        f,
        "no-name-then-next-call",
        wrapped('{"arguments": {"city": "Tokyo"}}') + "\n" + good,
        mode="auto",
        calls=[["get_weather", {"city": "Tokyo"}]],
        errors=[[None, None, None]],
        rules="an object without a string name is an error; the next call parses",
    )
    case(
        f,
        "single-quotes-then-next-call",
        "I'll check twice.\n"
        + wrapped('{"name": "get_weather", "arguments": {\'city\': \'Paris\'}}')
        + "\n"
        + good,
        mode="auto",
        content="I'll check twice.",
        calls=[["get_weather", {"city": "Tokyo"}]],
        errors=[[0, "get_weather", None]],
        rules="invalid JSON arguments: an error after its start; its markup is framing",
    )
    case(
        f,
        "wrong-bracket",
        wrapped('{"name": "web_search", "arguments": {"query": "x", "filters": {"tags": [1, 2}}}}'),
        mode="auto",
        errors=[[0, "web_search", "bracket"]],
        rules="a closing bracket of the wrong type ends the call there",
    )
    case(
        f,
        "truncated-in-arguments",
        "Let me search.\n"
        + hermes("search", {"query": "a very long query about the history of the Tang dynasty"})[
            :70
        ],
        mode="auto",
        content="Let me search.",
        errors=[[0, "search", "truncated"]],
        truncated=True,
        rules="a stream that ends inside the arguments",
    )
    case(
        f,
        "truncated-after-arguments",
        '<tool_call>\n{"name": "get_time", "arguments": {"timezone": "Europe/Paris"}',
        mode="auto",
        calls=[["get_time", {"timezone": "Europe/Paris"}]],
        truncated=True,
        rules="tool_call_end at the arguments' closing brace",
    )
    case(
        f,
        "missing-closing-tag",
        '<tool_call>\n{"name": "get_time", "arguments": {"timezone": "Asia/Shanghai"}}\n',
        mode="auto",
        calls=[["get_time", {"timezone": "Asia/Shanghai"}]],
        rules="a missing </tool_call> after a complete object does not undo the call",
    )
    case(
        f,
        "unknown-tool-then-known",
        hermes("delete_everything", {"confirm": True}) + "\n" + good,
        mode="auto",
        calls=[["get_weather", {"city": "Tokyo"}]],
        errors=[[None, "delete_everything", "unknown tool"]],
        rules="an undeclared tool",
    )
    case(
        f,
        "call-inside-reasoning",
        "<think>\nThe user wants the weather in Tokyo.\n" + good,
        mode="auto",
        reasoning="The user wants the weather in Tokyo.",
        calls=[["get_weather", {"city": "Tokyo"}]],
        rules="a call inside reasoning ends the section (</think> missing)",
    )
    case(
        f,
        "call-mid-line-in-reasoning",
        "<think>\nThe tool will tell me.<tool_call>\n" + good[12:],
        mode="auto",
        reasoning="The tool will tell me.",
        calls=[["get_weather", {"city": "Tokyo"}]],
        rules="a call opener in the middle of a reasoning line ends the section",
    )
    case(
        f,
        "call-inside-reasoning-then-text",
        "<think>\n先查天气。\n" + good + "\n</think>\n\n东京今天晴。",
        mode="auto",
        lang="zh",
        reasoning="先查天气。",
        content="\n东京今天晴。",
        calls=[["get_weather", {"city": "Tokyo"}]],
        rules="a later </think> is framing; the whitespace after the call goes with the text",
    )
    case(
        f,
        "started-call",
        "The user asks for Tokyo's weather; one call.\n</think>\n\n" + good,
        mode="started",
        reasoning="The user asks for Tokyo's weather; one call.",
        calls=[["get_weather", {"city": "Tokyo"}]],
        rules="started",
    )
    case(
        f,
        "started-repeats-think",
        "<think>\nLet me think.\n</think>\n\nHello!",
        mode="started",
        reasoning="Let me think.",
        content="Hello!",
        rules="started: a <think> before any reasoning text is framing",
    )
    case(
        f,
        "started-newlines-first",
        "\n\nShort answer needed.\n</think>\n\nIt is 42.",
        mode="started",
        reasoning="Short answer needed.",
        content="It is 42.",
        rules="started: newlines at the very start are framing",
    )
    case(
        f,
        "started-truncated-in-reasoning",
        "We need to compare the two cities. First Beijing, then",
        mode="started",
        reasoning="We need to compare the two cities. First Beijing, then",
        truncated=True,
        rules="a stream that ends inside reasoning",
    )
    case(
        f,
        "empty-think",
        "<think>\n\n</think>\n\nHi there! How can I help?",
        mode="auto",
        content="Hi there! How can I help?",
        rules="an empty reasoning section",
    )
    literal = "Models write <think>…</think> first; here it is only text: <think>x</think>."
    case(
        f,
        "off-think-tags-are-text",
        literal,
        mode="off",
        content=literal,
        rules="reasoning off: the tags are text",
    )
    body = {"to": "a@example.com", "body": "Close the section with </think> and then answer."}
    case(
        f,
        "think-tag-in-arguments",
        "<think>\nok\n</think>\n\n" + hermes("send_email", body),
        mode="auto",
        reasoning="ok",
        calls=[["send_email", body]],
        rules="a literal </think> inside arguments is data",
    )
    case(
        f,
        "lone-surrogate",
        wrapped('{"name": "search", "arguments": {"query": "bad \\ud83d escape"}}'),
        mode="auto",
        errors=[[0, "search", "surrogate"]],
        rules="a lone surrogate escape is invalid",
    )
    case(
        f,
        "ascii-escapes",
        hermes("天气查询", {"城市": "北京"}, raw=json.dumps({"城市": "北京"})),
        mode="auto",
        lang="zh",
        calls=[["天气查询", {"城市": "北京"}]],
        rules="\\u escapes are decoded; CJK name",
    )
    hotel = {
        "city": "Xi'an",
        "check_in": "2026-12-24",
        "nights": 2,
        "guests": {"adults": 2, "children": [{"age": 7}]},
    }
    case(
        f,
        "pretty-printed",
        "我来预订。\n"
        + hermes("book_hotel", hotel, raw=json.dumps(hotel, ensure_ascii=False, indent=2))
        + "\n已提交预订请求。",
        mode="off",
        lang="zh",
        content="我来预订。\n已提交预订请求。",
        calls=[["book_hotel", hotel]],
        rules="pretty-printed arguments; text after the call",
    )
    case(
        f,
        "no-newlines",
        'Checking.<tool_call>{"name": "get_time", "arguments": {}}</tool_call>'
        '<tool_call>  {"name": "get_weather", "arguments": {"city": "Tokyo"}}</tool_call>',
        mode="auto",
        content="Checking.",
        calls=[["get_time", {}], ["get_weather", {"city": "Tokyo"}]],
        rules="any whitespace (or none) around the wrapper",
    )
    case(
        f,
        "arguments-not-an-object",
        wrapped('{"name": "search", "arguments": ["x", "y"]}'),
        mode="auto",
        errors=[[None, "search", None]],
        rules="arguments that are not an object",
    )
    # Qwen2.5: the tool tags are tokens, <think> is not
    compose(
        f,
        "qwen2.5-call",
        mode="auto",
        lang="en",
        before="Let me look that up.",
        calls=[
            (
                hermes("search", {"query": "best ramen in Tokyo"}),
                ["search", {"query": "best ramen in Tokyo"}],
            )
        ],
        tokenizer="qwen2.5",
        rules="Qwen2.5 tokens",
    )
    case(
        f,
        "qwen2.5-think-splits",
        "<think>\nThe user greets me.\n</think>\n\nHello!",
        mode="auto",
        reasoning="The user greets me.",
        content="Hello!",
        tokenizer="qwen2.5",
        rules="Qwen2.5: <think> is several ordinary tokens",
    )
    compose(
        f,
        "qwen2.5-two-calls-zh",
        mode="auto",
        lang="zh",
        before="我来分别查询。",
        calls=[
            (hermes("get_weather", {"city": "上海"}), ["get_weather", {"city": "上海"}]),
            (hermes("get_weather", {"city": "广州"}), ["get_weather", {"city": "广州"}]),
        ],
        after="查询已发出。",
        tokenizer="qwen2.5",
        rules="Qwen2.5 tokens",
    )


# -- qwen_agent ---------------------------------------------------------------------------------


def agent_cases() -> None:
    f = "qwen_agent"
    b, p = {"city": "Boston"}, {"city": "北京"}
    case(
        f,
        "spec-example",
        "I'll check both cities.\n"
        + agent("get_weather", json.dumps(b))
        + "\n"
        + agent("get_weather", json.dumps(p, ensure_ascii=False)),
        mode="off",
        content="I'll check both cities.",
        calls=[["get_weather", b], ["get_weather", p]],
        rules="spec example",
    )
    case(
        f,
        "fenced-json",
        agent("get_weather", '```json\n{"city": "Boston"}\n```'),
        mode="off",
        calls=[["get_weather", b]],
        rules="a fenced object; the fence is framing",
    )
    case(
        f,
        "fence-without-language",
        "好的。\n" + agent("get_weather", '```\n{"city": "北京"}\n```'),
        mode="off",
        lang="zh",
        content="好的。",
        calls=[["get_weather", p]],
        rules="a fence without a language word",
    )
    case(
        f,
        "arguments-on-next-line",
        '✿FUNCTION✿: get_weather\n✿ARGS✿:\n{"city": "Boston"}',
        mode="off",
        calls=[["get_weather", b]],
        rules="arguments on the next line",
    )
    hotel = {"city": "杭州", "nights": 3, "guests": {"adults": 2}}
    case(
        f,
        "pretty-printed-next-line",
        "✿FUNCTION✿: book_hotel\n✿ARGS✿:\n" + json.dumps(hotel, ensure_ascii=False, indent=4),
        mode="off",
        lang="zh",
        calls=[["book_hotel", hotel]],
        rules="pretty-printed JSON starting on the next line",
    )
    case(
        f,
        "fenced-on-next-line",
        '✿FUNCTION✿: get_weather\n✿ARGS✿:\n```json\n{"city": "Boston"}\n```',
        mode="off",
        calls=[["get_weather", b]],
        rules="a fence on the next line",
    )
    case(
        f,
        "code-interpreter-fence",
        "Let me compute it.\n✿FUNCTION✿: code_interpreter\n"
        "✿ARGS✿: ```py\nimport math\nprint(math.factorial(10))\n```",
        mode="off",
        content="Let me compute it.",
        calls=[["code_interpreter", {"code": "import math\nprint(math.factorial(10))"}]],
        rules='a fenced non-object block is {"code": CONTENT} (the newline before the closing '
        "fence is the fence's framing, as for objects)",
    )
    case(
        f,
        "unknown-tool",
        agent("launch_rocket", '{"target": "moon"}') + "\n" + agent("get_weather", json.dumps(b)),
        mode="off",
        calls=[["get_weather", b]],
        errors=[[None, "launch_rocket", "unknown tool"]],
        rules="an undeclared tool",
    )
    case(
        f,
        "bare-string-arguments",
        agent("get_weather", "Boston")
        + "\nSorry, let me retry.\n"
        + agent("get_weather", json.dumps(b)),
        mode="off",
        content="\nSorry, let me retry.",
        calls=[["get_weather", b]],
        errors=[[0, "get_weather", "must be a JSON object"]],
        rules="arguments not starting with { run to the end of the line: an error",
    )
    case(
        f,
        "single-quotes",
        agent("search", "{'query': 'x'}"),
        mode="off",
        errors=[[0, "search", "JSON"]],
        rules="invalid JSON",
    )
    case(
        f,
        "truncated",
        "正在搜索。\n" + agent("search", '{"query": "如何学习 Python 的'),
        mode="off",
        lang="zh",
        content="正在搜索。",
        errors=[[0, "search", "truncated"]],
        truncated=True,
        rules="a stream that ends inside the arguments",
    )
    case(
        f,
        "blank-lines-around-calls",
        "A.\n\n" + agent("get_time", "{}") + "\n\n" + agent("get_time", "{}") + "\n\nB.",
        mode="off",
        content="A.\n\nB.",
        calls=[["get_time", {}], ["get_time", {}]],
        rules="any whitespace before and between calls is framing; after them it goes with text",
    )
    case(
        f,
        "truncated-after-args-marker",
        "Checking.\n✿FUNCTION✿: get_weather\n✿ARGS✿:",
        mode="off",
        content="Checking.",
        errors=[[None, "get_weather", "truncated"]],
        truncated=True,
        rules="a stream that ends before the arguments (as qwen2's truncated header)",
    )
    case(
        f,
        "truncated-in-code",
        agent("python", '{"code": "for i in range(10):\\n    print(\\"}\\", i'),
        mode="off",
        errors=[[0, "python", "truncated"]],
        truncated=True,
        rules="a stream that ends inside a string of the arguments",
    )
    case(
        f,
        "truncated-in-reasoning",
        "The user asked about two cities; I will call get_weather",
        mode="started",
        reasoning="The user asked about two cities; I will call get_weather",
        truncated=True,
        rules="a stream that ends inside reasoning",
    )
    case(
        f,
        "result-generated-is-text",
        agent("get_time", '{"timezone": "UTC"}')
        + "\n✿RESULT✿: 12:00\n✿RETURN✿: It is noon in UTC.",
        mode="off",
        content="\n✿RESULT✿: 12:00\n✿RETURN✿: It is noon in UTC.",
        calls=[["get_time", {"timezone": "UTC"}]],
        rules="✿RESULT✿/✿RETURN✿ are text when generated; text after the calls is kept",
    )
    mid = "To call a tool, write ✿FUNCTION✿: name on its own line; I won't call one now."
    case(
        f,
        "marker-mid-line-is-text",
        mid,
        mode="off",
        content=mid,
        rules="✿FUNCTION✿ in the middle of a line is text",
    )
    nocall = "✿FUNCTION✿: get_weather\nActually I already know: it is 20°C in Boston."
    case(
        f,
        "function-without-args-is-text",
        nocall,
        mode="off",
        content=nocall,
        rules="a ✿FUNCTION✿ line not followed by ✿ARGS✿ is text",
    )
    case(
        f,
        "reasoning-auto",
        "<think>\nThe user wants Boston's weather.\n</think>\n\n"
        + agent("get_weather", json.dumps(b)),
        mode="auto",
        reasoning="The user wants Boston's weather.",
        calls=[["get_weather", b]],
        rules="reasoning on (Qwen3 through Qwen-Agent)",
    )
    case(
        f,
        "reasoning-started",
        "用户想知道北京的天气。\n</think>\n\n我来查一下。\n"
        + agent("get_weather", json.dumps(p, ensure_ascii=False)),
        mode="started",
        lang="zh",
        reasoning="用户想知道北京的天气。",
        content="我来查一下。",
        calls=[["get_weather", p]],
        rules="reasoning pre-opened",
    )
    case(
        f,
        "call-inside-reasoning",
        "<think>\nI should call the tool.\n" + agent("get_weather", json.dumps(b)),
        mode="auto",
        reasoning="I should call the tool.",
        calls=[["get_weather", b]],
        rules="a call inside reasoning ends the section",
    )
    code = {"code": 'print("a}b", \'\\\\\')\nfor i in range(3):\n    print(f"{i} 🚀")'}
    case(
        f,
        "python-code-arguments",
        agent("python", json.dumps(code, ensure_ascii=False)),
        mode="off",
        calls=[["python", code]],
        rules="code with escapes and } in strings",
    )
    case(
        f,
        "long-code",
        agent("python", json.dumps({"code": LONG_CODE}, ensure_ascii=False)),
        mode="off",
        calls=[["python", {"code": LONG_CODE}]],
        rules="long arguments (6k characters of code, JSON-escaped)",
    )
    case(
        f,
        "wrong-bracket",
        agent("search", '{"query": ["x"}'),
        mode="off",
        errors=[[0, "search", "bracket"]],
        rules="a closing bracket of the wrong type",
    )
    issue = {"repo": "QwenLM/Qwen-Agent", "title": "Stream mode drops text", "labels": ["bug"]}
    case(
        f,
        "dotted-name",
        agent("github.create-issue", json.dumps(issue)),
        mode="off",
        calls=[["github.create-issue", issue]],
        rules="names with dots and hyphens",
    )
    case(
        f,
        "no-space-after-args",
        '✿FUNCTION✿: 天气查询\n✿ARGS✿:{"城市": "成都"}',
        mode="off",
        lang="zh",
        calls=[["天气查询", {"城市": "成都"}]],
        rules="optional spaces after ✿ARGS✿:",
    )
    case(
        f,
        "three-calls-text-after",
        "Three lookups.\n"
        + "\n".join(
            agent("get_stock_price", json.dumps({"symbol": s})) for s in ("AAPL", "MSFT", "9988.HK")
        )
        + "\nWaiting for the prices.",
        mode="off",
        content="Three lookups.\nWaiting for the prices.",
        calls=[["get_stock_price", {"symbol": s}] for s in ("AAPL", "MSFT", "9988.HK")],
        rules="several calls, text after them",
    )


# -- qwen3_coder --------------------------------------------------------------------------------

OLD = "    def area(self):\n        return 3.14 * self.r ** 2\n"
NEW = (
    '    def area(self) -> float:\n        """Area of the circle."""\n\n'
    '        return math.pi * self.r ** 2  # uses <math> & "pi"\n'
)
XML_DOC = (
    "# Tool syntax\n\nA value ends with a closing tag:\n\n```\n<parameter=name>\nvalue\n"
    "</parameter>\n```\n\nwhere `</parameter>` is followed by the next tag.\n"
)


def coder_cases() -> None:
    f = "qwen3_coder"
    case(
        f,
        "spec-example",
        "The user wants lines 10-30.\n</think>\n\n"
        + coder("read_file", [("path", "src/main.py"), ("limit", "20")]),
        mode="started",
        reasoning="The user wants lines 10-30.",
        calls=[["read_file", {"path": "src/main.py", "limit": 20}]],
        rules="spec example",
    )
    case(
        f,
        "edit-with-indentation",
        "I'll fix the formula.\n"
        + coder(
            "str_replace", [("path", "geometry/circle.py"), ("old_str", OLD), ("new_str", NEW)]
        ),
        mode="auto",
        content="I'll fix the formula.",
        calls=[["str_replace", {"path": "geometry/circle.py", "old_str": OLD, "new_str": NEW}]],
        rules="one newline stripped each side; indentation, blank lines, quotes, <, & are data",
    )
    src = 'TAG = "</parameter>"\nprint(TAG)  # not a closing tag'
    case(
        f,
        "long-file",
        "Writing all handlers.\n"
        + coder("write_file", [("path", "handlers.py"), ("content", LONG_CODE)]),
        mode="auto",
        content="Writing all handlers.",
        calls=[["write_file", {"path": "handlers.py", "content": LONG_CODE}]],
        rules="a long value (6k characters of code with literal tags), streamed raw",
    )
    case(
        f,
        "closing-tag-in-code",
        coder("write_file", [("path", "tags.py"), ("content", src)]),
        mode="auto",
        calls=[["write_file", {"path": "tags.py", "content": src}]],
        rules="a </parameter> followed by text is part of the value",
    )
    case(
        f,
        "xml-example-in-value",
        coder("write_file", [("path", "docs/syntax.md"), ("content", XML_DOC)]),
        mode="auto",
        calls=[["write_file", {"path": "docs/syntax.md", "content": XML_DOC}]],
        rules="an unlisted <parameter=KEY> at a line start and a non-structural </parameter>",
    )
    case(
        f,
        "strings-that-look-like-numbers",
        coder(
            "create_contact",
            [("name", "Ada"), ("zip_code", "02139"), ("phone", "123_456"), ("nickname", "null")],
        ),
        mode="auto",
        calls=[
            [
                "create_contact",
                {"name": "Ada", "zip_code": "02139", "phone": "123_456", "nickname": None},
            ]
        ],
        rules="strings verbatim; string-or-null: null spelled null",
    )
    case(
        f,
        "typed-values",
        coder(
            "search_code",
            [
                ("query", "def main"),
                ("globs", '["*.py", "src/**/*.pyx"]'),
                ("case_sensitive", "True"),
                ("max_results", " 50 "),
            ],
        ),
        mode="auto",
        calls=[
            [
                "search_code",
                {
                    "query": "def main",
                    "globs": ["*.py", "src/**/*.pyx"],
                    "case_sensitive": True,
                    "max_results": 50,
                },
            ]
        ],
        rules="array, Python boolean, integer with whitespace",
    )
    case(
        f,
        "number-and-boolean",
        "Running the tests.\n"
        + coder(
            "run_shell",
            [
                ("command", "pytest -q tests/ 2>&1 | tail -n 5"),
                ("timeout", "120.5"),
                ("background", "false"),
            ],
        ),
        mode="auto",
        content="Running the tests.",
        calls=[
            [
                "run_shell",
                {
                    "command": "pytest -q tests/ 2>&1 | tail -n 5",
                    "timeout": 120.5,
                    "background": False,
                },
            ]
        ],
        rules="number; lower-case boolean",
    )
    case(
        f,
        "integer-that-is-not",
        coder("read_file", [("path", "a.txt"), ("limit", "twenty"), ("offset", "007")]),
        mode="auto",
        calls=[["read_file", {"path": "a.txt", "limit": "twenty", "offset": "007"}]],
        rules="a value that converts to none of its types stays a string",
    )
    prefs = {"theme": "dark", "font": {"size": 14, "family": "Fira Code"}}
    case(
        f,
        "unions-and-objects",
        coder(
            "set_preferences",
            [
                ("prefs", json.dumps(prefs, indent=2)),
                ("theme", "dark"),
                ("retries", "3"),
                ("ratio", "None"),
            ],
        ),
        mode="auto",
        calls=[["set_preferences", {"prefs": prefs, "theme": "dark", "retries": 3, "ratio": None}]],
        rules="object; enum; oneOf integer|string; nullable number",
    )
    case(
        f,
        "union-falls-back-to-string",
        coder("set_preferences", [("retries", "many")]),
        mode="auto",
        calls=[["set_preferences", {"retries": "many"}]],
        rules="several types: string when nothing else converts",
    )
    case(
        f,
        "type-list-with-null",
        coder("create_contact", [("name", "李雷"), ("age", "null"), ("tags", '["同学", "朋友"]')]),
        mode="auto",
        lang="zh",
        calls=[["create_contact", {"name": "李雷", "age": None, "tags": ["同学", "朋友"]}]],
        rules="a type list with null",
    )
    case(
        f,
        "ref-allof-const",
        coder("schedule", [("at", "2026-12-01T09:00"), ("count", "5"), ("level", "3")]),
        mode="auto",
        calls=[["schedule", {"at": "2026-12-01T09:00", "count": 5, "level": 3}]],
        rules="$ref into $defs; allOf; const",
    )
    case(
        f,
        "zero-arguments",
        "<think>\n\n</think>\n\n" + coder("get_time", []),
        mode="auto",
        calls=[["get_time", {}]],
        rules="a call without parameters",
    )
    case(
        f,
        "trailing-blank-line",
        coder("write_file", [("path", "notes.txt"), ("content", "line one\n\n")]),
        mode="auto",
        calls=[["write_file", {"path": "notes.txt", "content": "line one\n\n"}]],
        rules="exactly one newline stripped before the closing tag",
    )
    case(
        f,
        "two-calls-zh",
        "我先查天气，再看时间。\n"
        + coder("get_weather", [("city", "北京"), ("unit", "celsius"), ("days", "3")])
        + "\n"
        + coder("get_time", [])
        + "\n稍等片刻。",
        mode="auto",
        lang="zh",
        content="我先查天气，再看时间。\n稍等片刻。",
        calls=[["get_weather", {"city": "北京", "unit": "celsius", "days": 3}], ["get_time", {}]],
        rules="two calls; text before and after",
    )
    case(
        f,
        "bare-function",
        "Reading it.\n" + coder("read_file", [("path", "README.md")], wrapper=False),
        mode="auto",
        content="Reading it.",
        calls=[["read_file", {"path": "README.md"}]],
        rules="a bare <function=NAME> call",
    )
    prose = "Calls go in <tool_call> blocks, and a function is named like <function=read_file>."
    case(
        f,
        "tags-in-prose",
        prose,
        mode="auto",
        content=prose,
        rules="prose that mentions the tags is text",
    )
    case(
        f,
        "malformed-parameter-tag",
        "<tool_call>\n<function=read_file>\n<parameter=path\n"
        "src/x.py\n</parameter>\n</function>\n</tool_call>\n" + coder("get_time", []),
        mode="auto",
        calls=[["get_time", {}]],
        errors=[[0, "read_file", None]],
        rules="<parameter= with no > before the line ends; its markup is framing",
    )
    case(
        f,
        "empty-key",
        "<tool_call>\n<function=read_file>\n<parameter=>\nx\n</parameter>\n"
        "</function>\n</tool_call>",
        mode="auto",
        errors=[[0, "read_file", None]],
        rules="an empty key is malformed",
    )
    case(
        f,
        "missing-close-then-listed-key",
        "<tool_call>\n<function=write_file>\n"
        "<parameter=path>\nsrc/app.py\n<parameter=content>\nprint('hi')\n</parameter>\n"
        "</function>\n</tool_call>",
        mode="auto",
        calls=[["write_file", {"path": "src/app.py", "content": "print('hi')"}]],
        rules="a missing </parameter> closed by a listed key not given yet",
    )
    case(
        f,
        "missing-close-before-function",
        "<tool_call>\n<function=read_file>\n"
        "<parameter=path>\nsrc/app.py\n</function>\n</tool_call>",
        mode="auto",
        calls=[["read_file", {"path": "src/app.py"}]],
        rules="a missing </parameter> closed by </function> then </tool_call>",
    )
    case(
        f,
        "truncated-in-value",
        "Writing the file.\n<tool_call>\n<function=write_file>\n"
        "<parameter=path>\nmain.go\n</parameter>\n<parameter=content>\npackage main\n\nfunc main() {",
        mode="auto",
        content="Writing the file.",
        errors=[[0, "write_file", "truncated"]],
        truncated=True,
        rules="a stream that ends inside a value",
    )
    case(
        f,
        "truncated-in-reasoning",
        "用户要修改 main.go。先读文件，再",
        mode="started",
        lang="zh",
        reasoning="用户要修改 main.go。先读文件，再",
        truncated=True,
        rules="a stream that ends inside reasoning",
    )
    case(
        f,
        "tool-call-tag-then-prose",
        "Here:\n<tool_call>\nSorry, no tool fits this request.",
        mode="auto",
        content="Here:\n<tool_call>\nSorry, no tool fits this request.",
        rules="<tool_call> not followed by <function= is text, its newlines too",
    )
    case(
        f,
        "truncated-in-parameter-name",
        "Let me check.\n<tool_call>\n<function=get_weather>\n<parameter=ci",
        mode="auto",
        content="Let me check.",
        errors=[[0, "get_weather", "truncated"]],
        truncated=True,
        rules="a stream that ends inside a parameter tag of a started call",
    )
    case(
        f,
        "truncated-after-function",
        "<tool_call>\n<function=get_weather>\n<parameter=city>\nTokyo\n</parameter>\n</function>",
        mode="auto",
        calls=[["get_weather", {"city": "Tokyo"}]],
        truncated=True,
        rules="tool_call_end at </function>; </tool_call> is framing",
    )
    case(
        f,
        "unknown-function",
        coder("rm_rf", [("path", "/")]) + "\n" + coder("get_time", []),
        mode="auto",
        calls=[["get_time", {}]],
        errors=[[None, "rm_rf", "unknown tool"]],
        rules="an undeclared tool",
    )
    case(
        f,
        "unknown-bare-function",
        "好的。\n" + coder("format_disk", [("device", "/dev/sda")], wrapper=False),
        mode="auto",
        lang="zh",
        content="好的。",
        errors=[[None, "format_disk", "unknown tool"]],
        rules="an undeclared tool, bare call",
    )
    case(
        f,
        "malformed-after-reasoning",
        "需要读取配置文件。\n</think>\n\n<tool_call>\n"
        "<function=read_file>\n<parameter=path>\nconfig.toml\n</parameter>\n<parameter=limit\n10\n"
        "</parameter>\n</function>\n</tool_call>",
        mode="started",
        lang="zh",
        reasoning="需要读取配置文件。",
        errors=[[0, "read_file", None]],
        rules="a malformed tag after a complete parameter; its markup is framing",
    )
    case(
        f,
        "duplicate-key",
        coder("read_file", [("path", "a.py"), ("path", "b.py")]),
        mode="auto",
        calls=[["read_file", {"path": "b.py"}]],
        rules="the last value wins",
    )
    case(
        f,
        "call-inside-reasoning",
        "I need to look at the file first.\n" + coder("read_file", [("path", "setup.cfg")]),
        mode="started",
        reasoning="I need to look at the file first.",
        calls=[["read_file", {"path": "setup.cfg"}]],
        rules="a call inside reasoning ends the section (</think> missing)",
    )
    case(
        f,
        "call-mid-line-in-reasoning",
        "读一下配置。<tool_call>\n<function=read_file>\n<parameter=path>\npyproject.toml\n"
        "</parameter>\n</function>\n</tool_call>",
        mode="started",
        lang="zh",
        reasoning="读一下配置。",
        calls=[["read_file", {"path": "pyproject.toml"}]],
        rules="a call opener in the middle of a reasoning line ends the section",
    )
    case(
        f,
        "thinking-off",
        "I'll list the tests.\n" + coder("run_shell", [("command", "ls tests/")]),
        mode="off",
        content="I'll list the tests.",
        calls=[["run_shell", {"command": "ls tests/"}]],
        rules="Qwen3.5 with thinking off",
    )
    case(
        f,
        "key-with-spaces",
        "<tool_call>\n<function=read_file>\n<parameter= path >\n"
        "x.py\n</parameter>\n</function>\n</tool_call>",
        mode="auto",
        calls=[["read_file", {"path": "x.py"}]],
        rules="keys are stripped of whitespace",
    )
    tricky = 'html = "</function> ends a call"\nlog("<tool_call> 🚀 开始")'
    case(
        f,
        "function-tag-in-value",
        coder("write_file", [("path", "t.py"), ("content", tricky)]),
        mode="auto",
        calls=[["write_file", {"path": "t.py", "content": tricky}]],
        rules="</function> and <tool_call> inside a value, not followed by structure, are data",
    )
    case(
        f,
        "whitespace-only-value",
        coder("write_file", [("path", "blank.txt"), ("content", "   \n\t")]),
        mode="auto",
        calls=[["write_file", {"path": "blank.txt", "content": "   \n\t"}]],
        rules="whitespace-only strings are kept",
    )


# -- composed replies -------------------------------------------------------------------------

THOUGHTS = {
    "en": [
        "The user wants {c}. I should call the tool.",
        "Two things to check.\nFirst the weather, then the time.",
        "Let me think about which tool fits.\n\nThe search tool is best.",
        'Hmm, "quotes" and {braces} in my thoughts are fine.',
    ],
    "zh": [
        "用户想知道{c}的情况，我需要调用工具。",
        "先查天气，\n再查时间。",
        "这个问题需要搜索 🔍。",
    ],
}
AFTER = {"en": ["Done.", "I'll report back once the results arrive.", "Waiting for the tools…"],
         "zh": ["查询已发出。", "稍等，结果马上就来。"]}  # fmt: skip


def _sentence(rng: random.Random, lang: str) -> str:
    text = rng.choice(EN if lang == "en" else ZH).replace("{c}", rng.choice(CITIES))
    return text.strip()


def _thought(rng: random.Random, lang: str) -> str:
    return rng.choice(THOUGHTS[lang]).replace("{c}", rng.choice(CITIES))


def _json_call(rng: random.Random, fmt: str) -> tuple[str, list]:
    tool = rng.choice(GENERAL_TOOLS[:-1])
    name = tool["function"]["name"]
    args = _arguments(rng, tool)
    raw = _raw(rng, args)
    return (hermes(name, args, raw) if fmt == "hermes" else agent(name, raw)), [name, args]


STRINGS = [
    "src/main.py", "北京", "São Paulo", "02139", "true", "null", "  padded  ", "a < b && c > d",
    'say "hi" \\ bye', "line one\nline two\n", "    indented\n\tTabbed\n", "emoji 🚀 and 中文",
    "{not: json}", "x" * 60,
]  # fmt: skip


def _coder_value(rng: random.Random, schema: dict) -> tuple[str, Any]:
    """A value's text as Qwen3-Coder's template writes it, and its typed value."""
    t = schema.get("type")
    if t == "integer":
        n = rng.choice([0, 5, 42, -3, 2024])
        return rng.choice(["{}", " {} ", "{}\n"]).format(n), n
    if t == "number":
        x = rng.choice([0.5, 12.75, -3.25, 100, 1.5e10])
        return json.dumps(x), x
    if t == "boolean":
        v = rng.random() < 0.5
        return rng.choice([str(v), json.dumps(v)]), v
    if t == "array":
        v = rng.sample(["*.py", "docs/*.md", "测试", 'a"b'], rng.randint(0, 3))
        return json.dumps(v, ensure_ascii=False), v
    if schema.get("enum"):
        v = rng.choice(schema["enum"])
        return v, v
    v = rng.choice(STRINGS)
    return v, v


def _coder_call(rng: random.Random) -> tuple[str, list]:
    tool = rng.choice([t for t in CODER_TOOLS if t["function"]["name"] in
                       ("read_file", "write_file", "run_shell", "search_code", "get_weather",
                        "get_time")])  # fmt: skip
    fn = tool["function"]
    params, args = [], {}
    for key, schema in fn["parameters"]["properties"].items():
        if key in fn["parameters"]["required"] or rng.random() < 0.5:
            if key == "content":
                text = rng.choice([CODE, OLD, NEW, "Hello, 世界!\n", '{"a": "}"}'])
                value: Any = text
            else:
                text, value = _coder_value(rng, schema)
            params.append((key, text))
            args[key] = value
    return coder(fn["name"], params), [fn["name"], args]


def composed_cases(fmt: str, count: int, rng: random.Random) -> None:
    modes = ["auto", "auto", "started", "off"]
    for n in range(count):
        lang = "en" if n % 2 == 0 else "zh"
        mode = modes[n % len(modes)]
        thought = _thought(rng, lang) if mode == "started" or (mode == "auto" and n % 3) else ""
        if fmt == "qwen3_coder" and mode == "auto":
            thought = ""  # Qwen3-Coder does not reason; Qwen3.5 (started) does
        ncalls = [0, 1, 1, 2, 2, 3][n % 6]
        make = _coder_call if fmt == "qwen3_coder" else (lambda r: _json_call(r, fmt))
        calls = [make(rng) for _ in range(ncalls)]
        before = _sentence(rng, lang) if (not calls or rng.random() < 0.6) else ""
        after = rng.choice(AFTER[lang]) if calls and rng.random() < 0.3 else ""
        compose(
            fmt,
            f"composed-{n:02d}",
            mode=mode,
            lang=lang,
            thought=thought,
            before=before,
            calls=calls,
            after=after,
        )


# ---- prompts and streams --------------------------------------------------------------------


def _environment():
    import jinja2.ext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)  # fmt: skip

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


USERS = {"en": "Can you help me with this?", "zh": "请帮我处理一下。"}
AGENT_SYSTEM = (
    "You are a helpful assistant.\n\n# Tools\n\n## You have access to the following tools:\n\n"
    "{tools}\n\n## When you need to call a tool, please insert the following command in your "
    "reply, which can be called zero or multiple times according to the needs:\n\n"
    "✿FUNCTION✿: The tool to use, should be one of [{names}]\n✿ARGS✿: The input of the tool\n"
    "✿RESULT✿: Tool results\n✿RETURN✿: Reply based on tool results. Images need to be rendered "
    "as ![](url)"
)


class Prompts:
    """The prompt text each reply's detokenizer is primed with, rendered from the chat templates
    (only the last tokens matter to the detokenizer; the reasoning mode must match the end)."""

    def __init__(self, data: Path) -> None:
        folder = Path(data) / "templates"
        env = _environment()
        self.templates = {
            name: env.from_string((folder / f"{name}.chat_template.jinja").read_text("utf-8"))
            for name in ("qwen3", "qwen2.5-instruct", "qwen3-coder", "qwen3.5")
        }

    def text(self, reply: dict) -> str:
        fmt, mode = reply["format"], reply["mode"]
        tools = TOOL_SETS[FORMAT_TOOLS[fmt]]
        messages = [{"role": "user", "content": USERS[reply["lang"]]}]
        if fmt == "qwen_agent":
            listing = "\n\n".join(
                f"### {t['function']['name']}\n\n{t['function']['name']}: "
                f"{t['function']['description']} Parameters: "
                + json.dumps(t["function"]["parameters"], ensure_ascii=False)
                for t in tools
            )
            names = ",".join(t["function"]["name"] for t in tools)
            system = AGENT_SYSTEM.format(tools=listing, names=names)
            text = (f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n"
                    f"{messages[0]['content']}<|im_end|>\n<|im_start|>assistant\n")  # fmt: skip
            return text + {"off": "", "auto": "", "started": "<think>\n"}[mode]
        if fmt == "hermes":
            name = "qwen2.5-instruct" if reply["tokenizer"] == "qwen2.5" else "qwen3"
        else:
            name = "qwen3-coder" if mode == "auto" else "qwen3.5"
        kwargs: dict[str, Any] = {"enable_thinking": False} if mode == "off" else {}
        text = self.templates[name].render(
            messages=messages, tools=tools, add_generation_prompt=True, bos_token="",
            eos_token="", **kwargs,
        )  # fmt: skip
        if mode == "started" and name == "qwen3":
            text += "<think>\n"  # as Qwen3-Thinking-2507's template opens it
        return text


def record(tokenizers: dict, prompts: Prompts, reply: dict, rng: random.Random) -> dict:
    tok = tokenizers[reply["tokenizer"]]
    prompt_text = prompts.text(reply)
    full_prompt = encode(tok, prompt_text)
    prompt = full_prompt[-PROMPT_TAIL:]
    ids = encode(tok, reply["response"]) + ([] if reply["truncated"] else [IM_END])
    text = reply["response"]
    if reply["format"] == "qwen_agent" and not any(s in text for s in AGENT_STOP):
        stop = list(AGENT_STOP)
    else:
        stop = [stop_string(rng.randint(0, 12))]
    assert not any(s in text for s in stop)
    deltas = {}
    for mode, skip in MODES.items():
        steps, finish = emit(FastDetokenizer(tok, prompt, skip), ids, STOP_IDS)
        assert finish == ("length" if reply["truncated"] else "stop"), reply["id"]
        assert [s[0][0] for s in steps] == ids
        plain = [delta for _, delta in steps]
        assert "".join(plain) == text, (reply["id"], mode, "".join(plain))
        deltas[mode] = plain
        lag = max(map(len, stop)) - 1
        real, _ = emit(FastDetokenizer(tok, prompt, skip, stop), ids, STOP_IDS)
        assert [delta for _, delta in real] == lag_steps(plain, lag), (reply["id"], mode)
        whole, _ = emit(FastDetokenizer(tok, full_prompt, skip), ids, STOP_IDS)
        assert [delta for _, delta in whole] == plain, (reply["id"], "primed with the tail")
    assert deltas["skip"] == deltas["keep"], reply["id"]
    return {
        "id": reply["id"], "format": reply["format"], "lang": reply["lang"],
        "tokenizer": reply["tokenizer"], "reasoning": reply["mode"], "rules": reply["rules"],
        "tools": FORMAT_TOOLS[reply["format"]], "response": text,
        "finish_reason": "length" if reply["truncated"] else "stop",
        "prompt_tail": prompt_text[-40:], "prompt_ids": prompt, "token_ids": ids,
        "deltas": deltas, "stop": stop, "expected": reply["expected"],
    }  # fmt: skip


def build(seed: int = 12, composed: int = 24) -> list[dict]:
    """The replies of every format, in order, without their streams."""
    CASES.clear()
    rng = random.Random(seed)
    hermes_cases()
    composed_cases("hermes", composed, rng)
    agent_cases()
    composed_cases("qwen_agent", composed, rng)
    coder_cases()
    composed_cases("qwen3_coder", composed, rng)
    return list(CASES)


def check_vllm(data: Path, folder: Path) -> int:
    """Replay the written corpus through vLLM's own ``IncrementalDetokenizer`` (run with the
    Python of a virtualenv with vLLM 0.33): every reply, both modes, without and with its stop
    strings, must give the recorded deltas (with stop strings: ``lag_steps`` of them). The
    tokenizer is the same approximation, wrapped as transformers' fast tokenizer, so this checks
    the detokenizer port and the stop-string lag, not the approximation. Returns the number of
    mismatches."""
    from check_against_vllm import replay
    from transformers import PreTrainedTokenizerFast

    toks = {v: PreTrainedTokenizerFast(tokenizer_object=load_qwen3(data, v)) for v in VARIANTS}
    failures = streams = tokens = 0
    for fmt in FORMATS:
        for line in (folder / f"{fmt}.jsonl").read_text(encoding="utf-8").splitlines():
            reply = json.loads(line)
            for mode, skip in MODES.items():
                for stop in ([], reply["stop"]):
                    lag = max(map(len, stop)) - 1 if stop else 0
                    request = {
                        "name": reply["id"], "skip_special_tokens": skip,
                        "spaces_between_special_tokens": True, "stop": stop,
                        "include_stop_str_in_output": False, "prompt_ids": reply["prompt_ids"],
                        "token_ids": reply["token_ids"], "finish_reason": reply["finish_reason"],
                        "text_lag": lag,
                    }  # fmt: skip
                    got, _ = replay(toks[reply["tokenizer"]], request, STOP_IDS)
                    streams += 1
                    tokens += len(got)
                    if got != lag_steps(reply["deltas"][mode], lag):
                        failures += 1
                        print(f"MISMATCH {reply['id']} [{mode}, stop {stop}]")
    print(f"qwen generated: {streams} streams, {tokens} tokens compared with vLLM")
    print("OK: identical" if not failures else f"FAILED: {failures} mismatches")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="tokenizer and template data")
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "qwen_generated")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--check-vllm", action="store_true",
                    help="compare the written corpus with vLLM's detokenizer (in a vLLM venv)")  # fmt: skip
    args = ap.parse_args(argv)
    if args.check_vllm:
        return 1 if check_vllm(args.data, args.out) else 0
    tokenizers = {v: load_qwen3(args.data, v) for v in VARIANTS}
    prompts = Prompts(args.data)
    rng = random.Random(args.seed + 1)
    replies = build(args.seed)
    assert len({r["id"] for r in replies}) == len(replies)
    records = [record(tokenizers, prompts, reply, rng) for reply in replies]
    write_corpus(args.out, FORMATS, records, TOOL_SETS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
