"""``discretion verify`` reads stages, thresholds, caps, payers, effects and labels: an encoding
that drops one of them is a mismatch naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    BenchmarkItem,
    Effect,
    FineRange,
    Payer,
    Sanction,
    SanctionKind,
    SeriousRange,
    Stage,
    Statutory,
)
from discretion.statutes import default_laws_root
from discretion.statutes.clauses import parse_clause
from discretion.statutes.parse import LawLibrary
from discretion.statutes.verify import _Verifier, differences, label_findings

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "catalogs" / "lishui-2022"
LAWS = default_laws_root()
needs_corpus = pytest.mark.skipif(LAWS is None, reason="statute corpus ../shared/laws not present")

FINE = SanctionKind.fine

# 安全生产法 Art. 99 ¶1 (the items name the act, the introduction the penalty)
ART_99 = Statutory(
    correction="deadline",
    sanctions=[Sanction(kind=FINE, max=50000)],
    stages=[Stage(when="overdue", sanctions=[
        Sanction(kind=FINE, min=50000, max=200000),
        Sanction(kind=FINE, on=Payer.responsible, min=10000, max=20000)])],
    serious=SeriousRange(sanctions=[Sanction(kind=SanctionKind.suspend_business, label="责令停产停业整顿")]))

# 道路运输条例 Art. 65 ¶1
ART_65 = Statutory(
    correction="none",
    sanctions=[Sanction(kind=SanctionKind.confiscate_income),
               Sanction(kind=FINE, base="illegal_income", min=2, max=10,
                        fallback=FineRange(min=20000, max=50000), threshold=10000)])

# 烟花爆竹安全管理条例 Art. 39
ART_39 = Statutory(correction="none", sanctions=[Sanction(kind=FINE, on=Payer.principal, min=5000, max=20000)])


def _check(item: BenchmarkItem, statutory: Statutory) -> tuple[list[str], list[str]]:
    assert LAWS is not None
    catalog = Catalog.load(BUNDLED)
    verifier = _Verifier(catalog, LawLibrary(LAWS), strict=False)
    verifier.item(item.model_copy(update={"statutory": statutory}), LAWS)
    return ([f.message for f in verifier.report.mismatches],
            [f.message for f in verifier.report.warnings])


def _item(item_id: str, law: str, article: int, item: int | None = None) -> BenchmarkItem:
    catalog = Catalog.load(BUNDLED)
    found = catalog.benchmarks[item_id]
    assert found.penalty.article == article and law in found.provenance.file
    assert item is None or found.penalty.item == item
    return found


@needs_corpus
def test_stage_and_responsible_persons_are_checked() -> None:
    item = _item("LS-YJGL-0015", "安全生产法", 99, 1)
    assert _check(item, ART_99)[0] == []
    # the overdue stage dropped
    mismatches, _ = _check(item, ART_99.model_copy(update={"stages": []}))
    assert len(mismatches) == 1 and "stages[overdue]: the clause has it, the catalog does not" in mismatches[0]
    # the fine on the responsible persons left out of the stage
    stage = Stage(when="overdue", sanctions=[Sanction(kind=FINE, min=50000, max=200000)])
    mismatches, _ = _check(item, ART_99.model_copy(update={"stages": [stage]}))
    assert len(mismatches) == 1
    assert "stages[overdue]: the clause has fine 10000-20000 on responsible, the catalog does not" in mismatches[0]
    # the responsible persons' fine put on the party
    stage = Stage(when="overdue", sanctions=[Sanction(kind=FINE, min=50000, max=200000),
                                             Sanction(kind=FINE, min=10000, max=20000)])
    assert _check(item, ART_99.model_copy(update={"stages": [stage]}))[0]
    # the serious range said to replace
    serious = ART_99.serious.model_copy(update={"effect": Effect.replaces})  # type: ignore[union-attr]
    mismatches, _ = _check(item, ART_99.model_copy(update={"serious": serious}))
    assert len(mismatches) == 1 and "serious: effect is replaces in the catalog, adds in the clause" in mismatches[0]


@needs_corpus
def test_threshold_is_checked() -> None:
    item = _item("LS-JTYS-0028", "道路运输条例", 65)
    assert _check(item, ART_65)[0] == []
    fine = ART_65.sanctions[1].model_copy(update={"threshold": None})
    mismatches, _ = _check(item, ART_65.model_copy(update={"sanctions": [ART_65.sanctions[0], fine]}))
    assert len(mismatches) == 1
    assert "sanctions fine: threshold is none in the catalog, 10000 in the clause" in mismatches[0]


@needs_corpus
def test_payer_is_checked() -> None:
    item = _item("LS-YHBZ-0012", "烟花爆竹安全管理条例", 39)
    assert _check(item, ART_39)[0] == []
    on_party = Statutory(correction="none", sanctions=[Sanction(kind=FINE, min=5000, max=20000)])
    mismatches, _ = _check(item, on_party)
    assert len(mismatches) == 1
    assert "the clause has fine 5000-20000 on principal, the catalog does not" in mismatches[0]


@needs_corpus
def test_label_is_checked_where_the_parser_is_sure() -> None:
    item = _item("LS-YJGL-0015", "安全生产法", 99, 1)
    unlabelled = SeriousRange(sanctions=[Sanction(kind=SanctionKind.suspend_business)])
    mismatches, _ = _check(item, ART_99.model_copy(update={"serious": unlabelled}))
    assert len(mismatches) == 1 and "statute label differs" in mismatches[0]
    assert "责令停产停业整顿 in the clause" in mismatches[0]


def test_labels_numerals_prefix_and_unsure() -> None:
    parsed = parse_clause("没收违法所得和非法财物，并处违法所得1倍以上3倍以下的罚款；情节严重的，责令停业整顿1个月至6个月")
    (variant,) = parsed.variants
    theirs = variant.statutory

    def with_label(label: str | None) -> Statutory:
        serious = SeriousRange(sanctions=[Sanction(kind=SanctionKind.suspend_business, label=label)])
        return theirs.model_copy(update={"serious": serious})

    assert differences(with_label(None), theirs) == []  # labels are not part of the model's key
    assert label_findings(with_label("责令停业整顿一个月至六个月"), theirs, parsed.sure_labels) == ([], [])
    mismatches, warnings = label_findings(with_label("责令停业整顿"), theirs, parsed.sure_labels)
    assert mismatches == [] and len(warnings) == 1  # a shorter form of the statute's words
    mismatches, _ = label_findings(with_label(None), theirs, parsed.sure_labels)
    assert len(mismatches) == 1
    # compound wording: the parser gives it, without certainty
    unsure = parse_clause("违反本条例规定的，责令改正，处一万元以上十万元以下的罚款；拒不改正的，责令停工整治或者停业整治")
    (variant,) = unsure.variants
    ours = variant.statutory.model_copy(update={"stages": [Stage(
        when="refused", sanctions=[Sanction(kind=SanctionKind.suspend_business, label="责令停工整治")])]})
    assert label_findings(ours, variant.statutory, unsure.sure_labels)[0] == []
    assert label_findings(ours, variant.statutory, unsure.sure_labels)[1]
