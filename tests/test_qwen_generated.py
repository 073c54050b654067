"""Qwen token streams for ``hermes``, ``qwen_agent`` and ``qwen3_coder``, replayed through the parser.

**Corpus** (tests/data/qwen_generated/, made by tests/tools/qwen_generated.py, see there): at least
40 replies per format, English and Chinese, reasoning on / off / pre-opened, one and several
calls, long arguments with code and escapes, literal tags in strings and code, malformed,
unknown and truncated calls. Each is tokenized with Qwen3's tokenizer (or Qwen2.5's for a few
``hermes`` replies) and detokenized as vLLM 0.33's fast detokenizer streams it, one delta per
token, with ``skip_special_tokens`` True and False. **The tokenizers are approximations**: Qwen2's
BPE plus Qwen3's added tokens (``<tool_call>``, ``</tool_call>``, ``<think>``, ``</think>`` as
single non-special tokens, the ids of Qwen3's ``added_tokens_decoder``); Qwen3's merges were not
compared with Qwen2's, and Qwen3.5 (the ``qwen3_coder`` replies with reasoning) is approximated by
the same files. Each reply's expected parse was written from the contract (shared/spec/formats.md,
v2), not by running a parser.

Each reply is fed with 1, 2, 3 and 7 tokens per delta (a lagging consumer gets merged deltas),
text and token ids together, without stop strings and with the reply's stop strings (vLLM then
holds back ``len(longest stop) - 1`` characters while streaming: ``lag_steps``; the generator
checks that against the detokenizer run with those strings), through ``feed_checked`` (tiling,
framing, argument deltas, bounded hold-back after every feed) with the reply's reasoning mode,
and must give exactly the written content, reasoning, calls (names and arguments) and errors
(index, name, a message substring where the contract words it). ``streamparse.parse()`` of the
whole text must give the same.

Formats are replayed once they are registered (``streamparse.formats()``); a corpus format that
the contract does not list fails :func:`test_corpus_formats_are_contract_formats`, so none is
skipped forever. Nothing here needs vLLM, the tokenizers or the tokenizer files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import streamparse
from helpers import assert_corpus_regenerates, feed_checked, lag_steps
from streamparse import ParseResult

DATA = Path(__file__).parent / "data" / "qwen_generated"
TOOLS: dict[str, list[dict[str, Any]]] = json.loads((DATA / "tools.json").read_text("utf-8"))
CORPUS: dict[str, list[dict[str, Any]]] = {
    path.stem: [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for path in sorted(DATA.glob("*.jsonl"))
}
CORPUS_FORMATS = sorted(CORPUS)
CONTRACT_FORMATS = ("qwen2", "glm4", "hermes", "qwen3_coder", "glm45", "glm47", "qwen_agent")
"""The formats contract v2's public API lists (``streamparse.formats()``: "at least ...")."""
REGISTERED = [f for f in CORPUS_FORMATS if f in streamparse.formats()]
MERGE_FACTORS = (1, 2, 3, 7)
STOPS = ("no-stop", "stop")
MODES = ("skip", "keep")


def lag(record: dict[str, Any], stop: str) -> int:
    return max(map(len, record["stop"])) - 1 if stop == "stop" else 0


def distinct_modes(record: dict[str, Any]) -> list[str]:
    """The detokenizer modes whose deltas differ (no special token precedes the stop token in
    this corpus, so ``keep`` streams as ``skip`` does and is replayed once)."""
    modes: list[str] = []
    for mode in MODES:
        if all(record["deltas"][mode] != record["deltas"][m] for m in modes):
            modes.append(mode)
    return modes


def deltas(
    record: dict[str, Any], mode: str, k: int, text_lag: int
) -> tuple[list[str], list[list[int]]]:
    """``k`` engine steps per delta, the text lagging the ids by ``text_lag`` characters."""
    texts = lag_steps(record["deltas"][mode], text_lag)
    ids = record["token_ids"]
    groups = [range(at, min(at + k, len(ids))) for at in range(0, len(ids), k)]
    return ["".join(texts[i] for i in g) for g in groups], [[ids[i] for i in g] for g in groups]


