"""Check the recorded streams against vLLM's own detokenizer.

Run with the Python of a virtualenv that has vLLM (0.33) installed; no GPU and no network:

    /path/to/vllm-venv/bin/python tests/tools/check_against_vllm.py [--data ../shared/data]

For every record in tests/data/streams/*.jsonl it builds the tokenizer the way vLLM would get
it (Qwen2: ``AutoTokenizer`` over the local ``vocab.json``/``merges.txt``/``tokenizer_config.json``,
a fast tokenizer; GLM-4: a transformers slow tokenizer equivalent to ``ChatGLM4Tokenizer``, whose
remote code is not available here), feeds the recorded prompt and token ids through
``vllm.v1.engine.detokenizer.IncrementalDetokenizer.from_new_request`` one engine step at a time
exactly as the output processor does (stop token: ``finish_reason == STOP``), and asserts each
step's text equals the recorded delta. It also re-encodes each response text with the
transformers tokenizer and checks the recorded token ids.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from corpus import CASES
from vllm_streams import (
    DEFAULT_DATA,
    GLM4_PATTERN,
    GLM4_SPECIAL_NAMES,
    GLM4_STOP_IDS,
    QWEN2_STOP_IDS,
)


def qwen2_tokenizer(data: Path):
    from transformers import AutoTokenizer

    tmp = Path(tempfile.mkdtemp(prefix="qwen2tok-"))
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json"):
        shutil.copy(data / "qwen2" / name, tmp / name)
    return AutoTokenizer.from_pretrained(str(tmp))


def glm4_tokenizer(data: Path):
    """A transformers slow tokenizer built like glm-4-9b-chat's ``ChatGLM4Tokenizer``: tiktoken
    ranks, ``bytes`` tokens, the 14 special tokens as added special tokens."""
    import tiktoken
    from transformers import PreTrainedTokenizer

    class ChatGLM4LikeTokenizer(PreTrainedTokenizer):
        model_input_names: ClassVar[list[str]] = ["input_ids", "attention_mask"]

        def __init__(self, vocab_file: str, **kwargs):
            ranks = {}
            with open(vocab_file, encoding="ascii") as f:
                for line in f:
                    if line.strip():
                        token, rank = line.split()
                        ranks[base64.b64decode(token)] = int(rank)
            self.mergeable_ranks = ranks
            self.special = {t: len(ranks) + i for i, t in enumerate(GLM4_SPECIAL_NAMES)}
            self.special_ids = {i: t for t, i in self.special.items()}
            self.decoder = {r: t for t, r in ranks.items()}
            self.enc = tiktoken.Encoding(
                name="glm4", pat_str=GLM4_PATTERN, mergeable_ranks=ranks,
                special_tokens=self.special,
            )  # fmt: skip
            super().__init__(
                clean_up_tokenization_spaces=False,
                eos_token="<|endoftext|>", pad_token="<|endoftext|>",
                additional_special_tokens=list(GLM4_SPECIAL_NAMES),
                **kwargs,
            )  # fmt: skip

        @property
        def vocab_size(self):
            return len(self.decoder) + len(self.special)

        def get_vocab(self):
            vocab = {self._convert_id_to_token(i): i for i in range(self.vocab_size)}
            vocab.update(self.added_tokens_encoder)
            return vocab

        def _tokenize(self, text, **kwargs):
            return [self.decoder[t] for t in self.enc.encode(text, disallowed_special=())]

        def _convert_token_to_id(self, token):
            if token in self.special:
                return self.special[token]
            return self.mergeable_ranks[token]

        def _convert_id_to_token(self, index):
            if index in self.special_ids:
                return self.special_ids[index]
            return self.decoder[index]

        def convert_tokens_to_string(self, tokens):
            text, temp = "", b""
            for t in tokens:
                if isinstance(t, str):
                    if temp:
                        text += temp.decode("utf-8", errors="replace")
                        temp = b""
                    text += t
                else:
                    temp += t
            if temp:
                text += temp.decode("utf-8", errors="replace")
            return text

    tok = ChatGLM4LikeTokenizer(str(data / "glm4" / "tokenizer.model"))
    for name, tid in tok.special.items():
        assert tok.convert_tokens_to_ids(name) == tid, name
    return tok


def replay(tok, record: dict, stop_ids) -> list[str]:
    """The text vLLM's detokenizer emits for each recorded step."""
    from vllm import SamplingParams
    from vllm.v1.engine.detokenizer import IncrementalDetokenizer

    params = SamplingParams(
        skip_special_tokens=record["skip_special_tokens"],
        spaces_between_special_tokens=record["spaces_between_special_tokens"],
        stop=record["stop"] or None,
        include_stop_str_in_output=record["include_stop_str_in_output"],
        max_tokens=4096,
    )
    request = SimpleNamespace(
        request_id=record["name"], prompt_token_ids=list(record["prompt_ids"]),
        prompt_embeds=None, sampling_params=params,
    )  # fmt: skip
    detok = IncrementalDetokenizer.from_new_request(tok, request)
    lag = getattr(detok, "stop_buffer_length", 0)
    assert lag == record.get("text_lag", lag), (record["name"], lag, record["text_lag"])
    ids = record["token_ids"]
    out = []
    for n, tid in enumerate(ids):
        last = n == len(ids) - 1
        stop_terminated = last and tid in stop_ids and record["finish_reason"] == "stop"
        stop_string = detok.update([tid], stop_terminated)
        out.append(detok.get_next_output_text(last or stop_string is not None, delta=True))
        if stop_string is not None:
            assert last, f"{record['name']}: vLLM stopped early on {stop_string!r}"
    return out, type(detok).__name__


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--streams", type=Path, default=ROOT / "tests" / "data" / "streams")
    ap.add_argument("--generated", type=Path, default=ROOT / "tests" / "data" / "glm4_generated")
    args = ap.parse_args(argv)
    toks = {"qwen2": qwen2_tokenizer(args.data), "glm4": glm4_tokenizer(args.data)}
    stop_ids = {"qwen2": QWEN2_STOP_IDS, "glm4": GLM4_STOP_IDS}
    cases = {c["name"]: c for c in CASES}
    failures = 0
    for fmt in ("qwen2", "glm4"):
        tok = toks[fmt]
        n_records = n_tokens = 0
        kinds = set()
        for line in (args.streams / f"{fmt}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            got, kind = replay(tok, record, stop_ids[fmt])
            kinds.add(kind)
            n_records += 1
            n_tokens += len(got)
            if got != record["deltas"]:
                failures += 1
                for n, (a, b) in enumerate(zip(got, record["deltas"])):
                    if a != b:
                        print(f"MISMATCH {record['name']} [{record['mode']}] step {n}: "
                              f"vLLM {a!r} recorded {b!r}")  # fmt: skip
                        break
            # The recorded ids are the transformers tokenizer's encoding of the response.
            c = cases[record["name"]]
            text = c["response"] + (c["end"] or "")
            if fmt == "qwen2":
                ids = tok.encode(text, add_special_tokens=False)
            else:
                ids = []
                for piece in _split_special(text):
                    if piece in tok.special:
                        ids.append(tok.special[piece])
                    elif piece:
                        ids.extend(tok.enc.encode(piece, disallowed_special=()))
            if ids[: len(record["token_ids"])] != record["token_ids"]:
                failures += 1
                print(f"TOKEN IDS DIFFER {record['name']} [{record['mode']}]")
        print(f"{fmt}: {n_records} records, {n_tokens} tokens compared with vLLM "
              f"{'/'.join(sorted(kinds))}")  # fmt: skip
    failures += check_generated(toks["glm4"], args.generated)
    print("OK: identical" if not failures else f"FAILED: {failures} mismatches")
    return 1 if failures else 0


def check_generated(tok, folder: Path) -> int:
    """The generated GLM-4 corpus (tests/tools/glm4_generated.py): each reply's deltas in each
    mode, and the same with stop strings (``Observation:`` and the reply's own): what vLLM
    emits must equal the recorded deltas with the text held back ``len(stop) - 1`` characters,
    as the test rebuilds them (``lag_steps``)."""
    from glm4_generated import MODES, lag_steps

    failures = n_streams = n_tokens = 0
    for line in (folder / "replies.jsonl").read_text(encoding="utf-8").splitlines():
        reply = json.loads(line)
        ids = []
        for piece in _split_special(reply["response"] + "<|observation|>"):
            if piece in tok.special:
                ids.append(tok.special[piece])
            elif piece:
                ids.extend(tok.enc.encode(piece, disallowed_special=()))
        if ids != reply["token_ids"]:
            failures += 1
            print(f"TOKEN IDS DIFFER generated reply {reply['id']}")
        for mode, (skip, spaces) in MODES.items():
            for stop in ([], ["Observation:"], [reply["stop"]]):
                record = {
                    "name": f"generated-{reply['id']}", "skip_special_tokens": skip,
                    "spaces_between_special_tokens": spaces, "stop": stop,
                    "include_stop_str_in_output": False, "prompt_ids": reply["prompt_ids"],
                    "token_ids": reply["token_ids"], "finish_reason": "stop",
                    "text_lag": max(map(len, stop)) - 1 if stop else 0,
                }  # fmt: skip
                got, _ = replay(tok, record, GLM4_STOP_IDS)
                n_streams += 1
                n_tokens += len(got)
                if got != lag_steps(reply["deltas"][mode], record["text_lag"]):
                    failures += 1
                    print(f"MISMATCH generated reply {reply['id']} [{mode}, stop {stop}]")
    print(f"glm4 generated: {n_streams} streams, {n_tokens} tokens compared with vLLM")
    return failures


def _split_special(text: str) -> list[str]:
    import re

    pattern = "(" + "|".join(re.escape(t) for t in GLM4_SPECIAL_NAMES) + ")"
    return re.split(pattern, text)


if __name__ == "__main__":
    raise SystemExit(main())
