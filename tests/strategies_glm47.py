"""Hypothesis strategy of well-formed ``glm47`` responses: GLM-4.7's layout (no newlines between
the parts), starting with the ``</think>`` that closes the reasoning the prompt opened (``glm47``'s
default reasoning is "started"; the reasoning here is empty, so the expectation has none). See
tests/strategies_glm45.py for what ``responses()`` draws."""

from __future__ import annotations

from typing import Any

from strategies_glm45 import glm_responses


def responses() -> Any:
    """``glm47`` responses: ``</think>`` then GLM-4.7's compact layout."""
    return glm_responses(compact=True, prefix="</think>")
