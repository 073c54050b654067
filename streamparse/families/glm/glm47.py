"""Format ``glm47``: GLM-4.7 and later. The grammar is ``glm45``'s (one declaration reads both
layouts, in :mod:`streamparse.families.glm.glm45`); this module gives the registry the ``glm47``
parts: its parser (reasoning "started" by default, as GLM-4.7's prompt opens ``<think>``) and its
prompt renderer, GLM-4.7-Flash's chat template."""

from __future__ import annotations

from .glm45 import SPECIAL_TOKENS, Glm47Parser
from .glm45 import glm47_render_assistant_calls as render_assistant_calls
from .glm45 import glm47_render_prompt as render_prompt
from .glm45 import glm47_render_tool_results as render_tool_results
from .glm45 import glm47_render_tools as render_tools

Parser = Glm47Parser
"""This format's parser (the registry in :mod:`streamparse.families` reads it)."""

__all__ = [
    "SPECIAL_TOKENS",
    "Glm47Parser",
    "Parser",
    "render_assistant_calls",
    "render_prompt",
    "render_tool_results",
    "render_tools",
]
