"""A wheel built from a clean checkout carries the bundled catalog.

Installed in a fresh virtual environment, its ``discretion check`` decides a case from another
folder, with the decision the checkout gives (the same catalog, byte for byte: the decision
names the catalog's sha256), and ``discretion validate`` reads the catalog the wheel carries.

The wheel is built with pip from a ``git clone`` of this repository, with the working tree's
changes laid over it (none in CI, which runs on a fresh clone): only files git would commit
reach the build, never an ignored leftover (``build/``, ``*.egg-info``, caches) that could carry
the catalog by chance. The clone is removed before the wheel is installed.

The fresh environment has no system site-packages. Its dependencies are not downloaded: a
``.pth`` file points it at the site-packages of the environment running the tests, where they
are installed. Python adds those folders after the environment's own, and does not run the
``.pth`` files inside them, so the editable install of the checkout found there does not reach
the new environment: ``discretion`` is imported from the wheel (the test checks it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "overdue-fine.yaml"
BUNDLED = ROOT / "catalogs" / "lishui-2022"

pytestmark = pytest.mark.slow  # builds and installs a wheel: tens of seconds; CI runs it


def run(command: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                          check=False, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, (f"{' '.join(map(str, command))} exited {done.returncode}\n"
                                  f"{done.stdout}\n{done.stderr}")
    return done


def clean_checkout(target: Path) -> Path:
    """A clone of the repository with the working tree's tracked and new (not ignored) files
    laid over it, and the files deleted from the working tree deleted from it."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of the project")
    run(["git", "clone", "--quiet", "--no-hardlinks", ROOT, target])
    listed = run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                  "--exclude-standard"]).stdout
    for name in filter(None, listed.split("\0")):
        source, copy = ROOT / name, target / name
        if source.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
        elif not source.exists() and copy.is_file():
            copy.unlink()
    return target


def build_wheel(checkout: Path, dist: Path) -> Path:
    command: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                                 "--wheel-dir", dist]
    if _can_build_here():  # else pip builds in an isolated environment, as `pip install` does
        command.append("--no-build-isolation")
    env = {k: v for k, v in os.environ.items() if k != "DISCRETION_MYPYC"}  # the plain wheel
    run([*command, checkout], env=env)
    (wheel,) = dist.glob("discretion-*.whl")
    return wheel


def _can_build_here() -> bool:
    """Whether this environment has what [build-system].requires asks for."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        setuptools = tuple(int(part) for part in version("setuptools").split(".")[:2])
        version("wheel")
    except (PackageNotFoundError, ValueError):
        return False
    return setuptools >= (68, 0)


def fresh_environment(folder: Path, wheel: Path) -> Path:
    """A virtual environment with the wheel installed, its dependencies taken from this one;
    returns its bin (Scripts) folder."""
    run([sys.executable, "-m", "venv", folder])
    scripts = folder / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                .stdout.strip())
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "discretion-test-dependencies.pth").write_text("\n".join(ours) + "\n",
                                                           encoding="utf-8")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel])
    return scripts


def test_an_installed_wheel_decides_a_case_from_another_folder(tmp_path: Path) -> None:
    checkout = clean_checkout(tmp_path / "checkout")
    wheel = build_wheel(checkout, tmp_path / "dist")
    shutil.rmtree(checkout)  # the installed package can read nothing of it
    scripts = fresh_environment(tmp_path / "venv", wheel)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(EXAMPLE, elsewhere / "case.yaml")
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISCRETION_CATALOG", "PYTHONPATH", "VIRTUAL_ENV")}
    env["DISCRETION_CACHE_DIR"] = str(tmp_path / "cache")

    where = run([scripts / "python", "-c", "import discretion; print(discretion.__file__)"],
                cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where

    decided = run([scripts / "discretion", "check", "case.yaml", "--json"], cwd=elsewhere,
                  env=env)
    reference = run([sys.executable, "-m", "discretion", "check", EXAMPLE, "--json",
                     "--catalog", BUNDLED], env=env)
    assert json.loads(decided.stdout)["outcome"] == "penalized"
    assert decided.stdout == reference.stdout  # the same catalog (sha256) and decision

    valid = json.loads(run([scripts / "discretion", "validate", "--json"], cwd=elsewhere,
                           env=env).stdout)
    packaged = Path(valid["catalog"])
    assert valid["ok"] is True
    assert packaged.is_relative_to(tmp_path / "venv"), packaged
    assert packaged.parts[-4:] == ("discretion", "data", "catalogs", "lishui-2022")
