"""Import of a benchmark table into a catalog folder: our export, or an agency's table.

:func:`import_table` reads the table (:func:`~discretion.tables.reader.read_tables`) and builds
the catalog's items:

- rows with payload (``_id``/``_item``, our 16-column export) are restored from it, with the
  edits of their visible cells applied or refused (:mod:`discretion.tables.edits`);
- rows without payload — an agency's 16-column rows, or a table in the published layout
  (:mod:`discretion.tables.published`) — are built from their readable columns
  (:mod:`discretion.tables.agency`): tiers the officer finds from their circumstances, amounts
  checked against the clause, the citation resolved against the statute corpus with ``laws``.

Every unreadable or refused cell is reported (file, row, column) and nothing is written then;
the folder is written by :func:`~discretion.catalog.writer.write_catalog`, then loaded and
validated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, Field_, Fields, ListItem, Manifest, Policy
from discretion.catalog.writer import write_catalog
from discretion.errors import CatalogError, DiscretionError, Problem
from discretion.tables.agency import PUBLISHED, TABLE, ItemBuilder, laws_library
from discretion.tables.cells import CellError
from discretion.tables.columns import COLUMNS, FIELD_CODE
from discretion.tables.edits import edited_entry, edited_item, validation_message
from discretion.tables.reader import Row, Sheet, problem, read_tables

__all__ = ["ImportResult", "import_table"]


@dataclass
class ImportResult:
    out: Path
    benchmarks: int
    lists: int
    rows: int
    from_payload: int
    warnings: list[Problem]
    catalog: Catalog | None = None
    edits: list[Problem] = field(default_factory=list)  # visible cells of exported rows applied
    changed: list[Path] = field(default_factory=list)  # the files an update wrote over
    layout: str = "table"  # "table" (16 columns) or "published"
    official: bool = False  # the catalog written is an agency's official benchmark
    rows_of: dict[str, list[int]] = field(default_factory=dict)  # item id → its table rows


def _load_json(row: Row, column: str) -> Any:
    try:
        return json.loads(row.get(column))
    except json.JSONDecodeError as exc:
        raise CellError(column, f"payload is not JSON: {exc.msg}") from None


@dataclass
class _Inputs:
    """The catalog-level inputs of an import: manifest (and its text, to copy), fields, and what
    the export wrote the visible cells from."""

    manifest: Manifest | None
    manifest_text: str | None
    fields: list[Field_] | None
    export_policy: Policy | None
    export_names: dict[str, str]

    @property
    def field_codes(self) -> dict[str, Field_]:
        return {f.code: f for f in self.fields or []}

    @property
    def by_name(self) -> dict[str, str]:
        return {f.name: f.code for f in self.fields or []}


def _inputs(main: Sheet, manifest_file: Path | None, fields_file: Path | None,
            problems: list[Problem]) -> _Inputs:
    # catalog-level payload: manifest and fields
    catalog_payload: dict[str, Any] | None = None
    for row in main.rows:
        if row.get("_catalog"):
            try:
                catalog_payload = _load_json(row, "_catalog")
            except CellError as exc:
                problems.append(problem(main, row, str(exc), exc.column))
            break
    manifest_text: str | None = None
    manifest: Manifest | None = None
    if manifest_file is not None:
        try:
            manifest_text = manifest_file.read_text(encoding="utf-8")
            manifest = Manifest.model_validate(yaml.safe_load(manifest_text))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            message = validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            raise DiscretionError(Problem(f"manifest not usable: {message}", file=str(manifest_file))) from None
    elif catalog_payload and "manifest" in catalog_payload:
        try:
            manifest = Manifest.model_validate(catalog_payload["manifest"])
        except ValidationError as exc:
            problems.append(problem(main, None, f"manifest payload: {validation_message(exc)}", "_catalog"))
    else:
        problems.append(Problem("the table has no manifest payload (_catalog column)", file=main.name,
                                hint="an agency table needs --manifest FILE (a catalog manifest.yaml)\n"
                                     "    中文：机关的表格需要用 --manifest 指定 manifest.yaml"))

    fields: list[Field_] | None = None
    if fields_file is not None:
        try:
            fields = Fields.model_validate(yaml.safe_load(fields_file.read_text(encoding="utf-8"))).fields
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            message = validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            raise DiscretionError(Problem(f"fields file not usable: {message}", file=str(fields_file))) from None
    elif catalog_payload and "fields" in catalog_payload:
        try:
            fields = Fields.model_validate({"fields": catalog_payload["fields"]}).fields
        except ValidationError as exc:
            problems.append(problem(main, None, f"fields payload: {validation_message(exc)}", "_catalog"))
    else:
        from discretion.catalog.loader import default_catalog_path

        bundled = default_catalog_path() / "fields.yaml"
        fields = Fields.model_validate(yaml.safe_load(bundled.read_text(encoding="utf-8"))).fields
    # what the export wrote the visible cells from: the payload's manifest (policy) and fields
    export_policy = manifest.policy if manifest is not None else None
    export_names = {f.code: f.name for f in fields or []}
    if isinstance(catalog_payload, dict):
        try:
            export_policy = Manifest.model_validate(catalog_payload.get("manifest")).policy
            export_names = {f.code: f.name for f in Fields.model_validate(
                {"fields": catalog_payload.get("fields")}).fields}
        except ValidationError:
            pass  # reported above, or the table's own manifest and fields are used
    return _Inputs(manifest, manifest_text, fields, export_policy, export_names)


def import_table(table: Path, out: Path, *, manifest_file: Path | None = None,
                 fields_file: Path | None = None, field_code: str | None = None,
                 prefix: str = "LS", update: bool = False, laws: Path | None = None,
                 official: bool = False) -> ImportResult:
    """Read an exported or an agency table and write a catalog folder that ``Catalog.load`` accepts.

    Rows with payload (``_id``/``_item``) are restored from it, with the edits of their visible
    cells applied where a cell maps onto the model and refused otherwise (docs/tables.md); rows
    without are built from the readable columns, their citations resolved against the statute
    corpus ``laws`` when given. A table in the published layout is an official benchmark when
    every row names its 裁量基准来源; ``official`` requires it (a row without is reported). Every
    unreadable or refused cell is reported (file, row, column) and nothing is written then. With
    ``update``, ``out`` is an existing catalog folder, written over with the comments and layout
    of its YAML files kept (:func:`~discretion.catalog.writer.write_catalog`).
    """
    main, list_sheet = read_tables(table)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    inputs = _inputs(main, manifest_file, fields_file, problems)
    field_codes = inputs.field_codes
    if field_code is not None and field_code not in field_codes:
        raise DiscretionError(Problem(f"--field {field_code} is not a field code",
                                      expected=", ".join(field_codes)))
    edits: list[Problem] = []
    library = laws_library(laws)
    builder = ItemBuilder(main, PUBLISHED if main.layout == "published" else TABLE, field_code,
                          field_codes, inputs.by_name, prefix, set(), problems, warnings, library,
                          table.name)
    manifest, manifest_text = inputs.manifest, inputs.manifest_text
    is_official = False
    if main.layout == "published":
        from discretion.tables.published import published_items

        benchmarks, is_official = published_items(main, builder, require_official=official)
        payload_count = 0
        if manifest is not None and not problems:
            manifest, manifest_text = _official_manifest(main, manifest, manifest_text, is_official,
                                                         problems)
    else:
        benchmarks, payload_count = _table_items(main, inputs, builder, problems, edits)
        if official:
            problems.append(Problem(
                "--official is for a table in the published layout (its 裁量基准来源 column)",
                file=main.name, hint="leave out --official: an agency's 16-column rows are imported "
                                     "as official tiers already\n    中文：--official 仅适用于含"
                                     "“裁量基准来源”列的公布格式表格"))
    entries = _list_entries(list_sheet, inputs, problems, edits)
    if problems:
        raise DiscretionError(problems, "table")
    assert manifest is not None and inputs.fields is not None
    try:
        changed = write_catalog(out, manifest, manifest_text, inputs.fields, benchmarks, entries,
                                update=update)
    except CatalogError as exc:
        if edits:  # the edits of visible cells are the likely cause: name their rows
            exc.problems.append(Problem(
                "the cells edited in the table: " + "; ".join(
                    f"{e.file} {e.path}" for e in edits[:10]) + ("; …" if len(edits) > 10 else ""),
                hint="line numbers above are those of the files as the import would write them\n"
                     "    中文：以上行号为导入后文件的行号；表格中被修改的单元格如上，请核对"))
        raise
    try:
        catalog = Catalog.load(out, cache=False)
    except CatalogError as exc:
        exc.problems.append(Problem(f"the catalog was written to {out} but does not validate",
                                    hint="fix the table rows of the items named above (or the YAML) "
                                         "and import again\n"
                                         "    中文：裁量基准已写入但未通过校验，请按上述位置修改后重新导入"))
        raise
    if laws is not None:
        _verify(catalog, laws, main, builder)
    return ImportResult(out, len(benchmarks), len(entries), len(main.rows), payload_count, warnings,
                        catalog, edits, changed, main.layout, manifest.official, builder.rows_of)


def _verify(catalog: Catalog, laws: Path, main: Sheet, builder: ItemBuilder) -> None:
    """The imported catalog checked against the statutes (``discretion verify``); a mismatch is
    reported with the item's table rows."""
    from discretion.statutes.verify import verify_catalog

    report = verify_catalog(catalog, laws)
    if report.ok:
        return
    problems = []
    for finding in report.mismatches:
        rows = builder.rows_of.get(finding.item_id, [])
        where = f"rows {rows[0]}–{rows[-1]}" if len(rows) > 1 else f"row {rows[0]}" if rows else None
        problems.append(Problem(f"{finding.item_id}: {finding.message}", file=main.name, path=where,
                                hint=f"the statute says otherwise at {finding.statute_at}; correct "
                                     "the table's citation or clause\n    中文：导入的事项与法规文本"
                                     "不一致，请核对处罚依据"))
    problems.append(Problem(f"the catalog was written to {catalog.root} but does not agree with the "
                            f"statutes under {laws}"))
    raise DiscretionError(problems, "table")


