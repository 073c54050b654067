"""Format ``qwen3_coder``: the failure modes other parsers have shown (F4-F22 of the project's
failure list that concern Qwen's XML calls) as regressions, under every chunking (``check_case``:
whole, per character, with empty deltas, at random cuts, the invariants checked after every feed);
then the prompt renderer against the chat templates (tests/data/templates_xml): the shared
example renderings byte for byte, and the templates themselves rendered with jinja2 (as
transformers does) over fixed and generated conversations; and the round trip of
``render_assistant_calls`` through the parser (invariant 6), whole and streamed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2.ext
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strategies_qwen3_coder
import streamparse
from helpers import chat_template, check_case, feed_checked, split_at
from streamparse.families._render import PromptError, to_calls, to_messages
from streamparse.families.qwen import qwen3_coder

FMT = "qwen3_coder"


def test_registered() -> None:
    assert streamparse.StreamParser(FMT).format_name == FMT and FMT in streamparse.formats()


def summary(text: str, tools: Any = None, **options: Any) -> tuple[str, str, list[Any], list[Any]]:
    r = check_case(text, FMT, tools, **options)
    return r.content, r.reasoning, [(c.name, c.arguments) for c in r.tool_calls], [(e.index, e.name, e.message) for e in r.errors]


def tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": properties}}}


def xml_call(name: str, *members: tuple[str, str], wrapper: bool = True) -> str:
    body = f"<function={name}>\n" + "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in members) + "</function>"
    return f"<tool_call>\n{body}\n</tool_call>" if wrapper else body


READ_FILE = tool("read_file", {"path": {"type": "string"}, "limit": {"type": "integer"}})
EDIT = tool("edit", {"path": {"type": "string"}, "old": {"type": "string"}, "new": {"type": "string"}})
B1 = "The user wants lines 10-30.\n</think>\n\n" + xml_call("read_file", ("path", "src/main.py"), ("limit", "20"))
"""The contract's example (a Qwen3.5 reply, its prompt having opened <think>)."""
B2_OLD = '    def f(x):\n        return "</parameter>"\n\n'
B2 = xml_call("edit", ("path", "a.py"), ("old", B2_OLD), ("new", "\tpass\n"))
"""A code edit: indentation, a blank last line, a literal </parameter> inside the value."""
B3_TOOL = tool("lookup", {"zip": {"type": "string"}, "exact": {"type": "boolean"}, "n": {"type": "integer"}})
B3 = xml_call("lookup", ("zip", "02139"), ("exact", "True"), ("n", "32"))


# ---- reasoning and detection (F4-F8) ---------------------------------------------------------


def test_f4_a_call_inside_reasoning_is_a_call() -> None:
    text = "<think>\nplan\n" + xml_call("Finish", ("answer", "204")) + "\n</think>"
    assert summary(text, reasoning="auto") == ("", "plan", [("Finish", {"answer": "204"})], [])


def test_f5_think_close_is_framing_never_content() -> None:
    text = "a</think>\n\nb" + xml_call("f", ("x", "1"))
    assert summary(text, reasoning="started") == ("b", "a", [("f", {"x": "1"})], [])


def test_f6_b1_with_reasoning_pre_opened() -> None:
    content, reasoning, calls, errors = summary(B1, [READ_FILE], reasoning="started")
    assert (content, reasoning, errors) == ("", "The user wants lines 10-30.", [])
    assert calls == [("read_file", {"path": "src/main.py", "limit": 20})]


def test_f7_no_think_close_before_the_call_and_parameters_in_any_order() -> None:
    text = "thinking…\n" + xml_call("f", ("b", "1"), ("a", "2"))
    schema = [tool("f", {"a": {"type": "integer"}, "b": {"type": "integer"}})]
    assert summary(text, schema, reasoning="started") == ("", "thinking…", [("f", {"b": 1, "a": 2})], [])


