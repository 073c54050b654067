"""Format ``hermes``: its prompt renderer byte for byte against Qwen3's and Qwen2.5's chat templates,
the failure modes of other parsers as regressions (``../shared/reference/failure-modes.md``), and
properties of its own (the fast path against the held fallback, round trips).

The templates (tests/data/templates/, see the README there) are rendered the way transformers'
``apply_chat_template`` does: an ImmutableSandboxedEnvironment with ``trim_blocks`` and
``lstrip_blocks``, the loopcontrols extension, and transformers' ``tojson`` (``json.dumps`` with
non-ASCII kept). They are given what the renderer's docstring says: tools as written (bare ones
wrapped OpenAI-style), ``reasoning_content`` only when not empty, call arguments as the caller
gave them (to Qwen2.5's template always as the dict, as vLLM hands it over).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strategies_hermes
import streamparse
from helpers import chat_template, check_case, comparable, feed_checked, parse_chunks
from strategies import cuts_for, raw_arguments, split_with_empties
from streamparse.families._render import PromptError, to_calls, to_messages
from streamparse.families.qwen import hermes
from streamparse.prompts import render_assistant_calls

TEMPLATES = Path(__file__).parent / "data" / "templates"
TEMPLATE_FILES = {"qwen3": "qwen3", "qwen2.5": "qwen2.5-instruct"}


TEMPLATE = {variant: chat_template(TEMPLATES / f"{name}.chat_template.jinja")
            for variant, name in TEMPLATE_FILES.items()}


def _wrapped(tool: dict[str, Any]) -> dict[str, Any]:
    return tool if "function" in tool and "name" not in tool else {"type": "function", "function": tool}


def _template_messages(messages: list[dict[str, Any]], variant: str) -> list[dict[str, Any]]:
    items = []
    for message in messages:
        item: dict[str, Any] = {"role": message["role"], "content": message.get("content") or ""}
        if message.get("reasoning_content"):
            item["reasoning_content"] = message["reasoning_content"]
        if message.get("tool_calls"):
            calls = []
            for call in message["tool_calls"]:
                function = dict(call["function"])
                if variant == "qwen2.5" and isinstance(function["arguments"], str):
                    function["arguments"] = json.loads(function["arguments"])
                calls.append({**call, "function": function})
            item["tool_calls"] = calls
        items.append(item)
    return items


def official(tools: list[dict[str, Any]] | None, messages: list[dict[str, Any]], variant: str = "qwen3",
             add_generation_prompt: bool = True, enable_thinking: bool | None = None) -> str:
    context: dict[str, Any] = {
        "messages": _template_messages(messages, variant),
        "tools": [_wrapped(t) for t in tools] if tools is not None else None,
        "add_generation_prompt": add_generation_prompt,
        "bos_token": "",
        "eos_token": "",
    }
    if enable_thinking is not None:
        context["enable_thinking"] = enable_thinking
    return str(TEMPLATE[variant].render(**context))


def ours(tools: list[dict[str, Any]] | None, messages: list[dict[str, Any]], variant: str = "qwen3",
         add_generation_prompt: bool = True, enable_thinking: bool | None = None) -> str:
    return hermes.render_prompt(
        tools, to_messages(messages), add_generation_prompt=add_generation_prompt,
        variant=None if variant == "qwen3" else variant, enable_thinking=enable_thinking,
    )


def call(name: str, arguments: Any, id: str = "call_0") -> dict[str, Any]:
    return {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}


# ---- the renderer: the shared folder's example renderings -----------------------------------


@pytest.mark.parametrize("variant", ["qwen3", "qwen2.5"])
def test_the_example_conversation_renders_as_the_reference_rendering(variant: str) -> None:
    name = TEMPLATE_FILES[variant]
    example = json.loads((TEMPLATES / f"{name}.example-input.json").read_text(encoding="utf-8"))
    expected = (TEMPLATES / f"{name}.example.txt").read_text(encoding="utf-8")
    tools, messages = example["tools"], example["messages"]
    assert ours(tools, messages, variant) == expected
    assert official(tools, messages, variant) == expected  # the harness renders as the reference did


# ---- the renderer against the templates, case by case ----------------------------------------

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Wetter für eine Stadt — 天气 \"quoted\" \\ backslash",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
BARE = {"name": "web.search", "description": "a bare function dict", "parameters": {"type": "object"}}

CONVERSATIONS: dict[str, tuple[list[dict[str, Any]] | None, list[dict[str, Any]]]] = {
    "plain, no system": (None, [{"role": "user", "content": "Hi"}]),
    "system without tools": (None, [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]),
    "system with tools": ([WEATHER, BARE], [{"role": "system", "content": "Be brief."},
                                            {"role": "user", "content": "Weather in 北京?"}]),
    "calls with content, results, answer": ([WEATHER], [
        {"role": "user", "content": "Weather in Paris and Zürich?"},
        {"role": "assistant", "content": "Let me check.", "tool_calls": [
            call("get_weather", {"city": "Paris"}), call("get_weather", '{"city":"Zürich"}', "call_1")]},
        {"role": "tool", "content": "18 C"},
        {"role": "tool", "content": '{"t": 12}'},
        {"role": "assistant", "content": "Paris 18, Zürich 12."},
        {"role": "user", "content": "Thanks"},
    ]),
    "reasoning of earlier turns dropped": ([WEATHER], [
        {"role": "user", "content": "First?"},
        {"role": "assistant", "content": "One.", "reasoning_content": "\nold thought\n"},
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": "", "reasoning_content": "need the tool",
         "tool_calls": [call("get_weather", {"city": "Oslo"})]},
        {"role": "tool", "content": "cold"},
        {"role": "assistant", "content": "\nIt is cold.", "reasoning_content": "answer now"},
    ]),
    "think tags in content split": (None, [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nA"},
    ]),
    "tool response user message is not a query": ([WEATHER], [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "", "tool_calls": [call("get_weather", {})]},
        {"role": "user", "content": "<tool_response>\nx\n</tool_response>"},
        {"role": "assistant", "content": "done", "reasoning_content": "r"},
    ]),
    "system in the middle": (None, [{"role": "user", "content": "a"}, {"role": "system", "content": "b"},
                                    {"role": "user", "content": "c"}]),
}


@pytest.mark.parametrize("variant", ["qwen3", "qwen2.5"])
@pytest.mark.parametrize("enable_thinking", [None, True, False])
@pytest.mark.parametrize("add_generation_prompt", [True, False])
@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_conversations_render_as_the_template_does(name: str, variant: str, enable_thinking: bool | None,
                                                   add_generation_prompt: bool) -> None:
    tools, messages = CONVERSATIONS[name]
    options = {"add_generation_prompt": add_generation_prompt, "enable_thinking": enable_thinking}
    assert ours(tools, messages, variant, **options) == official(tools, messages, variant, **options)


def test_thinking_off_closes_the_think_block_in_the_generation_prompt() -> None:
    messages = [{"role": "user", "content": "Hi"}]
    assert ours(None, messages, enable_thinking=False).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    assert ours(None, messages, enable_thinking=True).endswith("<|im_start|>assistant\n")
    assert ours(None, messages, "qwen2.5", enable_thinking=False).endswith("<|im_start|>assistant\n")


def test_earlier_reasoning_is_dropped_and_the_last_turns_kept() -> None:
    tools, messages = CONVERSATIONS["reasoning of earlier turns dropped"]
    prompt = ours(tools, messages)
    assert "old thought" not in prompt
    assert "<think>\nneed the tool\n</think>\n\n<tool_call>" in prompt
    assert prompt.endswith("<think>\nanswer now\n</think>\n\nIt is cold.<|im_end|>\n<|im_start|>assistant\n")


# ---- the renderer against the templates over generated conversations -------------------------

_CHARS = st.characters(blacklist_categories=("Cs",))
_TEXT = st.lists(
    st.text(_CHARS, max_size=8) | st.sampled_from(["\n", "\n\n", "<think>", "</think>", "<tool_call>",
                                                 "<tool_response>", "</tool_response>", " ", "中文"]),
    max_size=6,
).map("".join)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_CHARS, max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(_CHARS, max_size=6), children, max_size=3),
    max_leaves=8,
)
_ARGUMENTS = st.dictionaries(st.text(_CHARS, max_size=6), _JSON, max_size=3)
_NAMES = st.sampled_from(["get_weather", "web.search", "天气", "a b", "x-y"])


@st.composite
def _arguments(draw: Any) -> Any:
    value = draw(_ARGUMENTS)
    style = draw(st.sampled_from(["dict", "dumped", "compact"]))
    if style == "dict":
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":") if style == "compact" else None)


@st.composite
def _message(draw: Any) -> dict[str, Any]:
    role = draw(st.sampled_from(["user", "user", "assistant", "assistant", "tool", "tool", "system"]))
    content = draw(_TEXT)
    if role == "user" and draw(st.booleans()):
        content = f"<tool_response>{content}</tool_response>"
    message: dict[str, Any] = {"role": role, "content": content}
    if role == "assistant":
        if draw(st.booleans()):
            message["reasoning_content"] = draw(_TEXT)
        calls = draw(st.lists(st.tuples(_NAMES, _arguments()), max_size=3))
        if calls:
            message["tool_calls"] = [call(name, arguments, f"call_{i}") for i, (name, arguments) in enumerate(calls)]
    return message


_TOOL_LISTS = st.sampled_from([None, [], [WEATHER], [WEATHER, BARE], [BARE]])


@pytest.mark.parametrize("variant", ["qwen3", "qwen2.5"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tools=_TOOL_LISTS, messages=st.lists(_message(), min_size=1, max_size=8),
       enable_thinking=st.sampled_from([None, True, False]), add_generation_prompt=st.booleans())
def test_generated_conversations_render_as_the_template_does(variant: str, tools: Any, messages: list[Any],
                                                            enable_thinking: bool | None,
                                                            add_generation_prompt: bool) -> None:
    options = {"add_generation_prompt": add_generation_prompt, "enable_thinking": enable_thinking}
    assert ours(tools, messages, variant, **options) == official(tools, messages, variant, **options)


# ---- the renderer's pieces ------------------------------------------------------------------


def test_render_tools_is_the_system_turns_tool_part() -> None:
    prompt = ours([WEATHER, BARE], [{"role": "user", "content": "x"}])
    block = hermes.render_tools([WEATHER, BARE])
    assert prompt.startswith(f"<|im_start|>system\n{block}<|im_end|>\n")
    assert block.count("\n{\"type\": \"function\"") == 2
    assert hermes.render_tools([WEATHER], "qwen2.5") == hermes.render_tools([WEATHER])


def test_render_tool_results_is_the_user_turn_of_a_run_of_results() -> None:
    messages = [{"role": "user", "content": "q"},
                {"role": "assistant", "content": "", "tool_calls": [call("f", {}), call("g", {})]},
                {"role": "tool", "content": "1"}, {"role": "tool", "content": "2"}]
    results = hermes.render_tool_results(["1", "2"])
    assert results == "<|im_start|>user\n<tool_response>\n1\n</tool_response>\n<tool_response>\n2\n</tool_response><|im_end|>\n"
    assert ours(None, messages).endswith(results + "<|im_start|>assistant\n")
    assert hermes.render_tool_results([]) == ""


def test_render_assistant_calls_is_the_turn_the_template_writes() -> None:
    calls = [call("get_weather", {"city": "Paris"}), call("get_weather", '{"city":"Zürich"}', "call_1")]
    messages = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "Let me check.", "tool_calls": calls}]
    reply = hermes.render_assistant_calls(to_calls(calls), "Let me check.")
    assert reply == ('Let me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n'
                     '<tool_call>\n{"name": "get_weather", "arguments": {"city":"Zürich"}}\n</tool_call>')
    prompt = ours(None, messages, add_generation_prompt=False)
    assert prompt.endswith(f"<|im_start|>assistant\n<think>\n\n</think>\n\n{reply}<|im_end|>\n")
    assert hermes.render_assistant_calls([], "just text") == "just text"


@pytest.mark.parametrize("name", ['say"hi', "back\\slash", "tab\there"])
def test_a_name_the_template_would_break_is_refused(name: str) -> None:
    with pytest.raises(PromptError, match="cannot be written"):
        hermes.render_assistant_calls(to_calls([call(name, {})]))


def test_unknown_variant_and_bad_enable_thinking_are_refused_by_name() -> None:
    with pytest.raises(PromptError, match=r"unknown hermes prompt variant 'qwen4'.*'qwen3', 'qwen2.5'"):
        hermes.render_tools([WEATHER], "qwen4")
    with pytest.raises(PromptError, match="enable_thinking must be"):
        hermes.render_prompt(None, [], enable_thinking="no")  # type: ignore[arg-type]


def test_an_empty_conversation_is_the_tools_and_the_generation_prompt() -> None:
    """The templates index messages[0] and fail on an empty list; the renderer writes what they
    would for a conversation with no messages."""
    assert hermes.render_prompt(None, []) == "<|im_start|>assistant\n"
    assert hermes.render_prompt(None, [], variant="qwen2.5") == (
        f"<|im_start|>system\n{hermes.QWEN25_SYSTEM}<|im_end|>\n<|im_start|>assistant\n")
    assert hermes.render_prompt([WEATHER], []).startswith(f"<|im_start|>system\n{hermes.render_tools([WEATHER])}")


# ---- the parser: failure modes of other parsers, as regressions --------------------------------
# (../shared/reference/failure-modes.md; each asserts what contract v2 makes the correct result)

A1 = ('<tool_call>\n{"name": "multiply", "arguments": {"first_int": 5, "second_int": 42}}\n</tool_call>\n'
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Zürich", "days": [1, 2]}}\n</tool_call>')
A1_CALLS = [("multiply", {"first_int": 5, "second_int": 42}), ("get_weather", {"city": "Zürich", "days": [1, 2]})]
A_TOOLS = [{"name": "multiply"}, {"name": "get_weather"}]


def _calls(result: streamparse.ParseResult) -> list[tuple[str, Any]]:
    return [(c.name, c.arguments) for c in result.tool_calls]


def _per_character(text: str, tools: Any = None, **options: Any) -> list[Any]:
    return feed_checked([piece for char in text for piece in (char, "")], "hermes", tools, **options)


def test_f1_a_call_without_think_tags_in_auto_mode_is_a_call() -> None:
    """vLLM #17655: with reasoning on and no think tags, the call streamed as content."""
    text = '<tool_call>\n{"name":"f","arguments":{"a":1}}\n</tool_call>'
    for result in (check_case(text, "hermes", reasoning="auto"),
                   streamparse.ParseResult.from_events(_per_character(text, reasoning="auto"))):
        assert _calls(result) == [("f", {"a": 1})]
        assert result.content == "" and result.reasoning == ""


