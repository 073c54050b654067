"""The typed user script runs (mypy --strict checks it in .ci/run), and py.typed is shipped."""

from __future__ import annotations

import runpy
from pathlib import Path

import streamparse

HERE = Path(__file__).parent


def test_the_typed_user_script_runs_under_asyncio_and_trio():
    runpy.run_path(str(HERE / "typing" / "user_script.py"), run_name="__main__")


def test_the_package_says_it_is_typed():
    assert (Path(streamparse.__file__).parent / "py.typed").is_file()
