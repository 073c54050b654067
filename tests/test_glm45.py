"""Formats ``glm45`` and ``glm47``: the prompt renderers against the models' own chat templates
(tests/data/templates_glm/, see its README), byte for byte, and the parsers' rules that the golden
cases (tests/cases/glm45/, tests/cases/glm47/) do not show on their own.

The templates are rendered the way transformers' ``apply_chat_template`` does: an
ImmutableSandboxedEnvironment with ``trim_blocks``/``lstrip_blocks`` and the loopcontrols
extension, and transformers' ``tojson`` (``json.dumps`` with ``ensure_ascii=False``, no key
sorting).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streamparse
from helpers import chat_template, check_case, comparable, counter_ids, feed_checked, parse_chunks
from strategies import cuts_for, split_with_empties
from strategies_glm45 import TOOLS as STRATEGY_TOOLS
from strategies_glm45 import responses as glm45_responses
from strategies_glm47 import responses as glm47_responses
from streamparse import ParseResult, StreamParser
from streamparse.demo import token_like_deltas
from streamparse.families._render import PromptError, to_calls, to_messages
from streamparse.families.glm import glm45
from streamparse.families.glm.tokens import GLM4_9B_CHAT_SPECIAL_TOKEN_IDS

DATA = Path(__file__).parent / "data" / "templates_glm"
TEMPLATE_NAMES = {"glm45": "glm-4.6", "glm47": "glm-4.7-flash"}
RENDERERS: dict[str, Any] = {
    "glm45": (glm45.render_prompt, glm45.render_tools, glm45.render_assistant_calls,
              glm45.render_tool_results),
    "glm47": (glm45.glm47_render_prompt, glm45.glm47_render_tools,
              glm45.glm47_render_assistant_calls, glm45.glm47_render_tool_results),
}


def _template(fmt: str) -> Any:
    path = DATA / f"{TEMPLATE_NAMES[fmt]}.chat_template.jinja"
    return chat_template(path)  # as transformers renders it


TEMPLATES = {fmt: _template(fmt) for fmt in TEMPLATE_NAMES}


def official(fmt: str, tools: Any, messages: list[dict[str, Any]], **options: Any) -> str:
    """The template's rendering; options left out are "not defined", as transformers passes
    only the keyword arguments given."""
    defined = {k: v for k, v in options.items() if v is not None}
    return str(TEMPLATES[fmt].render(messages=messages, tools=tools, bos_token="", eos_token="",
                                     **defined))


def ours(fmt: str, tools: Any, messages: list[dict[str, Any]], **options: Any) -> str:
    render_prompt = RENDERERS[fmt][0]
    return str(render_prompt(tools, to_messages(messages), **options))


# ---- the example renderings -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(TEMPLATE_NAMES))
def test_the_example_rendering_is_reproduced_byte_for_byte(fmt: str) -> None:
    name = TEMPLATE_NAMES[fmt]
    example = json.loads((DATA / f"{name}.example-input.json").read_text(encoding="utf-8"))
    expected = (DATA / f"{name}.example.txt").read_text(encoding="utf-8")
    options = {"add_generation_prompt": example["add_generation_prompt"]}
    assert ours(fmt, example["tools"], example["messages"], **options) == expected
    assert official(fmt, example["tools"], example["messages"], **options) == expected


# ---- generated conversations ----------------------------------------------------------------

# Text with what the templates treat specially: newlines and other (Unicode) whitespace that
# str.strip() removes, think tags, "/nothink", tags of the format.
_PIECES = st.sampled_from([
    "\n", " ", "\t", "\u3000", "\x1c", "<think>", "</think>", "/nothink", "<tool_call>", "a",
    "Paris", "北京", "🙂", "{\"k\": 1}", "<arg_value>",
])
TEXT = st.lists(_PIECES | st.text(max_size=5), max_size=6).map("".join)
NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,15}", fullmatch=True)
_SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
            | st.floats(allow_nan=False, allow_infinity=False) | TEXT)
VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6)
ARGUMENTS = st.dictionaries(st.text(min_size=1, max_size=8), VALUES, max_size=4)
TOOLS = st.lists(
    st.builds(
        lambda name, description, props: {
            "type": "function",
            "function": {"name": name, "description": description,
                         "parameters": {"type": "object", "properties": props}},
        },
        NAMES, TEXT, st.dictionaries(st.text(min_size=1, max_size=6),
                                     st.just({"type": "string"}), max_size=2),
    ),
    max_size=3, unique_by=lambda tool: tool["function"]["name"],
)


@st.composite
def messages(draw: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 7))):
        role = draw(st.sampled_from(["system", "user", "assistant", "assistant", "tool"]))
        message: dict[str, Any] = {"role": role, "content": draw(TEXT)}
        if role == "assistant":
            if draw(st.booleans()):
                message["reasoning_content"] = draw(TEXT.filter(bool))
            calls = draw(st.lists(st.tuples(NAMES, ARGUMENTS), max_size=3))
            if calls:
                message["tool_calls"] = [
                    {"id": f"call_{i}", "type": "function",
                     "function": {"name": name, "arguments": arguments}}
                    for i, (name, arguments) in enumerate(calls)
                ]
        result.append(message)
    return result


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", sorted(TEMPLATE_NAMES))
@SETTINGS
@given(tools=TOOLS, conversation=messages(), add_generation_prompt=st.booleans(),
       enable_thinking=st.sampled_from([None, True, False]), data=st.data())
def test_prompts_equal_the_templates_renderings(fmt: str, tools: Any, conversation: Any,
                                                add_generation_prompt: bool,
                                                enable_thinking: bool | None,
                                                data: st.DataObject) -> None:
    options: dict[str, Any] = {"add_generation_prompt": add_generation_prompt,
                               "enable_thinking": enable_thinking}
    if fmt == "glm47":
        options["clear_thinking"] = data.draw(st.sampled_from([None, True, False]))
    assert ours(fmt, tools, conversation, **options) == official(fmt, tools, conversation, **options)


@pytest.mark.parametrize("fmt", sorted(TEMPLATE_NAMES))
@settings(max_examples=100, deadline=None)
@given(tools=TOOLS, calls=st.lists(st.tuples(NAMES, ARGUMENTS), min_size=1, max_size=3),
       content=TEXT.filter(lambda text: "</think>" not in text),
       results=st.lists(TEXT, min_size=1, max_size=3))
def test_the_parts_are_the_prompts_own(fmt: str, tools: Any, calls: Any, content: str,
                                       results: list[str]) -> None:
    """render_tools, render_assistant_calls and render_tool_results are the pieces of the
    template's rendering of a conversation: after <|system|>, after the assistant turn's think
    part, and the tool turn."""
    render_prompt, render_tools, render_assistant_calls, render_tool_results = RENDERERS[fmt]
    openai_calls = [{"type": "function", "function": {"name": n, "arguments": a}} for n, a in calls]
    conversation = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": content, "tool_calls": openai_calls},
        *({"role": "tool", "content": result} for result in results),
    ]
    whole = official(fmt, tools or None, conversation, add_generation_prompt=False)
    tools_turn = f"[gMASK]<sop><|system|>{render_tools(tools)}" if tools else "[gMASK]<sop>"
    user = "<|user|>\nhi" if fmt == "glm45" else "<|user|>hi"
    think = "\n<think></think>\n" if fmt == "glm45" else "</think>"  # the turn has no reasoning
    reply = render_assistant_calls(to_calls(openai_calls), content)
    assert whole == f"{tools_turn}{user}<|assistant|>{think}{reply}{render_tool_results(results)}"


def test_names_the_parser_cannot_read_back_are_refused() -> None:
    for name in ("get weather", "a<b", 'f{"k"', "x>"):
        for fmt in TEMPLATE_NAMES:
            with pytest.raises(PromptError, match="cannot hold"):
                RENDERERS[fmt][2](to_calls([{"name": name, "arguments": {}}]))


def test_unknown_variants_and_bad_switches_are_refused() -> None:
    with pytest.raises(PromptError, match="variant"):
        glm45.render_prompt(None, [], variant="glm-4.7-flash")
    with pytest.raises(PromptError, match="variant"):
        glm45.glm47_render_tools(None, variant="glm-4.6")
    assert glm45.render_prompt(None, [], variant="glm-4.6") == "[gMASK]<sop><|assistant|>"
    with pytest.raises(PromptError, match="enable_thinking"):
        glm45.render_prompt(None, [], enable_thinking="no")  # type: ignore[arg-type]


def test_the_thinking_switch_sets_the_generation_prompt() -> None:
    from streamparse import reasoning_for_prompt

    prompts = {
        ("glm45", None): "[gMASK]<sop><|assistant|>",
        ("glm45", True): "[gMASK]<sop><|assistant|>",
        ("glm45", False): "[gMASK]<sop><|assistant|>\n<think></think>",
        ("glm47", None): "[gMASK]<sop><|assistant|><think>",
        ("glm47", True): "[gMASK]<sop><|assistant|><think>",
        ("glm47", False): "[gMASK]<sop><|assistant|></think>",
    }
    modes = {None: {"glm45": "auto", "glm47": "started"}, True: {"glm45": "auto", "glm47": "started"}}
    for (fmt, switch), prompt in prompts.items():
        rendered = RENDERERS[fmt][0](None, [], enable_thinking=switch)
        assert rendered == prompt
        expected = "off" if switch is False else modes[switch][fmt]
        assert reasoning_for_prompt(rendered) == expected


# ---- the parsers ----------------------------------------------------------------------------
# The grammar's rules are golden cases (tests/cases/glm45/, tests/cases/glm47/, named after the
# failure modes F24-F38 they pin where one applies); what needs a stream's shape, token ids or a
# property is here.

FORMATS = ["glm45", "glm47"]
RESPONSES = {"glm45": glm45_responses, "glm47": glm47_responses}
IDS = {token: token_id for token_id, token in GLM4_9B_CHAT_SPECIAL_TOKEN_IDS.items()}
WEATHER = [{"name": "get_weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}}}}, {"name": "get_current_time"}]
C1 = ("<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n"
      "<arg_key>days</arg_key>\n<arg_value>3</arg_value>\n</tool_call>")
C2 = ("<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value>"
      "<arg_key>days</arg_key><arg_value>3</arg_value></tool_call>"
      "<tool_call>get_current_time</tool_call>")


def events_of(fmt: str, deltas: list[str], tools: Any = WEATHER, **options: Any) -> list[Any]:
    parser = StreamParser(fmt, tools=tools, id_factory=counter_ids(), **options)
    return [[*parser.feed(delta)] for delta in deltas] + [parser.close()]


def test_the_formats_are_registered_with_their_defaults() -> None:
    assert {"glm45", "glm47"} <= set(streamparse.formats())
    assert StreamParser("glm45").reasoning == "auto"
    assert StreamParser("glm47").reasoning == "started"
    from streamparse.families.glm import glm47

    assert glm47.Parser is glm45.Glm47Parser and glm47.SPECIAL_TOKENS == glm45.SPECIAL_TOKENS


@pytest.mark.parametrize("fmt", FORMATS)
def test_F24_the_call_starts_when_the_name_ends_and_string_values_stream(fmt: str) -> None:
    """F24: tool_call_start as soon as the name ends (at its newline in GLM-4.5's layout, at
    <arg_key> in GLM-4.7's), then a string value streams character by character."""
    prefix = "</think>" if fmt == "glm47" else ""
    for head in ("<tool_call>get_weather\n", "<tool_call>get_weather<arg_key>"):
        deltas = [prefix + head[:-3], head[-3:]]
        first, second, _ = events_of(fmt, deltas)
        assert [e.type for e in first if e.type != "text"] == []
        assert [e.type for e in second] == ["tool_call_start"] and second[0].name == "get_weather"
    *per_char, end = events_of(fmt, list(prefix + "<tool_call>get_weather<arg_key>city</arg_key><arg_value>Lyon"))
    streamed = "".join(e.arguments_delta for feed in per_char for e in feed if e.type == "tool_call_delta")
    assert streamed == '{"city": "Lyon'  # every character of the value released as it came
    assert [e.type for e in end] == ["tool_call_error"]  # the stream ended inside the value


@pytest.mark.parametrize("fmt", FORMATS)
def test_F29_F33_a_zero_argument_call_streams_its_json_once_and_ends_once(fmt: str) -> None:
    text = ("</think>" if fmt == "glm47" else "") + "<tool_call>get_current_time</tool_call>"
    for deltas in (list(text), [text]):
        events = [e for feed in events_of(fmt, deltas) for e in feed]
        kinds = [e.type for e in events if e.type != "text"]
        assert kinds == ["tool_call_start", "tool_call_delta", "tool_call_end"]
        assert "".join(e.arguments_delta for e in events if e.type == "tool_call_delta") == "{}"
        end = events[-1] if events[-1].type == "tool_call_end" else events[-2]
        assert (end.arguments, end.raw_arguments) == ({}, "{}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_F30_F31_F36_two_calls_fed_in_token_bundles(fmt: str) -> None:
    """F30/F31/F36: C-2 (two calls, GLM-4.7's layout) fed as token-like deltas merged 1 to 4 at a
    time (speculative decoding): two calls, indexes 0 and 1, each its own arguments."""
    text = ("</think>" if fmt == "glm47" else "") + C2
    tokens = token_like_deltas(text)
    assert "".join(tokens) == text
    for size in (1, 2, 3, 4):
        deltas = ["".join(tokens[k:k + size]) for k in range(0, len(tokens), size)]
        result = ParseResult.from_events(feed_checked(deltas, fmt, WEATHER))
        assert [(c.index, c.name, c.arguments) for c in result.tool_calls] == [
            (0, "get_weather", {"city": "Paris", "days": 3}), (1, "get_current_time", {})]
        assert result.errors == [] and result.content == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_F35_a_split_think_tag_is_held_and_recognized_and_nothing_raises(fmt: str) -> None:
    """F35: '<th' | 'ink>' at a chunk end is held, then recognized; a plain-text value stays a
    string; broken markup never raises."""
    result = parse_chunks(["<th", "ink>plan</th", "ink>ok"], "glm45", WEATHER)
    assert (result.reasoning, result.content) == ("plan", "ok")
    text = "<tool_call>task<arg_key>subagent_type</arg_key><arg_value>explore</arg_value></tool_call>"
    assert check_case(text, fmt, None, reasoning="off").tool_calls[0].arguments == {"subagent_type": "explore"}
    for junk in ("<tool_call><tool_call><arg_key></arg_key>", "<tool_call>f<arg_key>k<arg_value>",
                 "</arg_value></tool_call><|user|><tool_call>", "<tool_call>f\n<arg_value>x"):
        check_case(junk, fmt, WEATHER)


def test_F15_a_long_string_value_streams_while_it_is_written() -> None:
    """A 4 kB code value fed per character: deltas all along, never holding more than a
    closing tag's beginning (feed_checked asserts the bound after every feed)."""
    code = "def f(x):\n    return '</arg_value>' + x  # <tool_call>\n" * 80
    text = f"<tool_call>edit<arg_key>new</arg_key><arg_value>{code}</arg_value></tool_call>"
    parser = StreamParser("glm45", id_factory=counter_ids())
    released = 0
    for k, char in enumerate(text):
        released += sum(len(e.arguments_delta) for e in parser.feed(char) if e.type == "tool_call_delta")
        if k > 200 and k < len(text) - 30:
            assert released > 0 and parser.hold_back_problem() is None
    result = ParseResult.from_events(parser.close())
    assert result.tool_calls == []  # the end came in the last feed: nothing left for close()
    assert streamparse.parse(text, "glm45").tool_calls[0].arguments == {"new": code}


# ---- turn-ending tokens by id -----------------------------------------------------------------


def _by_text_and_by_id(fmt: str, before: str, token: str, after: str, tools: Any = WEATHER,
                       **options: Any) -> tuple[Any, Any]:
    kept = ParseResult.from_events(feed_checked([before, token, after], fmt, tools, **options))
    skipped = ParseResult.from_events(
        feed_checked([before, "", after], fmt, tools, ids=[[1], [IDS[token]], [2]], **options))
    return comparable(kept), comparable(skipped)


@pytest.mark.parametrize("token", ["<|observation|>", "<|user|>", "<|endoftext|>"])
@pytest.mark.parametrize("before", [
    C1, C1 + "\n", C1[: C1.index("\n</tool_call>")],  # after the call; after a closed argument
    C1[: C1.index("3</arg_value>")] + "3",  # inside a value: truncated
    "Done. ",
])
def test_a_turn_ending_token_acts_the_same_by_text_and_by_id(before: str, token: str) -> None:
    kept, skipped = _by_text_and_by_id("glm45", before, token, "after")
    assert kept == skipped
    assert kept["content"].endswith("after")


def test_by_id_the_turn_end_completes_an_open_call_and_the_rest_is_text() -> None:
    parser = StreamParser("glm45", tools=WEATHER, id_factory=counter_ids())
    events = parser.feed(C1[: C1.index("\n</tool_call>")], [1, 2, 3])
    assert [e.type for e in events if e.type == "tool_call_end"] == []
    events += parser.feed("", [IDS["<|observation|>"]])
    assert [e.type for e in events if e.type.startswith("tool_call_e")] == ["tool_call_end"]
    events += parser.feed("<tool_call>get_current_time</tool_call>", [4]) + parser.close()
    result = ParseResult.from_events(events)
    assert len(result.tool_calls) == 1 and result.content == "<tool_call>get_current_time</tool_call>"


def test_the_assistant_token_and_other_ids_do_nothing() -> None:
    text = C1 + "\nok"
    plain = comparable(streamparse.parse(text, "glm45", tools=WEATHER))
    ids = ParseResult.from_events(feed_checked([C1, "\nok"], "glm45", WEATHER,
                                               ids=[[IDS["<|assistant|>"]], [7, 8]]))
    assert comparable(ids) == plain


@pytest.mark.parametrize("lag", [1, 3, 9])
def test_text_lag_places_a_skipped_token_that_many_characters_later(lag: int) -> None:
    """vLLM's stop-string hold-back: the text trails the ids by ``lag`` characters, so the
    token stands ``lag`` characters after the text fed before it (or at the end)."""
    tail = "after the turn"
    text = C1 + "\n" + tail
    cut = len(C1) - lag  # what had been released when the token's id came
    deltas = [text[:cut], "", text[cut:]]
    ids = [[1], [IDS["<|observation|>"]], [2]]
    result = ParseResult.from_events(feed_checked(deltas, "glm45", WEATHER, ids=ids, text_lag=lag))
    assert [c.arguments for c in result.tool_calls] == [{"city": "Paris", "days": 3}]
    assert result.content == "\n" + tail


def test_special_token_ids_and_text_lag_are_checked() -> None:
    with pytest.raises(ValueError, match="special_token_ids"):
        StreamParser("glm45", special_token_ids={5: "<|im_end|>"})
    with pytest.raises(ValueError, match="text_lag"):
        StreamParser("glm47", text_lag=-1)
    parser = StreamParser("glm45", special_token_ids={99: "<|user|>"})
    events = parser.feed("Hi", [1]) + parser.feed("", [99]) + parser.feed(" there", [2]) + parser.close()
    assert ParseResult.from_events(events).content == "Hi there"  # the turn ended; text after


SETTINGS_PARSE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS_PARSE
@given(data=st.data())
def test_turn_ending_tokens_skipped_with_their_ids_parse_like_kept_ones(fmt: str, data: st.DataObject) -> None:
    """A response fed as token-like deltas, then a turn-ending token (its text kept, or only its
    id), then more text: the same parse either way. (The text after it starts with a letter: the
    reasoning layer in front takes whitespace right after </think> as framing, and with the
    token skipped it cannot see that the token stood between.)"""
    text, case = data.draw(RESPONSES[fmt]())
    token = data.draw(st.sampled_from(["<|observation|>", "<|user|>", "<|endoftext|>"]))
    pieces = token_like_deltas(text)
    kept = ParseResult.from_events(feed_checked([*pieces, token, "more"], fmt, case["tools"]))
    ids = [[1] for _ in pieces] + [[IDS[token]], [2]]
    skipped = ParseResult.from_events(feed_checked([*pieces, "", "more"], fmt, case["tools"], ids=ids))
    assert comparable(kept) == comparable(skipped)
    expected = dict(case["expected"])
    expected["content"] += "more"
    assert comparable(kept) == expected


# ---- properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS_PARSE
@given(data=st.data())
def test_well_formed_responses_parse_to_what_was_written(fmt: str, data: st.DataObject) -> None:
    text, case = data.draw(RESPONSES[fmt]())
    assert comparable(streamparse.parse(text, fmt, case["tools"])) == case["expected"]
    cuts = data.draw(cuts_for(text))
    assert comparable(parse_chunks(split_with_empties(text, cuts), fmt, case["tools"])) == case["expected"]


_SOUP = st.lists(st.sampled_from([
    "<tool_call>", "</tool_call>", "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "<think>",
    "</think>", "<|observation|>", "<|user|>", "<|endoftext|>", "<|assistant|>", "<tool_", "</arg_",
    "<|obs", "\n", " ", "  \n", "{", "}", '"', "probe", "s", "i", "get_current_time", "x y", "12",
    "true", "null", "中", "<", ">", " " * 33,
]) | st.text(max_size=4), max_size=30).map("".join)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS_PARSE
@given(data=st.data(), declared=st.booleans(),
       mode=st.sampled_from([None, "off", "auto", "started"]))
def test_any_chunking_of_tag_soup_gives_the_one_shot_result(fmt: str, data: st.DataObject,
                                                            declared: bool, mode: str | None) -> None:
    """Invariants 1-3 and 5 on adversarial text made of the formats' tags (feed_checked asserts
    the hold-back bound after every feed, tiling and the deltas at the end)."""
    text = data.draw(_SOUP)
    tools = STRATEGY_TOOLS if declared else None
    options = {} if mode is None else {"reasoning": mode}
    whole = comparable(streamparse.parse(text, fmt, tools, **options))
    cuts = data.draw(cuts_for(text))
    assert comparable(parse_chunks(split_with_empties(text, cuts), fmt, tools, **options)) == whole
    per_char = [piece for char in text for piece in (char, "")]
    assert comparable(parse_chunks(per_char, fmt, tools, **options)) == whole


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_rendered_calls_parse_back(fmt: str, data: st.DataObject) -> None:
    """Invariant 6 for values that match their declared types (strings holding no structural
    closing sequence), whole and streamed."""
    render = RENDERERS[fmt][2]
    calls = []
    for _ in range(data.draw(st.integers(1, 3))):
        arguments = data.draw(st.fixed_dictionaries({}, optional={
            "city": st.text(max_size=12).filter(lambda s: "</" not in s and "<|" not in s),
            "days": st.integers(-10**6, 10**6)}))
        name = data.draw(st.sampled_from(["get_weather", "get_current_time"]))
        calls.append({"name": name, "arguments": arguments if name == "get_weather" else {}})
    text = render(to_calls(calls))
    for result in (streamparse.parse(text, fmt, WEATHER),
                   parse_chunks(split_with_empties(text, data.draw(cuts_for(text))), fmt, WEATHER)):
        assert [(c.name, c.arguments) for c in result.tool_calls] == [
            (c["name"], c["arguments"]) for c in calls]
        assert result.errors == [] and result.content == ""


def test_the_hold_back_is_what_may_begin_markup() -> None:
    """Invariant 3: what is held is whitespace that may precede a call and what may begin
    <tool_call> (or a special token), nothing else."""
    parser = StreamParser("glm45", reasoning="off")
    assert [e.text for e in parser.feed("Hi <tool_")] == ["Hi"]
    assert parser.held_back == len(" <tool_") and parser.hold_back_problem() is None
    assert [e.text for e in parser.feed("x> ok ")] == [" <tool_x> ok"]
    assert parser.held_back == 1 and parser.hold_back_problem() is None  # the trailing space
    assert [e.text for e in parser.feed("<|obs")] == [] and parser.held_back == 6
    assert [e.text for e in parser.feed("cure")] == [" <|obscure"]


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS_PARSE
@given(data=st.data(), lag=st.integers(0, 5), declared=st.booleans())
def test_tag_soup_with_token_ids_keeps_the_invariants(fmt: str, data: st.DataObject, lag: int,
                                                      declared: bool) -> None:
    """Tag soup as token-like deltas, some special tokens only as ids (alone or merged into the
    delta before), any text_lag: tiling, framing, bounded hold-back and argument deltas hold
    (feed_checked). With a lag, nothing follows a skipped turn-ending token (a stop token), as
    in a real stream: text after it would stand where the lag puts the token."""
    pieces = data.draw(st.lists(st.sampled_from([*IDS, "<tool_call>", "</tool_call>", "<arg_key>",
                                                 "</arg_key>", "<arg_value>", "</arg_value>", "<think>",
                                                 "</think>", "\n", " ", "probe", "s", "x y", "12", "中"])
                                | st.text(max_size=3), max_size=25))
    deltas: list[str] = []
    ids: list[list[int]] = []
    for piece in pieces:
        if piece in IDS and data.draw(st.booleans()):
            if deltas and data.draw(st.booleans()):
                ids[-1] = [*ids[-1], IDS[piece]]
            else:
                deltas.append("")
                ids.append([IDS[piece]])
            if piece != "<|assistant|>" and lag:
                break
        else:
            for token in token_like_deltas(piece) or [piece]:
                deltas.append(token)
                ids.append([1])
    feed_checked(deltas, fmt, STRATEGY_TOOLS if declared else None, ids=ids, text_lag=lag)
