"""``discretion export`` and ``discretion import``: benchmark tables and publication pages."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from discretion.cli.common import EXIT_OK, UsageError

TABLE_FORMATS = ("xlsx", "csv")
# the published layout of an agency's benchmark (序号 · 事项代码 · 事项名称 · 处罚依据 · 裁量阶次 ·
# 适用条件 · 裁量幅度 · 裁量基准来源), as a CSV or a workbook with merged cells
PUBLISHED_FORMATS = {"published-csv": "csv", "published-xlsx": "xlsx"}
PAGE_FORMATS = ("markdown", "html")


def add_commands(sub: Any) -> None:
    export = sub.add_parser(
        "export", help="write the catalog as a 16-column benchmark table (xlsx/csv), in the "
                       "published layout of an agency's table (published-csv/published-xlsx), or "
                       "publish it as pages (markdown/html)")
    export.add_argument("catalog", nargs="?", metavar="CATALOG", help="catalog folder (default: bundled)")
    export.add_argument("--format", required=True,
                        choices=[*TABLE_FORMATS, *PUBLISHED_FORMATS, *PAGE_FORMATS],
                        help="xlsx/csv: the 16-column table (lossless); published-csv/published-xlsx: "
                             "the published layout (tiers in prose, merged cells in xlsx); "
                             "markdown/html: one page per field + index")
    export.add_argument("--out", required=True, metavar="PATH",
                        help="table file (.xlsx/.csv; csv also writes <PATH>-lists.csv) or a folder "
                             "(pages)")
    export.add_argument("--agency", default="", metavar="TEXT", help="实施机关 column of the table")
    export.add_argument("--template", metavar="DIR",
                        help="markdown/html: a folder with page.html / page.md (string.Template, "
                             "$title $body $style …) and style.css, to restyle the pages "
                             "(docs/tables.md)")
    export.set_defaults(handler=cmd_export)

    imp = sub.add_parser("import", help="read a benchmark table (xlsx/csv) into a catalog folder")
    imp.add_argument("table", metavar="TABLE",
                     help="an exported table, an agency's 16-column table, or an agency's table in "
                          "the published layout (事项名称 · 处罚依据 · 裁量阶次 · 适用条件 · 裁量幅度 …)")
    imp.add_argument("--out", required=True, metavar="DIR",
                     help="catalog folder to write (new or empty; with --update, an existing catalog)")
    imp.add_argument("--update", action="store_true",
                     help="write over the catalog in --out, keeping the comments and layout of its "
                          "YAML files (checked before anything is changed)")
    imp.add_argument("--manifest", metavar="FILE",
                     help="manifest.yaml to copy (needed when the table has no payload)")
    imp.add_argument("--fields", metavar="FILE",
                     help="fields.yaml mapping 行业领域 names to codes (default: the table's payload, "
                          "else the bundled catalog's fields)")
    imp.add_argument("--field", metavar="CODE", help="put every plain row in this field")
    imp.add_argument("--prefix", default="LS", metavar="PREFIX",
                     help="id prefix of items built from plain rows (default LS → LS-<FIELD>-0001)")
    imp.add_argument("--laws", metavar="DIR",
                     help="statute corpus: resolve each row's citation against it, take the clause "
                          "and its statutory range from the statute, and verify the result")
    imp.add_argument("--official", action="store_true",
                     help="the table is an agency's official benchmark: every row must name its "
                          "裁量基准来源 (without it, a table whose every row names one is official)")
    imp.set_defaults(handler=cmd_import)



def cmd_export(args: argparse.Namespace) -> int:
    from discretion.catalog.catalog import Catalog
    from discretion.render.pages import export_pages
    from discretion.tables.export import export_table
    from discretion.tables.published import export_published

    out = Path(args.out)
    template = Path(args.template) if args.template else None
    if template is not None and args.format not in PAGE_FORMATS:
        raise UsageError(f"--template is for --format markdown or html, not {args.format}")
    if template is not None and not template.is_dir():
        raise UsageError(f"--template '{args.template}' is not a folder (it holds page.html, page.md, "
                     "style.css)")
    catalog = Catalog.load(args.catalog)
    if args.format in TABLE_FORMATS:
        if out.suffix.lower() != f".{args.format}":
            raise UsageError(f"--out for --format {args.format} is a .{args.format} file, not '{args.out}'")
        if out.is_dir():
            raise UsageError(f"--out '{args.out}' is a folder")
        written = export_table(catalog, args.format, out, agency=args.agency)
    elif args.format in PUBLISHED_FORMATS:
        suffix = PUBLISHED_FORMATS[args.format]
        if out.suffix.lower() != f".{suffix}":
            raise UsageError(f"--out for --format {args.format} is a .{suffix} file, not '{args.out}'")
        if out.is_dir():
            raise UsageError(f"--out '{args.out}' is a folder")
        if args.agency:
            raise UsageError("--agency fills the 实施机关 column of the 16-column table; the published "
                         "layout has none")
        written = export_published(catalog, suffix, out)
    else:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out for --format {args.format} is a folder; '{args.out}' is a file")
        written = export_pages(catalog, args.format, out, template_dir=template)
    for path in written:
        print(path)
    print(f"{len(catalog.benchmarks)} benchmark items, {len(catalog.lists)} list entries", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from discretion.tables.importer import import_table

    table = Path(args.table)
    if not table.is_file():
        raise UsageError(f"table file not found: {args.table}")
    if not re.fullmatch(r"[A-Z][A-Z0-9]*", args.prefix):
        raise UsageError(f"--prefix '{args.prefix}' must be capital letters and digits, e.g. LS")
    for option in ("manifest", "fields"):
        value = getattr(args, option)
        if value is not None and not Path(value).is_file():
            raise UsageError(f"--{option} file not found: {value}")
    if args.laws is not None and not Path(args.laws).is_dir():
        raise UsageError(f"--laws folder not found: {args.laws}")
    result = import_table(table, Path(args.out),
                          manifest_file=Path(args.manifest) if args.manifest else None,
                          fields_file=Path(args.fields) if args.fields else None,
                          field_code=args.field, prefix=args.prefix, update=args.update,
                          laws=Path(args.laws) if args.laws else None, official=args.official)
    for warning in result.warnings:
        print("warning: " + warning.render(), file=sys.stderr)
    for edit in result.edits:
        print(f"edited: {edit.location()}: {edit.message}" + (f"\n    {edit.hint}" if edit.hint else ""),
              file=sys.stderr)
    if args.update:
        for path in result.changed:
            print(f"updated: {path}", file=sys.stderr)
        print(f"{len(result.changed)} file{'s' if len(result.changed) != 1 else ''} updated, "
              "comments kept; the other files are unchanged", file=sys.stderr)
    if result.layout == "published":
        kind = ("an official benchmark (every row names its 裁量基准来源): the manifest says "
                "official: true" if result.official else
                "not an official benchmark (not every row names its 裁量基准来源)")
        print(f"{result.out}: {result.benchmarks} benchmark items from {result.rows} rows of the "
              f"published layout; {kind}; tiers are found by the officer (a case gives tier)")
        return EXIT_OK
    print(f"{result.out}: {result.benchmarks} benchmark items ({result.from_payload} from payload), "
          f"{result.lists} list entries, from {result.rows} rows")
    return EXIT_OK
