"""GLM-4.5 / GLM-4.7 token streams for ``glm45`` and ``glm47``, replayed through the parser.

**Corpus** (tests/data/glm45_generated/, made by tests/tools/glm45_generated.py, see there): at
least 40 replies per format in the model's own layout (``glm45``: ``\\n<think>…</think>\\n`` and
newlines between the parts, reasoning "auto"; ``glm47``: none, reasoning "started"), English and
Chinese: code edits with indentation, literal tags in values (a non-structural ``</arg_value>``),
Chinese values, numbers that stay strings, Python's ``True``, objects and arrays, several calls,
zero-argument calls, calls inside reasoning, truncated, malformed and unknown calls, turns ending
at ``<|observation|>`` (``<|user|>`` after a plain reply), the stop token's id last. **The
tokenizer is an approximation**: glm-4-9b-chat's BPE plus GLM-4.5's tags (``<think>``,
``<tool_call>``, ``<arg_key>``, ``<arg_value>`` and their closing tags) as single non-special
tokens at their commonly cited ids (151350-151353, 151356-151359), not GLM-4.5's own tokenizer,
which is not available here. Deltas are vLLM 0.33's slow detokenizer's, one per token, with
``skip_special_tokens`` True and False (equal here: the only special token is the stop token,
which is never detokenized; with ``skip`` the parser gets its id). Each reply's expected parse
was written from the contract (shared/spec/formats.md, v2), not by running a parser.

Each reply is fed with 1, 2, 3 and 7 tokens per delta, text and token ids together, without stop
strings and with the reply's stop string (vLLM then holds back ``len(stop) - 1`` characters:
``lag_steps``, and the parser is given ``text_lag=`` to match, as the vLLM plugin does), through
``feed_checked`` with the reply's reasoning mode, and must give exactly the written content,
reasoning, calls and errors (index, name, a message substring where the contract words it).
``streamparse.parse()`` of the whole text must give the same. Nothing here needs the tokenizer
files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_qwen_generated import (
    MODES,
    assert_streams_parse_as_written,
    assert_whole_texts_parse_as_written,
    deltas,
)

import streamparse
from helpers import assert_corpus_regenerates, feed_checked
from streamparse import ParseResult

DATA = Path(__file__).parent / "data" / "glm45_generated"
TOOLS: dict[str, list[dict[str, Any]]] = json.loads((DATA / "tools.json").read_text("utf-8"))
FORMATS = ("glm45", "glm47")
CORPUS: dict[str, list[dict[str, Any]]] = {
    fmt: [json.loads(line) for line in (DATA / f"{fmt}.jsonl").read_text("utf-8").splitlines()
          if line.strip()]
    for fmt in FORMATS
}  # fmt: skip
MERGE_FACTORS = (1, 2, 3, 7)
STOPS = ("no-stop", "stop")
TAG_IDS = {"<think>": 151350, "</think>": 151351, "<tool_call>": 151352, "</tool_call>": 151353,
           "<arg_key>": 151356, "</arg_key>": 151357, "<arg_value>": 151358,
           "</arg_value>": 151359}  # fmt: skip
STOP_IDS = (151329, 151336, 151338)  # <|endoftext|>, <|user|>, <|observation|>


def replay(record: dict[str, Any], mode: str, k: int, text_lag: int) -> ParseResult:
    chunks, ids = deltas(record, mode, k, text_lag)
    events = feed_checked(chunks, record["format"], TOOLS[record["tools"]], ids=ids,
                          reasoning=record["reasoning"], text_lag=text_lag)  # fmt: skip
    return ParseResult.from_events(events)


@pytest.mark.parametrize(
    ("fmt", "stop", "k"),
    [pytest.param(fmt, stop, k, id=f"{fmt}-{stop}-x{k}")
     for fmt in FORMATS for stop in STOPS for k in MERGE_FACTORS],
)  # fmt: skip
def test_streams_parse_as_written(fmt: str, stop: str, k: int) -> None:
    """Every reply, streamed ``k`` tokens per delta with its token ids, with or without its stop
    string, gives the written parse and keeps every invariant ``feed_checked`` checks."""
    assert_streams_parse_as_written(CORPUS[fmt], replay, stop, k)


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_text_parses_as_written(fmt: str) -> None:
    assert_whole_texts_parse_as_written(CORPUS[fmt], fmt, TOOLS)


# ---- the corpus itself (no parser needed) ----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_has_at_least_40_replies(fmt: str) -> None:
    assert len(CORPUS[fmt]) >= 40


@pytest.mark.parametrize("fmt", FORMATS)
def test_corpus_covers_the_issue(fmt: str) -> None:
    """English and Chinese, the format's reasoning mode and layout, plain replies and one to
    three calls, errors, truncations and reasoning, and every stream well formed."""
    records = CORPUS[fmt]
    assert {r["lang"] for r in records} == {"en", "zh"}
    assert {r["reasoning"] for r in records} == {"auto" if fmt == "glm45" else "started"}
    assert {len(r["expected"]["calls"]) for r in records} >= {0, 1, 2, 3}
    assert sum(bool(r["expected"]["errors"]) for r in records) >= 5
    assert sum(r["finish_reason"] == "length" for r in records) >= 3
    assert sum(bool(r["expected"]["reasoning"]) for r in records) >= 20
    assert sum(any(a == {} for _, a in r["expected"]["calls"]) for r in records) >= 3
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r["format"] == fmt and r["tools"] in TOOLS
        assert set(r["deltas"]) == set(MODES)
        for mode in MODES:
            assert len(r["deltas"][mode]) == len(r["token_ids"])
            assert "".join(r["deltas"][mode]) == r["response"]
        assert (r["token_ids"][-1] in STOP_IDS) == (r["finish_reason"] == "stop")
        if r["finish_reason"] == "stop":
            assert r["token_ids"][-1] == (151338 if r["expected"]["calls"] else 151336)
        assert not any(tid in STOP_IDS for tid in r["token_ids"][:-1])
        assert not any(s in r["response"] for s in r["stop"])
        if fmt == "glm45" and r["expected"]["reasoning"]:
            assert r["response"].startswith("\n<think>")
        if fmt == "glm47":
            assert not r["response"].startswith(("<think>", "\n"))
            assert "</tool_call>\n<tool_call>" not in r["response"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_prompts_end_as_the_reasoning_mode_says(fmt: str) -> None:
    for r in CORPUS[fmt]:
        assert streamparse.reasoning_for_prompt(r["prompt_tail"]) == r["reasoning"], r["id"]


def test_tags_are_single_tokens() -> None:
    """Every tag of the format is one token at its (approximated) id, and each id is its tag."""
    seen = set()
    for records in CORPUS.values():
        for r in records:
            for tid, delta in zip(r["token_ids"], r["deltas"]["skip"], strict=True):
                if delta in TAG_IDS or tid in TAG_IDS.values():
                    assert TAG_IDS.get(delta) == tid, (r["id"], delta, tid)
                    seen.add(delta)
    assert seen == set(TAG_IDS)


def test_corpus_is_up_to_date(tmp_path: Path) -> None:
    """Regenerating gives the committed files (where the tokenizer data is available)."""
    pytest.importorskip("tiktoken")
    names = [*(f"{fmt}.jsonl" for fmt in FORMATS), "tools.json"]
    assert_corpus_regenerates(tmp_path, "glm45_generated.py", ["glm4/tokenizer.model"], DATA, names)
