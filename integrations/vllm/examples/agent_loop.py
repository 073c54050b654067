"""A tool-calling agent on vLLM's ``AsyncLLM``, with streamparse reading the calls as they stream.

    python integrations/vllm/examples/agent_loop.py --model THUDM/glm-4-9b-chat --format glm4
    python integrations/vllm/examples/agent_loop.py --model Qwen/Qwen2-7B-Instruct --format qwen2

Needs a GPU and the model. Each turn streams the reply (text printed as it comes), starts a tool
the moment its call is complete (``tool_call_end``), not at the end of the turn, then feeds the
results back and generates again, until the model answers without calls. The loop itself,
:func:`run_agent`, takes the engine's ``generate`` and the prompt renderer as arguments, and is
tested with a scripted engine (``tests/vllm/test_agent_loop.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Any

from streamparse_vllm import parse_outputs

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {"type": "string", "description": "City name"},
                    "format": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["location"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "calculate_gpa",
            "description": "Grade point average of letter grades weighted by credit hours",
            "parameters": {
                "type": "object",
                "properties": {
                    "grades": {"type": "array", "items": {"type": "string"}},
                    "hours": {"type": "array", "items": {"type": "integer"}},
                },
                "required": ["grades", "hours"],
            },
        },
    },
]


async def get_current_weather(location: str, format: str = "celsius") -> dict[str, Any]:
    await asyncio.sleep(0.1)  # a real tool would call a weather service here
    return {"location": location, "temperature": 22 if format == "celsius" else 72, "sky": "clear"}


async def calculate_gpa(grades: list[str], hours: list[int]) -> dict[str, Any]:
    points = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0, "F": 0.0}
    total = sum(points[g] * h for g, h in zip(grades, hours, strict=False))
    return {"gpa": round(total / max(sum(hours), 1), 2)}


FUNCTIONS: dict[str, Callable[..., Awaitable[Any]]] = {
    "get_current_weather": get_current_weather,
    "calculate_gpa": calculate_gpa,
}

Generate = Callable[[str], AsyncIterable[Any]]
"""prompt -> ``RequestOutput``s of one request (DELTA output kind)."""


async def call_tool(
    functions: dict[str, Callable[..., Awaitable[Any]]], name: str, arguments: dict[str, Any]
) -> str:
    try:
        return json.dumps(await functions[name](**arguments), ensure_ascii=False)
    except Exception as exc:  # the model sees the failure and can recover
        return json.dumps({"error": f"{type(exc).__name__}: {exc}"})


async def run_agent(
    generate: Generate,
    render: Callable[[list[dict[str, Any]]], str],
    messages: list[dict[str, Any]],
    *,
    format: str,
    tools: list[dict[str, Any]] = TOOLS,
    functions: dict[str, Callable[..., Awaitable[Any]]] = FUNCTIONS,
    parser_options: dict[str, Any] | None = None,
    max_turns: int = 5,
    on_text: Callable[[str], None] = lambda text: None,
) -> list[dict[str, Any]]:
    """Generate, run the calls, append the results, repeat. Returns the conversation, ending
    with the assistant's answer (OpenAI-style messages)."""
    messages = list(messages)
    for _ in range(max_turns):
        content: list[str] = []
        calls: list[dict[str, Any]] = []
        running: list[asyncio.Task[str]] = []
        async for update in parse_outputs(
            generate(render(messages)),
            format,
            tools,
            output_kind="delta",
            **(parser_options or {}),
        ):
            for event in update.events:
                if event.type == "text":
                    content.append(event.text)
                    on_text(event.text)
                elif event.type == "tool_call_end":
                    # Start the tool now; the model may still be writing the next call.
                    calls.append(
                        {
                            "id": event.id,
                            "type": "function",
                            "function": {"name": event.name, "arguments": event.raw_arguments},
                        }
                    )
                    running.append(
                        asyncio.create_task(call_tool(functions, event.name, event.arguments))
                    )
                elif event.type == "tool_call_error":
                    note = f"[tool call {event.name!r} failed: {event.message}]"
                    content.append(note)
                    on_text(note)
        text = "".join(content).strip()
        messages.append(
            {"role": "assistant", "content": text, **({"tool_calls": calls} if calls else {})}
        )
        if not calls:
            return messages
        for call, result in zip(calls, await asyncio.gather(*running), strict=True):
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return messages


def make_render(format: str, tokenizer: Any, tools: list[dict[str, Any]]):
    """The model's prompt for a conversation: streamparse's renderer where it has one, else
    the model's own chat template."""
    try:
        from streamparse.prompts import render_prompt
    except ImportError:
        render_prompt = None

    def render(messages: list[dict[str, Any]]) -> str:
        if render_prompt is not None:
            return render_prompt(format, tools, messages)
        return tokenizer.apply_chat_template(
            messages, tools=tools, tokenize=False, add_generation_prompt=True
        )

    return render


async def main() -> None:
    from vllm import SamplingParams
    from vllm.engine.arg_utils import AsyncEngineArgs
    from vllm.sampling_params import RequestOutputKind
    from vllm.v1.engine.async_llm import AsyncLLM

    from streamparse_vllm.tool_parser import GLM4_SPECIAL_TOKENS, special_token_ids

    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--model", default="THUDM/glm-4-9b-chat")
    cli.add_argument("--format", choices=["glm4", "qwen2"], default="glm4")
    cli.add_argument("--max-model-len", type=int, default=8192)
    cli.add_argument(
        "question",
        nargs="?",
        default="What's the weather in Beijing? Also my GPA: A (3 hours), B (4 hours).",
    )
    args = cli.parse_args()

    engine = AsyncLLM.from_engine_args(
        AsyncEngineArgs(model=args.model, trust_remote_code=True, max_model_len=args.max_model_len)
    )
    tokenizer = engine.tokenizer
    options: dict[str, Any] = {}
    params = dict(max_tokens=1024, temperature=0.0, output_kind=RequestOutputKind.DELTA)
    if args.format == "glm4":
        ids = special_token_ids(tokenizer, GLM4_SPECIAL_TOKENS)
        options["special_token_ids"] = ids
        # Keep <|assistant|> between calls; stop at the end-of-turn tokens.
        params.update(
            skip_special_tokens=False,
            stop_token_ids=[i for i, t in ids.items() if t != "<|assistant|>"],
        )
    else:
        params.update(stop=["Observation:"])
    sampling = SamplingParams(**params)

    def generate(prompt: str) -> AsyncIterable[Any]:
        # The rendered prompt already holds the special tokens it needs ([gMASK]<sop> for GLM-4).
        return engine.generate(
            prompt,
            sampling,
            request_id=uuid.uuid4().hex,
            tokenization_kwargs={"add_special_tokens": False},
        )

    try:
        conversation = await run_agent(
            generate,
            make_render(args.format, tokenizer, TOOLS),
            [{"role": "user", "content": args.question}],
            format=args.format,
            parser_options=options,
            on_text=lambda text: print(text, end="", flush=True),
        )
    finally:
        engine.shutdown()
    print()
    for message in conversation[1:]:
        print(json.dumps(message, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
