"""streamparse: tool calls out of an LLM's token stream, while it is being generated."""

from . import glm4, qwen2  # noqa: F401  (registers the formats)
from .errors import ParserClosedError, StreamparseError, ToolDefinitionError, UnknownFormatError
from .events import (
    Event,
    ParseResult,
    TextEvent,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallError,
    ToolCallStart,
)
from .parser import StreamParser, formats, parse
from .prompts import (
    PromptError,
    prompt_formats,
    render_assistant_calls,
    render_prompt,
    render_tool_results,
    render_tools,
)
from .tools import Tool

__all__ = [
    "Event",
    "ParseResult",
    "ParserClosedError",
    "PromptError",
    "StreamParser",
    "StreamparseError",
    "TextEvent",
    "Tool",
    "ToolCall",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallError",
    "ToolCallStart",
    "ToolDefinitionError",
    "UnknownFormatError",
    "formats",
    "parse",
    "prompt_formats",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