def test_f2_pre_opened_reasoning_without_the_open_tag() -> None:
    """vLLM #22507: Qwen3-Thinking-2507 writes no <think>; the prompt opened it."""
    result = check_case("reasoning…\n</think>\n\nAnswer", "hermes", reasoning="started")
    assert (result.reasoning, result.content) == ("reasoning…", "Answer")


def test_f3_a_prompt_that_closed_the_think_block_means_text() -> None:
    """vLLM #53284: the prompt ended with <think>\\n\\n</think>\\n\\n; the answer is text."""
    prompt = hermes.render_prompt(None, to_messages([{"role": "user", "content": "Hi"}]), enable_thinking=False)
    mode = streamparse.reasoning_for_prompt(prompt)
    assert mode == "off"
    result = check_case("Hello", "hermes", reasoning=mode)
    assert (result.content, result.reasoning) == ("Hello", "")
    assert check_case("Hello", "hermes").content == "Hello"  # the default, auto, agrees


def test_f20_text_before_and_after_a_call_in_order_streamed_as_one_shot() -> None:
    """sglang #40739: before<tool_call>…</tool_call>after lost "after" in one mode."""
    text = 'before<tool_call>{"name": "f", "arguments": {}}</tool_call>after'
    result = check_case(text, "hermes")
    assert result.content == "beforeafter" and _calls(result) == [("f", {})]
    events = [e for e in _per_character(text) if e.type != "tool_call_delta" and getattr(e, "text", "x")]
    kinds = [kind for kind, _ in itertools.groupby(e.type for e in events)]
    assert kinds == ["text", "tool_call_start", "tool_call_end", "text"]
    assert "".join(e.text for e in events if e.type == "text") == "beforeafter"


