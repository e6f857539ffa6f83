"""Penalty-clause grammar: statute sentences -> the catalog's statutory model (or honest refusal)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from discretion.catalog.models import (
    AppliesWhen,
    Correction,
    Effect,
    Mode,
    PartyScope,
    Payer,
    SanctionKind,
)
from discretion.statutes.clauses import parse_clause


def only(text: str):
    parsed = parse_clause(text)
    assert parsed.ok, parsed.unparsed
    assert parsed.statutory is not None
    return parsed.statutory


def fines(statutory):
    return [s for s in statutory.sanctions if s.kind is SanctionKind.fine]


def test_overdue_range_with_deadline() -> None:
    st = only("违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，处五十元以上五百元以下罚款。")
    assert st.correction is Correction.deadline
    assert st.applies_when is AppliesWhen.overdue
    (fine,) = st.sanctions
    assert (fine.kind, fine.mode, fine.min, fine.max) == (SanctionKind.fine, Mode.shall, 50, 500)


def test_party_split_organization_individual() -> None:
    st = only("违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，对单位处五百元以上三千元以下罚款，"
              "对个人处二百元以上一千元以下罚款。")
    by_party = {s.party: (s.min, s.max) for s in fines(st)}
    assert by_party == {PartyScope.organization: (500, 3000), PartyScope.individual: (200, 1000)}


def test_refused_may_max_only() -> None:
    st = only("违反本条第一款规定的，责令改正；拒不改正的，可以处五十元以下罚款。")
    assert st.applies_when is AppliesWhen.refused
    (fine,) = st.sanctions
    assert fine.mode is Mode.may and fine.min is None and fine.max == 50


def test_wan_yuan_and_confiscate_income_scoped_to_organisation() -> None:
    st = only("违反本条第二款或者第三款规定的，责令改正，对单位处十万元以上一百万元以下罚款，有违法所得的，"
              "并处没收违法所得；对个人处二百元以下罚款。")
    kinds = [(s.kind, s.party) for s in st.sanctions]
    assert (SanctionKind.confiscate_income, PartyScope.organization) in kinds
    org = next(s for s in fines(st) if s.party is PartyScope.organization)
    assert (org.min, org.max) == (100000, 1000000)
    ind = next(s for s in fines(st) if s.party is PartyScope.individual)
    assert ind.max == 200 and ind.min is None


def test_multi_range_paragraph_gives_one_variant_per_reference() -> None:
    parsed = parse_clause("违反前款第一项或者第二项规定的，可以处二十元以上五十元以下罚款；违反前款第三项或者第四项"
                          "规定的，责令改正，处一百元以上五百元以下罚款。")
    assert parsed.ok and parsed.statutory is None
    first, second = parsed.variants
    assert first.reference == "前款第一项或者第二项"
    assert first.statutory.correction is Correction.none
    assert (first.statutory.sanctions[0].mode, first.statutory.sanctions[0].max) == (Mode.may, 50)
    assert second.reference == "前款第三项或者第四项"
    assert second.statutory.correction is Correction.order
    assert second.statutory.sanctions[0].min == 100


def test_scope_inside_the_clause_and_subjects() -> None:
    parsed = parse_clause("违反本条第一款或者第二款规定的，责令改正；其中，对违反本条第一款规定，拒不改正的，"
                          "对设置或者管理单位处五百元以上三千元以下罚款。")
    (variant,) = parsed.variants
    assert variant.reference == "本条第一款"
    assert variant.statutory.applies_when is AppliesWhen.refused
    assert variant.statutory.sanctions[0].party is PartyScope.organization
    parsed = parse_clause("违反本条第一款规定设置户外设施，影响市容的，责令限期改造或者拆除；逾期不改造或者拆除的，"
                          "对户外广告设施的设置者处一千元以上一万元以下罚款，对其他户外设施的设置者处二百元以上二千元"
                          "以下罚款。")
    assert [v.subject for v in parsed.variants] == ["户外广告设施的设置者", "其他户外设施的设置者"]
    assert [v.statutory.sanctions[0].max for v in parsed.variants] == [10000, 2000]


def test_confiscate_property_and_may_fine() -> None:
    st = only("违反本条第一款规定影响市容和环境卫生的，责令限期改正；逾期不改正的，没收饲养的家畜家禽和食用鸽，"
              "可以处五十元以上五百元以下罚款。")
    assert [(s.kind, s.mode) for s in st.sanctions] == [
        (SanctionKind.confiscate_property, Mode.shall), (SanctionKind.fine, Mode.may)]


def test_immediate_correction_and_substitute_performance() -> None:
    st = only("违反本条第一款或者第二款规定的，责令即时清除，可以处五百元以上二千元以下罚款。")
    assert st.correction is Correction.immediate
    st = only("违反前款规定的，责令改正，对单位处十万元以上一百万元以下罚款，对个人处一千元以上一万元以下罚款；"
              "拒不改正的，可以代为改正，所需费用由违法行为人承担。")
    assert st.applies_when is AppliesWhen.always and st.substitute_performance


def test_serious_range() -> None:
    st = only("违反本条例第二十条第二款规定，销售有关塑料制品的，由市场监督管理部门责令改正，处五千元以上五万元以下"
              "罚款；情节严重的，处五万元以上十万元以下罚款。")
    assert st.serious is not None
    assert (st.serious.sanctions[0].min, st.serious.sanctions[0].max) == (50000, 100000)
    st = only("违反本条例规定，经营者未按规定建立档案的，由道路运输管理机构责令改正，处二千元以上二万元以下罚款；"
              "情节严重的，由原许可机关吊销经营许可证。")
    assert st.serious is not None and st.serious.sanctions[0].kind is SanctionKind.revoke_licence


def test_income_multiple_with_fallback() -> None:
    parsed = parse_clause("违反本法第三十条规定的，没收违法所得，并处违法所得一倍以上五倍以下罚款；没有违法所得或者"
                          "违法所得不足一万元的，处一万元以上五万元以下罚款。")
    assert parsed.ok
    st = parsed.statutory
    assert st is not None
    fine = fines(st)[0]
    assert (fine.base, fine.min, fine.max) == ("illegal_income", 1, 5)
    assert fine.fallback is not None and (fine.fallback.min, fine.fallback.max) == (10000, 50000)
    assert SanctionKind.confiscate_income in {s.kind for s in st.sanctions}
    assert fine.threshold == 10000  # 不足一万元: the fallback applies below it too


def test_goods_value_multiple() -> None:
    st = only("违反本法第十二条规定的，没收违法生产、销售的产品，并处违法生产、销售产品货值金额等值以上三倍以下的罚款；"
              "有违法所得的，并处没收违法所得；情节严重的，吊销营业执照。")
    fine = fines(st)[0]
    assert (fine.base, fine.min, fine.max) == ("goods_value", 1, 3)
    assert st.serious is not None


@pytest.mark.parametrize(("text", "per"), [
    ("违反本条例第十二条第二款规定的，责令限期恢复原状，并处以被毁坏茶基地每平方米十元以上三十元以下的罚款。", "area_m2"),
    ("违反本规定第十八条规定的，责令限期改正，逾期不改正的，对维修单位处每辆机动车一千元罚款。", "vehicle_count"),
    ("违反本条第一款规定的，处每立方米五十元以上一百元以下罚款。", "volume_m3"),
])
def test_per_unit(text: str, per: str) -> None:
    st = only(text)
    assert fines(st)[0].per == per


@pytest.mark.parametrize(("text", "kinds"), [
    ("违反本条规定的，给予警告，可以并处通报批评。", {SanctionKind.warning, SanctionKind.public_criticism}),
    ("违反前款规定的，责令停产停业，吊销许可证。", {SanctionKind.suspend_business, SanctionKind.revoke_licence}),
    ("违反前款规定的，责令停业整顿，暂扣许可证件。", {SanctionKind.suspend_business, SanctionKind.suspend_licence}),
    ("违反前款规定的，降低资质等级。", {SanctionKind.downgrade_qualification}),
    ("违反前款规定的，责令关闭。", {SanctionKind.close}),
    ("违反前款规定的，处十日以上十五日以下拘留。", {SanctionKind.detention}),
    ("违反前款规定的，五年内禁止从业。", {SanctionKind.bar_from_trade}),
    ("违反前款规定的，没收违法所得和非法财物。", {SanctionKind.confiscate_income, SanctionKind.confiscate_property}),
    ("违反前款规定的，没收犬只。", {SanctionKind.confiscate_property}),
])
def test_other_kinds(text: str, kinds: set[SanctionKind]) -> None:
    assert {s.kind for s in only(text).sanctions} == kinds


@pytest.mark.parametrize(("text", "reason"), [
    ("违反本条例第五条规定的，处罚款若干元。", "not understood"),
    ("违反本条第一款规定的，责令改正，处一万元以上三万元以下罚款，每日按二百元计罚。", "not understood"),
    ("违反本条例第九条规定的，责令改正；造成严重后果的，处五万元以上五十万元以下罚款。", "without a base range"),
    ("违反本条例第九条规定的，责令改正；情节较重的，处五万元以上五十万元以下罚款。", "condition"),
    ("违反本条例第九条规定的，处合同价款一倍以上二倍以下罚款。", "unknown base"),
    ("违反本条第一款规定的，责令改正，处二千元以上二万元以下罚款；情节较重的，吊销许可证。", "condition"),
])
def test_refuses_to_guess(text: str, reason: str) -> None:
    parsed = parse_clause(text)
    assert not parsed.ok and parsed.statutory is None
    assert any(reason in u.reason for u in parsed.unparsed), parsed.unparsed


def test_amounts_are_exact_decimals() -> None:
    fine = fines(only("违反本条规定的，处1.5万元以上3万元以下罚款。"))[0]
    assert fine.min == Decimal("15000") and isinstance(fine.min, Decimal)


def test_may_before_the_first_party_governs_the_parallel_party() -> None:
    # 浙江省实施《人民防空法》办法 Art. 32
    st = only("违反本办法第十九条第三款、第二十六条、第二十七条、第二十八条第一款规定的，由县级以上人民防空主管部门"
              "责令限期改正，给予警告，可以对个人并处五千元以下罚款，对单位并处一万元以上五万元以下罚款；造成损失的，"
              "应当依法赔偿损失。")
    assert st.correction is Correction.deadline
    by_party = {s.party: (s.mode, s.min, s.max) for s in fines(st)}
    assert by_party == {PartyScope.individual: (Mode.may, None, 5000),
                        PartyScope.organization: (Mode.may, 10000, 50000)}
    assert [s.mode for s in st.sanctions if s.kind is SanctionKind.warning] == [Mode.shall]
    # without the modal before the first 对, the second party's fine stays `shall`
    st = only("违反本条规定的，对个人处五千元以下罚款，对单位处一万元以上五万元以下罚款。")
    assert {s.mode for s in fines(st)} == {Mode.shall}


def test_fine_per_unit_over_a_limit() -> None:
    # 丽水市城市养犬管理规定 Art. 30: the per-dog fine at once; 拒不改正的, a confiscation stage
    text = ("违反本规定第十三条规定，养犬超过限养数量的，由综合行政执法部门责令改正，每超养一只处五百元以上一千元"
            "以下罚款；拒不改正的，没收其超过限养数量的犬只。")
    st = only(text)
    (fine,) = fines(st)
    assert (fine.per, fine.min, fine.max, st.correction) == ("animal_count", 500, 1000, Correction.order)
    assert st.applies_when is AppliesWhen.always
    (stage,) = st.stages
    assert stage.when == "refused" and stage.effect is Effect.adds
    (taken,) = stage.sanctions
    assert (taken.kind, taken.label) == (SanctionKind.confiscate_property, "没收超过限养数量的犬只")


@pytest.mark.parametrize(("text", "low", "high"), [
    # 产品质量法 Art. 49: a comma inside the parenthetical does not split the fine
    ("生产、销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品的，责令停止生产、销售，没收违法生产、"
     "销售的产品，并处违法生产、销售产品（包括已售出和未售出的产品，下同）货值金额等值以上三倍以下的罚款；有违法所得的，"
     "并处没收违法所得；情节严重的，吊销营业执照；构成犯罪的，依法追究刑事责任。", 1, 3),
    # 产品质量法 Art. 52
    ("销售失效、变质的产品的，责令停止销售，没收违法销售的产品，并处违法销售产品货值金额二倍以下的罚款；有违法所得的，"
     "并处没收违法所得；情节严重的，吊销营业执照；构成犯罪的，依法追究刑事责任。", None, 2),
])
def test_goods_value_multiple_of_product_quality_law(text: str, low, high) -> None:
    st = only(text)
    (fine,) = fines(st)
    assert (fine.base, fine.min, fine.max) == ("goods_value", low, high)
    assert {SanctionKind.confiscate_property, SanctionKind.confiscate_income} <= {s.kind for s in st.sanctions}
    assert st.serious is not None and st.serious.sanctions[0].kind is SanctionKind.revoke_licence


def test_ranges_by_list_item_of_the_previous_paragraph() -> None:
    # 水污染防治法 Art. 85 ¶2
    parsed = parse_clause("有前款第三项、第四项、第六项、第七项、第八项行为之一的，处二万元以上二十万元以下的罚款。有前款第一项、"
                          "第二项、第五项、第九项行为之一的，处十万元以上一百万元以下的罚款；情节严重的，报经有批准权的人民政府"
                          "批准，责令停业、关闭。")
    assert parsed.ok
    first, second = parsed.variants
    assert first.reference == "前款第三项、第四项、第六项、第七项、第八项"
    assert (first.statutory.sanctions[0].min, first.statutory.serious) == (20000, None)
    assert second.reference == "前款第一项、第二项、第五项、第九项"
    assert second.statutory.sanctions[0].max == 1000000 and second.statutory.serious is not None


def test_party_ranges_by_the_actor_of_the_violation() -> None:
    # 物业管理条例 Art. 63 ¶2
    st = only("个人有前款规定行为之一的，处1000元以上1万元以下的罚款；单位有前款规定行为之一的，处5万元以上20万元以下的"
              "罚款。")
    assert {s.party: (s.min, s.max) for s in fines(st)} == {
        PartyScope.individual: (1000, 10000), PartyScope.organization: (50000, 200000)}
    # 消防法 Art. 60 ¶2: only the violation names its actor: the clause is for it, no party split
    st = only("个人有前款第二项、第三项、第四项、第五项行为之一的，处警告或者五百元以下罚款。")
    assert {s.party for s in st.sanctions} == {PartyScope.any}


def test_the_same_act_by_another_actor_and_warning_or_fine() -> None:
    # 丽水市文明行为促进条例 Art. 26 ¶1
    parsed = parse_clause("违反本条例第十一条第三项规定，机动车行驶过程中驾驶人向车外抛撒物品的，由公安机关交通管理部门处五十元"
                          "以上二百元以下罚款；乘车人向车外抛撒物品的，由公安机关交通管理部门处警告或者五十元罚款。")
    assert parsed.ok
    driver, passenger = parsed.variants
    assert driver.reference == passenger.reference == "本条例第十一条第三项"
    assert driver.subject is None and passenger.subject == "乘车人"
    assert [(s.kind, s.mode, s.max) for s in driver.statutory.sanctions] == [(SanctionKind.fine, Mode.shall, 200)]
    # 处警告或者五十元罚款: either kind may be imposed
    assert [(s.kind, s.mode, s.min, s.max) for s in passenger.statutory.sanctions] == [
        (SanctionKind.warning, Mode.may, None, None), (SanctionKind.fine, Mode.may, 50, 50)]
    assert any("alternative" in n for n in parsed.notes)
    # a consequence is not another actor: it is the serious range of the same act
    parsed = parse_clause("违反本条例第九条规定倾倒垃圾的，处五十元罚款；造成严重后果的，处五百元罚款。")
    assert parsed.ok and len(parsed.variants) == 1
    assert parsed.variants[0].statutory.serious is not None


def test_range_for_a_group_of_the_violators() -> None:
    # 丽水市烟花爆竹经营燃放管理规定 Art. 16: 其中，从事婚庆、殡葬等服务的单位和个人…的，处…
    parsed = parse_clause("违反本规定第三条、第四条或者第十二条第一款规定燃放烟花爆竹的，由公安机关责令停止燃放，处一百元以上五百"
                          "元以下的罚款；其中，从事婚庆、殡葬等服务的单位和个人开展经营活动中提供燃放烟花爆竹服务的，处一千元以上"
                          "五千元以下的罚款。")
    assert parsed.ok
    everyone, services = parsed.variants
    assert everyone.subject is None and everyone.statutory.sanctions[0].max == 500
    assert services.subject == "从事婚庆、殡葬等服务的单位和个人开展经营活动中提供燃放烟花爆竹服务"
    assert services.reference == everyone.reference == "本规定第三条、第四条或者第十二条第一款"
    assert (services.statutory.sanctions[0].min, services.statutory.sanctions[0].max) == (1000, 5000)
    # 其中，造成严重后果的 is a consequence, not a group: it gives the serious range
    serious = only("违反本条规定的，处一百元罚款；其中，造成严重后果的，处一千元罚款。").serious
    assert serious is not None and [s.max for s in serious.sanctions] == [1000]


def test_fines_only_when_serious_consequences_are_the_serious_range() -> None:
    """造成严重后果的，并处… (丽水市传统村落保护条例 Art. 36): the base range has no fine."""
    st = only("违反本条例第二十四条第一项规定，擅自拆除、迁建传统建筑的，由住房和城乡建设主管部门责令停止违法行为，"
              "限期恢复原状或者采取其他补救措施；有违法所得的，没收违法所得；造成严重后果的，"
              "对单位并处五万元以上二十万元以下的罚款，对个人并处二万元以上十万元以下的罚款。")
    assert [s.kind for s in st.sanctions] == [SanctionKind.confiscate_income]
    assert st.serious is not None
    by_party = {s.party: (s.min, s.max) for s in fines(st.serious)}
    assert by_party == {PartyScope.organization: (50000, 200000),
                        PartyScope.individual: (20000, 100000)}


# --- stages, thresholds, caps, payers, serious effect, labels (texts copied from the corpus) ------


def test_threshold_of_the_fallback_range() -> None:
    # 道路运输条例 (2023) Art. 65 ¶1
    st = only("违反本条例的规定，未经许可擅自从事道路旅客运输站（场）经营的，由县级以上地方人民政府交通运输主管部门责令"
              "停止经营；有违法所得的，没收违法所得，处违法所得2倍以上10倍以下的罚款；没有违法所得或者违法所得不足1万元"
              "的，处2万元以上5万元以下的罚款；构成犯罪的，依法追究刑事责任。")
    (fine,) = fines(st)
    assert (fine.base, fine.min, fine.max, fine.threshold) == ("illegal_income", 2, 10, 10000)
    assert fine.fallback is not None and (fine.fallback.min, fine.fallback.max) == (20000, 50000)
    # without 不足…: a fallback and no threshold
    (bare,) = fines(only("违反本法第三十条规定的，没收违法所得，并处违法所得一倍以上五倍以下罚款；没有违法所得的，处一万元以下罚款。"))
    assert bare.fallback is not None and bare.threshold is None


def test_base_counted_as_the_threshold() -> None:
    # 医师法 Art. 59: 违法所得不足一万元的，按一万元计算
    st = only("违反本法规定，非医师行医的，由县级以上人民政府卫生健康主管部门责令停止非法执业活动，没收违法所得和药品、"
              "医疗器械，并处违法所得二倍以上十倍以下的罚款，违法所得不足一万元的，按一万元计算。")
    (fine,) = fines(st)
    assert fine.threshold == 10000 and fine.fallback is not None
    assert (fine.fallback.min, fine.fallback.max) == (20000, 100000)


def test_cap_in_yuan() -> None:
    # 浙江省实施《人民防空法》办法 Art. 29
    st = only("违反本办法第十二条规定，新建地面民用建筑不建或者少建防空地下室的，由县级以上人民防空主管部门给予警告，"
              "责令限期修建、补建或者按照规定缴纳人民防空工程易地建设费，并可以按照应建防空地下室面积每平方米四十元以上"
              "八十元以下的标准处以罚款，但最高不得超过十万元。")
    (fine,) = fines(st)
    assert (fine.per, fine.min, fine.max, fine.cap, fine.mode) == ("area_m2", 40, 80, 100000, Mode.may)
    assert SanctionKind.warning in {s.kind for s in st.sanctions}


SAFETY_99 = ("生产经营单位有下列行为之一的，责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款，"
             "对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款；情节严重的，责令停产停业整顿；构成犯罪的，"
             "依照刑法有关规定追究刑事责任:")


def test_overdue_stage_with_responsible_persons() -> None:
    # 安全生产法 Art. 99 ¶1: the base at once, the overdue stage, the persons of the unit in it
    parsed = parse_clause(SAFETY_99.rstrip(":"))
    st = parsed.statutory
    assert parsed.ok and st is not None
    assert (st.correction, st.applies_when) == (Correction.deadline, AppliesWhen.always)
    (base,) = st.sanctions
    assert (base.kind, base.max, base.on) == (SanctionKind.fine, 50000, Payer.party)
    (stage,) = st.stages
    assert stage.when == "overdue" and stage.effect is Effect.adds
    assert [(s.on, s.min, s.max) for s in stage.sanctions] == [
        (Payer.party, 50000, 200000), (Payer.responsible, 10000, 20000)]
    assert st.serious is not None and st.serious.effect is Effect.adds
    (suspend,) = st.serious.sanctions
    assert (suspend.kind, suspend.label) == (SanctionKind.suspend_business, "责令停产停业整顿")
    assert "责令停产停业整顿" in parsed.sure_labels


def test_serious_adds_with_statute_label() -> None:
    # 娱乐场所管理条例 Art. 48
    parsed = parse_clause("违反本条例规定，有下列情形之一的，由县级人民政府文化主管部门没收违法所得和非法财物，并处违法所得1倍以上3倍"
                          "以下的罚款；没有违法所得或者违法所得不足1万元的，并处1万元以上3万元以下的罚款；情节严重的，责令停业"
                          "整顿1个月至6个月")
    st = parsed.statutory
    assert parsed.ok and st is not None
    kinds = [s.kind for s in st.sanctions]
    assert kinds == [SanctionKind.confiscate_income, SanctionKind.confiscate_property, SanctionKind.fine]
    assert st.sanctions[1].label is None  # 非法财物: the kind's own words
    assert st.sanctions[2].threshold == 10000
    assert st.serious is not None and st.serious.effect is Effect.adds
    (suspend,) = st.serious.sanctions
    assert suspend.label == "责令停业整顿1个月至6个月" and suspend.label in parsed.sure_labels


def test_serious_replaces_an_alternative() -> None:
    # 消防法 Art. 63: 处警告或者…罚款；情节严重的 → the serious range instead of the alternatives
    st = only("违反本法规定，有下列行为之一的，处警告或者五百元以下罚款；情节严重的，处五日以下拘留")
    assert st.serious is not None and st.serious.effect is Effect.replaces
    assert [s.kind for s in st.serious.sanctions] == [SanctionKind.detention]
    # a fine that takes the place of the fine: adds
    st = only("违反本条例第九条规定的，责令改正，处一千元以上五千元以下罚款；情节严重的，处五千元以上二万元以下罚款。")
    assert st.serious is not None and st.serious.effect is Effect.adds


def test_fine_on_the_principal() -> None:
    # 烟花爆竹安全管理条例 Art. 39
    st = only("生产、经营、使用黑火药、烟火药、引火线的企业，丢失黑火药、烟火药、引火线未及时向当地安全生产监督管理部门和"
              "公安部门报告的，由公安部门对企业主要负责人处5000元以上2万元以下的罚款，对丢失的物品予以追缴。")
    (fine,) = st.sanctions
    assert (fine.on, fine.min, fine.max, fine.party) == (Payer.principal, 5000, 20000, PartyScope.any)
    # 安全生产法 Art. 94: the clause's actor is the principal; the suspension falls on the unit
    st = only("生产经营单位的主要负责人未履行本法规定的安全生产管理职责的，责令限期改正，处二万元以上五万元以下的罚款；"
              "逾期未改正的，处五万元以上十万元以下的罚款，责令生产经营单位停产停业整顿。")
    assert [(s.kind, s.on) for s in st.sanctions] == [(SanctionKind.fine, Payer.principal)]
    assert [(s.kind, s.on) for s in st.stages[0].sanctions] == [
        (SanctionKind.fine, Payer.principal), (SanctionKind.suspend_business, Payer.party)]


def test_refused_escalation_and_persons_sentence() -> None:
    # 安全生产法 Art. 108: the persons' fine after ；continues 拒不改正的
    st = only("违反本法规定，生产经营单位拒绝、阻碍负有安全生产监督管理职责的部门依法实施监督检查的，责令改正；拒不改正的，"
              "处二万元以上二十万元以下的罚款；对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款；"
              "构成犯罪的，依照刑法有关规定追究刑事责任。")
    assert st.applies_when is AppliesWhen.refused and not st.stages
    assert [(s.on, s.max) for s in st.sanctions] == [(Payer.party, 200000), (Payer.responsible, 20000)]
    # 丽水市城市养犬管理规定 Art. 29: fines at once, 拒不改正的 → a refused stage 没收犬只
    parsed = parse_clause("违反本规定第十二条或者第十八条规定，未按照规定办理养犬登记或者延续登记的，由综合行政执法部门责令改正，"
                          "对个人处二百元以上一千元以下罚款，对单位处一千元以上五千元以下罚款；拒不改正的，没收犬只。")
    st = parsed.statutory
    assert parsed.ok and st is not None and st.applies_when is AppliesWhen.always
    (stage,) = st.stages
    assert stage.when == "refused"
    assert [(s.kind, s.label) for s in stage.sanctions] == [(SanctionKind.confiscate_property, "没收犬只")]
    assert "没收犬只" in parsed.sure_labels
    # 农药管理条例 Art. 54: 拒不改正或者情节严重的 → both the refused stage and the serious range
    st = only("农药生产企业不执行原材料进货、农药出厂销售记录制度，或者不履行农药废弃物回收义务的，由县级以上地方人民政府农业"
              "主管部门责令改正，处1万元以上5万元以下罚款；拒不改正或者情节严重的，由发证机关吊销农药生产许可证和相应的农药登记证。")
    assert [s.when for s in st.stages] == ["refused"] and st.serious is not None
    assert st.stages[0].sanctions[0].kind is SanctionKind.revoke_licence
    assert st.serious.sanctions[0].label == "吊销农药生产许可证和相应的农药登记证"


def test_gradation_up_to_revocation() -> None:
    # 建设工程安全生产管理条例 Art. 56: the steps before 直至 are imposed, the last is the most
    # the authority may impose
    st = only("违反本条例的规定，勘察单位、设计单位有下列行为之一的，责令限期改正，处10万元以上30万元以下的罚款；情节严重的，"
              "责令停业整顿，降低资质等级，直至吊销资质证书")
    assert st.serious is not None
    assert [(s.kind, s.mode) for s in st.serious.sanctions] == [
        (SanctionKind.suspend_business, Mode.shall), (SanctionKind.downgrade_qualification, Mode.shall),
        (SanctionKind.revoke_licence, Mode.may)]
    # 医师法 Art. 56: inside one fragment; 暂停执业活动 is 限制从业 with the statute's words
    st = only("违反本法规定，医师在执业活动中有下列行为之一的，由县级以上人民政府卫生健康主管部门责令改正，给予警告，没收违法所得，"
              "并处一万元以上三万元以下的罚款；情节严重的，责令暂停六个月以上一年以下执业活动直至吊销医师执业证书")
    assert st.serious is not None
    assert [(s.kind, s.mode, s.label) for s in st.serious.sanctions] == [
        (SanctionKind.revoke_licence, Mode.may, "吊销医师执业证书"),
        (SanctionKind.bar_from_trade, Mode.shall, "责令暂停六个月以上一年以下执业活动")]
    # 价格违法行为行政处罚规定 Art. 7: …，或者… is a choice: each may
    st = only("经营者违反价格法第十四条的规定，利用虚假的或者使人误解的价格手段，诱骗消费者或者其他经营者与其进行交易的，"
              "责令改正，没收违法所得，并处违法所得5倍以下的罚款；没有违法所得的，处5万元以上50万元以下的罚款；情节严重的，"
              "责令停业整顿，或者由工商行政管理机关吊销营业执照。")
    assert st.serious is not None
    assert [(s.kind, s.mode) for s in st.serious.sanctions] == [
        (SanctionKind.suspend_business, Mode.may), (SanctionKind.revoke_licence, Mode.may)]


def test_alternative_kinds_in_one_fragment_are_each_may() -> None:
    # 责令停业整顿或者吊销许可证: the authority chooses one of two penalty kinds
    st = only("违反本规定第十条规定的，责令停业整顿或者吊销许可证。")
    assert [(s.kind, s.mode) for s in st.sanctions] == [
        (SanctionKind.revoke_licence, Mode.may), (SanctionKind.suspend_business, Mode.may)]
    # 责令其办理经营范围变更登记或者吊销其营业执照: a choice with an order that is no penalty
    st = only("生产、储存、使用危险化学品的单位有下列情形之一的，由安全生产监督管理部门责令改正，处5万元以上10万元以下的罚款；"
              "拒不改正的，责令停产停业整顿直至由原发证机关吊销其相关许可证件，并由工商行政管理部门责令其办理经营范围变更登记"
              "或者吊销其营业执照")
    refused = st.stages[0].sanctions
    assert [(s.kind, s.mode, s.label) for s in refused] == [
        (SanctionKind.revoke_licence, Mode.may, "吊销相关许可证件"),
        (SanctionKind.suspend_business, Mode.shall, "责令停产停业整顿直至由原发证机关吊销其相关许可证件"),
        (SanctionKind.revoke_licence, Mode.may, "吊销营业执照")]
    # 责令停止建设或者停产停业整顿: two stops, one of which is imposed
    st = only("违反本法规定，生产经营单位有下列行为之一的，责令停止建设或者停产停业整顿，限期改正，并处十万元以上五十万元以下的罚款")
    assert (st.sanctions[0].kind, st.sanctions[0].mode) == (SanctionKind.suspend_business, Mode.shall)


def test_refused_or_serious_alone_is_one_condition() -> None:
    # 农药管理条例 Art. 58: nothing before 拒不改正或者情节严重的: either opens the clause
    st = only("农药经营者有下列行为之一的，由县级以上地方人民政府农业主管部门责令改正；拒不改正或者情节严重的，处2000元以上2万元"
              "以下罚款，并由发证机关吊销农药经营许可证：")
    assert st.applies_when is AppliesWhen.refused_or_serious and st.serious is None and not st.stages
    assert [s.kind for s in st.sanctions] == [SanctionKind.fine, SanctionKind.revoke_licence]


def test_a_stop_is_a_penalty_only_as_a_later_layer() -> None:
    # 消防法 Art. 66: 逾期不改正的，责令停止使用 — the stop is the penalty, in the statute's words
    st = only("电器产品、燃气用具的安装、使用不符合消防技术标准和管理规定的，责令限期改正；逾期不改正的，责令停止使用，"
              "可以并处一千元以上五千元以下罚款。")
    assert st.applies_when is AppliesWhen.overdue
    assert next((s.kind, s.label) for s in st.sanctions) == (SanctionKind.suspend_business, "责令停止使用")
    # 噪声污染防治法 Art. 83: 拒不改正的，责令暂停销售
    st = only("违反本法规定，有下列行为之一，由县级以上地方人民政府房产管理部门责令改正，处一万元以上五万元以下的罚款；"
              "拒不改正的，责令暂停销售：")
    assert [(s.kind, s.label) for s in st.stages[0].sanctions] == [
        (SanctionKind.restrict_business, "责令暂停销售")]
    # 公路法 Art. 76 style: at the head of the clause the stop ends the violation (an order)
    st = only("违反本法第四十七条规定，从事危及公路安全的作业的，由交通主管部门责令停止施工，并可以处五万元以下罚款")
    assert [s.kind for s in st.sanctions] == [SanctionKind.fine]


def test_a_group_of_the_units_persons_is_responsible() -> None:
    # 固体废物污染环境防治法 Art. 114 ¶2
    st = only("未按照许可证规定从事收集、贮存、利用、处置危险废物经营活动的，由生态环境主管部门责令改正，限制生产、停产整治，"
              "处五十万元以上二百万元以下的罚款；对法定代表人、主要负责人、直接负责的主管人员和其他责任人员，处五万元以上"
              "五十万元以下的罚款")
    assert [(s.on, s.min, s.max) for s in st.sanctions if s.kind is SanctionKind.fine] == [
        (Payer.party, 500000, 2000000), (Payer.responsible, 50000, 500000)]
