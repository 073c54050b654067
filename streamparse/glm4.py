"""Moved to :mod:`streamparse.families.glm.glm4`; the special tokens to
:mod:`streamparse.families.glm.tokens` (kept here for one release)."""

from .families.glm.glm4 import Glm4Parser
from .families.glm.tokens import ASSISTANT, END_OF_TURN, GLM4_9B_CHAT_SPECIAL_TOKEN_IDS

__all__ = ["ASSISTANT", "END_OF_TURN", "GLM4_9B_CHAT_SPECIAL_TOKEN_IDS", "Glm4Parser"]
