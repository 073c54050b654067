"""Typing of XML values by the tool's schema (streamparse/schema_types.py): every row and
ordering rule of the contract's table ("Typing of XML values"), and the regressions F16-F19 and F25
of the failure list."""

from __future__ import annotations

import json
from typing import Any

import pytest

from streamparse.schema_types import (
    MAX_REF_DEPTH,
    NO_SCHEMA,
    EarlyString,
    ParamType,
    convert,
    schema_types,
    tool_types,
    types_of_tool,
)
from streamparse.tools import Tool, tool_set


def types(schema: Any, root: Any = None) -> set[str]:
    return set(ParamType(schema_types(schema, root)).types)


def value(schema: Any, text: str, root: Any = None) -> Any:
    json_text, parsed = convert(ParamType(schema_types(schema, root)), text)
    assert json.loads(json_text) == parsed  # the JSON streamed is the value
    return parsed


# ---- resolution ------------------------------------------------------------------------------


def test_no_types_at_all_is_string() -> None:
    for schema in [{}, {"description": "x"}, None, True, {"type": "date"}, {"anyOf": [{}]}, {"enum": []}]:
        assert types(schema) == {"string"}


def test_type_and_type_lists() -> None:
    assert types({"type": "integer"}) == {"integer"}
    assert types({"type": ["boolean", "null"]}) == {"boolean", "null"}


def test_any_of_and_one_of_take_their_members_types() -> None:
    assert types({"anyOf": [{"type": "object"}, {"type": "object"}]}) == {"object"}  # F16
    assert types({"oneOf": [{"type": "object"}, {"type": "array"}]}) == {"object", "array"}  # F17 (mlx-lm)
    assert types({"anyOf": [{"type": "string"}, {"anyOf": [{"type": "null"}]}]}) == {"string", "null"}


def test_unions_come_before_enum_and_type() -> None:
    assert types({"anyOf": [{"type": "integer"}], "type": "string", "enum": ["a"]}) == {"integer"}


def test_enum_and_const_give_the_types_of_their_values() -> None:
    assert types({"enum": [1, 2]}) == {"integer"}
    assert types({"enum": ["a", None]}) == {"string", "null"}
    assert types({"const": True}) == {"boolean"}
    assert types({"enum": [1.5, {"a": 1}, [1]]}) == {"number", "object", "array"}


def test_enum_comes_before_type() -> None:
    assert types({"type": "string", "enum": [1, 2]}) == {"integer"}


def test_type_comes_before_all_of() -> None:
    assert types({"type": "integer", "allOf": [{"type": "string"}]}) == {"integer"}


def test_the_first_all_of_member_with_a_type() -> None:
    assert types({"allOf": [{"description": "x"}, {"type": "number"}, {"type": "string"}]}) == {"number"}


def test_nullable_adds_null() -> None:
    assert types({"type": "integer", "nullable": True}) == {"integer", "null"}
    assert types({"nullable": True}) == {"string", "null"}


def test_ref_into_defs_and_definitions() -> None:
    root = {"$defs": {"Point": {"type": "object"}}, "definitions": {"N": {"$ref": "#/$defs/Point"}}}
    assert types({"$ref": "#/$defs/Point"}, root) == {"object"}
    assert types({"$ref": "#/definitions/N"}, root) == {"object"}
    assert types({"anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}]}, root) == {"object", "null"}
    assert types({"$ref": "#/$defs/Missing"}, root) == {"string"}
    assert types({"$ref": "https://example.com/x"}, root) == {"string"}


def test_ref_depth_is_bounded_and_cycles_end() -> None:
    chain = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(MAX_REF_DEPTH + 5)}
    root = {"$defs": {**chain, f"d{MAX_REF_DEPTH + 5}": {"type": "integer"}}}
    assert types({"$ref": "#/$defs/d0"}, root) == {"string"}  # deeper than 32
    near = {"$defs": {**{f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(30)}, "d30": {"type": "integer"}}}
    assert types({"$ref": "#/$defs/d0"}, near) == {"integer"}
    cycle = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}}
    assert types({"$ref": "#/$defs/a"}, cycle) == {"string"}


def test_pydantic_optional_str_and_models() -> None:
    schema = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "title": "Note"}
    assert ParamType(schema_types(schema)).kind == "early"
    parameters = {"$defs": {"Loc": {"type": "object", "properties": {"city": {"type": "string"}}}},
                  "properties": {"loc": {"$ref": "#/$defs/Loc"}, "n": {"type": "integer"}}, "type": "object"}
    found = types_of_tool(Tool(name="f", parameters=parameters))
    assert found.of("loc").types == {"object"} and found.of("n").types == {"integer"}
    assert found.of("unlisted").types == {"string"} and found.listed == {"loc", "n"} and found.longest == 3


