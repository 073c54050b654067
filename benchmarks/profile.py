"""Where our parser's time goes: cProfile over one workload fed in 4-character deltas.

    python -m benchmarks.profile [--format qwen2] [--shape string|keys|plain|calls] [--size 64000]

Prints the functions by own time (tottime). cProfile's per-call overhead inflates small functions;
read it for the ranking, and the benchmark for the absolute cost.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from streamparse import StreamParser

from . import payloads


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--format", default="qwen2", choices=["qwen2", "glm4"])
    cli.add_argument("--shape", default="string", choices=["string", "keys", "plain", "calls"])
    cli.add_argument("--size", type=int, default=64_000)
    cli.add_argument("--top", type=int, default=15)
    args = cli.parse_args()
    if args.shape == "calls":
        workload = payloads.many_calls()
    elif args.shape == "plain":
        workload = payloads.plain_text(args.size)
    else:
        workload = payloads.single_call(args.shape, args.size)
    deltas = payloads.deltas(payloads.render(workload, args.format), args.format)
    parser = StreamParser(args.format, payloads.TOOLS)
    profile = cProfile.Profile()
    profile.enable()
    feed = parser.feed
    for delta in deltas:
        feed(delta)
    parser.close()
    profile.disable()
    print(f"{args.format}, {workload.name}: {len(deltas):,} deltas")
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
