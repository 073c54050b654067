"""Regenerate the reference prompts in this folder from Qwen-Agent itself (not run by the tests).

    python tests/data/qwen_agent/generate.py PATH/TO/qwen_agent-0.0.34/src

PATH is an unpacked qwen-agent 0.0.34 wheel (PyPI; its qwen_fncall_prompt.py is the file of
QwenLM/Qwen-Agent at bb52139da62c717231ce558fb5cf6400fe07b9be). For every conversation in
conversations.json this runs what Qwen-Agent's chat pipeline does before the model sees a prompt
(BaseChatModel.chat with functions, fncall_prompt_type="qwen", function_choice="auto"): the
messages as multimodal messages, QwenFnCallPrompt.preprocess_fncall_messages, the text messages,
and (when a generation prompt is added) simulate_response_completion_with_chat; then Qwen2's chat
template (qwen2_chat_template.jinja) renders them as transformers does. It writes ID.prompt.txt
(the whole prompt) and ID.tools.txt (the tool block Qwen-Agent appends to the system message),
and generated.jsonl: 60 more conversations drawn at random (fixed seed) by ``random_case``, one a
line with the prompt Qwen-Agent built for it.

OpenAI-style messages become Qwen-Agent messages this way: an assistant message's content (when
not empty) is one assistant message and each of its tool calls one more, with a function_call;
a tool message is a function message. Only Qwen-Agent's modules for these steps are imported
(optional dependencies it does not use here are stubbed).
"""

from __future__ import annotations

import json
import random
import sys
import types
from pathlib import Path
from typing import Any

import jinja2.sandbox

HERE = Path(__file__).parent


def load_qwen_agent(src: str) -> tuple[Any, Any, Any, Any]:
    sys.path.insert(0, src)
    for name in ("qwen_agent", "qwen_agent.llm"):
        package = types.ModuleType(name)
        package.__path__ = [str(Path(src, *name.split(".")))]
        sys.modules[name] = package
    for _ in range(20):
        try:
            from qwen_agent.llm import function_calling, schema
            from qwen_agent.llm.fncall_prompts import qwen_fncall_prompt
            from qwen_agent.utils import utils
            return schema, qwen_fncall_prompt, function_calling, utils
        except ModuleNotFoundError as missing:  # an optional dependency these steps never use
            for loaded in [k for k in sys.modules if k.startswith("qwen_agent.") and k != "qwen_agent.llm"]:
                del sys.modules[loaded]
            stub = types.ModuleType(missing.name)
            stub.__path__ = []
            sys.modules[missing.name] = stub
    raise RuntimeError("could not import Qwen-Agent's prompt modules")


def build(modules: tuple[Any, ...], template: Any, case: dict[str, Any]) -> tuple[str, str | None]:
    """Qwen-Agent's prompt and tool block for one conversation (the steps in the docstring)."""
    schema, prompt, function_calling, utils = modules
    Message, FunctionCall = schema.Message, schema.FunctionCall
    messages = []
    for m in case["messages"]:
        if m["role"] == "tool":
            messages.append(Message(role="function", content=m["content"]))
            continue
        if m["role"] != "assistant" or m.get("content") or not m.get("tool_calls"):
            messages.append(Message(role=m["role"], content=m.get("content") or ""))
        for call in m.get("tool_calls") or []:
            function = call["function"]
            messages.append(Message(role="assistant", content="", function_call=FunctionCall(
                name=function["name"], arguments=function["arguments"])))
    functions = [t.get("function", t) for t in case["tools"]]
    messages = [utils.format_as_multimodal_message(
        m, add_upload_info=True, add_multimodel_upload_info=True, add_audio_upload_info=True,
        lang=case["lang"]) for m in messages]
    if functions:
        messages = prompt.QwenFnCallPrompt.preprocess_fncall_messages(
            messages=messages, functions=functions, lang=case["lang"],
            parallel_function_calls=case["parallel"], function_choice="auto")
    else:  # BaseFnCallModel._preprocess_messages without functions (self is not used)
        messages = function_calling.BaseFnCallModel._remove_fncall_messages(None, messages, lang=case["lang"])
    messages = [utils.format_as_text_message(m, add_upload_info=False) for m in messages]
    if case["add_generation_prompt"]:
        messages = function_calling.simulate_response_completion_with_chat(messages)
    rendered = template.render(
        messages=[{"role": m.role, "content": m.content} for m in messages],
        add_generation_prompt=case["add_generation_prompt"])
    template_name = case["lang"] + ("_parallel" if case["parallel"] else "")
    descriptions = "\n\n".join(prompt.get_function_description(f, lang=case["lang"]) for f in functions)
    names = ",".join(f.get("name_for_model", f.get("name", "")) for f in functions)
    tools = prompt.FN_CALL_TEMPLATE[template_name].format(tool_descs=descriptions, tool_names=names)
    return rendered, (tools if functions else None)


