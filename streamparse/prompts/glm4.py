"""Moved to :mod:`streamparse.families.glm.glm4`, beside its parser (kept here for one
release)."""

from ..families.glm.glm4 import (
    render_assistant_calls,
    render_prompt,
    render_tool_results,
    render_tools,
)

__all__ = ["render_assistant_calls", "render_prompt", "render_tool_results", "render_tools"]