def test_f8_a_call_mid_line_inside_reasoning_per_character() -> None:
    text = "<think>\nThinking: <tool_call>\n<function=read>\n<parameter=p>\nx\n</parameter>\n</function>\n</tool_call>"
    assert summary(text, reasoning="auto") == ("", "Thinking: ", [("read", {"p": "x"})], [])


# ---- values and boundaries (F9-F15) ----------------------------------------------------------


def test_f9_a_missing_parameter_close_before_function_close() -> None:
    schema = [tool("ThinQ_Connect", {"body": {"type": "object"}})]
    text = '<tool_call>\n<function=ThinQ_Connect>\n<parameter=body>\n{"airConJobMode": "AIR_CLEAN"}\n</function>\n</tool_call>'
    assert summary(text, schema) == ("", "", [("ThinQ_Connect", {"body": {"airConJobMode": "AIR_CLEAN"}})], [])
    events = feed_checked(list(text), FMT, schema)  # the streamed JSON is the final JSON
    streamed = "".join(e.arguments_delta for e in events if e.type == "tool_call_delta")
    assert streamed == '{"body": {"airConJobMode": "AIR_CLEAN"}}'


def test_f10_a_missing_parameter_close_before_the_next_listed_parameter() -> None:
    schema = [tool("f", {"city": {"type": "string"}, "state": {"type": "string"}})]
    text = "<tool_call>\n<function=f>\n<parameter=city>\nDallas\n<parameter=state>\nTX\n</parameter>\n</function>\n</tool_call>"
    assert summary(text, schema)[2] == [("f", {"city": "Dallas", "state": "TX"})]


def test_f11_f12_only_the_wrapping_newlines_are_stripped_and_a_literal_close_is_data() -> None:
    assert summary(B2, [EDIT])[2] == [("edit", {"path": "a.py", "old": B2_OLD, "new": "\tpass\n"})]


def test_f13_a_malformed_parameter_tag_is_an_error_and_its_markup_framing() -> None:
    text = "<tool_call>\n<function=f>\n<parameter=\nfoo\n</parameter>\n</function>\n</tool_call>\nnext"
    content, _, calls, errors = summary(text)
    assert (content, calls) == ("\nnext", [])
    assert errors == [(0, "f", "malformed tag: no '>' before the line ends")]
    result = streamparse.parse(text, FMT)
    assert result.errors[0].raw == ""  # nothing was built: no "open" JSON left behind


def test_f13_an_empty_key_and_the_next_call_still_parses() -> None:
    text = "<tool_call>\n<function=f>\n<parameter=>\n1\n</parameter>\n</function>\n<tool_call>\n<function=g>\n</function>\n</tool_call>"
    assert summary(text)[2:] == ([("g", {})], [(0, "f", "malformed tag: an empty parameter name")])


def test_f14_multi_token_deltas() -> None:
    text = B1
    cut = text.index("0\n</parameter>\n</function>")
    deltas = split_at(text, list(range(0, cut, 5)) + [cut])
    assert deltas[-1] == "0\n</parameter>\n</function>\n</tool_call>"
    whole = streamparse.parse(text, FMT, [READ_FILE], reasoning="started")
    events = feed_checked(deltas, FMT, [READ_FILE], reasoning="started")
    assert [c.arguments for c in streamparse.ParseResult.from_events(events).tool_calls] == [c.arguments for c in whole.tool_calls]
    for size in (3, 4, 7, 8):
        chunks = [text[i:i + size] for i in range(0, len(text), size)]
        assert streamparse.ParseResult.from_events(feed_checked(chunks, FMT, [READ_FILE], reasoning="started")).tool_calls[0].arguments == {"path": "src/main.py", "limit": 20}


