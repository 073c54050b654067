"""glm4 prompts are byte for byte what glm-4-9b-chat's official chat template renders.

The template (tests/data/glm4_chat_template.jinja, see tests/data/README.md) is rendered here the
way transformers' ``apply_chat_template`` does: an ImmutableSandboxedEnvironment with
``trim_blocks``/``lstrip_blocks`` and the loopcontrols extension, and transformers' ``tojson``
filter (``json.dumps`` with ``ensure_ascii=False``, the given ``indent``, no key sorting, no
HTML escaping). The OpenAI-style conversation is turned into the template's items as GLM-4's
own server does: tools in a leading ``{"role": "system", "content": "", "tools": [...]}``, one
``{"role": "assistant", "metadata": name, "content": arguments}`` item per call, and
``{"role": "observation", "content": ...}`` per tool result.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import SEED_TOOLS, chat_template
from streamparse.prompts import render_prompt, render_tools

TEMPLATE_PATH = Path(__file__).parent / "data" / "glm4_chat_template.jinja"


TEMPLATE = chat_template(TEMPLATE_PATH)


def openai_tool(function: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": function}


def server_items(tools: list[dict[str, Any]] | None, messages: list[dict[str, Any]]) -> list[dict]:
    """The template's items for an OpenAI-style conversation, the way GLM-4's server builds them
    (keeping system messages and unsplit assistant text, as documented in docs/prompts.md)."""
    items: list[dict[str, Any]] = []
    if tools:
        items.append({"role": "system", "content": "", "tools": tools})
    for message in messages:
        role, content = message["role"], message.get("content")
        if role == "tool":
            items.append({"role": "observation", "content": content, "function_call": True})
        elif role == "assistant":
            if content:
                items.append({"role": "assistant", "content": content})
            for call in message.get("tool_calls") or []:
                items.append({
                    "role": "assistant",
                    "metadata": call["function"]["name"],
                    "content": call["function"]["arguments"],
                })
        else:
            items.append({"role": role, "content": content})
    return items


def official(tools: list[dict[str, Any]] | None, messages: list[dict[str, Any]],
             add_generation_prompt: bool = True) -> str:
    return TEMPLATE.render(
        messages=server_items(tools, messages), add_generation_prompt=add_generation_prompt
    )


def call(name: str, arguments: dict[str, Any] | str, id: str = "call_0") -> dict[str, Any]:
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}


# ---- tool lists ---------------------------------------------------------------------------


CJK_TOOLS = [
    openai_tool({
        "name": "查询天气",
        "description": "查询指定城市今天的天气，返回温度（摄氏度）和天气状况。",
        "parameters": {
            "type": "object",
            "properties": {"城市": {"type": "string", "description": "城市名称，例如：北京、上海"}},
            "required": ["城市"],
        },
    }),
    openai_tool({
        "name": "translate",
        "description": "翻訳する — 日本語/한국어/emoji 🌤️ and \"quotes\" \\ backslashes",
        "parameters": {"type": "object", "properties": {}},
    }),
]

NESTED_TOOLS = [
    openai_tool({
        "name": "github.create-issue",
        "description": "Create an issue",
        "parameters": {
            "type": "object",
            "properties": {
                "repo": {
                    "type": "object",
                    "properties": {
                        "owner": {"type": "string"},
                        "name": {"type": "string"},
                    },
                    "required": ["owner", "name"],
                },
                "labels": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "color": {"type": ["string", "null"]},
                        },
                    },
                },
                "body": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
                "priority": {"type": "integer", "minimum": 1, "maximum": 5, "default": 3},
            },
            "required": ["repo"],
            "additionalProperties": False,
        },
    }),
]

ENUM_TOOLS = [
    openai_tool({
        # keys deliberately not in name/description/parameters order: the template keeps order
        "parameters": {
            "type": "object",
            "properties": {
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit", "开尔文"]},
                "level": {"type": "integer", "enum": [1, 2, 3]},
                "mode": {"enum": [True, False, None, 1.5]},
            },
        },
        "name": "set_unit",
        "description": "Set the unit",
        "strict": True,
    }),
]

TOOL_LISTS = {
    "seed": SEED_TOOLS,
    "cjk": CJK_TOOLS,
    "nested": NESTED_TOOLS,
    "enum": ENUM_TOOLS,
    "all": SEED_TOOLS + CJK_TOOLS + NESTED_TOOLS + ENUM_TOOLS,
}

# ---- conversations ------------------------------------------------------------------------

CONVERSATIONS = {
    "user only": [{"role": "user", "content": "What's the weather like in Boston?"}],
    "system and user": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "你好"},
    ],
    "one call and its result": [
        {"role": "user", "content": "What's the weather like in Boston?"},
        {"role": "assistant", "content": None,
         "tool_calls": [
             call("get_current_weather", {"location": "Boston, MA", "format": "celsius"})
         ]},
        {"role": "tool", "tool_call_id": "call_0", "content": '{"temperature": 22, "sky": "晴"}'},
    ],
    "two calls, results, answer, next question": [
        {"role": "user", "content": "Weather in Beijing, and my GPA for A, B with 3 and 4 hours?"},
        {"role": "assistant", "content": "",
         "tool_calls": [
             call("get_current_weather", {"location": "北京", "format": "celsius"}, "call_0"),
             call("calculate_gpa", {"grades": ["A", "B"], "hours": [3, 4]}, "call_1"),
         ]},
        {"role": "tool", "tool_call_id": "call_0", "content": "25 度，晴"},
        {"role": "tool", "tool_call_id": "call_1", "content": "3.43"},
        {"role": "assistant", "content": "北京今天 25 度，晴。Your GPA is 3.43."},
        {"role": "user", "content": "Thanks!\nAnd tomorrow?"},
    ],
    "content before a call, raw arguments kept": [
        {"role": "user", "content": "Open an issue"},
        {"role": "assistant", "content": "Sure, creating it now.",
         "tool_calls": [call("github.create-issue", '{"repo":{"owner":"a","name":"b"}}')]},
        {"role": "tool", "content": "#42"},
    ],
    "empty contents are dropped like the template does": [
        {"role": "system", "content": ""},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "again"},
    ],
}


@pytest.mark.parametrize("tools_name", sorted(TOOL_LISTS))
@pytest.mark.parametrize("conversation_name", sorted(CONVERSATIONS))
def test_identical_to_the_official_template(tools_name: str, conversation_name: str) -> None:
    tools, messages = TOOL_LISTS[tools_name], CONVERSATIONS[conversation_name]
    assert render_prompt("glm4", tools, messages) == official(tools, messages)


@pytest.mark.parametrize("conversation_name", sorted(CONVERSATIONS))
def test_without_tools_and_without_generation_prompt(conversation_name: str) -> None:
    messages = CONVERSATIONS[conversation_name]
    assert render_prompt("glm4", None, messages) == official(None, messages)
    assert render_prompt("glm4", [], messages, add_generation_prompt=False) == official(
        None, messages, add_generation_prompt=False
    )


def test_tools_turn_is_what_render_tools_returns() -> None:
    rendered = official(SEED_TOOLS, [])
    assert rendered == f"[gMASK]<sop><|system|>\n{render_tools('glm4', SEED_TOOLS)}<|assistant|>"


def test_bare_dicts_and_tool_models_render_as_their_openai_form() -> None:
    from streamparse import Tool

    bare = [tool["function"] for tool in SEED_TOOLS]
    models = [Tool.model_validate(tool) for tool in SEED_TOOLS]
    expected = official(SEED_TOOLS, CONVERSATIONS["user only"])
    assert render_prompt("glm4", bare, CONVERSATIONS["user only"]) == expected
    assert render_prompt("glm4", models, CONVERSATIONS["user only"]) == expected


# ---- generated tool lists and conversations ------------------------------------------------

_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
) | st.sampled_from(["北京", "温度（摄氏度）", "emoji 🌤️", 'quote " and \\', "line\nbreak", ""])
_NAMES = st.text(string.ascii_letters + string.digits + "_.-", min_size=1, max_size=20).filter(
    lambda s: s[0].isalpha()
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_TEXT, children, max_size=3),
    max_leaves=8,
)
_SCHEMA = st.recursive(
    st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean"])},
                          optional={"description": _TEXT, "enum": st.lists(_JSON, max_size=3)}),
    lambda children: st.fixed_dictionaries(
        {"type": st.just("object"), "properties": st.dictionaries(_TEXT, children, max_size=3)}
    ) | st.fixed_dictionaries({"type": st.just("array"), "items": children}),
    max_leaves=6,
)


@st.composite
def tool_lists(draw: Any) -> list[dict[str, Any]]:
    names = draw(st.lists(_NAMES, max_size=4, unique=True))
    return [
        openai_tool({
            "name": name,
            "description": draw(_TEXT),
            "parameters": {"type": "object",
                           "properties": draw(st.dictionaries(_TEXT, _SCHEMA, max_size=3))},
        })
        for name in names
    ]


@st.composite
def conversations(draw: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(_TEXT)})
    for _ in range(draw(st.integers(0, 3))):
        messages.append({"role": "user", "content": draw(_TEXT)})
        calls = [
            call(draw(_NAMES), draw(st.dictionaries(_TEXT, _JSON, max_size=3)), f"call_{i}")
            for i in range(draw(st.integers(0, 2)))
        ]
        messages.append({"role": "assistant", "content": draw(_TEXT), "tool_calls": calls})
        for c in calls:
            messages.append({"role": "tool", "tool_call_id": c["id"], "content": draw(_TEXT)})
    return messages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tools=tool_lists(), messages=conversations(), add_generation_prompt=st.booleans())
def test_generated_conversations_match_the_template(
    tools: list[dict[str, Any]], messages: list[dict[str, Any]], add_generation_prompt: bool
) -> None:
    ours = render_prompt("glm4", tools, messages, add_generation_prompt=add_generation_prompt)
    assert ours == official(tools, messages, add_generation_prompt)
