"""The command line: ``streamparse parse``, ``demo`` and ``prompt``, and its errors."""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import subprocess
import sys

import pytest
from pydantic import TypeAdapter

import streamparse
import streamparse.prompts
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
    for fmt in streamparse.formats():  # every format has a demo
        assert f"== {fmt}:" in text, fmt
    assert ".. reasoning: Two cities" in text  # hermes: Qwen3 reasons first
    form = text.split("a form filling in as the call streams ==\n", 1)[1].splitlines()
    assert form[0] == "  {}" and form[-2] == '  {"grades": ["A", "B+", "A-"], "hours": [3, 4, 3], "note": "spring term"}'


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


def run_failing(argv, capsys, stdin=None, monkeypatch=None):
    """A command-line mistake: the exit status and what was printed (stdout, stderr)."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out = capsys.readouterr()
    code = exit_info.value.code
    if isinstance(code, str):  # SystemExit("message"): Python prints it and exits with 1
        return 1, out.out, out.err + code + "\n"
    return code, out.out, out.err


def one_line(err):
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err


def test_unknown_format_is_refused_with_the_choices(capsys):
    code, _, err = run_failing(["parse", "--format", "qwen9", "-"], capsys)
    assert code == 2
    assert "invalid choice: 'qwen9'" in one_line(err) and ", ".join(map(repr, streamparse.formats())) in err


def test_bad_tools_file_names_the_problem(tmp_path, capsys):
    tools = tmp_path / "tools.json"
    for content, message in [
        ('[{"description": "no name"}]', r"tools\[0\] is invalid"),
        ("[not json", "is not valid JSON"),
        ('{"model": "x"}', "must hold a JSON list"),
    ]:
        tools.write_text(content, encoding="utf-8")
        code, _, err = run_failing(["parse", "--format", "qwen2", "--tools", str(tools), "-"], capsys)
        assert code == 1 and re.search(message, one_line(err)), err
    code, _, err = run_failing(
        ["parse", "--format", "qwen2", "--tools", str(tmp_path / "missing.json"), "-"], capsys)
    assert code == 1 and "cannot read tools file" in one_line(err)


def test_parse_tools_takes_a_request_body_like_prompt(tmp_path, capsys):
    body = tmp_path / "request.json"
    body.write_text(json.dumps({"model": "m", "tools": SEED_TOOLS, "messages": []}), encoding="utf-8")
    response = tmp_path / "response.txt"
    response.write_text(RESPONSE, encoding="utf-8")
    code, out = run_cli(["parse", "--format", "qwen2", "--tools", str(body), str(response)], capsys)
    assert code == 0
    result = ParseResult.from_events([EVENTS.validate_json(line) for line in out.out.splitlines()])
    assert [c.name for c in result.tool_calls] == ["get_current_weather"]
    assert [e.name for e in result.errors] == ["send_email"]


def _write(path, data):
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "cannot read response file '.*missing.txt': No such file or directory"),
        ("directory", "cannot read response file '.*': Is a directory"),
        ("binary", "response file '.*' is not text \\(it has NUL bytes"),
        ("utf16", "response file '.*' is UTF-16 text; streamparse reads UTF-8"),
        ("utf16-no-bom", "is not text \\(it has NUL bytes"),
        ("utf32", "is UTF-32 text"),
        ("latin1", "is not UTF-8 text \\(byte 0xe9 at offset 3\\)"),
        ("truncated-utf8", "is not UTF-8 text \\(byte 0xe5 at offset 3\\)"),
    ],
)
def test_unusable_response_files_are_one_line(tmp_path, capsys, case, message):
    contents = {
        "binary": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "utf16": "Thought: hi".encode("utf-16"),
        "utf16-no-bom": "Thought: hi".encode("utf-16-le"),
        "utf32": "Thought: hi".encode("utf-32"),
        "latin1": "café au lait".encode("latin-1"),
        "truncated-utf8": b"abc" + "北".encode()[:2],
    }
    if case == "missing":
        path = str(tmp_path / "missing.txt")
    elif case == "directory":
        path = str(tmp_path)
    else:
        path = _write(tmp_path / "r.txt", contents[case])
    code, _, err = run_failing(["parse", "--format", "qwen2", path], capsys)
    assert code == 1
    assert re.search(message, one_line(err)), err


def test_a_utf8_bom_is_dropped(tmp_path, capsys):
    path = _write(tmp_path / "r.txt", "\ufeffhello".encode())
    code, out = run_cli(["parse", "--format", "glm4", "--chunk-size", "100", path], capsys)
    assert code == 0 and json.loads(out.out)["text"] == "hello"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--delay", "-1"], "argument --delay: must be 0 or more seconds, not -1"),
        (["demo", "--delay", "soon"], "argument --delay: not a number of seconds: 'soon'"),
        (["demo", "--delay", "inf"], "must be 0 or more seconds"),
        (["parse", "--format", "qwen2", "--chunk-size", "0", "-"], "must be at least 1, not 0"),
        (["parse", "--format", "qwen2", "--chunk-size", "x", "-"], "not a whole number: 'x'"),
        (["parse", "-"], "the following arguments are required: --format"),
        (["prompt", "--format", "glm4"], "the following arguments are required: --tools"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_option_mistakes_are_one_line_with_status_2(capsys, argv, message):
    code, out, err = run_failing(argv, capsys)
    assert code == 2 and out == ""
    assert message in one_line(err), err
    assert "--help" in err


def test_prompt_files_that_cannot_be_read_are_one_line(tmp_path, capsys):
    tools = _write(tmp_path / "tools.json", json.dumps(SEED_TOOLS).encode("utf-16"))
    code, _, err = run_failing(["prompt", "--format", "glm4", "--tools", tools], capsys)
    assert code == 1 and "tools file '" in one_line(err) and "UTF-16" in err
    code, _, err = run_failing(["prompt", "--format", "glm4", "--tools", str(tmp_path)], capsys)
    assert code == 1 and "Is a directory" in one_line(err)


def test_the_installed_command_prints_one_line_not_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "streamparse", "parse", "--format", "qwen2", str(tmp_path / "nope")],
        capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    assert one_line(done.stderr).startswith("streamparse: cannot read response file")


def test_version():
    done = subprocess.run([sys.executable, "-m", "streamparse", "--version"],
                          capture_output=True, text=True, check=True)
    assert done.stdout == f"streamparse {streamparse.__version__} (distribution streamparse-llm)\n"
    assert streamparse.__version__ == importlib.metadata.version("streamparse-llm")


def test_summary_prints_counts_instead_of_events(tmp_path, capsys):
    response = tmp_path / "response.txt"
    response.write_text(RESPONSE, encoding="utf-8")
    tools = _write(tmp_path / "tools.json", json.dumps(SEED_TOOLS).encode())
    code, out = run_cli(["parse", "--format", "qwen2", "--tools", tools, "--summary", str(response)],
                        capsys)
    assert code == 0
    summary = json.loads(out.out)
    expected = streamparse.parse(RESPONSE, "qwen2", tools=SEED_TOOLS)
    assert summary.pop("seconds") >= 0
    assert summary == {
        "text_chars": len(expected.content), "reasoning_chars": 0, "calls": 1, "errors": 1,
        "deltas": -(-len(RESPONSE) // 4),
    }


def test_deltas_do_not_depend_on_the_read_blocks():
    from streamparse._textfiles import iter_text  # noqa: F401 (the blocks come from there)
    from streamparse.cli import _deltas

    text = "abcdefghij" * 7
    for block in (1, 3, 4, 9, 70, 100):
        blocks = iter(text[i : i + block] for i in range(0, len(text), block))
        assert list(_deltas(blocks, 4)) == [text[i : i + 4] for i in range(0, len(text), 4)]


def test_long_files_are_read_in_blocks_with_the_same_events(tmp_path, capsys, monkeypatch):
    import streamparse._textfiles as textfiles

    monkeypatch.setattr(textfiles, "BLOCK", 7)  # many blocks, UTF-8 characters split across them
    text = "Thought: 北京 ☀️.\n" * 5 + 'Action: get_current_weather\nAction Input: {"location": "北京"}'
    response = tmp_path / "response.txt"
    response.write_text(text, encoding="utf-8")
    code, out = run_cli(["parse", "--format", "qwen2", "--chunk-size", "5", str(response)], capsys)
    assert code == 0
    monkeypatch.setattr(textfiles, "BLOCK", 1 << 20)
    code, again = run_cli(["parse", "--format", "qwen2", "--chunk-size", "5", str(response)], capsys)
    strip = re.compile(r'"id":"call_[0-9a-f]+"')
    assert strip.sub("", out.out) == strip.sub("", again.out)
    assert ParseResult.from_events(
        [EVENTS.validate_json(line) for line in out.out.splitlines()]).content == "Thought: 北京 ☀️.\n" * 5


def test_progress_shows_on_a_terminal_for_long_input(tmp_path, monkeypatch):
    import streamparse.cli as cli

    monkeypatch.setattr(cli, "PROGRESS_MIN_BYTES", 10)
    err = io.StringIO()
    blocks = list(cli._with_progress(iter(["a" * 8, "b" * 8]), "-", err))
    assert blocks == ["a" * 8, "b" * 8]
    assert "16 characters" not in err.getvalue()  # millions, with one decimal
    assert err.getvalue().startswith("\rstreamparse: 0.0 M characters")
    assert err.getvalue().endswith("\r\x1b[K")
    quiet = io.StringIO()
    assert list(cli._with_progress(iter(["short"]), "-", quiet)) == ["short"]
    assert quiet.getvalue() == ""


def test_python_dash_m_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "streamparse", "parse", "--format", "qwen2",
                           "--chunk-size", "100"], input="hello", capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {"type": "text", "text": "hello", "span": [0, 5]}


def test_parse_options_reasoning_max_calls_require_call(tmp_path):
    import json
    import subprocess
    import sys

    response = tmp_path / "r.txt"
    response.write_text("<think>\nhmm\n</think>\nAction: a\nAction Input: {}\nAction: a\nAction Input: {}",
                        encoding="utf-8")
    run = [sys.executable, "-m", "streamparse", "parse", "--format", "qwen2", str(response)]
    done = subprocess.run(run + ["--reasoning", "auto", "--max-calls", "1"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert "".join(e["text"] for e in events if e["type"] == "reasoning") == "hmm"
    assert [e["type"] for e in events].count("tool_call_end") == 1
    assert any("more than 1" in e.get("message", "") for e in events)
    done = subprocess.run(run + ["--no-calls", "--require-call"], capture_output=True, text=True)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events[-1]["message"] == "no tool call"
    done = subprocess.run(run + ["--max-calls", "-1"], capture_output=True, text=True)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("flag", [["--lang", "zh"], ["--enable-thinking"], ["--no-enable-thinking"]])
def test_prompt_option_a_format_does_not_take_is_one_line(tmp_path, capsys, flag):
    tools = _write(tmp_path / "tools.json", json.dumps(SEED_TOOLS).encode())
    code, out, err = run_failing(["prompt", "--format", "qwen2", "--tools", tools, *flag], capsys)
    name = "lang" if flag[0] == "--lang" else "enable_thinking"
    assert code == 1 and out == "" and f"qwen2 prompts have no option {name!r}" in one_line(err)


# The prompt options contract v2 gives each format (its template's switches): the options, the
# command-line flags for them, and what they are compared against (the template's default).
THINKING_OFF = ({"enable_thinking": False}, ["--no-enable-thinking"], {})
PROMPT_OPTIONS = {
    "hermes": THINKING_OFF,
    "qwen3_coder": ({"variant": "qwen3.5", "enable_thinking": False},
                    ["--variant", "qwen3.5", "--no-enable-thinking"], {"variant": "qwen3.5"}),
    "glm45": THINKING_OFF,
    "glm47": THINKING_OFF,
    "qwen_agent": ({"lang": "zh"}, ["--lang", "zh"], {}),
}


@pytest.mark.parametrize("fmt", [f for f in PROMPT_OPTIONS if f in streamparse.prompts.prompt_formats()])
def test_prompt_passes_the_thinking_switch_and_language_to_formats_that_take_them(tmp_path, capsys, fmt):
    from streamparse.prompts import render_prompt

    tools = _write(tmp_path / "tools.json", json.dumps(SEED_TOOLS).encode())
    conversation = [{"role": "user", "content": "Weather in Boston?"}]
    messages = _write(tmp_path / "messages.json", json.dumps(conversation).encode())
    options, flags, default = PROMPT_OPTIONS[fmt]
    expected = render_prompt(fmt, SEED_TOOLS, conversation, **options)
    assert expected != render_prompt(fmt, SEED_TOOLS, conversation, **default)  # the option changes it
    code, captured = run_cli(["prompt", "--format", fmt, "--tools", tools, "--messages", messages, *flags], capsys)
    assert (code, captured.out) == (0, expected)


def test_parse_partial_prints_the_arguments_so_far(tmp_path, capsys):
    response = _write(tmp_path / "r.txt", b'Action: f\nAction Input: {"city": "Boston", "n": [1, 2]}\nok')
    code, captured = run_cli(["parse", "--format", "qwen2", "--partial", "--chunk-size", "8", response], capsys)
    lines = [json.loads(line) for line in captured.out.splitlines()]
    partials = [line["arguments"] for line in lines if line["type"] == "partial_arguments"]
    assert code == 0 and partials == [{}, {"city": "Boston"}, {"city": "Boston"}]
    assert [line["type"] for line in lines][-2:] == ["tool_call_end", "text"]


def test_parse_validate(tmp_path, capsys):
    tools = _write(tmp_path / "tools.json", json.dumps(
        [{"name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}]).encode())
    response = _write(tmp_path / "r.txt", b'Action: f\nAction Input: {"n": "x"}')
    code, captured = run_cli(["parse", "--format", "qwen2", "--validate", "--tools", tools, response], capsys)
    errors = [json.loads(line) for line in captured.out.splitlines() if '"tool_call_error"' in line]
    assert code == 0 and [e["message"] for e in errors] == ['n: "x" is not of type "integer"']
    code, out, err = run_failing(["parse", "--format", "qwen2", "--validate", response], capsys)
    assert code == 1 and out == "" and "validate=True needs tools" in one_line(err)
