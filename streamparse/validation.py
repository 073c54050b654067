"""``validate=True``: each call's arguments checked at its end against its tool's ``parameters``
JSON Schema (contract v2, "Arguments").

The validator is ``jsonschema-rs`` (the ``streamparse-llm[validate]`` extra), picked by the
numbers of ``python -m benchmarks.validators``: on the twenty realistic tools it validates
arguments about 60 times faster than ``jsonschema`` (0.2 against 12.6 µs per call), and the cost
it loses on (compiling a schema, 15 against 5 µs) is paid once per distinct tool. The draft is the
one the schema's ``$schema`` names, else 2020-12.

Validators are compiled once per distinct schema and shared by every parser (and by every tool
set holding an equal tool); a parser looks its tools' validators up once, at construction, per
distinct tool set.

A violation's message is the project's own ``path: problem`` line: members joined by ``.``, array
items as ``[i]``, the arguments object itself as ``$`` (``hours[2]: "x" is not of type
"integer"``, ``$: "location" is a required property``); the first violation the validator
reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import OptionError, ToolDefinitionError
from .tools import ToolSet

EXTRA = "pip install 'streamparse-llm[validate]'"
_CACHE_SIZE = 256
_by_schema: dict[str, Any] = {}  # the schema's canonical JSON -> its compiled validator
_by_tool_set: dict[int, tuple[ToolSet, Mapping[str, Any]]] = {}  # id -> (the set, name -> validator)


def _library() -> Any:
    try:
        import jsonschema_rs
    except ImportError:
        raise OptionError(
            f"validate=True needs a JSON Schema validator, which is not installed: {EXTRA}"
        ) from None
    return jsonschema_rs


def validators_for(tools: ToolSet) -> Mapping[str, Any]:
    """Tool name -> its compiled validator, for a tool set (cached per set and per schema).
    Raises :class:`OptionError` without tools or without the validator installed, and
    :class:`ToolDefinitionError` naming a tool whose schema is itself invalid."""
    if tools.tools is None:
        raise OptionError("validate=True needs tools: the arguments are checked against their schemas")
    cached = _by_tool_set.get(id(tools))
    if cached is not None and cached[0] is tools:
        return cached[1]
    library = _library()
    found: dict[str, Any] = {}
    for tool in tools.tools:
        key = json.dumps(tool.parameters, sort_keys=True, ensure_ascii=False)
        validator = _by_schema.get(key)
        if validator is None:
            try:
                validator = library.validator_for(tool.parameters)
            except (ValueError, library.ReferencingError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise ToolDefinitionError(
                    f"tool {tool.name!r}: its parameters are not a valid JSON Schema: {first}"
                ) from None
            if len(_by_schema) >= _CACHE_SIZE:
                _by_schema.pop(next(iter(_by_schema)))
            _by_schema[key] = validator
        found[tool.name] = validator
    if len(_by_tool_set) >= _CACHE_SIZE:
        _by_tool_set.pop(next(iter(_by_tool_set)))
    _by_tool_set[id(tools)] = (tools, found)
    return found


def violation(validator: Any, arguments: dict[str, Any]) -> str:
    """The first violation of the schema as a ``path: problem`` line, or "" if there is none."""
    if validator.is_valid(arguments):
        return ""
    for error in validator.iter_errors(arguments):
        return f"{path_text(error.instance_path)}: {error.message}"
    return "$: the arguments do not match the schema"  # pragma: no cover - is_valid said so


def path_text(path: Sequence[str | int]) -> str:
    """``["filter", "tags", 0]`` -> ``filter.tags[0]``; ``[]`` -> ``$``."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text or "$"
