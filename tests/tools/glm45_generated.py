"""A generated corpus of GLM-4.5 / GLM-4.7 replies for ``glm45`` and ``glm47``, as vLLM streams
them (issue 13, "Real token streams").

    python tests/tools/glm45_generated.py [--data ../shared/data] [--out tests/data/glm45_generated]

Each format gets hand-written replies for the rules of its contract section (spec example, code
edits with indentation, literal tags in values, a non-structural ``</arg_value>``, Chinese values,
numbers that stay strings, Python's ``True``, objects and arrays, several calls, zero-argument
calls, calls inside reasoning, truncated, malformed and unknown calls) and replies composed at
random (seeded) from English and Chinese sentences, reasoning and one to three calls of the
declared tools with values typed by their schema. Layouts, as the models' templates write them:

- ``glm45`` (GLM-4.5/4.6, reasoning "auto"): ``\\n<think>REASONING</think>\\nTEXT\\n<tool_call>
  NAME\\n<arg_key>K</arg_key>\\n<arg_value>V</arg_value>\\n</tool_call>`` (newlines between parts);
- ``glm47`` (GLM-4.7, reasoning "started": the prompt ends in ``<|assistant|><think>``):
  ``REASONING</think>TEXT<tool_call>NAME<arg_key>K</arg_key><arg_value>V</arg_value></tool_call>``
  (no newlines).

The expected parse of every reply (``content``, ``reasoning``, ``calls`` as ``[name,
arguments]``, ``errors`` as ``[index, name, message substring or null]``) is written here from
``shared/spec/formats.md`` (contract v2: "Formats glm45 and glm47", "Arguments", "Reasoning
sections", "Calls and the text around them"), never by running a parser.

Tokenizer (**an approximation**): GLM-4.5/4.7's own tokenizer is not available here, so
glm-4-9b-chat's BPE (``../shared/data/glm4``, :class:`vllm_streams.GLM4Tokenizer`) stands in for
it, with GLM-4.5's tags added as single *non-special* tokens at their commonly cited ids (not
confirmed, see ``../shared/data/templates/README.md``): ``<think>`` 151350, ``</think>`` 151351,
``<tool_call>`` 151352, ``</tool_call>`` 151353, ``<tool_response>``/``</tool_response>``
151354/151355, ``<arg_key>`` 151356, ``</arg_key>`` 151357, ``<arg_value>`` 151358,
``</arg_value>`` 151359; the special tokens are glm-4-9b-chat's (``<|endoftext|>`` 151329,
``<|user|>`` 151336, ``<|assistant|>`` 151337, ``<|observation|>`` 151338). GLM-4.5's real merges
were not compared with glm-4-9b-chat's.

Token ids: the response plus the stop token (``<|observation|>`` after calls, ``<|user|>`` after
a plain reply), or, for replies cut off by max_tokens (``finish_reason`` "length"), the response
alone. Prompt: ``[gMASK]<sop><|user|>\\nUSER<|assistant|>`` (``glm47``: then ``<think>``); it only
primes the detokenizer. Deltas: vLLM 0.33's slow detokenizer (:class:`vllm_streams.
SlowDetokenizer`, as ``glm4_generated.py`` uses) with ``skip_special_tokens`` True (``skip``: the
parser gets the stop token's id through ``feed(delta, token_ids)``) and False (``keep``), and
``spaces_between_special_tokens`` False: GLM-4.5 ships a fast tokenizer, whose decoding puts no
space around added tokens, while the slow path with spaces would put one around every tag. The
stop token is never detokenized and no other special token occurs, so the two modes are equal
(checked here).

``stop`` is a list of one stop string that never occurs in the response (``§`` and letters, lag
0..12): the test rebuilds the stream with it as vLLM does (``lag_steps``), which this script
checks against the detokenizer run with that stop string.

Written: ``<format>.jsonl`` (one reply a line) and ``tools.json`` (the tool list, ``glm``). A
reply holds ``id``, ``format``, ``lang``, ``reasoning``, ``rules``, ``tools``, ``response``,
``finish_reason``, ``prompt_tail``, ``prompt_ids``, ``token_ids``, ``deltas`` (by mode, one per
token), ``stop`` and ``expected``. Deterministic: rerunning gives identical files.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/: the helpers the test suite replays with
sys.path.append(str(ROOT))

from glm4_generated import CITIES, EN, TOOLS, ZH  # noqa: E402
from qwen_generated import AFTER, CODE, CODER_TOOLS, LONG_CODE, NEW, OLD, _coder_value  # noqa: E402
from vllm_streams import (  # noqa: E402
    DEFAULT_DATA,
    GLM4_PATTERN,
    GLM4Tokenizer,
    SlowDetokenizer,
    emit,
    glm4_prompt_ids,
    write_corpus,
)

from helpers import lag_steps  # noqa: E402  (the one the tests use: checked here)

FORMATS = ("glm45", "glm47")
MODES = {"skip": True, "keep": False}  # skip_special_tokens
TAGS = {
    "<think>": 151350, "</think>": 151351, "<tool_call>": 151352, "</tool_call>": 151353,
    "<tool_response>": 151354, "</tool_response>": 151355, "<arg_key>": 151356,
    "</arg_key>": 151357, "<arg_value>": 151358, "</arg_value>": 151359,
}  # fmt: skip
ENDOFTEXT, USER, OBSERVATION = 151329, 151336, 151338
STOP_IDS = (ENDOFTEXT, USER, OBSERVATION)  # GLM-4.5's generation_config eos_token_id
REASONING = {"glm45": "auto", "glm47": "started"}


def stop_string(lag: int) -> str:
    return "§" + "ENDOFTURNXYZ"[:lag]


class GLM45Tokenizer(GLM4Tokenizer):
    """glm-4-9b-chat's tokenizer plus GLM-4.5's tags as non-special added tokens (:data:`TAGS`):
    **an approximation** of GLM-4.5/4.7's tokenizer (see the module docstring). The tags are
    added tokens (``str``) that ``skip_special_tokens`` keeps."""

    def __init__(self, data: Path) -> None:
        import tiktoken

        super().__init__(data)
        self.tag_ids = {i: t for t, i in TAGS.items()}
        self.encoding = tiktoken.Encoding(
            name="glm45-approx", pat_str=GLM4_PATTERN,
            mergeable_ranks=self.encoding._mergeable_ranks,
            special_tokens={**self.special_tokens, **TAGS},
        )  # fmt: skip

    def get_added_vocab(self) -> dict[str, int]:
        return {**self.special_tokens, **TAGS}

    def convert_ids_to_tokens(self, ids, skip_special_tokens: bool = False):
        out: list[bytes | str] = []
        for i in ids:
            if i in self.tag_ids:
                out.append(self.tag_ids[i])
            else:
                out.extend(super().convert_ids_to_tokens([i], skip_special_tokens))
        return out


# ---- tools and markup -----------------------------------------------------------------------

GLM_TOOLS = CODER_TOOLS + [
    t for t in TOOLS
    if t["function"]["name"] in ("send_email", "book_hotel", "convert_currency", "天气查询")
]  # fmt: skip
"""qwen_generated's coder tools (files, shell, search, contacts with string-typed numbers,
preferences with objects, ``$ref``/``anyOf``/``oneOf`` schemas, weather) and four of
glm4_generated's (email, hotel with an object, currency with a number, a Chinese tool)."""


