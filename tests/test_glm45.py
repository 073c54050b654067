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
from test_prompts_glm4_template import _environment

from streamparse.families._render import PromptError, to_calls, to_messages
from streamparse.families.glm import glm45

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
    # transformers' way: the sandbox, trim_blocks/lstrip_blocks, loopcontrols, its tojson
    return _environment().from_string(path.read_text(encoding="utf-8"))


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
       content=TEXT, results=st.lists(TEXT, min_size=1, max_size=3))
def test_the_parts_are_the_prompts_own(fmt: str, tools: Any, calls: Any, content: str,
                                       results: list[str]) -> None:
    """render_tools, render_assistant_calls and render_tool_results are the pieces of the
    template's rendering of a conversation: after <|system|>, after <|assistant|>, and the
    tool turn."""
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
    reply = render_assistant_calls(to_calls(openai_calls), content)
    assert whole == f"{tools_turn}{user}<|assistant|>{reply}{render_tool_results(results)}"


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
