"""The built wheel: its name is streamparse-llm (the registry's "streamparse" is another project),
it ships py.typed, both packages and the vLLM entry point, and nothing of the checkout's tests."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: hatchling comes with the test extra, so no download at test time.
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (path,) = out.glob("*.whl")
    assert path.name.startswith("streamparse_llm-")
    return zipfile.ZipFile(path)


def test_wheel_metadata_names_streamparse_llm(wheel: zipfile.ZipFile) -> None:
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    fields = Parser().parsestr(wheel.read(metadata).decode())
    assert fields["Name"] == "streamparse-llm"
    assert fields["Requires-Python"] == ">=3.11"
    assert "Typing :: Typed" in fields.get_all("Classifier")
    extras = fields.get_all("Provides-Extra")
    assert {"trio", "test", "vllm"} <= set(extras)


def test_wheel_ships_py_typed_both_packages_and_the_entry_points(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert {"streamparse/py.typed", "streamparse_vllm/py.typed", "streamparse/__init__.py",
            "streamparse/cli.py", "streamparse_vllm/tool_parser.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "integrations/", "benchmarks/"))]
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[vllm.general_plugins]\nstreamparse = streamparse_vllm:register" in text
    assert "[console_scripts]\nstreamparse = streamparse.cli:main" in text
