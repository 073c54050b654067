"""Typing of XML argument values by the tool's JSON Schema (contract v2, "Typing of XML values").

The XML formats (``qwen3_coder``, ``glm45``, ``glm47``) write every value as text; the parser turns
it into JSON by the type the tool's schema gives its parameter (``parameters.properties[key]``).

Resolution, once per tool (:func:`tool_types`, cached per tool set), never per value:

1. ``$ref`` is followed first (``#/$defs/...``, ``#/definitions/...`` or any JSON pointer into the
   tool's ``parameters``), at most :data:`MAX_REF_DEPTH` deep; deeper, or a reference to nothing,
   gives no types.
2. Then the first of these that gives types: ``anyOf``/``oneOf`` or a list in ``type`` (the
   members' types, each member resolved by these same rules), ``enum``/``const`` (the JSON types of
   the listed values), ``type``, the first member of ``allOf`` that has one.
3. ``nullable: true`` adds null. No types at all (no tools, no schema, key not listed, nothing
   typed): string.

Conversion of a value's text (:func:`convert`), trying the listed types in the order null,
boolean, integer, number, object, array, and taking the first that converts; else a string:

========== =======================================================================================
string     the text verbatim: never stripped, never converted
integer    the text, whitespace around it ignored, if it is a JSON integer ``-?(0|[1-9][0-9]*)``
number     the text, whitespace ignored, if it is a JSON number
boolean    ``true``/``false`` in any letter case, whitespace ignored
null       ``null``, ``None`` or ``none``, whitespace ignored
object     the text, whitespace ignored, if it is strict JSON of that type (no NaN, no lone
array      surrogate escapes, nesting at most 512)
========== =======================================================================================

A value that converts to none of its types stays a string (its text). "Whitespace" is
``[ \\t\\r\\n]``.

Streaming (:class:`ParamType.kind`): a ``string``-only parameter streams as it arrives; one whose
other types are only null and boolean (``Optional[str]``, ``bool | str``) streams as a string as
soon as its text can no longer be one of their spellings (:class:`EarlyString`); any other is held
until the value ends, then written whole.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .jsonscan import MAX_DEPTH
from .parser import _holds_lone_surrogate, _nested_deeper_than, _reject_constant
from .tools import Tool

MAX_REF_DEPTH = 32
"""How deep ``$ref`` (and ``anyOf``/``allOf`` nesting) is followed; deeper gives no types."""
ORDER = ("null", "boolean", "integer", "number", "object", "array")
"""The order in which a value's listed types are tried (string last, if listed)."""
JSON_TYPES = frozenset((*ORDER, "string"))
NULL_SPELLINGS = ("null", "None", "none")
WHITESPACE = " \t\r\n"

STRING, EARLY, HELD = "string", "early", "held"


class ParamType:
    """The resolved types of one parameter and how its value streams (``kind``): ``"string"``
    (a string as it arrives), ``"early"`` (a string as soon as it cannot be null or boolean),
    ``"held"`` (whole at its end)."""

    __slots__ = ("types", "order", "kind")

    types: frozenset[str]
    order: tuple[str, ...]
    """The listed types other than string, in the order they are tried."""
    kind: str

    def __init__(self, types: frozenset[str]) -> None:
        self.types = types or frozenset({"string"})
        self.order = tuple(t for t in ORDER if t in self.types)
        if not self.order:
            self.kind = STRING
        elif set(self.order) <= {"null", "boolean"}:
            self.kind = EARLY
        else:
            self.kind = HELD

    def __repr__(self) -> str:
        return f"ParamType({sorted(self.types)}, {self.kind})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamType) and other.types == self.types

    def __hash__(self) -> int:
        return hash(self.types)


STRING_TYPE = ParamType(frozenset({"string"}))


class ToolTypes:
    """The parameter types of one tool: ``of(key)`` (string for a key the schema does not list),
    the listed keys and the length of the longest (the XML hold-back bound adds it)."""

    __slots__ = ("params", "listed", "longest")

    def __init__(self, params: Mapping[str, ParamType]) -> None:
        self.params = dict(params)
        self.listed = frozenset(self.params)
        self.longest = max(map(len, self.params), default=0)

    def of(self, key: str) -> ParamType:
        return self.params.get(key, STRING_TYPE)

    def __repr__(self) -> str:
        return f"ToolTypes({self.params!r})"


NO_SCHEMA = ToolTypes({})
"""No tools, or a tool without properties: every value is a string."""


# ---- resolution ---------------------------------------------------------------------------


