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

import json
from pathlib import Path
from typing import Any

import jinja2.ext
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2.sandbox import ImmutableSandboxedEnvironment

from streamparse.families._render import PromptError, to_calls, to_messages
from streamparse.families.qwen import hermes

TEMPLATES = Path(__file__).parent / "data" / "templates"
TEMPLATE_FILES = {"qwen3": "qwen3", "qwen2.5": "qwen2.5-instruct"}


def _tojson(x: Any, ensure_ascii: bool = False, indent: Any = None, separators: Any = None,
            sort_keys: bool = False) -> str:
    # transformers' override of jinja's tojson (chat_template_utils.py)
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


def _template(variant: str) -> Any:
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = _tojson
    text = (TEMPLATES / f"{TEMPLATE_FILES[variant]}.chat_template.jinja").read_text(encoding="utf-8")
    return env.from_string(text)


TEMPLATE = {variant: _template(variant) for variant in TEMPLATE_FILES}


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
