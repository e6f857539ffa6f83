"""The compiled-catalog cache: hits for unchanged content, rebuilds on any change or corruption."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from discretion import Catalog, CatalogError
from discretion.catalog import cache

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DISCRETION_CACHE_DIR", str(folder))
    monkeypatch.delenv("DISCRETION_NO_CACHE", raising=False)
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalog-*.pickle"))


def test_second_load_comes_from_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    first = Catalog.load(root)
    assert len(entries(cache_dir)) == 1
    second = Catalog.load(root)
    assert second.sha256 == first.sha256
    assert second.benchmarks == first.benchmarks
    # conditions are re-parsed on first use from the cached items, identically
    assert all(second.conditions[i] == first.conditions[i] for i in first.benchmarks)


def test_any_change_invalidates(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    first = Catalog.load(root)
    bench = next((root / "benchmarks").glob("*.yaml"))
    bench.write_text(bench.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = Catalog.load(root)
    assert second.sha256 != first.sha256
    assert len(entries(cache_dir)) == 2


def test_a_broken_edit_is_reported_not_served_from_cache(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    Catalog.load(root)
    bench = next((root / "benchmarks").glob("*.yaml"))
    bench.write_text(bench.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    with pytest.raises(CatalogError):
        Catalog.load(root)


def test_corrupt_entry_is_rebuilt(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    first = Catalog.load(root)
    (entry,) = entries(cache_dir)
    entry.write_bytes(b"not a pickle")
    again = Catalog.load(root)
    assert again.sha256 == first.sha256
    assert entries(cache_dir)[0].read_bytes() != b"not a pickle"


def test_cache_can_be_turned_off(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCRETION_NO_CACHE", "1")
    Catalog.load(MINI)
    assert not cache_dir.exists()
    assert cache.cache_dir() is None


def test_unwritable_cache_directory_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("DISCRETION_CACHE_DIR", str(blocker / "sub"))
    assert Catalog.load(MINI).benchmarks


def test_old_entries_are_pruned(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    bench = next((root / "benchmarks").glob("*.yaml"))
    for n in range(cache.KEEP + 3):
        bench.write_text(bench.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        Catalog.load(root)
    assert len(entries(cache_dir)) == cache.KEEP
