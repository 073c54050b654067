"""vLLM 0.33's streaming tool parsers, and ours through our vLLM plugin, on the benchmark's
workloads, driven exactly as vLLM's OpenAI server drives them.

Run by ``python -m benchmarks`` in whichever interpreter has vLLM (a subprocess in the vLLM
virtualenv when the current one lacks it); on its own:

    $VLLM_VENV/bin/python -m benchmarks.vllm_parsers --sizes 1000,64000 --json-out vllm.json

The calling convention is vLLM's own, not a re-implementation of it: each stream gets a fresh
``Parser`` (``ParserManager.get_parser(tool_parser_name=..., enable_auto_tools=True)``, built as
``OpenAIServingChat._make_parser`` builds it) inside vLLM's ``ChatStreamProcessor``, and every
delta goes through ``ChatStreamProcessor.step(delta_text, delta_token_ids, finish_reason,
prompt_token_ids)``, the per-chunk call of ``OpenAIServingChat``'s streaming loop. That calls
``Parser.parse_delta``, which keeps ``previous_text``/``current_text`` and the token id lists the
way vLLM does (rebuilt per delta for legacy parsers such as ``hermes``, delta-only for
engine-based ones such as ``glm47``/``qwen3_coder``/``streamparse-*``), calls the tool parser's
``extract_tool_calls_streaming``, and at the last delta ``finalize_generation`` and
``finish_streaming``. What is left out is the engine, detokenisation and the SSE encoding, which
cost the same whichever parser is chosen.

The tokenizer is synthetic (no files needed): 256 byte-level tokens plus the special tokens the
parsers look up (``<tool_call>``, ``<arg_key>``, ..., GLM-4's ``<|assistant|>`` at its real id).
The parsers only look up these ids and otherwise work on text.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import payloads, runners
from .payloads import SPECIAL_TOKENS, TOOLS
from .timing import SizeCap, time_stream

PARSERS = (
    # (row label, --tool-call-parser name (None: no parser), payload format)
    ("vLLM hermes", "hermes", "hermes"),
    ("vLLM glm47 (engine-based)", "glm47", "glm47"),
    ("vLLM qwen3_coder (engine-based)", "qwen3_coder", "qwen3_coder"),
    ("streamparse-qwen2 (our vLLM plugin)", "streamparse-qwen2", "qwen2"),
    ("streamparse-glm4 (our vLLM plugin)", "streamparse-glm4", "glm4"),
    ("vLLM serving path, no tool parser (floor)", None, "qwen2"),
    ("streamparse qwen2 (core, same process)", "core", "qwen2"),
)
"""The last row is our parser called directly (``StreamParser.feed``), in this process, so that
the headline ratio against ``hermes`` is measured within one run of one interpreter."""


def make_tokenizer(folder: Path) -> Any:
    """A byte-level tokenizer with the special tokens the parsers need, loaded through vLLM."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from vllm.tokenizers import get_tokenizer

    vocab = {c: i for i, c in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    vocab.update({text: token_id for token_id, text in SPECIAL_TOKENS.items()})
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS.values()]
    )
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "eos_token": "<|endoftext|>",
        "chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    (folder / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    return get_tokenizer(str(folder))


class Harness:
    """Builds, per stream, what ``OpenAIServingChat`` builds for one choice."""

    def __init__(self, tokenizer: Any) -> None:
        from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

        import streamparse_vllm

        streamparse_vllm.register()
        self.tokenizer = tokenizer
        self.request_class = ChatCompletionRequest

    def runner(self, parser_name: str | None) -> Callable[[Sequence[Any]], Callable[[], Any]]:
        from vllm.entrypoints.openai.chat_completion.stream_processor import ChatStreamProcessor
        from vllm.parser import ParserManager

        parser_cls = None
        request = self.request_class(
            model="bench", messages=[{"role": "user", "content": "go"}], tools=TOOLS, stream=True
        )
        if parser_name is not None:
            parser_cls = ParserManager.get_parser(
                tool_parser_name=parser_name, enable_auto_tools=True, tokenizer=self.tokenizer
            )
            request = parser_cls(self.tokenizer, request.tools).adjust_request(request)
        prompt_ids = [1, 2, 3]

        def make(stream: Sequence[tuple[str, list[int]]]) -> Callable[[], Any]:
            parser = None
            if parser_cls is not None:
                parser = parser_cls(
                    self.tokenizer, request.tools, chat_template_kwargs={}, model_config=None
                )
            processor = ChatStreamProcessor(
                request, parser, enable_auto_tools=True, parser_cls=parser_cls
            )
            last = len(stream) - 1

            def run() -> Any:
                step = processor.step
                messages = []
                for i, (text, ids) in enumerate(stream):
                    messages.append(step(text, ids, "stop" if i == last else None, prompt_ids))
                return messages

            return run

        return make