def test_f15_a_long_string_value_streams_during_the_value() -> None:
    value = "x = 1  # <b>code</b>\n" * 200  # 4 kB
    parser = streamparse.StreamParser(FMT, tools=[EDIT])
    parser.feed("<tool_call>\n<function=edit>\n<parameter=new>\n")
    released = 0
    for char in value:
        for event in parser.feed(char):
            if event.type == "tool_call_delta":
                released += len(event.arguments_delta)
        assert parser.hold_back_problem() is None
        assert parser.held_back <= 64 + len("path")
    assert released >= len(json.dumps(value)) - 10


def test_f23_a_long_value_is_never_re_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cost of a delta does not grow with the value: the body is handed only what it held
    (bounded) plus the new delta, never the value so far (the timing is a benchmark row)."""
    from streamparse.xmlargs import XmlBody

    handed: list[int] = []
    scan = XmlBody.scan

    def recording(self: XmlBody, parser: Any, buf: str, i: int, base: int) -> int:
        handed.append(len(buf) - i)
        return scan(self, parser, buf, i, base)

    monkeypatch.setattr(XmlBody, "scan", recording)
    parser = streamparse.StreamParser(FMT, tools=[EDIT])
    parser.feed("<tool_call>\n<function=edit>\n<parameter=new>\n")
    line = "x = '</parameter>' if a < b else \"</function>\"\n"
    for _ in range(3000):  # 150 kB, fed in 7-character deltas
        for i in range(0, len(line), 7):
            parser.feed(line[i:i + 7])
    assert max(handed) <= 7 + 64 + len("path")
    events = parser.feed("\n</parameter>\n</function>") + parser.close()
    end = [e for e in events if e.type == "tool_call_end"]
    assert len(end) == 1 and end[0].arguments["new"] == line * 3000


# ---- typing end to end (F16-F19; the rules in test_schema_types.py) ---------------------------


def test_f16_f17_f18_f19_values_typed_by_the_schema() -> None:
    schema = [tool("f", {
        "place": {"anyOf": [{"type": "object", "properties": {"city": {}}}, {"type": "object"}]},
        "flag": {"type": ["boolean", "null"]},
        "pick": {"oneOf": [{"type": "object"}, {"type": "array"}]},
        "offset": {"type": "integer"}, "limit": {"type": "number"},
    })]
    text = xml_call("f", ("place", '{"city": "Paris"}'), ("flag", "false"), ("pick", "[1]"), ("offset", "130"), ("limit", "80"))
    assert summary(text, schema)[2] == [("f", {"place": {"city": "Paris"}, "flag": False, "pick": [1], "offset": 130, "limit": 80})]
    assert summary(B3, [B3_TOOL])[2] == [("lookup", {"zip": "02139", "exact": True, "n": 32})]
    assert summary(xml_call("f", ("offset", "130")))[2] == [("f", {"offset": "130"})]  # no schema: strings


# ---- text around calls (F20-F22) -------------------------------------------------------------


def test_f20_text_before_and_after_a_call() -> None:
    text = "before" + xml_call("f", ("a", "1")) + "after"
    r = check_case(text, FMT)
    assert r.content == "beforeafter" and len(r.tool_calls) == 1
    for chunks in ([text], list(text)):  # streaming gives the same pieces, in order, as one-shot
        events = feed_checked(chunks, FMT)
        start = next(i for i, e in enumerate(events) if e.type == "tool_call_start")
        end = next(i for i, e in enumerate(events) if e.type == "tool_call_end")
        assert "".join(e.text for e in events[:start]) == "before"
        assert "".join(e.text for e in events[end + 1:]) == "after"


def test_f21_a_literal_tool_call_tag_in_prose_is_text() -> None:
    text = "The literal token `<tool_call>` is used for calls; so is <function=x without a close"
    for tools in (None, [READ_FILE]):
        assert summary(text, tools) == (text, "", [], [])


def test_f22_dropped_closing_tags_never_raise() -> None:
    for text in ["<tool_call>\n<function=f>\n<parameter=a>\n1", "<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>",
                 "<tool_call>\n<function=f>", "<tool_call>\n<function=f", "<function=f>\n<parameter=a>\n1\n</tool_call>"]:
        result = check_case(text, FMT)
        assert len(result.tool_calls) + len(result.errors) <= 1


# ---- the contract's other rules -----------------------------------------------------------------


def test_framing_around_calls() -> None:
    text = "Let me check.\n" + xml_call("f", ("a", "1")) + "\n" + xml_call("g") + "\nDone"
    assert summary(text)[:3] == ("Let me check.\nDone", "", [("f", {"a": "1"}), ("g", {})])
    assert summary("Hi\n\n" + xml_call("f") + "\n\n")[0] == "Hi"
    assert summary("tail  ")[0] == "tail  "


def test_a_bare_function_at_a_line_start_is_a_call_mid_line_it_is_text() -> None:
    bare = xml_call("f", ("a", "1"), wrapper=False)
    assert summary("Sure:\n" + bare + "\nok")[:3] == ("Sure:\nok", "", [("f", {"a": "1"})])
    assert summary("Sure: " + bare)[2] == []


def test_a_tool_call_tag_followed_by_anything_else_is_text() -> None:
    for text in ["<tool_call>\n{\"name\": 1}", "<tool_call>\n<function=a\nb>", "<tool_call><function=>", "<tool_call>\n<func"]:
        assert summary(text) == (text, "", [], [])


def test_an_unknown_tool_is_held_and_reported_whole() -> None:
    text = xml_call("nope", ("a", "1"))
    assert summary(text, [READ_FILE]) == ("", "", [], [(None, "nope", "unknown tool 'nope'")])
    assert streamparse.parse(text, FMT, [READ_FILE]).errors[0].raw == '{"a": "1"}'


def test_the_name_is_stripped_and_start_comes_at_the_close_of_the_tag() -> None:
    parser = streamparse.StreamParser(FMT)
    assert parser.feed("<tool_call>\n<function= f ") == []
    assert [(e.type, e.name) for e in parser.feed(">")] == [("tool_call_start", "f")]


def test_max_calls_and_ids() -> None:
    text = xml_call("f", ("a", "1")) + xml_call("f", ("a", "2"))
    r = check_case(text, FMT, max_calls=1)
    assert [c.arguments for c in r.tool_calls] == [{"a": "1"}] and "more than 1 calls" in r.errors[0].message


TEMPLATES = Path(__file__).parent / "data" / "templates_xml"
TEMPLATE_FILES = {"release": "qwen3-coder", "qwen3.5": "qwen3.5"}


TEMPLATE = {variant: chat_template(TEMPLATES / f"{name}.chat_template.jinja")
            for variant, name in TEMPLATE_FILES.items()}


def _wrapped(tool: dict[str, Any]) -> dict[str, Any]:
    return tool if "function" in tool and "name" not in tool else {"type": "function", "function": tool}


def _template_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What vLLM hands the template: content as text, reasoning only when there is some, call
    arguments as dicts."""
    items = []
    for message in messages:
        item: dict[str, Any] = {"role": message["role"], "content": message.get("content") or ""}
        if message.get("reasoning_content"):
            item["reasoning_content"] = message["reasoning_content"]
        if message.get("tool_calls"):
            calls = []
            for call in message["tool_calls"]:
                function = dict(call["function"])
                if isinstance(function["arguments"], str):
                    function["arguments"] = json.loads(function["arguments"])
                calls.append({**call, "function": function})
            item["tool_calls"] = calls
        items.append(item)
    return items


