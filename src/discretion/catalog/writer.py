"""Writing a catalog folder from models; over an existing one, its comments and layout kept.

:func:`write_catalog` writes what ``discretion import`` read from a table: ``manifest.yaml``,
``fields.yaml``, ``benchmarks/<FIELD>.yaml`` and ``lists/<kind>/<FIELD>.yaml``. Every file is
planned first, and nothing is written unless each one is inside the output folder (file names
come from field codes). With ``update`` an existing catalog is written over without a YAML
round-trip library: each file is read with PyYAML's node positions and patched in place, so an
unchanged item, or an unchanged key of a changed one, keeps its text and the comments above it
(docs/tables.md, "Writing over a catalog").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    BenchmarkItem,
    Field_,
    Fields,
    ListItem,
    ListKind,
    Manifest,
)
from discretion.catalog.yamlpos import YamlError, load_yaml
from discretion.errors import CatalogError, DiscretionError, Problem

__all__ = ["FILE_PART", "dump_yaml", "patched_text", "plain", "write_catalog"]

FILE_PART = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\.yaml)?")  # a name in a catalog folder written


def plain(value: Any) -> Any:
    """Model dump (python mode) -> YAML-safe values: enums to text, exact decimals kept exact."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return format(value, "f")  # quoted in YAML: never a binary float
    return value


def dump_yaml(data: Any, header: str = "") -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096,
                          default_flow_style=False)
    return header + text


_MISSING: Any = object()


FLOW_WIDTH = 120  # a collection of scalars is written on one line up to this width


def _scalar_text(value: Any, column: int) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True,
                          sort_keys=False)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[:-4]
    return text.replace("\n", "\n" + " " * column)


def _flow(value: Any) -> str | None:
    """A collection of scalars on one line, as the catalog files write citations and fines."""
    values = value.values() if isinstance(value, dict) else value
    if any(isinstance(v, dict | list) for v in values):
        return None
    text = _scalar_text(value, 0)
    return None if "\n" in text else text


def _dump_entry(key: str, value: Any, column: int) -> str:
    """``key: value`` as the catalog files write it (a short collection of scalars on one
    line, the rest in block style, sequences indented under their key); no line end."""
    head = _scalar_text(key, column) + ":"
    if not isinstance(value, dict | list) or not value:
        return f"{head} {_scalar_text(value, column + 2)}"
    flow = _flow(value)
    if flow is not None and column + len(head) + 1 + len(flow) <= FLOW_WIDTH:
        return f"{head} {flow}"
    inner = column + 2
    if isinstance(value, dict):
        return head + "".join("\n" + " " * inner + _dump_entry(str(k), v, inner)
                              for k, v in value.items())
    return head + "".join("\n" + " " * inner + "- " + _dump_value(v, inner + 2) for v in value)


def _dump_value(value: Any, column: int) -> str:
    """A sequence element, written after its ``- `` with its keys at ``column``."""
    if not isinstance(value, dict | list) or not value:
        return _scalar_text(value, column)
    flow = _flow(value)
    if flow is not None and column + len(flow) <= FLOW_WIDTH:
        return flow
    if isinstance(value, dict):
        return ("\n" + " " * column).join(_dump_entry(str(k), v, column) for k, v in value.items())
    return ("\n" + " " * column).join("- " + _dump_value(v, column + 2) for v in value)


