"""``tool_set()``: one normalised, immutable ToolSet shared by the parsers built with equal tool
definitions; never stale after a definition is mutated in place; the same errors as
``normalize_tools``."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from streamparse import Tool, ToolDefinitionError
from streamparse import tools as tools_module
from streamparse.tools import NO_TOOLS, ToolSet, clear_tool_set_cache, normalize_tools, tool_set

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.realistic_tools import tools as realistic_tools  # noqa: E402


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_tool_set_cache()
    yield
    clear_tool_set_cache()


def weather(description="Get the weather.", unit_enum=("c", "f")):
    return {"type": "function", "function": {
        "name": "get_weather", "description": description,
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string"}, "unit": {"type": "string", "enum": list(unit_enum)}}}}}


def test_fields():
    found = tool_set([weather(), {"name": "a.b-c", "parameters": {}}, Tool(name="zz")])
    assert [t.name for t in found.tools] == ["get_weather", "a.b-c", "zz"]
    assert found.sorted_names == ("a.b-c", "get_weather", "zz")
    assert found.declared == frozenset({"get_weather", "a.b-c", "zz"})
    assert found.longest_name == len("get_weather")
    assert found.tools == tuple(normalize_tools([weather(), {"name": "a.b-c", "parameters": {}},
                                                 Tool(name="zz")]))


def test_none_and_empty():
    assert tool_set(None) is NO_TOOLS
    assert NO_TOOLS.tools is None and NO_TOOLS.declared == frozenset() and NO_TOOLS.longest_name == 0
    empty = tool_set([])
    assert empty.tools == () and empty.sorted_names == () and tool_set([]) is empty


def test_same_objects_and_equal_new_dicts_share_one_set():
    definitions = realistic_tools()
    first = tool_set(definitions)
    assert tool_set(definitions) is first
    assert tool_set(realistic_tools()) is first  # equal, new dicts (vLLM, per request)
    assert tool_set(json.loads(json.dumps(definitions))) is first
    assert tool_set(tuple(definitions)) is first
    assert tool_set(iter(definitions)) is first
    models = [Tool.model_validate(d) for d in definitions]
    assert tool_set(models) is tool_set(models)
    assert tool_set(models).tools == first.tools


def test_a_definition_mutated_in_place_is_not_served_stale():
    definitions = [weather()]
    first = tool_set(definitions)
    definitions[0]["function"]["parameters"]["properties"]["unit"]["enum"].append("k")
    second = tool_set(definitions)
    assert second is not first
    assert second.tools[0].parameters["properties"]["unit"]["enum"] == ["c", "f", "k"]
    # the cached set holds its own copy: the mutation did not reach it
    assert first.tools[0].parameters["properties"]["unit"]["enum"] == ["c", "f"]
    assert tool_set([weather()]) is first
    definitions[0]["function"]["name"] = "get_weather_v2"
    assert tool_set(definitions).declared == {"get_weather_v2"}


def test_a_tool_model_whose_parameters_were_mutated_is_not_served_stale():
    model = Tool(name="f", parameters={"type": "object", "properties": {}})
    first = tool_set([model])
    model.parameters["properties"]["x"] = {"type": "integer"}
    second = tool_set([model])
    assert second is not first and "x" in second.tools[0].parameters["properties"]
    assert "x" not in first.tools[0].parameters["properties"]


def test_different_lists_do_not_collide():
    base = realistic_tools()
    middle = realistic_tools()
    middle[5]["function"]["description"] = "Something else."
    fewer = base[:19]
    swapped = base[:1] + base[2:3] + base[1:2] + base[3:]  # same count, first and last name
    sets = [tool_set(x) for x in (base, middle, fewer, swapped, [weather()], [weather("Other.")],
                                   [weather(unit_enum=("f", "c"))])]
    assert len({id(s) for s in sets}) == len(sets)
    for definitions, found in zip((base, middle, fewer, swapped), sets, strict=False):
        assert found.tools == tuple(normalize_tools(definitions))
    assert [tool_set(x) for x in (base, middle, fewer, swapped)] == sets[:4]  # each still cached


def test_invalid_definitions_raise_as_normalize_tools_does_and_are_not_cached():
    bad = [weather(), {"type": "function", "function": {"name": ""}}]
    with pytest.raises(ToolDefinitionError) as expected:
        normalize_tools(bad)
    for _ in range(2):
        with pytest.raises(ToolDefinitionError) as raised:
            tool_set(bad)
        assert str(raised.value) == str(expected.value) and "tools[1]" in str(raised.value)
    for wrong in ([weather(), weather()], [weather(), 3], "get_weather", {"name": "f"},
                  [{"name": "a\nb"}], [{"type": "retrieval", "function": {"name": "f"}}]):
        with pytest.raises(ToolDefinitionError) as expected:
            normalize_tools(wrong)
        with pytest.raises(ToolDefinitionError) as raised:
            tool_set(wrong)
        assert str(raised.value) == str(expected.value)


def test_values_that_cannot_be_copied_or_compared_still_work_uncached():
    unpicklable = [{"name": "f", "parameters": {"type": "object", "x-hook": lambda: None}}]
    assert tool_set(unpicklable).declared == {"f"}
    nan = [{"name": "f", "parameters": {"type": "number", "maximum": float("nan")}}]
    assert tool_set(nan) is not tool_set(nan)  # NaN is not equal to itself: never a hit
    assert tool_set(nan).declared == {"f"}


def test_the_set_is_immutable():
    found = tool_set([weather()])
    with pytest.raises(AttributeError):
        found.declared = frozenset()  # type: ignore[misc]
    assert isinstance(found.tools, tuple)
    assert repr(found) == "ToolSet(['get_weather'])"


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(tools_module, "TOOL_SET_CACHE_SIZE", 3)
    lists = [[{"name": f"tool_{i}"}] for i in range(5)]
    sets = [tool_set(x) for x in lists]
    assert len(tools_module._cache) == 3
    assert tool_set(copy.deepcopy(lists[4])) is sets[4]
    assert tool_set(copy.deepcopy(lists[0])) is not sets[0]  # evicted, rebuilt


def test_many_lists_under_one_key_keep_working():
    lists = [[{"name": "a"}, {"name": "b", "description": str(i)}, {"name": "z"}] for i in range(20)]
    for definitions in lists:
        found = tool_set(definitions)
        assert found.tools[1].description == definitions[1]["description"]
        assert tool_set(copy.deepcopy(definitions)) is found
