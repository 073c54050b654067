"""The Qwen family: ``qwen2`` (Qwen2 with the ReAct tool prompt). What its formats share (the
ChatML frame) is in :mod:`.chatml`."""