def official(tools: list[dict[str, Any]] | None, messages: list[dict[str, Any]], variant: str = "release",
             add_generation_prompt: bool = True, enable_thinking: bool | None = None) -> str:
    context: dict[str, Any] = {
        "messages": _template_messages(messages),
        "add_generation_prompt": add_generation_prompt,
        "bos_token": "",
        "eos_token": "",
    }
    if tools is not None:
        context["tools"] = [_wrapped(t) for t in tools] if variant == "qwen3.5" else tools
    if enable_thinking is not None:
        context["enable_thinking"] = enable_thinking
    return str(TEMPLATE[variant].render(**context))


def ours(tools: list[dict[str, Any]] | None, messages: list[dict[str, Any]], variant: str = "release",
         add_generation_prompt: bool = True, enable_thinking: bool | None = None) -> str:
    return qwen3_coder.render_prompt(
        tools, to_messages(messages), add_generation_prompt=add_generation_prompt,
        variant=None if variant == "release" else variant, enable_thinking=enable_thinking,
    )


def call(name: str, arguments: Any, id: str = "call_0") -> dict[str, Any]:
    return {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}


WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "  Weather.\n",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name", "minLength": 1},
        "unit": {"type": "string", "enum": ["c", "f"], "x-extra key$": {"a": 1}, "default": None},
        "days": {"type": ["integer", "null"], "required": ["x"], "items": {"type": "integer"}},
    }, "required": ["city", 3]},
}}
BARE = {"name": "read_file", "parameters": {"type": "object", "properties": {"path": {}}}, "return": {"type": "string"}}
NO_PARAMETERS = {"name": "now", "description": "", "parameters": {"type": "object", "properties": {}}, "return": "text"}


