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

A line longer than ``MAX_LINE`` bytes is not held in memory: its bytes are dropped as they are
read, and in its place comes an :class:`OverlongLine` (and as text an :class:`OverlongText`)
that says how long it was. For JSON Lines that line becomes one error record of the output
(:func:`discretion.io.records.scan_jsonl`), and the run goes on; in CSV text, where it cannot be
told which rows the dropped bytes held, the line stops the run as an input error naming it.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from discretion.errors import DiscretionError, Problem

ENCODINGS = ("auto", "utf-8", "gb18030")
CHUNK = 1 << 16  # bytes read at a time
NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030"}
MAX_LINE = 16 * 1024 * 1024  # bytes of one line held (a case file is at most as large)


class OverlongLine(bytes):
    """In place of a line longer than the bound of :func:`raw_lines`: ``size`` is its length
    in bytes, line end included; its own bytes are one line end."""

    size: int

    @classmethod
    def of(cls, size: int) -> OverlongLine:
        line = cls(b"\n")
        line.size = size
        return line


class OverlongText(str):
    """:class:`OverlongLine` as text (see :func:`decoded_lines`)."""

    size: int

    @classmethod
    def of(cls, size: int) -> OverlongText:
        text = cls("\n")
        text.size = size
        return text


def decoded_lines(raw: Iterable[bytes], file: str, encoding: str = "auto", *,
                  overlong: bool = False, first_line: int = 1,
                  earlier: str | None = None) -> Iterator[str]:
    """The lines of ``raw`` (bytes, a line each with its end: :func:`raw_lines`) as text. A
    line that is not text in the encoding raises :class:`DiscretionError` naming ``file``, the
    line and the byte; so does an :class:`OverlongLine`, unless ``overlong``: then it comes as
    an :class:`OverlongText`.

    A part of a file (``--dask``: a block cut at line ends) is read as the whole would read
    it: ``first_line`` is the number of its first line in the file, and with ``"auto"``,
    ``earlier`` is the encoding the lines before it chose (:func:`line_decides`; ``None``:
    they were all ASCII)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding is one of {', '.join(ENCODINGS)}, not {encoding!r}")
    if earlier is not None and earlier not in NAMES:
        raise ValueError(f"earlier is one of {', '.join(NAMES)} or None, not {earlier!r}")
    auto = encoding == "auto"
    chosen = (earlier if auto else encoding)
    for number, line in enumerate(raw, first_line):
        if isinstance(line, OverlongLine):
            if not overlong:
                raise DiscretionError(Problem(
                    f"the line is {line.size:,} bytes long, more than a record may be "
                    f"({MAX_LINE:,} bytes); it was not read (该行过长，未读取)", file=file,
                    line=number, hint="a CSV row is one case: check the file for a quote (\") "
                                      "that is never closed, or split the line"), "input")
            yield OverlongText.of(line.size)
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8) and chosen in (None, "utf-8"):
            line = line[len(codecs.BOM_UTF8):]
            chosen = "utf-8"
        if chosen is None:
            decided = line_decides(line, number)
            if decided is None:
                yield line.decode("ascii")
                continue
            if decided == "neither":
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _not_text(exc, line, number, file, ("utf-8", "gb18030"), auto) from None
            chosen = decided
        try:
            yield line.decode(chosen)
        except UnicodeDecodeError as exc:
            raise _not_text(exc, line, number, file, (chosen,), auto) from None


def line_decides(line: bytes, number: int) -> str | None:
    """What line ``number`` (from 1) of a file decides under ``--encoding auto`` when no line
    before it has: ``"utf-8"`` (a byte-order mark on line 1, or UTF-8 text), ``"gb18030"``,
    ``"neither"`` (it is an input error), or ``None`` (ASCII, or too long to be read: it
    decides nothing). :func:`decoded_lines` chooses so."""
    if isinstance(line, OverlongLine):
        return None
    if number == 1 and line.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if line.isascii():
        return None
    for name in NAMES:
        try:
            line.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return "neither"


@contextmanager
def open_lines(path: str, encoding: str = "auto", *,
               overlong: bool = False) -> Iterator[Iterator[str]]:
    """The lines of file ``path`` (``-``: standard input) as text (:func:`decoded_lines`; a
    line longer than ``MAX_LINE`` is an input error, or with ``overlong`` an
    :class:`OverlongText`)."""
    if path == "-":
        yield decoded_lines(raw_lines(sys.stdin.buffer, limit=MAX_LINE), "<stdin>", encoding,
                            overlong=overlong)
        return
    with open(path, "rb") as handle:
        yield decoded_lines(raw_lines(handle, limit=MAX_LINE), path, encoding,
                            overlong=overlong)


_LINE_END = re.compile(rb"[\r\n]")


def raw_lines(handle: BinaryIO, size: int = CHUNK, limit: int | None = None) -> Iterator[bytes]:
    """The lines of a binary stream, each with its end: ``\n``, ``\r\n`` or a lone ``\r``
    (files saved as "CSV (Macintosh)" end lines so), as a text stream in universal-newline
    mode splits them. Read ``size`` bytes at a time, whatever is available.

    With a ``limit``, a line that grows past it (give or take ``size``) is not kept: its bytes
    are dropped as they come, and an :class:`OverlongLine` comes in its place."""
    read = getattr(handle, "read1", handle.read)
    pending: list[bytes] = []  # the start of a line, in the chunks it came in
    held = 0  # bytes in pending, while a long line grows
    dropped = 0  # bytes of an overlong line dropped so far (0: none is being dropped)
    ended = 0  # an overlong line that ended with "\r" at a chunk's end: its length so far
    while chunk := read(size):
        if ended:
            if chunk.startswith(b"\n"):  # the rest of its "\r\n"
                ended, chunk = ended + 1, chunk[1:]
            yield OverlongLine.of(ended)
            ended = 0
        if dropped:
            found = _LINE_END.search(chunk)
            if found is None:
                dropped += len(chunk)
                continue
            end = found.end()
            if found.group() == b"\r" and end == len(chunk):
                ended, dropped = dropped + end, 0  # a "\n" may come first in the next chunk
                continue
            if found.group() == b"\r" and chunk[end:end + 1] == b"\n":
                end += 1
            yield OverlongLine.of(dropped + end)
            dropped, chunk = 0, chunk[end:]
        if not chunk:
            continue
        waits = bool(pending) and pending[-1].endswith(b"\r")  # a line, unless "\n" comes
        if not waits and b"\n" not in chunk and b"\r" not in chunk:
            pending.append(chunk)  # a long line goes on: not split again and again
            held += len(chunk)
            if limit is not None and held > limit:
                dropped, pending, held = held, [], 0
            continue
        lines = b"".join([*pending, chunk]).splitlines(keepends=True)
        last = lines.pop()
        if last.endswith(b"\n"):  # complete; a "\r" may still be followed by "\n"
            lines.append(last)
            pending, held = [], 0
        else:
            pending, held = [last], len(last)
        yield from lines
    if dropped or ended:
        yield OverlongLine.of(dropped or ended)
    elif pending:
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
