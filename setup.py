"""Build hook: the package is pure Python; a wheel can be compiled with mypyc on request.

Everything else about the package is declared in pyproject.toml. A default build
(``pip install .``, ``pip install -e .``, ``pip wheel .``) compiles nothing, needs nothing but
setuptools and wheel, and writes nothing into src/.

``DISCRETION_MYPYC=1 pip wheel .`` builds a wheel whose per-case modules (``MODULES`` in
src/discretion/engine/compiled.py) are C extensions compiled by mypyc: they decide a case in about two
thirds of the time, with the same decisions (bench/README.md). The build then asks for mypy
(which brings mypyc; pinned, so a release is always compiled the same way) and pydantic (mypyc
type-checks the modules against the models) in its isolated environment. With
``--no-build-isolation`` they must be installed already (docs/development.md). Only wheels are
compiled: an editable install runs its sources.

Every build that is not editable also copies the bundled catalog, ``catalogs/lishui-2022`` at the
project's root (its one source, edited there), into the package as data:
``discretion/data/catalogs/lishui-2022`` (:class:`BuildPy`). An installed wheel reads that copy
through importlib.resources; an editable install reads the folder at the root
(``default_catalog_path`` in src/discretion/catalog/loader.py). MANIFEST.in puts the folder in an
sdist, so that a wheel built from the sdist carries it too.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
MYPYC_ENV = "DISCRETION_MYPYC"
# What a compiled build needs on top of [build-system].requires.
MYPYC_REQUIRES = ["mypy==2.4.1", "pydantic>=2.6,<3"]


# The bundled catalog: its source folder, and where the package carries it (package data).
CATALOG_NAME = "lishui-2022"
CATALOG_SOURCE = ROOT / "catalogs" / CATALOG_NAME
CATALOG_IN_PACKAGE = ("discretion", "data", "catalogs", CATALOG_NAME)


class BuildPy(build_py):
    """``build_py``, and the bundled catalog copied into the built package (not in editable
    mode: an editable install reads ``catalogs/`` where it is). Nothing is written into src/."""

    def run(self) -> None:
        super().run()
        for source, target in self.catalog_files():
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target), preserve_mode=False)

    def catalog_files(self) -> list[tuple[Path, Path]]:
        """(source, target in build_lib) of every file of the bundled catalog; none in editable
        mode."""
        if self.editable_mode:
            return []
        if not (CATALOG_SOURCE / "manifest.yaml").is_file():
            raise SystemExit(f"the bundled catalog is missing: {CATALOG_SOURCE} has no "
                             f"manifest.yaml; build from a checkout of the project, or from its "
                             f"sdist, which carries catalogs/{CATALOG_NAME}")
        target = Path(self.build_lib, *CATALOG_IN_PACKAGE)
        return [(path, target / path.relative_to(CATALOG_SOURCE))
                for path in sorted(CATALOG_SOURCE.rglob("*"))
                if path.is_file() and "__pycache__" not in path.parts]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *(str(t) for _, t in self.catalog_files())]

    def get_output_mapping(self) -> dict[str, str]:
        return {**super().get_output_mapping(),
                **{str(target): str(source) for source, target in self.catalog_files()}}


def mypyc_requested() -> bool:
    return os.environ.get(MYPYC_ENV, "").strip().lower() not in ("", "0", "no", "false")


def extensions() -> list:
    if not mypyc_requested():
        return []
    if any(command in sys.argv for command in ("editable_wheel", "develop")):
        raise SystemExit(f"{MYPYC_ENV}=1 compiles wheels only (`{MYPYC_ENV}=1 pip wheel .`): "
                         f"an editable install runs its sources; unset {MYPYC_ENV} to install it.")
    if "egg_info" in sys.argv:
        # The first call of an isolated build (get_requires_for_build_wheel runs `egg_info`)
        # asks what the build needs: setup_requires, below. pip installs it in the build
        # environment before the next calls.
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        raise SystemExit(f"{MYPYC_ENV}=1 needs mypy in the build environment: pip install "
                         + " ".join(repr(r) for r in MYPYC_REQUIRES)) from None
    if "dist_info" in sys.argv:  # the metadata, which is the same compiled or not
        return []
    modules: tuple[str, ...] = runpy.run_path(str(ROOT / "src" / "discretion" / "engine" / "compiled.py"))["MODULES"]
    # Relative paths: mypycify names the modules after them, and reads [tool.mypy].
    os.chdir(ROOT)
    return mypycify([f"src/discretion/{module}" for module in modules], opt_level="3")


if __name__ == "__main__":  # setuptools' build backend runs this file as __main__
    setup(ext_modules=extensions(),
          cmdclass={"build_py": BuildPy},
          setup_requires=MYPYC_REQUIRES if mypyc_requested() else [])
