"""Contract v2's options, for every format of the registry: the reasoning channel in its three
modes, ``calls=False``, ``max_calls=`` and ``require_call=``; golden cases, then properties that
relate each option to the plain parse of the same response, fed in random chunks through
``feed_checked`` (tiling, hold-back, argument deltas)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streamparse
from helpers import check_case, comparable, parse_chunks, split_at
from strategies import response_strategies
from streamparse import ParseResult
from streamparse.prompts import render_assistant_calls

SCALE = 10 if os.environ.get("STREAMPARSE_HYPOTHESIS") == "thorough" else 1
SETTINGS = settings(max_examples=150 * SCALE, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
RESPONSES = response_strategies()
FORMATS = streamparse.formats()
MODES = ["auto", "started", "off"]
REASONING_TEXT = st.text(st.sampled_from(list("abc xyz.,:{}[]\"'\\<>|/-_中🙂\t\n")), max_size=40).filter(
    lambda r: "think>" not in r and "Action:" not in r and r.strip("\n") == r and r.strip()
)


def test_every_format_has_a_response_strategy():
    assert sorted(RESPONSES) == FORMATS


def result(text, fmt, **options):
    return check_case(text, fmt, **options)


def calls_text(fmt, *arguments, name="a"):
    """The format's own text for calls of ``name`` with these arguments (its prompt renderer
    writes what the model writes)."""
    return render_assistant_calls(fmt, [{"name": name, "arguments": a} for a in arguments])


def default_reasoning(fmt):
    return streamparse.StreamParser(fmt).reasoning


# ---- golden cases -----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_default_reasoning_is_the_formats_and_off_leaves_think_tags_as_text(fmt):
    expected = {"hermes": "auto", "qwen3_coder": "auto", "glm45": "auto", "glm47": "started"}
    assert default_reasoning(fmt) == expected.get(fmt, "off")  # contract v2, "Reasoning sections"
    r = result("<think>x</think>\nHi", fmt, reasoning="off")
    assert (r.reasoning, "<think>x</think>" in r.content) == ("", True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_auto_reasoning_section_and_its_framing(fmt):
    r = result("  \n<think>\n\nweighing it\n</think>\n\nDone.", fmt, reasoning="auto")
    assert (r.reasoning, r.content) == ("weighing it", "Done.")


@pytest.mark.parametrize("fmt", FORMATS)
def test_auto_think_after_text_is_text_and_a_stray_close_is_framing(fmt):
    r = result("\nFine <think>no</think>  ok", fmt, reasoning="auto")
    assert r.reasoning == "" and r.content.endswith("Fine <think>nook")


@pytest.mark.parametrize("fmt", FORMATS)
def test_started_reasoning(fmt):
    r = result("\nthe prompt opened it\n</think>\n\nDone.", fmt, reasoning="started")
    assert (r.reasoning, r.content) == ("the prompt opened it", "Done.")
    r = result("<think>\nagain\n</think>Done.", fmt, reasoning="started")
    assert (r.reasoning, r.content) == ("again", "Done.")


@pytest.mark.parametrize("fmt", FORMATS)
def test_reasoning_never_closed(fmt):
    r = result("<think>\nstill thinking\n", fmt, reasoning="auto")
    assert (r.reasoning, r.content) == ("still thinking\n", "")


def test_qwen2_call_inside_reasoning_ends_it():
    text = '<think>\nI should look.\nAction: a\nAction Input: {"x": 1}\n</think>\nDone'
    r = result(text, "qwen2", reasoning="auto")
    assert r.reasoning == "I should look."
    assert [(c.name, c.arguments) for c in r.tool_calls] == [("a", {"x": 1})]
    assert r.content == "\nDone"  # the later </think> is framing, with the whitespace after it


def test_glm4_nothing_inside_reasoning_opens_a_call_and_glm_z1_calls_after_it():
    r = result('<think>a\n{"x": 1}</think>\nget_weather\n{"city": "北京"}', "glm4", reasoning="auto")
    assert r.reasoning == 'a\n{"x": 1}'
    assert [(c.name, c.arguments) for c in r.tool_calls] == [("get_weather", {"city": "北京"})]


@pytest.mark.parametrize("fmt", FORMATS)
def test_think_inside_arguments_is_data(fmt):
    r = result("<think>r</think>" + calls_text(fmt, {"x": "</think>"}), fmt, reasoning="auto")
    assert [c.arguments for c in r.tool_calls] == [{"x": "</think>"}]


@pytest.mark.parametrize(("prompt", "mode"), [
    ("<|im_start|>assistant\n<think>\n", "started"),
    ("<|im_start|>assistant\n<think>\n\n</think>\n\n", "off"),
    ("<|im_start|>assistant\n", "auto"),
    ("[gMASK]<sop><|user|>\nhi<|assistant|>", "auto"),
    ("...<think>  \t\n", "started"),
])
def test_reasoning_for_prompt(prompt, mode):
    assert streamparse.reasoning_for_prompt(prompt) == mode


@pytest.mark.parametrize("fmt", FORMATS)
def test_calls_false_leaves_call_markup_as_text(fmt):
    call = calls_text(fmt, {"x": 1})
    r = result(call, fmt, calls=False, reasoning="off")
    assert (r.tool_calls, r.errors, r.content) == ([], [], call)
    r = result("<think>t</think>" + call, fmt, calls=False, reasoning="auto")
    assert (r.reasoning, r.tool_calls, r.content) == ("t", [], call)


@pytest.mark.parametrize("fmt", FORMATS)
def test_max_calls(fmt):
    text = calls_text(fmt, *({"n": f"v{n}"} for n in range(3)))  # strings: XML formats type by schema
    for limit in (0, 1, 2, 3):
        r = result(text, fmt, max_calls=limit)
        assert [c.arguments["n"] for c in r.tool_calls] == [f"v{n}" for n in range(min(limit, 3))]
        over = [e for e in r.errors if "more than" in e.message]
        assert len(over) == 3 - min(limit, 3) and all(e.index is None for e in over)


def test_max_calls_does_not_count_unknown_tools():
    text = 'Action: b\nAction Input: {}\nAction: a\nAction Input: {}'
    r = result(text, "qwen2", tools=[{"name": "a"}], max_calls=1)
    assert [c.name for c in r.tool_calls] == ["a"] and "unknown tool" in r.errors[0].message


@pytest.mark.parametrize("fmt", FORMATS)
def test_require_call(fmt):
    r = result("Just text.", fmt, require_call=True)
    assert [(e.index, e.name, e.message) for e in r.errors] == [(None, None, "no tool call")]
    assert result(calls_text(fmt, {}), fmt, require_call=True).errors == []


@pytest.mark.parametrize(("option", "value"), [
    ("reasoning", "on"), ("reasoning", True), ("calls", "yes"), ("max_calls", -1),
    ("max_calls", 1.5), ("require_call", 1), ("validate", True),
])
def test_bad_option_values_raise_naming_them(option, value):
    with pytest.raises(ValueError, match=option):
        streamparse.StreamParser("qwen2", **{option: value})


# ---- properties over the registry --------------------------------------------------------

def _chunks(data, text):
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=10))
    return split_at(text, cuts)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_reasoning_prefix_is_separated_and_the_rest_parses_as_before(fmt, data):
    response, _ = data.draw(RESPONSES[fmt]())
    response = response.lstrip(" \t\r\n")
    reasoning = data.draw(REASONING_TEXT)
    mode = data.draw(st.sampled_from(["auto", "started"]))
    head = ("<think>\n" if mode == "auto" else "\n") + reasoning + "\n</think>\n\n"
    tools = data.draw(st.sampled_from([None, RESPONSES_TOOLS[fmt]]))
    text = head + response
    got = parse_chunks(_chunks(data, text), fmt, tools, reasoning=mode)
    plain = streamparse.parse(response, fmt, tools=tools)
    assert got.reasoning == reasoning
    assert comparable(got) == {**comparable(plain), "reasoning": reasoning}  # (never empty here)
    assert comparable(streamparse.parse(text, fmt, tools=tools, reasoning=mode)) == comparable(got)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
@SETTINGS
@given(data=st.data())
def test_every_mode_keeps_the_invariants_on_any_response(fmt, mode, data):
    response, _ = data.draw(RESPONSES[fmt]())
    prefix = data.draw(st.sampled_from(["", "<think>", "<think>\n", "</think>", "\n<think>x</think>\n"]))
    text = prefix + response
    whole = streamparse.parse(text, fmt, reasoning=mode)
    assert comparable(parse_chunks(_chunks(data, text), fmt, None, reasoning=mode)) == comparable(whole)
    assert whole.reasoning == "" or mode != "off"


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_calls_false_gives_no_calls(fmt, data):
    response, _ = data.draw(RESPONSES[fmt]())
    got = parse_chunks(_chunks(data, response), fmt, None, calls=False)
    assert got.tool_calls == [] and got.errors == []


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data(), limit=st.integers(0, 3))
def test_max_calls_keeps_the_first_n_calls(fmt, data, limit):
    response, spec = data.draw(RESPONSES[fmt]())
    tools = spec["tools"]
    plain = streamparse.parse(response, fmt, tools=tools)
    got = parse_chunks(_chunks(data, response), fmt, tools, max_calls=limit)
    kept = [(c.name, c.arguments) for c in plain.tool_calls][:limit]
    assert [(c.name, c.arguments) for c in got.tool_calls] == kept
    over = [e for e in got.errors if e.message.startswith("more than")]
    assert len(over) == len(plain.tool_calls) - len(kept)
    assert got.content == plain.content


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_require_call_adds_one_error_only_without_a_call(fmt, data):
    response, spec = data.draw(RESPONSES[fmt]())
    plain = streamparse.parse(response, fmt, tools=spec["tools"])
    got = parse_chunks(_chunks(data, response), fmt, spec["tools"], require_call=True)
    extra = [] if plain.tool_calls else [(None, None, "", "no tool call")]
    assert comparable(got)["errors"] == comparable(plain)["errors"] + extra


def test_reasoning_events_stream_before_the_section_closes():
    parser = streamparse.StreamParser("qwen2", reasoning="auto")
    events = parser.feed("<think>\nfirst thoughts")
    assert [(e.type, e.text) for e in events] == [("reasoning", "first thoughts")]
    assert ParseResult.from_events(events + parser.feed(" more</think>ok") + parser.close()).content == "ok"


RESPONSES_TOOLS = {fmt: [{"name": "get_current_weather"}] for fmt in FORMATS}


# ---- regressions found in review ---------------------------------------------------------

@pytest.mark.parametrize(("text", "fmt", "options", "reasoning", "content"), [
    # calls=False: call markup inside reasoning is reasoning text
    ("hmm\nAction: f\nAction Input: {}\n</think>done", "qwen2", {"reasoning": "started", "calls": False},
     "hmm\nAction: f\nAction Input: {}", "done"),
    # the newline before a call opener inside reasoning is framing however the text is split
    ("a\nAction: f\nAction Input: {}", "qwen2", {"reasoning": "started"}, "a", ""),
    # more whitespace before <think> than the bound holds: text, however it is split
    (" " * 129 + "<think>r</think>ok", "qwen2", {"reasoning": "auto"}, "", " " * 129 + "<think>rok"),
    # a long run of newlines before </think>: at most the bound's worth of them are framing
    ("<think>a" + "\n" * 129 + "</think>ok", "qwen2", {"reasoning": "auto"}, "a" + "\n" * 10, "ok"),
    ("\n" * 129, "qwen2", {"reasoning": "started"}, "", ""),
    ("hi\nAction: " + "n" * 116 + "</think>x", "qwen2", {"reasoning": "auto"}, "",
     "hi\nAction: " + "n" * 116 + "x"),
])
def test_reasoning_regressions(text, fmt, options, reasoning, content):
    r = check_case(text, fmt, **options)
    assert (r.reasoning, r.content) == (reasoning, content)


def test_glm4_ids_reach_the_format_while_the_reasoning_layer_holds_text():
    parser = streamparse.StreamParser("glm4", reasoning="auto")
    events = parser.feed(" ", [13]) + parser.feed("", [151338])
    events += parser.feed('get_current_weather\n{"a": 1}', [5, 6, 7]) + parser.close()
    result = ParseResult.from_events(events)
    assert result.tool_calls == [] and "get_current_weather" in result.content  # the turn ended


def test_qwen2_fenced_word_is_a_value_not_a_language():
    r = check_case("Action: get_current_weather\nAction Input: ```Boston```\nok", "qwen2")
    assert [(e.raw, "JSON object" in e.message) for e in r.errors] == [("Boston", True)]


# ---- feed()'s fast paths against the general path -----------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_fixed_size_deltas_take_the_fast_paths_and_agree(fmt, mode):
    """Deltas of 2 to 9 characters, cut at every alignment, take feed()'s fast paths (running text, text ending in
    whitespace, reasoning text, JSON strings, XML values, the reasoning layer stepping aside):
    each size parses as the whole text does, with the invariants checked after every feed."""
    call = calls_text(fmt, {
        "city": "Paris, \"old\" town", "note": "line one\nline two  \n end \\ 中文",
        "q": 'a"}{[x\\"]', "n": [1, {"b": "c"}], "z": 'a"}',
    })  # fmt: skip
    text = (
        "<think>step one\nstep two\n\n</think>\n\nThe answer is  \nhere, \t"
        + call + "\nDone. Then  more text\n\nand an end \n"
    )
    whole = comparable(streamparse.parse(text, fmt, reasoning=mode))
    for size in range(2, 10):
        for offset in range(size):  # every alignment of the cuts
            chunks = [text[:offset]] + [text[at : at + size] for at in range(offset, len(text), size)]
            assert comparable(parse_chunks(chunks, fmt, reasoning=mode)) == whole, (size, offset)
