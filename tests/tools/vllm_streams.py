"""Token streams as vLLM emits them: ``(token_ids, text_delta)`` pairs for a response text.

This reproduces vLLM 0.33's output path for one request in ``RequestOutputKind.DELTA`` mode
(the OpenAI server's streaming mode), one engine step per generated token:

- ``vllm/v1/engine/detokenizer.py``: ``FastIncrementalDetokenizer`` (Qwen2: a Hugging Face fast
  tokenizer, decoded with ``tokenizers.decoders.DecodeStream`` primed with the prompt ids) and
  ``SlowIncrementalDetokenizer`` (GLM-4: its ``ChatGLM4Tokenizer`` is a slow, tiktoken-based
  tokenizer), with ``BaseIncrementalDetokenizer``'s stop-token and stop-string handling.
- ``vllm/tokenizers/detokenizer_utils.py``: ``detokenize_incrementally`` and
  ``_convert_tokens_to_string_with_added_encoders`` (ported below; Apache-2.0, the vLLM
  authors), which is where ``spaces_between_special_tokens`` puts a space on each side of a kept
  special token.
- A stop token (EOS or ``stop_token_ids``) is not detokenized (``include_stop_str_in_output`` is
  False) but its id is in the last step's token ids; a stop string holds back
  ``len(stop) - 1`` characters while streaming and truncates the text where it matched.
- When the consumer lags, vLLM merges consecutive outputs (``RequestOutputCollector``):
  texts and token ids are concatenated. :func:`merge` does the same, ``k`` steps per delta.

``tests/tools/check_against_vllm.py`` replays the recorded streams through vLLM's own classes
(in a virtualenv with vLLM) and asserts the same pairs come out.

Needs ``tokenizers`` (Qwen2) and ``tiktoken`` (GLM-4) and the tokenizer files described in
``../shared/data/README.md``; nothing here is needed at test time.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from pathlib import Path

QWEN2_SPECIAL = {"<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645}
QWEN2_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
GLM4_SPECIAL_NAMES = [
    "<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>", "<|user|>",
    "<|assistant|>", "<|observation|>", "<|begin_of_image|>", "<|end_of_image|>",
    "<|begin_of_video|>", "<|end_of_video|>",
]  # fmt: skip
GLM4_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
GLM4_STOP_IDS = (151329, 151336, 151338)  # <|endoftext|>, <|user|>, <|observation|>
QWEN2_STOP_IDS = (151643, 151645)  # <|endoftext|>, <|im_end|>

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


# ---- tokenizers ---------------------------------------------------------------------------


def load_qwen2(data: Path):  # -> tokenizers.Tokenizer
    """Qwen2's fast tokenizer, as its ``tokenizer.json`` defines it: byte-level BPE with Qwen's
    split regex, NFC normalization and the three special tokens."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers as pre

    folder = Path(data) / "qwen2"
    tok = Tokenizer(models.BPE.from_file(str(folder / "vocab.json"), str(folder / "merges.txt")))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre.Sequence(
        [
            pre.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
            pre.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in QWEN2_SPECIAL])
    for text, tid in QWEN2_SPECIAL.items():
        assert tok.token_to_id(text) == tid, (text, tok.token_to_id(text))
    return tok