def _end(text: str, node: yaml.Node) -> int:
    """Where ``node``'s own text ends: after its last character, not after the line breaks,
    blank lines and comments that follow it."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        return max(_end(text, key), _end(text, value))
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end(text, node.value[-1])
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _is_block(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style \
        and bool(node.value)


def _patch(text: str, node: yaml.Node, old: Any, new: Any) -> str | None:
    """The text of ``node``'s span once its value ``old`` (as normalized) becomes ``new``: the
    span itself where they are equal, a block mapping or sequence patched entry by entry (each
    unchanged entry keeps its text and the comments above it), or None when the node is to be
    written anew by the caller."""
    if old == new:
        return text[node.start_mark.index:_end(text, node)]
    if not new:  # an empty mapping or sequence is written `{}` / `[]` by the caller
        return None
    if isinstance(node, yaml.MappingNode) and _is_block(node) and isinstance(old, dict) \
            and isinstance(new, dict):
        return _patch_mapping(text, node, old, new)
    if isinstance(node, yaml.SequenceNode) and _is_block(node) and isinstance(old, list) \
            and isinstance(new, list):
        return _patch_sequence(text, node, old, new)
    return None


def _patch_mapping(text: str, node: yaml.MappingNode, old: dict[str, Any], new: dict[str, Any]) -> str:
    column = node.value[0][0].start_mark.column
    pieces: list[str] = []
    previous_end = node.start_mark.index
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        seen.add(key)
        start, end = key_node.start_mark.index, _end(text, key_node)
        if isinstance(value_node, yaml.ScalarNode) and value_node.value == "" \
                and value_node.start_mark.index == value_node.end_mark.index:
            end = max(end, value_node.start_mark.index)  # `key:` with nothing after the colon
        else:
            end = max(end, _end(text, value_node))
        gap, previous_end = text[previous_end:start], end
        before, after = old.get(key, _MISSING), new.get(key, _MISSING)
        if after is _MISSING and before is not _MISSING:
            continue  # removed, with the comments above it
        if before == after:  # unchanged, or a default both leave out
            piece = text[start:end]
        else:
            patched = _patch(text, value_node, before, after) if _is_block(value_node) else None
            piece = text[start:value_node.start_mark.index] + patched if patched is not None \
                else _dump_entry(key, after, column)
        pieces.append((gap if gap else "\n" + " " * column) if pieces else "")
        pieces.append(piece)
    for key, value in new.items():
        if key not in seen:
            pieces.append(("\n" + " " * column) if pieces else "")
            pieces.append(_dump_entry(key, value, column))
    return "".join(pieces)


def _patch_sequence(text: str, node: yaml.SequenceNode, old: list[Any], new: list[Any]) -> str:
    elements = node.value
    dash = node.start_mark.column
    inner = elements[0].start_mark.column
    by_id = all(isinstance(v, dict) and "id" in v for v in (*old, *new))
    old_ids = [v["id"] for v in old] if by_id else []
    starts = [e.start_mark.index for e in elements]
    leads = [text[node.start_mark.index:starts[0]]] + [
        text[_end(text, elements[i - 1]):starts[i]] for i in range(1, len(elements))]
    pieces: list[str] = []
    for position, value in enumerate(new):
        if by_id:
            index = old_ids.index(value["id"]) if value["id"] in old_ids else None
        else:
            index = position if position < len(old) else None
        body = None
        if index is not None:
            body = _patch(text, elements[index], old[index], value)
        if body is None:
            body = _dump_value(value, inner)
        if index is None or index == 0:
            lead = "- " if position == 0 else "\n" + " " * dash + "- "
        else:
            lead = leads[index].lstrip("\r\n ") if position == 0 else leads[index]
        pieces.append(lead + body)
    return "".join(pieces)


def patched_text(old_text: str, old: Any, new: Any) -> str | None:
    """``old_text`` (a YAML file whose value, normalized, is ``old``) rewritten to hold ``new``,
    its comments and layout kept wherever the values did not change; None when the file's layout
    is not one this can follow (the caller then keeps its header comments only)."""
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when present
    try:
        root = yaml.compose(old_text, Loader=loader)
    except yaml.YAMLError:
        return None
    if root is None:
        return None
    patched = _patch(old_text, root, old, new)
    if patched is None:
        return None
    return old_text[:root.start_mark.index] + patched + old_text[_end(old_text, root):]


def _header_comments(text: str) -> str:
    """The comment block at the top of a YAML file (its provenance notes)."""
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#") or not line.strip():
            lines.append(line)
        else:
            break
    return "".join(lines)


def _normalized(raw: Any, model: type[BaseModel] | None, inherited: tuple[str, ...] = ()) -> Any:
    """A file's value as the import would write it, so that equal content compares equal:
    each item (or the whole file, for ``model``) validated and dumped without defaults. What
    does not validate stays as it is (and so differs from anything the import writes)."""
    if model is None or not isinstance(raw, dict):
        return raw
    if model is Manifest:
        try:
            return plain(Manifest.model_validate(raw).model_dump(exclude_defaults=True))
        except ValidationError:
            return raw
    if model is Fields:
        try:
            return {**raw, "fields": [plain(f.model_dump(exclude_defaults=True))
                                      for f in Fields.model_validate(raw).fields]}
        except ValidationError:
            return raw
    if not isinstance(raw.get("items"), list):
        return raw
    items: list[Any] = []
    for entry in raw["items"]:
        if not isinstance(entry, dict):
            items.append(entry)
            continue
        data = {**{k: raw[k] for k in inherited if k in raw}, **entry}
        try:
            dumped = plain(model.model_validate(data).model_dump(exclude_defaults=True))
        except ValidationError:
            items.append(entry)
            continue
        for key in inherited:
            if key not in entry:
                dumped.pop(key, None)
        items.append(dumped)
    return {**raw, "items": items}


def _align_items(new: dict[str, Any], old: Any) -> dict[str, Any]:
    """New items keep the ``field``/``kind`` keys their old version wrote out itself."""
    if not isinstance(old, dict) or not isinstance(old.get("items"), list):
        return new
    written = {e.get("id"): e for e in old["items"] if isinstance(e, dict)}
    items = []
    for entry in new["items"]:
        before = written.get(entry.get("id"))
        if before is not None:
            extra = {k: new[k] for k in ("field", "kind") if k in before and before[k] == new.get(k)}
            if extra:
                entry = {**entry, **extra}
        items.append(entry)
    return {**new, "items": items}


@dataclass
class _Planned:
    data: Any  # what the file holds (plain values), None for a verbatim text
    verbatim: str | None = None  # the text to write as it is (a --manifest FILE)
    model: type[BaseModel] | None = None
    inherited: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The file written anew."""
        if self.verbatim is not None:
            return self.verbatim
        return dump_yaml(self.data, "# Written by `discretion import` from a benchmark table.\n")


