"""GLM's special tokens: the one copy that the parser, the prompt renderer, the vLLM plugin, the
tests and the benchmarks use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SYSTEM = "<|system|>"
USER = "<|user|>"
ASSISTANT = "<|assistant|>"
OBSERVATION = "<|observation|>"
ENDOFTEXT = "<|endoftext|>"

END_OF_TURN = (OBSERVATION, USER, ENDOFTEXT)
"""Tokens that end the assistant's turn (stop tokens): what follows them is text."""
SPECIAL_TOKENS = (ASSISTANT, *END_OF_TURN)
"""The special tokens the parser acts on, by their text or by their id."""
GENERATION_PROMPT_TOKEN = ASSISTANT
"""The role token a rendered prompt ends with: the generation follows it."""
TURN_TOKENS = (SYSTEM, USER, ASSISTANT, OBSERVATION, ENDOFTEXT)
"""Special-token text that ends or splits a turn: a rendered name or argument cannot hold one."""

GLM4_9B_CHAT_SPECIAL_TOKEN_IDS: Mapping[int, str] = {
    151329: ENDOFTEXT,
    151336: USER,
    151337: ASSISTANT,
    151338: OBSERVATION,
}
"""glm-4-9b-chat's ids of the special tokens the parser acts on."""


def checked_token_options(
    format_name: str, special_token_ids: Mapping[int, str] | None, text_lag: Any
) -> dict[int, str] | None:
    """The GLM formats' ``special_token_ids=`` and ``text_lag=``, checked (a ``ValueError``
    naming the problem); the ids as a new dict, or None when not given."""
    ids = None
    if special_token_ids is not None:
        unknown = sorted(set(special_token_ids.values()) - set(SPECIAL_TOKENS))
        if unknown:
            raise ValueError(
                f"special_token_ids maps to {unknown}; the {format_name} parser acts on "
                f"{list(SPECIAL_TOKENS)}"
            )
        ids = dict(special_token_ids)
    if type(text_lag) is not int or text_lag < 0:
        raise ValueError(f"text_lag must be a non-negative int (characters), not {text_lag!r}")
    return ids
