"""Record the token-delta streams the vLLM tests replay (``tests/vllm/data/streams.json``).

    python tests/vllm/make_streams.py /work/shared/data > tests/vllm/data/streams.json

Reads the real tokenizers (Qwen2's vocab.json/merges.txt, GLM-4's tiktoken ranks) from the data
folder given as argument and emulates what vLLM's detokenizer sends per token:

- a token that ends inside a UTF-8 character gives an empty delta; the character comes later;
- ``skip_special_tokens=True``: a special token gives no text, only its id;
- ``skip_special_tokens=False`` with ``spaces_between_special_tokens=True`` (vLLM's defaults for
  the slow detokenizer GLM-4 uses): a space on each side of a special token's text, and the first
  text after the prompt's ``<|assistant|>`` starts with a space.

Each case lists ``tokens``: ``[delta_text, [token_id]]`` per generated token. Tests merge them
into bigger deltas as an engine that lags does. The expected outcomes are written here by hand,
from docs/formats.md, not computed by streamparse.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

GLM4_SPECIAL = {
    "<|endoftext|>": 151329,
    "<|user|>": 151336,
    "<|assistant|>": 151337,
    "<|observation|>": 151338,
}

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string"},
                "format": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location"],
        },
    },
}
GPA = {
    "type": "function",
    "function": {
        "name": "calculate_gpa",
        "description": "Calculate the GPA",
        "parameters": {
            "type": "object",
            "properties": {
                "grades": {"type": "array", "items": {"type": "string"}},
                "hours": {"type": "array", "items": {"type": "integer"}},
            },
        },
    },
}
TOOLS = [WEATHER, GPA]

QWEN2_CASES = [
    {
        "name": "qwen2_two_calls",
        "segments": [
            "Thought: 我需要北京的天气和 GPA。\n"
            "Action: get_current_weather\n"
            'Action Input: {"location": "北京", "format": "celsius"}\n'
            "Action: calculate_gpa\n"
            'Action Input: {"grades": ["A", "B"], "hours": [3, 4]}'
        ],
        "expected": {
            "content": "Thought: 我需要北京的天气和 GPA。\n",
            "tool_calls": [
                ["get_current_weather", {"location": "北京", "format": "celsius"}],
                ["calculate_gpa", {"grades": ["A", "B"], "hours": [3, 4]}],
            ],
        },
    },
    {
        "name": "qwen2_text_only",
        "segments": ["Thought: no tool needed. Action: none here.\nFinal Answer: 它是 42 😀."],
        "expected": {
            "content": "Thought: no tool needed. Action: none here.\nFinal Answer: 它是 42 😀.",
            "tool_calls": [],
        },
    },
    {
        "name": "qwen2_ends_in_header",
        "segments": ["The answer is 4.\nAction: get_current"],
        "expected": {"content": "The answer is 4.\nAction: get_current", "tool_calls": []},
    },
    {
        "name": "qwen2_truncated_call",
        "segments": ['Action: get_current_weather\nAction Input: {"location": "Bost'],
        "finish_reason": "length",
        "expected": {
            "content": "",
            "tool_calls": [["get_current_weather", '{"location": "Bost']],
        },
    },
]

GLM4_CASES = [
    {
        "name": "glm4_one_call",
        "segments": ['get_current_weather\n{"location": "北京", "format": "celsius"}'],
        "expected": {
            "content": "",
            "tool_calls": [["get_current_weather", {"location": "北京", "format": "celsius"}]],
        },
    },
    {
        "name": "glm4_two_calls",
        "segments": [
            'get_current_weather\n{"location": "Beijing", "format": "celsius"}',
            "<|assistant|>",
            'calculate_gpa\n{"grades": ["A", "B"], "hours": [3, 4]}',
        ],
        "expected": {
            "content": "",
            "tool_calls": [
                ["get_current_weather", {"location": "Beijing", "format": "celsius"}],
                ["calculate_gpa", {"grades": ["A", "B"], "hours": [3, 4]}],
            ],
        },
    },
    {
        "name": "glm4_plain_reply",
        "segments": ["\n北京今天晴，气温 25°C。😀"],
        "expected": {"content": "北京今天晴，气温 25°C。😀", "tool_calls": []},
    },
    {
        "name": "glm4_sentence_first_line",
        "segments": ["get_current_weather is a tool I can call.\n{not json"],
        "expected": {
            "content": "get_current_weather is a tool I can call.\n{not json",
            "tool_calls": [],
        },
        # The space vLLM puts after the prompt's <|assistant|> is part of a text first line.
        "expected_kept": {
            "content": " get_current_weather is a tool I can call.\n{not json",
            "tool_calls": [],
        },
    },
]


def qwen2_tokenizer(data: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = json.loads((data / "qwen2" / "vocab.json").read_text(encoding="utf-8"))
    merges = [
        tuple(line.split(" ", 1))
        for line in (data / "qwen2" / "merges.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#version")
    ]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    return tok, {i: t for t, i in vocab.items()}


def _bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


def qwen2_tokens(data: Path, text: str) -> list[tuple[bytes, int]]:
    tok, inverse = qwen2_tokenizer(data)
    byte_of = {c: b for b, c in _bytes_to_unicode().items()}
    return [(bytes(byte_of[c] for c in inverse[i]), i) for i in tok.encode(text).ids]


def glm4_encoding(data: Path):
    import tiktoken

    ranks = {}
    for line in (data / "glm4" / "tokenizer.model").read_text().splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    pattern = (
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
        r"|\s*[\r\n]+|\s+(?!\S)|\s+"
    )
    enc = tiktoken.Encoding("glm4", pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
    return enc, {rank: token for token, rank in ranks.items()}


def detokenize(pieces: list[tuple[bytes | str, int]], *, keep_special: bool, lead_space: bool):
    """Emulate vLLM's incremental detokenizer: ``[[delta_text, [id]], ...]``."""
    out: list[list] = []
    pending = b""
    space_next = lead_space
    for piece, token_id in pieces:
        if isinstance(piece, str):  # a special token
            if pending:
                raise ValueError("special token inside a character")
            text = f" {piece}" if keep_special and out and any(t for t, _ in out) else piece
            out.append([text if keep_special else "", [token_id]])
            space_next = keep_special
            continue
        pending += piece
        try:
            text = pending.decode("utf-8")
        except UnicodeDecodeError:
            out.append(["", [token_id]])
            continue
        pending = b""
        if space_next:
            text = " " + text
            space_next = False
        out.append([text, [token_id]])
    return out


