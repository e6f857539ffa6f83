"""The officer's way in and out, through the command line: finding an item by the words an
officer uses, a case template to fill in, and a decision worded for the case file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from discretion.catalog.catalog import Catalog
from discretion.catalog.search import rank
from discretion.cli import main

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalogs" / "lishui-2022"
ID = re.compile(r"LS-[A-Z]+-\d{4}")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- search -------------------------------------------------------------------------------

def test_search_ranks_an_everyday_name_first_and_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = Catalog.load(CATALOG)
    named = [i for i in catalog.benchmarks.values() if i.aliases]
    if not named:
        pytest.skip("the catalog has no everyday names yet")
    item = named[0]
    alias = item.aliases[0]
    code, out, _ = run(capsys, "search", alias, "--json")
    rows = json.loads(out)
    assert code == 0 and rows
    first_alias = next(r for r in rows if any("俗称" in w for w in r["why"]))
    assert rows.index(first_alias) == 0, "an everyday name ranks above statute wording"
    assert any(alias in w for w in first_alias["why"])


def test_search_with_no_match_exits_1_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "月球采矿无人机", "--catalog", str(CATALOG))
    assert code == 1 and out == ""
    assert "没有找到" in err and "no item matches" in err


def test_search_offers_near_matches_when_no_item_has_every_word() -> None:
    hits = rank(Catalog.load(CATALOG), "占道摆摊经营")
    assert hits and all(h.near or h.why for h in hits)
    assert hits[0].score >= hits[-1].score


def test_search_by_citation_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "《浙江省城市市容和环境卫生管理条例》第三十二条第一款第二项", "--json")
    assert code == 0 and json.loads(out)


# --- discretion new -----------------------------------------------------------------------

def test_new_writes_a_template_that_checks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    code, printed, _ = run(capsys, "new", "LS-TD-0006", "--out", str(out))
    assert code == 0 and str(out) in printed
    text = out.read_text(encoding="utf-8")
    for words in ("危害后果", "改正情况", "占用耕地面积", "单位：平方米", "耕地开垦费", "初次违法"):
        assert words in text
    assert all("#" in line for line in text.splitlines()
               if line.strip() and not line.startswith(("  kind", "facts:")) and ":" in line
               and not line.startswith("item:")), "every field carries its Chinese comment"
    code, decided, _ = run(capsys, "check", str(out))
    assert code == 0 and "处理结果" in decided
    # never overwrites
    code, _, err = run(capsys, "new", "LS-TD-0006", "--out", str(out))
    assert code == 1 and "不会覆盖" in err


def test_new_unknown_item_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "LS-TD-006")
    assert code == 1 and "LS-TD-0006" in err


# --- check --format document -------------------------------------------------------------

def test_document_has_no_ids_hashes_or_internal_names(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({
        "item": "LS-ZSGF-0002", "party": {"kind": "organization"}, "occurred_on": "2022-03-01",
        "decided_on": "2022-08-01", "first_offense": True, "harm": "minor",
        "correction": "refused", "facts": {}}), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(case), "--format", "document")
    assert code == 0
    assert "审批表" in out and "参考裁量基准（非官方）" in out
    assert not ID.search(out), "no catalog ids"
    assert "sha256" not in out and "_" not in out, "no hashes or internal names"
    assert "《行政处罚法》第三十七条" in out
    for line in out.splitlines():
        for cited in re.findall(r"第[一二三四五六七八九十百]+条", line):
            assert "》" in line.split(cited)[0], f"a citation without its law: {line}"


def test_document_says_whether_the_item_is_on_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(ROOT / "examples" / "overdue-fine.yaml"),
                       "--format", "document")
    assert code == 0 and "不予处罚事项清单" in out and "罚款人民币" in out


def test_show_words_amounts_with_labels_and_units(capsys: pytest.CaptureFixture[str]) -> None:
    """``show`` prints the statute's words and the facts' Chinese labels, never internal names:
    每平方米 (not 每area_m2), 违法所得百分之十以上百分之五十以下 (not illegal_income的0.1至0.5倍)."""
    code, out, _ = run(capsys, "show", "LS-TD-0002")
    assert code == 0 and "非法占用土地面积每平方米" in out and "每area_m2" not in out
    code, out, _ = run(capsys, "show", "LS-TD-0001")
    assert code == 0 and "违法所得百分之十以上百分之五十以下" in out
    assert "illegal_income的" not in out and "每单位" not in out
