"""Qwen's ChatML frame, shared by the Qwen family's prompt renderers."""

IM_START, IM_END = "<|im_start|>", "<|im_end|>"
DEFAULT_SYSTEM = "You are a helpful assistant."
GENERATION_PROMPT = f"{IM_START}assistant\n"
