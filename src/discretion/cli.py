"""The ``discretion`` command: parse arguments, call the library, print; no tracebacks.

Exit codes: 0 decided (or valid), 1 invalid case or catalog (a message names the place),
2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from discretion import __version__, collector
from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, ListKind
from discretion.errors import DiscretionError, Problem
from discretion.textlines import ENCODINGS
from discretion.yamlpos import YamlError, load_yaml

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Modules that add their own subcommands: each defines ``add_commands(subparsers)`` and
# registers handlers with ``parser.set_defaults(handler=function)``; a handler takes the parsed
# arguments and returns the exit code (and may raise UsageError or DiscretionError).
COMMAND_MODULES: list[str] = ["discretion.statutes.commands", "discretion.render.commands", "discretion.audit_commands"]
MAX_CASE_BYTES = 16 * 1024 * 1024


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="discretion",
        description="行政处罚裁量：decide whether a violation goes unpunished (不予处罚) and which "
                    "penalty the discretion benchmark (裁量基准) recommends, traced to statute.")
    parser.add_argument("--version", action="version", version=f"discretion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_catalog(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", metavar="DIR", help="catalog folder (default: the bundled lishui-2022)")

    check = sub.add_parser("check", help="decide a case (YAML or JSON file, or - for stdin)")
    check.add_argument("case", metavar="CASE", nargs="?",
                       help="case file (.yaml/.yml/.json) or - for stdin")
    check.add_argument("--batch", metavar="CASES",
                       help="decide many cases: JSON Lines, CSV (.csv) or an Excel workbook "
                            "(.xlsx, its first sheet), or - for stdin (JSON Lines); writes one "
                            "JSON line per record")
    check.add_argument("--out", metavar="FILE", help="with --batch: write here (default stdout)")
    check.add_argument("--resume", action="store_true",
                       help="with --batch --out: continue an interrupted run")
    check.add_argument("--progress", choices=["auto", "on", "off"], default="auto",
                       help="with --batch: progress bar on stderr (auto: when it is a terminal)")
    check.add_argument("--jobs", type=jobs_argument, default=1, metavar="N",
                       help="with --batch: decide on N processes (0: one per core; default 1); "
                            "same output, in the same order")
    check.add_argument("--encoding", choices=ENCODINGS, default="auto",
                       help="with --batch: the input's encoding (auto: UTF-8, else GB18030, "
                            "decided by its first line that is not ASCII)")
    check.add_argument("--on", metavar="DATE", type=date_argument, default=None,
                       help="the decision date (YYYY-MM-DD) for cases that give no decided_on; "
                            "the decision states it (the clock is never read)")
    with_catalog(check)
    check.add_argument("--json", action="store_true", help="print the decision contract as JSON")
    check.add_argument("--format", choices=["text", "markdown", "json"], default=None,
                       help="output format (default text; --json is --format json)")

    validate = sub.add_parser("validate", help="load and check a catalog, reporting every problem")
    validate.add_argument("dir", nargs="?", metavar="DIR", help="catalog folder (default: bundled)")

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
    coverage.add_argument("dir", nargs="?", metavar="CATALOG", help="catalog folder (default: bundled)")
    coverage.add_argument("--out", metavar="FILE", help="write here (default stdout)")

    schema = sub.add_parser("schema", help="write the JSON Schemas of catalogs, cases, decisions")
    schema.add_argument("--out", default="docs/schema", metavar="DIR",
                        help="folder to write (default docs/schema)")
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        handler = getattr(args, "handler", None) or {"check": cmd_check, "validate": cmd_validate, "list": cmd_list,
                   "show": cmd_show, "search": cmd_search, "schema": cmd_schema, "test": cmd_test,
                                                      "coverage": cmd_coverage}[args.command]
        return handler(args)
    except UsageError as exc:
        print(f"discretion: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DiscretionError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("discretion: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # last resort: no traceback reaches a user
        print(f"discretion: internal error: {type(exc).__name__}: {exc}\n"
              "    this is a bug in discretion; please report it with the input that caused it",
              file=sys.stderr)
        return EXIT_INVALID


def check_input_path(path: str, what: str) -> None:
    """A usage error unless ``path`` (the ``what`` file of ``check --batch`` or ``audit``) is a
    file or ``-``."""
    if path != "-" and not Path(path).is_file():
        why = "is a folder, not a file" if Path(path).is_dir() else "not found"
        raise UsageError(f"{what} file {why}: {path}")


def check_input_content(path: str, encoding: str, *, audit: bool = False) -> None:
    """Before anything is written: a usage error for ``--encoding`` on a workbook, and the
    input error of a file that is not what it is named or whose header no record can be read
    from (:func:`discretion.columns.check_header`)."""
    from discretion.columns import check_header
    from discretion.inputs import input_kind

    if input_kind(path) == "xlsx" and encoding != "auto":
        raise UsageError("--encoding is for text input: a workbook has none")
    check_header(path, audit=audit, encoding=encoding)


def _catalog(path: str | None) -> Catalog:
    return Catalog.load(path)


def read_case_document(source: str) -> tuple[Any, str]:
    """Read a case file (or stdin) as YAML/JSON; return the value and the name to show."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_CASE_BYTES + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"case file not found: {source}")
        if path.stat().st_size > MAX_CASE_BYTES:
            raise DiscretionError(Problem(f"case file is larger than {MAX_CASE_BYTES} bytes",
                                          file=source, hint="use check --batch for many cases"), "case")
        data = path.read_bytes()
        name = source
    if len(data) > MAX_CASE_BYTES:
        raise DiscretionError(Problem(f"input is larger than {MAX_CASE_BYTES} bytes", file=name), "case")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DiscretionError(Problem("case is not UTF-8 text", file=name, expected="UTF-8",
                                      hint="re-save the file as UTF-8"), "case") from None
    if name.endswith(".json"):
        try:
            return json.loads(text, parse_float=str), name
        except json.JSONDecodeError as exc:
            raise DiscretionError(Problem(f"malformed JSON: {exc.msg}", file=name, line=exc.lineno,
                                          column=exc.colno), "case") from None
    try:
        return load_yaml(text, name).value, name
    except YamlError as exc:
        raise DiscretionError(exc.problems, "case") from None