def call(fmt: str, name: str, params: list[tuple[str, str]] = (), *, end: bool = True) -> str:
    """A call as the format's template writes it; ``end=False``: without ``</tool_call>``."""
    nl = "\n" if fmt == "glm45" else ""
    if not params:
        return f"<tool_call>{name}" + ("</tool_call>" if end else "")
    body = "".join(f"<arg_key>{k}</arg_key>{nl}<arg_value>{v}</arg_value>{nl}" for k, v in params)
    return f"<tool_call>{name}{nl}{body}" + ("</tool_call>" if end else "")


def head(fmt: str, thought: str | None) -> str:
    """The reasoning section (``None``: none at all, for ``glm45``) and the framing after it."""
    if fmt == "glm45":
        return "" if thought is None else f"\n<think>{thought}</think>\n"
    return f"{thought or ''}</think>"


# ---- cases ----------------------------------------------------------------------------------

CASES: list[dict[str, Any]] = []


def case(fmt: str, slug: str, response: str, *, lang: str = "en", content: str = "",
         reasoning: str = "", calls: list | None = None, errors: list | None = None,
         truncated: bool = False, rules: str = "") -> None:  # fmt: skip
    """One reply with its expected parse (written from the contract). ``truncated``: cut off by
    max_tokens (no stop token)."""
    CASES.append({
        "id": f"{fmt}/{slug}", "format": fmt, "lang": lang, "response": response,
        "truncated": truncated, "rules": rules,
        "expected": {"content": content, "reasoning": reasoning, "calls": calls or [],
                     "errors": errors or []},
    })  # fmt: skip


