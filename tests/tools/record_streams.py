"""Regenerate the recorded token streams under tests/data/streams/ from tests/tools/corpus.py.

    python tests/tools/record_streams.py [--data ../shared/data] [--out tests/data/streams]

Needs ``tokenizers`` and ``tiktoken`` and the tokenizer files (see ../shared/data/README.md).
Writes ``qwen2.jsonl`` and ``glm4.jsonl`` (one record per case and detokenizer mode, one
``(token_ids, delta)`` step per generated token) and ``tools.json`` (the tool lists by name).
The output is deterministic: rerunning it on unchanged inputs gives identical files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CASES, TOOLS, resolve_expected
from vllm_streams import DEFAULT_DATA, Recorder, dumps

ROOT = Path(__file__).resolve().parents[2]

# (skip_special_tokens, spaces_between_special_tokens); vLLM's default is (True, True).
MODES = {
    "qwen2": [(True, True), (False, True)],
    "glm4": [(True, True), (False, True), (False, False)],
}


def build(data: Path) -> dict[str, list[dict]]:
    names = [c["name"] for c in CASES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SystemExit(f"duplicate case names: {sorted(dupes)}")
    rec = Recorder(data)
    out: dict[str, list[dict]] = {"qwen2": [], "glm4": []}
    for c in CASES:
        for skip, spaces in MODES[c["format"]]:
            r = rec.record(c, skip, spaces)
            r["expected"] = resolve_expected(c, r["mode"])
            out[c["format"]].append(r)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="tokenizer data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "streams")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    records = build(args.data)
    for fmt, recs in records.items():
        path = args.out / f"{fmt}.jsonl"
        path.write_text("".join(dumps(r) + "\n" for r in recs), encoding="utf-8")
        tokens = sum(len(r["token_ids"]) for r in recs)
        cases = len({r["name"] for r in recs})
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{cases} cases, {len(recs)} records, {tokens} tokens")  # fmt: skip
    (args.out / "tools.json").write_text(
        json.dumps(TOOLS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
