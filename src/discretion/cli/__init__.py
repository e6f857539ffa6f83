"""The ``discretion`` command: parse arguments, call the library, print; no tracebacks.

Exit codes: 0 decided (or valid), 1 invalid case or catalog (a message names the place),
2 usage error. ``--help`` shows them, with examples, for the command and for each subcommand
(:data:`EXAMPLES`). A command that reads a catalog takes it as ``--catalog DIR``
(:data:`CATALOG_ARGUMENTS` for the commands that also take it as an argument).
``discretion completion bash|zsh|tcsh`` prints a completion script made from this parser by
shtab.
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

from discretion import __version__
from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, ListKind
from discretion.catalog.yamlpos import YamlError, load_yaml
from discretion.engine import collector
from discretion.errors import DiscretionError, Problem
from discretion.io.textlines import ENCODINGS

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Modules that add their own subcommands: each defines ``add_commands(subparsers)`` and
# registers handlers with ``parser.set_defaults(handler=function)``; a handler takes the parsed
# arguments and returns the exit code (and may raise UsageError or DiscretionError).
COMMAND_MODULES: list[str] = ["discretion.cli.statutes", "discretion.cli.tables", "discretion.cli.audit",
                              "discretion.cli.serve"]
MAX_CASE_BYTES = 16 * 1024 * 1024
SHELLS = ("bash", "zsh", "tcsh")  # `discretion completion SHELL` (shtab writes each)

EXIT_CODES = """exit codes:
  0  done: decided, valid, found, written
  1  invalid input or catalog: the message names the file:line:column or the field path,
     what was expected and the fix, with a line in Chinese (输入或者目录有误); no traceback{also}
  2  usage: an unknown command or option, a missing or malformed argument (用法错误)"""

MAIN_EPILOG = """examples:
  discretion search 占道经营                        find an item by everyday words
  discretion new LS-SRHJ-0007 --out case.yaml       a case file to fill in (Chinese comments)
  discretion check case.yaml                        the decision, in Chinese
  discretion check case.yaml --json                 the decision contract, with its text
  discretion check --batch cases.jsonl --out decisions.jsonl
  discretion validate --catalog my-catalog --json   check a catalog folder
  eval "$(discretion completion bash)"              tab completion in this shell

A command that reads a catalog takes it as --catalog DIR (default: $DISCRETION_CATALOG, else
the bundled lishui-2022). `discretion COMMAND --help` shows each command's examples.

""" + EXIT_CODES.format(also="")

# Examples shown by `discretion COMMAND --help`, and what exit code 1 means there when it is
# more than an invalid input. A command left out shows the exit codes alone.
EXAMPLES: dict[str, tuple[str, str]] = {
    "check": ("""\
  discretion check examples/overdue-fine.yaml
  discretion check case.yaml --on 2023-09-01 --format document
  discretion check case.json --json         # the decision contract; "text": its Chinese wording
  discretion check - --json < case.json
  discretion check --batch cases.jsonl --out decisions.jsonl --jobs 0
  discretion check --batch cases.csv --encoding gb18030 > decisions.jsonl
  producer | discretion check --batch - | consumer   # each line answered as it is read""",
              "also, with --batch, when a record could not be decided (its line says why)"),
    "new": ("""\
  discretion new LS-SRHJ-0007 --out case.yaml
  discretion new LS-SRHJ-0007 --catalog my-catalog > case.yaml""",
            "also for an unknown item, or an --out file that exists (never overwritten)"),
    "search": ("""\
  discretion search 占道经营
  discretion search 乱扔 垃圾 --json
  discretion search 《浙江省城市市容和环境卫生管理条例》第三十二条第一款第二项""",
               "also when no item matches"),
    "validate": ("""\
  discretion validate
  discretion validate --catalog my-catalog
  discretion validate --catalog my-catalog --json   # {"ok": ..., "problems": [...]} on stdout""",
                 ""),
    "list": ("""\
  discretion list --field SRHJ
  discretion list --kind non_penalty --json""", ""),
    "show": ("""\
  discretion show LS-SRHJ-0001
  discretion show LS-SRHJ-0001 --json""", "also for an unknown item (the message suggests ids)"),
    "test": ("""\
  discretion test examples/worked
  discretion test my-cases/ --catalog my-catalog""", "also when a worked case fails"),
    "coverage": ("""\
  discretion coverage
  discretion coverage --catalog my-catalog --out coverage.md""", ""),
    "schema": ("""\
  discretion schema --out docs/schema""", ""),
    "completion": ("""\
  eval "$(discretion completion bash)"              # this shell; or, for every new one:
  discretion completion bash > ~/.local/share/bash-completion/completions/discretion
  discretion completion zsh > ~/.zfunc/_discretion  # with fpath+=(~/.zfunc) before compinit
  discretion completion tcsh > ~/.discretion.tcsh   # then: source ~/.discretion.tcsh""", ""),
    "audit": ("""\
  discretion audit decided.csv --out deviations.csv --summary summary.md --chart chart.png
  discretion audit decided.jsonl --records records.jsonl --resume --jobs 0""",
              "also when a record could not be audited"),
    "extract": ("""\
  discretion extract ../shared/laws/浙江地方性法规 --field SRHJ
  discretion extract LAW.md --field SRHJ --prefix LS --out drafts""", ""),
    "verify": ("""\
  discretion verify --laws ../shared/laws
  discretion verify --catalog my-catalog --laws ../shared/laws --strict""",
               "also when a citation or a range disagrees with the statute"),
    "export": ("""\
  discretion export --format xlsx --out lishui.xlsx
  discretion export --catalog my-catalog --format html --out site""", ""),
    "import": ("""\
  discretion import table.xlsx --out my-catalog
  discretion import table.csv --out my-catalog --manifest manifest.yaml --field SRHJ""", ""),
    "serve": ("""\
  discretion serve                                  # http://127.0.0.1:8000/
  discretion serve --host 0.0.0.0 --port 8080 --workers 4 --catalog my-catalog""",
              "also when the address cannot be listened on, or the serve extra is missing"),
}

