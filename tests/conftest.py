import importlib.util
import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# tests/vllm needs vLLM's real classes; it runs in the vllm virtualenv (see README, .ci/run).
# Without vLLM it is not collected at all, rather than reported as skipped.
collect_ignore = [] if importlib.util.find_spec("vllm") else ["vllm"]

# STREAMPARSE_HYPOTHESIS=thorough gives every property test ten times the examples.
settings.register_profile("thorough", max_examples=3000, deadline=None)
if os.environ.get("STREAMPARSE_HYPOTHESIS") == "thorough":
    settings.load_profile("thorough")
