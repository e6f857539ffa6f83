"""Pure Python by default; a wheel compiled with mypyc (DISCRETION_MYPYC=1) decides the same."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import discretion
from discretion.catalog.loader import DEFAULT_CATALOG_NAME
from discretion.engine import compiled

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src"
PACKAGE = Path(discretion.__file__).resolve().parent
EXTENSIONS = (".so", ".pyd")


def test_every_listed_module_exists_as_source() -> None:
    for relative in compiled.MODULES:
        assert (PACKAGE / relative).is_file(), relative
        assert (SOURCES / "discretion" / relative).is_file(), relative
        assert compiled.module_name(relative).startswith("discretion.")


def test_module_name() -> None:
    assert compiled.module_name("engine/engine.py") == "discretion.engine.engine"
    assert compiled.module_name("money.py") == "discretion.money"


def test_the_build_needs_only_setuptools_and_wheel() -> None:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    names = {requirement.split(">")[0].split("=")[0].strip() for requirement in build["requires"]}
    assert names == {"setuptools", "wheel"}


def test_a_default_build_compiles_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCRETION_MYPYC", raising=False)
    monkeypatch.setattr(sys, "argv", ["setup.py", "bdist_wheel"])
    setup = runpy.run_path(str(ROOT / "setup.py"))  # not as __main__: setup() is not called
    assert setup["extensions"]() == []
    monkeypatch.setenv("DISCRETION_MYPYC", "0")
    assert setup["extensions"]() == []


def test_an_editable_build_is_never_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCRETION_MYPYC", "1")
    monkeypatch.setattr(sys, "argv", ["setup.py", "editable_wheel", "--dist-dir", "x"])
    setup = runpy.run_path(str(ROOT / "setup.py"))
    with pytest.raises(SystemExit, match="compiles wheels only"):
        setup["extensions"]()


def run(code: str, sources: bool) -> subprocess.CompletedProcess[str]:
    """Run code with the installed package, or with the sources of this tree (src/ first)."""
    env = dict(os.environ)
    # A wheel does not hold the bundled catalog: both runs read this tree's.
    env.setdefault("DISCRETION_CATALOG", str(ROOT / "catalogs" / DEFAULT_CATALOG_NAME))
    if sources:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCES), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False)


def test_the_sources_run_pure_python() -> None:
    code = ("import sys, discretion\n"
            "from discretion.engine import compiled\n"
            "names = [compiled.module_name(m) for m in compiled.MODULES]\n"
            "for name in names: __import__(name)\n"
            "print(all(sys.modules[n].__file__.endswith('.py') for n in names),"
            " compiled.running_compiled())\n")
    result = run(code, sources=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
    assert "Warning" not in result.stderr  # no stale-build guard, nothing to warn about


@pytest.mark.skipif(not PACKAGE.is_relative_to(SOURCES),
                    reason="the package is installed from a wheel, not from this tree")
def test_the_default_install_is_pure_python() -> None:
    # `pip install -e .` (the Quick start, CI) runs the tree's sources: nothing compiled.
    built = [path for path in SOURCES.rglob("*") if path.suffix in EXTENSIONS]
    assert built == [], "compiled extensions in src/ (an old build): delete them"
    assert compiled.running_compiled() is False


DECIDE = """
import datetime as dt, json, sys
sys.path.insert(0, ".")
from bench.__main__ import generate_cases
from discretion import Engine
from discretion.engine import compiled
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


@pytest.mark.skipif(not compiled.running_compiled(),
                    reason="no compiled build installed (DISCRETION_MYPYC=1 pip wheel .)")
def test_compiled_and_source_modules_decide_identically() -> None:
    # The installed compiled wheel against this tree's sources (built from them).
    runs = {}
    for sources in (False, True):
        result = run(DECIDE, sources=sources)
        assert result.returncode == 0, result.stderr
        runs[sources] = json.loads(result.stdout)
    assert runs[False][0] is True and runs[True][0] is False
    assert runs[False][1:] == runs[True][1:]
    assert len(runs[False]) == 3002
