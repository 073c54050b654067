"""The vLLM integration tests run only where vLLM is installed, e.g.

    /root/.cache/streamparse/vllm-venv/bin/python -m pytest tests/vllm -q

Elsewhere (the main test run) this whole directory is skipped, with the reason shown.
"""

import importlib.util

import pytest

if importlib.util.find_spec("vllm") is None:
    pytest.skip(
        "vLLM is not installed: tests/vllm needs it (pip install 'streamparse[vllm]')",
        allow_module_level=True,
    )

from vllm_harness import ScriptedEngine, make_tokenizer_dir  # noqa: E402


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory):
    return make_tokenizer_dir(tmp_path_factory.mktemp("tiny-tokenizer"))


@pytest.fixture(scope="session")
def registered():
    """The parsers registered the way an installed plugin is: through the entry point."""
    import streamparse_vllm

    streamparse_vllm.register()


@pytest.fixture
def engine(tokenizer_dir, registered):
    return ScriptedEngine(tokenizer_dir)


@pytest.fixture
def tokenizer(tokenizer_dir):
    from vllm.tokenizers import get_tokenizer

    return get_tokenizer(str(tokenizer_dir))
