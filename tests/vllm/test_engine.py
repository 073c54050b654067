"""The engine adapter fed real ``RequestOutput``/``CompletionOutput`` objects in every output
kind: DELTA (empty text with token ids, merged tokens), CUMULATIVE and FINAL_ONLY; n > 1;
finish_reason."""

from __future__ import annotations

import pytest
from vllm_harness import chunkings, load_cases, request_outputs

import streamparse
from streamparse_vllm import ChoiceUpdate, OutputParser, parse_outputs
from streamparse_vllm.engine import LENGTH_MESSAGE

CASES = load_cases()
KINDS = ["delta", "cumulative", "final_only"]


def options(case):
    if case["format"] == "glm4":
        return {
            "special_token_ids": {
                151329: "<|endoftext|>",
                151336: "<|user|>",
                151337: "<|assistant|>",
                151338: "<|observation|>",
            }
        }
    return {}


def collect(updates: list[ChoiceUpdate]) -> dict[int, dict]:
    result: dict[int, dict] = {}
    for update in updates:
        state = result.setdefault(update.index, {"events": [], "finish_reason": None})
        assert state["finish_reason"] is None, "update after the choice finished"
        state["events"] += update.events
        state["finish_reason"] = update.finish_reason
    for state in result.values():
        state["result"] = streamparse.ParseResult.from_events(state["events"])
    return result


def check(result: streamparse.ParseResult, case) -> None:
    expected = case["expected"]
    assert result.content == expected["content"]
    completed = [(c.name, c.arguments) for c in result.tool_calls]
    if case["finish_reason"] == "length":
        assert completed == []
        assert [(e.name, e.raw) for e in result.errors] == [
            tuple(call) for call in expected["tool_calls"]
        ]
        assert all(LENGTH_MESSAGE in e.message for e in result.errors)
    else:
        assert completed == [tuple(call) for call in expected["tool_calls"]]
        assert result.errors == []


def run(case, kind, chunking="merged", output_kind=None):
    choices = {0: chunkings(case["tokens"])[chunking]}
    outputs = request_outputs(choices, kind, {0: case["finish_reason"]})
    parser = OutputParser(
        case["format"], case["tools"], output_kind=output_kind or kind, **options(case)
    )
    updates = [u for out in outputs for u in parser.feed(out)] + parser.close()
    return collect(updates)


@pytest.mark.parametrize("chunking", ["per_token", "merged"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_output_kind(case, kind, chunking):
    result = run(case, kind, chunking)
    assert list(result) == [0]
    assert result[0]["finish_reason"] == case["finish_reason"]
    check(result[0]["result"], case)


def test_delta_outputs_with_empty_text_are_fed_their_token_ids():
    case = next(c for c in CASES if c["name"] == "glm4_two_calls_skipped_specials")
    deltas = chunkings(case["tokens"])["per_token"]
    assert any(text == "" and ids == [151337] for text, ids in deltas)  # a skipped <|assistant|>
    check(run(case, "delta", "per_token")[0]["result"], case)


def test_output_kind_enum_from_sampling_params():
    from vllm.sampling_params import RequestOutputKind, SamplingParams

    case = CASES[0]
    for kind in KINDS:
        params = SamplingParams(output_kind=RequestOutputKind[kind.upper()])
        result = run(case, kind, output_kind=params.output_kind)
        check(result[0]["result"], case)
    assert OutputParser("qwen2").kind == "cumulative"  # vLLM's default
    with pytest.raises(ValueError):
        OutputParser("qwen2", output_kind="streaming")


@pytest.mark.parametrize("kind", KINDS)
def test_n_choices_get_a_parser_each(kind):
    picked = [
        CASES[0],
        next(c for c in CASES if c["name"] == "qwen2_truncated_call"),
        next(c for c in CASES if c["name"] == "qwen2_text_only"),
    ]
    choices = {i: chunkings(c["tokens"])["merged"] for i, c in enumerate(picked)}
    finish = {i: c["finish_reason"] for i, c in enumerate(picked)}
    parser = OutputParser("qwen2", picked[0]["tools"], output_kind=kind)
    outputs = request_outputs(choices, kind, finish)
    result = collect([u for out in outputs for u in parser.feed(out)] + parser.close())
    assert sorted(result) == [0, 1, 2]
    for index, case in enumerate(picked):
        assert result[index]["finish_reason"] == case["finish_reason"]
        check(result[index]["result"], case)
    ids = [c.id for r in result.values() for c in r["result"].tool_calls]
    assert len(set(ids)) == len(ids)


def test_call_cut_by_length_is_an_error_not_a_call():
    # The arguments are complete JSON except for the closing brace: only `length` ended them.
    from vllm.outputs import CompletionOutput, RequestOutput

    def out(text, finish):
        completion = CompletionOutput(
            index=0,
            text=text,
            token_ids=[7],
            cumulative_logprob=None,
            logprobs=None,
            finish_reason=finish,
        )
        return RequestOutput("r", "p", [1], None, [completion], finished=finish is not None)

    parser = OutputParser("qwen2", output_kind="delta")
    events = parser.feed(out('Action: f\nAction Input: {"a": 1', None))
    events += parser.feed(out("", "length"))
    result = collect(events)[0]
    assert result["finish_reason"] == "length"
    assert result["result"].tool_calls == []
    [error] = result["result"].errors
    assert error.index == 0 and error.raw == '{"a": 1' and LENGTH_MESSAGE in error.message


def test_stream_without_finish_reason_is_closed():
    case = next(c for c in CASES if c["name"] == "qwen2_truncated_call")
    choices = {0: chunkings(case["tokens"])["merged"]}
    outputs = request_outputs(choices, "delta", {0: None})
    parser = OutputParser("qwen2", case["tools"], output_kind="delta")
    updates = [u for out in outputs for u in parser.feed(out)]
    closing = parser.close()
    assert [u.finish_reason for u in closing] == [None]
    [error] = collect(updates + closing)[0]["result"].errors
    assert "truncated" in error.message and LENGTH_MESSAGE not in error.message
    assert parser.close() == []


async def test_parse_outputs_over_an_async_generator():
    case = CASES[0]
    outputs = request_outputs({0: chunkings(case["tokens"])["merged"]}, "cumulative", {0: "stop"})

    async def generate():
        for output in outputs:
            yield output

    updates = [u async for u in parse_outputs(generate(), "qwen2", case["tools"])]
    assert all(isinstance(u, ChoiceUpdate) for u in updates)
    check(collect(updates)[0]["result"], case)


def test_adapter_does_not_import_vllm():
    import subprocess
    import sys

    code = "import sys, streamparse_vllm.engine; print('vllm' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )
