"""The benchmark suite runs (its cheapest parts, in-process) and measures what it says it does.
No timing assertions: CI machines are noisy; ``python -m benchmarks --quick`` is the smoke run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamparse  # noqa: E402
from benchmarks import payloads, run, runners  # noqa: E402

WORKLOADS = [
    payloads.single_call("string", 1000),
    payloads.single_call("keys", 1000),
    payloads.many_calls(5),
]


@pytest.mark.parametrize("fmt", ["qwen2", "glm4"])
@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_our_formats_render_the_workload_calls(fmt, workload):
    text = payloads.render(workload, fmt)
    result = streamparse.parse(text, fmt, tools=payloads.TOOLS)
    assert not result.errors
    assert [call.arguments for call in result.tool_calls] == list(workload.calls)
    assert "".join(payloads.deltas(text, fmt)) == text


@pytest.mark.parametrize("fmt", ["hermes", "glm47", "qwen3_coder"])
def test_vllm_formats_keep_special_tokens_whole(fmt):
    text = payloads.render(payloads.single_call("keys", 200), fmt)
    pairs = payloads.token_deltas(text, fmt)
    assert "".join(delta for delta, _ in pairs) == text
    for delta, ids in pairs:
        special = payloads.SPECIAL_IDS.get(delta)
        assert ids == [special if special is not None else payloads.TEXT_TOKEN_ID]
        assert special is not None or len(delta) <= payloads.DELTA


def test_payload_sizes_are_the_arguments_json_length():
    for shape in ("string", "keys"):
        arguments = payloads.arguments(shape, 64_000)
        assert abs(len(json.dumps(arguments, ensure_ascii=False)) - 64_000) < 640


def test_seed_baseline_finds_the_calls():
    workload = payloads.many_calls(3)
    text = payloads.render(workload, "qwen2")
    calls = runners.seed_extract(text)
    assert [json.loads(args) for _, args in calls] == list(workload.calls)


def test_quick_run_in_process(tmp_path):
    results = run.main([
        "--quick", "--only", "scaling,baselines,memory", "--sizes", "1000,4000",
        "--streams", "20", "--out", str(tmp_path), "--no-plot",
    ])
    names = {row["name"] for row in results["rows"]}
    assert {"streamparse qwen2", "streamparse glm4", "floor: list.append(delta)",
            "seed: regex + json.loads per delta"} <= names
    for row in results["rows"]:
        for cell in row["cells"].values():
            assert "skipped" in cell or cell["us_per_delta"] > 0
    assert results["memory"]["concurrent"]["streams"] == 20
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["rows"] == results["rows"]
    assert "| streamparse qwen2 |" in (tmp_path / "table.md").read_text()


def test_plot(tmp_path):
    pytest.importorskip("matplotlib")
    results = run.main(["--quick", "--only", "scaling", "--sizes", "1000,4000",
                        "--out", str(tmp_path), "--plot", str(tmp_path / "p.png")])
    assert (tmp_path / "p.png").stat().st_size > 10_000
    assert results["targets"]
