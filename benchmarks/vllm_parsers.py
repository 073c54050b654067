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

VLLM_PARSERS = {
    # format -> vLLM 0.33's own --tool-call-parser for the models that write it
    "hermes": ("hermes",),
    "qwen3_coder": ("qwen3_coder", "qwen3_xml"),
    "glm45": ("glm45",),
    "glm47": ("glm47",),
}
"""``qwen2``, ``glm4`` and ``qwen_agent`` have no vLLM parser: for them, the floor alone."""

FLOOR = "vLLM serving path, no tool parser (floor)"
NULL = "vLLM tool-parser path, a parser that passes text through"
NULL_PARSER = "bench-pass-through"


def register_null_parser() -> None:
    """A tool parser that does nothing but return each delta as content, built as the floor
    builds it (``DeltaMessage(content=delta_text)``): what vLLM's per-delta tool-parser path
    (``DelegatingParser.parse_delta`` and its bookkeeping) costs around any parser."""
    from vllm.entrypoints.generate.base.protocol import DeltaMessage
    from vllm.tool_parsers import ToolParser, ToolParserManager

    class PassThrough(ToolParser):
        engine_based_streaming = True
        supports_required_and_named = False

        def extract_tool_calls_streaming(self, previous_text: str, current_text: str,
                                         delta_text: str, *rest: Any) -> Any:
            return DeltaMessage(content=delta_text) if delta_text else None

        def finish_streaming(self) -> Any:
            return None

    ToolParserManager.register_module(NULL_PARSER, module=PassThrough)


REASONING = "+reasoning"
"""Suffix of a row's parser name: our tool parser with ``--reasoning-parser`` of the same name
(the pair docs/vllm.md gives for thinking models; the benchmark's prompt leaves the mode
"auto")."""


def parser_rows(formats: Sequence[str]) -> list[tuple[str, str | None, str]]:
    """(row label, parser name (None: no parser, "core": ours called directly), payload format)
    for every format of the registry: vLLM's parsers for it, our tool parser alone, and for
    formats of thinking models (default reasoning not "off") our tool and reasoning parser
    together; then the floor and the core."""
    from streamparse.families import FORMATS
    from streamparse_vllm import plugin_name

    rows: list[tuple[str, str | None, str]] = []
    for fmt in formats:
        for name in VLLM_PARSERS.get(fmt, ()):
            rows.append((f"vLLM {name}", name, fmt))
        ours = plugin_name(fmt)
        rows.append((f"{ours} (our vLLM plugin)", ours, fmt))
        if FORMATS[fmt].Parser.default_reasoning != "off":
            rows.append((f"{ours} + --reasoning-parser", ours + REASONING, fmt))
    rows.append((FLOOR, None, "qwen2"))
    rows.append((NULL, NULL_PARSER, "qwen2"))
    rows.append(("streamparse qwen2 (core, same process)", "core", "qwen2"))
    return rows


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
        register_null_parser()
        self.tokenizer = tokenizer
        self.request_class = ChatCompletionRequest

    def runner(self, parser_name: str | None) -> Callable[[Sequence[Any]], Callable[[], Any]]:
        from vllm.entrypoints.openai.chat_completion.stream_processor import ChatStreamProcessor
        from vllm.parser import ParserManager

        parser_cls = None
        request = self.request_class(
            model="bench", messages=[{"role": "user", "content": "go"}], tools=TOOLS, stream=True
        )
        paired = parser_name is not None and parser_name.endswith(REASONING)
        if paired:
            assert parser_name is not None
            parser_name = parser_name[: -len(REASONING)]
        if parser_name is not None:
            parser_cls = ParserManager.get_parser(
                tool_parser_name=parser_name,
                reasoning_parser_name=parser_name if paired else None,
                enable_auto_tools=True,
                tokenizer=self.tokenizer,
            )
            request = parser_cls(self.tokenizer, request.tools).adjust_request(request)
        prompt_ids = [1, 2, 3]  # a prompt that neither opens nor closes <think>: mode "auto"

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
            min_s: float, extra: bool, formats: Sequence[str] = ()) -> dict[str, Any]:
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
        import streamparse

        for label, name, fmt in parser_rows(formats or streamparse.formats()):
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
                checked = name not in (None, "core", NULL_PARSER) and workload.calls
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
    cli.add_argument("--formats", default="", help="comma-separated (default: the registry's)")
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
        [f for f in args.formats.split(",") if f],
    )
    Path(args.json_out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
