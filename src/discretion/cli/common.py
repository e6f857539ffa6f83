"""What every command shares: exit codes, usage errors, reading a case document or a catalog,
argument types, and the user error an operating-system error becomes (no traceback)."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from discretion.catalog.catalog import Catalog
from discretion.catalog.yamlpos import YamlError, load_yaml
from discretion.errors import DiscretionError, Problem

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2  # the exit codes of every command (cli/help.py says them)


MAX_CASE_BYTES = 16 * 1024 * 1024


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


CATALOG_HELP = "catalog folder (default: $DISCRETION_CATALOG, else the bundled lishui-2022)"


def with_catalog(parser: argparse.ArgumentParser) -> None:
    """``--catalog DIR`` on a command that reads a catalog."""
    parser.add_argument("--catalog", metavar="DIR", help=CATALOG_HELP)


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


def os_error_message(exc: OSError, args: argparse.Namespace, *, stdout: bool) -> str:
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
        if not stdout_flushed() or stdout or not outputs:
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


def stdout_flushed() -> bool:
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


def load_catalog(path: str | None) -> Catalog:
    """The catalog a command reads: ``path``, else $DISCRETION_CATALOG, else the bundled one."""
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


def dask_argument(text: str) -> str:
    """``--dask``: a Dask scheduler's address, or ``local:N``."""
    from discretion.runs.dask import check_scheduler

    try:
        return check_scheduler(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def refuse_with_dask(args: argparse.Namespace, source: str) -> None:
    """The usage errors of ``--dask`` with what it cannot do: a usage error names the option."""
    from discretion.runs.dask import check_dask_input

    if args.jobs != 1:
        raise UsageError("--jobs and --dask do not go together: --dask runs on the cluster's "
                         "workers (local:N for N processes on this machine)")
    if args.resume:
        raise UsageError("--resume does not go with --dask: a Dask run is retried block by "
                         "block by the cluster; run again without --resume")
    try:
        check_dask_input(source)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))
