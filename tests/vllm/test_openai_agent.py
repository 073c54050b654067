"""The OpenAI-API agent example (integrations/vllm/examples/openai_agent.py), one per family
(Qwen3 with streamparse-hermes, GLM-4.7 with streamparse-glm47, each with its reasoning parser),
on vLLM's real OpenAIServingChat over a scripted engine: reasoning and calls arrive in their
fields, the tools run, the results go back, and the loop ends on the answer."""

from __future__ import annotations

import json

import pytest
from test_formats import chunked
from vllm_harness import load_example, run_chat, serving_chat, sse_chunks

from streamparse.prompts import render_assistant_calls
from streamparse_vllm import plugin_name


@pytest.fixture(scope="module")
def agent():
    return load_example("openai_agent")


@pytest.mark.parametrize(("fmt", "thinking"), [("hermes", "auto"), ("glm47", "started")])
async def test_agent_loop_per_family(engine, agent, fmt, thinking):
    calls = [
        {"name": "get_weather", "arguments": {"city": "北京"}},
        {"name": "get_time", "arguments": {"city": "北京"}},
    ]
    first = render_assistant_calls(fmt, calls, content="Checking both.")
    thought = "Two tools, then answer."
    first = (f"<think>\n{thought}\n</think>\n\n" if thinking == "auto" else f"{thought}</think>") + first
    answer = "<think>\nDone.\n</think>\n\nIt is 22 C and 14:05." if thinking == "auto" else (
        "Done.</think>It is 22 C and 14:05."
    )
    turns = [chunked(first, "merged"), chunked(answer, "merged")]
    name = plugin_name(fmt)
    serving = serving_chat(engine, name, name)
    seen_requests = []

    async def create(**request):
        seen_requests.append({**request, "messages": list(request["messages"])})
        engine.script = {0: turns[len(seen_requests) - 1]}
        engine.finish_reasons = {0: "stop"}
        body = {k: v for k, v in request.items() if k != "model"}
        if thinking == "started":
            body["chat_template_kwargs"] = {"enable_thinking": True}
        for chunk in await sse_chunks(await run_chat(serving, body)):
            yield chunk

    echoed = []
    messages = await agent.run_agent(create, "Weather and time in Beijing?",
                                     lambda kind, text: echoed.append((kind, text)))
    assert len(seen_requests) == 2
    assistant = messages[1]
    assert assistant["reasoning"] == thought
    assert assistant["content"] == "Checking both."
    assert [(c["function"]["name"], json.loads(c["function"]["arguments"]))
            for c in assistant["tool_calls"]] == [(c["name"], c["arguments"]) for c in calls]
    results = [json.loads(m["content"]) for m in messages[2:4]]
    assert results[0]["temperature"] == 22 and results[1]["time"] == "14:05"
    assert [m["tool_call_id"] for m in messages[2:4]] == [c["id"] for c in assistant["tool_calls"]]
    assert seen_requests[1]["messages"] == messages[:4]  # the results went back
    assert messages[-1]["content"] == "It is 22 C and 14:05."
    assert messages[-1]["reasoning"] == "Done."
    assert "".join(text for kind, text in echoed if kind == "reasoning") == thought + "Done."
