"""What users rely on in an event (contract: attribute access, ``type``, ``span``, equality,
pickling, ``model_dump()`` / ``model_dump_json()``, a JSON Schema for the event union), pinned to
what the pydantic models gave, and the parser-internal fast constructors."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import streamparse
from streamparse.events import (
    Event,
    ParseResult,
    ReasoningEvent,
    TextEvent,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallError,
    ToolCallStart,
    _construct,
    _new_event,
)

EVENTS = [
    TextEvent(text='hé"llo', span=(0, 5)),
    ReasoningEvent(text="x", span=(5, 6)),
    ToolCallStart(index=0, id="c1", name="f", span=(6, 9)),
    ToolCallDelta(index=0, arguments_delta='{"a"', span=(9, 13)),
    ToolCallEnd(index=0, id="c1", name="f", arguments={"a": [1, {"b": None}], "é": 1.5},
                raw_arguments='{"a": 1}', span=(13, 20)),
    ToolCallError(index=None, name=None, raw="r", message="m", span=(20, 21)),
]
TEXT, REASONING, START, DELTA, END, ERROR = EVENTS

# What the pydantic models printed (pydantic 2.x), kept byte for byte.
JSON = [
    '{"type":"text","text":"hé\\"llo","span":[0,5]}',
    '{"type":"reasoning","text":"x","span":[5,6]}',
    '{"type":"tool_call_start","index":0,"id":"c1","name":"f","span":[6,9]}',
    '{"type":"tool_call_delta","index":0,"arguments_delta":"{\\"a\\"","span":[9,13]}',
    '{"type":"tool_call_end","index":0,"id":"c1","name":"f","arguments":{"a":[1,{"b":null}],'
    '"é":1.5},"raw_arguments":"{\\"a\\": 1}","span":[13,20]}',
    '{"type":"tool_call_error","index":null,"name":null,"raw":"r","message":"m","span":[20,21]}',
]
REPRS = [
    "TextEvent(type='text', text='hé\"llo', span=(0, 5))",
    "ReasoningEvent(type='reasoning', text='x', span=(5, 6))",
    "ToolCallStart(type='tool_call_start', index=0, id='c1', name='f', span=(6, 9))",
    "ToolCallDelta(type='tool_call_delta', index=0, arguments_delta='{\"a\"', span=(9, 13))",
    "ToolCallEnd(type='tool_call_end', index=0, id='c1', name='f', arguments={'a': [1, {'b': "
    "None}], 'é': 1.5}, raw_arguments='{\"a\": 1}', span=(13, 20))",
    "ToolCallError(type='tool_call_error', index=None, name=None, raw='r', message='m', "
    "span=(20, 21))",
]


def test_attributes_type_and_span():
    assert (TEXT.type, TEXT.text, TEXT.span) == ("text", 'hé"llo', (0, 5))
    assert REASONING.type == "reasoning"
    assert (START.type, START.index, START.id, START.name) == ("tool_call_start", 0, "c1", "f")
    assert (DELTA.type, DELTA.arguments_delta) == ("tool_call_delta", '{"a"')
    assert END.arguments == {"a": [1, {"b": None}], "é": 1.5} and END.raw_arguments == '{"a": 1}'
    assert (ERROR.type, ERROR.index, ERROR.name, ERROR.raw, ERROR.message) == (
        "tool_call_error", None, None, "r", "m")
    assert [e.span for e in EVENTS] == [(0, 5), (5, 6), (6, 9), (9, 13), (13, 20), (20, 21)]


def test_public_names_and_isinstance():
    for cls in (TextEvent, ReasoningEvent, ToolCallStart, ToolCallDelta, ToolCallEnd, ToolCallError):
        assert getattr(streamparse, cls.__name__) is cls
    assert streamparse.Event is Event and streamparse.ParseResult is ParseResult
    assert streamparse.ToolCall is ToolCall
    for event, cls in zip(EVENTS, [TextEvent, ReasoningEvent, ToolCallStart, ToolCallDelta,
                                   ToolCallEnd, ToolCallError], strict=True):
        assert isinstance(event, cls) and type(event) is cls
    assert not isinstance(TEXT, ReasoningEvent)


def test_repr_and_str():
    assert [repr(e) for e in EVENTS] == REPRS
    assert str(TEXT) == "type='text' text='hé\"llo' span=(0, 5)"


def test_equality_is_same_class_same_values():
    assert TextEvent(text="a", span=(0, 1)) == TextEvent(text="a", span=(0, 1))
    assert TextEvent(text="a", span=(0, 1)) != TextEvent(text="a", span=(0, 2))
    assert TextEvent(text="a", span=(0, 1)) != ReasoningEvent(text="a", span=(0, 1))
    assert TextEvent(text="a", span=(0, 1)) != ("a", (0, 1))
    assert TextEvent(text="a", span=(0, 1)) != {"type": "text", "text": "a", "span": (0, 1)}
    assert TextEvent._build(text="a", span=(0, 1)) == TextEvent(text="a", span=(0, 1))
    with pytest.raises(TypeError):
        TEXT < TEXT  # noqa: B015  (events have no order, as pydantic models had none)


def test_hashing_as_the_frozen_models_had_it():
    assert hash(TextEvent(text="a", span=(0, 1))) == hash(TextEvent(text="a", span=(0, 1)))
    assert len({TEXT, TEXT, START, DELTA, ERROR, REASONING}) == 5
    with pytest.raises(TypeError):
        hash(END)  # its arguments are a dict


def test_immutable():
    with pytest.raises(ValidationError, match="frozen"):
        TEXT.text = "y"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        TEXT.other = 1  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="frozen"):
        del TEXT.text  # type: ignore[misc]
    assert TEXT.text == 'hé"llo'


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling(protocol):
    for event in EVENTS:
        again = pickle.loads(pickle.dumps(event, protocol))
        assert again == event and type(again) is type(event) and repr(again) == repr(event)


def test_copies():
    for event in EVENTS:
        assert copy.copy(event) == event and copy.deepcopy(event) == event
    deep = copy.deepcopy(END)
    assert deep.arguments == END.arguments and deep.arguments is not END.arguments


def test_model_dump_and_json_are_what_pydantic_gave():
    assert [e.model_dump_json() for e in EVENTS] == JSON
    assert TEXT.model_dump() == {"type": "text", "text": 'hé"llo', "span": (0, 5)}
    assert TEXT.model_dump(mode="json") == {"type": "text", "text": 'hé"llo', "span": [0, 5]}
    assert END.model_dump()["arguments"] == END.arguments
    assert ERROR.model_dump(exclude={"raw"}) == {
        "type": "tool_call_error", "index": None, "name": None, "message": "m", "span": (20, 21)}
    assert json.loads(START.model_dump_json(indent=2)) == START.model_dump(mode="json")
    assert dict(TEXT) == TEXT.model_dump()  # iterating gives (name, value) pairs, as pydantic's


def test_the_event_union_validates_dumps_and_has_a_schema():
    adapter = TypeAdapter(Event)
    for event, text in zip(EVENTS, JSON, strict=True):
        assert adapter.validate_json(text) == event
        assert adapter.validate_python(json.loads(text)) == event
        assert adapter.validate_python(event) is event
        assert adapter.dump_json(event).decode() == text
    listed = TypeAdapter(list[Event])
    assert listed.validate_json(listed.dump_json(EVENTS)) == EVENTS
    schema = adapter.json_schema()
    assert schema["discriminator"]["propertyName"] == "type"
    assert schema["discriminator"]["mapping"] == {
        "text": "#/$defs/TextEvent",
        "reasoning": "#/$defs/ReasoningEvent",
        "tool_call_start": "#/$defs/ToolCallStart",
        "tool_call_delta": "#/$defs/ToolCallDelta",
        "tool_call_end": "#/$defs/ToolCallEnd",
        "tool_call_error": "#/$defs/ToolCallError",
    }
    text = schema["$defs"]["TextEvent"]
    assert text["title"] == "TextEvent" and text["required"] == ["text", "span"]
    assert text["properties"]["type"] == {"const": "text", "default": "text", "title": "Type",
                                          "type": "string"}
    assert text["description"].startswith("Assistant content")
    assert TextEvent.model_json_schema() == schema["$defs"]["TextEvent"]
    with pytest.raises(ValidationError):
        adapter.validate_python({"type": "nope", "text": "a", "span": (0, 1)})


def test_user_construction_validates():
    assert TextEvent(text="a", span=[0, 1]).span == (0, 1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="TextEvent"):
        TextEvent(text=1, span=(0, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        TextEvent(text="a")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        TextEvent(type="reasoning", text="a", span=(0, 1))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        TextEvent("a", (0, 1))  # type: ignore[misc]
    assert TextEvent.model_validate({"text": "a", "span": (0, 1)}) == TextEvent(text="a", span=(0, 1))
    assert ToolCallError.model_validate_json(JSON[5]) == ERROR
    assert set(ToolCallEnd.model_fields) == {"type", "index", "id", "name", "arguments",
                                              "raw_arguments", "span"}


def test_fast_constructors_build_the_same_events():
    assert TextEvent._build(text='hé"llo', span=(0, 5)) == TEXT
    assert _construct(ToolCallDelta, {"type": "tool_call_delta", "index": 0,
                                      "arguments_delta": '{"a"', "span": (9, 13)}) == DELTA
    assert _new_event(ToolCallStart, (0, "c1", "f", (6, 9))) == START
    assert ToolCallStart._fields == ("index", "id", "name", "span")
    for event in EVENTS:
        rebuilt = _new_event(type(event), tuple(getattr(event, f) for f in type(event)._fields))
        assert rebuilt == event and repr(rebuilt) == repr(event)
    with pytest.raises(KeyError):
        TextEvent._build(text="a")  # every field must be given


def test_model_copy():
    changed = ERROR.model_copy(update={"message": "m: more"})
    assert changed.message == "m: more" and changed.raw == "r" and type(changed) is ToolCallError
    assert ERROR.message == "m"


def test_parse_result_holds_events():
    result = ParseResult.from_events(EVENTS)
    assert result.content == 'hé"llo' and result.reasoning == "x"
    assert result.errors == [ERROR] and result.errors[0] is ERROR
    assert result.tool_calls == [ToolCall(index=0, id="c1", name="f", arguments=END.arguments,
                                          raw_arguments='{"a": 1}')]
    again = ParseResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert pickle.loads(pickle.dumps(result)) == result
    assert isinstance(result, BaseModel)
    assert "ToolCallError" in ParseResult.model_json_schema()["$defs"]


def test_an_event_is_not_equal_to_a_tuple_of_its_values_from_either_side():
    values = ("a", (0, 1))
    event = TextEvent(text="a", span=(0, 1))
    assert not (event == values) and not (values == event)  # noqa: SIM201
    assert event != values and values != event


def test_parse_result_is_what_model_construct_builds():
    """from_events builds ParseResult and ToolCall without model_construct's loop: the same
    models (equality, fields set, dumps, pickling, copies)."""
    result = streamparse.parse(
        'Thought: x\nAction: f\nAction Input: {"a": [1, "b"]}\nAction: g\nAction Input: {', "qwen2"
    )
    calls = [streamparse.ToolCall.model_construct(**dict(call)) for call in result.tool_calls]
    built = streamparse.ParseResult.model_construct(
        content=result.content, reasoning=result.reasoning, tool_calls=calls, errors=result.errors
    )
    assert result == built and result.tool_calls and result.errors
    for ours, theirs in [(result, built), *zip(result.tool_calls, calls, strict=True)]:
        assert ours.model_fields_set == theirs.model_fields_set
        assert ours.model_dump_json() == theirs.model_dump_json()
        assert ours.model_dump(exclude_unset=True) == theirs.model_dump(exclude_unset=True)
        assert pickle.loads(pickle.dumps(ours)) == ours == copy.deepcopy(ours)
        assert ours.__pydantic_extra__ == theirs.__pydantic_extra__
        assert ours.__pydantic_private__ == theirs.__pydantic_private__
