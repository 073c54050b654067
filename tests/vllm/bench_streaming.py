"""Measure vLLM's two tool-parser call conventions with the streamparse parser: µs per delta for one
call with a long argument, through vLLM's ``Parser.parse_delta`` (the per-delta path of
``OpenAIServingChat``) and through the whole ``OpenAIServingChat`` streaming loop.

    cd /work/main && /root/.cache/streamparse/vllm-venv/bin/python tests/vllm/bench_streaming.py

- ``engine_based``: ``streamparse-qwen2`` as shipped (``engine_based_streaming = True``): vLLM
  passes ``current_text = delta_text`` and calls ``finish_streaming()`` at the end.
- ``legacy``: the same class with ``engine_based_streaming = False``: vLLM rebuilds
  ``current_text = previous_text + delta_text`` and ``current_token_ids = previous + delta`` for
  every delta (O(total) each), although the parser reads neither.

Deltas are 4 characters (one token id each), about what a BPE tokenizer gives for JSON text.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from vllm_harness import (  # noqa: E402
    ScriptedEngine,
    make_tokenizer_dir,
    run_chat,
    serving_chat,
)

TOOLS = [{"type": "function", "function": {"name": "write_file", "parameters": {"type": "object"}}}]
CHUNK = 4


def response(chars: int) -> str:
    body = json.dumps({"path": "notes.txt", "content": "lorem ipsum " * (chars // 12)})
    return f"Action: write_file\nAction Input: {body}\nFinal Answer: done"


def deltas(text: str) -> list[tuple[str, list[int]]]:
    return [(text[i : i + CHUNK], [i // CHUNK]) for i in range(0, len(text), CHUNK)]


def register_legacy() -> None:
    from vllm.tool_parsers import ToolParserManager

    from streamparse_vllm.tool_parser import Qwen2StreamparseToolParser

    class LegacyQwen2(Qwen2StreamparseToolParser):
        engine_based_streaming = False

    ToolParserManager.register_module("streamparse-qwen2-legacy", module=LegacyQwen2)


def bench_parse_delta(name: str, stream: list[tuple[str, list[int]]], tokenizer) -> float:
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest
    from vllm.parser import ParserManager

    cls = ParserManager.get_parser(tool_parser_name=name, enable_auto_tools=True)
    request = ChatCompletionRequest(
        model="m", messages=[{"role": "user", "content": "x"}], tools=TOOLS
    )
    parser = cls(tokenizer, request.tools)
    last = len(stream) - 1
    start = time.perf_counter()
    for i, (text, ids) in enumerate(stream):
        parser.parse_delta(text, ids, request, [1, 2, 3], finished=i == last)
    return (time.perf_counter() - start) / len(stream) * 1e6


def bench_serving(name: str, stream: list[tuple[str, list[int]]], engine: ScriptedEngine) -> float:
    engine.script = {0: stream}
    engine.finish_reasons = {0: "stop"}
    serving = serving_chat(engine, name)
    body = {"messages": [{"role": "user", "content": "x"}], "tools": TOOLS, "stream": True}

    async def run() -> float:
        generator = await run_chat(serving, body)
        start = time.perf_counter()
        async for _ in generator:
            pass
        return (time.perf_counter() - start) / len(stream) * 1e6

    return asyncio.run(run())


def main() -> None:
    from vllm.tokenizers import get_tokenizer

    import streamparse_vllm

    streamparse_vllm.register()
    register_legacy()
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer_dir = make_tokenizer_dir(Path(tmp))
        tokenizer = get_tokenizer(str(tokenizer_dir))
        engine = ScriptedEngine(tokenizer_dir)
        print(
            f"{'argument chars':>14} {'deltas':>7} {'path':>12} {'parse_delta µs/delta':>21} "
            f"{'serving µs/delta':>17}"
        )
        for chars in (16_000, 64_000, 256_000):
            stream = deltas(response(chars))
            for label, name in (
                ("engine_based", "streamparse-qwen2"),
                ("legacy", "streamparse-qwen2-legacy"),
            ):
                parse = statistics.median(
                    bench_parse_delta(name, stream, tokenizer) for _ in range(5)
                )
                serve = statistics.median(bench_serving(name, stream, engine) for _ in range(3))
                print(f"{chars:>14} {len(stream):>7} {label:>12} {parse:>21.1f} {serve:>17.1f}")


if __name__ == "__main__":
    main()
