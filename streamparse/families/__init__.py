"""The formats, by model family: one folder per family (``qwen/``, ``glm/``), one file per format
holding its parser and its prompt renderer, and the family folder holding what its formats share
(Qwen's ChatML frame, GLM's special tokens and their ids).

:data:`FORMATS` is the registry: format name -> the format's module, which provides ``Parser``
(its :class:`~streamparse.StreamParser` subclass), ``SPECIAL_TOKENS`` (the special tokens it reads,
by text or by id), and the prompt functions ``render_tools``, ``render_assistant_calls``,
``render_tool_results`` and ``render_prompt``. Adding a format is one line here.
"""

from __future__ import annotations

from types import ModuleType

from .glm import glm4, glm45, glm47
from .qwen import hermes, qwen2, qwen3_coder, qwen_agent

FORMATS: dict[str, ModuleType] = {
    "glm4": glm4,
    "glm45": glm45,
    "glm47": glm47,
    "hermes": hermes,
    "qwen2": qwen2,
    "qwen3_coder": qwen3_coder,
    "qwen_agent": qwen_agent,
}

__all__ = ["FORMATS"]