def test_f37_calls_false_leaves_the_markup_whole_as_text() -> None:
    """sglang #30925: with tool_choice=none markup leaked half-stripped."""
    text = f"Sure.\n{A1}\nDone"
    result = check_case(text, "hermes", A_TOOLS, calls=False)
    assert result.content == text and not result.tool_calls and not result.errors


@pytest.mark.parametrize("prefix", ["", "<think>\nmultiply 5 by 42\n</think>\n\n"])
def test_f39_streaming_and_one_shot_agree_on_every_key(prefix: str) -> None:
    """QwenLM/Qwen3 #1394: non-streaming lost a key of multiply(5, 42)."""
    result = check_case(prefix + A1, "hermes", A_TOOLS)
    assert _calls(result) == A1_CALLS


def test_f40_per_character_with_reasoning_pre_opened() -> None:
    """vLLM #31871, SGLang #9654: raw text instead of calls, parallel calls on Qwen3-Thinking."""
    text = "Two calls needed.\n</think>\n\n" + A1
    events = _per_character(text, A_TOOLS, reasoning="started")
    result = streamparse.ParseResult.from_events(events)
    assert _calls(result) == A1_CALLS
    assert result.reasoning == "Two calls needed." and result.content == ""


def test_f41_array_of_objects_and_no_markup_in_text() -> None:
    """llama.cpp #21771: array<object> values failed and partial markup reached the client."""
    text = '<tool_call>\n{"name":"f","arguments":{"items":[{"a":1},{"b":[2,3]}]}}\n</tool_call>'
    events = _per_character(text)
    assert _calls(streamparse.ParseResult.from_events(events)) == [("f", {"items": [{"a": 1}, {"b": [2, 3]}]})]
    assert all(e.text == "" for e in events if e.type == "text")


