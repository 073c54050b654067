"""The plugin's cost per delta against vLLM's serving path with no tool parser (the floor), in
one run, interleaved so that a loaded machine slows both alike: for every format of the
registry, one call whose string argument grows to ``--chars`` characters, in 4-character deltas,
through vLLM's per-chunk ``ChatStreamProcessor.step`` (``benchmarks/vllm_parsers.py``'s harness:
``Parser.parse_delta`` as ``OpenAIServingChat`` calls it, without the engine and the SSE encoding,
which cost the same whatever the parser).

    cd /work/main && ~/.cache/streamparse/vllm-venv/bin/python tests/vllm/bench_streaming.py

Prints µs per delta (the best of ``--repeat`` interleaved rounds) and the ratio to the floor, for
the tool parser alone and, for thinking models' formats, with ``--reasoning-parser`` too; first a
parser that passes each delta through as content: what vLLM's tool-parser path costs around any
parser.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

from benchmarks import payloads  # noqa: E402
from benchmarks.vllm_parsers import NULL_PARSER, REASONING, Harness, make_tokenizer  # noqa: E402


def per_delta(make, stream) -> float:
    """One run, with the garbage collector off (as ``benchmarks.timing`` runs them: the harness
    keeps every message for checking, which a server does not)."""
    run = make(stream)
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        run()
        return (time.perf_counter() - start) / len(stream) * 1e6
    finally:
        gc.enable()


def main() -> None:
    import streamparse
    from streamparse.families import FORMATS
    from streamparse_vllm import plugin_name

    cli = argparse.ArgumentParser()
    cli.add_argument("--chars", type=int, default=16_000)
    cli.add_argument("--shape", default="string")
    cli.add_argument("--repeat", type=int, default=7)
    cli.add_argument("--formats", default=",".join(streamparse.formats()))
    args = cli.parse_args()
    logging.getLogger("vllm").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(make_tokenizer(Path(tmp) / "tokenizer"))
        floor = harness.runner(None)
        print(f"{'parser':48} {'deltas':>7} {'µs/delta':>9} {'floor':>7} {'ratio':>6}")
        for fmt in args.formats.split(","):
            workload = payloads.single_call(args.shape, args.chars)
            stream = payloads.token_deltas(payloads.render(workload, fmt), fmt)
            names = [NULL_PARSER] if fmt == "qwen2" else []
            names.append(plugin_name(fmt))
            if FORMATS[fmt].Parser.default_reasoning != "off":
                names.append(plugin_name(fmt) + REASONING)
            for name in names:
                ours = harness.runner(name)
                best_ours = best_floor = float("inf")
                for _ in range(args.repeat):  # interleaved: the same load for both
                    best_floor = min(best_floor, per_delta(floor, stream))
                    best_ours = min(best_ours, per_delta(ours, stream))
                label = name.replace(REASONING, " + --reasoning-parser")
                print(f"{label:48} {len(stream):>7} {best_ours:>9.2f} {best_floor:>7.2f} "
                      f"{best_ours / best_floor:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