def replay(record: dict[str, Any], mode: str, k: int, text_lag: int) -> ParseResult:
    chunks, ids = deltas(record, mode, k, text_lag)
    events = feed_checked(chunks, record["format"], TOOLS[record["tools"]], ids=ids,
                          reasoning=record["reasoning"])  # fmt: skip
    return ParseResult.from_events(events)


def differences(result: ParseResult, expected: dict[str, Any]) -> list[str]:
    """How ``result`` differs from the written expectation (empty: it does not)."""
    out = []
    for field in ("content", "reasoning"):
        if getattr(result, field) != expected[field]:
            out.append(f"{field} {getattr(result, field)!r}, want {expected[field]!r}")
    calls = [[c.name, c.arguments] for c in result.tool_calls]
    if calls != expected["calls"]:
        out.append(f"calls {calls}, want {expected['calls']}")
    errors = [[e.index, e.name, e.message] for e in result.errors]
    if len(errors) != len(expected["errors"]) or any(
        (index, name) != (want_index, want_name) or (want and want not in message)
        for (index, name, message), (want_index, want_name, want) in zip(
            errors, expected["errors"], strict=False
        )
    ):
        out.append(f"errors {errors}, want {expected['errors']} (index, name, message part)")
    return out


def assert_streams_parse_as_written(
    records: list[dict[str, Any]], replay: Any, stop: str, k: int
) -> None:
    """Each record, replayed in each of its distinct detokenizer modes by ``replay(record, mode,
    k, text_lag)``, gives its written parse; every failing record is reported at once (an
    invariant's AssertionError or a crash counts as a failure)."""
    failures = []
    for record in records:
        for mode in distinct_modes(record):
            try:
                problems = differences(
                    replay(record, mode, k, lag(record, stop)), record["expected"]
                )
            except Exception as exc:  # an invariant (AssertionError) or a crash: report them all
                problems = [f"{type(exc).__name__}: {exc}"]
            if problems:
                failures.append(f"{record['id']} [{mode}]: " + "; ".join(problems))
    assert not failures, f"{len(failures)} of {len(records)} replies:\n" + "\n".join(failures)


def assert_whole_texts_parse_as_written(
    records: list[dict[str, Any]], fmt: str, tools: dict[str, Any]
) -> None:
    """``parse()`` of each record's whole response gives its written parse."""
    failures = []
    for record in records:
        result = streamparse.parse(record["response"], fmt, tools=tools[record["tools"]],
                                   reasoning=record["reasoning"])  # fmt: skip
        problems = differences(result, record["expected"])
        if problems:
            failures.append(f"{record['id']}: " + "; ".join(problems))
    assert not failures, "\n".join(failures)


def _configs() -> list[Any]:
    return [
        pytest.param(fmt, stop, k, id=f"{fmt}-{stop}-x{k}")
        for fmt in REGISTERED for stop in STOPS for k in MERGE_FACTORS
    ]  # fmt: skip


@pytest.mark.parametrize(("fmt", "stop", "k"), _configs())
def test_streams_parse_as_written(fmt: str, stop: str, k: int) -> None:
    """Every reply of the format, streamed ``k`` tokens per delta, with or without stop strings,
    gives the written parse and keeps every invariant ``feed_checked`` checks."""
    assert_streams_parse_as_written(CORPUS[fmt], replay, stop, k)


@pytest.mark.parametrize("fmt", REGISTERED)
def test_whole_text_parses_as_written(fmt: str) -> None:
    assert_whole_texts_parse_as_written(CORPUS[fmt], fmt, TOOLS)


# ---- the corpus itself (no parser needed) ----------------------------------------------------


def test_corpus_formats_are_contract_formats() -> None:
    """A corpus format the contract does not list would never be registered, so its replay
    tests would be skipped forever."""
    assert set(CORPUS_FORMATS) == {"hermes", "qwen_agent", "qwen3_coder"}
    assert set(CORPUS_FORMATS) <= set(CONTRACT_FORMATS)


