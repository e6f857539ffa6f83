"""The catalog's commands: validate, list, show, search, new (a case file to fill in), schema,
test (worked cases), coverage, and the shell completion script of the whole command."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, ListKind
from discretion.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    load_catalog,
    print_json,
    with_catalog,
)
from discretion.errors import DiscretionError, Problem

SHELLS = ("bash", "zsh", "tcsh")  # `discretion completion SHELL` (shtab writes each)


def add_commands(sub: Any) -> None:
    validate = sub.add_parser("validate", help="load and check a catalog, reporting every problem")
    validate.add_argument("dir", nargs="?", metavar="DIR", help="the catalog folder, as --catalog")
    validate.add_argument("--json", action="store_true",
                          help="print the result as JSON on stdout: ok, the counts, and every "
                               "problem with its file, line and column")

    lister = sub.add_parser("list", help="list catalog items")
    with_catalog(lister)
    lister.add_argument("--field", help="only this field code, e.g. SRHJ")
    lister.add_argument("--kind", choices=["benchmark", *[k.value for k in ListKind]],
                        help="only this kind of item")
    lister.add_argument("--json", action="store_true", help="print JSON")

    show = sub.add_parser("show", help="show one item")
    show.add_argument("id", metavar="ID")
    with_catalog(show)
    show.add_argument("--json", action="store_true", help="print the item as JSON")

    search = sub.add_parser("search", help="find items by Chinese text or a citation")
    search.add_argument("text", nargs="+", metavar="TEXT")
    with_catalog(search)
    search.add_argument("--json", action="store_true", help="print JSON")
    worked = sub.add_parser("test", help="run worked cases (YAML) against their expected decisions")
    worked.add_argument("paths", nargs="+", metavar="PATH", help="worked-case files or folders")
    with_catalog(worked)

    coverage = sub.add_parser("coverage", help="write the per-field coverage table (Markdown)")
    coverage.add_argument("dir", nargs="?", metavar="CATALOG", help="the catalog folder, as --catalog")
    coverage.add_argument("--out", metavar="FILE", help="write here (default stdout)")

    new = sub.add_parser("new", help="write a case file to fill in for an item (Chinese comments)")
    new.add_argument("id", metavar="ITEM", help="the item's id (find it with `discretion search`)")
    with_catalog(new)
    new.add_argument("--out", metavar="FILE", help="write here (default stdout); never overwrites")

    schema = sub.add_parser("schema", help="write the JSON Schemas of catalogs, cases, decisions")
    schema.add_argument("--out", default="docs/schema", metavar="DIR",
                        help="folder to write (default docs/schema)")
    completion = sub.add_parser("completion", help="print a shell completion script (bash, zsh, "
                                                   "tcsh)")
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    validate.set_defaults(handler=cmd_validate)
    lister.set_defaults(handler=cmd_list)
    show.set_defaults(handler=cmd_show)
    search.set_defaults(handler=cmd_search)
    worked.set_defaults(handler=cmd_test)
    coverage.set_defaults(handler=cmd_coverage)
    new.set_defaults(handler=cmd_new)
    schema.set_defaults(handler=cmd_schema)
    completion.set_defaults(handler=cmd_completion)


def cmd_validate(args: argparse.Namespace) -> int:
    """Load a catalog with every check (never from the cache). With ``--json``, standard output
    carries the result for a program: ``ok``, the catalog's identity and counts when it is
    valid, and ``problems`` (each with its file, line and column) when it is not; the message
    for a person still goes to standard error, and the exit code is the same."""
    try:
        catalog = Catalog.load(args.dir, cache=False)  # always a full check
    except DiscretionError as exc:
        if args.json:
            from discretion.catalog.loader import default_catalog_path

            root = Path(args.dir) if args.dir is not None else default_catalog_path()
            print_json({"catalog": str(root), "ok": False,
                         "problems": [p.as_dict() for p in exc.problems]})
        raise
    lists = {kind: sum(1 for e in catalog.lists.values() if e.kind is kind) for kind in ListKind}
    if args.json:
        manifest = catalog.manifest
        print_json({"catalog": str(catalog.root), "ok": True, "problems": [],
                     "jurisdiction": manifest.jurisdiction, "code": manifest.code,
                     "version": manifest.version, "official": manifest.official,
                     "sha256": catalog.sha256, "fields": len(catalog.fields),
                     "benchmarks": len(catalog.benchmarks),
                     "lists": {kind.value: count for kind, count in lists.items()}})
        return EXIT_OK
    print(f"{catalog.root}: ok — {len(catalog.fields)} fields, {len(catalog.benchmarks)} benchmark "
          f"items, " + ", ".join(f"{n} {k.value}" for k, n in lists.items()) +
          f"; sha256 {catalog.sha256}")
    return EXIT_OK



# What `completion` offers for a value, by its metavar: folders, or files; other values (ids,
# words, numbers, dates) get nothing, and choices are completed by shtab itself.
_FOLDER_METAVARS = {"DIR", "CATALOG"}


_NOT_FILE_METAVARS = {"ITEM", "ID", "TEXT", "N", "DATE", "CODE", "PREFIX", "SHELL", "COMMAND"}


def cmd_completion(args: argparse.Namespace) -> int:
    """A completion script for ``args.shell``, made by shtab from this parser, so that it knows
    every command and option (those of the command modules too) and the choices of each."""
    try:
        import shtab
    except ImportError:
        raise DiscretionError(Problem(
            "shell completion needs the shtab package, which is not installed",
            expected="shtab (a dependency of discretion)",
            hint="pip install shtab; 请先安装 shtab 软件包")) from None
    from discretion.cli import build_parser  # the whole command's parser

    parser = build_parser()
    parsers = [parser]
    while parsers:
        current = parsers.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
                continue
            metavar = action.metavar if isinstance(action.metavar, str) else None
            if action.nargs == 0 or action.choices is not None or metavar is None:
                continue
            if metavar in _FOLDER_METAVARS:
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
            elif metavar not in _NOT_FILE_METAVARS:
                action.complete = shtab.FILE  # type: ignore[attr-defined]
    print(shtab.complete(parser, shell=args.shell), end="")
    return EXIT_OK


def _row(catalog: Catalog, item_id: str) -> dict[str, Any]:
    entry = catalog.get(item_id)
    assert entry is not None
    kind = entry.kind if isinstance(entry, BenchmarkItem) else entry.kind.value
    return {"id": item_id, "kind": kind, "field": entry.field, "title": entry.title}


def cmd_list(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog)
    if args.field and args.field not in catalog.fields:
        raise UsageError(f"unknown field '{args.field}'; fields: {', '.join(catalog.fields)}")
    rows = [_row(catalog, i) for i in catalog.ids]
    rows = [r for r in rows if (not args.field or r["field"] == args.field)
            and (not args.kind or r["kind"] == args.kind)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:<20} {row['kind']:<12} {row['field']:<6} {row['title']}")
        print(f"({len(rows)} items)", file=sys.stderr)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from discretion.render.text import item_text

    catalog = load_catalog(args.catalog)
    entry = catalog.get(args.id)
    if entry is None:
        close = catalog.suggest(args.id)
        raise DiscretionError(Problem(f"unknown item '{args.id}'",
                                      hint=("did you mean " + " or ".join(close) + "?") if close
                                      else "list ids with `discretion list`"))
    if args.json:
        print(entry.model_dump_json(indent=2, exclude_none=True))
    else:
        print(item_text(entry))
        if isinstance(entry, BenchmarkItem):
            for tied in catalog.lists_for(entry.id):
                print(f"  清单：{tied.id} ({tied.kind.value}) {tied.title}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """A case template for one item: every field with what its values mean, in Chinese."""
    from discretion.render.template import case_template

    catalog = load_catalog(args.catalog)
    item = catalog.benchmarks.get(args.id)
    if item is None:
        close = catalog.suggest(args.id)
        raise DiscretionError(Problem(
            f"unknown item '{args.id}'; 没有这个事项编号",
            hint=("did you mean " + " or ".join(close) + "?") if close
            else "find the id with `discretion search 违法行为`"))
    text = case_template(catalog, item)
    if args.out is None:
        print(text, end="")
        return EXIT_OK
    out = Path(args.out)
    try:
        with out.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise DiscretionError(Problem(f"{out} exists; 文件已存在，不会覆盖",
                                      hint="choose another --out, or delete the file")) from None
    print(out)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Ranked results, best first, each with why it matched; no match exits 1."""
    from discretion.catalog.search import search_hits

    catalog = load_catalog(args.catalog)
    text = " ".join(args.text)
    hits = search_hits(catalog, text)
    rows = [{**_row(catalog, hit.id), "why": hit.why, "near": hit.near} for hit in hits]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        if hits and hits[0].near:
            print(f"没有同时包含所有词语的事项；以下是与“{text}”相近的事项（no exact match; near matches）：")
        for row in rows:
            print(f"{row['id']:<20} {row['kind']:<12} {row['title']}")
            print(f"{'':<20} {'；'.join(row['why'])}")
    print(f"({len(rows)} matches)", file=sys.stderr)
    if not hits:
        print(f"没有找到与“{text}”相关的事项：换一种说法，或者用 `discretion list --field` 浏览 "
              f"(no item matches '{text}')", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from discretion.render.schemas import export_schemas

    for path in export_schemas(Path(args.out)):
        print(path)
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from discretion.engine.engine import Engine
    from discretion.testing.worked import report, run_worked

    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.yaml") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"not found: {raw}")
    results = run_worked(Engine(load_catalog(args.catalog)), files)
    print(report(results))
    return EXIT_OK if all(r.passed for r in results) else EXIT_INVALID


def cmd_coverage(args: argparse.Namespace) -> int:
    from discretion.catalog.report import coverage_markdown

    text = coverage_markdown(load_catalog(args.dir))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return EXIT_OK