@pytest.mark.parametrize("variant", ["release", "qwen3.5"])
def test_the_example_conversation_renders_as_the_reference_rendering(variant: str) -> None:
    name = TEMPLATE_FILES[variant]
    example = json.loads((TEMPLATES / f"{name}.example-input.json").read_text(encoding="utf-8"))
    expected = (TEMPLATES / f"{name}.example.txt").read_text(encoding="utf-8")
    tools, messages = example["tools"], example["messages"]
    assert ours(tools, messages, variant) == expected
    assert official(tools, messages, variant) == expected  # the harness renders as the reference did


CONVERSATIONS = {
    "plain": [{"role": "user", "content": "Hi"}],
    "system": [{"role": "system", "content": " Be brief. "}, {"role": "user", "content": "Hi"}],
    "calls with content": [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": "  Let me check.\n", "reasoning_content": "think",
         "tool_calls": [call("get_weather", {"city": "Zürich", "days": 3, "ok": True, "n": None,
                                            "o": {"a": [1, "x"]}, "l": [1, 2.5]}),
                        call("read_file", '{"path": "a\\nb"}', "call_1")]},
        {"role": "tool", "content": "18"},
        {"role": "tool", "content": " text "},
        {"role": "assistant", "content": "It is 18.", "reasoning_content": "done"},
        {"role": "user", "content": "<tool_response>x</tool_response>"},
    ],
    "reasoning in content": [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nA"},
        {"role": "user", "content": "Q2"},
        {"role": "assistant", "content": "", "tool_calls": [call("now", {})]},
        {"role": "tool", "content": "12:00"},
    ],
    "tool first": [{"role": "user", "content": "Q"}, {"role": "tool", "content": "r"}, {"role": "tool", "content": "s"},
                   {"role": "user", "content": "Q2"}],
}


@pytest.mark.parametrize("variant", ["release", "qwen3.5"])
@pytest.mark.parametrize("tools", [None, [], [WEATHER], [WEATHER, BARE, NO_PARAMETERS]], ids=["none", "empty", "one", "three"])
@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
@pytest.mark.parametrize("enable_thinking", [None, True, False])
def test_conversations_render_as_the_template_does(variant: str, tools: Any, name: str, enable_thinking: bool | None) -> None:
    messages = CONVERSATIONS[name]
    for add in (True, False):
        options = {"add_generation_prompt": add, "enable_thinking": enable_thinking}
        assert ours(tools, messages, variant, **options) == official(tools, messages, variant, **options)


