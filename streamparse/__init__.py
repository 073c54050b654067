"""streamparse: tool calls out of an LLM's token stream, while it is being generated.

Installed as the distribution ``streamparse-llm`` (``streamparse`` on the package registry is an
unrelated project with the same import name).
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from .aio import ToolRun, run_tool_calls, stream_events, stream_tool_calls
from .errors import (
    OptionError,
    ParserClosedError,
    StreamparseError,
    ToolDefinitionError,
    UnknownFormatError,
)
from .events import (
    Event,
    ParseResult,
    ReasoningEvent,
    TextEvent,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallError,
    ToolCallStart,
)
from .openai_chunks import OpenAIChunkAdapter, OpenAISSEEncoder
from .parser import StreamParser, formats, parse
from .prompts import (
    PromptError,
    prompt_formats,
    render_assistant_calls,
    render_prompt,
    render_tool_results,
    render_tools,
)
from .reasoning import reasoning_for_prompt
from .tools import Tool

try:
    __version__: str = _version("streamparse-llm")
except _PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "OptionError",
    "Event",
    "OpenAIChunkAdapter",
    "OpenAISSEEncoder",
    "ParseResult",
    "ParserClosedError",
    "PromptError",
    "ReasoningEvent",
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
    "ToolRun",
    "UnknownFormatError",
    "formats",
    "parse",
    "prompt_formats",
    "reasoning_for_prompt",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
    "run_tool_calls",
    "stream_events",
    "stream_tool_calls",
]