def test_f42_max_calls_one_makes_the_second_call_an_error_that_never_starts() -> None:
    """sglang #9696: parallel_tool_calls=false ignored."""
    events = _per_character(A1, A_TOOLS, max_calls=1)  # feed_checked checks the tiling
    result = streamparse.ParseResult.from_events(events)
    assert _calls(result) == A1_CALLS[:1]
    assert [(e.index, e.name) for e in result.errors] == [(None, "get_weather")]
    assert "more than 1 calls" in result.errors[0].message
    assert sum(e.type == "tool_call_start" for e in events) == 1


def test_f43_a_truncated_second_call_keeps_the_first() -> None:
    """sglang #30480: an opener cut right after <tool_call>, and one truncated call losing the
    earlier ones. Every cut inside the second call gives the first call and then an error."""
    second = A1.index("<tool_call>", 1)
    for cut in range(second + len("<tool_call>") + 2, len(A1) - len("}}\n</tool_call>")):
        result = streamparse.parse(A1[:cut], "hermes", A_TOOLS)
        assert _calls(result) == A1_CALLS[:1], cut
        assert len(result.errors) == 1 and "truncated" in result.errors[0].message, cut
    assert _calls(check_case(A1[: second + len("<tool_call>")], "hermes", A_TOOLS)) == A1_CALLS[:1]


