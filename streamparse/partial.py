"""Partial arguments: the open call's arguments as released so far, closed off (contract v2,
"Arguments", ``partial_arguments()``).

:class:`PartialBuilder` reads the arguments JSON incrementally, piece by piece as the parser
released it (the raw text for the JSON formats, the JSON the parser built for the XML formats),
and keeps the value it describes: containers are built as their members complete, so a snapshot
costs the size of the value, never a re-parse. Each :meth:`PartialBuilder.snapshot` reads only the
pieces released since the last one.

What a snapshot shows (the contract's rules): every complete member; the member being written with
its value so far, at any depth: a string prefix (``""`` once its quote opened), an object or array
with its members so far. A key whose value has not begun does not show; a number shows once a
character after it ends it; ``true``, ``false`` and ``null`` once complete.

The builder trusts its input to be what the parser released: JSON so far, checked by the parser's
own scanner. On anything else it stops reading (the snapshot keeps what it had): the call is about
to end in an error anyway.
"""

from __future__ import annotations

import json
import re
from typing import Any

_STRING_RUN = re.compile(r'[^"\\]+')
_SPACE = re.compile(r"[ \t\r\n]+")
_ATOM = re.compile(r"[-+0-9.eEa-z]+")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LITERALS = {"true": True, "false": False, "null": None}

# What the builder expects next, outside a string.
_VALUE, _KEY, _COLON, _COMMA = range(4)