def check_output(messages: Sequence[Any], workload: payloads.Workload) -> str:
    """Sanity check of a timed run's output: the streamed calls' arguments, parsed, equal the
    workload's. Returns "" or a note saying what differed."""
    calls: dict[int, list[str]] = {}
    for message in messages:
        step_delta = message.delta if hasattr(message, "delta") else message
        if step_delta is None:
            continue
        for call in step_delta.tool_calls or []:
            arguments = call.function.arguments if call.function else None
            calls.setdefault(call.index, []).append(arguments or "")
    got = []
    for index in sorted(calls):
        try:
            got.append(json.loads("".join(calls[index])))
        except ValueError:
            return f"call {index}: streamed arguments are not valid JSON"
    if got != list(workload.calls):
        return f"streamed {len(got)} calls, arguments differ from the payload's"
    return ""


def measure(sizes: Sequence[int], shapes: Sequence[str], repeat: int, cap_s: float,
            min_s: float, extra: bool) -> dict[str, Any]:
    import vllm

    logging.getLogger("vllm").setLevel(logging.ERROR)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(make_tokenizer(Path(tmp) / "tokenizer"))
        workloads: list[tuple[str, int | None, payloads.Workload]] = [
            (shape, size, payloads.single_call(shape, size)) for shape in shapes for size in sizes
        ]
        if extra:
            workloads += [("calls", None, payloads.many_calls())]
            workloads += [("plain", size, payloads.plain_text(size)) for size in sizes]
        for label, name, fmt in PARSERS:
            make = runners.streamparse_runner(fmt) if name == "core" else harness.runner(name)
            caps: dict[str, SizeCap] = {}
            for shape, size, workload in workloads:
                stream = payloads.token_deltas(payloads.render(workload, fmt), fmt)
                if name == "core":
                    stream = [delta for delta, _ in stream]
                cap = caps.setdefault(shape, SizeCap(cap_s))
                row = _row(rows, label, name, fmt, shape)
                key = str(size) if size is not None else "100 calls"
                reason = cap.skip_reason(size) if size is not None else None
                if reason:
                    row["cells"][key] = {"skipped": reason}
                    continue
                cell, messages = time_stream(make, stream, repeat, cap_s, min_s)
                checked = name not in (None, "core") and workload.calls
                note = check_output(messages, workload) if checked else ""
                if note:
                    cell["note"] = note
                row["cells"][key] = cell
                if size is not None:
                    cap.record(size, cell)
                print(f"  {label:40} {shape:6} {key:>9}: {cell['us_per_delta']:9.2f} us/delta",
                      file=sys.stderr, flush=True)
    return {"vllm_version": vllm.__version__, "python": sys.executable, "rows": rows}


def _row(rows: list[dict[str, Any]], label: str, name: str, fmt: str, shape: str) -> dict[str, Any]:
    for row in rows:
        if row["name"] == label and row["shape"] == shape:
            return row
    row = {"name": label, "parser": name, "format": fmt, "shape": shape, "cells": {}}
    rows.append(row)
    return row


def main(argv: Sequence[str] | None = None) -> None:
    cli = argparse.ArgumentParser(description="vLLM tool parsers on the benchmark workloads")
    cli.add_argument("--sizes", default="1000,4000,16000,64000,256000,1000000")
    cli.add_argument("--shapes", default="string,keys")
    cli.add_argument("--repeat", type=int, default=5)
    cli.add_argument("--cap", type=float, default=10.0, help="seconds one run may take")
    cli.add_argument("--min-time", type=float, default=0.25, help="seconds of runs per cell")
    cli.add_argument("--no-extra", action="store_true", help="no plain-text or 100-call rows")
    cli.add_argument("--json-out", required=True)
    args = cli.parse_args(argv)
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "ERROR")
    result = measure(
        [int(s) for s in args.sizes.split(",")],
        args.shapes.split(","),
        args.repeat,
        args.cap,
        args.min_time,
        not args.no_extra,
    )
    Path(args.json_out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
