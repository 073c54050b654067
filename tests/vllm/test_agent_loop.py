"""The example agent loop (integrations/vllm/examples/agent_loop.py) over a scripted engine that
yields real ``RequestOutput``s: calls run as soon as they complete, results go back to the model,
the loop ends on a reply without calls."""

from __future__ import annotations

import asyncio
import json

import pytest
from vllm_harness import case_by_name, chunkings, load_example, request_outputs


@pytest.fixture(scope="module")
def agent():
    return load_example("agent_loop")


def scripted(turns):
    """A ``generate(prompt)`` that replays one recorded turn per call (DELTA outputs)."""
    prompts: list[str] = []
    state = {"generating": False}

    async def generate(prompt):
        prompts.append(prompt)
        deltas, finish = turns[len(prompts) - 1]
        state["generating"] = True
        for output in request_outputs({0: deltas}, "delta", {0: finish}):
            await asyncio.sleep(0)  # let started tools run, as a real engine would
            yield output
        state["generating"] = False

    return generate, prompts, state


def render(messages):
    return json.dumps(messages)


@pytest.mark.parametrize(
    "case_name",
    ["qwen2_two_calls", "glm4_two_calls_skipped_specials", "glm4_two_calls_kept_specials"],
)
async def test_agent_runs_calls_and_answers(agent, case_name):
    case = case_by_name(case_name)
    answer = [("Final Answer: 22°C and GPA 3.43.", [1])]
    if case["format"] == "glm4":
        answer = [("\n22°C, GPA 3.43.", [1])]
    generate, prompts, state = scripted(
        [(chunkings(case["tokens"])["merged"], "stop"), (answer, "stop")]
    )
    started_while_generating = []

    async def weather(location, format="celsius"):
        started_while_generating.append(state["generating"])
        return {"location": location, "temperature": 22}

    functions = dict(agent.FUNCTIONS, get_current_weather=weather)
    conversation = await agent.run_agent(
        generate,
        render,
        [{"role": "user", "content": "weather and GPA?"}],
        format=case["format"],
        functions=functions,
    )
    assert started_while_generating == [True]  # the tool started before the turn ended
    user, calls, weather_result, gpa_result, final = conversation
    assert [c["function"]["name"] for c in calls["tool_calls"]] == [
        "get_current_weather",
        "calculate_gpa",
    ]
    assert [weather_result["tool_call_id"], gpa_result["tool_call_id"]] == [
        c["id"] for c in calls["tool_calls"]
    ]
    assert json.loads(weather_result["content"])["temperature"] == 22
    assert json.loads(gpa_result["content"]) == {"gpa": 3.43}
    assert "tool_calls" not in final and "3.43" in final["content"]
    assert len(prompts) == 2 and json.loads(prompts[1]) == conversation[:4]


async def test_agent_reports_failed_calls_and_tool_errors(agent):
    turn = [
        ('Action: calculate_gpa\nAction Input: {"grades": ["Z"], "hours": [1]}\n', [1]),
        ('Action: get_current_weather\nAction Input: {"location": "Bos', [2]),
    ]
    generate, _, _ = scripted([(turn, "length"), ([("Final Answer: sorry", [3])], "stop")])
    conversation = await agent.run_agent(
        generate, render, [{"role": "user", "content": "?"}], format="qwen2"
    )
    first = conversation[1]
    assert [c["function"]["name"] for c in first["tool_calls"]] == ["calculate_gpa"]
    assert "failed" in first["content"] and "token limit" in first["content"]
    assert "KeyError" in json.loads(conversation[2]["content"])["error"]
    assert conversation[-1]["content"] == "Final Answer: sorry"