def _official_manifest(main: Sheet, manifest: Manifest, manifest_text: str | None, official: bool,
                       problems: list[Problem]) -> tuple[Manifest, str | None]:
    """The manifest as the table's provenance requires: ``official: true`` for an official
    table (the manifest file's text patched, its comments kept), refused for one that is not."""
    if manifest.official == official:
        return manifest, manifest_text
    if manifest.official:
        problems.append(Problem(
            "the manifest says official: true, but the table is not an official benchmark (not "
            "every row names its 裁量基准来源)", file=main.name,
            hint="fill 裁量基准来源 on every row, or give a manifest with official: false\n"
                 "    中文：manifest 声明为官方裁量基准，但表格并非每行都注明裁量基准来源"))
        return manifest, manifest_text
    updated = manifest.model_copy(update={"official": True})
    if manifest_text is None:
        return updated, None
    from discretion.catalog.writer import patched_text, plain

    old = plain(manifest.model_dump(exclude_defaults=True))
    new = plain(updated.model_dump(exclude_defaults=True))
    text = patched_text(manifest_text, old, new)
    return updated, text if text is not None and text.endswith("\n") else \
        (text + "\n" if text is not None else None)


def _table_items(main: Sheet, inputs: _Inputs, builder: ItemBuilder, problems: list[Problem],
                 edits: list[Problem]) -> tuple[list[BenchmarkItem], int]:
    """The items of a 16-column table: payload rows restored (with their edits), plain rows
    built from the readable columns; and how many items had payload."""
    benchmarks: list[BenchmarkItem] = []
    payload_rows: dict[str, list[Row]] = {}
    plain_groups: dict[tuple[str, str], list[Row]] = {}
    for row in main.rows:
        if not any(row.get(c) for c in COLUMNS if c != "序号") and not row.get("_id"):
            continue  # the manifest-only row of a catalog without benchmarks
        if row.get("_id"):
            payload_rows.setdefault(row.get("_id"), []).append(row)
        else:
            plain_groups.setdefault((row.get("违法行为名称"), row.get("处罚法律条款")), []).append(row)
    field_codes = inputs.field_codes
    for item_id, rows in payload_rows.items():
        head = next((r for r in rows if r.get("_item")), None)
        if head is None:
            problems.append(problem(main, rows[0], f"rows of '{item_id}' have no _item payload", "_item",
                                    hint="keep the _item cell of the item's first row, or clear _id "
                                         "to import the rows from the readable columns"))
            continue
        try:
            item = BenchmarkItem.model_validate(_load_json(head, "_item"))
        except CellError as exc:
            problems.append(problem(main, head, str(exc), exc.column))
            continue
        except ValidationError as exc:
            problems.append(problem(main, head, f"item payload: {validation_message(exc)}", "_item"))
            continue
        if item.id != item_id:
            problems.append(problem(main, head, f"_id '{item_id}' but the payload is item '{item.id}'", "_id"))
            continue
        wrong_field = _payload_field_problem(main, head, f"item '{item.id}'", item.field, field_codes,
                                             inputs.fields is not None)
        if wrong_field is not None:
            problems.append(wrong_field)
            continue
        if len(rows) != len(item.tiers):
            problems.append(problem(main, rows[0], f"item '{item_id}' has {len(item.tiers)} tiers but "
                                    f"{len(rows)} rows", "_id",
                                    hint="rows of an exported item are restored from its payload; "
                                         "edit tiers in the catalog YAML, or clear _id/_item\n"
                                         "    中文：已导出事项的行数与其档次数不一致；请在YAML中增删档次"))
            continue
        if inputs.export_policy is not None:
            edited = edited_item(main, rows, item, inputs.export_policy,
                                 inputs.export_names.get(item.field, item.field), problems, edits)
            if edited is None:
                continue
            item = edited
        benchmarks.append(item)
    builder.used_ids.update(b.id for b in benchmarks)
    for rows in plain_groups.values():
        built = builder.item(rows)
        if built is not None:
            benchmarks.append(built)
    return benchmarks, len(payload_rows)