def _plan_catalog(manifest: Manifest, manifest_text: str | None, fields: list[Field_],
                  benchmarks: list[BenchmarkItem], entries: list[ListItem]) -> dict[tuple[str, ...], _Planned]:
    files: dict[tuple[str, ...], _Planned] = {}
    if manifest_text is not None:
        files[("manifest.yaml",)] = _Planned(None, manifest_text)
    else:
        data = plain(manifest.model_dump(exclude_defaults=True))
        files[("manifest.yaml",)] = _Planned(data, None, Manifest)
    data = {"fields": [plain(f.model_dump(exclude_defaults=True)) for f in fields]}
    files[("fields.yaml",)] = _Planned(data, None, Fields)
    by_field: dict[str, list[dict[str, Any]]] = {}
    for item in benchmarks:
        dumped = plain(item.model_dump(exclude_defaults=True))
        dumped.pop("field", None)
        by_field.setdefault(item.field, []).append(dumped)
    for code, items in by_field.items():
        data = {"field": code, "items": items}
        files[("benchmarks", f"{code}.yaml")] = _Planned(data, None, BenchmarkItem, ("field",))
    by_list: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in entries:
        dumped = plain(entry.model_dump(exclude_defaults=True))
        dumped.pop("field", None)
        dumped.pop("kind", None)
        by_list.setdefault((entry.kind.value, entry.field), []).append(dumped)
    for (kind, code), items in by_list.items():
        data = {"field": code, "kind": kind, "items": items}
        files[("lists", kind, f"{code}.yaml")] = _Planned(data, None, ListItem, ("field", "kind"))
    return files


def _over_existing(path: Path, planned: _Planned) -> str:
    """The text of ``path`` once it holds ``planned``: the existing file patched where its
    values changed (comments and layout kept), else the header comments and a new dump."""
    try:
        old_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return planned.text
    if planned.data is None:
        return planned.text
    try:  # read as the loader reads it (a key `on:` is the word, not a boolean)
        old_raw = load_yaml(old_text, str(path)).value
    except YamlError:
        old_raw = _MISSING
    if old_raw is not _MISSING:
        old = _normalized(old_raw, planned.model, planned.inherited)
        new = _align_items(planned.data, old_raw) if planned.inherited else planned.data
        patched = patched_text(old_text, old, new)
        if patched is not None:
            return patched if patched.endswith("\n") else patched + "\n"
    header = _header_comments(old_text)
    return (header if header.strip() else "") + dump_yaml(planned.data)


def _catalog_item_files(root: Path) -> list[Path]:
    """The item files of a catalog folder (benchmarks/*.yaml, lists/<kind>/*.yaml)."""
    found = sorted((root / "benchmarks").glob("*.yaml")) if (root / "benchmarks").is_dir() else []
    for kind in ListKind:
        folder = root / "lists" / kind.value
        if folder.is_dir():
            found += sorted(folder.glob("*.yaml"))
    return [p for p in found if p.is_file()]


