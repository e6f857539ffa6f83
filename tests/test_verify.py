"""``discretion verify``: the bundled catalog agrees with the statutes; errors are located."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from discretion.catalog.catalog import Catalog
from discretion.cli import main
from discretion.statutes import default_laws_root
from discretion.statutes.verify import verify_catalog

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "catalogs" / "lishui-2022"
LAWS = default_laws_root()
pytestmark = pytest.mark.skipif(LAWS is None, reason="statute corpus ../shared/laws not present")
STATUTE = "浙江省城市市容和环境卫生管理条例(2021-09-30).md"


def test_bundled_catalog_verifies(capsys) -> None:
    assert LAWS is not None
    report = verify_catalog(Catalog.load(BUNDLED), LAWS, strict=True)
    assert report.ok, [f.render() for f in report.mismatches]
    assert report.checked == 29
    assert main(["verify", str(BUNDLED), "--laws", str(LAWS)]) == 0
    assert ": ok" in capsys.readouterr().out


def _broken_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    folder = tmp_path / "lishui"
    shutil.copytree(BUNDLED, folder)
    path = folder / "benchmarks" / "SRHJ.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old):], encoding="utf-8")
    item_line = text[:index].rfind("  - id: ")
    return folder, text[:item_line].count("\n") + 1


def test_wrong_range_is_reported_with_file_and_line(tmp_path: Path, capsys) -> None:
    assert LAWS is not None
    folder, line = _broken_copy(tmp_path, "{kind: fine, party: individual, min: 200, max: 1000",
                                "{kind: fine, party: individual, min: 300, max: 1000")
    report = verify_catalog(Catalog.load(folder), LAWS)
    assert len(report.mismatches) == 1
    finding = report.mismatches[0]
    assert finding.item_id == "LS-SRHJ-0003"
    assert finding.catalog_at == f"{folder / 'benchmarks' / 'SRHJ.yaml'}:{line}"
    assert finding.statute_at is not None
    assert re.fullmatch(re.escape(f"浙江地方性法规/{STATUTE}") + r":\d+", finding.statute_at)
    assert main(["verify", str(folder), "--laws", str(LAWS)]) == 1
    out = capsys.readouterr().out
    assert f"SRHJ.yaml:{line}: LS-SRHJ-0003: statutory model differs" in out


def test_wrong_article_is_reported(tmp_path: Path) -> None:
    assert LAWS is not None
    old = "penalty: {law: 浙江省城市市容和环境卫生管理条例, article: 16, paragraph: 3}"
    folder, line = _broken_copy(tmp_path, old, old.replace("article: 16", "article: 17"))
    report = verify_catalog(Catalog.load(folder), LAWS)
    messages = [f.render() for f in report.mismatches]
    assert messages and all(f"SRHJ.yaml:{line}: LS-SRHJ-0007" in m for m in messages)
    assert any("not verbatim" in m for m in messages)
    old = "{law: 浙江省城市市容和环境卫生管理条例, article: 16, paragraph: 1}"
    folder2, _ = _broken_copy(tmp_path / "b", old, old.replace("paragraph: 1", "paragraph: 9"))
    report = verify_catalog(Catalog.load(folder2), LAWS)
    assert any("has no paragraph 9" in f.message for f in report.mismatches)


def test_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["verify", str(BUNDLED), "--laws", str(tmp_path / "nowhere")]) == 2
