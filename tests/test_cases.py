"""The golden cases of every format: one JSON file per case under ``tests/cases/<format>/``, all run
here through ``check_case`` (whole, per character, with empty deltas, at random cuts; all must agree,
and the invariants are checked after every feed). A new case is a new file; it costs no code.

A case file (``tests/cases/<format>/<case-id>.json``; the folder is the format, the file name the id)::

    {
      "note": "optional: why the case exists, or the contract rule it pins",
      "input": "Action: get_weather_v2\\nAction Input: {\\"a\\": 1}",
      "tools": "declared",
      "options": {},
      "content": "",
      "calls": [{"name": "get_weather_v2", "arguments": {"a": 1}}],
      "errors": [{"index": 0, "name": "get_weather_v2", "message": "invalid JSON", "raw": "{'a': 1}"}]
    }

- ``input``, ``content`` and an error's ``message`` and ``raw`` are *text*: a JSON string, or a list
  of pieces that are concatenated, each a string or ``{"repeat": "[", "times": 1000}`` (the string
  that many times). Pieces are only a way of writing the text (a long input one line per piece, a
  computed one without 2,000 brackets); they are not the deltas, which ``check_case`` chooses.
- ``tools``: ``null`` (no tools declared: any name is accepted), a list of tools, or the name of a
  list in the format's ``_tools.json``. In ``_tools.json`` a list item ``{"include": "path"}`` stands
  for the tools of that JSON file (relative to ``_tools.json``), e.g. ``tests/data/seed_tools.json``.
- ``options``: optional, keyword arguments for the parser (``StreamParser(format, **options)``).
- ``calls``: every completed call, in order, as ``name`` and ``arguments`` (the parsed JSON value);
  ``arguments_json`` (text, parsed with ``json.loads``) may replace ``arguments`` for a value too big
  to write out.
- ``errors``: every ``tool_call_error``, in order: ``index`` (``null`` if the call never started) and
  ``name`` compared exactly, ``message`` a part of the error's message, ``raw`` (optional) exactly.
- ``content`` is ``ParseResult.content`` exactly; ``reasoning`` (optional, default ``""``)
  is ``ParseResult.reasoning`` exactly.

Unknown keys are an error, so a misspelt expectation cannot silently check nothing. JSON strings
are used for every text because they show ``\\r``, tabs, trailing spaces and newlines unambiguously;
non-ASCII is written as itself (files are UTF-8).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import streamparse
from helpers import check_case

CASES_DIR = Path(__file__).parent / "cases"
CASE_KEYS = {"note", "input", "tools", "options", "content", "reasoning", "calls", "errors"}
REQUIRED_KEYS = {"input", "tools", "content", "calls", "errors"}
CALL_KEYS = {"name", "arguments", "arguments_json"}
ERROR_KEYS = {"index", "name", "message", "raw"}


def text(value: Any, where: str) -> str:
    """A text field: a string, or a list of pieces (strings, ``{"repeat": s, "times": n}``)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise ValueError(f"{where}: text must be a string or a list of pieces, not {value!r}")
    parts = []
    for piece in value:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, dict) and set(piece) == {"repeat", "times"} and isinstance(piece["repeat"], str) \
                and isinstance(piece["times"], int) and piece["times"] >= 0:
            parts.append(piece["repeat"] * piece["times"])
        else:
            raise ValueError(f"{where}: a piece is a string or {{'repeat': str, 'times': int}}, not {piece!r}")
    return "".join(parts)


def load_tools(directory: Path, value: Any, where: str) -> Any:
    if value is None or isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{where}: tools must be null, a list or a name in _tools.json, not {value!r}")
    shared_file = directory / "_tools.json"
    shared = json.loads(shared_file.read_text(encoding="utf-8"))
    if value not in shared:
        raise ValueError(f"{where}: no tool list {value!r} in {shared_file}")
    tools: list[Any] = []
    for item in shared[value]:
        if isinstance(item, dict) and set(item) == {"include"}:
            tools.extend(json.loads((directory / item["include"]).read_text(encoding="utf-8")))
        else:
            tools.append(item)
    return tools


def load_case(path: Path) -> dict[str, Any]:
    """A case file, expanded: text fields are strings, tools a list or None."""
    where = f"{path.parent.name}/{path.name}"
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a case is a JSON object")
    if unknown := set(raw) - CASE_KEYS:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if missing := REQUIRED_KEYS - set(raw):
        raise ValueError(f"{where}: missing keys {sorted(missing)}")
    calls = []
    for call in raw["calls"]:
        if set(call) - CALL_KEYS or "name" not in call or ("arguments" in call) == ("arguments_json" in call):
            raise ValueError(f"{where}: a call is name and one of arguments, arguments_json: {call!r}")
        arguments = call["arguments"] if "arguments" in call else json.loads(text(call["arguments_json"], where))
        calls.append((call["name"], arguments))
    errors = []
    for error in raw["errors"]:
        if set(error) - ERROR_KEYS or not {"index", "name", "message"} <= set(error):
            raise ValueError(f"{where}: an error is index, name, message and optionally raw: {error!r}")
        errors.append({
            "index": error["index"],
            "name": error["name"],
            "message": text(error["message"], where),
            **({"raw": text(error["raw"], where)} if "raw" in error else {}),
        })
    return {
        "format": path.parent.name,
        "id": path.stem,
        "input": text(raw["input"], where),
        "tools": load_tools(path.parent, raw["tools"], where),
        "options": raw.get("options", {}),
        "content": text(raw["content"], where),
        "reasoning": text(raw.get("reasoning", ""), where),
        "calls": calls,
        "errors": errors,
    }


def case_files() -> list[Path]:
    return sorted(p for p in CASES_DIR.glob("*/*.json") if not p.name.startswith("_"))


CASE_FILES = case_files()


def test_every_case_folder_is_a_format():
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert folders <= set(streamparse.formats()), folders - set(streamparse.formats())
    assert CASE_FILES, "no golden cases found"


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.relative_to(CASES_DIR).with_suffix("").as_posix()
                                                   for p in CASE_FILES])
def test_case(path: Path) -> None:
    case = load_case(path)
    result = check_case(case["input"], case["format"], case["tools"], **case["options"])
    assert result.content == case["content"]
    assert result.reasoning == case["reasoning"]
    assert [(c.name, c.arguments) for c in result.tool_calls] == case["calls"]
    assert len(result.errors) == len(case["errors"]), result.errors
    for error, expected in zip(result.errors, case["errors"], strict=True):
        assert (error.index, error.name) == (expected["index"], expected["name"])
        assert expected["message"] in error.message, (expected["message"], error.message)
        if "raw" in expected:
            assert error.raw == expected["raw"]


@pytest.mark.parametrize("mistake", [
    {"error": []},                                          # a misspelt key
    {"calls": [{"name": "f", "argument": {}}]},             # a misspelt call key
    {"calls": [{"name": "f"}]},                             # a call without arguments
    {"errors": [{"index": 0, "name": "f"}]},                # an error without its message
    {"input": ["a", {"repeat": "b"}]},                      # a repeat without its count
])
def test_a_malformed_case_is_an_error_not_a_weaker_check(tmp_path: Path, mistake: dict[str, Any]) -> None:
    case = {"input": "", "tools": None, "content": "", "calls": [], "errors": [], **mistake}
    path = tmp_path / "qwen2" / "bad.json"
    path.parent.mkdir()
    path.write_text(json.dumps(case), encoding="utf-8")
    with pytest.raises(ValueError):
        load_case(path)
