"""The vLLM integration tests run only where vLLM is installed, e.g.

    /root/.cache/streamparse/vllm-venv/bin/python -m pytest tests/vllm -q

Elsewhere (the main test run) every module here is reported as skipped, with the reason, and not
imported.
"""

import importlib.util

import pytest

# A namespace package (this very folder, seen as "vllm" from tests/) has no origin: not vLLM.
_spec = importlib.util.find_spec("vllm")
HAVE_VLLM = _spec is not None and _spec.origin is not None
REASON = "vLLM is not installed: tests/vllm needs it (pip install 'streamparse[vllm]')"

if not HAVE_VLLM:

    class _SkippedModule(pytest.File):
        def collect(self):
            pytest.skip(REASON)

    def pytest_pycollect_makemodule(module_path, parent):
        return _SkippedModule.from_parent(parent, path=module_path)

else:
    from vllm_harness import ScriptedEngine, make_tokenizer_dir

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
