"""The engine's contract version 2 features on a toy tagged format (``<c>name{json}</c>``), so
that they are tested apart from any real format: "v2" framing of the whitespace around calls,
markers anywhere in text (``partial``), a framing state after a broken call (``after_error``,
``goto``), a pluggable :class:`~streamparse.engine.Body`, and a call opener anywhere inside
reasoning. The toy is registered for the duration of each test only."""

from __future__ import annotations

import json
import re
import types
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import check_case
from streamparse import families
from streamparse.engine import Body, Engine, NeedMore, NotHeader, Opened, State, Truncated, prefixes

_HEAD = re.compile(r"<c>([A-Za-z_]*)")


def read_call(parser: Engine, buf: str, start: int, base: int, final: bool) -> Any:
    """``<c>NAME`` then ``{`` (JSON arguments) or ``=`` (a line of text, the toy Body)."""
    head = _HEAD.match(buf, start)
    assert head is not None
    name, end = head.group(1), head.end()
    if end == len(buf):
        if final:
            return Truncated(name) if name else NotHeader(end)
        return NeedMore()
    if not name or buf[end] not in "{=":
        return NotHeader(end)
    if buf[end] == "=":
        return Opened(name, end + 1, Words(), "after", end)
    return Opened(name, end, "json", "after", end)


class Words(Body):
    """A toy body: the words up to ``</c>`` become ``{"words": [...]}``, streamed member by
    member; a ``{`` in it is an error. Holds a suffix that could begin ``</c>``."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.word = ""

    def scan(self, parser: Any, buf: str, i: int, base: int) -> int:
        n = len(buf)
        while i < n:
            if buf.startswith("</c>", i):
                self._word(parser, base + i)
                parser._call_piece("]}" if self.words else '{"words": []}', base + i)
                parser._close_call(base + i + len("</c>"), parsed={"words": self.words})
                return i + len("</c>")
            if "</c>".startswith(buf[i:]):
                return i  # may begin the closing tag: held
            char = buf[i]
            if char == "{":
                parser._close_call(base + i + 1, failure="a brace in words")
                return i + 1
            if char == " ":
                self._word(parser, base + i + 1)
            else:
                self.word += char
            i += 1
        return i

    def _word(self, parser: Any, end: int) -> None:
        if self.word:
            opening = '{"words": [' if not self.words else ", "
            self.words.append(self.word)
            parser._call_piece(opening + json.dumps(self.word), end)
            self.word = ""

    def finish(self, parser: Any, buf: str, base: int) -> None:
        pass  # left open: the engine fails it as truncated

    def may_hold(self, held: str) -> bool:
        return "</c>".startswith(held)


def _may_close(rest: str) -> bool:
    return "</c>".startswith(rest.lstrip(" \t\r\n"))


class Toy(Engine):
    format_name = "toy"
    framing = "v2"
    initial = "text"
    after_error = "broken"
    call_opener = re.compile(r"<c>[A-Za-z_]+[{=]")
    call_opener_prefix = re.compile(prefixes("<c>") + r"|<c>[A-Za-z_]*")
    call_opener_anywhere = True
    framing_tokens = re.compile(r"[\s\S]*?(?:</c>|\Z)")  # a broken call's markup, to </c> or the end
    _text_stop = re.compile(r"<|\s\Z")
    states = {
        "text": State(markers={"open": "<c>"}, readers={"open": read_call}, partial=prefixes("<c>")),
        "after": State(markers={"close": r"[ \t\r\n]*</c>"}, anchored=True, otherwise="text",
                       may_begin=_may_close),
        "broken": State(markers={"close": "</c>", "open": "<c>"}, readers={"open": read_call},
                        goto={"close": "text"}, framing=True,
                        partial=prefixes("</c>") + "|" + prefixes("<c>")),
    }

    def _may_hold(self, held: str) -> bool:
        rest = held.lstrip(" \t\r\n")
        return not rest or "<c>".startswith(rest) or bool(_HEAD.fullmatch(rest)) or "</c>".startswith(rest)


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(families.FORMATS, "toy", types.SimpleNamespace(Parser=Toy))


def parsed(text: str, **options: Any) -> tuple[str, str, list[Any], list[str]]:
    r = check_case(text, "toy", **options)
    return r.content, r.reasoning, [(c.name, c.arguments) for c in r.tool_calls], [e.message for e in r.errors]


@pytest.mark.parametrize(("text", "content", "calls", "errors"), [
    # v2: whitespace between text and a call, between calls, after the last call is framing
    ('Hi \n<c>f{"a":1}</c>\nDone', "Hi\nDone", [("f", {"a": 1})], []),
    ('a <c>f{}  <c>g{"b":2}</c> \n', "a", [("f", {}), ("g", {"b": 2})], []),
    ('\n\n<c>f{}</c>\n\n', "", [("f", {})], []),
    ("tail  ", "tail  ", [], []),  # no call follows: the whitespace is text
    # a marker prefix is held, then released: markers count anywhere
    ("Hi <x", "Hi <x", [], []),
    ("<c> no", "<c> no", [], []),
    ("x<c", "x<c", [], []),
    # after a broken call its markup up to </c> is framing; a <c> before that opens the next
    ('x<c>f{"a":]}junk</c>ok', "xok", [], ["mismatched bracket"]),
    ('<c>f{"a":]} more <c>g{}</c>z', "z", [("g", {})], ["mismatched bracket"]),
    # a Body
    ("<c>w=one two three</c> ok", " ok", [("w", {"words": ["one", "two", "three"]})], []),
    ("<c>w=</c>", "", [("w", {"words": []})], []),
    ("<c>w=a {b</c>then", "then", [], ["a brace in words"]),
    ("<c>w=a b</", "", [], ["truncated"]),
])
def test_v2_framing_markers_anywhere_framing_states_and_bodies(text, content, calls, errors):
    got_content, _, got_calls, got_errors = parsed(text)
    assert (got_content, got_calls) == (content, calls)
    assert len(got_errors) == len(errors) and all(e in g for e, g in zip(errors, got_errors, strict=True))


def test_a_body_streams_its_json_and_holds_only_a_closing_tag_prefix():
    parser = Toy(id_factory=lambda: "c0")
    deltas = [e.arguments_delta for e in parser.feed("<c>w=ab cd </") if e.type == "tool_call_delta"]
    assert deltas == ['{"words": ["ab"', ', "cd"'] and parser.hold_back_problem() is None
    events = parser.feed("c>") + parser.close()
    assert [e.type for e in events][-2:] == ["tool_call_end", "text"] or events[-1].type == "tool_call_end"


def test_a_call_opener_anywhere_inside_reasoning_ends_it():
    content, reasoning, calls, _ = parsed('<think>\nI will call <c>f{"a": 1}</c>\nDone', reasoning="auto")
    assert (reasoning, calls, content) == ("I will call ", [("f", {"a": 1})], "\nDone")
    content, reasoning, calls, _ = parsed("<think>\nmention <c but no call</think>ok", reasoning="auto")
    assert (reasoning, calls, content) == ("mention <c but no call", [], "ok")


WORD = st.text(st.sampled_from(list("ab<c>/ {}\n中🙂")), max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(["<c>", "</c>", "<c>f{", "<c>w=", '"x"}', " ", "\n", "{", "}"]) | WORD,
                       max_size=10))
def test_any_toy_soup_tiles_holds_little_and_chunks_alike(pieces):
    parsed("".join(pieces))  # check_case: whole, per character, at random cuts; invariants per feed
