"""One helper for every parser test (after h11's ``tr()``): feed a case in given chunks while
checking the contract's invariants after every feed, and compare chunkings."""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import streamparse
from streamparse import ParseResult, StreamParser

DATA = Path(__file__).parent / "data"
SEED_TOOLS: list[dict[str, Any]] = json.loads((DATA / "seed_tools.json").read_text(encoding="utf-8"))
"""The seed document's two tools (get_current_weather, calculate_gpa), as it writes them."""

def counter_ids() -> Any:
    counter = itertools.count()
    return lambda: f"call_{next(counter)}"


def feed_checked(
    text_chunks: Iterable[str],
    fmt: str,
    tools: Any = None,
    *,
    ids: Sequence[Sequence[int] | None] | None = None,
    **options: Any,
) -> list[Any]:
    """Feed the chunks, asserting after every feed that hold-back is bounded and that a started
    call's arguments were released in full; then close and assert the events tile the input."""
    chunks = list(text_chunks)
    parser = StreamParser(fmt, tools=tools, id_factory=counter_ids(), **options)
    events: list[Any] = []
    for position, chunk in enumerate(chunks):
        token_ids = ids[position] if ids is not None else None
        events.extend(parser.feed(chunk, token_ids) if token_ids else parser.feed(chunk))
        assert_held_back_bounded(parser)
    events.extend(parser.close())
    assert parser.held_back == 0
    assert_tiles("".join(chunks), events, fmt, reasoning=parser.reasoning != "off")
    assert_deltas_match(events)
    return events


def assert_held_back_bounded(parser: StreamParser) -> None:
    """Invariant 3, asked of the format (what it may hold depends on its grammar)."""
    problem = parser.hold_back_problem()
    assert problem is None, problem


THINK_TAGS = r"</?think>"


def assert_tiles(text: str, events: list[Any], fmt: str, reasoning: bool = False) -> None:
    """Invariant 2: the events tile the input, and a text or reasoning event's text is its span's
    input less framing: whitespace, the markup the format declares as framing
    (``framing_tokens``) and, with a reasoning mode, the think tags."""
    framing = StreamParser(fmt).framing_tokens
    tags = "|".join(t for t in (THINK_TAGS if reasoning else "", framing.pattern if framing else "") if t)
    pattern = re.compile(tags) if tags else None
    position = 0
    for event in events:
        start, end = event.span
        assert start == position, f"{event!r} starts at {start}, previous ended at {position}"
        assert end >= start, event
        position = end
        if event.type in ("text", "reasoning") and event.text != text[start:end]:
            _subsequence_less_whitespace(text[start:end], event.text, pattern)
    assert position == len(text), f"events end at {position}, input has {len(text)}"


def _subsequence_less_whitespace(remaining: str, text: str, tags: re.Pattern[str] | None = None) -> None:
    """``text`` is ``remaining`` with some whitespace (and whole ``tags``) left out as framing,
    nothing else."""
    if tags is None:  # one greedy pass decides
        j = 0
        for char in remaining:
            if j < len(text) and char == text[j]:
                j += 1
            else:
                assert char in " \t\r\n", f"{char!r} dropped from {remaining!r} (text {text!r})"
        assert j == len(text), f"text {text!r} is not its span {remaining!r} less framing"
        return
    reach = [{0}] + [set() for _ in remaining]  # reach[k]: text positions matched by remaining[:k]
    for k, char in enumerate(remaining):
        for j in reach[k]:
            if j < len(text) and text[j] == char:
                reach[k + 1].add(j + 1)
            if char in " \t\r\n":
                reach[k + 1].add(j)
            tag = tags.match(remaining, k)
            if tag is not None:
                reach[tag.end()].add(j)
    assert len(text) in reach[len(remaining)], f"text {text!r} is not its span {remaining!r} less framing"


def assert_deltas_match(events: list[Any]) -> None:
    streamed: dict[int, list[str]] = {}
    started = 0
    for event in events:
        if event.type == "tool_call_start":
            assert event.index == started, "indexes count started calls from 0"
            started += 1
            streamed[event.index] = []
        elif event.type == "tool_call_delta":
            streamed[event.index].append(event.arguments_delta)
        elif event.type == "tool_call_end":
            assert "".join(streamed.pop(event.index)) == event.raw_arguments
        elif event.type == "tool_call_error" and event.index is not None:
            assert "".join(streamed.pop(event.index)) == event.raw
    assert not streamed, f"calls never ended: {sorted(streamed)}"


