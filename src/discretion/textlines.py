"""Reading an input file (or standard input) as lines of text, in UTF-8 or GB18030.

Case-handling systems in China often export CSV from spreadsheet programs that save it in
GB18030 (GBK), while JSON Lines are UTF-8. ``check --batch`` and ``audit`` read either: the
bytes are split at line ends and each line is decoded on its own, so a byte that fits neither
encoding is reported with the number of its line (a text stream can only say where it was in
the chunk it was decoding). Neither encoding uses the bytes of ``\n`` or ``\r`` inside a
character, so splitting before decoding is exact.

With ``encoding="auto"`` the first line holding a non-ASCII byte decides: UTF-8 if it decodes
as UTF-8 (a UTF-8 byte-order mark decides at once), else GB18030; every later line must then
be in the same encoding. Lines keep their line ends (``\\r\\n`` included), as the CSV reader
needs them.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from discretion.errors import DiscretionError, Problem

ENCODINGS = ("auto", "utf-8", "gb18030")
CHUNK = 1 << 16  # bytes read at a time
NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030"}


def decoded_lines(raw: Iterable[bytes], file: str, encoding: str = "auto") -> Iterator[str]:
    """The lines of ``raw`` (bytes, a line each with its end: :func:`raw_lines`) as text. A
    line that is not text in the encoding raises :class:`DiscretionError` naming ``file``, the
    line and the byte."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding is one of {', '.join(ENCODINGS)}, not {encoding!r}")
    auto = encoding == "auto"
    chosen = None if auto else encoding
    for number, line in enumerate(raw, 1):
        if number == 1 and line.startswith(codecs.BOM_UTF8) and chosen in (None, "utf-8"):
            line = line[len(codecs.BOM_UTF8):]
            chosen = "utf-8"
        if chosen is None:
            if line.isascii():
                yield line.decode("ascii")
                continue
            try:
                text = line.decode("utf-8")
                chosen = "utf-8"
            except UnicodeDecodeError as exc:
                try:
                    text = line.decode("gb18030")
                    chosen = "gb18030"
                except UnicodeDecodeError:
                    raise _not_text(exc, line, number, file, ("utf-8", "gb18030"), auto) from None
            yield text
            continue
        try:
            yield line.decode(chosen)
        except UnicodeDecodeError as exc:
            raise _not_text(exc, line, number, file, (chosen,), auto) from None


@contextmanager
def open_lines(path: str, encoding: str = "auto") -> Iterator[Iterator[str]]:
    """The lines of file ``path`` (``-``: standard input) as text (:func:`decoded_lines`)."""
    if path == "-":
        yield decoded_lines(raw_lines(sys.stdin.buffer), "<stdin>", encoding)
        return
    with open(path, "rb") as handle:
        yield decoded_lines(raw_lines(handle), path, encoding)


def raw_lines(handle: BinaryIO, size: int = CHUNK) -> Iterator[bytes]:
    """The lines of a binary stream, each with its end: ``\n``, ``\r\n`` or a lone ``\r``
    (files saved as "CSV (Macintosh)" end lines so), as a text stream in universal-newline
    mode splits them. Read ``size`` bytes at a time, whatever is available."""
    read = getattr(handle, "read1", handle.read)
    pending: list[bytes] = []  # the start of a line, in the chunks it came in
    while chunk := read(size):
        waits = bool(pending) and pending[-1].endswith(b"\r")  # a line, unless "\n" comes
        if not waits and b"\n" not in chunk and b"\r" not in chunk:
            pending.append(chunk)  # a long line goes on: not split again and again
            continue
        lines = b"".join([*pending, chunk]).splitlines(keepends=True)
        last = lines.pop()
        if last.endswith(b"\n"):  # complete; a "\r" may still be followed by "\n"
            lines.append(last)
            pending = []
        else:
            pending = [last]
        yield from lines
    if pending:
        yield b"".join(pending)


def _not_text(exc: UnicodeDecodeError, line: bytes, number: int, file: str,
              tried: tuple[str, ...], auto: bool) -> DiscretionError:
    """The error for a line that is not text in any encoding ``tried``."""
    if len(tried) > 1:
        what = "neither " + " nor ".join(NAMES[name] for name in tried) + " text"
        hint = "re-save the file as UTF-8"
    else:
        what = "not " + NAMES[tried[0]] + " text" + (", as the lines before it were" if auto else "")
        hint = "re-save the file as UTF-8"
        if not (auto and tried[0] == "gb18030"):  # auto tried UTF-8 first: it is not that
            hint += " or give its encoding with --encoding " + (
                "gb18030" if tried[0] == "utf-8" else "utf-8")
    byte = exc.start
    return DiscretionError(Problem(f"the line is {what} (its byte {byte + 1} is "
                                   f"0x{line[byte]:02x})", file=file, line=number, hint=hint),
                           "input")
