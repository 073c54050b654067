"""A tool-calling agent against ``vllm serve`` with the streamparse plugin, over the OpenAI API,
one per model family. Serve the model first (needs a GPU and the weights):

    # Qwen (Qwen3: Hermes-style <tool_call> JSON, thinking)
    vllm serve Qwen/Qwen3-8B --enable-auto-tool-choice \
        --tool-call-parser streamparse-hermes --reasoning-parser streamparse-hermes
    python integrations/vllm/examples/openai_agent.py --model Qwen/Qwen3-8B

    # GLM (GLM-4.7: <tool_call>NAME<arg_key>…</arg_key><arg_value>…</arg_value>, thinking)
    vllm serve zai-org/GLM-4.7-Flash --enable-auto-tool-choice \
        --tool-call-parser streamparse-glm47 --reasoning-parser streamparse-glm47
    python integrations/vllm/examples/openai_agent.py --model zai-org/GLM-4.7-Flash

Each turn streams (reasoning and text printed as they come, in their own fields), starts a tool
the moment the next call's first entry shows that the previous call is complete, runs the tools,
sends the results back and asks again, until the model answers without calls. The loop,
:func:`run_agent`, takes a ``create(**request)`` that yields chat-completion chunks as dicts, so
it runs on the OpenAI SDK here and on vLLM's real serving code with a scripted engine in
``tests/vllm/test_openai_agent.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "The current time in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    },
]


async def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
    await asyncio.sleep(0.05)  # a real tool would call a weather service
    return {"city": city, "temperature": 22 if unit == "celsius" else 72, "sky": "clear"}


async def get_time(city: str) -> dict[str, Any]:
    await asyncio.sleep(0.05)
    return {"city": city, "time": "14:05"}


TOOL_FUNCTIONS: dict[str, Callable[..., Awaitable[Any]]] = {
    "get_weather": get_weather,
    "get_time": get_time,
}

Create = Callable[..., AsyncIterator[dict[str, Any]]]


async def run_tool(name: str, arguments: str) -> str:
    function = TOOL_FUNCTIONS.get(name)
    if function is None:
        return json.dumps({"error": f"unknown tool {name!r}"})
    try:
        return json.dumps(await function(**json.loads(arguments)), ensure_ascii=False)
    except Exception as error:  # a tool's failure goes back to the model as its result
        return json.dumps({"error": str(error)})


async def one_turn(
    create: Create, messages: list[dict[str, Any]], echo: Callable[[str, str], None]
) -> tuple[dict[str, Any], list[str]]:
    """Stream one reply: returns the assistant message (content, reasoning, tool_calls) and the
    tool results in call order. A call is complete when the next one starts or the stream ends:
    its tool starts then, while the model goes on writing."""
    content: list[str] = []
    reasoning: list[str] = []
    calls: list[dict[str, Any]] = []
    running: list[asyncio.Task[str]] = []

    def start(call: dict[str, Any]) -> None:
        running.append(asyncio.ensure_future(run_tool(call["name"], call["arguments"])))

    async for chunk in create(model=None, messages=messages, tools=TOOLS, stream=True):
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if delta.get("reasoning"):
                reasoning.append(delta["reasoning"])
                echo("reasoning", delta["reasoning"])
            if delta.get("content"):
                content.append(delta["content"])
                echo("content", delta["content"])
            for entry in delta.get("tool_calls") or []:
                function = entry.get("function") or {}
                if entry.get("id"):  # a new call: the one before it is complete
                    if calls:
                        start(calls[-1])
                    calls.append({"id": entry["id"], "name": function.get("name"),
                                  "arguments": ""})
                calls[entry["index"]]["arguments"] += function.get("arguments") or ""
    if calls:
        start(calls[-1])
    results = list(await asyncio.gather(*running))
    message: dict[str, Any] = {"role": "assistant", "content": "".join(content)}
    if reasoning:
        message["reasoning"] = "".join(reasoning)
    if calls:
        message["tool_calls"] = [
            {"id": c["id"], "type": "function",
             "function": {"name": c["name"], "arguments": c["arguments"]}}
            for c in calls
        ]
    return message, results


async def run_agent(
    create: Create,
    question: str,
    echo: Callable[[str, str], None] = lambda kind, text: None,
    max_turns: int = 8,
) -> list[dict[str, Any]]:
    """Ask, run the tools the model calls, send the results back, until it answers without
    calls (or ``max_turns``). Returns the conversation."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    for _ in range(max_turns):
        message, results = await one_turn(create, messages, echo)
        messages.append(message)
        if not results:
            break
        for call, result in zip(message["tool_calls"], results, strict=True):
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return messages


def openai_create(base_url: str, model: str) -> Create:
    """``create`` on the OpenAI SDK (``pip install openai``) against ``vllm serve``."""
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="EMPTY")

    async def create(**request: Any) -> AsyncIterator[dict[str, Any]]:
        request["model"] = model
        async for chunk in await client.chat.completions.create(**request):
            data = chunk.model_dump()
            for choice in data.get("choices") or []:  # the SDK keeps extra fields as extras
                extra = getattr(chunk.choices[choice["index"]].delta, "reasoning", None)
                if extra is not None:
                    choice["delta"]["reasoning"] = extra
            yield data

    return create


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--model", required=True)
    cli.add_argument("--base-url", default="http://localhost:8000/v1")
    cli.add_argument("--question", default="What's the weather and the time in Beijing?")
    args = cli.parse_args()

    def echo(kind: str, text: str) -> None:
        print(f"\033[2m{text}\033[0m" if kind == "reasoning" else text, end="", flush=True)

    messages = asyncio.run(run_agent(openai_create(args.base_url, args.model), args.question, echo))
    print()
    for message in messages:
        if message.get("tool_calls") or message["role"] == "tool":
            print(json.dumps(message, ensure_ascii=False))


if __name__ == "__main__":
    main()