def date_argument(text: str) -> dt.date:
    """``--on``: a date written YYYY-MM-DD, nothing else."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD (e.g. 2023-09-01), got '{text}'"
                                         f"（日期应写作YYYY-MM-DD）") from None


def jobs_argument(text: str) -> int:
    """``--jobs``: a whole number of processes, 0 for one per core."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes (0: one per core), "
                                         f"got '{text}'")
    return value


def cmd_check(args: argparse.Namespace) -> int:
    from discretion.engine.engine import Engine
    from discretion.render.text import decision_text

    if args.batch is not None:
        if args.case is not None:
            raise UsageError("give a CASE file or --batch CASES, not both")
        return cmd_batch(args)
    if args.case is None:
        raise UsageError("check needs a CASE file (or - for stdin), or --batch CASES")
    if args.out or args.resume or args.jobs != 1 or args.encoding != "auto":
        raise UsageError("--out, --resume, --jobs and --encoding go with --batch")
    fmt = "json" if args.json else (args.format or "text")
    value, name = read_case_document(args.case)
    with collector.paused():  # unpickling the catalog makes many objects and no garbage
        engine = Engine(_catalog(args.catalog), today=args.on)
    collector.freeze_loaded()  # cold start: see bench/README.md
    cases = value if isinstance(value, list) else [value]
    decisions = []
    for index, case in enumerate(cases):
        try:
            decisions.append(engine.evaluate(case))
        except DiscretionError as exc:
            where = f"{name}" + (f" case [{index}]" if isinstance(value, list) else "")
            exc.problems = [Problem(p.message, file=where, path=p.path, expected=p.expected,
                                    hint=p.hint) for p in exc.problems]
            raise
    if fmt == "json":
        payload = [d.to_dict() for d in decisions]
        print(json.dumps(payload if isinstance(value, list) else payload[0], ensure_ascii=False,
                         indent=2))
    else:
        print("\n\n".join(decision_text(d, markdown=fmt == "markdown") for d in decisions))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = Catalog.load(args.dir, cache=False)  # always a full check
    lists = {kind: sum(1 for e in catalog.lists.values() if e.kind is kind) for kind in ListKind}
    print(f"{catalog.root}: ok — {len(catalog.fields)} fields, {len(catalog.benchmarks)} benchmark "
          f"items, " + ", ".join(f"{n} {k.value}" for k, n in lists.items()) +
          f"; sha256 {catalog.sha256}")
    return EXIT_OK


def _row(catalog: Catalog, item_id: str) -> dict[str, Any]:
    entry = catalog.get(item_id)
    assert entry is not None
    kind = entry.kind if isinstance(entry, BenchmarkItem) else entry.kind.value
    return {"id": item_id, "kind": kind, "field": entry.field, "title": entry.title}


def cmd_list(args: argparse.Namespace) -> int:
    catalog = _catalog(args.catalog)
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

    catalog = _catalog(args.catalog)
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


def cmd_search(args: argparse.Namespace) -> int:
    from discretion.search import search_catalog

    catalog = _catalog(args.catalog)
    hits = search_catalog(catalog, " ".join(args.text))
    rows = [_row(catalog, i) for i in hits]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:<20} {row['kind']:<12} {row['title']}")
        print(f"({len(rows)} matches)", file=sys.stderr)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from discretion.schema import export_schemas

    for path in export_schemas(Path(args.out)):
        print(path)
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from discretion.engine.engine import Engine
    from discretion.worked import report, run_worked

    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.yaml") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"not found: {raw}")
    results = run_worked(Engine(_catalog(args.catalog)), files)
    print(report(results))
    return EXIT_OK if all(r.passed for r in results) else EXIT_INVALID


def cmd_batch(args: argparse.Namespace) -> int:
    from discretion.batch import output_for, run_batch
    from discretion.engine.engine import Engine
    from discretion.inputs import scanned_input
    from discretion.parallel import jobs_for

    check_input_path(args.batch, "batch")
    check_input_content(args.batch, args.encoding)
    engine = Engine(_catalog(args.catalog), today=getattr(args, "on", None))
    collector.freeze_loaded()
    try:
        out, skip = output_for(args.out, args.resume)
    except (ValueError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    progress = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    try:
        with scanned_input(args.batch, args.encoding) as records:
            stats = run_batch(engine, records, out, skip=skip,
                              progress=progress, jobs=jobs_for(args.jobs))
    finally:
        if args.out not in (None, "-"):  # standard output stays open
            out.close()
        else:
            out.flush()
    print(f"{stats.records} records: {stats.decided} decided, {stats.errors} errors"
          + (f", {stats.skipped} already done" if stats.skipped else ""), file=sys.stderr)
    return EXIT_OK if stats.errors == 0 else EXIT_INVALID


def cmd_coverage(args: argparse.Namespace) -> int:
    from discretion.catalog.report import coverage_markdown

    text = coverage_markdown(_catalog(args.dir))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return EXIT_OK
