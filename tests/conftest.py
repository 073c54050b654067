import importlib.util
import os
import sys
from pathlib import Path

from hypothesis import settings

# tests/vllm needs vLLM's real classes; it runs in the vllm virtualenv (see README, .ci/run).
# Without vLLM it is not collected at all, rather than reported as skipped. (pytest puts tests/ on
# sys.path, where tests/vllm passes for a namespace package called vllm: those have no origin.)
_vllm = importlib.util.find_spec("vllm")
collect_ignore = [] if _vllm is not None and _vllm.origin is not None else ["vllm"]

sys.path.insert(0, str(Path(__file__).parent))

# STREAMPARSE_HYPOTHESIS=thorough gives every property test ten times the examples.
settings.register_profile("thorough", max_examples=3000, deadline=None)
if os.environ.get("STREAMPARSE_HYPOTHESIS") == "thorough":
    settings.load_profile("thorough")
