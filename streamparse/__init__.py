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
from .tools import Tool

__all__ = [
    "Event",
    "ParseResult",
    "ParserClosedError",
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
]