def test_qwen35_opens_think_and_enable_thinking_false_closes_it() -> None:
    messages = [{"role": "user", "content": "Hi"}]
    assert ours(None, messages, "qwen3.5").endswith("<|im_start|>assistant\n<think>\n")
    assert ours(None, messages, "qwen3.5", enable_thinking=False).endswith("<think>\n\n</think>\n\n")
    assert ours(None, messages, "release", enable_thinking=False).endswith("<|im_start|>assistant\n")


def test_qwen35_refuses_what_its_template_refuses() -> None:
    with pytest.raises(PromptError, match="no user query"):
        ours(None, [{"role": "assistant", "content": "x"}], "qwen3.5")
    with pytest.raises(PromptError, match="first message"):
        ours(None, [{"role": "user", "content": "x"}, {"role": "system", "content": "s"}], "qwen3.5")
    with pytest.raises(PromptError, match="unknown qwen3_coder prompt variant"):
        ours(None, [{"role": "user", "content": "x"}], "qwen9")


_CHARS = st.sampled_from(list("ab \n\t<>/=\"'{}[]中🙂") + ["</parameter>", "<tool_call>", "</think>", "<think>"])
_TEXT = st.lists(_CHARS, max_size=6).map("".join)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.floats(allow_nan=False, allow_infinity=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6,
)
_NAMES = st.sampled_from(["get_weather", "read_file", "web.search", "天气"])


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
        calls = draw(st.lists(st.tuples(_NAMES, st.dictionaries(st.sampled_from(["a", "b", "c d"]), _JSON, max_size=3)),
                              max_size=3))
        if calls:
            message["tool_calls"] = [call(n, a, f"call_{i}") for i, (n, a) in enumerate(calls)]
    return message


@pytest.mark.parametrize("variant", ["release", "qwen3.5"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tools=st.sampled_from([None, [], [WEATHER], [WEATHER, BARE, NO_PARAMETERS]]),
       messages=st.lists(_message(), min_size=1, max_size=8),
       enable_thinking=st.sampled_from([None, True, False]), add_generation_prompt=st.booleans())
def test_generated_conversations_render_as_the_template_does(variant: str, tools: Any, messages: list[Any],
                                                            enable_thinking: bool | None, add_generation_prompt: bool) -> None:
    options = {"add_generation_prompt": add_generation_prompt, "enable_thinking": enable_thinking}
    try:
        expected = official(tools, messages, variant, **options)
    except jinja2.exceptions.TemplateError as exc:
        with pytest.raises(PromptError):
            ours(tools, messages, variant, **options)
        assert variant == "qwen3.5", exc
        return
    assert ours(tools, messages, variant, **options) == expected


# ---- the pieces ----------------------------------------------------------------------------


def test_render_tools_is_the_system_turns_tool_part() -> None:
    for variant in ("release", "qwen3.5"):
        prompt = ours([WEATHER, BARE], [{"role": "user", "content": "x"}], variant)
        block = qwen3_coder.render_tools([WEATHER, BARE], None if variant == "release" else variant)
        assert block in prompt and block.endswith("</IMPORTANT>")


def test_render_tool_results_is_the_user_turn_of_a_run_of_results() -> None:
    messages = [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "", "tool_calls": [call("now", {})]},
                {"role": "tool", "content": "a"}, {"role": "tool", "content": "b"}]
    results = qwen3_coder.render_tool_results(["a", "b"])
    assert ours(None, messages, add_generation_prompt=False).endswith(results)
    assert qwen3_coder.render_tool_results([]) == ""


def test_render_assistant_calls_is_the_turn_the_template_writes() -> None:
    calls = [call("get_weather", {"city": "Paris", "days": 2}), call("now", {}, "call_1")]
    text = qwen3_coder.render_assistant_calls(to_calls(calls), "Let me check.")
    messages = [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "Let me check.", "tool_calls": calls}]
    assert ours(None, messages, add_generation_prompt=False) == (
        "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n" + text + "<|im_end|>\n"
    )
    assert text == (
        "Let me check.\n\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n"
        "<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=now>\n"
        "</function>\n</tool_call>"
    )


