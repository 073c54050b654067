"""Tool definitions: OpenAI-style ``{"type": "function", "function": {...}}`` or bare
``{"name", "description", "parameters"}`` dicts, or :class:`Tool` models."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ToolDefinitionError


class Tool(BaseModel):
    """One function the model may call."""

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str = Field(min_length=1)
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})

    @field_validator("name")
    @classmethod
    def _name_fits_on_one_line(cls, name: str) -> str:
        if "\n" in name or "\r" in name:
            raise ValueError(f"a tool name cannot hold a line break ({name!r}): no model output could call it")
        return name

    @model_validator(mode="before")
    @classmethod
    def _unwrap_openai_style(cls, data: Any) -> Any:
        if isinstance(data, dict) and "function" in data and "name" not in data:
            if data.get("type", "function") != "function":
                raise ValueError(f"unsupported tool type {data.get('type')!r} (only 'function')")
            return data["function"]
        return data

    def openai(self) -> dict[str, Any]:
        """The OpenAI-style definition of this tool."""
        return {"type": "function", "function": self.model_dump()}


def normalize_tools(tools: Iterable[Tool | dict[str, Any]] | None) -> list[Tool] | None:
    """Validate tool definitions; raise :class:`ToolDefinitionError` naming the bad entry."""
    if tools is None:
        return None
    if isinstance(tools, (str, bytes, dict)):
        raise ToolDefinitionError(
            f"tools must be a list of tool definitions, not a {type(tools).__name__}"
        )
    result: list[Tool] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(tools):
        if isinstance(entry, Tool):
            tool = entry
        elif isinstance(entry, dict):
            try:
                tool = Tool.model_validate(entry)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in err['loc']) or 'definition'}: "
                    f"{err['msg'].removeprefix('Value error, ')}"
                    for err in exc.errors()
                )
                raise ToolDefinitionError(f"tools[{position}] is invalid: {problems}") from None
        else:
            raise ToolDefinitionError(
                f"tools[{position}] must be a dict or a streamparse.Tool, "
                f"not {type(entry).__name__}"
            )
        if tool.name in seen:
            raise ToolDefinitionError(
                f"tools[{position}]: duplicate tool name {tool.name!r} "
                f"(also tools[{seen[tool.name]}])"
            )
        seen[tool.name] = position
        result.append(tool)
    return result


# ---- a normalised tool set, shared by the parsers built with the same definitions -------------


class ToolSet:
    """Normalised tool definitions and what a parser looks up in them, immutable and shared by
    every parser built with equal definitions (see :func:`tool_set`)."""

    __slots__ = ("tools", "sorted_names", "declared", "longest_name")

    tools: tuple[Tool, ...] | None
    """The tools (None: any name is accepted)."""
    sorted_names: tuple[str, ...]
    """Their names, sorted (for prefix lookups with ``bisect``)."""
    declared: frozenset[str]
    longest_name: int
    """The length of the longest name (0 without tools)."""

    def __init__(self, tools: list[Tool] | None) -> None:
        names = [tool.name for tool in tools] if tools is not None else []
        init = object.__setattr__
        init(self, "tools", tuple(tools) if tools is not None else None)
        init(self, "sorted_names", tuple(sorted(names)))
        init(self, "declared", frozenset(names))
        init(self, "longest_name", max(map(len, names), default=0))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a ToolSet is immutable (it is shared between parsers)")

    def __repr__(self) -> str:
        return "ToolSet(any name)" if self.tools is None else f"ToolSet({list(self.sorted_names)})"


NO_TOOLS = ToolSet(None)
"""The tool set of ``tools=None``: any name is a call."""

TOOL_SET_CACHE_SIZE = 32
"""How many distinct tool lists :func:`tool_set` remembers (least recently used go first)."""

_Key = tuple[int, str, str]
_cache: OrderedDict[_Key, list[tuple[list[Any], ToolSet]]] = OrderedDict()
_CANDIDATES = 8  # tool lists kept under one key (same length, same first and last name)


def _name_of(entry: Any) -> str | None:
    """A definition's tool name as written (None when it has no string name)."""
    if type(entry) is dict:
        name = entry.get("name")
        if name is None:
            function = entry.get("function")
            name = function.get("name") if type(function) is dict else None
    elif isinstance(entry, Tool):
        name = entry.name
    else:
        return None
    return name if type(name) is str else None


def _key(entries: list[Any]) -> _Key | None:
    """A cheap key: how many tools, the first and the last name (the comparison that follows
    checks everything; a key of every name would cost a third of a hit)."""
    if not entries:
        return (0, "", "")
    first, last = _name_of(entries[0]), _name_of(entries[-1])
    if first is None or last is None:
        return None
    return (len(entries), first, last)


def _private_copy(entries: list[Any]) -> list[Any] | None:
    """A deep copy nobody else holds (None if the entries cannot be copied)."""
    try:
        return pickle.loads(pickle.dumps(entries, pickle.HIGHEST_PROTOCOL))  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - anything unpicklable: the slow, general copy
        pass
    try:
        return copy.deepcopy(entries)
    except Exception:  # noqa: BLE001
        return None


def tool_set(tools: Iterable[Tool | dict[str, Any]] | None) -> ToolSet:
    """The :class:`ToolSet` of ``tools``, validated as :func:`normalize_tools` does (the same
    :class:`ToolDefinitionError` naming the bad entry), from a cache when it can be.

    The rule: a cached set is reused when the definitions are *equal* (``==``) to the ones it was
    built from, whether they are the same objects or new dicts (vLLM builds new ones per request).
    The cache keeps its own copy of the definitions it compares against and builds the set's
    ``Tool`` objects from that copy, so a definition mutated in place after a parser was built
    neither changes a cached set nor is served a stale one: it is no longer equal, and gets a new
    set. (``==`` is Python's: ``1``, ``1.0`` and ``True`` compare equal, so two definitions that
    differ only that way share a set.) Entries that are neither dicts nor ``Tool`` models, or
    have no string name, and values that cannot be copied or compared, are normalised without
    the cache. It holds up to ``TOOL_SET_CACHE_SIZE`` keys (how many tools, the first and the
    last name), each with up to 8 lists, the least recently used going first.
    """
    if tools is None:
        return NO_TOOLS
    if isinstance(tools, (str, bytes, dict)):
        normalize_tools(tools)  # raises ToolDefinitionError
    entries = tools if type(tools) is list else list(tools)
    key = _key(entries)
    if key is None:
        return ToolSet(normalize_tools(entries))
    candidates = _cache.get(key)
    if candidates is not None:
        for seen, found in candidates:
            try:
                equal = seen == entries
            except Exception:  # noqa: BLE001 - a value whose __eq__ raises: no caching
                equal = False
            if equal:
                _cache.move_to_end(key)
                return found
    snapshot = _private_copy(entries)
    try:
        reusable = snapshot is not None and snapshot == entries
    except Exception:  # noqa: BLE001 - a value whose __eq__ raises: no caching
        reusable = False
    if not reusable:  # a value that is not equal to its own copy (NaN, odd __eq__): never a hit
        return ToolSet(normalize_tools(entries))
    assert snapshot is not None
    result = ToolSet(normalize_tools(snapshot))  # raises on an invalid entry: nothing is cached
    if candidates is None:
        _cache[key] = candidates = []
        while len(_cache) > TOOL_SET_CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    candidates.insert(0, (snapshot, result))
    del candidates[_CANDIDATES:]
    return result


def clear_tool_set_cache() -> None:
    """Forget every cached :class:`ToolSet` (parsers keep theirs)."""
    _cache.clear()
