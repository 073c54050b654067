"""GLM's special tokens: the one copy that the parser, the prompt renderer, the vLLM plugin, the
tests and the benchmarks use."""

from __future__ import annotations

from collections.abc import Mapping

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