def comparable(result: ParseResult) -> dict[str, Any]:
    """A parse result without ids or spans, for comparing chunkings (``reasoning`` is there when
    there is some, so expectations written without it still compare)."""
    compared: dict[str, Any] = {
        "content": result.content,
        "tool_calls": [(c.index, c.name, c.arguments, c.raw_arguments) for c in result.tool_calls],
        "errors": [(e.index, e.name, e.raw, e.message) for e in result.errors],
    }
    if result.reasoning:
        compared["reasoning"] = result.reasoning
    return compared


def parse_chunks(chunks: Iterable[str], fmt: str, tools: Any = None, **options: Any) -> ParseResult:
    return ParseResult.from_events(feed_checked(chunks, fmt, tools, **options))


def lag_steps(deltas: list[str], lag: int) -> list[str]:
    """Per-token deltas as vLLM emits them when stop strings (none of which matches) hold back
    ``lag`` characters: the text so far less its last ``lag`` characters, all of it at the last
    step (``BaseIncrementalDetokenizer.get_next_output_text``). tests/tools/glm4_generated.py
    checks this against the detokenizer run with real stop strings, for every reply and lag."""
    text = "".join(deltas)
    out, sent, length = [], 0, 0
    for n, delta in enumerate(deltas):
        length += len(delta)
        upto = length if n == len(deltas) - 1 else length - lag
        if upto > sent:
            out.append(text[sent:upto])
            sent = upto
        else:
            out.append("")
    return out


def split_at(text: str, cuts: Iterable[int]) -> list[str]:
    points = sorted({min(max(c, 0), len(text)) for c in cuts})
    edges = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges)]


def chunkings(text: str, seed: int = 0, random_splits: int = 3) -> list[list[str]]:
    """Whole, per character, with empty deltas between characters, and random cuts."""
    rng = random.Random(seed)
    result = [[text], list(text), [piece for char in text for piece in (char, "")]]
    for _ in range(random_splits):
        count = rng.randint(1, max(1, len(text) // 3))
        result.append(split_at(text, [rng.randint(0, len(text)) for _ in range(count)]))
    return result


def check_case(text: str, fmt: str, tools: Any = None, **options: Any) -> ParseResult:
    """Parse ``text`` whole, per character and at random cuts; all must agree. Returns the
    one-shot result."""
    whole = streamparse.parse(text, fmt, tools=tools, **options)
    expected = comparable(whole)
    for chunks in chunkings(text):
        assert comparable(parse_chunks(chunks, fmt, tools, **options)) == expected, chunks
    return whole


def chat_template(path: Path) -> Any:
    """A chat template rendered as transformers' ``apply_chat_template`` does: jinja2's
    ImmutableSandboxedEnvironment with ``trim_blocks``/``lstrip_blocks`` and the loopcontrols
    extension, and transformers' ``tojson`` (``json.dumps`` with non-ASCII kept)."""
    import jinja2.exceptions
    import jinja2.ext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def tojson(x: Any, ensure_ascii: bool = False, indent: Any = None, separators: Any = None,
               sort_keys: bool = False) -> str:  # transformers' chat_template_utils.py override
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def raise_exception(message: str) -> None:  # transformers gives templates this global
        raise jinja2.exceptions.TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env.from_string(path.read_text(encoding="utf-8"))


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The tokenizer and template data the corpora are generated from (outside the checkout)."""


def assert_corpus_regenerates(tmp_path: Path, script: str, needs: Sequence[str], committed: Path,
                              names: Iterable[str], *options: str) -> None:  # fmt: skip
    """Running ``tests/tools/<script> --data <shared data> --out <tmp> [options]`` writes exactly
    the committed ``names`` under ``committed``; skipped where a path of ``needs`` (relative to
    the shared data folder) is absent."""
    import subprocess
    import sys

    import pytest

    if not all((SHARED_DATA / need).exists() for need in needs):
        pytest.skip(f"no tokenizer data at {SHARED_DATA}")
    tool = Path(__file__).parent / "tools" / script
    command = [sys.executable, str(tool), "--data", str(SHARED_DATA), "--out", str(tmp_path)]
    subprocess.run([*command, *options], check=True, capture_output=True)
    for name in names:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), (
            f"{name} is stale: run python tests/tools/{script}"
        )
