"""Qwen3's and Qwen2.5's tokenizers, approximated from Qwen2's (for the generated Qwen corpus).

**This is an approximation.** Qwen3's own ``tokenizer.json`` is not available here. Qwen3 uses the
same tokenizer class as Qwen2 (``Qwen2Tokenizer``), the same 151643 regular tokens, and the same
ids for ``<|endoftext|>``/``<|im_start|>``/``<|im_end|>``; so this module takes Qwen2's byte-level
BPE (``../shared/data/qwen2/``: vocab, merges, split regex, NFC) and adds Qwen3's added tokens on
top. Qwen3's merges were **not compared** with Qwen2's, so a text may split into other ordinary
tokens than the real Qwen3 tokenizer gives; the added tokens are exact (ids and special flags from
``../shared/data/templates/README.md``, a Qwen3 ``added_tokens_decoder``):

| token | id | special |
|---|---|---|
| ``<|endoftext|>`` | 151643 | yes |
| ``<|im_start|>`` | 151644 | yes |
| ``<|im_end|>`` | 151645 | yes |
| ``<tool_call>`` / ``</tool_call>`` | 151657 / 151658 | no |
| ``<tool_response>`` / ``</tool_response>`` | 151665 / 151666 | no (Qwen3 only) |
| ``<think>`` / ``</think>`` | 151667 / 151668 | no (Qwen3 only) |

Non-special added tokens are never removed by ``skip_special_tokens``: the text always shows them.
The ids in between (151646-151656 vision/box tokens, 151659-151664 FIM/repo tokens) are filled with
the names Qwen2.5's vocabulary gives them so that the ids above come out right; they never occur in
the corpus. ``variant="qwen2.5"``: the tool tags but no ``<tool_response>``/``<think>`` tokens, so
Qwen2.5's ``<think>`` splits into ordinary tokens (``<``, ``think``, ``>``).

Qwen3-Coder shares this layout; Qwen3.5 has a new vocabulary that is not available here, so the
corpus approximates Qwen3.5 streams with these same files (said wherever it is used).

Needs ``tokenizers``; nothing here is needed at test time.
"""

from __future__ import annotations

from pathlib import Path

from vllm_streams import load_qwen2

# id -> (text, special), 151646 onwards; the README confirms 151657/151658 and 151665-151668.
_ADDED = [
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True),
    ("<|box_end|>", True), ("<|quad_start|>", True), ("<|quad_end|>", True),
    ("<|vision_start|>", True), ("<|vision_end|>", True), ("<|vision_pad|>", True),
    ("<|image_pad|>", True), ("<|video_pad|>", True),
    ("<tool_call>", False), ("</tool_call>", False),
    ("<|fim_prefix|>", False), ("<|fim_middle|>", False), ("<|fim_suffix|>", False),
    ("<|fim_pad|>", False), ("<|repo_name|>", False), ("<|file_sep|>", False),
    ("<tool_response>", False), ("</tool_response>", False),
    ("<think>", False), ("</think>", False),
]  # fmt: skip
FIRST_ADDED = 151646
QWEN3_TAGS = {
    "<tool_call>": 151657, "</tool_call>": 151658, "<tool_response>": 151665,
    "</tool_response>": 151666, "<think>": 151667, "</think>": 151668,
}  # fmt: skip
VARIANTS = ("qwen3", "qwen2.5")
IM_END, ENDOFTEXT = 151645, 151643
STOP_IDS = (ENDOFTEXT, IM_END)  # Qwen3's generation_config eos_token_id


def load_qwen3(data: Path, variant: str = "qwen3"):  # -> tokenizers.Tokenizer
    """Qwen2's fast tokenizer (:func:`vllm_streams.load_qwen2`) with Qwen3's added tokens
    (``variant="qwen3"``) or Qwen2.5's (``"qwen2.5"``: up to ``<|file_sep|>`` 151664, so no
    ``<think>`` token). An approximation of the real tokenizer: see the module docstring."""
    from tokenizers import AddedToken

    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
    tok = load_qwen2(data)
    last = 151664 if variant == "qwen2.5" else 151668
    for offset, (text, special) in enumerate(_ADDED):
        tid = FIRST_ADDED + offset
        if tid > last:
            break
        token = AddedToken(text, special=special, normalized=False)
        if special:
            tok.add_special_tokens([token])
        else:
            tok.add_tokens([token])
        assert tok.token_to_id(text) == tid, (text, tok.token_to_id(text), tid)
    for text, tid in QWEN3_TAGS.items():
        assert tok.token_to_id(text) == (tid if tid <= last else None), (variant, text)
    return tok


def encode(tok, text: str) -> list[int]:
    """The ids a model generating ``text`` emits (added-token texts in it are those tokens)."""
    return tok.encode(text, add_special_tokens=False).ids
