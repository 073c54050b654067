"""The contract's invariants as hypothesis properties, for every format.

Each run feeds a response in random chunks through ``feed_checked``, which asserts after every
feed that hold-back is bounded and a started call's arguments were released in full, and after
``close()`` that the events tile the input and argument deltas concatenate to the raw arguments.
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streamparse
from helpers import comparable, feed_checked, parse_chunks
from strategies import (
    TOOLS,
    cuts_for,
    glm4_responses,
    response_strategies,
    soups,
    split_with_empties,
)
from streamparse import ParseResult
from streamparse.demo import token_like_deltas

SCALE = 10 if os.environ.get("STREAMPARSE_HYPOTHESIS") == "thorough" else 1
SETTINGS = settings(
    max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
RESPONSES = response_strategies()
FORMATS = streamparse.formats()
ENDS_AFTER_A_CLOSED_ARGUMENT = {"glm45", "glm47"}


def _expected(result: streamparse.ParseResult) -> dict:
    return comparable(result)


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_well_formed_responses_parse_to_what_was_written(data, fmt):
    text, case = data.draw(RESPONSES[fmt]())
    cuts = data.draw(cuts_for(text))
    streamed = parse_chunks(split_with_empties(text, cuts), fmt, case["tools"])
    assert _expected(streamed) == case["expected"]
    assert _expected(streamparse.parse(text, fmt, case["tools"])) == case["expected"]


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS), declared=st.booleans())
def test_any_chunking_of_any_text_gives_the_one_shot_result(data, fmt, declared):
    text = data.draw(soups | st.text())
    tools = TOOLS if declared else None
    cuts = data.draw(cuts_for(text))
    one_shot = streamparse.parse(text, fmt, tools)
    assert _expected(parse_chunks(split_with_empties(text, cuts), fmt, tools)) == _expected(one_shot)


@settings(max_examples=100 * SCALE, deadline=None)
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_one_character_at_a_time_with_empty_deltas(data, fmt):
    text = data.draw(soups | RESPONSES[fmt]().map(lambda pair: pair[0]))
    chunks = [piece for char in text for piece in (char, "")]
    one_shot = streamparse.parse(text, fmt, TOOLS)
    assert _expected(parse_chunks(chunks, fmt, TOOLS)) == _expected(one_shot)


@settings(max_examples=100 * SCALE, deadline=None)
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_truncating_a_response_anywhere_never_raises_and_never_completes_a_cut_call(data, fmt):
    text, case = data.draw(RESPONSES[fmt]())
    cut = data.draw(st.integers(0, len(text)))
    prefix = text[:cut]
    result = parse_chunks(split_with_empties(prefix, data.draw(cuts_for(prefix))), fmt, case["tools"])
    # every completed call in the prefix is one of the calls written, complete; in glm45 and
    # glm47 a stream that ends after a closed argument completes the call (contract v2), so
    # there it may be a written call's first arguments
    written = {(name, raw) for _, name, _, raw in case["expected"]["tool_calls"]}
    for call in result.tool_calls:
        if fmt in ENDS_AFTER_A_CLOSED_ARGUMENT:
            firsts = [(name, list(args.items())[: len(call.arguments)])
                      for _, name, args, _ in case["expected"]["tool_calls"]]
            assert (call.name, list(call.arguments.items())) in firsts
        else:
            assert (call.name, call.raw_arguments) in written


PROSE = st.lists(
    st.sampled_from(["The", "quick", " ", "  ", "\n", "\n\n", "\t", "fox,", "中文", "🙂", "a b ", " x", "<"]),
    max_size=30,
).map("".join)
THINK = st.sampled_from(["<think>", "<think>\n", "</think>", "\n</think>\n\n"])


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS), reasoning=st.sampled_from(["auto", "started", "off"]))
def test_small_deltas_of_prose_and_calls_give_the_one_shot_result(data, fmt, reasoning):
    """Deltas of 1-8 characters over prose, think tags and well-formed responses, in every
    reasoning mode: what feed()'s fast paths take whole (running text, text that ends in
    whitespace, JSON string content, XML values, the reasoning layer stepping aside) must come
    out as the general path gives it."""
    response, case = data.draw(RESPONSES[fmt]())
    text = "".join(data.draw(st.lists(PROSE | THINK | st.just(response), min_size=1, max_size=6)))
    sizes = data.draw(st.lists(st.integers(1, 8), min_size=1, max_size=20))
    chunks, at = [], 0
    while at < len(text):
        size = sizes[len(chunks) % len(sizes)]
        chunks.append(text[at : at + size])
        at += size
    tools = case["tools"]
    one_shot = streamparse.parse(text, fmt, tools, reasoning=reasoning)
    streamed = parse_chunks(chunks, fmt, tools, reasoning=reasoning)
    assert _expected(streamed) == _expected(one_shot)


GLM4_IDS = {"<|assistant|>": 151337, "<|observation|>": 151338, "<|user|>": 151336, "<|endoftext|>": 151329}


@SETTINGS
@given(data=st.data())
def test_glm4_special_tokens_skipped_but_their_ids_given_parse_like_kept_ones(data):
    """vLLM's default drops special tokens from the text and keeps their ids. Fed as deltas of
    token-like pieces, each special token an id-only delta or the first token of a merged delta,
    the turn parses as it does with the tokens in the text."""
    text, case = data.draw(glm4_responses(vllm_spaces=False))
    deltas: list[tuple[str, list[int]]] = []
    for piece in re.split(r"(<\|[a-z]+\|>)", text):
        if piece in GLM4_IDS:
            deltas.append(("", [GLM4_IDS[piece]]))
        else:
            deltas.extend((token, [1]) for token in token_like_deltas(piece))
    merged: list[tuple[str, list[int]]] = []
    for text_piece, ids in deltas:  # merge ordinary tokens into the delta before them, at random
        if merged and ids == [1] and data.draw(st.booleans()):
            merged[-1] = (merged[-1][0] + text_piece, merged[-1][1] + ids)
        else:
            merged.append((text_piece, ids))
    chunks = [piece for piece, _ in merged]
    result = ParseResult.from_events(
        feed_checked(chunks, "glm4", case["tools"], ids=[ids for _, ids in merged])
    )
    assert _expected(result) == case["expected"]