def test_resolved_once_per_tool_set() -> None:
    tools = tool_set([{"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}}]).tools
    assert tools is not None
    first = tool_types(tools, "f")
    assert tool_types(tools, "f") is first  # cached, not resolved per call
    assert tool_types(tools, "g") is NO_SCHEMA and tool_types(None, "f") is NO_SCHEMA


# ---- conversion ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["02139", "123_456", "null", " 12 ", "True", "", "  two  spaces\n", "{}"])
def test_strings_are_verbatim(text: str) -> None:  # F18, F25, F26
    assert value({"type": "string"}, text) == text


@pytest.mark.parametrize("text, expected", [("32", 32), (" -7\n", -7), ("0", 0), ("130", 130)])
def test_integers(text: str, expected: int) -> None:  # F19
    assert value({"type": "integer"}, text) == expected


@pytest.mark.parametrize("text", ["1.0", "01", "+1", "1e3", "٣", "1_000", "0x10", "", "1 2"])
def test_not_integers_stay_strings(text: str) -> None:
    assert value({"type": "integer"}, text) == text


@pytest.mark.parametrize("text, expected", [("80", 80), ("-1.5e3", -1500.0), (" 0.25 ", 0.25), ("1E+2", 100.0)])
def test_numbers(text: str, expected: float) -> None:
    assert value({"type": "number"}, text) == expected


@pytest.mark.parametrize("text", ["NaN", "Infinity", ".5", "1.", "-", "1e", "٣"])
def test_not_numbers_stay_strings(text: str) -> None:
    assert value({"type": "number"}, text) == text


@pytest.mark.parametrize("text, expected", [("true", True), ("False", False), (" TRUE\n", True), ("fAlSe", False)])
def test_booleans_in_any_case(text: str, expected: bool) -> None:
    assert value({"type": "boolean"}, text) == expected


@pytest.mark.parametrize("text", ["yes", "1", "t", "truee", "true false", "ｔｒｕｅ"])
def test_not_booleans_stay_strings(text: str) -> None:
    assert value({"type": "boolean"}, text) == text


@pytest.mark.parametrize("text", ["null", "None", "none", "  null \n"])
def test_null_spellings(text: str) -> None:
    assert value({"type": "null"}, text) is None


def test_not_null_stays_a_string() -> None:
    assert value({"type": "null"}, "NULL") == "NULL"


def test_objects_and_arrays_are_strict_json_of_their_type() -> None:
    assert value({"type": "object"}, ' {"city": "Paris"}\n') == {"city": "Paris"}  # F16
    assert value({"type": "array"}, "[1, [2]]") == [1, [2]]
    for text in ["{'a': 1}", '{"a": NaN}', '{"a": 1,}', "[1]", '"x"', '{"a": "\\ud800"}', '{"a":' * 513 + "1" + "}" * 513, '{"a":' * 5000 + "1" + "}" * 5000]:
        assert value({"type": "object"}, text) == text
    assert value({"type": "array"}, '{"a": 1}') == '{"a": 1}'
    assert isinstance(value({"type": "object"}, '{"a":' * 511 + "1" + "}" * 511), dict)  # 511 deep: an object


def test_several_types_in_the_contracts_order() -> None:
    assert value({"type": ["boolean", "null"]}, "false") is False  # F17
    assert value({"type": ["string", "null"]}, "None") is None
    assert value({"type": ["string", "integer"]}, "42") == 42
    assert value({"type": ["integer", "number"]}, "1.5") == 1.5
    assert value({"type": ["number", "integer"]}, "2") == 2
    assert value({"type": ["string", "boolean"]}, "True") is True
    assert value({"type": ["null", "boolean", "integer", "number", "object", "array"]}, "[1]") == [1]
    assert value({"type": ["integer", "object"]}, "nope") == "nope"  # none converts: its text


def test_the_json_streamed_is_as_the_model_wrote_it() -> None:
    param = ParamType(frozenset({"number", "object"}))
    assert convert(param, " 1.50 ")[0] == "1.50"
    assert convert(param, '{ "a" :1 }')[0] == '{ "a" :1 }'
    assert convert(ParamType(frozenset({"boolean"})), "True")[0] == "true"
    assert convert(ParamType(frozenset({"string"})), 'a"\n')[0] == json.dumps('a"\n')


def test_kinds() -> None:
    assert ParamType(frozenset({"string"})).kind == "string"
    assert ParamType(frozenset()).kind == "string"
    assert ParamType(frozenset({"string", "null"})).kind == "early"
    assert ParamType(frozenset({"boolean"})).kind == "early"
    assert ParamType(frozenset({"string", "integer"})).kind == "held"


@pytest.mark.parametrize("pieces, still", [
    (["  n", "ul", "l  "], True), (["No", "ne"], True), (["nul", "x"], False), (["null", " ", "x"], False),
    (["n u"], False), (["\n\n"], True), (["tr"], False), (["none!"], False), (["nonee"], False),
])
def test_early_string_knows_when_the_text_can_no_longer_be_null(pieces: list[str], still: bool) -> None:
    tracker = EarlyString(ParamType(frozenset({"string", "null"})))
    assert all(tracker.feed(piece) for piece in pieces) == still


def test_early_string_with_booleans() -> None:
    tracker = EarlyString(ParamType(frozenset({"string", "boolean"})))
    assert tracker.feed("TR") and tracker.feed("ue") and not tracker.feed("x")
