import importlib.util
import os
import sys
from pathlib import Path

from hypothesis import settings

# tests/vllm needs vLLM's real classes; it runs in the vllm virtualenv (see README, .ci/run).
# Without vLLM it is not collected at all, rather than reported as skipped. (Checked before tests/
# goes on sys.path, where tests/vllm would pass for a namespace package called vllm.)
collect_ignore = [] if importlib.util.find_spec("vllm") else ["vllm"]

sys.path.insert(0, str(Path(__file__).parent))

# STREAMPARSE_HYPOTHESIS=thorough gives every property test ten times the examples.
settings.register_profile("thorough", max_examples=3000, deadline=None)
if os.environ.get("STREAMPARSE_HYPOTHESIS") == "thorough":
    settings.load_profile("thorough")
