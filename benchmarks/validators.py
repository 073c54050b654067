"""Which JSON Schema validator ``validate=True`` uses: ``jsonschema`` (pure Python) against
``jsonschema-rs`` (Rust), on the twenty realistic tools of :mod:`benchmarks.realistic_tools`.

    python -m benchmarks.validators

Measured in one run, best of 5: compiling each tool's schema once, validating valid arguments,
and validating invalid ones with every error listed (what a ``tool_call_error`` message needs).
Either library missing is reported, not an error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from .realistic_tools import tools


def _best(function: Callable[[], Any], repeat: int = 5, number: int = 200) -> float:
    """Best seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def _arguments(schema: dict[str, Any]) -> dict[str, Any]:
    """Valid arguments for a schema: each required property with a value of its type."""
    values = {"string": "x", "integer": 1, "number": 1.5, "boolean": True, "array": [], "object": {}}
    result: dict[str, Any] = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        if "enum" in prop:
            result[name] = prop["enum"][0]
        elif prop.get("type") == "object":
            result[name] = _arguments(prop)
        else:
            result[name] = values.get(prop.get("type", "string"), "x")
    return result


def measure() -> dict[str, dict[str, float]]:
    schemas = [tool["function"]["parameters"] for tool in tools()]
    good = [_arguments(schema) for schema in schemas]  # valid or close to it (both see the same)
    bad = [{**args, **{name: 12345 for name in list(args)[:2]}, "unexpected": 1} for args in good]
    results: dict[str, dict[str, float]] = {}
    try:
        import jsonschema
    except ImportError:
        pass
    else:
        cls = jsonschema.Draft202012Validator
        compiled = [cls(schema) for schema in schemas]
        results["jsonschema"] = {
            "compile_us": _best(lambda: [cls(schema) for schema in schemas], number=20) / len(schemas) * 1e6,
            "valid_us": _best(lambda: [v.is_valid(a) for v, a in zip(compiled, good, strict=True)])
            / len(schemas) * 1e6,
            "invalid_us": _best(lambda: [list(v.iter_errors(a)) for v, a in zip(compiled, bad, strict=True)])
            / len(schemas) * 1e6,
        }
    try:
        import jsonschema_rs
    except ImportError:
        pass
    else:
        rs_compiled = [jsonschema_rs.validator_for(schema) for schema in schemas]
        results["jsonschema-rs"] = {
            "compile_us": _best(lambda: [jsonschema_rs.validator_for(s) for s in schemas], number=20)
            / len(schemas) * 1e6,
            "valid_us": _best(lambda: [v.is_valid(a) for v, a in zip(rs_compiled, good, strict=True)])
            / len(schemas) * 1e6,
            "invalid_us": _best(lambda: [list(v.iter_errors(a)) for v, a in zip(rs_compiled, bad, strict=True)])
            / len(schemas) * 1e6,
        }
    return results


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
