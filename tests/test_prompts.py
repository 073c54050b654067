"""Prompt rendering: hand-written goldens for both formats, the Qwen2 ChatML frame, the ReAct
conversation shape, and the errors for input that cannot be rendered."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

import streamparse
from helpers import SEED_TOOLS
from streamparse import Tool, ToolDefinitionError, UnknownFormatError
from streamparse.prompts import (
    Call,
    PromptError,
    prompt_formats,
    render_assistant_calls,
    render_prompt,
    render_tool_results,
    render_tools,
)

WEATHER, GPA = SEED_TOOLS

QWEN2_SEED_TOOL_PROMPT = """\
You have access to the following tools:
> Tool Name: get_current_weather
Tool Description: Get the current weather
Tool Args:
  - location (string, required): The city and state, e.g. San Francisco, CA
  - format (string, required): The temperature unit to use. Infer this from the users location., \
should be one of [celsius, fahrenheit]

> Tool Name: calculate_gpa
Tool Description: Calculate the Grade Point Average (GPA) based on grades and credit hours
Tool Args:
  - grades (array, required): The grades, where each item should be string
  - hours (array, required): The credit hours, where each item should be integer

Use the following format if using a tool:
```
Action: tool name (one of [get_current_weather, calculate_gpa])
Action Input: the input to the tool, in a JSON format representing the kwargs \
(e.g. ```{"input": "hello world", "num_beams": 5}```)
```
"""

GLM4_WEATHER_JSON = """\
{
    "name": "get_current_weather",
    "description": "Get the current weather",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {
                "type": "string",
                "description": "The city and state, e.g. San Francisco, CA"
            },
            "format": {
                "type": "string",
                "enum": [
                    "celsius",
                    "fahrenheit"
                ],
                "description": "The temperature unit to use. Infer this from the users location."
            }
        },
        "required": [
            "location",
            "format"
        ]
    }
}"""
GLM4_INTRO = (
    "你是一个名为 ChatGLM 的人工智能助手。你是基于智谱AI训练的语言模型 GLM-4 模型开发的，"
    "你的任务是针对用户的问题和要求提供适当的答复和支持。\n\n# 可用工具"
)
GLM4_SUFFIX = "\n在调用上述函数时，请使用 Json 格式表示调用的参数。"


def call(name: str, arguments: Any, id: str = "call_0") -> dict[str, Any]:
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}


AGENT_CONVERSATION = [
    {"role": "user", "content": "Weather in Boston, and my GPA for A, B over 3 and 4 hours?"},
    {"role": "assistant", "content": "Thought: I need the weather and the GPA.",
     "tool_calls": [
         call("get_current_weather", {"location": "Boston, MA", "format": "celsius"}, "call_0"),
         call("calculate_gpa", {"grades": ["A", "B"], "hours": [3, 4]}, "call_1"),
     ]},
    {"role": "tool", "tool_call_id": "call_0", "content": '{"temperature": 22}'},
    {"role": "tool", "tool_call_id": "call_1", "content": "3.43"},
]


# ---- the API surface ----------------------------------------------------------------------


def test_formats_match_the_parsers() -> None:
    assert prompt_formats() == streamparse.formats()  # every format renders its prompts


def test_unknown_format() -> None:
    known = ", ".join(repr(name) for name in streamparse.formats())
    with pytest.raises(UnknownFormatError, match=f"unknown prompt format 'llama3'; known formats: {re.escape(known)}"):
        render_prompt("llama3", None, [])


# ---- glm4 goldens -------------------------------------------------------------------------


def test_glm4_tools_golden() -> None:
    assert render_tools("glm4", [WEATHER]) == (
        f"{GLM4_INTRO}\n## get_current_weather\n\n{GLM4_WEATHER_JSON}{GLM4_SUFFIX}"
    )


def test_glm4_tools_keep_non_ascii_and_key_order() -> None:
    tool = {"type": "function", "function": {
        "parameters": {"type": "object", "properties": {}},
        "name": "天气",
        "description": "查询“天气”",
    }}
    text = render_tools("glm4", [tool])
    assert '"name": "天气"' in text and '"description": "查询“天气”"' in text
    assert text.index('"parameters"') < text.index('"name"')


def test_glm4_llamafactory_variant() -> None:
    text = render_tools("glm4", SEED_TOOLS, variant="llamafactory")
    assert text.startswith("你是一个名为 ChatGLM 的人工智能助手。你是基于智谱 AI 公司训练的")
    assert "# 可用工具\n\n## get_current_weather\n\n{" in text
    assert f"{GLM4_SUFFIX}\n\n## calculate_gpa\n\n" in text
    prompt = render_prompt("glm4", SEED_TOOLS, [{"role": "user", "content": "hi"}],
                           variant="llamafactory")
    assert prompt == f"[gMASK]<sop><|system|>\n{text}<|user|>\nhi<|assistant|>"


def test_glm4_agent_conversation_golden() -> None:
    prompt = render_prompt("glm4", None, AGENT_CONVERSATION)
    assert prompt == (
        "[gMASK]<sop>"
        "<|user|>\nWeather in Boston, and my GPA for A, B over 3 and 4 hours?"
        "<|assistant|>\nThought: I need the weather and the GPA."
        '<|assistant|>get_current_weather\n{"location": "Boston, MA", "format": "celsius"}'
        '<|assistant|>calculate_gpa\n{"grades": ["A", "B"], "hours": [3, 4]}'
        '<|observation|>\n{"temperature": 22}'
        "<|observation|>\n3.43"
        "<|assistant|>"
    )


def test_glm4_pieces() -> None:
    calls = [{"name": "f", "arguments": {"x": "中"}}, {"name": "g", "arguments": "{}"}]
    assert render_assistant_calls("glm4", calls) == 'f\n{"x": "中"}<|assistant|>g\n{}'
    assert render_assistant_calls("glm4", calls[:1], content="Sure.") == (
        '\nSure.<|assistant|>f\n{"x": "中"}'
    )
    assert render_tool_results("glm4", ["a", {"role": "tool", "content": "b"}, ""]) == (
        "<|observation|>\na<|observation|>\nb"
    )


def test_glm4_whole_prompt_is_the_pieces_joined() -> None:
    prompt = render_prompt("glm4", SEED_TOOLS, AGENT_CONVERSATION)
    calls_turn = render_assistant_calls(
        "glm4", AGENT_CONVERSATION[1]["tool_calls"], content=AGENT_CONVERSATION[1]["content"]
    )
    results = render_tool_results("glm4", AGENT_CONVERSATION[2:])
    assert prompt == (
        f"[gMASK]<sop><|system|>\n{render_tools('glm4', SEED_TOOLS)}"
        f"<|user|>\n{AGENT_CONVERSATION[0]['content']}"
        f"<|assistant|>{calls_turn}{results}<|assistant|>"
    )


# ---- qwen2 goldens ------------------------------------------------------------------------


def test_qwen2_tools_golden() -> None:
    assert render_tools("qwen2", SEED_TOOLS) == QWEN2_SEED_TOOL_PROMPT


def test_qwen2_tool_args_details() -> None:
    tool = {"name": "t", "description": "d", "parameters": {"type": "object", "properties": {
        "n": {"type": ["integer", "null"], "enum": [1, 2]},
        "o": {"type": "object", "properties": {"deep": {"type": "string"}}},
        "bare": {},
    }, "required": ["o"]}}
    text = render_tools("qwen2", [tool])
    assert "  - n ([\"integer\", \"null\"]): , should be one of [1, 2]\n" in text
    assert "  - o (object, required): \n" in text
    assert "  - bare (): \n" in text


def test_qwen2_agent_conversation_golden() -> None:
    prompt = render_prompt("qwen2", SEED_TOOLS, [
        {"role": "system", "content": "You are a weather bot."}, *AGENT_CONVERSATION
    ])
    assert prompt == (
        f"<|im_start|>system\nYou are a weather bot.\n\n{QWEN2_SEED_TOOL_PROMPT}<|im_end|>\n"
        "<|im_start|>user\nWeather in Boston, and my GPA for A, B over 3 and 4 hours?<|im_end|>\n"
        "<|im_start|>assistant\n"
        "Thought: I need the weather and the GPA.\n"
        "Action: get_current_weather\n"
        'Action Input: {"location": "Boston, MA", "format": "celsius"}\n'
        "Action: calculate_gpa\n"
        'Action Input: {"grades": ["A", "B"], "hours": [3, 4]}\n'
        'Observation: {"temperature": 22}\n'
        "Observation: 3.43\n"
    )


def test_qwen2_continuation_shares_the_assistant_turn() -> None:
    messages = [
        *AGENT_CONVERSATION,
        {"role": "assistant", "content": "It is 22 degrees; your GPA is 3.43."},
        {"role": "user", "content": "Thanks"},
    ]
    prompt = render_prompt("qwen2", None, messages)
    assert prompt.endswith(
        "Observation: 3.43\n"
        "It is 22 degrees; your GPA is 3.43.<|im_end|>\n"
        "<|im_start|>user\nThanks<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert prompt.startswith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n")
    assert prompt.count("<|im_start|>assistant\n") == 2


def test_qwen2_without_generation_prompt_closes_the_turn() -> None:
    prompt = render_prompt("qwen2", None, AGENT_CONVERSATION, add_generation_prompt=False)
    assert prompt.endswith("Observation: 3.43\n<|im_end|>\n")


def test_qwen2_calls_without_results_are_a_closed_turn() -> None:
    prompt = render_prompt("qwen2", None, AGENT_CONVERSATION[:2])
    assert prompt.endswith('"hours": [3, 4]}<|im_end|>\n<|im_start|>assistant\n')


def test_qwen2_pieces() -> None:
    calls = [{"name": "github.create-issue", "arguments": {"title": "中"}}]
    assert render_assistant_calls("qwen2", calls) == (
        'Action: github.create-issue\nAction Input: {"title": "中"}'
    )
    assert render_assistant_calls("qwen2", calls, content="Thought: ok\n").startswith(
        "Thought: ok\nAction:"
    )
    assert render_tool_results("qwen2", ["a\nb", "c"]) == "Observation: a\nb\nObservation: c\n"


# Qwen2's own chat template (tokenizer_config.json of Qwen2-7B-Instruct, as in
# ../shared/data/qwen2/tokenizer_config.json): without tools and calls we must render the same.
QWEN2_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@pytest.mark.parametrize("messages", [
    [],
    [{"role": "user", "content": "你好"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
    [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
     {"role": "user", "content": "c"}, {"role": "system", "content": "late system"}],
])
@pytest.mark.parametrize("add_generation_prompt", [True, False])
def test_qwen2_plain_chat_is_qwen2s_chatml_template(
    messages: list, add_generation_prompt: bool
) -> None:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    expected = env.from_string(QWEN2_CHAT_TEMPLATE).render(
        messages=messages, add_generation_prompt=add_generation_prompt
    )
    if not messages:  # the template renders nothing at all for no messages; we keep the system
        expected = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n" + expected
    ours = render_prompt("qwen2", None, messages, add_generation_prompt=add_generation_prompt)
    assert ours == expected


def test_tool_models_and_dict_forms_render_alike() -> None:
    bare = [tool["function"] for tool in SEED_TOOLS]
    models = [Tool.model_validate(tool) for tool in SEED_TOOLS]
    for fmt in prompt_formats():
        expected = render_tools(fmt, SEED_TOOLS)
        assert render_tools(fmt, bare) == expected
        assert render_tools(fmt, models) == expected


def test_call_inputs_alike() -> None:
    parsed = streamparse.parse('Action: f\nAction Input: {"a": 1}', "qwen2").tool_calls
    forms = [
        [{"id": "x", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}],
        [{"name": "f", "arguments": {"a": 1}}],
        [Call(name="f", arguments='{"a": 1}')],
        parsed,
    ]
    for fmt in prompt_formats():
        assert len({render_assistant_calls(fmt, form) for form in forms}) == 1


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["glm4", "qwen2"])
def test_tool_without_a_name(fmt: str) -> None:
    bad = {"type": "function", "function": {"description": "no name"}}
    with pytest.raises(ToolDefinitionError, match=r"tools\[1\] is invalid: name: Field required"):
        render_tools(fmt, [WEATHER, bad])
    with pytest.raises(ToolDefinitionError, match=r"tools\[1\]"):
        render_prompt(fmt, [WEATHER, bad], [{"role": "user", "content": "hi"}])


@pytest.mark.parametrize("fmt", ["glm4", "qwen2"])
@pytest.mark.parametrize(("messages", "message"), [
    ([{"role": "user", "content": "hi"}, {"role": "developer", "content": "x"}],
     r"messages\[1\] has unknown role 'developer'; expected one of system, user, assistant, tool"),
    ([{"content": "hi"}], r"messages\[0\] has no 'role'"),
    (["hi"], r"messages\[0\] must be a dict, not str"),
    ({"role": "user", "content": "hi"}, "messages must be a list of message dicts, not a dict"),
    ([{"role": "user", "content": 3}], r"messages\[0\].content must be a string"),
    ([{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}],
     r"messages\[0\].content\[0\]: only text content parts can be rendered, not 'image_url'"),
    ([{"role": "user", "content": "hi", "tool_calls": [call("f", {})]}],
     r"messages\[0\]: only assistant messages can have tool_calls, not 'user'"),
    ([{"role": "assistant", "tool_calls": [{"type": "function", "function": {"arguments": "{}"}}]}],
     r"messages\[0\].tool_calls\[0\].function has no 'name'"),
    ([{"role": "assistant", "tool_calls": [call("f", "[1, 2]")]}],
     r"messages\[0\].tool_calls\[0\].function.arguments must be a JSON object, not list"),
    ([{"role": "assistant", "tool_calls": [call("f", "{'a': 1}")]}],
     r"messages\[0\].tool_calls\[0\].function.arguments is not valid JSON"),
    ([{"role": "assistant", "tool_calls": [call("two\nlines", {})]}],
     r"messages\[0\].tool_calls\[0\].function.name 'two\\nlines' cannot be rendered"),
    ([{"role": "assistant", "tool_calls": [call("", {})]}],
     r"messages\[0\].tool_calls\[0\].function.name is empty"),
])
def test_unrenderable_messages(fmt: str, messages: Any, message: str) -> None:
    with pytest.raises(PromptError, match=message):
        render_prompt(fmt, None, messages)


@pytest.mark.parametrize("fmt", ["glm4", "qwen2"])
def test_unrenderable_calls(fmt: str) -> None:
    with pytest.raises(PromptError, match=r"calls\[0\].arguments cannot be written as JSON.*NaN"):
        render_assistant_calls(fmt, [{"name": "f", "arguments": {"x": float("nan")}}])
    with pytest.raises(PromptError, match=r"calls\[0\].arguments must be a dict or a JSON object"):
        render_assistant_calls(fmt, [{"name": "f", "arguments": 3}])
    with pytest.raises(PromptError, match=r"calls\[0\].arguments is not valid JSON"):
        render_assistant_calls(fmt, [{"name": "f", "arguments": '{"x": NaN}'}])
    with pytest.raises(PromptError, match="calls must be a list of tool calls"):
        render_assistant_calls(fmt, {"name": "f", "arguments": {}})
    with pytest.raises(PromptError, match=r"calls\[0\] must be a tool call dict"):
        render_assistant_calls(fmt, [42])


def test_glm4_names_with_special_tokens() -> None:
    with pytest.raises(PromptError, match=r"contains the special token <\|observation\|>"):
        render_assistant_calls("glm4", [{"name": "a<|observation|>", "arguments": {}}])


def test_qwen2_tool_result_needs_a_call_before_it() -> None:
    with pytest.raises(PromptError, match=r"messages\[1\]: a tool result must follow an assistant"):
        render_prompt("qwen2", None, [{"role": "user", "content": "hi"},
                                      {"role": "tool", "content": "42"}])
    # glm4's template renders it as an observation turn
    assert render_prompt("glm4", None, [{"role": "tool", "content": "42"}]) == (
        "[gMASK]<sop><|observation|>\n42<|assistant|>"
    )


def test_unknown_variant() -> None:
    with pytest.raises(PromptError, match="unknown glm4 prompt variant 'hf'; known: 'official'"):
        render_tools("glm4", SEED_TOOLS, variant="hf")
    with pytest.raises(PromptError, match="unknown qwen2 prompt variant 'x'"):
        render_prompt("qwen2", None, [], variant="x")


def test_results_errors() -> None:
    with pytest.raises(PromptError, match=r"results\[0\] has role 'user', not 'tool'"):
        render_tool_results("qwen2", [{"role": "user", "content": "x"}])
    with pytest.raises(PromptError, match="results must be a list"):
        render_tool_results("glm4", "x")


def test_errors_are_value_errors() -> None:
    assert issubclass(PromptError, ValueError)
    assert issubclass(PromptError, streamparse.StreamparseError)


# ---- the CLI helper -----------------------------------------------------------------------


def test_prompt_from_files(tmp_path: Any) -> None:
    from streamparse.prompts import prompt_from_files

    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps(SEED_TOOLS, ensure_ascii=False), encoding="utf-8")
    conv = tmp_path / "conv.json"
    conv.write_text(json.dumps({"model": "x", "messages": AGENT_CONVERSATION}), encoding="utf-8")
    for fmt in prompt_formats():
        assert prompt_from_files(fmt, str(tools), str(conv)) == render_prompt(
            fmt, SEED_TOOLS, AGENT_CONVERSATION
        )
        assert prompt_from_files(fmt, str(tools)) == render_prompt(fmt, SEED_TOOLS, [])
    assert prompt_from_files("glm4", None, None) == "[gMASK]<sop><|assistant|>"

    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(PromptError, match=r"tools file '.*broken.json' is not valid JSON"):
        prompt_from_files("glm4", str(broken))
    with pytest.raises(PromptError, match=r"messages file '.*tools.json' must hold a JSON list"):
        tools.write_text('{"tools": []}', encoding="utf-8")
        prompt_from_files("glm4", None, str(tools))
    with pytest.raises(PromptError, match=r"cannot read tools file '.*missing.json'"):
        prompt_from_files("qwen2", str(tmp_path / "missing.json"))
    with pytest.raises(UnknownFormatError):
        prompt_from_files("chatml", None)
