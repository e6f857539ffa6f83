"""The ``discretion`` command: parse arguments, call the library, print; no tracebacks.

Exit codes: 0 decided (or valid), 1 invalid case or catalog (a message names the place),
2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import stat
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
    check.add_argument("--format", choices=["text", "markdown", "json", "document"], default=None,
                       help="output format (default text; --json is --format json; document: "
                            "the wording of a 行政处罚决定审批表 draft, ready to paste)")

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

    new = sub.add_parser("new", help="write a case file to fill in for an item (Chinese comments)")
    new.add_argument("id", metavar="ITEM", help="the item's id (find it with `discretion search`)")
    with_catalog(new)
    new.add_argument("--out", metavar="FILE", help="write here (default stdout); never overwrites")

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
    flushing = False  # True once the command is done: an error then is standard output's
    try:
        handler = getattr(args, "handler", None) or {"check": cmd_check, "validate": cmd_validate, "list": cmd_list,
                   "show": cmd_show, "search": cmd_search, "new": cmd_new, "schema": cmd_schema, "test": cmd_test,
                                                      "coverage": cmd_coverage}[args.command]
        code: int = handler(args)
        flushing = True
        sys.stdout.flush()  # a full disk behind standard output is reported here, not at exit
        return code
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
        _stdout_flushed()  # the reader left: drop what is still buffered, quietly
        return EXIT_OK
    except OSError as exc:  # a full disk, a missing folder, no permission: the user's to fix
        print(_os_error_message(exc, args, stdout=flushing), file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # last resort: no traceback reaches a user
        print(f"discretion: internal error: {type(exc).__name__}: {exc}\n"
              "    this is a bug in discretion; please report it with the input that caused it",
              file=sys.stderr)
        return EXIT_INVALID


# What main() says of an operating-system error, by errno: (fix, the Chinese line's reason and fix)
_OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("free space on that disk, or write to another one",
                   "磁盘空间不足，请清理磁盘空间或者写到其他位置"),
    errno.EDQUOT: ("free space within your quota, or write to another disk",
                   "超出磁盘配额，请清理空间或者写到其他位置"),
    errno.ENOENT: ("create the folder first, or correct the path",
                   "文件或者文件夹不存在，请先创建文件夹或者更正路径"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder: correct the path",
                    "路径中有一部分是文件而不是文件夹，请更正路径"),
    errno.EISDIR: ("the path is a folder: give a file name in it",
                   "该路径是文件夹，请指定文件名"),
    errno.EACCES: ("choose a path you may read or write, or ask for the permission",
                   "没有读写权限，请换一个位置或者申请权限"),
    errno.EPERM: ("choose a path you may read or write, or ask for the permission",
                  "操作不被允许，请换一个位置或者申请权限"),
    errno.EROFS: ("the disk is read-only: write to another one",
                  "该磁盘为只读，请写到其他位置"),
    errno.EEXIST: ("choose another name, or remove the existing file",
                   "文件已存在，请换一个文件名或者删除原文件"),
    errno.ENAMETOOLONG: ("use a shorter file name", "文件名过长，请使用较短的文件名"),
    errno.EMFILE: ("close other programs, or raise the open-file limit",
                   "打开的文件过多，请关闭其他程序后重试"),
    errno.EIO: ("check the disk or network drive, then run again",
                "磁盘或者网络驱动器读写出错，请检查后重试"),
}
_OUTPUT_OPTIONS = ("out", "summary", "chart", "records")


def _os_error_message(exc: OSError, args: argparse.Namespace, *, stdout: bool) -> str:
    """The user error for an :class:`OSError` escaping a command: the path it concerns (the
    error's own; else standard output when ``stdout`` (the error came from flushing it), when
    it cannot be flushed or when the command has no output option; else the output options,
    and standard output too when it goes to a file), the reason, the fix, and a Chinese line."""
    if exc.filename is not None:
        where = str(exc.filename) + (f" -> {exc.filename2}" if exc.filename2 is not None else "")
        where_zh = where
    else:  # a failed write or close carries no path: name what the command writes
        outputs = [str(v) for v in (getattr(args, k, None) for k in _OUTPUT_OPTIONS)
                   if isinstance(v, str | Path) and str(v) != "-"]
        if not _stdout_flushed() or stdout or not outputs:
            outputs = ["standard output"]
        elif _stdout_is_a_file():  # it could be what failed as well
            outputs.append("standard output")
        where = " or ".join(outputs)
        where_zh = where.replace(" or ", " 或 ").replace("standard output", "标准输出")
    code = errno.errorcode.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc) or type(exc).__name__
    fix, chinese = _OS_ERRORS.get(exc.errno or 0, (
        "check the path and the disk, then run again", "操作系统报告读写错误，请检查路径和磁盘后重试"))
    return (f"discretion: {where}: {reason}" + (f" [{code}]" if code else "")
            + f"\n    fix: {fix}\n    {where_zh}：{chinese}")


def _stdout_is_a_file() -> bool:
    """Whether standard output goes to a file or a device (which a full disk can refuse), not a
    terminal or a pipe."""
    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
        return (stat.S_ISREG(mode) or stat.S_ISCHR(mode)) and not sys.stdout.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _stdout_flushed() -> bool:
    """Flush standard output; if it cannot be written (a full disk, a closed pipe), point it at
    the null device, so that the interpreter's last flush at exit neither fails nor prints a
    traceback, and say so."""
    try:
        sys.stdout.flush()
        return True
    except (OSError, ValueError):
        pass
    real = sys.__stdout__
    if real is not None and sys.stdout is real:  # the process's own (not a test's capture)
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, real.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
    return False


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
        from discretion.yamlpos import read_file_bytes

        path = Path(source)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"case file not found: {source}（找不到案件文件）")
        try:  # a regular file of bounded size: never a device or a pipe, never read without end
            data = read_file_bytes(path, MAX_CASE_BYTES, source)
        except YamlError as exc:
            raise DiscretionError(exc.problems, "case") from None
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
    elif fmt == "document":
        from discretion.render.document import decision_document

        print("\n".join(decision_document(d, engine.catalog) for d in decisions), end="")
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


def cmd_new(args: argparse.Namespace) -> int:
    """A case template for one item: every field with what its values mean, in Chinese."""
    from discretion.render.template import case_template

    catalog = _catalog(args.catalog)
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
    from discretion.search import search_hits

    catalog = _catalog(args.catalog)
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
    from discretion.batch import OutputRefused, open_output, run_batch
    from discretion.engine.engine import Engine
    from discretion.inputs import scanned_input
    from discretion.parallel import jobs_for

    check_input_path(args.batch, "batch")
    check_input_content(args.batch, args.encoding)
    on = getattr(args, "on", None)
    engine = Engine(_catalog(args.catalog), today=on)
    collector.freeze_loaded()
    made_from = {"catalog_sha256": engine.catalog.sha256,
                 "on": on.isoformat() if on is not None else None, "encoding": args.encoding}
    try:
        output = open_output(args.out, resume=args.resume, source=args.batch,
                             made_from=made_from)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    progress = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    try:
        with scanned_input(args.batch, args.encoding) as records:
            stats = run_batch(engine, records, output.sink, skip=output.skip,
                              last_line=output.last_line, expect=output.expect,
                              begin=output.begin, flushed=output.flushed, progress=progress,
                              jobs=jobs_for(args.jobs))
        output.finish()
    except OutputRefused as exc:  # --resume: the input's records disagree with the output
        raise UsageError(f"cannot resume {args.out}: {exc}; nothing was written: resume with "
                         f"the input the output was made from, or write a new --out") from None
    finally:
        output.close()
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
