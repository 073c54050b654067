"""A generated corpus of GLM-4 replies that call tools, as vLLM streams them (issue 9).

    python tests/tools/glm4_generated.py [--data ../shared/data] [--out tests/data/glm4_generated]
    python tests/tools/glm4_generated.py --count 300 --seed 9

Each reply is shaped the way glm-4-9b-chat writes a sentence and then its calls:

    \\n<sentence><|assistant|>name\\n{json}[<|assistant|>name\\n{json}]<|observation|>

with English and Chinese sentences (short and long, ending in punctuation, in a word or in a
name-like word, one or several lines) and calls of the declared tools (:data:`TOOLS`) with varied
arguments (Chinese, escapes, quotes and braces inside strings, numbers, booleans, nulls, nested
arrays and objects; written by ``json.dumps`` in the styles models use). It is tokenized with the
real GLM-4 tokenizer (the tiktoken ranks in ``../shared/data/glm4``) and detokenized by
:class:`vllm_streams.SlowDetokenizer` (vLLM 0.33's slow detokenizer, as the recorder uses) in the
three modes ``skip``, ``keep-spaces`` and ``keep-nospaces``, without stop strings.

What is written (``replies.jsonl``, one reply a line, and ``tools.json``) is enough to rebuild the
streams *with* stop strings at test time: none of the stop strings used occurs in the text, so
vLLM's only change is to hold back ``len(longest stop) - 1`` characters while streaming
(:func:`lag_steps`). This script checks that claim on every reply, for every lag 0..12, against
the detokenizer run with a real stop string of that length. A reply holds:

- ``id``, ``lang`` (``en``/``zh``: the sentence), ``response`` (special tokens as text, the
  ``<|observation|>`` stop token not included), ``prompt_ids`` (the prompt vLLM's detokenizer
  was primed with), ``token_ids`` (the generated tokens, the stop token last);
- ``deltas``: by mode, the text delta of each token (no stop strings);
- ``expected``: ``calls`` ``[[name, arguments]]`` and ``content`` by mode, written from the
  contract (the sentence; with ``keep-spaces`` followed by the space vLLM puts before the kept
  ``<|assistant|>``, which inside a reply is text), not by running the parser;
- ``stop``: a stop string of random length 1..13 (``§`` then letters: it never occurs) for the
  random-lag runs; its ``text_lag`` is ``len(stop) - 1``.

Deterministic: rerunning with the same options gives identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/: the helpers the test suite replays with

from helpers import lag_steps  # noqa: E402  (the one the tests use: checked here)
from vllm_streams import (  # noqa: E402
    DEFAULT_DATA,
    GLM4_STOP_IDS,
    GLM4Tokenizer,
    SlowDetokenizer,
    dumps,
    emit,
    glm4_prompt_ids,
)

MODES = {"skip": (True, True), "keep-spaces": (False, True), "keep-nospaces": (False, False)}
ASSISTANT, OBSERVATION = "<|assistant|>", "<|observation|>"


def stop_string(lag: int) -> str:
    return "§" + "ENDOFTURNXYZ"[:lag]


# ---- tools and arguments --------------------------------------------------------------------


def _fn(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_S, _I, _N, _B = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
_A, _O = {"type": "array"}, {"type": "object"}
TOOLS = [
    _fn("get_weather", "查询城市天气", {"city": _S, "unit": _S}, ["city"]),
    _fn("get_weather_forecast", "未来几天的天气预报", {"city": _S, "days": _I}, ["city"]),
    _fn("search", "Search the web", {"query": _S, "top_k": _I}, ["query"]),
    _fn("web_search", "Search the web (with filters)",
        {"query": _S, "filters": _O, "safe": _B}, ["query"]),
    _fn("send_email", "Send an email", {"to": _S, "subject": _S, "body": _S, "cc": _A}, ["to"]),
    _fn("query_database", "Run a read-only SQL query", {"sql": _S, "limit": _I}, ["sql"]),
    _fn("python", "执行 Python 代码", {"code": _S}, ["code"]),
    _fn("github.create-issue", "Open an issue",
        {"repo": _S, "title": _S, "body": _S, "labels": _A}, ["repo", "title"]),
    _fn("book_hotel", "Book a hotel",
        {"city": _S, "check_in": _S, "nights": _I, "guests": _O}, ["city"]),
    _fn("translate", "Translate text", {"text": _S, "target": _S}, ["text", "target"]),
    _fn("calculator", "Evaluate an arithmetic expression", {"expression": _S}, ["expression"]),
    _fn("get_stock_price", "Latest price of a stock", {"symbol": _S, "exchange": _S}, ["symbol"]),
    _fn("convert_currency", "Convert money", {"amount": _N, "from": _S, "to": _S},
        ["amount", "from", "to"]),
    _fn("天气查询", "按城市查询天气", {"城市": _S}, ["城市"]),
    _fn("set_reminder", "Set a reminder", {"time": _S, "text": _S, "repeat": _S}, ["time"]),
    _fn("get_time", "Current time in a timezone", {"timezone": _S}, []),
]  # fmt: skip

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "西安", "Beijing", "Shanghai", "Tokyo",
          "New York", "San Francisco", "Zürich", "São Paulo", "Xi'an", "哈尔滨", "乌鲁木齐"]  # fmt: skip
QUERIES = [
    "latest news about AI", "GLM-4 tool calling", "如何学习 Python", "best ramen in Tokyo",
    'the "quoted" phrase', "braces {like} [these]", "C:\\Users\\path", "line one\nline two",
    "emoji 🚀 launch", "tab\tseparated", "北京到上海的高铁", "price < 100 & rating > 4",
    "100% free", "", "x" * 40,
]  # fmt: skip
WORDS = [
    "status",
    "report",
    "周报",
    "会议纪要",
    "Hello",
    "urgent",
    "TODO",
    "发布说明",
    "bug",
    "v2.1",
]


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(QUERIES)
    if kind < 0.6:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    if kind < 0.8:
        return rng.choice(CITIES)
    return "".join(rng.choice('abc中文 "\\}{][:,\n🙂é') for _ in range(rng.randint(1, 12)))


def _value(rng: random.Random, schema: dict, depth: int = 0):
    t = schema.get("type")
    if t == "integer":
        return rng.choice([0, 1, 3, 7, 10, 42, -5, 2024, 10**9])
    if t == "number":
        return rng.choice([0.5, 100, 12.75, 1e-3, -3.25, 8000.5, 1.5e10])
    if t == "boolean":
        return rng.random() < 0.5
    if t == "array":
        return [_text(rng) if rng.random() < 0.7 else rng.randint(0, 99)
                for _ in range(rng.randint(0, 3))]  # fmt: skip
    if t == "object":
        if depth > 1:
            return {}
        keys = rng.sample(["lang", "since", "tags", "adults", "children", "nested", "区域"],
                          rng.randint(0, 3))  # fmt: skip
        return {k: (_value(rng, rng.choice([_S, _I, _B, _A, _O]), depth + 1)) for k in keys}
    return _text(rng)


def _code(rng: random.Random) -> str:
    return rng.choice([
        "print(1 + 1)",
        "import math\nprint(math.pi * 2 ** 2)",
        'd = {"a": "}"}\nprint(d["a"])',
        "for i in range(3):\n    print(f'{i}: 你好')",
        "x = [1, 2, 3]\nprint(sum(x) / len(x))",
        "s = 'back\\\\slash'\nprint(s)",
    ])  # fmt: skip


def _arguments(rng: random.Random, tool: dict) -> dict:
    params = tool["function"]["parameters"]
    props = params["properties"]
    args = {}
    for key, schema in props.items():
        if key in params["required"] or rng.random() < 0.4:
            if tool["function"]["name"] == "python":
                args[key] = _code(rng)
            elif key == "sql":
                args[key] = rng.choice([
                    "SELECT COUNT(*) FROM users",
                    "SELECT name FROM t WHERE city = '上海' AND note LIKE '%\"x\"%' LIMIT 5",
                ])  # fmt: skip
            elif key in ("city", "城市"):
                args[key] = rng.choice(CITIES)
            else:
                args[key] = _value(rng, schema)
    if rng.random() < 0.05:
        args = {}
    return args


def _raw(rng: random.Random, args: dict) -> str:
    style = rng.random()
    if style < 0.7:
        return json.dumps(args, ensure_ascii=False)
    if style < 0.85:
        return json.dumps(args, ensure_ascii=False, separators=(",", ":"))
    if style < 0.95:
        return json.dumps(args)  # \\u escapes
    return json.dumps(args, ensure_ascii=False, indent=2)


# ---- sentences ------------------------------------------------------------------------------

EN = [
    "Let me check.", "Sure.", "OK!", "I'll look that up for you.", "Let me check the weather in {c}.",
    "Searching now:", "One moment while I query the database", "I will call the search tool",
    "I'll use search", "Let me check", "Here's the plan:\n1. Check the weather\n2. Book a hotel",
    "To answer this I need two lookups.", "Good question! Let me see what I can find about {c} 🌤️",
    "Calling get_weather", "I need the forecast for {c} first, then I can suggest what to pack.",
    "Done thinking; running the code now...", "Checking {c} (and nearby cities).", "Got it",
    "Let me translate that for you.", "Sending the email now.",
    "I can do that. First I'll check the price, then convert it.", "Here's what I'll do:\n",
]  # fmt: skip
ZH = [
    "好的。", "好的，我来帮你查询。", "让我查一下{c}的天气。", "稍等，我正在搜索相关信息",
    "我需要先查询天气，再为你预订酒店。", "收到！", "我来调用工具查一下", "正在为你查询{c}的天气预报…",
    "这个问题需要两步：\n第一步，查询天气；\n第二步，预订酒店。", "我将使用 search 工具",
    "明白了，我先算一下这个表达式", "让我看看 {c} 今天怎么样 ☀️", "好", "我会发送邮件给你的同事。",
    "查询中", "为了回答你的问题，我需要查询数据库中的订单数量。",
]  # fmt: skip


def _sentence(rng: random.Random) -> tuple[str, str]:
    lang = "en" if rng.random() < 0.5 else "zh"
    return lang, rng.choice(EN if lang == "en" else ZH).replace("{c}", rng.choice(CITIES))


USERS = ["What's the weather like?", "帮我查一下", "Can you help me with this?", "请帮我处理一下。"]


def generate(count: int, seed: int) -> list[dict]:
    """The replies, without their token streams."""
    rng = random.Random(seed)
    replies = []
    for n in range(count):
        lang, sentence = _sentence(rng)
        calls = []
        for _ in range(1 if rng.random() < 0.5 else 2):
            tool = rng.choice(TOOLS)
            args = _arguments(rng, tool)
            calls.append((tool["function"]["name"], args, _raw(rng, args)))
        response = "\n" + sentence + "".join(f"{ASSISTANT}{name}\n{raw}" for name, _, raw in calls)
        replies.append({
            "id": n, "lang": lang, "user": rng.choice(USERS), "response": response,
            "sentence": sentence, "calls": [[name, args] for name, args, _ in calls],
            "stop": stop_string(rng.randint(0, 12)),
        })  # fmt: skip
    return replies


def expected_text(reply: dict, mode: str) -> str:
    """The whole text vLLM streams in ``mode`` (checked against the detokenizer): the special
    tokens gone when skipped, with a space on each side when kept with spaces; the stop token's
    text is never output."""
    if mode == "skip":
        return reply["response"].replace(ASSISTANT, "")
    if mode == "keep-nospaces":
        return reply["response"]
    return " " + reply["response"].replace(ASSISTANT, f" {ASSISTANT} ")


def record(tok: GLM4Tokenizer, reply: dict, check_lags: bool = True) -> dict:
    prompt = glm4_prompt_ids(tok, reply["user"])
    ids = tok.encode(reply["response"] + OBSERVATION)
    assert ids.count(tok.special_tokens[ASSISTANT]) == len(reply["calls"]) and ids[-1] == 151338
    deltas = {}
    for mode, (skip, spaces) in MODES.items():
        steps, finish = emit(SlowDetokenizer(tok, prompt, skip, spaces), ids, GLM4_STOP_IDS)
        assert finish == "stop" and [s[0][0] for s in steps] == ids
        plain = [text for _, text in steps]
        assert "".join(plain) == expected_text(reply, mode), (mode, reply["response"])
        deltas[mode] = plain
        # stop strings that never match only hold text back
        for lag in range(13 if check_lags else 0):
            stop = [stop_string(lag)] if lag != 11 else ["Observation:"]
            real, _ = emit(SlowDetokenizer(tok, prompt, skip, spaces, stop), ids, GLM4_STOP_IDS)
            assert [text for _, text in real] == lag_steps(plain, lag), (reply["id"], mode, lag)
    sentence = reply["sentence"]
    return {
        "id": reply["id"],
        "lang": reply["lang"],
        "response": reply["response"],
        "prompt_ids": prompt,
        "token_ids": ids,
        "deltas": deltas,
        "expected": {
            "calls": reply["calls"],
            "content": {"skip": sentence, "keep-spaces": sentence + " ", "keep-nospaces": sentence},
        },
        "stop": reply["stop"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="tokenizer data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "glm4_generated")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--no-lag-check", action="store_true",
                    help="skip checking lag_steps against stop strings (faster)")  # fmt: skip
    args = ap.parse_args(argv)
    tok = GLM4Tokenizer(args.data)
    replies = generate(args.count, args.seed)
    records = [record(tok, reply, not args.no_lag_check) for reply in replies]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "replies.jsonl").write_text(
        "".join(dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    (args.out / "tools.json").write_text(
        json.dumps(TOOLS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    tokens = sum(len(r["token_ids"]) for r in records)
    print(f"{args.out}: {len(records)} replies, {tokens} tokens")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
