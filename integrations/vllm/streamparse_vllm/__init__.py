"""streamparse's vLLM integration: tool-call and reasoning parsers for vLLM's OpenAI server and
an adapter for ``AsyncLLM.generate()`` outputs.

- ``register()``: the ``vllm.general_plugins`` entry point. Registers, for every format of the
  registry, the tool parser and the reasoning parser ``streamparse-<format>`` (``_`` written
  ``-``) lazily (their modules are imported only when a server asks for one), so
  ``vllm serve ... --tool-call-parser streamparse-glm47 --reasoning-parser streamparse-glm47``
  works once the distribution ``streamparse-llm`` is installed (``pip install streamparse-llm``,
  or from a checkout or a built wheel). The registry's ``streamparse`` is an unrelated project
  with the same import name: it registers no plugin and cannot share an environment with this one.
- :mod:`streamparse_vllm.tool_parser`: the ``ToolParser`` classes (imports vLLM).
- :mod:`streamparse_vllm.reasoning_parser`: the ``ReasoningParser`` classes (imports vLLM).
- :mod:`streamparse_vllm.engine`: :class:`OutputParser` and :func:`parse_outputs`, which turn
  ``RequestOutput`` objects of any output kind into streamparse events per choice. Does not import
  vLLM.
"""

from __future__ import annotations

from streamparse.families import FORMATS

from .engine import ChoiceUpdate, OutputParser, parse_outputs


def parser_class_name(format_name: str) -> str:
    """``"qwen2"`` -> ``"Qwen2StreamparseToolParser"``, ``"qwen_agent"`` -> ``"QwenAgent..."``."""
    return "".join(part.capitalize() for part in format_name.split("_")) + "StreamparseToolParser"


def plugin_name(format_name: str) -> str:
    """``"qwen_agent"`` -> ``"streamparse-qwen-agent"``: the ``--tool-call-parser`` and
    ``--reasoning-parser`` name of a format."""
    return f"streamparse-{format_name.replace('_', '-')}"


TOOL_PARSERS = {plugin_name(name): parser_class_name(name) for name in sorted(FORMATS)}
"""``--tool-call-parser`` name -> class in :mod:`streamparse_vllm.tool_parser`, for every format of
the registry."""

REASONING_PARSERS = {
    plugin_name(name): parser_class_name(name).replace("ToolParser", "ReasoningParser")
    for name in sorted(FORMATS)
}
"""``--reasoning-parser`` name -> class in :mod:`streamparse_vllm.reasoning_parser`."""

__all__ = [
    "REASONING_PARSERS",
    "TOOL_PARSERS",
    "ChoiceUpdate",
    "OutputParser",
    "parse_outputs",
    "parser_class_name",
    "plugin_name",
    "register",
]


def register() -> None:
    """vLLM general plugin entry point: registers the streamparse tool and reasoning parsers.

    vLLM calls general plugins in every process (API server, engine core, workers), possibly more
    than once; lazy registration is idempotent and imports nothing heavy.
    """
    from vllm.reasoning import ReasoningParserManager
    from vllm.tool_parsers import ToolParserManager

    for name, class_name in TOOL_PARSERS.items():
        if name not in ToolParserManager.tool_parsers:
            ToolParserManager.register_lazy_module(name, "streamparse_vllm.tool_parser", class_name)
    for name, class_name in REASONING_PARSERS.items():
        if name not in ReasoningParserManager.reasoning_parsers:
            ReasoningParserManager.register_lazy_module(
                name, "streamparse_vllm.reasoning_parser", class_name
            )
