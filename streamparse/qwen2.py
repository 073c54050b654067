"""Moved to :mod:`streamparse.families.qwen.qwen2` (kept here for one release)."""

from .families.qwen.qwen2 import Qwen2Parser

__all__ = ["Qwen2Parser"]
