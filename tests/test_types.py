"""The package stays `mypy` clean (skipped where mypy is not installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mypy")
    from mypy import api

    # From the root, so that mypy reads [tool.mypy] in pyproject.toml.
    monkeypatch.chdir(ROOT)
    stdout, stderr, status = api.run(["src"])
    assert status == 0, stdout + stderr