class PartialBuilder:
    """Builds the value of one call's arguments as its JSON text arrives."""

    __slots__ = ("_atom", "_broken", "_children", "_escape", "_expect", "_keys", "_parts",
                 "_read", "_root", "_stack", "_string", "_string_is_key")

    def __init__(self, parts: list[str]) -> None:
        self._parts = parts  # the call's released pieces (the parser appends to this list)
        self._read = 0  # pieces read so far
        self._root: Any = None
        self._stack: list[Any] = []  # open containers, innermost last
        self._keys: list[str | None] = []  # per open container: the key whose value comes next
        self._expect = _VALUE
        self._string: list[str] | None = None  # the string being read, if any
        self._string_is_key = False
        self._escape = ""  # an escape split across pieces
        self._atom = ""  # a number or literal being read
        self._broken = False
        # id(container) -> the containers inside it, as (key or index, child): a copy is then
        # the container's own C-level copy() plus copies of those children only
        self._children: dict[int, list[tuple[Any, Any]]] = {}

    def reads(self, parts: list[str]) -> bool:
        """Whether this builder reads that call's pieces (a new call has a new list)."""
        return parts is self._parts

    def snapshot(self) -> dict[str, Any] | None:
        """A new dict: the arguments so far, closed off (None before the object opened)."""
        parts = self._parts
        while self._read < len(parts) and not self._broken:
            self._feed(parts[self._read])
            self._read += 1
        root = self._root
        if type(root) is not dict:
            return None
        string = self._string
        if string is not None and not self._string_is_key and self._stack:
            value = "".join(string)
            string[:] = [value]  # joined once: the next snapshot joins two pieces
            if value and "\ud800" <= value[-1] <= "\udbff":  # its low surrogate may follow
                value = value[:-1]
            return self._copy(root, self._stack[-1], self._keys[-1], value)
        if self._atom in _LITERALS and self._stack:  # complete, though nothing followed yet
            return self._copy(root, self._stack[-1], self._keys[-1], _LITERALS[self._atom])
        return self._copy(root, None, None, None)

    def _copy(self, root: dict[str, Any], into: Any, key: str | None, extra: Any) -> dict[str, Any]:
        """A deep copy of ``root``, with the open member's value so far (``extra``) added to the
        copy of container ``into`` (under ``key`` in an object, appended to an array)."""
        children = self._children
        copies: dict[int, Any] = {}

        def copy(item: Any) -> Any:
            result = item.copy()
            copies[id(item)] = result
            for place, child in children.get(id(item), ()):
                result[place] = copy(child)
            return result

        copied: dict[str, Any] = copy(root)
        if into is not None:
            target = copies[id(into)]
            if type(target) is list:
                target.append(extra)
            elif key is not None:
                target[key] = extra
        return copied

    # ---- reading --------------------------------------------------------------------------

    def _feed(self, text: str) -> None:
        i, n = 0, len(text)
        while i < n:
            if self._string is not None:
                i = self._in_string(text, i)
                continue
            char = text[i]
            if self._atom:
                atom = _ATOM.match(text, i)
                if atom is not None:  # the number or literal goes on
                    self._atom += atom.group()
                    i = atom.end()
                    continue
                if not self._end_atom():
                    return
            if char in " \t\r\n":
                i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
            elif char == '"':
                self._string = []
                self._string_is_key = self._expect == _KEY
                i += 1
            elif char == "{" or char == "[":
                container: Any = {} if char == "{" else []
                if not self._value(container):
                    return
                self._stack.append(container)
                self._keys.append(None)
                self._expect = _KEY if char == "{" else _VALUE
                i += 1
            elif char == "}" or char == "]":
                if not self._stack:
                    self._broken = True
                    return
                self._stack.pop()
                self._keys.pop()
                self._expect = _COMMA
                i += 1
            elif char == ":":
                self._expect = _VALUE
                i += 1
            elif char == ",":
                self._expect = _KEY if self._stack and type(self._stack[-1]) is dict else _VALUE
                i += 1
            else:
                atom = _ATOM.match(text, i)
                if atom is None:
                    self._broken = True
                    return
                self._atom = atom.group()
                i = atom.end()

    def _in_string(self, text: str, i: int) -> int:
        string = self._string
        assert string is not None
        if self._escape:  # an escape, perhaps split across pieces
            while i < len(text):
                self._escape += text[i]
                i += 1
                escape = self._escape
                if len(escape) == 2 and escape[1] != "u" or len(escape) == 6:
                    _append_escaped(string, escape)
                    self._escape = ""
                    break
            return i
        run = _STRING_RUN.match(text, i)
        if run is not None:
            string.append(run.group())
            return run.end()
        if text[i] == "\\":
            self._escape = "\\"
            return i + 1
        # the closing quote
        value = "".join(string)
        self._string = None
        if self._string_is_key:
            self._keys[-1] = value
            self._expect = _COLON
        else:
            self._value(value)
        return i + 1

    def _end_atom(self) -> bool:
        atom, self._atom = self._atom, ""
        if atom in _LITERALS:
            return self._value(_LITERALS[atom])
        try:
            number = json.loads(atom)
        except ValueError:
            self._broken = True
            return False
        return self._value(number)

    def _value(self, value: Any) -> bool:
        """A value is complete (or, for a container, has begun): put it in its place."""
        stack = self._stack
        if not stack:
            if self._root is not None:
                self._broken = True
                return False
            self._root = value
        elif type(stack[-1]) is dict:
            parent = stack[-1]
            key = self._keys[-1]
            if key is None:
                self._broken = True
                return False
            if key in parent:  # a key given twice: the last value wins, in the copies too
                kept = [(k, c) for k, c in self._children.get(id(parent), ()) if k != key]
                self._children[id(parent)] = kept
            parent[key] = value
            self._keys[-1] = None
            if type(value) is dict or type(value) is list:
                self._children.setdefault(id(parent), []).append((key, value))
        else:
            parent = stack[-1]
            if type(value) is dict or type(value) is list:
                self._children.setdefault(id(parent), []).append((len(parent), value))
            parent.append(value)
        self._expect = _COMMA
        return True


def _append_escaped(string: list[str], escape: str) -> None:
    """Append what a complete escape stands for; a ``\\uXXXX`` low surrogate right after a high
    one joins it into one character, as ``json.loads`` does."""
    if escape[1] != "u":
        string.append(_ESCAPES.get(escape[1], escape[1]))
        return
    try:
        code = int(escape[2:], 16)
    except ValueError:
        return  # not JSON: the parser's scanner fails the call
    last = string[-1] if string else ""
    if 0xDC00 <= code <= 0xDFFF and last and 0xD800 <= ord(last[-1]) <= 0xDBFF:
        high = ord(last[-1])
        string[-1] = last[:-1] + chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
    else:
        string.append(chr(code))


