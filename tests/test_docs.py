"""Every Python and shell block of README.md, docs/*.md and docs/formats/*.md runs as written, so a
doc cannot rot.

The blocks and their markers are read with pytest-codeblocks' extractor
(``pytest_codeblocks.extract_from_file``); this file runs them, because our blocks need what its
plugin does not do (the checkout as working directory, the venv's ``streamparse`` on ``PATH``, call
ids that differ per run) and because a display-only block must still be checked for syntax. The
markers, HTML comments that GitHub does not show:

- ``<!--pytest.mark.skip(reason="...")-->`` before a block: display-only (``vllm serve``, the vLLM
  venv, the full benchmark, the registry install). Python is compiled, shell goes through
  ``bash -n``; nothing runs.
- ``<!--pytest-codeblocks:expected-output-->`` after a block: the next block is what it prints,
  compared exactly, except that call ids (``call_`` + hex) are compared as ``call_…``.
- ``<!--pytest-codeblocks:cont-->``: the next block continues the previous one.

Python blocks run in a fresh namespace in this process, shell blocks in ``bash -euo pipefail``;
both in the checkout's root, where ``examples/`` holds the files they use.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_codeblocks import extract_from_file

ROOT = Path(__file__).resolve().parent.parent
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "formats").glob("*.md")),
]
# docs/spec.md is the contract (a listing of the API with free names, not a program): syntax only.
SYNTAX_ONLY_FILES = {"docs/spec.md"}
LANGUAGES = {"python", "sh", "bash", "console", "shell"}
INSTALLS = re.compile(r"\bpip\b.*\binstall\b|\bvenv\b")
CALL_ID = re.compile(r"call_[0-9a-f]+…?")


def _blocks():
    for doc in DOCS:
        name = doc.relative_to(ROOT).as_posix()
        for block in extract_from_file(doc):
            language = (block.syntax or "").split()[0] if block.syntax else ""
            if language not in LANGUAGES:
                continue
            skip = [m for m in block.marks if m.startswith("pytest.mark.skip")]
            display = bool(skip) or name in SYNTAX_ONLY_FILES
            if language != "python" and INSTALLS.search(block.code) and not display:
                UNMARKED_INSTALLS.append(f"{name}:{block.lineno}")
                display = True  # never run an install against the developer's venv
            yield pytest.param(name, language, block, display, id=f"{name}:{block.lineno}")


UNMARKED_INSTALLS: list[str] = []
BLOCKS = list(_blocks())


def test_blocks_that_install_are_marked_display_only():
    assert UNMARKED_INSTALLS == []


def test_the_docs_have_blocks_to_run():
    assert sum(1 for p in BLOCKS if not p.values[3]) >= 12


def _shell_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _run_python(code: str, name: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, name, "exec"), {"__name__": "__main__"})
    return out.getvalue()


def _run_shell(code: str) -> str:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", code],
        cwd=ROOT, env=_shell_env(), capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.parametrize(("doc", "language", "block", "display"), BLOCKS)
def test_block(doc, language, block, display, monkeypatch):
    where = f"{doc}:{block.lineno}"
    if language == "python":
        compile(block.code, where, "exec")  # display-only blocks must at least be Python
    else:
        check = subprocess.run(["bash", "-n", "-c", block.code], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    if display:
        return
    monkeypatch.chdir(ROOT)
    output = _run_python(block.code, where) if language == "python" else _run_shell(block.code)
    if block.expected_output is not None:
        assert CALL_ID.sub("call_…", output) == CALL_ID.sub("call_…", block.expected_output)