def _list_entries(list_sheet: Sheet | None, inputs: _Inputs, problems: list[Problem],
                  edits: list[Problem]) -> list[ListItem]:
    """List entries: payload only (their conditions are not table columns)."""
    entries: list[ListItem] = []
    if list_sheet is None:
        return entries
    for row in list_sheet.rows:
        if not row.get("_item"):
            problems.append(problem(list_sheet, row, "a list row without payload cannot be imported",
                                    "_item", hint="write the entry in lists/<kind>/<FIELD>.yaml; "
                                                  "its condition (when) is not a table column"))
            continue
        try:
            entry = ListItem.model_validate(_load_json(row, "_item"))
        except CellError as exc:
            problems.append(problem(list_sheet, row, str(exc), exc.column))
            continue
        except ValidationError as exc:
            problems.append(problem(list_sheet, row, f"list payload: {validation_message(exc)}", "_item"))
            continue
        wrong_field = _payload_field_problem(list_sheet, row, f"list entry '{entry.id}'", entry.field,
                                             inputs.field_codes, inputs.fields is not None)
        if wrong_field is not None:
            problems.append(wrong_field)
            continue
        edited = edited_entry(list_sheet, row, entry,
                              inputs.export_names.get(entry.field, entry.field), problems, edits)
        if edited is not None:
            entries.append(edited)
    return entries


