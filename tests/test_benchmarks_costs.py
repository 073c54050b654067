"""The costs part of the benchmark (floor feed(), one event, tools per parser, parse() against
json.loads) runs and reports what it measured. No timing assertions (CI machines are noisy)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import costs, run  # noqa: E402


def test_floor_feed_returns_a_list_of_one_tuple():
    result = costs.FloorParser().feed('{"a"')
    assert isinstance(result, list) and len(result) == 1 and result[0][1].group() == "{"


def test_costs_measure_and_report(tmp_path):
    measured = {
        "events": costs.event_costs(2000, 1),
        "tools": costs.tool_costs(10),
        "parse": costs.parse_costs((1000,), 1),
    }
    assert measured["events"][0]["x_floor"] == 1.0
    assert all(e["ns"] >= 0 for e in measured["events"])
    assert {(t["name"], t["tools"]) for t in measured["tools"]} >= {
        ("tool_set()", "same"), ("tool_set()", "new")}
    assert all(p["ratio"] > 0 for p in measured["parse"])
    results = run.main(["--quick", "--only", "scaling", "--sizes", "1000", "--out", str(tmp_path),
                        "--no-plot"])
    assert any(r["name"] == run.FLOOR_FEED for r in results["rows"])
    assert results["floor_ratios"] and all(r["x_floor"] for r in results["floor_ratios"])
    results["costs"] = measured
    table = run.report(results)
    assert "minimal feed()" in table and "json.loads" in table
    targets = [t["target"] for t in run.targets(results)]
    assert any("≤ 3× the minimal feed()" in t for t in targets)
    assert any("≤ 2× json.loads" in t for t in targets)
