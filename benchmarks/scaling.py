"""Per-delta cost against response size: one call whose JSON arguments are N characters long, fed in
4-character deltas. Flat numbers mean feed() is O(len(delta)).

    python benchmarks/scaling.py [--sizes 1000,16000,64000,256000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

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


def microseconds_per_delta(fmt: str, size: int, repeat: int) -> float:
    text = call_text(fmt, size)
    deltas = [text[i : i + DELTA] for i in range(0, len(text), DELTA)]
    best = float("inf")
    for _ in range(repeat):
        parser = StreamParser(fmt)
        feed = parser.feed
        start = time.perf_counter()
        for delta in deltas:
            feed(delta)
        parser.close()
        best = min(best, time.perf_counter() - start)
    return best / len(deltas) * 1e6


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


if __name__ == "__main__":
    main()
