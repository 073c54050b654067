"""Reading the command line's input files: UTF-8 text, or one line saying what is wrong with it.

Shared by ``streamparse parse`` (the response, streamed in blocks; the tools file) and
``streamparse prompt`` (the tools and messages files), so a missing file, a directory, a binary
file or UTF-16 text gets the same message everywhere instead of a traceback.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from .errors import StreamparseError

__all__ = ["InputFileError", "iter_text", "load_json_list", "read_text", "sniff"]

BLOCK = 1 << 20  # bytes read at a time from a response file


class InputFileError(StreamparseError, ValueError):
    """An input file that cannot be read as UTF-8 text (the message names the file and why)."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


_NOT_TEXT = "is not text (it has NUL bytes: a binary file, or UTF-16/UTF-32 without a BOM)"


def sniff(head: bytes) -> str | None:
    """What is wrong with a file that starts with ``head`` (``None``: nothing seen yet)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return f"is {name} text; streamparse reads UTF-8 (convert it: iconv -f {name} -t UTF-8)"
    if b"\0" in head:
        return _NOT_TEXT
    return None


def _shown(path: str) -> str:
    return "standard input" if path == "-" else repr(path)


def _open(path: str, what: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")  # noqa: SIM115 (closed by the caller)
    except OSError as exc:
        raise InputFileError(
            f"cannot read {what} {path!r}: {exc.strerror or exc}"
        ) from None


def iter_text(path: str, what: str, block: int = BLOCK) -> Iterator[str]:
    """The file's text in decoded blocks of about ``block`` bytes (``-``: standard input). A
    UTF-8 byte-order mark is dropped. Raises :class:`InputFileError` for a missing file, a
    directory, a binary file, UTF-16/32 text or bytes that are not UTF-8 (where they are)."""
    if path == "-" and not hasattr(sys.stdin, "buffer"):  # a text stream put in its place
        while text := sys.stdin.read(block):
            yield text
        return
    source = _open(path, what)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the file decoded or held by the decoder so far
    first = True
    try:
        while True:
            try:
                data = source.read(block)
            except OSError as exc:  # a directory, on most systems
                raise InputFileError(
                    f"cannot read {what} {_shown(path)}: {exc.strerror or exc}"
                ) from None
            if first:
                first = False
                problem = sniff(data[:4096])
                if problem:
                    raise InputFileError(f"{what} {_shown(path)} {problem}")
                if data.startswith(codecs.BOM_UTF8):
                    data = data[len(codecs.BOM_UTF8):]
                    offset = len(codecs.BOM_UTF8)
            elif b"\0" in data:
                raise InputFileError(f"{what} {_shown(path)} {_NOT_TEXT}")
            held = len(decoder.getstate()[0])
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                at = offset - held + exc.start
                raise InputFileError(
                    f"{what} {_shown(path)} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                    f"at offset {at})"
                ) from None
            offset += len(data)
            if text:
                yield text
            if not data:
                return
    finally:
        if source is not sys.stdin.buffer:
            source.close()


def read_text(path: str, what: str) -> str:
    """The whole file as text, with the same checks as :func:`iter_text`."""
    return "".join(iter_text(path, what))


def load_json_list(
    path: str, key: str, error: type[StreamparseError] = InputFileError
) -> list[Any]:
    """A JSON file's list, or the ``key`` member of an object (an OpenAI request body, such as
    ``{"model": ..., "tools": [...], "messages": [...]}``). ``-`` reads standard input. Problems
    raise ``error`` with a message that names the file."""
    what = f"{key} file"
    try:
        text = read_text(path, what)
    except InputFileError as exc:
        raise error(str(exc)) from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise error(f"{what} {_shown(path)} is not valid JSON: {exc}") from None
    if isinstance(value, Mapping) and key in value:
        value = value[key]
    if not isinstance(value, list):
        raise error(
            f"{what} {_shown(path)} must hold a JSON list (or an object with a {key!r} list)"
        )
    return value