def _pointer(ref: str, root: Any) -> Any:
    """The schema a local ``$ref`` (``#/...``, a JSON pointer into ``root``) names, or None."""
    if not ref.startswith("#"):
        return None
    node = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _value_type(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return None


def schema_types(schema: Any, root: Any = None, depth: int = 0) -> frozenset[str]:
    """The JSON types a parameter's ``schema`` gives, by the rules above (empty: none given;
    the caller then takes string). ``root`` is what ``$ref`` pointers resolve against."""
    if root is None:
        root = schema
    nullable = False
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        nullable = nullable or schema.get("nullable") is True
        depth += 1
        if depth > MAX_REF_DEPTH:
            return frozenset()
        schema = _pointer(schema["$ref"], root)
    if not isinstance(schema, Mapping) or depth > MAX_REF_DEPTH:
        return frozenset()
    nullable = nullable or schema.get("nullable") is True
    types = _own_types(schema, root, depth)
    if nullable:
        types = (types or frozenset({"string"})) | {"null"}
    return types


def _own_types(schema: Mapping[str, Any], root: Any, depth: int) -> frozenset[str]:
    found: set[str] = set()
    for union in ("anyOf", "oneOf"):
        members = schema.get(union)
        if isinstance(members, list):
            for member in members:
                found |= schema_types(member, root, depth + 1)
    declared = schema.get("type")
    if isinstance(declared, list):
        found |= {t for t in declared if isinstance(t, str) and t in JSON_TYPES}
    if found:
        return frozenset(found)
    listed = schema["enum"] if isinstance(schema.get("enum"), list) else None
    if listed is None and "const" in schema:
        listed = [schema["const"]]
    if listed:
        found = {t for t in map(_value_type, listed) if t is not None}
        if found:
            return frozenset(found)
    if isinstance(declared, str) and declared in JSON_TYPES:
        return frozenset({declared})
    members = schema.get("allOf")
    if isinstance(members, list):
        for member in members:
            types = schema_types(member, root, depth + 1)
            if types:
                return types
    return frozenset()


def types_of_tool(tool: Tool) -> ToolTypes:
    """Resolve every listed parameter of ``tool`` (``parameters.properties``)."""
    parameters = tool.parameters
    properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
    if not isinstance(properties, Mapping) or not properties:
        return NO_SCHEMA
    return ToolTypes({
        key: ParamType(schema_types(schema, parameters))
        for key, schema in properties.items() if isinstance(key, str)
    })


_CACHE_SIZE = 64
_cache: OrderedDict[int, tuple[tuple[Tool, ...], dict[str, ToolTypes]]] = OrderedDict()


def tool_types(tools: tuple[Tool, ...] | None, name: str) -> ToolTypes:
    """The parameter types of the tool called ``name`` among ``tools`` (a parser's ``tools``,
    the tuple its shared :class:`~streamparse.tools.ToolSet` holds). Every tool of a set is
    resolved once, the first time a call of that set asks; the result is kept per set (the 64
    sets used last). No tools, or an undeclared name: :data:`NO_SCHEMA`."""
    if not tools:
        return NO_SCHEMA
    key = id(tools)
    entry = _cache.get(key)
    if entry is None or entry[0] is not tools:
        entry = (tools, {tool.name: types_of_tool(tool) for tool in tools})
        _cache[key] = entry
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return entry[1].get(name, NO_SCHEMA)


# ---- conversion ---------------------------------------------------------------------------

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_escape = json.encoder.encode_basestring  # json.dumps(s, ensure_ascii=False), C-accelerated


def escape(text: str) -> str:
    """``text`` as the inside of a JSON string, as ``json.dumps(..., ensure_ascii=False)``
    writes it (character by character, so pieces escape the same as the whole)."""
    return _escape(text)[1:-1]


def _strict_json(text: str) -> Any:
    """``text`` as strict JSON (no NaN, no lone surrogates, nesting at most 512), or raise
    ValueError."""
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise ValueError("nested too deep") from None
    if isinstance(value, dict | list) and _nested_deeper_than(value, MAX_DEPTH):
        raise ValueError("nested too deep")
    if _holds_lone_surrogate(text, value):
        raise ValueError("a lone surrogate")
    return value


def _as(kind: str, core: str) -> tuple[str, Any] | None:
    """``core`` (stripped) as a value of JSON type ``kind``: (JSON text, value), or None."""
    if kind == "null":
        return ("null", None) if core in NULL_SPELLINGS else None
    if kind == "boolean":
        lowered = core.lower() if core.isascii() else ""
        return (lowered, lowered == "true") if lowered in ("true", "false") else None
    if kind == "integer" or kind == "number":
        if (_INTEGER if kind == "integer" else _NUMBER).fullmatch(core) is None:
            return None
        try:
            return core, json.loads(core)
        except ValueError:  # more digits than Python converts
            return None
    if not core or core[0] != ("{" if kind == "object" else "["):
        return None
    try:
        value = _strict_json(core)
    except ValueError:
        return None
    return core, value


def convert(param: ParamType, text: str) -> tuple[str, Any]:
    """A whole value's text as (its JSON text, its value) by the parameter's types."""
    if param.order:
        core = text.strip(WHITESPACE)
        for kind in param.order:
            converted = _as(kind, core)
            if converted is not None:
                return converted
    return _escape(text), text


class EarlyString:
    """For a parameter whose types are string and only null and/or boolean besides: whether
    the text so far could still be one of their spellings (whitespace around it allowed). Fed
    each new piece of the value once; once it cannot, the value is a string."""

    __slots__ = ("null", "boolean", "word", "after")

    def __init__(self, param: ParamType) -> None:
        self.null = "null" in param.types
        self.boolean = "boolean" in param.types
        self.word = ""  # the non-whitespace run so far
        self.after = False  # whitespace came after the word

    def could_be(self, word: str) -> bool:
        if self.null and any(spelling.startswith(word) for spelling in NULL_SPELLINGS):
            return True
        if self.boolean and word.isascii():
            lowered = word.lower()
            return "true".startswith(lowered) or "false".startswith(lowered)
        return False

    def feed(self, piece: str) -> bool:
        """Take the next piece; False once the text can no longer be null or boolean."""
        stripped = piece.strip(WHITESPACE)
        if not stripped:
            if piece and self.word:
                self.after = True
            return True
        if self.after or len(self.word) + len(stripped) > 5:
            return False
        if any(char in WHITESPACE for char in stripped):
            return False  # whitespace inside the word
        if self.word and piece[0] in WHITESPACE:
            return False
        self.word += stripped
        if not self.could_be(self.word):
            return False
        if piece[-1] in WHITESPACE:
            self.after = True
        return True
