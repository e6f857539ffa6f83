"""The integrator's command line: the decision's Chinese text in the JSON, `check --batch -`
answering each line as it is read, `validate --json`, `--catalog DIR` on every command that
reads a catalog, examples and exit codes in `--help`, and shell completion."""

from __future__ import annotations

import json
import os
import re
import selectors
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest
import yaml

from discretion import Catalog, Engine
from discretion.cli import COMMAND_MODULES, build_parser, main
from discretion.cli.help import EXAMPLES, MAIN_EPILOG

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "overdue-fine.yaml"
MISSING_FACT = ROOT / "examples" / "missing-fact.yaml"
BUNDLED = ROOT / "catalogs" / "lishui-2022"
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"
# The commands that read a catalog: each takes it as --catalog DIR.
READ_A_CATALOG = ("check", "validate", "list", "show", "search", "test", "coverage", "new",
                  "verify", "export", "audit")
ANSWER_WAIT = 300  # seconds before a test gives up waiting for an answer (a hang, not a speed)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def case_of(path: Path) -> dict[str, Any]:
    value = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


# --- the decision's text -------------------------------------------------------------------


def test_check_json_carries_the_text_check_prints(capsys: pytest.CaptureFixture[str]) -> None:
    code, printed, _ = run(capsys, "check", str(EXAMPLE))
    assert code == 0
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data)[-1] == "text"
    assert data["text"] == printed.removesuffix("\n")
    assert data["text"].startswith("处理结果：给予行政处罚") and "说理" in data["text"]
    # the rest is the decision contract, unchanged
    decision = Engine(Catalog.load()).evaluate(case_of(EXAMPLE))
    assert {k: v for k, v in data.items() if k != "text"} == json.loads(decision.to_json())