class GLM4Tokenizer:
    """The part of glm-4-9b-chat's ``ChatGLM4Tokenizer`` (a transformers *slow* tokenizer over
    tiktoken ranks) that vLLM's slow detokenizer touches: regular tokens are ``bytes``, special
    tokens are ``str`` (all 14 are added tokens and special), and ``convert_tokens_to_string``
    joins byte runs decoded with ``errors="replace"``."""

    is_fast = False

    def __init__(self, data: Path) -> None:
        import tiktoken

        ranks: dict[bytes, int] = {}
        with open(Path(data) / "glm4" / "tokenizer.model", encoding="ascii") as f:
            for line in f:
                if line.strip():
                    token, rank = line.split()
                    ranks[base64.b64decode(token)] = int(rank)
        self.decoder = {rank: token for token, rank in ranks.items()}
        self.special_tokens = {t: len(ranks) + i for i, t in enumerate(GLM4_SPECIAL_NAMES)}
        self.special_ids = {i: t for t, i in self.special_tokens.items()}
        self.all_special_tokens = list(self.special_tokens)
        self.encoding = tiktoken.Encoding(
            name="glm4", pat_str=GLM4_PATTERN, mergeable_ranks=ranks,
            special_tokens=self.special_tokens,
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.decoder) + len(self.special_tokens)

    def encode(self, text: str) -> list[int]:
        """Special-token texts in ``text`` become their ids (the model generates them)."""
        return self.encoding.encode(text, allowed_special="all")

    def get_added_vocab(self) -> dict[str, int]:
        return dict(self.special_tokens)

    def convert_ids_to_tokens(self, ids: Sequence[int], skip_special_tokens: bool = False):
        out: list[bytes | str] = []
        for i in ids:
            if i in self.special_ids:
                if not skip_special_tokens:
                    out.append(self.special_ids[i])
            else:
                out.append(self.decoder[i])
        return out

    def convert_tokens_to_string(self, tokens: Sequence[bytes | str]) -> str:
        text, pending = [], b""
        for t in tokens:
            if isinstance(t, str):
                if pending:
                    text.append(pending.decode("utf-8", errors="replace"))
                    pending = b""
                text.append(t)
            else:
                pending += t
        if pending:
            text.append(pending.decode("utf-8", errors="replace"))
        return "".join(text)


def glm4_prompt_ids(tok: GLM4Tokenizer, user: str) -> list[int]:
    """``build_chat_input``: ``[gMASK]<sop><|user|>\\n{query}<|assistant|>``."""
    sp = tok.special_tokens
    return (
        [sp["[gMASK]"], sp["<sop>"], sp["<|user|>"]]
        + tok.encoding.encode("\n" + user, disallowed_special=())
        + [sp["<|assistant|>"]]
    )