def compose(fmt: str, slug: str, *, lang: str, thought: str | None, before: str = "",
            calls: list[tuple[str, list]] = (), after: str = "", rules: str = "composed") -> None:  # fmt: skip
    """A reply from parts (``calls``: ``[(markup, [name, arguments])]``). Contract v2: the
    reasoning is the inside of ``<think>``; the whitespace after ``</think>``, between text and
    the first call and between calls is framing; ``after`` follows the last call with its
    newline (``glm45``), which goes with it."""
    nl = "\n" if fmt == "glm45" else ""
    response = head(fmt, thought) + before
    content = before
    if calls:
        response += (nl if before else "") + nl.join(markup for markup, _ in calls)
        if after:
            response += nl + after
            content += nl + after
    case(fmt, slug, response, lang=lang, content=content, reasoning=thought or "",
         calls=[c for _, c in calls], rules=rules)  # fmt: skip


TAGGED_CODE = (
    'html = "</arg_value>"\nif html:\n    print("<arg_key>k</arg_key> <tool_call>x")\n'
    "    # </tool_call> inside a value is data\n"
)
HALF_CLOSED = "a</arg_value> b"


def hand_cases(fmt: str) -> None:
    """The same rules in the format's own layout (``nl``: GLM-4.5's newlines, none in 4.7)."""
    nl = "\n" if fmt == "glm45" else ""
    f = fmt
    think = "\n<think>" if fmt == "glm45" else ""
    case(f, "spec-example",
         head(f, "Need weather for both cities.") + "Let me check both." + nl
         + call(f, "get_weather", [("city", "北京")]) + nl + call(f, "get_time"),
         content="Let me check both.", reasoning="Need weather for both cities.",
         calls=[["get_weather", {"city": "北京"}], ["get_time", {}]],
         rules="the contract's example; a zero-argument call")  # fmt: skip
    case(f, "code-edit",
         head(f, "Replace the method with a typed one.")
         + call(f, "str_replace", [("path", "geometry/circle.py"), ("old_str", OLD),
                                    ("new_str", NEW)]),
         reasoning="Replace the method with a typed one.",
         calls=[["str_replace", {"path": "geometry/circle.py", "old_str": OLD, "new_str": NEW}]],
         rules="code edits: indentation and newlines kept, values never stripped")  # fmt: skip
    case(f, "literal-tags-in-a-value",
         head(f, "Write the file.") + "Writing it now." + nl
         + call(f, "write_file", [("path", "tags.py"), ("content", TAGGED_CODE)]),
         content="Writing it now.", reasoning="Write the file.",
         calls=[["write_file", {"path": "tags.py", "content": TAGGED_CODE}]],
         rules="</arg_value> not followed by structure, <arg_key>, <tool_call>, </tool_call> "
               "inside a value are data")  # fmt: skip
    case(f, "non-structural-close-then-key",
         head(f, "") + call(f, "write_file", [("path", "n.txt"), ("content", HALF_CLOSED)]),
         calls=[["write_file", {"path": "n.txt", "content": HALF_CLOSED}]],
         rules="</arg_value> followed by text is data; the next one closes the value")  # fmt: skip
    case(f, "long-code",
         head(f, "Write the thirty handlers in one go.")
         + call(f, "write_file", [("path", "handlers.py"), ("content", LONG_CODE)]),
         reasoning="Write the thirty handlers in one go.",
         calls=[["write_file", {"path": "handlers.py", "content": LONG_CODE}]],
         rules="a long value (6k characters of code with literal tags)")  # fmt: skip
    body = "各位好：\n本周进展如下——\n1. 完成了解析器；\n2. 测试全部通过。\n\n谢谢！"
    case(f, "chinese-values",
         head(f, "用户要我发周报，再查一下天气。") + "好的，我来发邮件并查询天气。" + nl
         + call(f, "send_email", [("to", "团队@example.com"), ("subject", "周报 第48周"),
                                  ("body", body)]) + nl
         + call(f, "天气查询", [("城市", "乌鲁木齐")]),
         lang="zh", content="好的，我来发邮件并查询天气。", reasoning="用户要我发周报，再查一下天气。",
         calls=[["send_email", {"to": "团队@example.com", "subject": "周报 第48周", "body": body}],
                ["天气查询", {"城市": "乌鲁木齐"}]],
         rules="Chinese names, keys and values")  # fmt: skip
    case(f, "numbers-stay-strings",
         head(f, "Add the contact.")
         + call(f, "create_contact", [("name", "张伟"), ("zip_code", "02139"),
                                      ("phone", "0086 138 0000 0000"), ("age", "42"),
                                      ("tags", '["vip", "北京"]')]),
         reasoning="Add the contact.",
         calls=[["create_contact", {"name": "张伟", "zip_code": "02139",
                                    "phone": "0086 138 0000 0000", "age": 42,
                                    "tags": ["vip", "北京"]}]],
         rules="string-typed numbers stay strings; integer or null typed 42 is 42; arrays")  # fmt: skip
    case(f, "python-booleans",
         head(f, "Run the tests in the background.")
         + call(f, "run_shell", [("command", "pytest -q tests/"), ("timeout", "300.5"),
                                 ("background", "True")]) + nl
         + call(f, "search_code", [("query", "def parse"), ("case_sensitive", "False"),
                                   ("max_results", " 20 ")]),
         reasoning="Run the tests in the background.",
         calls=[["run_shell", {"command": "pytest -q tests/", "timeout": 300.5,
                               "background": True}],
                ["search_code", {"query": "def parse", "case_sensitive": False,
                                 "max_results": 20}]],
         rules="Python's True/False for booleans; numbers with whitespace around them")  # fmt: skip
    prefs = '{"editor": {"tabs": 4, "wrap": true}, "langs": ["py", "中文"]}'
    case(f, "objects-and-arrays",
         head(f, "Update the settings.")
         + call(f, "set_preferences", [("prefs", prefs), ("theme", "dark"), ("retries", "3"),
                                       ("ratio", "null")]) + nl
         + call(f, "book_hotel", [("city", "杭州"), ("nights", "2"),
                                  ("guests", '{"adults": 2, "children": [5, 8]}')]),
         reasoning="Update the settings.",
         calls=[["set_preferences", {"prefs": {"editor": {"tabs": 4, "wrap": True},
                                               "langs": ["py", "中文"]},
                                     "theme": "dark", "retries": 3, "ratio": None}],
                ["book_hotel", {"city": "杭州", "nights": 2,
                                "guests": {"adults": 2, "children": [5, 8]}}]],
         rules="objects and arrays as JSON; enum; oneOf integer/string; nullable number")  # fmt: skip
    case(f, "three-calls",
         head(f, "Read the three files.") + "Reading them." + nl
         + nl.join(call(f, "read_file", [("path", p), ("offset", "0"), ("limit", "200")])
                   for p in ("a.py", "b.py", "c.py")),
         content="Reading them.", reasoning="Read the three files.",
         calls=[["read_file", {"path": p, "offset": 0, "limit": 200}]
                for p in ("a.py", "b.py", "c.py")],
         rules="several calls; the whitespace between them is framing")  # fmt: skip
    case(f, "zero-argument-calls",
         head(f, "What time is it?") + "<tool_call>get_time</tool_call>" + nl
         + "<tool_call>get_time\n</tool_call>",
         reasoning="What time is it?", calls=[["get_time", {}], ["get_time", {}]],
         rules="<tool_call>NAME</tool_call> and a name ended by a newline: arguments {}")  # fmt: skip
    case(f, "call-inside-reasoning",
         f"{think}I need the file first.{nl}" + call(f, "read_file", [("path", "setup.cfg")])
         + f"{nl}</think>",
         reasoning="I need the file first.", calls=[["read_file", {"path": "setup.cfg"}]],
         rules="a call inside reasoning ends it; the later </think> is framing")  # fmt: skip
    case(f, "call-inside-reasoning-unclosed",
         f"{think}先查天气。{nl}" + call(f, "get_weather", [("city", "深圳"), ("days", "3")]),
         lang="zh", reasoning="先查天气。", calls=[["get_weather", {"city": "深圳", "days": 3}]],
         rules="the model calls without closing </think>")  # fmt: skip
    case(f, "text-after-the-call",
         head(f, "One lookup.") + "Checking." + nl + call(f, "get_weather", [("city", "Tokyo")])
         + nl + "I'll report back.",
         content=f"Checking.{nl}I'll report back.", reasoning="One lookup.",
         calls=[["get_weather", {"city": "Tokyo"}]],
         rules="whitespace after a call that text follows goes with the text")  # fmt: skip
    case(f, "plain-reply",
         head(f, "简单问候，不需要工具。") + "你好！有什么可以帮你的吗？😊",
         lang="zh", content="你好！有什么可以帮你的吗？😊", reasoning="简单问候，不需要工具。",
         rules="no calls; the turn ends at <|user|>")  # fmt: skip
    case(f, "empty-reasoning",
         head(f, "") + "OK." + nl + call(f, "get_time"),
         content="OK.", calls=[["get_time", {}]], rules="an empty reasoning section")  # fmt: skip
    case(f, "truncated-in-a-value",
         head(f, "Write main.") + "Writing it." + nl
         + call(f, "write_file", [("path", "app.py")], end=False)
         + f"<arg_key>content</arg_key>{nl}<arg_value>def main():\n    print(",
         content="Writing it.", reasoning="Write main.",
         errors=[[0, "write_file", "truncated"]], truncated=True,
         rules="cut off by max_tokens inside a value: a truncated call")  # fmt: skip
    case(f, "truncated-after-a-closed-argument",
         head(f, "Read it.") + "<tool_call>read_file" + nl
         + "<arg_key>path</arg_key>" + nl + "<arg_value>README.md</arg_value>",
         reasoning="Read it.", calls=[["read_file", {"path": "README.md"}]], truncated=True,
         rules="a stream that ends after a closed argument completes the call")  # fmt: skip
    case(f, "truncated-in-reasoning",
         f"{think}Let me compare the two files and",
         reasoning="Let me compare the two files and", truncated=True,
         rules="cut off inside reasoning")  # fmt: skip
    case(f, "name-then-json",
         head(f, "Weather.") + "Checking." + nl + '<tool_call>get_weather{"city": "北京"}</tool_call>'
         + nl + call(f, "get_weather", [("city", "北京")]),
         content="Checking.", reasoning="Weather.", calls=[["get_weather", {"city": "北京"}]],
         errors=[[None, None, None]],
         rules='a name holding {, " is a broken call, never started; the next call parses')  # fmt: skip
    case(f, "unknown-tool",
         head(f, "Delete it.") + call(f, "delete_repo", [("repo", "zai/glm")]) + nl + "Done.",
         content=f"{nl}Done.", reasoning="Delete it.", errors=[[None, "delete_repo", "unknown tool"]],
         rules="an undeclared tool; the text after its call is text")  # fmt: skip
    case(f, "text-between-arguments",
         head(f, "Two arguments.")
         + f"<tool_call>get_weather{nl}<arg_key>city</arg_key>{nl}<arg_value>Paris</arg_value>{nl}"
         + f"<arg_key>unit</arg_key>{nl}oops<arg_value>celsius</arg_value>{nl}</tool_call>"
         + nl + call(f, "get_time"),
         reasoning="Two arguments.", calls=[["get_time", {}]],
         errors=[[0, "get_weather", None]],
         rules="text where a value should begin: an error, its markup framing; the next call "
               "parses")  # fmt: skip
    case(f, "missing-arg-key-close",
         head(f, "Read.") + f"<tool_call>read_file{nl}<arg_key>path{nl}"
         + f"<arg_value>x.py</arg_value>{nl}</tool_call>",
         reasoning="Read.", errors=[[0, "read_file", None]],
         rules="a missing </arg_key> ends the call with an error")  # fmt: skip
    case(f, "missing-arg-value-close",
         head(f, "Weather.") + f"<tool_call>get_weather{nl}<arg_key>city</arg_key>{nl}"
         + f"<arg_value>Paris{nl}</tool_call>",
         reasoning="Weather.", calls=[["get_weather", {"city": f"Paris{nl}"}]],
         rules="a missing </arg_value> is closed by </tool_call> at the turn end; the value is "
               "raw")  # fmt: skip


