"""Format ``qwen_agent``: the prompt renderer byte for byte against the prompts Qwen-Agent itself
builds (tests/data/qwen_agent/, made by its generate.py from the qwen-agent 0.0.34 release, see the
README there), the failure modes F44 and F45 of ``../shared/reference/failure-modes.md`` as
regressions, how a code block streams, round trips through the renderer, and properties of the
format's own (more examples than the registry-wide ones). The golden cases are
``tests/cases/qwen_agent/*.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_qwen_agent import code_texts, responses

import streamparse
from helpers import check_case, comparable, counter_ids, feed_checked, parse_chunks
from strategies import cuts_for, qwen2_names, raw_arguments, split_with_empties
from streamparse import ParseResult, StreamParser
from streamparse.families._render import PromptError, to_calls
from streamparse.families.qwen import qwen_agent
from streamparse.prompts import (
    render_assistant_calls,
    render_prompt,
    render_tool_results,
    render_tools,
)

DATA = Path(__file__).parent / "data" / "qwen_agent"
CONVERSATIONS: list[dict[str, Any]] = json.loads((DATA / "conversations.json").read_text("utf-8"))
GENERATED: list[dict[str, Any]] = [
    json.loads(line) for line in (DATA / "generated.jsonl").read_text("utf-8").splitlines() if line
]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
F, A = qwen_agent.FN_NAME, qwen_agent.FN_ARGS


def _variant(case: dict[str, Any]) -> str | None:
    return "parallel" if case["parallel"] else None


# ---- the prompt renderer --------------------------------------------------------------------


@pytest.mark.parametrize("case", CONVERSATIONS, ids=[c["id"] for c in CONVERSATIONS])
def test_prompt_is_qwen_agents_byte_for_byte(case: dict[str, Any]) -> None:
    want = (DATA / f"{case['id']}.prompt.txt").read_text(encoding="utf-8")
    got = render_prompt("qwen_agent", case["tools"], case["messages"], variant=_variant(case),
                        lang=case["lang"], add_generation_prompt=case["add_generation_prompt"])
    assert got == want


@pytest.mark.parametrize("case", [c for c in CONVERSATIONS if c["tools"]],
                         ids=[c["id"] for c in CONVERSATIONS if c["tools"]])
def test_tool_block_is_qwen_agents_byte_for_byte(case: dict[str, Any]) -> None:
    want = (DATA / f"{case['id']}.tools.txt").read_text(encoding="utf-8")
    assert render_tools("qwen_agent", case["tools"], variant=_variant(case), lang=case["lang"]) == want


def test_prompts_of_generated_conversations_are_qwen_agents_byte_for_byte() -> None:
    """60 conversations drawn at random (generate.py's ``random_case``): tools or none, both
    languages and variants, calls, parallel results, continuations, with and without a
    generation prompt, contents that end like ``✿RETURN✿: ``."""
    assert len(GENERATED) == 60
    failures = [
        case["id"] for case in GENERATED
        if render_prompt("qwen_agent", case["tools"], case["messages"], variant=_variant(case),
                         lang=case["lang"], add_generation_prompt=case["add_generation_prompt"])
        != case["prompt"]
    ]
    assert failures == []


def test_the_references_cover_both_languages_both_variants_and_the_history_rules() -> None:
    assert {(c["lang"], c["parallel"]) for c in CONVERSATIONS} == {
        ("en", False), ("en", True), ("zh", False), ("zh", True)}
    prompts = "".join((DATA / f"{c['id']}.prompt.txt").read_text("utf-8") for c in CONVERSATIONS)
    for piece in (f"{F}: ", f"{A}: ", "✿RESULT✿: ", "✿RETURN✿: ", "✿RETURN✿<|im_end|>",
                  "code_interpreter: ", "### Clock", "The tool has returned", "...<|im_end|>"):
        assert piece in prompts, piece


def test_default_is_english_and_not_parallel() -> None:
    tools = CONVERSATIONS[0]["tools"]
    assert render_tools("qwen_agent", tools) == render_tools("qwen_agent", tools, variant="default", lang="en")
    assert "## When you need to call a tool" in render_tools("qwen_agent", tools)


@pytest.mark.parametrize(("options", "message"), [
    ({"lang": "fr"}, "lang='fr'"),
    ({"variant": "nous"}, "'nous'"),
    ({"enable_thinking": True}, "no option 'enable_thinking'"),
])
def test_bad_prompt_options_raise_naming_them(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PromptError, match=message):
        render_prompt("qwen_agent", CONVERSATIONS[0]["tools"], [{"role": "user", "content": "hi"}], **options)


def test_a_tool_result_must_follow_an_assistant_turn() -> None:
    with pytest.raises(PromptError, match=r"messages\[1\]"):
        render_prompt("qwen_agent", CONVERSATIONS[0]["tools"],
                      [{"role": "user", "content": "hi"}, {"role": "tool", "content": "22"}])


def test_assistant_calls_and_results_as_qwen_agent_writes_them() -> None:
    calls = [{"name": "f", "arguments": {"a": 1}}, {"name": "g", "arguments": '{"b": 2}'}]
    assert render_assistant_calls("qwen_agent", calls, content="Let me see.") == (
        f'Let me see.\n{F}: f\n{A}: {{"a": 1}}\n{F}: g\n{A}: {{"b": 2}}')
    assert render_assistant_calls("qwen_agent", calls[:1]) == f'{F}: f\n{A}: {{"a": 1}}'
    assert render_tool_results("qwen_agent", ["22", ""]) == "\n✿RESULT✿: 22\n✿RESULT✿: \n✿RETURN✿: "


def test_the_prompt_of_a_pending_result_ends_at_return_and_needs_no_reasoning() -> None:
    messages = [{"role": "user", "content": "Weather?"},
                {"role": "assistant", "tool_calls": [{"name": "f", "arguments": {}}]},
                {"role": "tool", "content": "22"}]
    prompt = render_prompt("qwen_agent", [{"name": "f"}], messages)
    assert prompt.endswith("✿RESULT✿: 22\n✿RETURN✿<|im_end|>\n<|im_start|>assistant\n")
    assert streamparse.reasoning_for_prompt(prompt) == "auto"  # no think tags: "off" is the default


@SETTINGS
@given(
    calls=st.lists(st.tuples(qwen2_names, raw_arguments()), min_size=1, max_size=4),
    content=st.sampled_from(["", "Let me check.", "两个城市。\n", "Text with ✿FUNCTION✿: inside"]),
    reasoning=st.sampled_from(["off", "auto"]),
    data=st.data(),
)
def test_rendered_calls_parse_back_whole_and_streamed(calls, content, reasoning, data) -> None:
    """Invariant 6: ``parse(render_assistant_calls(calls))`` gives the calls back."""
    text = render_assistant_calls("qwen_agent", [{"name": n, "arguments": raw} for n, (_, raw) in calls],
                                  content=content)
    want = [(name, arguments) for name, (arguments, _) in calls]
    whole = streamparse.parse(text, "qwen_agent", reasoning=reasoning)
    assert [(c.name, c.arguments) for c in whole.tool_calls] == want
    assert whole.content == content.rstrip("\n")
    streamed = parse_chunks(split_with_empties(text, data.draw(cuts_for(text))), "qwen_agent",
                            reasoning=reasoning)
    assert comparable(streamed) == comparable(whole)


def test_round_trip_through_to_calls_keeps_raw_arguments() -> None:
    result = streamparse.parse(f'{F}: f\n{A}: {{"a":  1}}', "qwen_agent")
    text = render_assistant_calls("qwen_agent", result.tool_calls)
    assert text == f'{F}: f\n{A}: {{"a":  1}}'
    assert to_calls(result.tool_calls)[0].arguments == '{"a":  1}'


# ---- F44 and F45 --------------------------------------------------------------------------


def _events(chunks: list[str], tools: Any = None) -> list[Any]:
    return feed_checked(chunks, "qwen_agent", tools)


def test_f44_no_start_until_the_header_is_complete_then_raw_deltas_then_one_end() -> None:
    """Qwen-Agent PR #702 / #229: stream snapshots with an empty call. Fed per character, no
    event comes before the name line and ✿ARGS✿ are complete and the arguments begin; then the
    raw characters, then one end."""
    text = f'{F}: get_current_weather\n{A}: {{"location": "Boston"}}'
    parser = StreamParser("qwen_agent", id_factory=counter_ids())
    per_feed = [parser.feed(char) for char in text] + [parser.close()]
    first = next(i for i, events in enumerate(per_feed) if events)
    assert text[first] == "{"  # the first event comes with the arguments' first character
    events = [e for events in per_feed for e in events]
    assert [e.type for e in events[:1]] == ["tool_call_start"]
    assert events[0].name == "get_current_weather"
    deltas = [e.arguments_delta for e in events if e.type == "tool_call_delta"]
    assert "".join(deltas) == '{"location": "Boston"}' and all(deltas)
    assert [e.type for e in events].count("tool_call_end") == 1
    assert not [e for e in events if e.type in ("text", "tool_call_error")]
    assert _events(list(text))[-1].arguments == {"location": "Boston"}


def test_f45_deltas_are_a_prefix_monotone_raw_stream() -> None:
    """Qwen-Agent cuts a partial value at its last ``}``, so ``{"q": "use } carefully`` shows as
    ``{"q": "use }``. Here every delta extends the raw text; the value is whole at the end."""
    raw = '{"q": "use } carefully"}'
    events = _events(list(f"{F}: search\n{A}: {raw}"))
    streamed = ""
    for event in events:
        if event.type == "tool_call_delta":
            streamed += event.arguments_delta
            assert raw.startswith(streamed)
    assert streamed == raw
    assert events[-1].type == "tool_call_end" and events[-1].arguments == {"q": "use } carefully"}


# ---- code blocks ----------------------------------------------------------------------------


def test_a_code_block_streams_the_json_it_builds_and_holds_only_what_may_close_it() -> None:
    parser = StreamParser("qwen_agent", id_factory=counter_ids())
    # the first non-whitespace character of the block decides: a JSON object or code
    assert parser.feed(f"{F}: code_interpreter\n{A}: ```py\n") == []
    steps = []
    for piece in ["p", 'rint("hi")', "\n", "`", "``"]:
        events = parser.feed(piece)
        assert parser.hold_back_problem() is None
        steps.append(([e.type for e in events],
                      "".join(e.arguments_delta for e in events if e.type == "tool_call_delta")))
    assert steps == [
        (["tool_call_start", "tool_call_delta"], '{"code": "p'),
        (["tool_call_delta"], 'rint(\\"hi\\")'),
        ([], ""),  # a newline may come right before the closing fence (framing)
        ([], ""),
        (["tool_call_delta", "tool_call_end"], '"}'),
    ]
    result = streamparse.parse(f'{F}: code_interpreter\n{A}: ```py\nprint("hi")\n```', "qwen_agent")
    assert result.tool_calls[0].raw_arguments == '{"code": "print(\\"hi\\")"}'
    assert result.tool_calls[0].arguments == {"code": 'print("hi")'}


def test_backticks_inside_code_that_do_not_close_it_are_content() -> None:
    result = check_case(f"{F}: code_interpreter\n{A}: ```\na = `x` + ``y``\n```", "qwen_agent")
    assert result.tool_calls[0].arguments == {"code": "a = `x` + ``y``"}


@SETTINGS
@given(code=code_texts, language=st.sampled_from(["", "py", "python"]), data=st.data())
def test_code_arguments_are_the_json_of_the_content(code, language, data) -> None:
    text = f"{F}: code_interpreter\n{A}: ```{language}\n{code}\n```"
    cuts = data.draw(cuts_for(text))
    result = parse_chunks(split_with_empties(text, cuts), "qwen_agent")
    (call,) = result.tool_calls
    assert call.arguments == {"code": code}
    assert call.raw_arguments == json.dumps({"code": code}, ensure_ascii=False)
    assert json.loads(call.raw_arguments) == call.arguments


# ---- framing and hold-back ------------------------------------------------------------------


def test_trailing_whitespace_of_text_is_held_until_known() -> None:
    parser = StreamParser("qwen_agent", id_factory=counter_ids())
    assert [e.text for e in parser.feed("Let me check. ")] == ["Let me check."]
    assert parser.held_back == 1
    assert [e.text for e in parser.feed("More")] == [" More"]
    events = parser.feed(f"\n{F}: f\n{A}: {{}}\n") + parser.close()
    assert ParseResult.from_events(events).content == ""
    assert [e.type for e in events] == ["tool_call_start", "tool_call_delta", "tool_call_end", "text"]


def test_a_long_name_line_is_searched_once_not_per_delta() -> None:
    parser = StreamParser("qwen_agent", tools=[{"name": "n" * 100}])
    parser.feed(f"{F}: ")
    for _ in range(100):
        parser.feed("n")
        assert parser.hold_back_problem() is None
    events = parser.feed(f"\n{A}: {{}}") + parser.close()
    assert [e.type for e in events][-1] == "tool_call_end"


# ---- the format's own properties --------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_well_formed_responses_parse_to_what_was_written(data) -> None:
    text, case = data.draw(responses())
    chunks = data.draw(st.sampled_from(["random", "chars", "whole"]))
    if chunks == "chars":
        pieces = [p for char in text for p in (char, "")]
    elif chunks == "whole":
        pieces = [text]
    else:
        pieces = split_with_empties(text, data.draw(cuts_for(text)))
    assert comparable(parse_chunks(pieces, "qwen_agent", case["tools"])) == case["expected"]


@SETTINGS
@given(data=st.data(), reasoning=st.sampled_from(["auto", "started"]))
def test_a_reasoning_prefix_is_separated_and_the_rest_parses_as_before(data, reasoning) -> None:
    text, case = data.draw(responses())
    thought = data.draw(st.text(st.sampled_from(list("abc xyz.,:{}\"中🙂")), min_size=1, max_size=20))
    thought = thought.strip() or "x"
    prefix = f"<think>\n{thought}\n</think>\n\n" if reasoning == "auto" else f"{thought}\n</think>\n\n"
    full = prefix + text
    result = parse_chunks(split_with_empties(full, data.draw(cuts_for(full))), "qwen_agent",
                          case["tools"], reasoning=reasoning)
    expected = dict(case["expected"], reasoning=thought)
    if not text.startswith(F):  # whitespace right after </think> is framing
        expected["content"] = expected["content"].lstrip(" \t\r\n")
    assert comparable(result) == expected
