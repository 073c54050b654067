"""Memory is bounded: a long response without calls leaves nothing behind in the parser."""

from __future__ import annotations

import tracemalloc

import pytest

from streamparse import StreamParser

TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize("fmt, first", [("qwen2", ""), ("glm4", "\n")])
def test_ten_megabytes_of_plain_text_keep_the_traced_peak_small(fmt, first):
    line = "The quick brown fox; Action: is not at a line start, {\"json\": 1} <not special>\n"
    line = line * 4
    chunks = [line[i : i + 64] for i in range(0, len(line), 64)]
    parser = StreamParser(fmt)
    parser.feed(first)
    tracemalloc.start()
    fed = 0
    try:
        while fed < TEN_MB:
            for chunk in chunks:
                parser.feed(chunk)
            fed += len(line)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024, f"peak {peak} bytes while streaming {fed} characters"
    assert parser.held_back <= parser.hold_back_limit
