"""The ``streamparse`` command line: ``parse``, ``demo`` and ``prompt``.

Every mistake (a missing or unreadable file, a directory, binary or UTF-16 input, a bad option
value, an invalid tools file) ends with one line on stderr naming it and a non-zero exit status:
2 for a wrong option, 1 for a file or input that cannot be used. Never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TextIO

from ._textfiles import iter_text, load_json_list
from .errors import StreamparseError
from .parser import StreamParser, formats
from .prompts import prompt_formats

PROGRESS_MIN_BYTES = 4 << 20  # a file at least this long shows progress on a terminal's stderr
OUTPUT_BATCH = 512  # event lines joined into one write


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (the problem and where to find help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number, at least ``minimum``."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return whole_number


_positive_int = _int_at_least(1)
_non_negative_int = _int_at_least(0)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


def _version() -> str:
    from . import __version__

    return f"streamparse {__version__} (distribution streamparse-llm)"


# ---- parse --------------------------------------------------------------------------------------


def _deltas(blocks: Iterator[str], size: int) -> Iterator[str]:
    """``size``-character deltas of the text, whatever the block boundaries are."""
    rest = ""
    for block in blocks:
        text = rest + block if rest else block
        whole = len(text) - len(text) % size
        for i in range(0, whole, size):
            yield text[i : i + size]
        rest = text[whole:]
    if rest:
        yield rest


def _with_progress(blocks: Iterator[str], path: str, err: TextIO) -> Iterator[str]:
    """Pass the blocks through, showing how far the file has been read (stderr is a terminal)."""
    try:
        total = os.path.getsize(path) if path != "-" else 0
    except OSError:
        total = 0
    if path != "-" and total < PROGRESS_MIN_BYTES:
        yield from blocks
        return
    done = 0
    shown = False
    started = time.perf_counter()
    for block in blocks:
        yield block
        done += len(block)  # characters: close to bytes, enough for a progress line
        if done < PROGRESS_MIN_BYTES:  # standard input: only once it is long
            continue
        shown = True
        elapsed = time.perf_counter() - started
        share = f" {min(done / total, 1.0):4.0%} of {total / 1e6:.1f} MB," if total else ""
        err.write(f"\rstreamparse:{share} {done / 1e6:.1f} M characters, {elapsed:.0f} s ")
        err.flush()
    if shown:
        err.write("\r\x1b[K")
        err.flush()


def _summary(parser: StreamParser, deltas: Iterator[str]) -> dict[str, Any]:
    text = reasoning = calls = errors = count = 0
    started = time.perf_counter()
    feed = parser.feed

    def tally(events: list[Any]) -> None:
        nonlocal text, reasoning, calls, errors
        for event in events:
            kind = event.type
            if kind == "text":
                text += len(event.text)
            elif kind == "tool_call_end":
                calls += 1
            elif kind == "tool_call_error":
                errors += 1
            elif kind == "reasoning":
                reasoning += len(event.text)

    for delta in deltas:
        count += 1
        events = feed(delta)
        if events:
            tally(events)
    tally(parser.close())
    return {
        "text_chars": text,
        "reasoning_chars": reasoning,
        "calls": calls,
        "errors": errors,
        "deltas": count,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _print_events(
    parser: StreamParser, deltas: Iterator[str], out: TextIO, partial: bool = False
) -> None:
    lines: list[str] = []
    feed = parser.feed
    for delta in deltas:
        events = feed(delta)
        for event in events:
            lines.append(event.model_dump_json())
        if partial and events:  # after a delta that moved the open call: its arguments so far
            arguments = parser.partial_arguments()
            if arguments is not None and events[-1].type in ("tool_call_start", "tool_call_delta"):
                line = {"type": "partial_arguments", "index": events[-1].index, "arguments": arguments}
                lines.append(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
        if len(lines) >= OUTPUT_BATCH:
            lines.append("")
            out.write("\n".join(lines))
            lines.clear()
    lines.extend(event.model_dump_json() for event in parser.close())
    if lines:
        lines.append("")
        out.write("\n".join(lines))


def _cmd_parse(args: argparse.Namespace) -> int:
    tools = load_json_list(args.tools, "tools") if args.tools else None
    parser = StreamParser(
        args.format, tools=tools, reasoning=args.reasoning, calls=args.calls,
        max_calls=args.max_calls, require_call=args.require_call, validate=args.validate,
    )
    blocks = iter_text(args.file, "response file")
    if sys.stderr.isatty():
        blocks = _with_progress(blocks, args.file, sys.stderr)
    deltas = _deltas(blocks, args.chunk_size)
    if args.summary:
        sys.stdout.write(json.dumps(_summary(parser, deltas)) + "\n")
    else:
        _print_events(parser, deltas, sys.stdout, partial=args.partial)
    return 0


# ---- demo, prompt -------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    interactive = sys.stdout.isatty()
    delay = args.delay if args.delay is not None else (0.03 if interactive else 0.0)
    run_demo(sys.stdout, delay=delay, color=interactive and not args.no_color)
    return 0


def _cmd_prompt(args: argparse.Namespace) -> int:
    from .prompts import prompt_from_files

    options = {name: value for name, value in (("enable_thinking", args.enable_thinking),
                                                ("lang", args.lang)) if value is not None}
    text = prompt_from_files(
        args.format,
        args.tools,
        args.messages,
        add_generation_prompt=not args.no_generation_prompt,
        variant=args.variant,
        **options,
    )
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    cli = _ArgumentParser(
        prog="streamparse",
        description="Tool calls out of an LLM's token stream, while it streams.",
    )
    cli.add_argument("--version", action="version", version=_version())
    commands = cli.add_subparsers(dest="command", required=True, metavar="COMMAND")
    format_list = ", ".join(formats())

    parse = commands.add_parser(
        "parse",
        help="parse a response, print its events as JSON lines",
        description="Feed a response file to the parser in deltas of --chunk-size characters and "
        "print each event as one JSON line (or, with --summary, only the counts).",
    )
    parse.add_argument(
        "--format", required=True, choices=formats(), metavar="FORMAT",
        help=f"the model's tool-call format: {format_list}",
    )
    parse.add_argument(
        "--tools", metavar="FILE",
        help="JSON file: a list of tool definitions, or a request body with 'tools'; - for stdin",
    )
    parse.add_argument(
        "--chunk-size", type=_positive_int, default=4, metavar="N",
        help="characters per delta (default 4)",
    )
    parse.add_argument(
        "--summary", action="store_true",
        help="print one JSON line of counts (text_chars, reasoning_chars, calls, errors, deltas, "
        "seconds) instead of the events",
    )
    parse.add_argument(
        "--reasoning", choices=("auto", "started", "off"),
        help="reasoning sections (<think>...</think>): the format's default when not given",
    )
    parse.add_argument(
        "--max-calls", type=_non_negative_int, metavar="N",
        help="calls after the first N are errors (vLLM's parallel_tool_calls=false is 1)",
    )
    parse.add_argument(
        "--require-call", action="store_true",
        help="a response that completes no call ends with an error (tool_choice='required')",
    )
    parse.add_argument(
        "--no-calls", dest="calls", action="store_false",
        help="call markup is text; only reasoning is parsed (tool_choice='none')",
    )
    parse.add_argument(
        "--partial", action="store_true",
        help="after each delta that moves an open call, also print a partial_arguments line: "
        "its arguments so far, as an object",
    )
    parse.add_argument(
        "--validate", action="store_true",
        help="check each call's arguments against its tool's JSON Schema (needs --tools and "
        "streamparse-llm[validate])",
    )
    parse.add_argument("file", nargs="?", default="-", help="UTF-8 response text file, or - for stdin")
    parse.set_defaults(run=_cmd_parse)

    demo = commands.add_parser("demo", help="stream built-in responses and show events arriving")
    demo.add_argument(
        "--delay", type=_seconds, metavar="S", help="seconds between deltas (default 0.03 on a tty)"
    )
    demo.add_argument("--no-color", action="store_true", help="no terminal colours")
    demo.set_defaults(run=_cmd_demo)

    prompt = commands.add_parser("prompt", help="render a conversation into the model's prompt")
    prompt.add_argument(
        "--format", required=True, choices=prompt_formats(), metavar="FORMAT",
        help=f"the prompt format: {', '.join(prompt_formats())}",
    )
    prompt.add_argument(
        "--tools", required=True, metavar="FILE",
        help="JSON file: a list of tools, or a request body with 'tools'; - for stdin",
    )
    prompt.add_argument(
        "--messages", metavar="FILE",
        help="JSON file: OpenAI-style messages, or a request body with 'messages'",
    )
    prompt.add_argument(
        "--variant",
        help="glm4: official (default) or llamafactory; hermes: qwen2.5 (default: Qwen3's "
        "template); qwen3_coder: qwen3.5; qwen_agent: parallel",
    )
    prompt.add_argument(
        "--enable-thinking", action=argparse.BooleanOptionalAction, default=None,
        help="the template's thinking switch, for formats that have one (hermes, qwen3_coder's "
        "qwen3.5 variant, glm45, glm47); not given: the template's default",
    )
    prompt.add_argument("--lang", choices=("en", "zh"),
                        help="qwen_agent: the language of the function-calling prompt (default en)")
    prompt.add_argument("--no-generation-prompt", action="store_true",
                        help="end after the last message, without the generation prompt")
    prompt.set_defaults(run=_cmd_prompt)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except StreamparseError as exc:
        raise SystemExit(f"streamparse: {exc}") from None
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        try:  # what is still buffered goes nowhere at exit, instead of a second error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    raise SystemExit(main())
