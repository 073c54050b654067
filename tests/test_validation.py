"""``validate=True`` (contract v2, "Arguments"): golden cases in every format of the registry (the
call text is the format's own, written by its prompt renderer), the ``path: problem`` messages,
and the construction errors."""

from __future__ import annotations

import pytest

import streamparse
from helpers import check_case
from streamparse import ToolDefinitionError
from streamparse.prompts import render_assistant_calls
from streamparse.validation import path_text

FORMATS = streamparse.formats()

SCHEMA = {
    "type": "object",
    "properties": {
        "location": {"type": "string"},
        "unit": {"enum": ["celsius", "fahrenheit"]},
        "hours": {"type": "array", "items": {"type": "integer"}},
        "filter": {"$ref": "#/$defs/filter"},
    },
    "required": ["location"],
    "$defs": {"filter": {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}},
}
DRAFT4 = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "properties": {"n": {"type": "integer", "maximum": 3, "exclusiveMaximum": True}},
}
TOOLS = [{"name": "weather", "parameters": SCHEMA}, {"name": "old", "parameters": DRAFT4}]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "arguments", "message"), [
    ("weather", {"location": "Boston", "unit": "celsius", "hours": [1, 2]}, ""),
    ("weather", {"unit": "celsius"}, '$: "location" is a required property'),
    ("weather", {"location": "x", "hours": "none"}, 'hours: "none" is not of type "array"'),
    ("weather", {"location": "x", "unit": "kelvin"}, 'unit: "kelvin" is not one of "celsius" or "fahrenheit"'),
    ("weather", {"location": "x", "hours": [1, "two"]}, 'hours[1]: "two" is not of type "integer"'),
    ("weather", {"location": "x", "filter": {"tags": ["a", 3]}}, 'filter.tags[1]: 3 is not of type "string"'),
    ("old", {"n": 2}, ""),
    ("old", {"n": 3}, "n: 3 is greater than or equal to the maximum of 3"),  # draft 4's boolean exclusiveMaximum
])
def test_validation_in_every_format(fmt, name, arguments, message):
    text = render_assistant_calls(fmt, [{"name": name, "arguments": arguments}])
    r = check_case(text, fmt, TOOLS, validate=True)
    if not message:
        assert [(c.name, c.arguments) for c in r.tool_calls] == [(name, arguments)] and r.errors == []
        return
    assert r.tool_calls == []
    assert [(e.index, e.name, e.message) for e in r.errors] == [(0, name, message)]
    assert r.errors[0].raw  # the raw arguments are kept
    plain = check_case(text, fmt, TOOLS)  # without validate=True the call completes
    assert [c.name for c in plain.tool_calls] == [name]


def test_validation_errors_at_construction_name_the_problem():
    with pytest.raises(ValueError, match="validate=True needs tools"):
        streamparse.StreamParser("qwen2", validate=True)
    bad = [{"name": "broken", "parameters": {"type": "object", "properties": {"a": {"type": "nonsense"}}}}]
    with pytest.raises(ToolDefinitionError, match="tool 'broken': its parameters are not a valid JSON Schema"):
        streamparse.StreamParser("qwen2", tools=bad, validate=True)


def test_without_the_validator_installed_the_error_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_jsonschema_rs(name, *args, **kwargs):
        if name == "jsonschema_rs":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_jsonschema_rs)
    monkeypatch.setattr("streamparse.validation._by_tool_set", {})
    with pytest.raises(ValueError, match=r"pip install 'streamparse-llm\[validate\]'"):
        streamparse.StreamParser("qwen2", tools=TOOLS, validate=True)


def test_validators_are_compiled_once_and_shared():
    from streamparse.tools import tool_set
    from streamparse.validation import validators_for

    first = validators_for(tool_set(TOOLS))
    again = validators_for(tool_set([dict(t) for t in TOOLS]))  # equal, new dicts
    assert first["weather"] is again["weather"]


@pytest.mark.parametrize(("path", "text"), [([], "$"), (["a"], "a"), (["a", 0, "b"], "a[0].b"), ([2], "[2]")])
def test_path_text(path, text):
    assert path_text(path) == text