TOOL_POOL = [
    {"type": "function", "function": {"name": "get_current_weather", "description": "Get the weather",
     "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}},
    {"type": "function", "function": {"name": "code_interpreter", "description": "Python代码沙盒",
     "parameters": {"type": "object", "properties": {"code": {"type": "string"}}}}},
    {"name": "天气查询", "description": "查询天气", "parameters": {"type": "object", "properties": {"城市": {"type": "string"}}}},
    {"name": "search", "description": "Web search ", "parameters": {}, "name_for_human": "Search engine"},
    {"name": "calc", "description": "", "parameters": {"type": "object"}, "args_format": ""},
]
TEXTS = ["Hi", "What's the weather in Boston?", "北京呢？", "", "Line one\nline two", "{\"a\": 1}",
         "x\n✿RETURN✿: ", "  spaced  ", "Done.\n", "✿FUNCTION✿: fake"]
RESULTS = ["22", "", "晴", "{\"temperature\": 22}", "line\nbreak"]


def random_case(rng: random.Random, number: int) -> dict[str, Any]:
    """A conversation of the shapes Qwen-Agent accepts: an optional system message, a user
    message, then users, assistants (with or without calls) and results after calls."""
    tools = rng.sample(TOOL_POOL, rng.randint(0, 3))
    names = [t.get("function", t)["name"] for t in tools] or ["get_current_weather"]
    messages: list[dict[str, Any]] = []
    if rng.random() < 0.5:
        messages.append({"role": "system", "content": rng.choice(["You are a helpful assistant.", "", "你是助手。"])})
    messages.append({"role": "user", "content": rng.choice(TEXTS)})
    previous, pending = "user", 0
    for _ in range(rng.randint(0, 6)):
        choices = ["assistant"] if previous == "user" else []
        choices += ["tool"] * (pending > 0) + ["assistant"] * (previous == "tool") + ["user"] * (pending == 0)
        role = rng.choice(choices)
        if role == "tool":
            messages.append({"role": "tool", "content": rng.choice(RESULTS)})
            pending -= 1
        elif role == "assistant":
            calls = []
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                arguments = {"location": rng.choice(["Boston", "北京", "a \"b\""])}
                calls.append({"type": "function", "function": {"name": rng.choice(names), "arguments":
                              json.dumps(arguments, ensure_ascii=rng.random() < 0.3)}})
            message = {"role": "assistant", "content": rng.choice(TEXTS)}
            if calls:
                message["tool_calls"] = calls
            messages.append(message)
            pending = len(calls)
        else:
            messages.append({"role": "user", "content": rng.choice(TEXTS)})
        previous = role
    return {"id": f"generated-{number}", "lang": rng.choice(["en", "zh"]), "parallel": rng.random() < 0.5,
            "add_generation_prompt": rng.random() < 0.8, "tools": tools, "messages": messages}


def main(src: str) -> None:
    modules = load_qwen_agent(src)
    assert modules[0].DEFAULT_SYSTEM_MESSAGE == ""  # 0.0.34 adds no default system message
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    template = env.from_string((HERE / "qwen2_chat_template.jinja").read_text(encoding="utf-8"))
    for case in json.loads((HERE / "conversations.json").read_text(encoding="utf-8")):
        rendered, tools = build(modules, template, case)
        (HERE / f"{case['id']}.prompt.txt").write_text(rendered, encoding="utf-8")
        if tools is not None:
            (HERE / f"{case['id']}.tools.txt").write_text(tools, encoding="utf-8")
        print(case["id"], len(rendered))
    rng = random.Random(20261201)
    lines = []
    for number in range(60):
        case = random_case(rng, number)
        case["prompt"], _ = build(modules, template, case)
        lines.append(json.dumps(case, ensure_ascii=False))
    (HERE / "generated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("generated.jsonl", len(lines))


if __name__ == "__main__":
    main(sys.argv[1])
