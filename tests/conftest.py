import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# STREAMPARSE_HYPOTHESIS=thorough multiplies the examples of every property test by ten.
settings.register_profile("thorough", max_examples=3000, deadline=None)
if os.environ.get("STREAMPARSE_HYPOTHESIS") == "thorough":
    settings.load_profile("thorough")
