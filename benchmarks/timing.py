"""Best-of-N timing of one whole stream, with a time cap for parsers that are quadratic.

A *runner* is ``make(deltas) -> run``: ``make`` does the per-stream setup (building the parser),
outside the timer; ``run()`` feeds every delta and ends the stream, inside it. The garbage
collector is off while ``run()`` is timed, as in ``timeit``. The first run doubles as the
warm-up: with best-of-N it only counts if it is the fastest.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

Runner = Callable[[Sequence[Any]], Callable[[], object]]


def time_stream(
    make: Runner, deltas: Sequence[Any], repeat: int, cap_s: float, min_s: float = 0.0
) -> tuple[dict[str, Any], Any]:
    """``({"us_per_delta", "deltas", "runs", "total_ms"}, what the first run returned)``: the
    best of at least ``repeat`` runs, and of more while the runs together took under ``min_s``
    (short streams are noisy), but of fewer once they took half of ``cap_s``."""
    first: Any = None
    best = float("inf")
    spent = 0.0
    runs = 0
    gc.collect()  # once: collecting before each run would leave the caches cold for short runs
    budget = cap_s / 2  # for all the runs of a cell together
    while runs == 0 or (spent < budget and (runs < repeat or (spent < min_s and runs < 10_000))):
        run = make(deltas)
        gc.disable()
        try:
            start = time.perf_counter()
            result = run()
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        if runs == 0:
            first = result
        best = min(best, elapsed)
        spent += elapsed
        runs += 1
    cell = {
        "us_per_delta": best / max(1, len(deltas)) * 1e6,
        "deltas": len(deltas),
        "runs": runs,
        "total_ms": best * 1e3,
    }
    return cell, first


class SizeCap:
    """Skips the sizes where one run would take more than ``cap_s``. The estimate extrapolates
    from the two largest sizes measured so far with the growth exponent between them, clamped to
    1..2 (linear to quadratic); from a single size it assumes quadratic."""

    def __init__(self, cap_s: float) -> None:
        self.cap_s = cap_s
        self.measured: list[tuple[int, float]] = []  # (size, seconds per run)

    def skip_reason(self, size: int) -> str | None:
        if not self.measured:
            return None
        last_size, seconds = self.measured[-1]
        exponent = 2.0
        if len(self.measured) > 1:
            (s0, t0), (s1, t1) = self.measured[-2:]
            exponent = math.log(max(t1, 1e-9) / max(t0, 1e-9)) / math.log(s1 / s0)
            exponent = min(2.0, max(1.0, exponent))
        estimate = seconds * (size / last_size) ** exponent
        if estimate > self.cap_s:
            return f"skipped: > {self.cap_s:g} s per run (est. {estimate:.0f} s)"
        return None

    def record(self, size: int, cell: dict[str, Any]) -> None:
        self.measured.append((size, cell["total_ms"] / 1e3))
