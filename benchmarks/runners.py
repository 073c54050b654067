"""The parsers measured in the main interpreter, each as a runner (see ``timing.py``): ours, the
floor, the seed's approach, and re-parsing with partial-JSON parsers.

Each runner consumes the qwen2 rendering (``Action:`` / ``Action Input: {json}``) of a workload,
except ``streamparse glm4`` (the glm4 rendering) and the floor (any).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from streamparse import StreamParser


def streamparse_runner(fmt: str, tools: Any = None) -> Callable[[Sequence[str]], Callable[[], Any]]:
    """Our parser: ``feed()`` per delta, then ``close()``; the events are dropped."""

    def make(deltas: Sequence[str]) -> Callable[[], Any]:
        parser = StreamParser(fmt, tools)

        def run() -> Any:
            feed = parser.feed
            for delta in deltas:
                feed(delta)
            return parser.close()

        return run

    return make


def floor_runner(deltas: Sequence[str]) -> Callable[[], Any]:
    """A do-nothing consumer: append each delta to a list."""

    def run() -> Any:
        received: list[str] = []
        append = received.append
        for delta in deltas:
            append(delta)
        return received

    return run


# ---- the seed's approach: LLaMA-Factory's ReAct regex + json.loads on the whole text ----------

SEED_REGEX = re.compile(
    r"Action:\s*([a-zA-Z0-9_]+)\s*Action Input:\s*({.*?})(?=\nAction:|\Z)", re.DOTALL
)
"""The seed's fixed regex (several actions per response), as merged into LLaMA-Factory."""


def seed_extract(content: str) -> str | list[tuple[str, str]]:
    """LLaMA-Factory's ``extract``: the calls as ``(name, arguments JSON)``, or the content when
    a call's arguments do not parse."""
    results = []
    for name, tool_input in SEED_REGEX.findall(content):
        tool_input = tool_input.strip().strip('"').strip("```")  # noqa: B005 (the seed's code)
        try:
            arguments = json.loads(tool_input)
        except json.JSONDecodeError:
            return content
        results.append((name.strip(), json.dumps(arguments, ensure_ascii=False)))
    return results or content


def seed_per_delta_runner(deltas: Sequence[str]) -> Callable[[], Any]:
    """The seed's extractor re-run on the accumulated text after every delta (what a streaming
    frontend built on it does to find out whether a call is complete yet)."""

    def run() -> Any:
        text = ""
        result: Any = None
        for delta in deltas:
            text += delta
            result = seed_extract(text)
        return result

    return run


def seed_at_end_runner(deltas: Sequence[str]) -> Callable[[], Any]:
    """The seed's extractor run once on the whole response (no streaming of calls): accumulate,
    then parse. Reported per delta, for comparison."""

    def run() -> Any:
        parts: list[str] = []
        append = parts.append
        for delta in deltas:
            append(delta)
        return seed_extract("".join(parts))

    return run


# ---- re-parsing the arguments so far with a partial-JSON parser per delta ----------------------

ARGS_MARKER = "Action Input:"


def partial_reparse_runner(
    loads: Callable[[str], Any],
) -> Callable[[Sequence[str]], Callable[[], Any]]:
    """Accumulate the text; once a call's ``Action Input:`` has begun, re-parse its arguments so
    far with ``loads`` after every delta (how vLLM's older JSON tool parsers stream arguments).
    Finds each next call's marker with ``str.find`` from where the last one was."""

    def make(deltas: Sequence[str]) -> Callable[[], Any]:
        def run() -> Any:
            text = ""
            args_at = -1  # where the open call's arguments start
            search_from = 0
            value: Any = None
            for delta in deltas:
                text += delta
                marker = text.find(ARGS_MARKER, search_from)
                if marker != -1:
                    args_at = marker + len(ARGS_MARKER)
                    search_from = args_at
                if args_at != -1:
                    try:
                        value = loads(text[args_at:].lstrip())
                    except ValueError:
                        value = None
            return value

        return run

    return make


def partial_json_parser_loads() -> Callable[[str], Any] | None:
    try:
        import partial_json_parser
    except ImportError:
        return None
    return partial_json_parser.loads


def pydantic_core_loads() -> Callable[[str], Any] | None:
    try:
        from pydantic_core import from_json
    except ImportError:
        return None

    def loads(text: str) -> Any:
        return from_json(text, allow_partial="trailing-strings")

    return loads