THOUGHTS = {
    "en": ["The user wants {c}. I should call the tool.",
           "Two things to check.\nFirst the file, then the tests.",
           'Hmm, "quotes" and {braces} in my thoughts are fine.',
           "Let me think about which tool fits.\n\nThe search tool is best."],
    "zh": ["用户想知道{c}的情况，我需要调用工具。", "先读文件，\n再运行测试。", "这个问题需要搜索 🔍。"],
}  # fmt: skip
CALLABLE = ("read_file", "write_file", "str_replace", "run_shell", "search_code", "get_weather",
            "get_time", "create_contact", "convert_currency", "天气查询")  # fmt: skip


def _glm_call(fmt: str, rng: random.Random) -> tuple[str, list]:
    tool = rng.choice([t for t in GLM_TOOLS if t["function"]["name"] in CALLABLE])
    fn = tool["function"]
    params, args = [], {}
    for key, schema in fn["parameters"]["properties"].items():
        if key in fn["parameters"]["required"] or rng.random() < 0.5:
            if key in ("content", "old_str", "new_str"):
                text = rng.choice([CODE, OLD, NEW, TAGGED_CODE, "Hello, 世界!\n", '{"a": "}"}'])
                value: Any = text
            elif key in ("city", "城市"):
                text = value = rng.choice(CITIES)
            elif (
                schema.get("type") in ("integer", "number", "boolean", "array") or "enum" in schema
            ):
                text, value = _coder_value(rng, schema)
            elif key in ("age", "nickname", "tags"):
                continue
            else:
                text, value = _coder_value(rng, {"type": "string"})
            params.append((key, text))
            args[key] = value
    return call(fmt, fn["name"], params), [fn["name"], args]


