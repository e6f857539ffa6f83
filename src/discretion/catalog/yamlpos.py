"""Safe YAML loading that remembers where every value came from.

:func:`load_yaml` composes the node graph with PyYAML's safe loader (the C loader when
present), converts it to plain Python values and returns a :class:`Located` document: the
value plus a map from each value's path (``("items", 3, "tiers", 0, "when")``) to its
line and column. Duplicate mapping keys, which PyYAML silently collapses, are reported;
alias expansion and nesting are bounded so that hostile files ("billion laughs") fail fast.

Files are read by :func:`read_file_bytes`: regular files only (a link to ``/dev/zero``, a
named pipe or a folder is refused before anything is read) and at most :data:`MAX_BYTES`.
Two bounds keep time and memory in proportion: a document writes at most :data:`MAX_NODES`
values and keys (counted from the parser's events, before anything is built), and its aliases
repeat at most :data:`MAX_ALIAS_VALUES` values in all (each value written out is built once and
not counted again), so a large honest file (thousands of items) loads, while a file whose
aliases multiply ("billion laughs") stops there.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from discretion.errors import Problem

try:  # the C loader is much faster; fall back to the pure-Python one
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_NODES = 1_000_000  # values and keys written in one document
MAX_ALIAS_VALUES = 200_000  # values repeated through aliases, over the whole document
MAX_DEPTH = 64
MAX_BYTES = 64 * 1024 * 1024

PathKey = tuple[str | int, ...]


@dataclass
class Located:
    """A loaded YAML document and the position of each of its values."""

    value: Any
    file: str
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: PathKey) -> tuple[int | None, int | None]:
        """1-based line and column of ``path``, or of its nearest located ancestor."""
        probe = tuple(path)
        while True:
            if probe in self.marks:
                return self.marks[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def problem(self, path: PathKey, message: str, expected: str | None = None,
                hint: str | None = None, offset: int | None = None) -> Problem:
        """A problem located at ``path`` (plus ``offset`` characters into a scalar's text).

        For block scalars (``when: >-`` with the text below) and plain scalars spread over
        several lines, the offset is walked through the scalar's lines in the source.
        """
        line, column = self.position(path)
        if offset is not None and line is not None and column is not None and path in self.marks:
            line, column = self._walk(path, line, column, offset)
        return Problem(message, file=self.file, line=line, column=column,
                       path=format_path(path), expected=expected, hint=hint)

    def _walk(self, path: PathKey, line: int, column: int, offset: int) -> tuple[int, int]:
        style = self._styles.get(path)
        if style in ('"', "'"):
            return line, column + 1 + offset
        lines = self.text.splitlines()
        if style in ("|", ">"):
            # the text starts on the line after the indicator
            row = line
            while row < len(lines) and not lines[row].strip():
                row += 1
            if row >= len(lines):
                return line, column
            start = len(lines[row]) - len(lines[row].lstrip())
            return self._through(lines, row, start, offset)
        return self._through(lines, line - 1, column - 1, offset)

    @staticmethod
    def _through(lines: list[str], row: int, start: int, offset: int) -> tuple[int, int]:
        """Walk ``offset`` characters of folded text from ``lines[row][start:]`` on."""
        remaining = offset
        col = start
        while row < len(lines):
            piece = lines[row][col:].rstrip()
            if remaining < len(piece) or row == len(lines) - 1:
                return row + 1, col + remaining + 1
            remaining -= len(piece) + 1  # a line break folds into one space
            row += 1
            nxt = lines[row] if row < len(lines) else ""
            col = len(nxt) - len(nxt.lstrip())
        return row, col + 1

    text: str = ""
    _styles: dict[PathKey, str | None] = field(default_factory=dict)


def format_path(path: PathKey) -> str:
    """``("items", 3, "when")`` -> ``items[3].when``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


class YamlError(Exception):
    """A YAML file could not be loaded; carries the located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems


def _unreadable(name: str, exc: OSError) -> YamlError:
    return YamlError([Problem(f"cannot read: {exc.strerror or exc}", file=name,
                              hint="check the path and that you may read it; "
                                   "无法读取该文件，请检查路径和读取权限")])


def file_kind(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file, in words (None when it is)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular_problem(name: str, kind: str) -> Problem:
    """The problem of a path that should be a regular file and is ``kind`` (``"a device"``…)."""
    return Problem(f"{kind}, not a regular file", file=name, expected="a regular file",
                   hint="point it (or the link) at an ordinary file; "
                        "只能读取普通文件，不能是文件夹、设备或者管道")


def too_large_problem(name: str, size: int, limit: int) -> Problem:
    """The problem of a file larger than ``limit`` bytes."""
    return Problem(f"file is {size} bytes, more than the {limit} allowed", file=name,
                   hint=f"split it into files of at most {limit} bytes; "
                        "文件过大，请拆分为多个文件")


def read_file_bytes(path: Path, limit: int = MAX_BYTES, display: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`YamlError` otherwise.

    Never blocks or reads without end: a device (``/dev/zero``), a named pipe or a folder,
    directly or through a link, is refused from its metadata before it is read, and at most
    ``limit + 1`` bytes are read (a file that grows while it is read is refused too).
    """
    name = display or str(path)
    try:
        kind = file_kind(os.stat(path).st_mode)  # before opening: opening a device may act
        if kind is not None:
            raise YamlError([not_regular_problem(name, kind)])
        # O_NONBLOCK: a regular file swapped for a pipe after the check does not block the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            kind = file_kind(info.st_mode)
            if kind is not None:
                raise YamlError([not_regular_problem(name, kind)])
            if info.st_size > limit:
                raise YamlError([too_large_problem(name, info.st_size, limit)])
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _unreadable(name, exc) from exc
    if len(data) > limit:
        raise YamlError([too_large_problem(name, len(data), limit)])
    return data


def load_yaml_file(path: Path, display: str | None = None) -> Located:
    """Load one YAML file (see :func:`read_file_bytes`); raises :class:`YamlError` with positions."""
    name = display or str(path)
    data = read_file_bytes(path, MAX_BYTES, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError([Problem("file is not UTF-8 text", file=name, line=line,
                                 expected="UTF-8", hint="re-save the file as UTF-8; "
                                                        "请将文件另存为UTF-8编码")]) from exc
    return load_yaml(text, name)


def load_yaml(text: str, file: str = "<text>") -> Located:
    """Load YAML text; raises :class:`YamlError` with positions."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = _Loader(text)
    try:
        _check_size(text, file)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError([Problem(f"malformed YAML: {exc.problem or exc.context}", file=file,
                                 line=mark.line + 1 if mark else None,
                                 column=mark.column + 1 if mark else None,
                                 hint="check indentation, quotes and colons near this place")]) from exc
    except yaml.YAMLError as exc:
        raise YamlError([Problem(f"malformed YAML: {exc}", file=file)]) from exc
    finally:
        loader.dispose()
    doc = Located(None, file, text=text)
    if node is None:
        return doc
    builder = _Builder(loader, doc)
    doc.value = builder.build(node, (), 0)
    if builder.problems:
        raise YamlError(builder.problems)
    return doc


def _check_size(text: str, file: str) -> None:
    """Refuse a document that writes more than :data:`MAX_NODES` values and keys, from the
    parser's events alone: before the node graph and the values are built, which take far
    more time and memory (an alias is one event: what it repeats is bounded while building)."""
    scanner = _Loader(text)
    try:
        count = 0
        while scanner.check_event():
            event = scanner.get_event()
            if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                count += 1
                if count > MAX_NODES:
                    mark = event.start_mark
                    raise YamlError([Problem(
                        f"more than {MAX_NODES} values and keys in one file", file=file,
                        line=mark.line + 1, column=mark.column + 1,
                        expected=f"at most {MAX_NODES} (some 5,000 benchmark items)",
                        hint="split it into several files; 文件内容过多，请拆分为多个文件")])
    finally:
        scanner.dispose()


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, doc: Located) -> None:
        self.loader = loader
        self.doc = doc
        self.repeated = 0  # values built again because an alias repeats them
        self.built: set[int] = set()  # ids of the nodes built at least once
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        # An alias is the very node its anchor names, so a node met a second time is an alias
        # (or a part of one) expanding: only those count, never the values the file writes out.
        if id(node) in self.built:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                raise YamlError([Problem(
                    f"aliases expand to more than {MAX_ALIAS_VALUES} values", file=self.doc.file,
                    line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                    expected="anchors (&a) and aliases (*a) that repeat a few values",
                    hint="write the values out instead of nesting aliases; "
                         "锚点和别名展开后的内容过多，请直接写出各项内容")])
        else:
            self.built.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlError([Problem(f"nested deeper than {MAX_DEPTH} levels", file=self.doc.file,
                                     line=node.start_mark.line + 1,
                                     column=node.start_mark.column + 1)])
        self.doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            self.doc._styles[path] = node.style
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark or node.start_mark
            self.problems.append(Problem(f"bad value: {exc.problem}", file=self.doc.file,
                                         line=mark.line + 1, column=mark.column + 1,
                                         path=format_path(path)))
            return None
        except (ValueError, OverflowError):
            # a scalar that looks like a date or number but is not one (2022-13-01): keep the
            # text so that the model reports it at its field path
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(Problem("merge keys (<<) are not supported",
                                             file=self.doc.file, line=key_node.start_mark.line + 1,
                                             column=key_node.start_mark.column + 1,
                                             hint="write the keys out"))
                continue
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, bool) and not key_node.style and \
                    key_node.value.lower() in ("on", "off", "yes", "no"):
                # keys are names: YAML 1.1 reads a plain on/off/yes/no as a boolean, but the
                # catalog's `on:` (whom a sanction falls on) is the word; true/false stay refused
                key = key_node.value
            if not isinstance(key, str | int | bool) or isinstance(key, bool):
                self.problems.append(Problem("mapping keys must be plain names",
                                             file=self.doc.file, line=key_node.start_mark.line + 1,
                                             column=key_node.start_mark.column + 1,
                                             path=format_path(path)))
                continue
            key = str(key)
            if key in seen:
                first = seen[key].start_mark
                self.problems.append(Problem(
                    f"duplicate key '{key}' (first at line {first.line + 1})", file=self.doc.file,
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1,
                    path=format_path((*path, key)),
                    hint="remove one of them; YAML would silently keep only the last"))
                continue
            seen[key] = key_node
            result[key] = self.build(value_node, (*path, key), depth + 1)
            self.doc.marks[(*path, key)] = (value_node.start_mark.line + 1,
                                            value_node.start_mark.column + 1)
        return result
