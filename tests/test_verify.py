"""``discretion verify``: the bundled catalog agrees with the statutes; errors are located."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import Correction, PartyScope, SanctionKind
from discretion.cli import main
from discretion.statutes import default_laws_root
from discretion.statutes.clauses import parse_clause
from discretion.statutes.verify import _FINE_BY_ITEMS, _FINE_BY_PARAGRAPH, _merge, verify_catalog

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "catalogs" / "lishui-2022"
LAWS = default_laws_root()
pytestmark = pytest.mark.skipif(LAWS is None, reason="statute corpus ../shared/laws not present")
STATUTE = "浙江省城市市容和环境卫生管理条例(2021-09-30).md"


def _in_srhj(findings):
    # the hand-encoded gold items (SRHJ, 浙江省城市市容和环境卫生管理条例)
    catalog = Catalog.load(BUNDLED)
    gold = {i.id for i in catalog.items_in_field("SRHJ") if i.provenance.file.endswith(STATUTE)}
    return [f for f in findings if f.item_id in gold]


def test_bundled_catalog_verifies(capsys) -> None:
    """No item of the bundled catalog differs from its clause as verify reads it; the items it
    cannot read in full have hand readings (tests/test_clause_readings.py)."""
    assert LAWS is not None
    report = verify_catalog(Catalog.load(BUNDLED), LAWS)
    assert not report.mismatches, [f.render() for f in report.mismatches]
    assert report.checked == len(Catalog.load(BUNDLED).benchmarks)
    # the hand-encoded gold field is fully understood by the parser
    strict = verify_catalog(Catalog.load(BUNDLED), LAWS, strict=True)
    catalog = Catalog.load(BUNDLED)
    gold = {i.id for i in catalog.items_in_field("SRHJ") if i.provenance.file.endswith(STATUTE)}
    assert len(gold) == 29
    assert not [f.render() for f in strict.mismatches if f.item_id in gold]
    assert main(["verify", str(BUNDLED), "--laws", str(LAWS)]) == 0
    assert "benchmark items checked" in capsys.readouterr().out


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
    assert len(_in_srhj(report.mismatches)) == 1
    finding = _in_srhj(report.mismatches)[0]
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
    messages = [f.render() for f in _in_srhj(report.mismatches)]
    assert messages and all(f"SRHJ.yaml:{line}: LS-SRHJ-0007" in m for m in messages)
    assert any("not verbatim" in m for m in messages)
    old = "{law: 浙江省城市市容和环境卫生管理条例, article: 16, paragraph: 1}"
    folder2, _ = _broken_copy(tmp_path / "b", old, old.replace("paragraph: 1", "paragraph: 9"))
    report = verify_catalog(Catalog.load(folder2), LAWS)
    assert any("has no paragraph 9" in f.message for f in report.mismatches)


def test_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["verify", str(BUNDLED), "--laws", str(tmp_path / "nowhere")]) == 2


def test_list_item_is_read_with_the_sanctions_of_its_introduction() -> None:
    # 浙江省森林消防条例 Art. 44 ¶1 (3): 警告 and 责令停止违法行为 of the introduction, the item's fines
    intro = ("违反本条例规定，在森林防火期内有下列行为之一，但未引起森林火灾的，由林业行政主管部门责令停止违法行为，"
             "给予警告，并处罚款：")
    bare = _FINE_BY_ITEMS.sub("", intro)
    assert bare.endswith("给予警告")
    merged = _merge(parse_clause(bare), parse_clause(
        "未经许可擅自进行林业生产性用火和工程用火的，对个人处一千元以上三千元以下的罚款，对单位处一万元以上五万元以下的罚款。"))
    (variant,) = merged.variants
    st = variant.statutory
    assert st.correction is Correction.order
    assert [(s.kind, s.party) for s in st.sanctions] == [
        (SanctionKind.warning, PartyScope.any), (SanctionKind.fine, PartyScope.individual),
        (SanctionKind.fine, PartyScope.organization)]


def test_fine_set_by_another_paragraph() -> None:
    # 物业管理条例 Art. 63: ¶1 gives 警告 and defers the fine to ¶2
    first = ("违反本条例的规定，有下列行为之一的，由县级以上地方人民政府房地产行政主管部门责令限期改正，给予警告，"
             "并按照本条第二款的规定处以罚款；所得收益，用于物业管理区域内物业共用部位、共用设施设备的维修、养护，"
             "剩余部分按照业主大会的决定使用：")
    match = _FINE_BY_PARAGRAPH.search(first)
    assert match is not None and match.group("n") == "二"
    merged = _merge(parse_clause(first[: match.start()] + first[match.end():]), parse_clause(
        "个人有前款规定行为之一的，处1000元以上1万元以下的罚款；单位有前款规定行为之一的，处5万元以上20万元以下的罚款。"))
    (variant,) = merged.variants
    st = variant.statutory
    assert st.correction is Correction.deadline
    assert {(s.kind, s.party, s.max) for s in st.sanctions} == {
        (SanctionKind.warning, PartyScope.any, None), (SanctionKind.fine, PartyScope.individual, 10000),
        (SanctionKind.fine, PartyScope.organization, 200000)}
