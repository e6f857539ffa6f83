"""The ``discretion`` command: parse arguments, call the library, print; no tracebacks.

One registry of subcommands (:data:`COMMAND_MODULES`: each module and the subcommands it
adds): each module defines ``add_commands(subparsers)`` and gives every subcommand its handler
with ``parser.set_defaults(handler=function)``; :func:`main` builds only the parser of the
module whose command is given (the whole parser for ``--help``, no command or an unknown
one); a handler takes the parsed arguments and returns the exit code (cli/common.py: 0 done, 1
invalid input or catalog, 2 usage), and may raise :class:`UsageError` or a
:class:`~discretion.errors.DiscretionError`, which :func:`main` prints (file:line:column or
field path, expected, fix, a Chinese line). ``--help`` shows examples and
exit codes for the command and each subcommand (cli/help.py). ``discretion completion
bash|zsh|tcsh`` prints a completion script made from this parser by shtab.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from discretion import __version__
from discretion.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    os_error_message,
    stdout_flushed,
)
from discretion.cli.help import MAIN_EPILOG, HelpFormatter, describe
from discretion.errors import DiscretionError

# The modules that add subcommands, in the order `discretion --help` lists them, each with the
# subcommands it adds (tests/test_integrator.py checks the names against the modules).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "discretion.cli.check": ("check",),
    "discretion.cli.catalog": ("validate", "list", "show", "search", "test", "coverage", "new",
                               "schema", "completion"),
    "discretion.cli.statutes": ("extract", "verify"),
    "discretion.cli.tables": ("export", "import"),
    "discretion.cli.audit": ("audit",),
    "discretion.cli.serve": ("serve",),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command's parser; with ``command`` (a subcommand's name), one with only the
    subcommands of that command's module: the same parser for that command's arguments, built
    in a fraction of the time (argparse builds every subcommand's options; a cold ``discretion
    check`` need not pay for the other fifteen)."""
    parser = argparse.ArgumentParser(
        prog="discretion",
        description="行政处罚裁量：decide whether a violation goes unpunished (不予处罚) and which\n"
                    "penalty the discretion benchmark (裁量基准) recommends, traced to statute.",
        epilog=MAIN_EPILOG, formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"discretion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    import importlib

    modules = [module for module, names in COMMAND_MODULES.items() if command in names]
    for module in modules or COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    describe(sub)
    return parser


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
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words else None)
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    flushing = False  # True once the command is done: an error then is standard output's
    try:
        _catalog_option(args)
        handler = args.handler
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
        stdout_flushed()  # the reader left: drop what is still buffered, quietly
        return EXIT_OK
    except OSError as exc:  # a full disk, a missing folder, no permission: the user's to fix
        print(os_error_message(exc, args, stdout=flushing), file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # last resort: no traceback reaches a user
        print(f"discretion: internal error: {type(exc).__name__}: {exc}\n"
              "    this is a bug in discretion; please report it with the input that caused it",
              file=sys.stderr)
        return EXIT_INVALID


__all__ = ["COMMAND_MODULES", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]
