"""Shared helpers for the vLLM tests: a tiny local tokenizer, recorded streams, real
``RequestOutput`` builders, and vLLM's real ``OpenAIServingChat`` over a scripted engine.

The serving tests need *a* tokenizer (vLLM renders and tokenizes the prompt with it); the parser
only sees the deltas the fake engine scripts. So instead of shipping Qwen2's 5 MB vocabulary, the
tests build a byte-level tokenizer of 256 byte tokens plus GLM-4's special tokens at their real
glm-4-9b-chat ids (151329, 151336-151338), written to a temporary folder. It serves both formats:
the recorded streams (``data/streams.json``, made from the real Qwen2 and GLM-4 tokenizers by
``make_streams.py``) carry their own token ids, and for GLM-4 those ids resolve through this
tokenizer to the same special tokens.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

DATA = Path(__file__).parent / "data"
MODEL_NAME = "streamparse/tiny-test-model"
CHAT_TEMPLATE = (
    "[gMASK]<sop>{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}{% endfor %}<|assistant|>"
    "{% if enable_thinking is defined %}{% if enable_thinking %}<think>\n"
    "{% else %}\n<think></think>\n{% endif %}{% endif %}"
)
"""The prompt ends as a thinking model's does: ``chat_template_kwargs={"enable_thinking": True}``
pre-opens ``<think>`` (mode "started"), ``False`` closes an empty one ("off"), unset leaves the
generation prompt alone ("auto")."""
GLM4_SPECIAL = {
    "<|endoftext|>": 151329,
    "<|user|>": 151336,
    "<|assistant|>": 151337,
    "<|observation|>": 151338,
}


THINK_TAGS = {"<think>": 151667, "</think>": 151668}
"""Qwen3's ids of its think tags."""


EXAMPLES = Path(__file__).parents[2] / "integrations" / "vllm" / "examples"