def composed_cases(fmt: str, count: int, rng: random.Random) -> None:
    for n in range(count):
        lang = "en" if n % 2 == 0 else "zh"
        thought = rng.choice(THOUGHTS[lang]).replace("{c}", rng.choice(CITIES))
        if fmt == "glm45" and n % 5 == 4:
            thought = None  # no reasoning section at all ("auto" allows it)
        ncalls = [0, 1, 1, 2, 2, 3][n % 6]
        calls = [_glm_call(fmt, rng) for _ in range(ncalls)]
        before = (rng.choice(EN if lang == "en" else ZH).replace("{c}", rng.choice(CITIES))
                  .strip() if (not calls or rng.random() < 0.6) else "")  # fmt: skip
        after = rng.choice(AFTER[lang]) if calls and rng.random() < 0.3 else ""
        compose(fmt, f"composed-{n:02d}", lang=lang, thought=thought, before=before,
                calls=calls, after=after)  # fmt: skip


# ---- streams --------------------------------------------------------------------------------

USERS = {"en": "Can you help me with this?", "zh": "请帮我处理一下。"}


def record(tok: GLM45Tokenizer, reply: dict, rng: random.Random) -> dict:
    fmt = reply["format"]
    prompt = glm4_prompt_ids(tok, USERS[reply["lang"]])
    prompt_tail = f"<|user|>\n{USERS[reply['lang']]}<|assistant|>"
    if fmt == "glm47":
        prompt, prompt_tail = prompt + [TAGS["<think>"]], prompt_tail + "<think>"
    text = reply["response"]
    end = [] if reply["truncated"] else [OBSERVATION if reply["expected"]["calls"] else USER]
    ids = tok.encode(text) + end
    for tag, tid in TAGS.items():
        assert ids.count(tid) == text.count(tag), (reply["id"], tag)
    stop = [stop_string(rng.randint(0, 12))]
    assert not any(s in text for s in stop)
    deltas = {}
    for mode, skip in MODES.items():
        steps, finish = emit(SlowDetokenizer(tok, prompt, skip, False), ids, STOP_IDS)
        assert finish == ("length" if reply["truncated"] else "stop"), reply["id"]
        assert [s[0][0] for s in steps] == ids
        plain = [delta for _, delta in steps]
        assert "".join(plain) == text, (reply["id"], mode, "".join(plain))
        deltas[mode] = plain
        lag = len(stop[0]) - 1
        real, _ = emit(SlowDetokenizer(tok, prompt, skip, False, stop), ids, STOP_IDS)
        assert [delta for _, delta in real] == lag_steps(plain, lag), (reply["id"], mode)
    assert deltas["skip"] == deltas["keep"], reply["id"]
    return {
        "id": reply["id"], "format": fmt, "lang": reply["lang"], "reasoning": REASONING[fmt],
        "rules": reply["rules"], "tools": "glm", "response": text,
        "finish_reason": "length" if reply["truncated"] else "stop", "prompt_tail": prompt_tail,
        "prompt_ids": prompt, "token_ids": ids, "deltas": deltas, "stop": stop,
        "expected": reply["expected"],
    }  # fmt: skip


def build(seed: int = 45, composed: int = 24) -> list[dict]:
    """The replies of both formats, in order, without their streams."""
    CASES.clear()
    rng = random.Random(seed)
    for fmt in FORMATS:
        hand_cases(fmt)
        composed_cases(fmt, composed, rng)
    return list(CASES)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="tokenizer data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "glm45_generated")
    ap.add_argument("--seed", type=int, default=45)
    args = ap.parse_args(argv)
    tok = GLM45Tokenizer(args.data)
    rng = random.Random(args.seed + 1)
    replies = build(args.seed)
    assert len({r["id"] for r in replies}) == len(replies)
    records = [record(tok, reply, rng) for reply in replies]
    write_corpus(args.out, FORMATS, records, {"glm": GLM_TOOLS})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
