"""Incremental boundary scanner for one JSON object or array.

It does not parse values: it tracks just enough (bracket depth, inside-a-string, a pending
backslash) to find the bracket that closes the value, carrying that state across deltas. Plain runs
are skipped with compiled regexes, never a per-character Python loop; a complete string token is
jumped over in one match.
"""

from __future__ import annotations

import re

# Outside strings: a whole string token (when it is complete in this text), or one structural char.
_OUTSIDE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[{}\[\]"]', re.DOTALL)
# Inside an unfinished string: its end quote or the next escape.
_INSIDE = re.compile(r'["\\]')
_OPENERS = "{["


class JsonScanner:
    """Finds where a JSON object/array ends, one delta at a time.

    ``scan(text, pos)`` continues from the state left by the previous call and returns the index
    just past the closing bracket, or ``-1`` when ``text`` ends first.
    """

    __slots__ = ("depth", "in_string", "escaped")

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escaped = False

    def scan(self, text: str, pos: int = 0) -> int:
        n = len(text)
        if self.escaped:
            if pos >= n:
                return -1
            pos += 1
            self.escaped = False
        depth = self.depth
        in_string = self.in_string
        while True:
            if in_string:
                match = _INSIDE.search(text, pos)
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
                match = _OUTSIDE.search(text, pos)
                if match is None:
                    break
                pos = match.end()
                char = match.group()
                if len(char) > 1:
                    continue  # a complete string token
                if char == '"':
                    in_string = True
                elif char in _OPENERS:
                    depth += 1
                else:
                    depth -= 1
                    if depth <= 0:
                        self.depth = 0
                        self.in_string = False
                        return pos
        self.depth = depth
        self.in_string = in_string
        return -1