def qwen2_prompt_ids(tok, system: str, user: str) -> list[int]:
    """ChatML with the generation prompt: ``...<|im_start|>assistant\\n``."""
    text = (
        f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    return tok.encode(text, add_special_tokens=False).ids


# ---- vLLM's detokenizers -------------------------------------------------------------------


class _Detokenizer:
    """``BaseIncrementalDetokenizer``: output text, stop strings and DELTA output offsets."""

    def __init__(self, stop: Sequence[str] = (), include_stop: bool = False) -> None:
        self.stop = list(stop)
        self.include_stop = include_stop  # include_stop_str_in_output
        self.stop_buffer_length = (
            max(len(s) for s in self.stop) - 1 if self.stop and not include_stop else 0
        )
        self.output_text = ""
        self.sent = 0

    def decode_next(self, token_id: int) -> str:
        raise NotImplementedError

    def update(self, token_id: int, stop_terminated: bool) -> str | None:
        """One generated token; returns the stop string it completed, if any."""
        if stop_terminated and not self.include_stop:
            return None  # the stop token is not detokenized
        before = len(self.output_text)
        self.output_text += self.decode_next(token_id)
        new = len(self.output_text) - before
        if not self.stop or not new:
            return None
        best = None
        for s in self.stop:
            at = self.output_text.find(s, 1 - new - len(s))
            if at >= 0 and (best is None or at + len(s) < best[1] + len(best[0])):
                best = (s, at)
        if best is None:
            return None
        end = best[1] + (len(best[0]) if self.include_stop else 0)
        self.output_text = self.output_text[:end]
        return best[0]

    def next_delta(self, finished: bool) -> str:
        length = len(self.output_text) - (0 if finished else self.stop_buffer_length)
        if self.sent < length:
            out, self.sent = self.output_text[self.sent : length], length
            return out
        return ""


class FastDetokenizer(_Detokenizer):
    """``FastIncrementalDetokenizer``: ``DecodeStream`` primed with the prompt ids. (With
    ``skip_special_tokens=False`` and ``spaces_between_special_tokens=False`` vLLM also strips
    the space between two consecutive added tokens; Qwen2 responses never have two.)"""

    def __init__(self, tok, prompt_ids, skip_special_tokens, stop=(), include_stop=False) -> None:
        from tokenizers.decoders import DecodeStream

        super().__init__(stop, include_stop)
        self.tok = tok
        self.stream = DecodeStream(ids=list(prompt_ids), skip_special_tokens=skip_special_tokens)

    def decode_next(self, token_id: int) -> str:
        return self.stream.step(self.tok, token_id) or ""


def _tokens_to_string_with_added(tok, tokens, skip_special_tokens, spaces_between):
    """vLLM's ``_convert_tokens_to_string_with_added_encoders``."""
    sub_texts: list[str] = []
    current: list = []
    added = set(tok.get_added_vocab())
    special = set(tok.all_special_tokens) if skip_special_tokens else ()
    for token in tokens:
        if token in special:
            continue
        if token in added:
            if current:
                sub_texts.append(tok.convert_tokens_to_string(current))
                current = []
            sub_texts.append(token)
        else:
            current.append(token)
    if current:
        sub_texts.append(tok.convert_tokens_to_string(current))
    return (" " if spaces_between else "").join(sub_texts)


class SlowDetokenizer(_Detokenizer):
    """``SlowIncrementalDetokenizer`` and ``detokenize_incrementally`` (prefix/read offsets over
    the last few tokens; a window that decodes to a trailing U+FFFD yields nothing yet)."""

    OFFSET = 5  # INITIAL_INCREMENTAL_DETOKENIZATION_OFFSET

    def __init__(
        self, tok, prompt_ids, skip_special_tokens, spaces_between, stop=(), include_stop=False
    ) -> None:
        super().__init__(stop, include_stop)
        self.tok = tok
        self.skip = skip_special_tokens
        self.spaces = spaces_between
        self.tokens = tok.convert_ids_to_tokens(
            list(prompt_ids)[-self.OFFSET - 2 :], skip_special_tokens=skip_special_tokens
        )
        self.read_offset = len(self.tokens)
        self.prefix_offset = max(self.read_offset - self.OFFSET, 0)

    def _string(self, tokens) -> str:
        if self.tok.is_fast or not self.tok.get_added_vocab():
            return self.tok.convert_tokens_to_string(tokens)
        return _tokens_to_string_with_added(self.tok, tokens, self.skip, self.spaces)

    def decode_next(self, token_id: int) -> str:
        new_tokens = self.tok.convert_ids_to_tokens([token_id], skip_special_tokens=self.skip)
        prev = self.tokens
        count = len(prev) + len(new_tokens)
        start = min(self.prefix_offset, self.read_offset, len(prev))
        window = prev[start:] + new_tokens
        prefix_text = self._string(window[self.prefix_offset - start : self.read_offset - start])
        new_text = self._string(window[self.prefix_offset - start :])
        self.tokens.extend(new_tokens)
        if len(new_text) <= len(prefix_text) or new_text.endswith("\ufffd"):
            return ""
        self.prefix_offset, self.read_offset = self.read_offset, count
        return new_text[len(prefix_text) :]


# ---- streams -------------------------------------------------------------------------------


def emit(
    detok: _Detokenizer, response_ids: Sequence[int], stop_token_ids: Sequence[int]
) -> tuple[list[tuple[list[int], str]], str]:
    """One ``(token_ids, text_delta)`` per engine step, and the finish reason. The last id ends
    the request as a stop token if it is one; otherwise the request ends at max_tokens."""
    steps: list[tuple[list[int], str]] = []
    finish = "length"
    for n, token_id in enumerate(response_ids):
        last = n == len(response_ids) - 1
        stop_token = last and token_id in stop_token_ids
        stop_string = detok.update(token_id, stop_token)
        finished = last or stop_string is not None
        steps.append(([token_id], detok.next_delta(finished)))
        if stop_token:
            finish = "stop"
        if stop_string is not None:
            finish = "stop"
            break
    return steps, finish


def merge(steps: Sequence[tuple[Sequence[int], str]], k: int) -> list[tuple[list[int], str]]:
    """Consecutive steps merged ``k`` at a time, as ``RequestOutput.add(aggregate=True)`` does
    when the consumer lags (texts and token ids concatenated)."""
    out = []
    for at in range(0, len(steps), k):
        group = steps[at : at + k]
        out.append(([i for ids, _ in group for i in ids], "".join(t for _, t in group)))
    return out


class Recorder:
    """Builds the recorded streams of ``corpus.py`` from the tokenizer files in ``data``."""

    def __init__(self, data: Path = DEFAULT_DATA) -> None:
        self.data = Path(data)
        self._qwen2 = None
        self._glm4 = None

    @property
    def qwen2(self):
        if self._qwen2 is None:
            self._qwen2 = load_qwen2(self.data)
        return self._qwen2

    @property
    def glm4(self) -> GLM4Tokenizer:
        if self._glm4 is None:
            self._glm4 = GLM4Tokenizer(self.data)
        return self._glm4

    def response_ids(self, fmt: str, response: str, end: str | None) -> list[int]:
        """The tokens the model generated: the response text (special-token texts in it are
        those tokens) and the stop token ``end`` (``None``: cut off by max_tokens)."""
        text = response + (end or "")
        if fmt == "qwen2":
            return self.qwen2.encode(text, add_special_tokens=False).ids
        return self.glm4.encode(text)

    def record(self, case: dict, skip_special_tokens: bool, spaces_between: bool) -> dict:
        fmt = case["format"]
        stop = case.get("stop") or ()
        include = bool(case.get("include_stop"))
        if fmt == "qwen2":
            prompt = qwen2_prompt_ids(self.qwen2, case["system"], case["user"])
            detok: _Detokenizer = FastDetokenizer(
                self.qwen2, prompt, skip_special_tokens, stop, include
            )
            stop_ids = QWEN2_STOP_IDS
        else:
            prompt = glm4_prompt_ids(self.glm4, case["user"])
            detok = SlowDetokenizer(
                self.glm4, prompt, skip_special_tokens, spaces_between, stop, include
            )
            stop_ids = GLM4_STOP_IDS
        ids = self.response_ids(fmt, case["response"], case.get("end"))
        steps, finish = emit(detok, ids, stop_ids)
        return {
            "name": case["name"],
            "format": fmt,
            "mode": mode_name(skip_special_tokens, spaces_between),
            "skip_special_tokens": skip_special_tokens,
            "spaces_between_special_tokens": spaces_between,
            "stop": list(stop),
            "include_stop_str_in_output": include,
            "text_lag": detok.stop_buffer_length,
            "finish_reason": finish,
            "tools": case["tools"],
            "prompt_ids": prompt,
            "token_ids": [s[0][0] for s in steps],
            "deltas": [s[1] for s in steps],
            "expected": case["expected"],
            "oneshot": case.get("oneshot", "same"),
        }


def mode_name(skip_special_tokens: bool, spaces_between: bool) -> str:
    if skip_special_tokens:
        return "skip"
    return "keep-spaces" if spaces_between else "keep-nospaces"


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_corpus(out: Path, formats: Sequence[str], records: Sequence[dict], tools: object) -> None:
    """A generated corpus: ``<format>.jsonl`` (one record a line, :func:`dumps`) per format, and
    ``tools.json``; prints what each file holds."""
    out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        lines = [dumps(r) + "\n" for r in records if r["format"] == fmt]
        (out / f"{fmt}.jsonl").write_text("".join(lines), encoding="utf-8")
        print(f"{out / fmt}.jsonl: {len(lines)} replies, "
              f"{sum(len(r['token_ids']) for r in records if r['format'] == fmt)} tokens")  # fmt: skip
    (out / "tools.json").write_text(
        json.dumps(tools, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