# Commands that also take the catalog as an argument (validate [DIR], verify [CATALOG]...):
# the argument's destination; `--catalog DIR` is added to them and means the same.
CATALOG_ARGUMENTS: dict[str, str] = {"validate": "dir", "coverage": "dir", "verify": "catalog",
                                     "export": "catalog"}


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="discretion",
        description="行政处罚裁量：decide whether a violation goes unpunished (不予处罚) and which\n"
                    "penalty the discretion benchmark (裁量基准) recommends, traced to statute.",
        epilog=MAIN_EPILOG, formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"discretion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_catalog(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", metavar="DIR", help=CATALOG_HELP)

    check = sub.add_parser("check", help="decide a case (YAML or JSON file, or - for stdin)")
    check.add_argument("case", metavar="CASE", nargs="?",
                       help="case file (.yaml/.yml/.json) or - for stdin")
    check.add_argument("--batch", metavar="CASES",
                       help="decide many cases: JSON Lines, CSV (.csv) or an Excel workbook "
                            "(.xlsx, its first sheet), or - for stdin (JSON Lines, each line "
                            "answered as it is read); writes one JSON line per record")
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
    check.add_argument("--json", action="store_true",
                       help="print the decision contract as JSON, with its Chinese wording as "
                            "\"text\"")
    check.add_argument("--format", choices=["text", "markdown", "json", "document"], default=None,
                       help="output format (default text; --json is --format json; document: "
                            "the wording of a 行政处罚决定审批表 draft, ready to paste)")

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
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    _describe(sub)
    return parser


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, but text already laid out in lines (examples, exit codes) is kept as it is;
    a one-line description is still wrapped to the terminal."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


CATALOG_HELP = "catalog folder (default: $DISCRETION_CATALOG, else the bundled lishui-2022)"


def _describe(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Every subcommand's --help: its summary, its examples and its exit codes; and ``--catalog
    DIR`` on the commands that also take the catalog as an argument."""
    summaries = {action.dest: action.help for action in sub._choices_actions}
    for name, command in sub.choices.items():
        examples, also = EXAMPLES.get(name, ("", ""))
        command.formatter_class = HelpFormatter
        if command.description is None and summaries.get(name):
            command.description = summaries[name]
        codes = EXIT_CODES.format(also=f";\n     {also}" if also else "")
        command.epilog = (f"examples:\n{examples}\n\n" if examples else "") + codes
        dest = CATALOG_ARGUMENTS.get(name)
        if dest is not None and "--catalog" not in command._option_string_actions:
            command.add_argument("--catalog", metavar="DIR", dest="catalog_option",
                                 help=CATALOG_HELP)
            command.set_defaults(catalog_argument=dest)


def _catalog_option(args: argparse.Namespace) -> None:
    """``--catalog DIR`` of a command that also takes the catalog as an argument: the same."""
    dest = getattr(args, "catalog_argument", None)
    option = getattr(args, "catalog_option", None)
    if dest is None or option is None:
        return
    given = getattr(args, dest, None)
    if given is not None and Path(given) != Path(option):
        raise UsageError(f"the catalog is given twice ({given} and --catalog {option}): give it "
                         f"once, as --catalog DIR（目录只需指定一次）")
    setattr(args, dest, option)


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
        _catalog_option(args)
        handler = getattr(args, "handler", None) or {"check": cmd_check, "validate": cmd_validate, "list": cmd_list,
                   "show": cmd_show, "search": cmd_search, "new": cmd_new, "schema": cmd_schema, "test": cmd_test,
                                                      "coverage": cmd_coverage,
                                                      "completion": cmd_completion}[args.command]
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
    from (:func:`discretion.io.columns.check_header`)."""
    from discretion.io.columns import check_header
    from discretion.io.inputs import input_kind

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
        from discretion.catalog.yamlpos import read_file_bytes

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
        payload = [d.to_dict(text=True) for d in decisions]
        print(json.dumps(payload if isinstance(value, list) else payload[0], ensure_ascii=False,
                         indent=2))
    elif fmt == "document":
        from discretion.render.document import decision_document

        print("\n".join(decision_document(d, engine.catalog) for d in decisions), end="")
    else:
        print("\n\n".join(decision_text(d, markdown=fmt == "markdown") for d in decisions))
    return EXIT_OK


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
            _print_json({"catalog": str(root), "ok": False,
                         "problems": [p.as_dict() for p in exc.problems]})
        raise
    lists = {kind: sum(1 for e in catalog.lists.values() if e.kind is kind) for kind in ListKind}
    if args.json:
        manifest = catalog.manifest
        _print_json({"catalog": str(catalog.root), "ok": True, "problems": [],
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


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


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
    from discretion.catalog.search import search_hits

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
    results = run_worked(Engine(_catalog(args.catalog)), files)
    print(report(results))
    return EXIT_OK if all(r.passed for r in results) else EXIT_INVALID


def cmd_batch(args: argparse.Namespace) -> int:
    from discretion.engine.engine import Engine
    from discretion.io.inputs import scanned_input
    from discretion.runs.batch import OutputRefused, open_output, run_batch
    from discretion.runs.parallel import jobs_for

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
                              jobs=jobs_for(args.jobs), stream=args.batch == "-")
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
