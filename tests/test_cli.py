"""The command line: ``streamparse parse``, ``demo`` and ``prompt``, and its errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from pydantic import TypeAdapter

import streamparse
from helpers import SEED_TOOLS
from streamparse import ParseResult, TextEvent
from streamparse.cli import main
from streamparse.events import Event

EVENTS = TypeAdapter(Event)
RESPONSE = (
    "Thought: both.\nAction: get_current_weather\n"
    'Action Input: {"location": "Boston, MA", "format": "celsius"}\n'
    'Action: send_email\nAction Input: {"to": "x"}\nFinal Answer: done'
)


def run_cli(args, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    return code, capsys.readouterr()


@pytest.mark.parametrize("chunk_size", ["1", "4", "1000"])
def test_parse_prints_the_events_as_json_lines(tmp_path, capsys, chunk_size):
    response = tmp_path / "response.txt"
    response.write_text(RESPONSE, encoding="utf-8")
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps(SEED_TOOLS), encoding="utf-8")
    code, out = run_cli(["parse", "--format", "qwen2", "--tools", str(tools), "--chunk-size",
                         chunk_size, str(response)], capsys)
    assert code == 0
    events = [EVENTS.validate_json(line) for line in out.out.splitlines()]
    result = ParseResult.from_events(events)
    expected = streamparse.parse(RESPONSE, "qwen2", tools=SEED_TOOLS)
    assert result.content == expected.content
    assert [(c.name, c.arguments) for c in result.tool_calls] == [("get_current_weather",
        {"location": "Boston, MA", "format": "celsius"})]
    assert [(e.name, e.message) for e in result.errors] == [("send_email", "unknown tool 'send_email'")]
    assert events[-1].span[1] == len(RESPONSE)


def test_parse_reads_stdin(capsys, monkeypatch):
    code, out = run_cli(["parse", "--format", "glm4", "--chunk-size", "3", "-"], capsys,
                        stdin="\nHello", monkeypatch=monkeypatch)
    assert code == 0
    assert [EVENTS.validate_json(line) for line in out.out.splitlines()] == [
        TextEvent(text="He", span=(0, 3)), TextEvent(text="llo", span=(3, 6))]


def test_demo_shows_calls_errors_and_text(capsys):
    code, out = run_cli(["demo", "--delay", "0", "--no-color"], capsys)
    assert code == 0
    text = out.out
    assert "== qwen2:" in text and "== glm4:" in text
    assert "ok call #0 get_current_weather complete" in text
    assert "ok call #1 calculate_gpa complete" in text
    assert "!! error (never started, send_email): unknown tool 'send_email'" in text
    assert "Final Answer: I could not send the email" in text
    assert "北京今天晴" in text and "\x1b[" not in text


def test_prompt_prints_the_rendered_conversation(tmp_path, capsys):
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps(SEED_TOOLS), encoding="utf-8")
    messages = tmp_path / "messages.json"
    conversation = [{"role": "user", "content": "Weather in Boston?"}]
    messages.write_text(json.dumps(conversation), encoding="utf-8")
    for fmt in ("glm4", "qwen2"):
        code, out = run_cli(["prompt", "--format", fmt, "--tools", str(tools), "--messages",
                             str(messages)], capsys)
        assert code == 0
        assert out.out == streamparse.render_prompt(fmt, SEED_TOOLS, conversation)


def test_unknown_format_is_refused_with_the_choices(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["parse", "--format", "hermes", "-"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'hermes'" in capsys.readouterr().err


def test_bad_tools_file_names_the_problem(tmp_path):
    tools = tmp_path / "tools.json"
    tools.write_text('[{"description": "no name"}]', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"tools\[0\] is invalid"):
        main(["parse", "--format", "qwen2", "--tools", str(tools), "-"])
    tools.write_text("[not json", encoding="utf-8")
    with pytest.raises(SystemExit, match="is not valid JSON"):
        main(["parse", "--format", "qwen2", "--tools", str(tools), "-"])
    with pytest.raises(SystemExit, match="cannot read tools file"):
        main(["parse", "--format", "qwen2", "--tools", str(tmp_path / "missing.json"), "-"])


def test_chunk_size_must_be_positive():
    with pytest.raises(SystemExit, match="at least 1"):
        main(["parse", "--format", "qwen2", "--chunk-size", "0", "-"])


def test_python_dash_m_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "streamparse", "parse", "--format", "qwen2",
                           "--chunk-size", "100"], input="hello", capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {"type": "text", "text": "hello", "span": [0, 5]}