def load_example(name: str) -> Any:
    """``integrations/vllm/examples/<name>.py`` as a module (the examples are files, not a
    package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"{name}_example", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_cases() -> list[dict[str, Any]]:
    return json.loads((DATA / "streams.json").read_text(encoding="utf-8"))["cases"]


def case_by_name(name: str) -> dict[str, Any]:
    return next(case for case in load_cases() if case["name"] == name)


def chunkings(tokens: list[list[Any]], seed: int = 0) -> dict[str, list[tuple[str, list[int]]]]:
    """The recorded per-token deltas, and the same merged as a lagging engine merges them."""
    per_token = [(text, list(ids)) for text, ids in tokens]
    rng = random.Random(seed)
    merged: list[tuple[str, list[int]]] = []
    i = 0
    while i < len(per_token):
        n = rng.randint(1, 4)
        group = per_token[i : i + n]
        merged.append(("".join(t for t, _ in group), [x for _, ids in group for x in ids]))
        i += n
    whole = [("".join(t for t, _ in per_token), [x for _, ids in per_token for x in ids])]
    return {"per_token": per_token, "merged": merged, "whole": whole}


def make_tokenizer_dir(path: Path) -> Path:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    vocab = {c: i for i, c in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    vocab.update(GLM4_SPECIAL)
    vocab.update(THINK_TAGS)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in GLM4_SPECIAL])
    # Qwen3's and GLM-4.5's think tags: single tokens, not special (their text always shows)
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in THINK_TAGS])
    path.mkdir(parents=True, exist_ok=True)
    tok.save(str(path / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "eos_token": "<|endoftext|>",
        "chat_template": CHAT_TEMPLATE,
    }
    (path / "tokenizer_config.json").write_text(json.dumps(config))
    (path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    return path


# ---- real vLLM output objects ------------------------------------------------------------


def request_outputs(
    choices: dict[int, list[tuple[str, list[int]]]],
    kind: str,
    finish_reasons: dict[int, str | None],
    request_id: str = "req-0",
    prompt_token_ids: list[int] | None = None,
) -> list[Any]:
    """``RequestOutput``s as ``AsyncLLM.generate()`` yields them for ``choices`` (index ->
    deltas) in output kind ``kind``: choices interleaved, one ``CompletionOutput`` per choice
    and step; cumulative text and ids for CUMULATIVE; a single output for FINAL_ONLY."""
    from vllm.outputs import CompletionOutput, RequestOutput

    def make(outputs: list[CompletionOutput], finished: bool) -> RequestOutput:
        return RequestOutput(
            request_id=request_id,
            prompt="p",
            prompt_token_ids=prompt_token_ids or [1, 2, 3],
            prompt_logprobs=None,
            outputs=outputs,
            finished=finished,
        )

    steps = max(len(d) for d in choices.values())
    texts = {i: "" for i in choices}
    ids: dict[int, list[int]] = {i: [] for i in choices}
    result = []
    for step in range(steps):
        outputs = []
        for index, deltas in choices.items():
            if step >= len(deltas):
                continue
            text, token_ids = deltas[step]
            texts[index] += text
            ids[index] += token_ids
            last = step == len(deltas) - 1
            finish = finish_reasons.get(index) if last else None
            if kind == "delta":
                out_text, out_ids = text, list(token_ids)
            else:
                out_text, out_ids = texts[index], list(ids[index])
            outputs.append(
                CompletionOutput(
                    index=index,
                    text=out_text,
                    token_ids=out_ids,
                    cumulative_logprob=None,
                    logprobs=None,
                    finish_reason=finish,
                )
            )
        finished = step == steps - 1
        if kind != "final_only":
            result.append(make(outputs, finished))
        elif finished:
            result.append(
                make(
                    [
                        CompletionOutput(
                            index=i,
                            text=texts[i],
                            token_ids=ids[i],
                            cumulative_logprob=None,
                            logprobs=None,
                            finish_reason=finish_reasons.get(i),
                        )
                        for i in choices
                    ],
                    True,
                )
            )
    return result


# ---- vLLM's real OpenAIServingChat over a scripted engine ---------------------------------


@dataclass
class MockHFConfig:
    model_type: str = "any"


@dataclass
class MockModelConfig:
    tokenizer: str = ""
    model: str = MODEL_NAME
    task = "generate"
    runner_type = "generate"
    trust_remote_code = False
    tokenizer_mode = "auto"
    max_model_len = 4096
    tokenizer_revision = None
    hf_config: MockHFConfig = field(default_factory=MockHFConfig)
    hf_text_config: MockHFConfig = field(default_factory=MockHFConfig)
    logits_processors: list[str] | None = None
    diff_sampling_param: dict | None = None
    allowed_local_media_path: str = ""
    allowed_media_domains: list[str] | None = None
    encoder_config = None
    generation_config: str = "auto"
    override_generation_config: dict[str, Any] = field(default_factory=dict)
    media_io_kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)
    skip_tokenizer_init: bool = False
    is_encoder_decoder: bool = False
    is_multimodal_model: bool = False
    enable_prompt_embeds: bool = False
    renderer_num_workers: int = 1
    supports_multimodal_inputs: bool = False
    code_revision = None
    revision = None

    def __post_init__(self) -> None:
        from vllm.config import MultiModalConfig

        self.multimodal_config = MultiModalConfig()

    def get_multimodal_config(self) -> Any:
        return self.multimodal_config

    def get_vocab_size(self) -> int:
        return 151552

    def get_diff_sampling_param(self) -> dict:
        return self.diff_sampling_param or {}


@dataclass
class MockParallelConfig:
    _api_process_rank: int = 0


@dataclass
class MockVllmConfig:
    model_config: MockModelConfig
    parallel_config: MockParallelConfig = field(default_factory=MockParallelConfig)


class ScriptedEngine:
    """Stands in for ``AsyncLLM`` (a ``MagicMock(spec=AsyncLLM)``, as vLLM's own serving tests
    do) whose ``generate()`` replays scripted deltas as ``RequestOutput``s of the requested output
    kind (DELTA when streaming, FINAL_ONLY otherwise) and records the
    ``SamplingParams`` it was given."""

    def __init__(self, tokenizer_dir: Path) -> None:
        from vllm.renderers.hf import HfRenderer
        from vllm.tokenizers.registry import cached_tokenizer_from_config
        from vllm.v1.engine.async_llm import AsyncLLM

        self.model_config = MockModelConfig(tokenizer=str(tokenizer_dir))
        engine = MagicMock(spec=AsyncLLM)
        engine.errored = False
        engine.model_config = self.model_config
        engine.input_processor = MagicMock()
        engine.io_processor = MagicMock()
        engine.renderer = HfRenderer(
            MockVllmConfig(self.model_config), cached_tokenizer_from_config(self.model_config)
        )
        engine.generate = self.generate
        self.mock = engine
        self.script: dict[int, list[tuple[str, list[int]]]] = {}
        self.finish_reasons: dict[int, str] = {}
        self.sampling_params: list[Any] = []
        self.prompts: list[list[int] | None] = []  # the rendered prompts' token ids, per request

    async def generate(self, prompt: Any, sampling_params: Any, request_id: str, **_: Any):
        self.sampling_params.append(sampling_params)
        kind = sampling_params.output_kind.name.lower()  # DELTA when streaming, else FINAL_ONLY
        prompt_ids = prompt.get("prompt_token_ids") if isinstance(prompt, dict) else None
        self.prompts.append(prompt_ids)
        outputs = request_outputs(self.script, kind, self.finish_reasons, request_id, prompt_ids)
        for output in outputs:
            yield output


def _serving_parts(
    engine: ScriptedEngine, tool_parser: str | None, reasoning_parser: str | None
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """What every OpenAI serving class is built from: the engine, its models, the online
    renderer, and the parser options."""
    from vllm.entrypoints.openai.models.serving import BaseModelPath, OpenAIServingModels
    from vllm.renderers.online_renderer import OnlineRenderer

    mock = engine.mock
    models = OpenAIServingModels(
        engine_client=mock, base_model_paths=[BaseModelPath(name=MODEL_NAME, model_path=MODEL_NAME)]
    )
    options: dict[str, Any] = dict(
        enable_auto_tools=tool_parser is not None,
        tool_parser=tool_parser,
        reasoning_parser=reasoning_parser or "",
    )
    renderer = OnlineRenderer(
        mock.model_config,
        mock.renderer,
        request_logger=None,
        chat_template=CHAT_TEMPLATE,
        chat_template_content_format="auto",
        **options,
    )
    return mock, models, renderer, options


def serving_chat(
    engine: ScriptedEngine, tool_parser: str | None, reasoning_parser: str | None = None
):
    from vllm.entrypoints.openai.chat_completion.serving import OpenAIServingChat

    mock, models, renderer, options = _serving_parts(engine, tool_parser, reasoning_parser)
    return OpenAIServingChat(
        mock,
        models,
        "assistant",
        online_renderer=renderer,
        request_logger=None,
        chat_template=CHAT_TEMPLATE,
        chat_template_content_format="auto",
        **options,
    )


def serving_responses(
    engine: ScriptedEngine, tool_parser: str | None, reasoning_parser: str | None = None
):
    """vLLM's real ``OpenAIServingResponses`` (``/v1/responses``) over the scripted engine, set up
    as ``serving_chat`` sets up the chat endpoint."""
    from vllm.entrypoints.openai.responses.serving import OpenAIServingResponses

    mock, models, renderer, options = _serving_parts(engine, tool_parser, reasoning_parser)
    return OpenAIServingResponses(
        mock,
        models,
        renderer,
        request_logger=None,
        chat_template=CHAT_TEMPLATE,
        chat_template_content_format="auto",
        **options,
    )


async def run_chat(serving: Any, request: dict[str, Any]) -> Any:
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    req = ChatCompletionRequest(model=MODEL_NAME, **request)
    return await serving.create_chat_completion(req)


async def sse_chunks(stream: AsyncIterator[str]) -> list[dict[str, Any]]:
    """The SSE frames a client receives, decoded; asserts the framing and the final [DONE]."""
    frames = [frame async for frame in stream]
    assert frames[-1] == "data: [DONE]\n\n"
    chunks = []
    for frame in frames[:-1]:
        assert frame.startswith("data: ") and frame.endswith("\n\n"), frame
        chunks.append(json.loads(frame[len("data: ") : -2]))
    return chunks


def reassemble(chunks: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """What an OpenAI client rebuilds from the chunks, per choice: content, tool calls (id, name,
    arguments) and finish_reason. Checks the delta shape: each call's first entry has id, type
    and name; later entries only arguments; at most one entry per index per chunk."""
    choices: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        assert "error" not in chunk, chunk
        for choice in chunk["choices"]:
            state = choices.setdefault(
                choice["index"],
                {"content": "", "reasoning": "", "tool_calls": [], "finish_reason": None},
            )
            delta = choice.get("delta", {})
            state["content"] += delta.get("content") or ""
            state["reasoning"] += delta.get("reasoning") or ""
            seen = set()
            for entry in delta.get("tool_calls") or []:
                index = entry["index"]
                assert index not in seen, f"two entries for call {index} in one chunk"
                seen.add(index)
                calls = state["tool_calls"]
                if index == len(calls):
                    assert entry.get("id") and entry.get("type") == "function", entry
                    assert entry["function"].get("name"), entry
                    calls.append(
                        {
                            "id": entry["id"],
                            "name": entry["function"]["name"],
                            "arguments": entry["function"].get("arguments") or "",
                        }
                    )
                else:
                    assert index < len(calls), entry
                    assert not entry.get("id") and not entry["function"].get("name"), entry
                    calls[index]["arguments"] += entry["function"].get("arguments") or ""
            if choice.get("finish_reason"):
                assert state["finish_reason"] is None
                state["finish_reason"] = choice["finish_reason"]
    return choices


def expected_calls(case: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(name, args) for name, args in case["expected"]["tool_calls"]]


def call_matches(call: dict[str, Any], name: str, arguments: Any) -> bool:
    if call["name"] != name:
        return False
    if isinstance(arguments, str):  # raw text of a call that failed
        return call["arguments"] == arguments
    return json.loads(call["arguments"]) == arguments


os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
