"""streamparse's benchmark suite: one command, a table, a JSON file and a plot.

    python -m benchmarks                 # everything (a few minutes); README numbers
    python -m benchmarks --quick         # under a minute; CI smoke run (no timing assertions)
    python -m benchmarks --only scaling  # parts: scaling, costs, partial, baselines, vllm, memory

Parts:

- scaling: our parser (qwen2, glm4) on one call whose arguments JSON is 1k .. 1M characters, fed
  in 4-character deltas, for two argument shapes (a long string with escapes; many short keys),
  a plain-text reply with no calls and a response with 100 calls; and two floors: a consumer that
  appends each delta to a list, and the minimal CPython ``feed()`` (one method call, one compiled
  regex search of the delta for the JSON structural characters, a new list of one tuple), which
  our parsers are reported as a multiple of, cell by cell.
- costs (``costs.py``): one event built and freed, each way (the pydantic model the events were,
  the tuple-backed ones they are), against the minimal ``feed()``; a parser's tools (20
  realistic ones: today's normalising, ``tool_set()``, ``StreamParser()``; µs and bytes); and
  ``parse()`` of a whole response against ``json.loads`` of its call's arguments.
- baselines: the seed's approach (LLaMA-Factory's regex + ``json.loads`` over the accumulated
  text, per delta and once at the end) and re-parsing the arguments so far per delta with
  ``partial-json-parser`` and ``pydantic_core.from_json(allow_partial=...)``.
- vllm: vLLM 0.33's ``hermes``, ``glm47`` and ``qwen3_coder`` parsers, and ours through our vLLM
  plugin, driven through vLLM's own per-chunk serving code (see ``vllm_parsers.py``). Runs here if
  vLLM imports, else in a subprocess with ``$STREAMPARSE_VLLM_VENV/bin/python`` (default
  ``~/.cache/streamparse/vllm-venv``), else is skipped with a note.
- memory: bytes per idle parser, peak memory of 10,000 streams interleaved in one event loop,
  events per second through ``streamparse.aio``.

Parsers that re-read the accumulated text per delta are quadratic: a size is skipped (the cell
says so) when one run would take more than ``--cap`` seconds, estimated from the sizes below it.
Every cell is the best of ``--repeat`` runs (fewer when the runs reach ``--cap``), with the
garbage collector off during the run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import payloads, runners
from .timing import SizeCap, time_stream

ROOT = Path(__file__).resolve().parent.parent
FULL_SIZES = (1_000, 4_000, 16_000, 64_000, 256_000, 1_000_000)
QUICK_SIZES = (1_000, 4_000, 16_000)
PARTS = ("scaling", "costs", "partial", "baselines", "vllm", "memory")
FLOOR_FEED = "floor: minimal feed() (regex search + list of one tuple)"
SHAPE_TITLES = {
    "string": "one call, arguments = one long string with escapes",
    "keys": "one call, arguments = many short keys",
    "plain": "plain-text reply, no calls",
}
SHAPE_LABELS = {"string": "long string", "keys": "short keys", "plain": "plain text"}

Row = dict[str, Any]


# ---- measuring ---------------------------------------------------------------------------------


def size_key(size: int | None) -> str:
    return "100 calls" if size is None else str(size)


def measure_row(
    rows: list[Row],
    group: str,
    name: str,
    shape: str,
    fmt: str,
    make: Callable,
    sizes: Sequence[int | None],
    args: argparse.Namespace,
) -> None:
    """Measure one parser on one shape at each size (None: the 100-call response)."""
    row = {"group": group, "name": name, "shape": shape, "format": fmt, "cells": {}}
    rows.append(row)
    cap = SizeCap(args.cap)
    for size in sizes:
        key = size_key(size)
        reason = cap.skip_reason(size) if size is not None else None
        if reason:
            row["cells"][key] = {"skipped": reason}
            continue
        if size is None:
            workload = payloads.many_calls()
        elif shape == "plain":
            workload = payloads.plain_text(size)
        else:
            workload = payloads.single_call(shape, size)
        deltas = payloads.deltas(payloads.render(workload, fmt), fmt)
        cell, _ = time_stream(make, deltas, args.repeat, args.cap, args.min_time)
        row["cells"][key] = cell
        if size is not None:
            cap.record(size, cell)
        progress(f"{name:40} {shape:6} {key:>9}: {cell['us_per_delta']:9.2f} us/delta")


def run_scaling(args: argparse.Namespace) -> list[Row]:
    import streamparse

    rows: list[Row] = []
    for fmt in [f for f in payloads.FORMATS if f in streamparse.formats()]:
        make = runners.streamparse_runner(fmt)
        for shape in ("string", "keys", "plain"):
            measure_row(rows, "ours", f"streamparse {fmt}", shape, fmt, make, args.sizes, args)
        measure_row(rows, "ours", f"streamparse {fmt}", "calls", fmt, make, [None], args)
    for shape in ("string", "keys"):
        measure_row(rows, "floor", "floor: list.append(delta)", shape, "qwen2",
                    runners.floor_runner, args.sizes, args)
    from .costs import floor_feed_runner

    for shape in ("string", "keys", "plain"):
        measure_row(rows, "floor", FLOOR_FEED, shape, "qwen2", floor_feed_runner, args.sizes, args)
    return rows


def floor_ratios(rows: Sequence[Row]) -> list[Row]:
    """Our parsers' µs per delta over the minimal ``feed()``'s, cell by cell, same run."""
    floors = {r["shape"]: r for r in rows if r["name"] == FLOOR_FEED}
    found = []
    for r in rows:
        floor = floors.get(r["shape"])
        if r["group"] != "ours" or floor is None:
            continue
        cells = {}
        for key, cell in r["cells"].items():
            base = floor["cells"].get(key, {}).get("us_per_delta")
            if base and "us_per_delta" in cell:
                cells[key] = cell["us_per_delta"] / base
        found.append({"name": r["name"], "shape": r["shape"], "x_floor": cells})
    return found


def run_baselines(args: argparse.Namespace) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    notes: list[str] = []
    candidates: list[tuple[str, Callable | None, bool]] = [
        ("seed: regex + json.loads per delta", runners.seed_per_delta_runner, True),
        ("seed: regex + json.loads once at end", runners.seed_at_end_runner, True),
    ]
    pjp = runners.partial_json_parser_loads()
    candidates.append(("partial-json-parser per delta",
                       runners.partial_reparse_runner(pjp) if pjp else None, False))
    pdc = runners.pydantic_core_loads()
    candidates.append(("pydantic_core from_json(allow_partial) per delta",
                       runners.partial_reparse_runner(pdc) if pdc else None, False))
    for name, make, with_calls in candidates:
        if make is None:
            notes.append(f"{name}: skipped, package not installed")
            continue
        for shape in ("string", "keys"):
            measure_row(rows, "baseline", name, shape, "qwen2", make, args.sizes, args)
        if with_calls:
            measure_row(rows, "baseline", name, "calls", "qwen2", make, [None], args)
    return rows, notes


def vllm_python() -> tuple[str | None, str]:
    """The interpreter that runs the vLLM part, and a note when there is none."""
    try:
        import vllm  # noqa: F401

        return sys.executable, ""
    except ImportError:
        pass
    venv = Path(os.environ.get("STREAMPARSE_VLLM_VENV",
                               Path.home() / ".cache" / "streamparse" / "vllm-venv"))
    python = venv / "bin" / "python"
    if python.exists():
        return str(python), ""
    return None, f"vLLM parsers: skipped, vLLM is not installed here nor in {venv}"


def run_vllm(args: argparse.Namespace) -> tuple[list[Row], dict[str, Any], list[str]]:
    python, note = vllm_python()
    if python is None:
        return [], {}, [note]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vllm.json"
        command = [
            python, "-m", "benchmarks.vllm_parsers",
            "--sizes", ",".join(str(s) for s in args.sizes),
            "--repeat", str(args.repeat), "--cap", str(args.cap), "--min-time", str(args.min_time),
            "--json-out", str(out),
        ]
        if args.quick:
            command.append("--no-extra")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), str(ROOT / "integrations" / "vllm"), env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
        env.setdefault("VLLM_LOGGING_LEVEL", "ERROR")
        progress(f"vLLM parsers: {python}")
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        other: list[str] = []
        for line in proc.stderr:  # progress lines live; vLLM's and torch's chatter kept for errors
            if line.startswith("  "):
                progress(line.strip())
            else:
                other.append(line.rstrip())
        if proc.wait() != 0 or not out.exists():
            tail = "\n".join(other[-15:])
            return [], {}, [f"vLLM parsers: failed (exit {proc.returncode}):\n{tail}"]
        result = json.loads(out.read_text())
    rows = []
    for row in result.pop("rows"):
        row["group"] = "vllm"
        rows.append(row)
    return rows, result, []


def progress(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


# ---- reporting ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "commit": commit,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def fmt_size(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def fmt_cell(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return ""
    if "skipped" in cell:
        return "skipped"
    value = cell["us_per_delta"]
    text = f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:,.0f}"
    return text + (" ⚠" if cell.get("note") else "")


def spread(row: Row, sizes: Sequence[int]) -> float | None:
    """Cost per delta at the largest measured size over the smallest."""
    measured = [row["cells"][str(s)]["us_per_delta"] for s in sizes
                if "us_per_delta" in row["cells"].get(str(s), {})]
    return measured[-1] / measured[0] if len(measured) > 1 else None


def size_table(rows: Sequence[Row], sizes: Sequence[int], workload: bool = False) -> list[str]:
    last = fmt_size(sizes[-1]) + "/" + fmt_size(sizes[0])
    head = "| parser | workload | " if workload else "| parser | "
    lines = [
        head + " | ".join(fmt_size(s) for s in sizes) + f" | {last} |",
        "|---|" + ("---|" if workload else "") + "---:|" * (len(sizes) + 1),
    ]
    for row in rows:
        ratio = spread(row, sizes)
        cells = [fmt_cell(row["cells"].get(str(s))) for s in sizes]
        name = f"{row['name']} | {SHAPE_LABELS[row['shape']]}" if workload else row["name"]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {'' if ratio is None else f'{ratio:.2f}'} |")
    return lines


def report(results: dict[str, Any]) -> str:
    m = results["machine"]
    sizes = results["sizes"]
    rows = results["rows"]
    out = [
        f"streamparse benchmarks ({'quick' if results['quick'] else 'full'}): "
        f"{m['implementation']} {m['python']} on {m['cpu']} ({m['cpus']} CPUs), {m['system']}, "
        f"commit {m['commit']}, {m['date']}",
        f"µs per 4-character delta, best of {results['repeat']} runs or more (runs repeated for "
        f"{results['min_time']:g} s at least, {results['cap'] / 2:g} s at most); sizes are the "
        f"call's arguments JSON in characters; a cell is skipped where one run would exceed "
        f"{results['cap']:g} s",
    ]
    if results.get("vllm"):
        out[-1] += f"; vLLM {results['vllm'].get('vllm_version')}"
    ours = [r for r in rows if r["group"] in ("ours", "floor")]
    ours = [r for r in ours if r["shape"] in SHAPE_LABELS]
    if ours:
        out += ["", "### Our parser, and the floor", ""]
        out += size_table(sorted(ours, key=lambda r: list(SHAPE_LABELS).index(r["shape"])),
                          sizes, workload=True)
    ratios = results.get("floor_ratios")
    if ratios:
        out += ["", "### Our parser as a multiple of the minimal feed() (same run)", "",
                "| parser | workload | " + " | ".join(fmt_size(s) for s in sizes) + " |",
                "|---|---|" + "---:|" * len(sizes)]
        for r in ratios:
            out.append(f"| {r['name']} | {SHAPE_LABELS[r['shape']]} | " + " | ".join(
                f"{r['x_floor'][str(s)]:.2f}×" if str(s) in r["x_floor"] else "" for s in sizes)
                + " |")
    costs = results.get("costs")
    if costs:
        out += ["", "### One event, built and freed, and feed()'s cheapest paths (ns; × the minimal "
                "feed())", "",
                "| how | ns | × floor |", "|---|---:|---:|"]
        out += [f"| {e['name']} | {e['ns']:.0f} | {e['x_floor']:.2f} |" for e in costs["events"]]
        out += ["", "### Tools: per parser, 20 realistic tools", "",
                "| what | tools | µs | bytes |", "|---|---|---:|---:|"]
        out += [f"| {t['name']} | {'same objects' if t['tools'] == 'same' else 'equal new dicts'}"
                f" | {t['us']:.1f} | {t['bytes']:,.0f} |" for t in costs["tools"]]
        out += ["", "### parse() of a whole response with one call, against json.loads of its "
                "arguments", "", "| format | arguments | parse() µs | json.loads µs | ratio |",
                "|---|---|---:|---:|---:|"]
        out += [f"| {p['format']} | {SHAPE_LABELS[p['shape']]}, {fmt_size(p['size'])} | "
                f"{p['parse_us']:.1f} | {p['loads_us']:.1f} | {p['ratio']:.1f}× |"
                for p in costs["parse"]]
    partial_rows = results.get("partial")
    if partial_rows:
        pjp = any("pjp_us" in r for r in partial_rows)
        out += ["", "### One partial_arguments() call, against re-parsing the arguments so far "
                "(µs), and a UI asking every 16 deltas (µs per delta, against not asking)", "",
                "| format | arguments | partial_arguments() | pydantic_core partial | ratio |"
                + (" partial-json-parser |" if pjp else "") + " UI, every 16 deltas | not asking |",
                "|---|---|---:|---:|---:|" + ("---:|" if pjp else "") + "---:|---:|"]
        out += [f"| {r['format']} | {SHAPE_LABELS[r['shape']]}, {fmt_size(r['size'])} | "
                f"{r['ours_us']:.1f} | {r['pydantic_us']:.1f} | {r['pydantic_us'] / r['ours_us']:.1f}× |"
                + (f" {r['pjp_us']:.0f} |" if pjp else "")
                + f" {r['ui_us_per_delta']:.2f} | {r['plain_us_per_delta']:.2f} |" for r in partial_rows]
    validators = results.get("validators")
    if validators:
        out += ["", "### validate=True: the validators on 20 realistic tools (µs per schema or call)",
                "", "| validator | compile | valid arguments | invalid, every error listed |",
                "|---|---:|---:|---:|"]
        out += [f"| {name} | {v['compile_us']:.1f} | {v['valid_us']:.2f} | {v['invalid_us']:.2f} |"
                for name, v in validators.items()]
    for shape in ("string", "keys", "plain"):
        side = [r for r in rows if r["shape"] == shape and
                (r["group"] in ("baseline", "vllm") or r["group"] == "floor"
                 or (r["group"] == "ours" and r["format"] == "qwen2"))]
        if any(r["group"] in ("baseline", "vllm") for r in side):
            out += ["", f"### Side by side: {SHAPE_TITLES[shape]}", ""]
            out += size_table(side, sizes)
    calls = [r for r in rows if "100 calls" in r["cells"]]
    if calls:
        out += ["", "### A response with 100 calls (~24k characters)", "",
                "| parser | µs per delta | deltas |", "|---|---:|---:|"]
        for r in calls:
            cell = r["cells"]["100 calls"]
            out.append(f"| {r['name']} | {fmt_cell(cell)} | {cell.get('deltas', '')} |")
    mem = results.get("memory")
    if mem:
        idle = mem["bytes_per_idle_parser"]
        conc = mem["concurrent"]
        timing = mem["concurrent_timing"]
        aio = mem["async"]
        out += ["", "### Memory and concurrency", "", "| measure | value |", "|---|---:|"]
        for fmt, values in idle.items():
            out.append(f"| bytes per idle {fmt} parser: no tools / 1 tool (dict) / 1 shared "
                       f"`Tool` / mid-call | {values['fresh']:,.0f} / "
                       f"{values['fresh_with_tools']:,.0f} / "
                       f"{values['fresh_with_shared_tool_models']:,.0f} / "
                       f"{values['mid_call']:,.0f} |")
        out += [
            f"| {conc['streams']:,} concurrent streams in one event loop: peak traced memory | "
            f"{conc['peak_bytes'] / 2**20:.1f} MiB ({conc['peak_bytes_per_stream']:,.0f} B per "
            f"stream; without parsers {conc['raw_peak_bytes'] / 2**20:.1f} MiB) |",
            f"| the same, wall time ({conc['deltas_per_stream']} deltas per stream) | "
            f"{timing['seconds']:.2f} s, {timing['events_per_s']:,.0f} events/s |",
            f"| one stream through `streamparse.aio.stream_events` (100 calls) | "
            f"{aio['events_per_s']:,.0f} events/s ({aio['us_per_delta']:.2f} µs per delta; "
            f"sync `feed()`: {aio['sync_us_per_delta']:.2f}) |",
        ]
    targets = results.get("targets")
    if targets:
        out += ["", "### Targets", "", "| target | reached | met |", "|---|---|:---:|"]
        for t in targets:
            met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
            out.append(f"| {t['target']} | {t['reached']} | {met} |")
    if results["notes"]:
        out += ["", "Notes:"] + [f"- {n}" for n in results["notes"]]
    return "\n".join(out)


def cell_value(rows: Sequence[Row], name: str, shape: str, size: int) -> float | None:
    for r in rows:
        if r["name"] == name and r["shape"] == shape:
            return r["cells"].get(str(size), {}).get("us_per_delta")
    return None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows, sizes = results["rows"], results["sizes"]
    found: list[dict[str, Any]] = []
    ours = [r for r in rows if r["group"] == "ours" and r["shape"] in ("string", "keys")]
    if ours:
        worst = max((c["us_per_delta"], r["name"], r["shape"], k) for r in ours
                    for k, c in r["cells"].items() if "us_per_delta" in c)
        found.append({
            "target": "≤ 2 µs per 4-character delta (our parser, call arguments, all sizes)",
            "reached": f"worst {worst[0]:.2f} µs ({worst[1]}, {worst[2]}, {worst[3]} chars)",
            "met": None if results["quick"] else worst[0] <= 2.0,
        })
        ratios = [(spread(r, sizes), r["name"], r["shape"]) for r in ours]
        ratios = [x for x in ratios if x[0] is not None]
        if ratios:
            top = max(ratios)
            found.append({
                "target": f"{fmt_size(sizes[-1])}/{fmt_size(sizes[0])} ratio ≤ 1.3 (flat)",
                "reached": f"worst {top[0]:.2f} ({top[1]}, {top[2]})",
                "met": top[0] <= 1.3 if sizes[-1] >= 1_000_000 and not results["quick"] else None,
            })
    ratios = results.get("floor_ratios")
    if ratios:
        for label, shapes in (("call arguments", ("string", "keys")), ("plain text", ("plain",))):
            cells = [(x, r["name"], r["shape"], k) for r in ratios if r["shape"] in shapes
                     for k, x in r["x_floor"].items()]
            if cells:
                worst = max(cells)
                found.append({
                    "target": f"≤ 3× the minimal feed() per delta ({label}, same run)",
                    "reached": f"worst {worst[0]:.2f}× ({worst[1]}, {worst[2]}, {worst[3]} chars)",
                    "met": worst[0] <= 3.0,
                })
    costs = results.get("costs")
    if costs:
        tools = {(t["name"], t["tools"]): t for t in costs["tools"]}
        today = tools[("normalize_tools + names (each parser today)", "new")]
        same = tools[("tool_set()", "same")]
        new = tools[("tool_set()", "new")]
        parser = tools[('StreamParser("qwen2", tools)', "same")]
        found.append({
            "target": "tools, same objects: ≤ 20 µs and ≤ 4 KiB per parser (20 realistic tools)",
            "reached": f"tool_set(): {same['us']:.1f} µs, {same['bytes']:,.0f} B; "
                       f"StreamParser(): {parser['us']:.1f} µs, {parser['bytes']:,.0f} B",
            "met": parser["us"] <= 20 and parser["bytes"] <= 4096,
        })
        found.append({
            "target": "tools, equal new dicts: ≤ half of today's cost per parser",
            "reached": f"tool_set(): {new['us']:.1f} µs against {today['us']:.1f} µs "
                       f"({new['us'] / today['us']:.2f}×)",
            "met": new["us"] <= today["us"] / 2,
        })
        worst_parse = max(costs["parse"], key=lambda p: p["ratio"])
        found.append({
            "target": "parse() of a whole response ≤ 2× json.loads of its arguments",
            "reached": f"worst {worst_parse['ratio']:.1f}× ({worst_parse['format']}, "
                       f"{worst_parse['shape']}, {fmt_size(worst_parse['size'])}); best "
                       f"{min(p['ratio'] for p in costs['parse']):.1f}×",
            "met": worst_parse["ratio"] <= 2.0,
        })
    hermes = cell_value(rows, "vLLM hermes", "string", 64_000)
    core = cell_value(rows, "streamparse qwen2 (core, same process)", "string", 64_000)
    if hermes and core:
        found.append({
            "target": "≥ 50× faster than vLLM hermes at 64k-character arguments (same run)",
            "reached": f"{hermes / core:.0f}× ({hermes:.1f} vs {core:.2f} µs per delta)",
            "met": None if results["quick"] else hermes / core >= 50,
        })
    mem = results.get("memory")
    if mem:
        idle = max(v["fresh"] for v in mem["bytes_per_idle_parser"].values())
        with_tools = max(v["fresh_with_tools"] for v in mem["bytes_per_idle_parser"].values())
        found.append({
            "target": "≤ 2 KiB per idle parser",
            "reached": f"{idle:,.0f} B without tools, {with_tools:,.0f} B with one tool",
            "met": max(idle, with_tools) <= 2048,
        })
        conc = mem["concurrent"]
        found.append({
            "target": "10,000 concurrent streams in one process",
            "reached": f"{conc['streams']:,} streams, peak {conc['peak_bytes'] / 2**20:.1f} MiB",
            "met": conc["streams"] >= 10_000 if not results["quick"] else None,
        })
    return found


PLOT_LEFT_OUT = {
    "seed: regex + json.loads once at end",  # not streaming
    "streamparse qwen2 (core, same process)",  # the same as "streamparse qwen2"
    "streamparse-glm4 (our vLLM plugin)",  # the same as the qwen2 plugin, within 10 %
}


def plot(results: dict[str, Any], path: Path) -> str:
    """µs per delta against arguments size, log-log, one panel per argument shape."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "plot: skipped, matplotlib is not installed"
    shapes = ("string", "keys")
    rows = [r for r in results["rows"] if r["name"] not in PLOT_LEFT_OUT]
    names = list(dict.fromkeys(r["name"] for r in rows if r["shape"] in shapes))
    palette = [*plt.get_cmap("tab20").colors, *plt.get_cmap("tab20b").colors]
    colors = {name: palette[i % len(palette)] for i, name in enumerate(names)}
    legend_rows = -(-len(names) // 3)
    legend_height = 0.5 + 0.17 * legend_rows  # inches, under the plots
    height = 4.6 + legend_height
    fig, axes = plt.subplots(1, len(shapes), figsize=(13, height), sharey=True)
    for ax, shape in zip(axes, shapes, strict=True):
        for name in names:
            row = next((r for r in rows if r["name"] == name and r["shape"] == shape), None)
            points = [(int(k), c["us_per_delta"]) for k, c in (row or {"cells": {}})["cells"].items()
                      if k.isdigit() and "us_per_delta" in c]
            if not points:
                ax.plot([], [], color=colors[name], label=name)  # keeps the legends alike
                continue
            xs, ys = zip(*sorted(points), strict=True)
            ours = "streamparse" in name
            plugin = "streamparse-" in name  # through vLLM's serving path
            floor = "floor" in name
            ax.plot(xs, ys, label=name, color=colors[name], linewidth=2.6 if ours else 1.4,
                    marker="o" if ours else ".",
                    linestyle=":" if floor else "--" if plugin else "-")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(SHAPE_TITLES[shape], fontsize=10)
        ax.set_xlabel("response length: characters of call arguments (log)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("µs per 4-character delta (log)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    m = results["machine"]
    fig.suptitle(f"Cost per 4-character delta against response length: lower and flatter is "
                 f"better ({m['cpu']}, Python {m['python']})", fontsize=11)
    fig.tight_layout(rect=(0, legend_height / height, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return ""


# ---- entry point -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    cli = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    cli.add_argument("--quick", action="store_true",
                     help="small sizes, 1 run, 1,000 streams: under a minute (CI smoke run)")
    cli.add_argument("--only", default=",".join(PARTS), help=f"parts to run, of {','.join(PARTS)}")
    cli.add_argument("--sizes", help="arguments sizes in characters, comma-separated")
    cli.add_argument("--repeat", type=int, help="runs per cell, best kept (default 5; quick 1)")
    cli.add_argument("--cap", type=float,
                     help="skip a size when one run would exceed this many seconds (default 10)")
    cli.add_argument("--min-time", type=float,
                     help="keep repeating a cell's runs until they took this long (default 0.25 s;"
                     " quick 0.02 s)")
    cli.add_argument("--streams", type=int, help="concurrent streams (default 10,000; quick 1,000)")
    cli.add_argument("--out", default=str(ROOT / "benchmarks" / "results"),
                     help="folder for results.json and table.md (default benchmarks/results)")
    cli.add_argument("--plot", help="PNG path (default OUT/performance.png)")
    cli.add_argument("--no-plot", action="store_true")
    args = cli.parse_args(argv)
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        cli.error(f"unknown part(s) {sorted(unknown)}; parts: {', '.join(PARTS)}")
    if args.sizes:
        args.sizes = [int(s) for s in args.sizes.split(",")]
    else:
        args.sizes = list(QUICK_SIZES if args.quick else FULL_SIZES)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 5
    if args.cap is None:
        args.cap = 0.5 if args.quick else 10.0
    if args.min_time is None:
        args.min_time = 0.02 if args.quick else 0.25
    if args.streams is None:
        args.streams = 1_000 if args.quick else 10_000
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    results: dict[str, Any] = {
        "machine": machine(),
        "quick": args.quick,
        "sizes": args.sizes,
        "repeat": args.repeat,
        "cap": args.cap,
        "min_time": args.min_time,
        "delta_chars": payloads.DELTA,
        "rows": [],
        "notes": [],
    }
    if "scaling" in args.parts:
        results["rows"] += run_scaling(args)
        results["floor_ratios"] = floor_ratios(results["rows"])
    if "costs" in args.parts:
        from . import costs

        progress("costs: one event, tools per parser, parse() against json.loads ...")
        results["costs"] = costs.measure(args.quick)
    if "partial" in args.parts:
        from . import partial

        progress("partial: one partial_arguments() call against re-parsing with pydantic_core ...")
        results["partial"] = partial.measure(args.quick)
        from . import validators

        progress("partial: validate=True's validators, compile and validate ...")
        results["validators"] = validators.measure()
    if "baselines" in args.parts:
        rows, notes = run_baselines(args)
        results["rows"] += rows
        results["notes"] += notes
    if "vllm" in args.parts:
        rows, info, notes = run_vllm(args)
        results["rows"] += rows
        results["vllm"] = info
        results["notes"] += notes
    if "memory" in args.parts:
        from . import memory

        progress(f"memory: {args.streams:,} concurrent streams ...")
        results["memory"] = memory.measure(args.streams)
    results["targets"] = targets(results)
    results["notes"] += [
        f"{r['name']} ({r['shape']}, {k}): {c['note']}"
        for r in results["rows"] for k, c in r["cells"].items() if c.get("note")
    ]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.no_plot:
        path = Path(args.plot) if args.plot else out / "performance.png"
        note = plot(results, path)
        results["notes"].append(note or f"plot: {path}")
    table = report(results)
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    (out / "table.md").write_text(table + "\n")
    print(table)
    print(f"\nwrote {out / 'results.json'} and {out / 'table.md'}")
    return results


if __name__ == "__main__":
    main()