def test_f4_a_call_inside_reasoning_is_a_call() -> None:
    """vLLM #39056 (hermes version): the call inside <think> ends the reasoning."""
    text = '<think>\nplan\n<tool_call>\n{"name": "Finish", "arguments": {"answer": 204}}\n</tool_call>\n</think>'
    result = check_case(text, "hermes")
    assert (result.reasoning, result.content, _calls(result)) == ("plan", "", [("Finish", {"answer": 204})])


def test_f7_a_call_with_the_think_close_missing() -> None:
    """llama.cpp #21118 (hermes version): </think> omitted before the call."""
    text = 'thinking…\n<tool_call>\n{"name": "f", "arguments": {"b": 1, "a": 2}}\n</tool_call>'
    result = check_case(text, "hermes", reasoning="started")
    assert (result.reasoning, _calls(result)) == ("thinking…", [("f", {"b": 1, "a": 2})])


# ---- the parser: when events come ---------------------------------------------------------------


def _feed_until(parser: Any, text: str, stop: str) -> tuple[list[Any], list[Any]]:
    """Feed ``text`` per character; the events up to the feed that brings ``stop``, and after."""
    at = text.index(stop) + len(stop)
    before = [e for char in text[:at] for e in parser.feed(char)]
    after = [e for char in text[at:] for e in parser.feed(char)] + parser.close()
    return before, after