def _payload_field_problem(sheet: Sheet, row: Row, what: str, code: str, field_codes: dict[str, Field_],
                           fields_known: bool) -> Problem | None:
    """The problem of a payload's ``field``, or None. The field names the file the item is
    written to (``benchmarks/<field>.yaml``): anything but a field code of the catalog — a path
    such as ``../x`` or ``/etc/x`` above all — is refused before anything is written."""
    known = ", ".join(field_codes) or "the codes of fields.yaml"
    if not FIELD_CODE.fullmatch(code):
        return problem(sheet, row, f"{what} has the field {code!r}, which is not a field code: "
                        "the import writes each field's items to a file named after its code, and "
                        "this one would not be a file inside --out", "_item",
                        expected=f"a field code (capital letters and digits): {known}",
                        hint="correct \"field\" in the _item payload, or clear the row's _id and "
                             "_item to import it from its readable columns\n"
                             "    中文：事项数据（_item）中的领域代码无效，不能作为文件名；已拒绝导入，未写入任何文件。"
                             "请更正领域代码后重新导入")
    if fields_known and code not in field_codes:
        return problem(sheet, row, f"{what} has the field '{code}', which the table's fields do not "
                        "list", "_item", expected=f"a field code: {known}",
                        hint="correct \"field\" in the _item payload, or add the field to --fields FILE\n"
                             "    中文：事项数据（_item）中的领域代码不在领域清单中；已拒绝导入，未写入任何文件")
    return None