@pytest.mark.parametrize("fmt", CORPUS_FORMATS)
def test_corpus_has_at_least_40_replies(fmt: str) -> None:
    assert len(CORPUS[fmt]) >= 40


@pytest.mark.parametrize("fmt", CORPUS_FORMATS)
def test_corpus_covers_the_issue(fmt: str) -> None:
    """English and Chinese, the three reasoning modes, plain replies and one to three calls,
    errors and truncations, and every stream well formed."""
    records = CORPUS[fmt]
    assert {r["lang"] for r in records} == {"en", "zh"}
    assert {r["reasoning"] for r in records} == {"auto", "started", "off"}
    assert {len(r["expected"]["calls"]) for r in records} >= {0, 1, 2, 3}
    assert sum(bool(r["expected"]["errors"]) for r in records) >= 5
    assert sum(r["finish_reason"] == "length" for r in records) >= 2
    assert sum(bool(r["expected"]["reasoning"]) for r in records) >= 8
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r["format"] == fmt and r["tools"] in TOOLS
        assert set(r["deltas"]) == set(MODES)
        for mode in MODES:
            assert len(r["deltas"][mode]) == len(r["token_ids"])
            assert "".join(r["deltas"][mode]) == r["response"]
        assert (r["token_ids"][-1] == 151645) == (r["finish_reason"] == "stop")  # <|im_end|>
        assert not any(s in r["response"] for s in r["stop"])
        assert r["reasoning"] in ("auto", "started", "off")


@pytest.mark.parametrize("fmt", CORPUS_FORMATS)
def test_prompts_end_as_the_reasoning_mode_says(fmt: str) -> None:
    """The prompt each stream was primed with asks for the reasoning mode the reply is parsed
    with (``reasoning_for_prompt``, as the vLLM plugin decides it), except that ``qwen_agent``'s
    default is "off" whatever a plain ChatML prompt says."""
    for r in CORPUS[fmt]:
        want = r["reasoning"]
        if fmt == "qwen_agent" and want == "off":
            want = "auto"
        assert streamparse.reasoning_for_prompt(r["prompt_tail"]) == want, r["id"]


def test_tags_are_single_tokens_and_markers_split() -> None:
    """In Qwen3's vocabulary the tool and think tags are single tokens (151657/151658,
    151667/151668); in Qwen2.5's ``<think>`` splits."""
    ids = {"<tool_call>": 151657, "</tool_call>": 151658, "<think>": 151667, "</think>": 151668}
    seen: dict[str, set[str]] = {"qwen3": set(), "qwen2.5": set()}
    for records in CORPUS.values():
        for r in records:
            for tid, delta in zip(r["token_ids"], r["deltas"]["skip"], strict=True):
                if delta in ids:
                    assert tid == ids[delta], (r["id"], delta, tid)
                    seen[r["tokenizer"]].add(delta)
            if r["tokenizer"] == "qwen2.5":
                assert 151667 not in r["token_ids"] and 151668 not in r["token_ids"]
    assert seen["qwen3"] == set(ids)
    assert seen["qwen2.5"] == {"<tool_call>", "</tool_call>"}
    # Qwen3-Coder's other tags and Qwen-Agent's markers are ordinary text: split across deltas.
    for fmt, marker in (("qwen3_coder", "<parameter="), ("qwen3_coder", "<function="),
                        ("qwen3_coder", "</parameter>"), ("qwen_agent", "✿FUNCTION✿")):  # fmt: skip
        records = [r for r in CORPUS[fmt] if marker in r["response"]]
        assert len(records) >= 20, (fmt, marker)
        assert not any(marker in d for r in records for d in r["deltas"]["skip"]), (fmt, marker)


def test_corpus_is_up_to_date(tmp_path: Path) -> None:
    """Regenerating gives the committed files (where the tokenizer data is available)."""
    pytest.importorskip("tokenizers")
    pytest.importorskip("jinja2")
    names = [*(f"{fmt}.jsonl" for fmt in CORPUS_FORMATS), "tools.json"]
    assert_corpus_regenerates(tmp_path, "qwen_generated.py", ["qwen2/vocab.json"], DATA, names)
