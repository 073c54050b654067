"""Per-delta cost against response size: one call whose JSON arguments are N characters long, fed in
4-character deltas. Flat numbers mean feed() is O(len(delta)).

Then the cost of a held call header: calls to a declared tool with a 10-character name and with
an 8,000-character one, fed one character at a time, so that the longer header is held near the
hold-back limit for thousands of deltas. Held text is searched from where the last feed stopped,
never again from its start: the two costs are within 2x of each other.

    python benchmarks/scaling.py [--sizes 1000,16000,64000,256000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from typing import Any

from streamparse import StreamParser

DELTA = 4


def call_text(fmt: str, size: int) -> str:
    """One call whose arguments are about ``size`` characters: a long string with escapes."""
    unit = 'line with "quotes", a \\ backslash, braces {} and 中文\n'
    body = (unit * (size // len(unit) + 1))[: max(0, size - 12)]
    arguments = json.dumps({"text": body}, ensure_ascii=False)
    if fmt == "qwen2":
        return f"Action: write_file\nAction Input: {arguments}"
    return f"write_file\n{arguments}"


def _best_per_delta(fmt: str, deltas: list[str], tools: Any, repeat: int) -> float:
    """Microseconds per delta, best of ``repeat`` runs of a fresh parser over ``deltas``."""
    best = float("inf")
    for _ in range(repeat):
        parser = StreamParser(fmt, tools=tools)
        feed = parser.feed
        start = time.perf_counter()
        for delta in deltas:
            feed(delta)
        parser.close()
        best = min(best, time.perf_counter() - start)
    return best / len(deltas) * 1e6


def microseconds_per_delta(fmt: str, size: int, repeat: int) -> float:
    text = call_text(fmt, size)
    return _best_per_delta(fmt, [text[i : i + DELTA] for i in range(0, len(text), DELTA)], None, repeat)


def header_text(fmt: str, name: str, size: int) -> str:
    """Calls of ``name`` with short arguments, about ``size`` characters in all."""
    arguments = '{"a": 1}'
    one = f"Action: {name}\nAction Input: {arguments}\n" if fmt == "qwen2" else f"{name}\n{arguments}"
    if fmt == "glm4":
        one += "<|assistant|>"
    return one * max(1, size // len(one))


def microseconds_per_char_delta(fmt: str, name: str, size: int, repeat: int) -> float:
    return _best_per_delta(fmt, list(header_text(fmt, name, size)), [{"name": name}], repeat)


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", default="1000,16000,64000,256000")
    cli.add_argument("--repeat", type=int, default=5)
    args = cli.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"python {platform.python_version()} on {platform.processor() or platform.machine()}; "
          f"{DELTA}-character deltas; best of {args.repeat}")
    print(f"{'format':8} " + " ".join(f"{size:>10,}" for size in sizes) + "   last/first")
    for fmt in ("qwen2", "glm4"):
        costs = [microseconds_per_delta(fmt, size, args.repeat) for size in sizes]
        cells = " ".join(f"{cost:>8.2f}us" for cost in costs)
        print(f"{fmt:8} {cells}   {costs[-1] / costs[0]:.2f}")
    print("held header, 1-character deltas: 10-character name vs 8,000-character name")
    for fmt in ("qwen2", "glm4"):
        short = microseconds_per_char_delta(fmt, "write_file", 16000, args.repeat)
        long = microseconds_per_char_delta(fmt, "n" * 8000, 16000, args.repeat)
        print(f"{fmt:8} {short:>8.2f}us {long:>8.2f}us   {long / short:.2f}")


if __name__ == "__main__":
    main()