def write_catalog(out: Path, manifest: Manifest, manifest_text: str | None, fields: list[Field_],
                   benchmarks: list[BenchmarkItem], entries: list[ListItem], *,
                   update: bool = False) -> list[Path]:
    """Write the catalog folder: every file is planned first, and nothing is written unless each
    one is inside ``out`` (file names come from field codes, which the table's payload carries).

    With ``update``, ``out`` is an existing catalog folder: each file is written over with its
    comments and layout kept (an unchanged item, or an unchanged key of a changed one, keeps
    its text and the comments above it; a file whose layout cannot be followed keeps its
    header comments), an item file the table no longer fills keeps its comments and no items,
    and nothing is changed unless the result validates first (in a folder beside ``out``).
    Returns the files an update wrote (an unchanged file is not touched).
    """
    if update:
        if not (out / "manifest.yaml").is_file():
            raise DiscretionError(Problem(
                "--update writes over an existing catalog folder, and this one has no manifest.yaml",
                file=str(out), expected="a catalog folder (manifest.yaml, fields.yaml, benchmarks/)",
                hint="import into a new folder without --update\n"
                     "    中文：--update 只能用于已有的裁量基准文件夹；新建时请去掉 --update"))
    elif out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DiscretionError(Problem("the output folder exists and is not empty", file=str(out),
                                      hint="import into a new folder, or add --update to write "
                                           "over the catalog in it (its YAML comments are kept)\n"
                                           "    中文：输出文件夹已存在且不为空；请换用新文件夹，"
                                           "或者加 --update 更新其中的裁量基准（保留YAML注释）"))
    files = _plan_catalog(manifest, manifest_text, fields, benchmarks, entries)
    for parts in files:  # import_table refuses such codes first; this is the last guard
        if not all(FILE_PART.fullmatch(part) for part in parts):
            raise DiscretionError(Problem(
                f"refusing to write {'/'.join(parts)!r}: it would not be a file inside --out",
                file=str(out), expected="files named after field codes (capital letters and digits)",
                hint="correct the field codes of the table's payload\n"
                     "    中文：拒绝写入 --out 以外的位置；请更正表格数据中的领域代码"))
    if not update:
        out.mkdir(parents=True, exist_ok=True)
        for parts, planned in files.items():
            path = out.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(planned.text, encoding="utf-8")
        return []
    for path in _catalog_item_files(out):  # a file the table fills no longer: its items go, its
        parts = path.relative_to(out).parts  # comments (what is not encoded, and why) stay
        if parts not in files:
            kind = parts[1] if parts[0] == "lists" else None
            data = {"field": path.stem, **({"kind": kind} if kind else {}), "items": []}
            try:  # its own keys (field, kind) stay as it writes them
                raw = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
            except (OSError, UnicodeDecodeError, YamlError):
                raw = None
            if isinstance(raw, dict):
                data = {**{k: v for k, v in raw.items() if k != "items"}, "items": []}
            files[parts] = _Planned(data, None, ListItem if kind else BenchmarkItem,
                                    ("field", "kind") if kind else ("field",))
    texts = {parts: _over_existing(out.joinpath(*parts), planned) if out.joinpath(*parts).is_file()
             else planned.text for parts, planned in files.items()}
    _validate_planned(out, texts)
    changed: list[Path] = []
    for parts, text in texts.items():
        path = out.joinpath(*parts)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue  # unchanged: not touched
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    return changed


def _validate_planned(out: Path, texts: dict[tuple[str, ...], str]) -> None:
    """Load the planned catalog from a folder beside ``out``; raise its problems (named as the
    files of ``out``) before anything in ``out`` is changed."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}-import-", dir=out.parent))
    try:
        for parts, text in texts.items():
            path = scratch.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            Catalog.load(scratch, cache=False)
        except CatalogError as exc:
            from dataclasses import replace

            problems = [replace(p, file=p.file.replace(str(scratch), str(out))) if p.file else p
                        for p in exc.problems]
            problems.append(Problem(
                f"the imported catalog does not validate, so {out} was not changed",
                hint="fix the table rows of the items named above and import again\n"
                     "    中文：导入后的裁量基准未通过校验，原文件夹未作任何修改"))
            raise CatalogError(problems) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
