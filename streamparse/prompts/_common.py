"""Moved to :mod:`streamparse.families._render` (kept here for one release)."""

from ..families._render import *  # noqa: F403
from ..families._render import Call, Message, PromptError  # noqa: F401
