"""Replay real token streams, recorded as vLLM 0.33's detokenizer emits them, through the parser.

The records (tests/data/streams/*.jsonl) come from tests/tools/record_streams.py: a hand-written
response from tests/tools/corpus.py, tokenized with the real Qwen2 / GLM-4 tokenizer and
detokenized the way vLLM streams it, one ``(token_ids, text)`` step per token, for each
detokenizer mode (``skip``: ``skip_special_tokens=True``, vLLM's default; ``keep-spaces`` and
``keep-nospaces``: special tokens kept, with and without ``spaces_between_special_tokens``).
tests/tools/check_against_vllm.py checks them against vLLM's own detokenizer.

Each record is fed with 1, 2, 3 and 7 tokens per delta (a lagging consumer gets merged deltas),
text and token ids together (GLM-4 records made with stop strings tell the parser their
``text_lag``: vLLM holds back the longest stop string's length minus 1 characters, so the text
trails the ids), and must give

- the hand-written expected parse (content, calls with name and arguments, errors with name and
  a message substring);
- the same result as ``streamparse.parse()`` of the concatenated text. One exception, by design:
  with special tokens skipped, a GLM-4 ``<|assistant|>`` leaves only its id, so where the segment
  after it is not a call (``name\\n{``) the text alone cannot show the segment boundary; for those
  records (``oneshot == "ids-needed"``) only the calls and errors must agree and the content up
  to surrounding whitespace;
- events that tile the stream (first span starts at 0, each starts where the previous ended, the
  last ends at the total length; a text event's text is its span's input less framing), argument
  deltas that add up to the raw arguments, and bounded hold-back after every feed.

Nothing here needs vLLM, the tokenizers or the tokenizer files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import streamparse
from helpers import assert_corpus_regenerates, feed_checked
from streamparse import ParseResult

STREAMS = Path(__file__).parent / "data" / "streams"
TOOLS = json.loads((STREAMS / "tools.json").read_text(encoding="utf-8"))
RECORDS = [
    json.loads(line)
    for fmt in ("qwen2", "glm4")
    for line in (STREAMS / f"{fmt}.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
MERGE_FACTORS = (1, 2, 3, 7)

def _params(test: str):
    out = []
    for r in RECORDS:
        for k in MERGE_FACTORS:
            out.append(pytest.param(r, k, id=f"{r['name']}-{r['mode']}-x{k}"))
    return out


def merged(record: dict, k: int) -> list[tuple[list[int], str]]:
    """``k`` engine steps per delta, as vLLM merges outputs for a lagging consumer."""
    steps = list(zip(record["token_ids"], record["deltas"], strict=True))
    return [
        ([tid for tid, _ in steps[at : at + k]], "".join(t for _, t in steps[at : at + k]))
        for at in range(0, len(steps), k)
    ]


def replay(record: dict, k: int, with_ids: bool = True) -> tuple[list, str]:
    """Feed the record ``k`` tokens per delta (with their token ids unless ``with_ids`` is
    False) through ``feed_checked``, which checks tiling, framing, argument deltas and hold-back
    as it goes."""
    steps = merged(record, k)
    chunks = [delta for _, delta in steps]
    token_ids = [ids for ids, _ in steps] if with_ids else None
    events = feed_checked(
        chunks, record["format"], TOOLS[record["tools"]], ids=token_ids,
        **(parser_options(record) if with_ids else {}),
    )  # fmt: skip
    return events, "".join(chunks)


def parser_options(record: dict) -> dict:
    """A glm4 record made with stop strings has its text trailing the token ids by
    ``text_lag`` characters (vLLM's stop-string hold-back); the parser is told so, as the vLLM
    plugin tells it from the request. (Left out when 0, the parser's default.)"""
    lag = record.get("text_lag", 0)
    return {"text_lag": lag} if record["format"] == "glm4" and lag else {}


def summary(result: ParseResult) -> dict:
    return {
        "content": result.content,
        "calls": [[c.name, c.arguments, c.raw_arguments] for c in result.tool_calls],
        "errors": [[e.index, e.name, e.raw, e.message] for e in result.errors],
    }


@pytest.mark.parametrize(("record", "k"), _params("expected"))
def test_replay_matches_expected_parse(record: dict, k: int) -> None:
    events, _ = replay(record, k)
    result = ParseResult.from_events(events)
    exp = record["expected"]

    assert result.content == exp["content"]
    assert [[c.name, c.arguments] for c in result.tool_calls] == exp["calls"]
    assert [e.name for e in result.errors] == [name for name, _ in exp["errors"]], [
        (e.name, e.message) for e in result.errors
    ]
    for err, (_, message) in zip(result.errors, exp["errors"], strict=True):
        if message is not None:
            assert message in err.message, err.message

    # (argument deltas adding up to the raw arguments: checked by feed_checked)
    call_ids = [ev.id for ev in events if ev.type == "tool_call_start"]
    assert len(set(call_ids)) == len(call_ids)


@pytest.mark.parametrize(("record", "k"), _params("oneshot"))
def test_replay_matches_one_shot_parse(record: dict, k: int) -> None:
    # Where only a skipped token's id marks a segment boundary, the text alone is a different
    # stream: compare the one-shot parse with the same deltas fed without their ids instead.
    text_only = record["oneshot"] == "ids-needed" and record["mode"] == "skip"
    events, text = replay(record, k, with_ids=not text_only)
    streamed = summary(ParseResult.from_events(events))
    one_shot = summary(streamparse.parse(text, record["format"], tools=TOOLS[record["tools"]]))
    assert streamed == one_shot


def test_corpus_shape() -> None:
    """At least 40 responses per format, every format in every mode, as documented."""
    by_format: dict[str, set[str]] = {}
    modes: dict[str, set[str]] = {}
    for r in RECORDS:
        by_format.setdefault(r["format"], set()).add(r["name"])
        modes.setdefault(r["format"], set()).add(r["mode"])
        assert len(r["deltas"]) == len(r["token_ids"])
    assert len(by_format["qwen2"]) >= 40 and len(by_format["glm4"]) >= 40
    assert modes["qwen2"] == {"skip", "keep-spaces"}
    assert modes["glm4"] == {"skip", "keep-spaces", "keep-nospaces"}
    # The realities the parser must cope with are really in the data.
    glm_keep = [r for r in RECORDS if r["mode"] == "keep-spaces" and r["format"] == "glm4"]
    assert any(" <|assistant|>" in d for r in glm_keep for d in r["deltas"])
    assert any(d == "" for r in RECORDS for d in r["deltas"])  # split UTF-8 characters
    assert any(r["finish_reason"] == "length" for r in RECORDS)
    # GLM-4 with stop strings: text trailing the ids, in every mode, at several lags, and stop
    # strings that cut the text.
    for mode in ("skip", "keep-spaces", "keep-nospaces"):
        lags = {r["text_lag"] for r in RECORDS if r["format"] == "glm4" and r["mode"] == mode}
        assert {0, 3, 11, 12} <= lags, (mode, lags)
    assert any(
        r["format"] == "glm4" and r["stop"] and r["finish_reason"] == "stop" and r["token_ids"][-1]
        not in (151329, 151336, 151338) for r in RECORDS
    )  # fmt: skip
    assert all(
        r["text_lag"] == (max(map(len, r["stop"])) - 1 if r["stop"] and not
                          r["include_stop_str_in_output"] else 0)
        for r in RECORDS
    )  # fmt: skip


def test_recordings_are_up_to_date(tmp_path: Path) -> None:
    """Regenerating from tests/tools/corpus.py gives the committed files (where the generator's
    dependencies and the tokenizer data are available; skipped otherwise)."""
    pytest.importorskip("tokenizers")
    pytest.importorskip("tiktoken")
    names = ("qwen2.jsonl", "glm4.jsonl", "tools.json")
    assert_corpus_regenerates(tmp_path, "record_streams.py", ["qwen2/vocab.json", "glm4"], STREAMS, names)
