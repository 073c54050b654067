"""``streamparse demo``: stream realistic responses through the parsers and show events arrive.

Deltas are token-sized: the text is split the way BPE tokenizers pre-split it (a word with its
leading space, a run of punctuation, one CJK character, ...), which is close to what an engine
emits per token without needing a tokenizer.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from .events import (
    Event,
    ReasoningEvent,
    TextEvent,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallError,
    ToolCallStart,
)
from .parser import StreamParser

TOKEN_LIKE = re.compile(
    r"'(?:s|t|re|ve|m|ll|d)| ?[A-Za-z]+| ?[0-9]| ?[\u3400-\u9fff]| ?[^\sA-Za-z0-9\u3400-\u9fff]+\n*|\s*\n+|\s+"
)

DEMO_TOOLS = [
    {"type": "function", "function": {
        "name": "get_current_weather", "description": "Get the current weather",
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "format": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["location", "format"]}}},
    {"type": "function", "function": {
        "name": "calculate_gpa",
        "description": "Calculate the Grade Point Average (GPA) based on grades and credit hours",
        "parameters": {"type": "object", "properties": {
            "grades": {"type": "array", "items": {"type": "string"}},
            "hours": {"type": "array", "items": {"type": "integer"}}},
            "required": ["grades", "hours"]}}},
]

DEMOS = [
    ("qwen2", "Qwen2, ReAct prompt, two actions in one reply", (
        "Thought: The user wants the weather in Boston and their GPA. I can call both tools.\n"
        "Action: get_current_weather\n"
        'Action Input: {"location": "Boston, MA", "format": "celsius"}\n'
        "Action: calculate_gpa\n"
        'Action Input: {"grades": ["A", "B", "A-"], "hours": [3, 4, 3]}\n'
    )),
    ("qwen2", "Qwen2, a call to a tool that was not offered, then a final answer", (
        "Thought: 我需要发邮件。\n"
        "Action: send_email\n"
        'Action Input: {"to": "li@example.com", "body": "会议改到 3 点 \\"准时\\""}\n'
        "Final Answer: I could not send the email: that tool is not available."
    )),
    ("glm4", "GLM-4, two calls separated by <|assistant|> (special tokens kept, as vLLM emits them)", (
        ' get_current_weather\n{"location": "北京", "format": "celsius"} <|assistant|> calculate_gpa\n'
        '{"grades": ["A", "B"], "hours": [3, 4]} <|observation|>'
    )),
    ("glm4", "GLM-4, a plain reply", "\n北京今天晴，最高气温 22°C。Tomorrow looks similar."),
    ("hermes", "Qwen3, reasoning then two calls in <tool_call> tags", (
        "<think>\nTwo cities, so I call the weather tool twice; Celsius for both.\n</think>\n\n"
        "Let me check both cities.\n<tool_call>\n"
        '{"name": "get_current_weather", "arguments": {"location": "Zürich", "format": "celsius"}}\n'
        "</tool_call>\n<tool_call>\n"
        '{"name": "get_current_weather", "arguments": {"location": "北京", "format": "celsius"}}\n'
        "</tool_call>"
    )),
    ("qwen3_coder", "Qwen3.5, inside the reasoning its prompt opened (reasoning='started'), then XML calls typed by the schema", (
        "The user wants Boston's GPA report and the weather.\n</think>\n\n"
        "<tool_call>\n<function=calculate_gpa>\n<parameter=grades>\n[\"A\", \"B+\"]\n</parameter>\n"
        "<parameter=hours>\n[3, 4]\n</parameter>\n</function>\n</tool_call>\n"
        "<tool_call>\n<function=get_current_weather>\n<parameter=location>\n  Boston, MA\n"
        "</parameter>\n<parameter=format>\ncelsius\n</parameter>\n</function>\n</tool_call>"
    )),
    ("glm45", "GLM-4.6, reasoning, text, then a call with <arg_key>/<arg_value>", (
        "<think>Weather for Beijing, in Celsius.</think>\nLet me check.\n"
        "<tool_call>get_current_weather\n<arg_key>location</arg_key>\n<arg_value>北京</arg_value>\n"
        "<arg_key>format</arg_key>\n<arg_value>celsius</arg_value>\n</tool_call>"
    )),
    ("glm47", "GLM-4.7, inside the reasoning its prompt opened (its default), two calls with no newlines", (
        "Two cities.</think><tool_call>get_current_weather<arg_key>location</arg_key>"
        "<arg_value>Paris</arg_value><arg_key>format</arg_key><arg_value>celsius</arg_value>"
        "</tool_call><tool_call>get_current_weather<arg_key>location</arg_key>"
        "<arg_value>东京</arg_value><arg_key>format</arg_key><arg_value>celsius</arg_value></tool_call>"
    )),
    ("qwen_agent", "Qwen-Agent's function-calling prompt: two calls, then text", (
        "I'll look up both cities.\n"
        "✿FUNCTION✿: get_current_weather\n"
        '✿ARGS✿: {"location": "Boston, MA", "format": "fahrenheit"}\n'
        "✿FUNCTION✿: get_current_weather\n"
        '✿ARGS✿: {"location": "上海", "format": "celsius"}\n'
        "Both lookups are on their way."
    )),
]


FORM_DEMO = ("hermes", (
    '<tool_call>\n{"name": "calculate_gpa", "arguments": '
    '{"grades": ["A", "B+", "A-"], "hours": [3, 4, 3], "note": "spring term"}}\n</tool_call>'
))


def token_like_deltas(text: str) -> list[str]:
    return TOKEN_LIKE.findall(text)


def _events_for(fmt: str, text: str, title: str = "") -> Iterator[Event | None]:
    started = "reasoning='started'" in title  # the prompt opened <think> (Qwen3.5)
    parser = StreamParser(fmt, tools=DEMO_TOOLS, reasoning="started" if started else None)
    for delta in token_like_deltas(text):
        yield from parser.feed(delta)
        yield None  # a delta boundary, for pacing
    yield from parser.close()


def run_demo(out: TextIO = sys.stdout, delay: float = 0.0, color: bool = False) -> None:
    """Stream each built-in response through its parser and write the events as they arrive
    (``delay`` seconds between deltas; ANSI colours if ``color``)."""
    if delay < 0:
        raise ValueError(f"delay must be 0 or more seconds, not {delay}")

    def paint(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    for fmt, title, text in DEMOS:
        deltas = token_like_deltas(text)
        out.write(paint("1", f"== {fmt}: {title} ({len(deltas)} deltas) ==") + "\n")
        at_line_start = True
        thinking = False  # inside a run of reasoning events
        for event in _events_for(fmt, text, title):
            if event is None:
                out.flush()
                if delay:
                    time.sleep(delay)
                continue
            shows = not isinstance(event, TextEvent | ReasoningEvent) or bool(event.text)
            if shows and isinstance(event, ReasoningEvent) != thinking:
                thinking = not thinking  # reasoning starts or ends: label it
                if not at_line_start:
                    out.write("\n")
                out.write(paint("2", "  .. reasoning: " if thinking else "  .. (reasoning ends)\n"))
                at_line_start = not thinking
            if isinstance(event, TextEvent | ReasoningEvent):
                if event.text:
                    out.write(paint("2", event.text) if thinking else event.text)
                    at_line_start = event.text.endswith("\n")
                continue
            if isinstance(event, ToolCallDelta):
                out.write(paint("36", event.arguments_delta))
                at_line_start = False
                continue
            if not isinstance(event, (ToolCallStart, ToolCallEnd, ToolCallError)):
                continue  # an event type this demo does not show
            if not at_line_start:
                out.write("\n")
            if isinstance(event, ToolCallStart):
                out.write(paint("36", f"  >> call #{event.index} {event.name}  ") + "args: ")
                at_line_start = False
                continue
            if isinstance(event, ToolCallEnd):
                args = json.dumps(event.arguments, ensure_ascii=False)
                out.write(paint("32", f"  ok call #{event.index} {event.name} complete: {args}") + "\n")
            else:
                where = "never started" if event.index is None else f"call #{event.index}"
                message = f"  !! error ({where}, {event.name}): {event.message}; raw {event.raw!r}"
                out.write(paint("31", message) + "\n")
            at_line_start = True
        if not at_line_start:
            out.write("\n")
        out.write("\n")
    _form_demo(out, paint)


def _form_demo(out: TextIO, paint: Callable[[str, str], str]) -> None:
    """A UI's form filling in: ``partial_arguments()`` after each delta that changed it."""
    fmt, text = FORM_DEMO
    out.write(paint("1", f"== {fmt}: partial_arguments(), a form filling in as the call streams ==")
              + "\n")
    parser = StreamParser(fmt, tools=DEMO_TOOLS)
    shown = None
    for delta in token_like_deltas(text):
        parser.feed(delta)
        arguments = parser.partial_arguments()
        if arguments is not None and arguments != shown:
            out.write("  " + json.dumps(arguments, ensure_ascii=False) + "\n")
            shown = arguments
    parser.close()
    out.write("\n")