def test_the_usual_call_starts_when_its_arguments_begin_and_streams_them() -> None:
    parser = streamparse.StreamParser("hermes")
    text = '<tool_call>\n{"name": "f", "arguments": {"a": "long text"}}\n</tool_call>'
    before, after = _feed_until(parser, text, '"arguments": {')
    assert [e.type for e in before] == ["tool_call_start", "tool_call_delta"] and before[0].name == "f"
    assert before[1].arguments_delta == "{"  # the arguments' first character, in the same feed
    deltas = [e.arguments_delta for e in after if e.type == "tool_call_delta"]  # one per feed
    assert len(deltas) == len('"a": "long text"}') and "".join(deltas) == '"a": "long text"}'


def test_another_wrapper_is_held_until_its_object_closes() -> None:
    parser = streamparse.StreamParser("hermes")
    text = '<tool_call>\n{"arguments": {"a": 1}, "name": "f"}\n</tool_call>'
    before, after = _feed_until(parser, text, '"name": "f"')
    assert before == []
    assert parser.hold_back_problem() is None
    assert [e.type for e in after][:3] == ["tool_call_start", "tool_call_delta", "tool_call_end"]
    assert after[2].raw_arguments == '{"a": 1}'


def test_a_tag_not_followed_by_a_brace_is_released_as_soon_as_known() -> None:
    parser = streamparse.StreamParser("hermes", reasoning="off")
    assert [e.text for e in parser.feed("See <tool_call>")] == ["See"]
    assert parser.held_back == len(" <tool_call>")  # a call may open: the space would be framing
    assert "".join(e.text for e in parser.feed("\n x")) == " <tool_call>\n x"
    assert parser.held_back == 0


def test_a_head_longer_than_the_bound_is_held_and_still_a_call() -> None:
    """Without declared tools a long name makes the head outgrow the hold-back bound: the
    wrapper is then held whole and decided at its "}", with the same result."""
    name = "n" * 200
    text = f'<tool_call>\n{{"name": "{name}", "arguments": {{"a": 1}}}}\n</tool_call>'
    result = check_case(text, "hermes")
    assert _calls(result) == [(name, {"a": 1})] and result.tool_calls[0].raw_arguments == '{"a": 1}'


# ---- the parser: properties -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_responses_with_reasoning_parse_to_what_was_written(data: st.DataObject) -> None:
    text, case = data.draw(strategies_hermes.responses(reasoning_section=True))
    cuts = data.draw(cuts_for(text))
    assert comparable(parse_chunks(split_with_empties(text, cuts), "hermes", case["tools"])) == case["expected"]
    assert comparable(streamparse.parse(text, "hermes", case["tools"])) == case["expected"]


_WRAPPERS = [
    '{{"name": {name}, "arguments": {raw}}}',
    '{{"arguments": {raw}, "name": {name}}}',
    '{{"name": {name}, "parameters": {raw}}}',
    '{{"id": 1, "name": {name}, "arguments": {raw}}}',
    '{{"name": {name}, "arguments": {raw}, "id": 1}}',
]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), pair=raw_arguments(), name=st.sampled_from(["f", "get_weather", "天气"]))
def test_every_wrapper_the_fallback_reads_gives_the_usual_calls_result(data: st.DataObject, pair: Any, name: str) -> None:
    arguments, raw = pair
    results = []
    for wrapper in _WRAPPERS:
        text = "<tool_call>\n" + wrapper.format(name=json.dumps(name), raw=raw) + "\n</tool_call>"
        cuts = data.draw(cuts_for(text))
        results.append(comparable(parse_chunks(split_with_empties(text, cuts), "hermes")))
    string_form = f'<tool_call>\n{{"name": {json.dumps(name)}, "arguments": {json.dumps(raw)}}}\n</tool_call>'
    results.append(comparable(streamparse.parse(string_form, "hermes")))
    assert results == [{"content": "", "tool_calls": [(0, name, arguments, raw)], "errors": []}] * len(results)


