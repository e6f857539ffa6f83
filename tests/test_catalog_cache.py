"""The compiled-catalog cache: hits for unchanged content, rebuilds on any change or corruption,
and a cached catalog that is the loaded one, model for model and decision for decision.

(What a planted or edited entry can do, nothing: ``tests/test_cache_security.py``.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from discretion import Catalog, CatalogError
from discretion.catalog import cache
from discretion.catalog import catalog as catalog_module
from discretion.catalog.loader import catalog_contents, catalog_files, content_hash
from discretion.cli import main

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"
BUNDLED = ROOT / "catalogs" / "lishui-2022"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DISCRETION_CACHE_DIR", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the cache secret is
    monkeypatch.delenv("DISCRETION_NO_CACHE", raising=False)
    # the package's own files are not under test here (others edit them while tests run)
    monkeypatch.setattr(cache, "_code_stamp", lambda: "this build")
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalog-*.cache"))


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
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert Catalog.load(MINI).benchmarks


def test_old_entries_are_pruned(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    bench = next((root / "benchmarks").glob("*.yaml"))
    for n in range(cache.KEEP + 3):
        bench.write_text(bench.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        Catalog.load(root)
    assert len(entries(cache_dir)) == cache.KEEP


def test_the_cached_catalog_is_the_loaded_catalog(cache_dir: Path, tmp_path: Path) -> None:
    """Every model of the bundled catalog comes back from the cache as it was loaded, to the
    digits of each amount (``Decimal('0')`` is not ``Decimal('0.00')`` in a decision)."""
    root = tmp_path / "lishui"
    shutil.copytree(BUNDLED, root)
    loaded = Catalog.load(root)
    assert len(entries(cache_dir)) == 1
    cached = Catalog.load(root)
    assert cached.benchmarks is not loaded.benchmarks
    assert isinstance(cached.benchmarks, cache.LazyModels)
    assert list(cached.benchmarks) == list(loaded.benchmarks)
    assert list(cached.lists) == list(loaded.lists)
    for item_id, model in [*loaded.benchmarks.items(), *loaded.lists.items()]:
        again = cached.get(item_id)
        assert again is not None
        assert repr(again) == repr(model), item_id
        assert again.model_fields_set == model.model_fields_set, item_id
    assert repr(cached.manifest) == repr(loaded.manifest)
    assert repr(cached.fields) == repr(loaded.fields)
    assert cached.sources == loaded.sources
    assert cached.sha256 == loaded.sha256
    assert cached._lists_by_benchmark == loaded._lists_by_benchmark
    assert cached._successors == loaded._successors
    assert cached._citations is not None and loaded._citations is not None
    assert cached._citations.entries == loaded._citations.entries


def test_decisions_from_the_cache_are_byte_identical(
        cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lishui"
    shutil.copytree(BUNDLED, root)
    cases = tmp_path / "examples.yaml"  # every example case, decided in one run
    cases.write_text(yaml.safe_dump([yaml.safe_load(p.read_text(encoding="utf-8"))
                                     for p in sorted((ROOT / "examples").glob("*.yaml"))],
                                    allow_unicode=True), encoding="utf-8")
    outputs: list[str] = []
    for no_cache in ("1", "", ""):  # from the files, then written to the cache, then read from it
        monkeypatch.setenv("DISCRETION_NO_CACHE", no_cache)
        assert main(["check", str(cases), "--json", "--catalog", str(root)]) == 0
        outputs.append(capsys.readouterr().out)
    assert len(entries(cache_dir)) == 1
    assert outputs[0].count('"outcome"') >= 10
    assert outputs[0] == outputs[1] == outputs[2]


def test_an_edit_made_while_it_loads_is_not_cached(cache_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    digest = content_hash(root, catalog_files(root))
    assert cache.read_cached(root, digest) is None  # a miss: the loader loads the files
    catalog = Catalog.load(root, cache=False)
    bench = next((root / "benchmarks").glob("*.yaml"))  # edited before the entry is written
    bench.write_text(bench.read_text(encoding="utf-8").replace("max: 500", "max: 400", 1),
                     encoding="utf-8")
    cache.write_cached(catalog)
    assert entries(cache_dir) == []
    again = Catalog.load(root)
    sanction = again.benchmarks["LS-SRHJ-0001"].statutory.sanctions[0]
    assert str(sanction.max) == "400"


def test_a_model_that_would_not_come_back_exactly_is_not_cached(
        cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def lossy(model: object) -> bytes:  # a dump that loses the digits of the amounts
        dumped = json.loads(model.model_dump_json(exclude_unset=True))  # type: ignore[attr-defined]
        return json.dumps(dumped).replace('"500"', '"500.0"').encode("utf-8")

    monkeypatch.setattr(catalog_module, "dump_model", lossy)
    Catalog.load(MINI)
    assert entries(cache_dir) == []
    assert str(Catalog.load(MINI).benchmarks["LS-SRHJ-0001"].statutory.sanctions[0].max) == "500"


def test_legacy_pickle_entries_are_never_read_and_are_removed(cache_dir: Path) -> None:
    cache_dir.mkdir()
    legacy = cache_dir / "catalog-0123456789abcdef0123456789abcdef.pickle"
    legacy.write_bytes(b"an entry of the pickle format")
    Catalog.load(MINI)
    assert not legacy.exists()
    assert len(entries(cache_dir)) == 1


def test_the_tree_digest_of_bytes_already_read_is_the_digest_of_a_fresh_read(tmp_path: Path) -> None:
    # load_catalog hands the tree digest the bytes it hashed for the sha256, instead of reading
    # every file twice: the digest must be the one a fresh read gives
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    folders, contents = catalog_contents(root)
    assert len(contents) >= 3 and folders
    fresh = cache.tree_digest(root)
    assert fresh is not None and cache.tree_digest(root, contents) == fresh
    assert cache.tree_digest(root, {}) == fresh
    # the bytes given are what is digested: other bytes, another digest
    name = next(iter(contents))
    assert cache.tree_digest(root, {**contents, name: contents[name] + b"#"}) != fresh


def test_edited_code_has_another_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # entries are bound to the package's modules (size and mtime of every .py): an edited
    # module never reads entries written by other code; compiled bytecode does not count
    package = tmp_path / "discretion"
    (package / "catalog").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    module = package / "catalog" / "cache.py"
    module.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "__file__", str(module))
    first = cache._code_stamp()
    (package / "__pycache__" / "cache.cpython-311.pyc").write_bytes(b"\0" * 16)
    assert cache._code_stamp() == first
    module.write_text("x = 2  # edited\n", encoding="utf-8")
    assert cache._code_stamp() != first
    second = cache._code_stamp()
    (package / "catalog" / "new.py").write_text("", encoding="utf-8")
    assert cache._code_stamp() != second
