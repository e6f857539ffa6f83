"""Finding penalty clauses, resolving 违反… references, drafting items; the real corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem
from discretion.cli import main
from discretion.statutes import default_laws_root, parse_statute, parse_statute_text
from discretion.statutes.extract import (
    Provision,
    extract_statute,
    field_document,
    find_clauses,
    resolve_reference,
)
from discretion.statutes.verify import statutory_key

ROOT = Path(__file__).resolve().parents[1]
LAWS = default_laws_root()
SRHJ_FILE = "浙江地方性法规/浙江省城市市容和环境卫生管理条例(2021-09-30).md"

FIXTURE = """# 示例市容管理条例
<!-- INFO END -->
## 第一章 总则
第一条 为了示例，制定本条例。
第二条 禁止在公共场所乱扔废弃物。

单位和个人应当保持门前整洁。
第三条 公民应当维护环境卫生，禁止下列行为：
（一）随地吐痰；
（二）乱扔果皮；
（三）乱倒垃圾；
违反前款第一项或者第二项规定的，可以处二十元以上五十元以下罚款；违反前款第三项规定的，责令改正，处一百元以上五百元以下罚款。
## 第二章 法律责任
第四条 违反本条例第二条第一款规定的，责令改正，可以处五十元以下罚款。
第五条 违反本条例第二条第二款、第三条第一款第三项规定的，责令限期改正；逾期不改正的，对单位处一千元以上五千元以下罚款，对个人处二百元以上一千元以下罚款。
第六条 违反本条例第九十九条规定的，处一千元罚款。
第七条 违反本条例规定，造成损失的，依法承担赔偿责任。
"""


@pytest.fixture(scope="module")
def fixture_statute():
    return parse_statute_text(FIXTURE, "示例/示例市容管理条例(2024-01-01).md")


@pytest.mark.parametrize(("ref", "article", "paragraph", "expected"), [
    ("本条第一款", 3, 2, [Provision(3, 1)]),
    ("本条第一款或者第二款", 2, 2, [Provision(2, 1), Provision(2, 2)]),
    ("前款第一项或者第二项", 3, 2, [Provision(3, 1, 1), Provision(3, 1, 2)]),
    ("前款", 3, 2, [Provision(3, 1)]),
    ("本条例第二条", 4, 1, [Provision(2)]),
    ("本条例第二条第二款", 4, 1, [Provision(2, 2)]),
    ("本法第二条、第三条", 4, 1, [Provision(2), Provision(3)]),
    ("本条例第二条第二款、第三条第一款第三项", 5, 1, [Provision(2, 2), Provision(3, 1, 3)]),
    ("第三条第一款第一项、第二项", 5, 1, [Provision(3, 1, 1), Provision(3, 1, 2)]),
    ("本条例第三条第（二）项", 5, 1, [Provision(3, 1, 2)]),
])
def test_resolve_reference(fixture_statute, ref, article, paragraph, expected) -> None:
    provisions, reason = resolve_reference(ref, fixture_statute, article, paragraph)
    assert reason is None
    assert provisions == expected


@pytest.mark.parametrize("ref", ["本条例", "本条例第九十九条", "本条例第二条第五款", "前款第九项"])
def test_unresolvable_references_say_why(fixture_statute, ref) -> None:
    provisions, reason = resolve_reference(ref, fixture_statute, 3, 2)
    assert provisions == [] and reason


def test_extract_fixture_statute(fixture_statute, tmp_path: Path) -> None:
    sites = find_clauses(fixture_statute)
    assert [(s.article.number, s.paragraph.number) for s in sites] == [(3, 2), (4, 1), (5, 1), (6, 1)]
    result = extract_statute(fixture_statute, field_code="SRHJ", prefix="T", start=7)
    assert result.parsed == 3 and result.not_parsed == 1
    failed_site, problems = result.failures[0]
    assert failed_site.article.number == 6 and "does not exist" in problems[0].reason
    ids = [d.data["id"] for d in result.drafts]
    assert ids == [f"T-SRHJ-{n:04d}" for n in range(7, 7 + len(ids))]
    pairs = [(d.site.article.number, (d.violated.article, d.violated.paragraph, d.violated.item))
             for d in result.drafts]
    assert pairs == [(3, (3, 1, 1)), (3, (3, 1, 2)), (3, (3, 1, 3)), (4, (2, 1, None)),
                     (5, (2, 2, None)), (5, (3, 1, 3))]
    by_violated = {(d.violated.article, d.violated.paragraph, d.violated.item): d.data
                   for d in result.drafts if d.site.article.number != 5}
    item1 = by_violated[(3, 1, 1)]
    assert item1["title"] == "随地吐痰"
    assert item1["statutory"]["sanctions"][0] == {"kind": "fine", "mode": "may", "min": 20, "max": 50,
                                                  "text": "可以处二十元以上五十元以下罚款"}
    assert by_violated[(3, 1, 3)]["statutory"]["correction"] == "order"
    assert by_violated[(2, 1, None)]["title"] == "在公共场所乱扔废弃物"
    assert "title_source: derived" in item1["provenance"]["note"]
    assert [t["level"] for t in item1["tiers"]] == ["轻微", "一般", "严重"]
    # the drafts load as a catalog
    catalog_dir = _catalog_with(tmp_path, field_document("SRHJ", result.drafts))
    catalog = Catalog.load(catalog_dir)
    assert len(catalog.benchmarks) == len(result.drafts)


def _catalog_with(tmp_path: Path, document: str, code: str = "SRHJ") -> Path:
    folder = tmp_path / "catalog"
    (folder / "benchmarks").mkdir(parents=True)
    shutil.copy(ROOT / "catalogs" / "lishui-2022" / "manifest.yaml", folder / "manifest.yaml")
    (folder / "fields.yaml").write_text(f"fields:\n  - code: {code}\n    name: 测试\n", encoding="utf-8")
    (folder / "benchmarks" / f"{code}.yaml").write_text(document, encoding="utf-8")
    return folder


def test_serious_clause_tiers_load(tmp_path: Path) -> None:
    text = FIXTURE.replace("第六条 违反本条例第九十九条规定的，处一千元罚款。",
                           "第六条 违反本条例第二条第一款规定的，处五千元以上五万元以下罚款；情节严重的，"
                           "处五万元以上十万元以下罚款，并吊销许可证。")
    statute = parse_statute_text(text, "示例/示例(2024-01-01).md")
    result = extract_statute(statute, field_code="SRHJ")
    serious = [d for d in result.drafts if d.site.article.number == 6]
    assert serious
    tiers = serious[0].data["tiers"]
    assert tiers[-1]["uses"] == "serious" and tiers[-1]["sanctions"] == ["revoke_licence"]
    Catalog.load(_catalog_with(tmp_path, field_document("SRHJ", result.drafts)))


needs_laws = pytest.mark.skipif(LAWS is None, reason="statute corpus ../shared/laws not present")


@needs_laws
def test_extract_reproduces_the_hand_encoded_srhj_field(tmp_path: Path) -> None:
    assert LAWS is not None
    statute = parse_statute(LAWS / SRHJ_FILE, LAWS)
    result = extract_statute(statute, field_code="SRHJ")
    gold = Catalog.load(ROOT / "catalogs" / "lishui-2022")
    drafts = [BenchmarkItem.model_validate(d.data) for d in result.drafts]

    def place(item: BenchmarkItem):
        return (tuple((c.article, c.paragraph, c.item) for c in item.violated),
                (item.penalty.article, item.penalty.paragraph, item.penalty.item))

    matched = ranges_equal = 0
    gold_items = [i for i in gold.items_in_field("SRHJ") if i.provenance.file == SRHJ_FILE]
    for item in gold_items:
        same_place = [d for d in drafts if place(d) == place(item)]
        if same_place:
            matched += 1
        if any(statutory_key(d.statutory) == statutory_key(item.statutory) for d in same_place):
            ranges_equal += 1
    # Measured: 29/29 items matched, 29/29 statutory models equal, 29 drafts in all.
    assert len(gold_items) == 29
    assert matched / len(gold_items) >= 0.95
    assert ranges_equal / len(gold_items) >= 0.95
    assert len(drafts) <= len(gold_items) + 2
    assert result.not_parsed == 0
    # and the written file loads with the catalog loader
    Catalog.load(_catalog_with(tmp_path, field_document("SRHJ", result.drafts)))


@needs_laws
def test_extract_runs_over_the_zhejiang_folder(tmp_path: Path, capsys) -> None:
    assert LAWS is not None
    folder = LAWS / "浙江地方性法规"
    found = parsed = failed = 0
    for file in sorted(folder.glob("*.md")):
        result = extract_statute(parse_statute(file, LAWS), field_code="ZJ")
        found += len(result.sites)
        parsed += result.parsed
        failed += result.not_parsed
        for _site, problems in result.failures:
            assert problems and all(p.reason for p in problems)
    # Measured: 1382 clauses found, 860 parsed, 522 not parsed (with reasons).
    assert found > 1000
    assert parsed / found >= 0.55
    assert parsed + failed == found
    code = main(["extract", str(folder), "--field", "ZJ", "--out", str(tmp_path / "out")])
    assert code == 0
    out = capsys.readouterr().out
    assert "total:" in out
    document = (tmp_path / "out" / "ZJ.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(document)["field"] == "ZJ"
    Catalog.load(_catalog_with(tmp_path, document, "ZJ"))


def test_cli_extract_usage_errors(tmp_path: Path) -> None:
    assert main(["extract", str(tmp_path / "missing.md")]) == 2
    assert main(["extract", str(tmp_path), "--field", "bad"]) == 2