def main(data: Path) -> None:
    cases = []
    for case in QWEN2_CASES:
        pieces: list = []
        for segment in case["segments"]:
            pieces += qwen2_tokens(data, segment)
        cases.append(
            {
                "name": case["name"],
                "format": "qwen2",
                "tools": TOOLS,
                "finish_reason": case.get("finish_reason", "stop"),
                "expected": case["expected"],
                "tokens": detokenize(pieces, keep_special=False, lead_space=False),
            }
        )
    enc, ranks = glm4_encoding(data)
    for case in GLM4_CASES:
        pieces = []
        for segment in case["segments"]:
            if segment in GLM4_SPECIAL:
                pieces.append((segment, GLM4_SPECIAL[segment]))
            else:
                pieces += [(ranks[i], i) for i in enc.encode_ordinary(segment)]
        for keep in (False, True):
            cases.append(
                {
                    "name": f"{case['name']}_{'kept' if keep else 'skipped'}_specials",
                    "format": "glm4",
                    "tools": TOOLS,
                    "finish_reason": case.get("finish_reason", "stop"),
                    "skip_special_tokens": not keep,
                    "expected": case.get("expected_kept", case["expected"])
                    if keep
                    else case["expected"],
                    "tokens": detokenize(pieces, keep_special=keep, lead_space=keep),
                }
            )
    json.dump({"cases": cases}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