# ---- round trips --------------------------------------------------------------------------------

_CALL_NAMES = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda n: n == n.strip() and not {'"', "\\", "\n", "\r"} & set(n)
)
_CONTENT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="<"), max_size=30).filter(
    lambda c: c.strip(" \t\r\n") == c and "\r" not in c
)
_REPLY_ARGUMENTS = st.dictionaries(st.text(max_size=6), _JSON, max_size=4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), pairs=st.lists(st.tuples(_CALL_NAMES, _REPLY_ARGUMENTS), min_size=1, max_size=3),
       content=_CONTENT, thinking=st.sampled_from(["", "<think>\nplan it\n</think>\n\n"]), declared=st.booleans())
def test_rendered_calls_parse_back_whole_and_streamed(data: st.DataObject, pairs: Any, content: str,
                                                     thinking: str, declared: bool) -> None:
    calls = [call(name, arguments, f"call_{i}") for i, (name, arguments) in enumerate(pairs)]
    reply = render_assistant_calls("hermes", calls, content=content)
    tools = [{"name": name} for name in dict.fromkeys(n for n, _ in pairs)] if declared else None
    text = thinking + reply
    cuts = data.draw(cuts_for(text))
    for result in (streamparse.parse(text, "hermes", tools=tools),
                   parse_chunks(split_with_empties(text, cuts), "hermes", tools)):
        assert _calls(result) == pairs and not result.errors
        assert result.content == content and result.reasoning == ("plan it" if thinking else "")
    parsed = streamparse.parse(reply, "hermes", tools=tools)
    assert render_assistant_calls("hermes", parsed.tool_calls, content=content) == reply


def test_the_public_prompt_api_reaches_the_renderer() -> None:
    from streamparse.prompts import render_prompt, render_tool_results, render_tools

    tools, messages = CONVERSATIONS["calls with content, results, answer"]
    assert render_prompt("hermes", tools, messages) == official(tools, messages)
    assert render_prompt("hermes", tools, messages, variant="qwen2.5") == official(tools, messages, "qwen2.5")
    assert render_prompt("hermes", None, messages[:1], enable_thinking=False).endswith("<think>\n\n</think>\n\n")
    assert render_tools("hermes", tools) == hermes.render_tools(tools)
    assert render_tool_results("hermes", ["x"]) == hermes.render_tool_results(["x"])
    with pytest.raises(PromptError, match="no option 'lang'"):
        render_prompt("hermes", tools, messages, lang="zh")


_SOUP = st.lists(st.sampled_from([
    "<tool_call>", "</tool_call>", "<tool_call>\n{", "{", "}", "[", "]", '"name"', '"arguments"',
    '"parameters"', ":", ", ", '"get_weather"', '"f"', '"x</tool_call>"', '"a\\"b"', "\\", '"', "1",
    "NaN", "\n", " ", "\n\n", "<think>", "</think>", "<", "<tool", "text", "中文", '{"a": 1}',
    '{"name": "get_weather", "arguments": ', '{"arguments": {}, "name": "f"}',
]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), text=_SOUP, mode=st.sampled_from(["auto", "started", "off"]),
       tools=st.sampled_from([None, [{"name": "get_weather"}]]), max_calls=st.sampled_from([None, 1]))
def test_any_chunking_of_hermes_markup_soup_gives_the_one_shot_result(data: st.DataObject, text: str, mode: str,
                                                                     tools: Any, max_calls: int | None) -> None:
    options = {"reasoning": mode, "max_calls": max_calls}
    one_shot = comparable(streamparse.parse(text, "hermes", tools, **options))
    per_character = [piece for char in text for piece in (char, "")]
    assert comparable(parse_chunks(per_character, "hermes", tools, **options)) == one_shot
    cuts = data.draw(cuts_for(text))
    assert comparable(parse_chunks(split_with_empties(text, cuts), "hermes", tools, **options)) == one_shot
