"""The compiled engine modules: the stale-build guard, and the same decisions compiled or not."""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from discretion import compiled

ROOT = Path(__file__).resolve().parents[1]

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def fake_package(tmp_path: Path, built: dict[str, bytes]) -> Path:
    """A package folder with every listed source, and an 'extension' beside those in built."""
    for relative in compiled.MODULES:
        source = tmp_path / relative
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"# {relative}\n", encoding="utf-8")
        if relative in built:
            source.with_name(source.stem + SUFFIX).write_bytes(built[relative])
    return tmp_path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_listed_module_exists_as_source() -> None:
    for relative in compiled.MODULES:
        assert (compiled.PACKAGE / relative).is_file(), relative
        assert compiled.module_name(relative).startswith("discretion.")


def test_module_name() -> None:
    assert compiled.module_name("engine/engine.py") == "discretion.engine.engine"
    assert compiled.module_name("money.py") == "discretion.money"


def test_no_extension_is_never_stale(tmp_path: Path) -> None:
    package = fake_package(tmp_path, {})
    assert compiled.stale(package, sources={}) == []


def test_extension_built_from_this_source_is_not_stale(tmp_path: Path) -> None:
    package = fake_package(tmp_path, {"law/apl.py": b"\x7fELF"})
    recorded = {"law/apl.py": digest(package / "law/apl.py")}
    assert compiled.extension_of("law/apl.py", package) is not None
    assert compiled.stale(package, sources=recorded) == []


def test_extension_of_an_edited_source_is_stale(tmp_path: Path) -> None:
    package = fake_package(tmp_path, {"law/apl.py": b"\x7fELF", "money.py": b"\x7fELF"})
    recorded = {name: digest(package / name) for name in ("law/apl.py", "money.py")}
    (package / "money.py").write_text("# edited after the build\n", encoding="utf-8")
    assert compiled.stale(package, sources=recorded) == ["money.py"]


def test_extension_the_build_did_not_record_is_stale(tmp_path: Path) -> None:
    # A pure build after a compiled one records nothing: extensions left behind are old code.
    package = fake_package(tmp_path, {"engine/engine.py": b"\x7fELF"})
    assert compiled.stale(package, sources={}) == ["engine/engine.py"]


def test_extension_whose_source_is_gone_is_stale(tmp_path: Path) -> None:
    package = fake_package(tmp_path, {"blocks.py": b"\x7fELF"})
    recorded = {"blocks.py": digest(package / "blocks.py")}
    (package / "blocks.py").unlink()
    assert compiled.stale(package, sources=recorded) == ["blocks.py"]


def test_source_finder_serves_only_the_listed_modules(tmp_path: Path) -> None:
    package = fake_package(tmp_path, {})
    finder = compiled.SourceFinder(package)
    spec = finder.find_spec("discretion.law.apl", None)
    assert spec is not None and spec.origin == str(package / "law/apl.py")
    assert finder.find_spec("discretion.cli", None) is None
    assert finder.find_spec("json", None) is None


def run(code: str, pure: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop(compiled.PURE_ENV, None)
    if pure:
        env[compiled.PURE_ENV] = "1"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)


def test_pure_python_requested_imports_every_listed_module_from_source() -> None:
    code = ("import sys, discretion, discretion.engine\n"
            "from discretion import compiled\n"
            "names = [compiled.module_name(m) for m in compiled.MODULES]\n"
            "for name in names: __import__(name)\n"
            "print(all(sys.modules[n].__file__.endswith('.py') for n in names),"
            " compiled.running_compiled())\n")
    result = run(code, pure=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
    assert "RuntimeWarning" not in result.stderr


needs_build = pytest.mark.skipif(
    not all(compiled.extension_of(m) for m in compiled.MODULES),
    reason="the package was installed without compiling (DISCRETION_PURE_PYTHON)")


@needs_build
def test_the_installed_build_runs_compiled() -> None:
    assert compiled.stale() == []
    # DISCRETION_PURE_PYTHON=1 python -m pytest runs the whole suite on the sources
    assert compiled.running_compiled() is not compiled.pure_requested()


DECIDE = """
import datetime as dt, json, sys
sys.path.insert(0, ".")
from bench.__main__ import generate_cases
from discretion import Engine, compiled
from discretion.errors import DiscretionError
engine = Engine(today=dt.date(2023, 1, 1))
cases = generate_cases(engine, 3000, seed=5)
for number, case in enumerate(cases[:600]):  # minors, no capacity, missing facts, expiry
    case = dict(case, party=dict(case["party"]))
    if number % 4 == 0 and case["party"]["kind"] == "individual":
        case["party"]["age"] = 13 + number % 5
    if number % 5 == 0:
        case["party"]["capacity"] = ["partial", "none"][number % 2]
    if number % 3 == 0:
        case["facts"] = {}
        case.pop("harm")
    if number % 7 == 0:
        case["occurred_on"] = "2019-01-02"
        case["decided_on"] = "2022-06-01"
    cases[number] = case
out = [compiled.running_compiled()]
for case in cases:
    try:
        out.append(engine.evaluate(case).to_json(indent=None))
    except DiscretionError as error:
        out.append("error: " + str(error))
out.append([d.to_json(indent=None) for d in engine.evaluate_many(cases[600:1600])])
print(json.dumps(out))
"""


@needs_build
def test_compiled_and_source_modules_decide_identically() -> None:
    runs = {}
    for pure in (False, True):
        result = run(DECIDE, pure=pure)
        assert result.returncode == 0, result.stderr
        runs[pure] = json.loads(result.stdout)
    assert runs[False][0] is True and runs[True][0] is False
    assert runs[False][1:] == runs[True][1:]
    assert len(runs[False]) == 3002