def test_render_assistant_calls_writes_objects_as_json() -> None:
    text = qwen3_coder.render_assistant_calls(to_calls([call("f", {"o": {"a": True}, "l": [None]})]))
    assert '{"a": true}' in text and "[null]" in text


@pytest.mark.parametrize("bad", [call("a<b", {}), call("f", {"k>": 1}), call("f", {" ": 1}), call("f", {"a\nb": 1})])
def test_a_name_the_parser_could_not_read_back_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(PromptError):
        qwen3_coder.render_assistant_calls(to_calls([bad]))


# ---- round trip (invariant 6) --------------------------------------------------------------

_STRING_CHARS = st.sampled_from(list("ab 0\n\t<>/=\"'&{}中🙂") + ["</parameter", "<parameter=", "</function", "  ", "\n\n"])
_STRINGS = st.lists(_STRING_CHARS, max_size=8).map("".join).filter(
    lambda s: "</parameter>" not in s and "</function>" not in s and "<parameter=" not in s
) | st.sampled_from(["02139", "123_456", "null", "None", "True", "false", "  ", "", "1e5", "{}", "[1]"])
_SCALARS = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | _TEXT
_CONTAINERS = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=5)
_TYPED = {
    "string": (_STRINGS, {"type": "string"}),
    "integer": (st.integers(-10**9, 10**9), {"type": "integer"}),
    "number": (st.floats(allow_nan=False, allow_infinity=False) | st.integers(-99, 99), {"type": "number"}),
    "boolean": (st.booleans(), {"type": "boolean"}),
    "null": (st.none(), {"type": "null"}),
    "object": (st.dictionaries(_TEXT, _CONTAINERS, max_size=3), {"type": "object"}),
    "array": (st.lists(_CONTAINERS, max_size=3), {"type": "array"}),
    # a string that spells null reads back as null: string-or-null cannot tell them apart
    "optional": (st.none() | _STRINGS.filter(lambda s: s.strip(" \t\r\n") not in ("null", "None", "none")),
                 {"anyOf": [{"type": "string"}, {"type": "null"}]}),
}


@st.composite
def typed_calls(draw: Any) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
    tools, calls = [], []
    for t in range(draw(st.integers(1, 2))):
        kinds = draw(st.lists(st.sampled_from(sorted(_TYPED)), max_size=4))
        properties = {f"p{i}_{kind}": _TYPED[kind][1] for i, kind in enumerate(kinds)}
        name = f"tool_{t}"
        tools.append(tool(name, properties))
        for _ in range(draw(st.integers(0, 2))):
            arguments = {key: draw(_TYPED[key.split("_", 1)[1]][0]) for key in properties if draw(st.booleans())}
            calls.append((name, arguments))
    return tools, calls


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_calls(), st.sampled_from(["", "Let me check.", "  two\nlines "]), st.sampled_from([None, "started"]))
def test_render_assistant_calls_round_trips(drawn: Any, content: str, reasoning: str | None) -> None:
    tools, calls = drawn
    text = qwen3_coder.render_assistant_calls(to_calls([{"name": n, "arguments": a} for n, a in calls]), content)
    if reasoning:
        text = "ok\n</think>\n\n" + text
    result = check_case(text, FMT, tools, reasoning=reasoning)
    assert [(c.name, c.arguments) for c in result.tool_calls] == calls
    assert result.errors == []
    assert result.content == content.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies_qwen3_coder.responses())
def test_generated_responses_parse_as_expected(drawn: tuple[str, dict[str, Any]]) -> None:
    text, case = drawn
    result = check_case(text, FMT, case["tools"])
    expected = case["expected"]
    assert result.content == expected["content"]
    assert [(c.index, c.name, c.arguments, c.raw_arguments) for c in result.tool_calls] == expected["tool_calls"]
    assert [(e.index, e.name, e.raw, e.message) for e in result.errors] == expected["errors"]
