"""The cost of one ``partial_arguments()`` call, per format, beside what users re-parse with
instead: pydantic_core's ``from_json(text, allow_partial="trailing-strings")`` of the whole
arguments so far (and partial-json-parser's ``loads`` when it is installed).

    python -m benchmarks --only partial

For each size, the call's arguments (long string values, or many short keys) are fed in
4-character deltas until one delta before their end, asking ``partial_arguments()`` after every
delta; the cell is the cost of one more call after one more delta (best of the runs). The
re-parsers are timed on the same released text. ``partial_arguments()`` reads only the new
characters and then copies the value it returns, so its cost is the size of that value (a long
string is one copy; many keys are one dict entry each); a re-parse costs the whole text again.
"""

from __future__ import annotations

import time
from typing import Any

from . import payloads

FORMATS = payloads.FORMATS


def _best(function: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best * 1e6


def _open_call(fmt: str, shape: str, size: int) -> tuple[Any, str, str] | None:
    """A parser fed the call's arguments but for their last few deltas (``partial_arguments()``
    asked once there), the next delta, and the arguments text released so far."""
    import streamparse

    if fmt not in streamparse.formats():
        return None
    try:
        text = payloads.render(payloads.single_call(shape, size), fmt)
    except ValueError:
        return None  # a format the payloads do not write yet
    deltas = payloads.deltas(text, fmt)
    last_open = -1  # the last delta after which the call is still open
    probe = streamparse.StreamParser(fmt)
    opened = False
    for k, delta in enumerate(deltas):
        for event in probe.feed(delta):
            opened = event.type in ("tool_call_start", "tool_call_delta")
        if opened:
            last_open = k
    if last_open < 1:
        return None
    parser = streamparse.StreamParser(fmt)
    released: list[str] = []
    for delta in deltas[:last_open]:
        released += [e.arguments_delta for e in parser.feed(delta) if e.type == "tool_call_delta"]
    parser.partial_arguments()
    return parser, deltas[last_open], "".join(released)


def measure(quick: bool) -> list[dict[str, Any]]:
    from pydantic_core import from_json

    try:
        from partial_json_parser import loads as pjp_loads  # type: ignore[import-not-found]
    except ImportError:
        pjp_loads = None
    sizes = (1_000, 16_000) if quick else (1_000, 16_000, 64_000, 256_000)
    repeat = 3 if quick else 7
    rows = []
    for fmt in FORMATS:
        for shape in ("string", "keys"):
            for size in sizes:
                cells = []
                for _ in range(repeat):
                    opened = _open_call(fmt, shape, size)
                    if opened is None:
                        break
                    parser, delta, released = opened
                    parser.feed(delta)
                    cells.append(_best(parser.partial_arguments, 1))
                if not cells:
                    continue
                row = {"format": fmt, "shape": shape, "size": size, "ours_us": min(cells),
                       "pydantic_us": _best(lambda text=released: from_json(text, allow_partial="trailing-strings"),
                                            repeat)}
                if pjp_loads is not None:
                    row["pjp_us"] = _best(lambda text=released: pjp_loads(text), repeat)
                row["ui_us_per_delta"], row["plain_us_per_delta"] = _ui(fmt, shape, size)
                rows.append(row)
    return rows


def _ui(fmt: str, shape: str, size: int) -> tuple[float, float]:
    """µs per delta of a whole stream for a UI that asks ``partial_arguments()`` once every 16
    deltas, and of the same stream without asking (best of 3)."""
    import streamparse

    deltas = payloads.deltas(payloads.render(payloads.single_call(shape, size), fmt), fmt)

    def stream(ask: bool) -> None:
        parser = streamparse.StreamParser(fmt)
        for k, delta in enumerate(deltas):
            parser.feed(delta)
            if ask and k % 16 == 15:
                parser.partial_arguments()
        parser.close()

    return (_best(lambda: stream(True), 3) / len(deltas), _best(lambda: stream(False), 3) / len(deltas))
