"""The names a catalog condition may read, and how a case supplies each of them.

Base names come from the case contract (``first_offense``, ``harm``, ``correction``,
``party_kind``, ``age``, ``capacity``, ``no_fault_proven``, ``duration_days``), the standard money
facts (``illegal_income``, ``goods_value``), the circumstance codes (built-in and those the
manifest declares, each a boolean) and the facts an item declares.
"""

from __future__ import annotations

from discretion.catalog.models import BenchmarkItem, FactDecl, Manifest
from discretion.conditions.typecheck import FactType, Vocabulary

# The circumstance codes the Administrative Penalty Law gives every catalog and case: Art. 32
# grounds, Art. 49 and Art. 58 ¶1; a manifest may declare more.
BUILTIN_CIRCUMSTANCES: dict[str, str] = {
    "eliminated_harm": "主动消除或者减轻违法行为危害后果",
    "coerced": "受他人胁迫或者诱骗实施违法行为",
    "confessed_unknown": "主动供述行政机关尚未掌握的违法行为",
    "meritorious": "配合行政机关查处违法行为有立功表现",
    "emergency_measures": "违反突发事件应对措施",
    # Art. 58 ¶1: what makes legal review (法制审核) required, where the case establishes it
    "major_public_interest": "涉及重大公共利益",
    "hearing_held": "经过听证程序",
    "complex_case": "案件情况疑难复杂、涉及多个法律关系",
}

BASE_NAMES: dict[str, FactType] = {
    "first_offense": FactType("boolean", label="初次违法"),
    "harm": FactType("enum", ("none", "minor", "ordinary", "serious"), label="危害后果"),
    "correction": FactType("enum", ("in_time", "pending", "overdue", "refused"), label="改正情况"),
    "party_kind": FactType("enum", ("individual", "organization"), label="当事人类型"),
    "age": FactType("number", label="年龄"),
    "capacity": FactType("enum", ("full", "partial", "none"), label="责任能力"),
    "no_fault_proven": FactType("boolean", label="足以证明没有主观过错"),
    "duration_days": FactType("number", label="违法行为持续天数"),
}

STANDARD_FACTS: dict[str, FactDecl] = {
    "illegal_income": FactDecl(name="illegal_income", type="money", label="违法所得", unit="元"),
    "goods_value": FactDecl(name="goods_value", type="money", label="货值金额", unit="元"),
}

# Where each base name lives in the case, for needs_facts paths.
BASE_PATHS: dict[str, str] = {
    "first_offense": "first_offense",
    "harm": "harm",
    "correction": "correction",
    "party_kind": "party.kind",
    "age": "party.age",
    "capacity": "party.capacity",
    "no_fault_proven": "no_fault_proven",
    "duration_days": "ended_on",
}


def fact_type(decl: FactDecl) -> FactType:
    if decl.type in ("number", "integer", "money"):
        return FactType("number", label=decl.label)
    if decl.type == "enum":
        return FactType("enum", tuple(decl.values or ()), label=decl.label)
    return FactType(decl.type, label=decl.label)


def circumstance_codes(manifest: Manifest) -> dict[str, str]:
    codes = dict(BUILTIN_CIRCUMSTANCES)
    codes.update({c.code: c.label for c in manifest.circumstances})
    return codes


def item_facts(item: BenchmarkItem) -> dict[str, FactDecl]:
    """Facts a case may give for ``item``: its declared ones plus the standard money facts."""
    facts = dict(STANDARD_FACTS)
    facts.update({f.name: f for f in item.facts})
    return facts


def vocabulary_for(item: BenchmarkItem, manifest: Manifest) -> Vocabulary:
    names: dict[str, FactType] = dict(BASE_NAMES)
    for code, label in circumstance_codes(manifest).items():
        names[code] = FactType("boolean", label=label)
    for name, decl in item_facts(item).items():
        names[name] = fact_type(decl)
    return Vocabulary(names)
