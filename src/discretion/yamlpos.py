"""Safe YAML loading that remembers where every value came from.

:func:`load_yaml` composes the node graph with PyYAML's safe loader (the C loader when
present), converts it to plain Python values and returns a :class:`Located` document: the
value plus a map from each value's path (``("items", 3, "tiers", 0, "when")``) to its
line and column. Duplicate mapping keys, which PyYAML silently collapses, are reported;
alias expansion and nesting are bounded so that hostile files ("billion laughs") fail fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from discretion.errors import Problem

try:  # the C loader is much faster; fall back to the pure-Python one
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_NODES = 200_000
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


def load_yaml_file(path: Path, display: str | None = None) -> Located:
    """Load one YAML file; raises :class:`YamlError` with positions."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlError([Problem(f"cannot read: {exc.strerror}", file=name)]) from exc
    if size > MAX_BYTES:
        raise YamlError([Problem(f"file is {size} bytes, more than the {MAX_BYTES} allowed",
                                 file=name, hint="split it into several files")])
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise YamlError([Problem("file is not UTF-8 text", file=name, line=line,
                                 expected="UTF-8", hint="re-save the file as UTF-8")]) from exc
    return load_yaml(text, name)


def load_yaml(text: str, file: str = "<text>") -> Located:
    """Load YAML text; raises :class:`YamlError` with positions."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = _Loader(text)
    try:
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


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, doc: Located) -> None:
        self.loader = loader
        self.doc = doc
        self.count = 0
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError([Problem(f"more than {MAX_NODES} values (alias expansion?)",
                                     file=self.doc.file, line=node.start_mark.line + 1,
                                     column=node.start_mark.column + 1,
                                     hint="do not nest anchors and aliases")])
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
