"""The ``streamparse`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import StreamparseError
from .parser import StreamParser, formats
from .prompts import prompt_formats


def _read_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SystemExit(f"streamparse: cannot read {what} {path!r}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise SystemExit(f"streamparse: {what} {path!r} is not valid JSON: {exc}") from None


def _cmd_parse(args: argparse.Namespace) -> int:
    tools = _read_json(args.tools, "tools file") if args.tools else None
    parser = StreamParser(args.format, tools=tools)
    source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
    out = sys.stdout
    try:
        while True:
            delta = source.read(args.chunk_size)
            if not delta:
                break
            for event in parser.feed(delta):
                out.write(event.model_dump_json() + "\n")
    finally:
        if source is not sys.stdin:
            source.close()
    for event in parser.close():
        out.write(event.model_dump_json() + "\n")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    interactive = sys.stdout.isatty()
    delay = args.delay if args.delay is not None else (0.03 if interactive else 0.0)
    run_demo(sys.stdout, delay=delay, color=interactive and not args.no_color)
    return 0


def _cmd_prompt(args: argparse.Namespace) -> int:
    from .prompts import prompt_from_files

    text = prompt_from_files(
        args.format,
        args.tools,
        args.messages,
        add_generation_prompt=not args.no_generation_prompt,
        variant=args.variant,
    )
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="streamparse", description="Tool calls out of an LLM's token stream, while it streams."
    )
    commands = cli.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="parse a response, print its events as JSON lines")
    parse.add_argument("--format", required=True, choices=formats())
    parse.add_argument("--tools", help="JSON file with a list of tool definitions")
    parse.add_argument("--chunk-size", type=int, default=4, help="characters per delta (default 4)")
    parse.add_argument("file", nargs="?", default="-", help="response text file, or - for stdin")
    parse.set_defaults(run=_cmd_parse)

    demo = commands.add_parser("demo", help="stream built-in responses and show events arriving")
    demo.add_argument("--delay", type=float, help="seconds between deltas (default 0.03 on a tty)")
    demo.add_argument("--no-color", action="store_true")
    demo.set_defaults(run=_cmd_demo)

    prompt = commands.add_parser("prompt", help="render a conversation into the model's prompt")
    prompt.add_argument("--format", required=True, choices=prompt_formats())
    prompt.add_argument("--tools", required=True,
                        help="JSON file: a list of tools, or a request body with 'tools'; - for stdin")
    prompt.add_argument("--messages", help="JSON file: OpenAI-style messages, or a request body")
    prompt.add_argument("--variant", help="glm4: official (default) or llamafactory")
    prompt.add_argument("--no-generation-prompt", action="store_true")
    prompt.set_defaults(run=_cmd_prompt)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "chunk_size", 1) < 1:
        raise SystemExit("streamparse: --chunk-size must be at least 1")
    try:
        return args.run(args)
    except StreamparseError as exc:
        raise SystemExit(f"streamparse: {exc}") from None
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