def test_check_json_of_a_list_gives_each_decision_its_text(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    both = tmp_path / "both.yaml"
    both.write_text(yaml.safe_dump([case_of(EXAMPLE), case_of(MISSING_FACT)],
                                   allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(both), "--format", "json")
    assert code == 0
    first, second = json.loads(out)
    assert first["text"].startswith("处理结果：给予行政处罚")
    assert "尚需查明" in second["text"] and second["outcome"] is None


def test_the_library_gives_the_text_when_asked() -> None:
    decision = Engine(Catalog.load()).evaluate(case_of(EXAMPLE))
    plain = decision.to_json()
    assert "text" not in json.loads(plain) and "text" not in decision.to_dict()
    assert decision.to_dict(text=True) == {**decision.to_dict(), "text": decision.text}
    with_text = decision.to_json(text=True)
    assert with_text.startswith(plain.removesuffix("\n}"))  # the same bytes, then "text"
    assert json.loads(with_text) == decision.to_dict(text=True)
    compact = decision.to_json(indent=None, text=True)
    assert compact.startswith(decision.to_json(indent=None)[:-1] + ',"text":')


def test_batch_lines_stay_the_contract_without_text(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(case_of(EXAMPLE), ensure_ascii=False, default=str) + "\n",
                     encoding="utf-8")
    code, out, _ = run(capsys, "check", "--batch", str(cases))
    assert code == 0
    assert "text" not in json.loads(out)["decision"]


# --- check --batch - answers each line as it is read -----------------------------------


def read_line(stream: IO[bytes], what: str) -> bytes:
    """One line from a pipe, waiting at most ANSWER_WAIT seconds for it."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    data = b""
    try:
        while not data.endswith(b"\n"):
            if not selector.select(ANSWER_WAIT):
                pytest.fail(f"no answer to {what} while the input stays open: "
                            f"`check --batch -` waits for the end of its input")
            chunk = os.read(stream.fileno(), 1 << 16)
            if not chunk:
                pytest.fail(f"the output ended before the answer to {what}")
            data += chunk
    finally:
        selector.close()
    assert data.count(b"\n") == 1, data  # one answer, for the one line written
    return data


def test_batch_from_stdin_answers_each_line_before_the_next_is_written(tmp_path: Path) -> None:
    env = {**os.environ, "DISCRETION_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("DISCRETION_CATALOG", None)
    lines = [json.dumps(case_of(path), ensure_ascii=False, default=str).encode("utf-8") + b"\n"
             for path in (EXAMPLE, MISSING_FACT)]
    process = subprocess.Popen([sys.executable, "-m", "discretion", "check", "--batch", "-"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, bufsize=0)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(lines[0])  # and the input stays open
        first = json.loads(read_line(process.stdout, "the first line"))
        assert first["line"] == 1 and first["decision"]["outcome"] == "penalized"
        process.stdin.write(lines[1])
        second = json.loads(read_line(process.stdout, "the second line"))
        assert second["line"] == 2 and second["decision"]["needs_facts"] is not None
        process.stdin.close()
        assert process.stdout.read() == b""
        assert process.wait(ANSWER_WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None
    assert b"2 records: 2 decided, 0 errors" in process.stderr.read()


# --- validate --json -------------------------------------------------------------------------


def test_validate_json_for_a_valid_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "--catalog", str(BUNDLED), "--json")
    assert code == 0, err
    result = json.loads(out)
    catalog = Catalog.load(BUNDLED)
    assert result["ok"] is True and result["problems"] == []
    assert result["catalog"] == str(BUNDLED)
    assert result["sha256"] == catalog.sha256
    assert result["benchmarks"] == len(catalog.benchmarks) and result["fields"] == len(catalog.fields)
    assert sum(result["lists"].values()) == len(catalog.lists)
    assert (result["jurisdiction"], result["official"]) == ("丽水市", False)


def test_validate_json_lists_every_problem_with_its_place(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken)
    manifest = broken / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "jurisdicton: typo\n",
                        encoding="utf-8")
    code, out, err = run(capsys, "validate", "--catalog", str(broken), "--json")
    assert code == 1
    result = json.loads(out)
    assert result["ok"] is False and result["catalog"] == str(broken)
    (problem,) = [p for p in result["problems"] if "jurisdicton" in p["message"]]
    assert problem["file"] == str(manifest) and problem["line"] >= 1 and "column" in problem
    assert "jurisdicton" in err and "Traceback" not in err  # the person's message, as before


# --- --catalog DIR on every command ------------------------------------------------------------


def test_every_command_that_reads_a_catalog_takes_catalog_dir() -> None:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    assert isinstance(commands.choices, dict)
    for name in READ_A_CATALOG:
        assert "--catalog" in commands.choices[name]._option_string_actions, name


@pytest.mark.parametrize("command", [["validate"], ["coverage"], ["verify", "--laws", "{laws}"],
                                     ["export", "--format", "csv", "--out", "{out}"]])
def test_catalog_dir_is_what_the_command_reads(command: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"  # not a catalog: the error names it
    empty.mkdir()
    (tmp_path / "laws").mkdir()
    args = [part.format(laws=tmp_path / "laws", out=tmp_path / "out.csv") for part in command]
    code, _, err = run(capsys, *args, "--catalog", str(empty))
    assert code == 1 and str(empty / "manifest.yaml") in err and "Traceback" not in err


def test_catalog_dir_and_the_argument_must_agree(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate", str(MINI), "--catalog", str(MINI))
    assert code == 0 and str(MINI) in out
    code, _, err = run(capsys, "validate", str(tmp_path), "--catalog", str(MINI))
    assert code == 2 and "given twice" in err and "目录" in err
    code, out, _ = run(capsys, "coverage", "--catalog", str(MINI))
    assert code == 0 and "SRHJ" in out


# --- --help: examples and exit codes -----------------------------------------------------------


def test_the_registry_names_each_module_s_commands() -> None:
    # main() builds only the module of the command given (a quicker cold start): the registry
    # must name every command each module adds, in order, and the partial parser must read that
    # command exactly as the whole one does
    whole = build_parser()
    (commands,) = [a for a in whole._actions if a.dest == "command"]
    assert isinstance(commands.choices, dict)
    assert list(commands.choices) == [n for names in COMMAND_MODULES.values() for n in names]
    for name, full in commands.choices.items():
        (partial,) = [a for a in build_parser(name)._actions if a.dest == "command"]
        assert isinstance(partial.choices, dict)
        module = next(m for m, names in COMMAND_MODULES.items() if name in names)
        assert list(partial.choices) == list(COMMAND_MODULES[module]), name
        alone = partial.choices[name]
        assert alone.format_help() == full.format_help(), name
        assert sorted(alone._option_string_actions) == sorted(full._option_string_actions), name


def test_help_shows_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "examples:" in out and "exit codes:" in out
    assert "discretion check --batch" in out and "  2  usage" in out
    (commands,) = [a for a in build_parser()._actions if a.dest == "command"]
    assert isinstance(commands.choices, dict)
    for name in commands.choices:
        assert name in EXAMPLES, f"add the examples of `{name}` to discretion.cli.help.EXAMPLES"
        code, out, _ = run(capsys, name, "--help")
        assert code == 0, name
        assert "examples:" in out and f"discretion {name}" in out, name
        assert "exit codes:" in out and "  0  done" in out and "  1  invalid" in out, name
    code, out, _ = run(capsys, "search", "--help")
    assert "also when no item matches" in out


def example_commands() -> list[list[str]]:
    """The `discretion …` command of every example line of --help, the command's and each
    subcommand's (what is said around it, pipes and redirections left out)."""
    main_examples = MAIN_EPILOG.split("examples:\n")[1].split("\n\n")[0]
    found = []
    for examples in [main_examples, *(examples for examples, _ in EXAMPLES.values())]:
        for line in examples.splitlines():
            text = line[line.index("discretion "):]
            text = re.split(r"\s{2,}|\s#", text)[0]
            for end in ('"', ")", "|", "<", ">"):
                text = text.split(end)[0]
            found.append(shlex.split(text)[1:])
    return found


@pytest.mark.parametrize("argv", example_commands(), ids=" ".join)
def test_every_example_in_help_is_a_valid_command(argv: list[str]) -> None:
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse's usage error
        pytest.fail(f"`discretion {' '.join(argv)}` is not a valid command (exit {exc.code})")


# --- shell completion ----------------------------------------------------------------------------


BASH_COMPLETE = r"""
source "$1"
complete_words() {
  COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _shtab_discretion discretion "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
  printf '%s\n' "${COMPREPLY[@]}"; echo '--'
}
complete_words discretion ch
complete_words discretion check --for
complete_words discretion check --format ""
complete_words discretion completion ""
complete_words discretion validate --catalog "$2/cat"
complete_words discretion check "$2/examples/overdue"
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_commands_options_choices_and_paths(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, script, _ = run(capsys, "completion", "bash")
    assert code == 0
    path = tmp_path / "discretion.bash"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(["bash", "-c", BASH_COMPLETE, "bash", str(path), str(ROOT)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    answers = [block.split() for block in done.stdout.split("--\n")][:6]
    assert answers == [["check"], ["--format"], ["text", "markdown", "json", "document"],
                       ["bash", "zsh", "tcsh"], [f"{ROOT}/catalogs"],
                       [f"{ROOT}/examples/overdue-fine.yaml"]]


def test_zsh_and_tcsh_scripts_know_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, zsh, _ = run(capsys, "completion", "zsh")
    assert code == 0 and zsh.startswith("#compdef discretion")
    code, tcsh, _ = run(capsys, "completion", "tcsh")
    assert code == 0 and "complete discretion" in tcsh
    (commands,) = [a for a in build_parser()._actions if a.dest == "command"]
    assert isinstance(commands.choices, dict)
    for name in commands.choices:
        assert name in zsh and name in tcsh
    if shutil.which("zsh"):
        assert subprocess.run(["zsh", "-n"], input=zsh, text=True, check=False).returncode == 0


def test_completion_for_an_unknown_shell_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "completion", "cmd.exe")
    assert code == 2 and out == "" and "invalid choice" in err
