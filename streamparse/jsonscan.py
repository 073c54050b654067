"""Incremental boundary scanner for one JSON object or array.

It does not parse values: it tracks just enough (the stack of open brackets, inside-a-string, a
pending backslash) to find the bracket that closes the value, carrying that state across deltas.
Plain runs are skipped with compiled regexes, never a per-character Python loop; a complete string
token is jumped over in one match.

Brackets must match by type: a closing bracket of the wrong type ends the value right there, with
``error`` set. Nesting deeper than :data:`MAX_DEPTH` is an error too, decided when the value ends
(the scan goes on to the matching bracket, so the whole value is reported).
"""

from __future__ import annotations

import re

MAX_DEPTH = 512
"""Deeper nesting than this is an error (the contract's bound; ``json`` would recurse)."""

# Outside strings: a whole string token (when it is complete in this text), or one structural char.
_OUTSIDE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[{}\[\]"]', re.DOTALL)
# Inside an unfinished string: its end quote or the next escape.
_INSIDE = re.compile(r'["\\]')
_CLOSER = {"{": "}", "[": "]"}


class JsonScanner:
    """Finds where a JSON object/array ends, one delta at a time.

    ``scan(text, pos, end)`` continues from the state left by the previous call and returns the
    index just past the closing bracket (or past a closing bracket of the wrong type, with
    ``error`` set), or ``-1`` when ``text`` (or ``text[:end]``) ends first.
    """

    __slots__ = ("closers", "in_string", "escaped", "error")

    def __init__(self) -> None:
        self.closers: list[str] = []  # the closing bracket each open bracket expects
        self.in_string = False
        self.escaped = False
        self.error = ""

    def scan(self, text: str, pos: int = 0, end: int = -1) -> int:
        n = len(text) if end < 0 else end
        if self.escaped:
            if pos >= n:
                return -1
            pos += 1
            self.escaped = False
        closers = self.closers
        in_string = self.in_string
        while True:
            if in_string:
                match = _INSIDE.search(text, pos, n)
                if match is None:
                    break
                pos = match.end()
                if match.group() == '"':
                    in_string = False
                elif pos < n:
                    pos += 1
                else:
                    self.escaped = True
                    break
            else:
                match = _OUTSIDE.search(text, pos, n)
                if match is None:
                    break
                pos = match.end()
                char = match.group()
                if len(char) > 1:
                    continue  # a complete string token
                if char == '"':
                    in_string = True
                elif char == "{" or char == "[":
                    closers.append(_CLOSER[char])
                    if len(closers) > MAX_DEPTH and not self.error:
                        self.error = f"arguments nested deeper than {MAX_DEPTH} levels"
                else:
                    expected = closers.pop() if closers else ""
                    if char != expected:
                        self.error = (
                            f"mismatched bracket {char!r} (expected {expected!r})"
                            if expected else f"unexpected closing bracket {char!r}"
                        )
                        closers.clear()
                        self.in_string = False
                        return pos
                    if not closers:
                        self.in_string = False
                        return pos
        self.in_string = in_string
        return -1
