"""The recorded token streams (tests/data/streams) equal what vLLM's own incremental
detokenizer emits for them: tests/tools/check_against_vllm.py, run in the vLLM suite. It needs the
real tokenizer files, which live outside the repository (../shared/data)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
sys.path.insert(0, str(TOOLS))

import check_against_vllm  # noqa: E402
from vllm_streams import DEFAULT_DATA  # noqa: E402


@pytest.mark.skipif(not (DEFAULT_DATA / "glm4" / "tokenizer.model").exists(),
                    reason=f"the real tokenizer files are not at {DEFAULT_DATA}")
def test_every_recorded_delta_is_what_vllm_detokenizes(capsys):
    assert check_against_vllm.main(["--data", str(DEFAULT_DATA)]) == 0
    assert "OK: identical" in capsys.readouterr().out
