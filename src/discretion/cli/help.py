"""The help of the ``discretion`` command: examples and exit codes for the command and each
subcommand, and the formatter that keeps them as written."""

from __future__ import annotations

import argparse

from discretion.cli.common import CATALOG_HELP

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
  discretion check --batch /shared/cases.jsonl --out decisions.jsonl --dask local:2
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
  discretion audit decided.jsonl --records records.jsonl --resume --jobs 0
  discretion audit /shared/decided.csv --out deviations.csv --dask tcp://scheduler:8786""",
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


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, but text already laid out in lines (examples, exit codes) is kept as it is;
    a one-line description is still wrapped to the terminal."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def describe(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
