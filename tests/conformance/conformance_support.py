"""Shared engine, strategies and helpers of the regulation conformance suite.

One Engine over the bundled catalog (``catalogs/lishui-2022``) with a fixed ``today`` is shared
by every module; the strategies build *valid* cases (per ``discretion.case.Case``) over every
benchmark item of that catalog.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, FactDecl
from discretion.decision import Decision
from discretion.engine.engine import Engine
from discretion.law.citations import APL

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2023, 1, 1)

ENGINE = Engine(Catalog.load(ROOT / "catalogs" / "lishui-2022"), today=TODAY)
ITEM_IDS: list[str] = sorted(ENGINE.catalog.benchmarks)

PROPERTY = settings(max_examples=150, deadline=None)

CIRCUMSTANCES = ["eliminated_harm", "coerced", "confessed_unknown", "meritorious",
                 "emergency_measures"]
ART32_CIRCUMSTANCES = ["eliminated_harm", "coerced", "confessed_unknown", "meritorious"]
HARMS = ["none", "minor", "ordinary", "serious"]
CORRECTIONS = ["in_time", "pending", "overdue", "refused"]
# Art. 36: not established, established neither, or what the act involves
INVOLVES: list[list[str] | None] = [None, [], ["life_health"], ["financial_security"],
                                    ["life_health", "financial_security"]]


def item(item_id: str) -> BenchmarkItem:
    return ENGINE.catalog.benchmarks[item_id]


# --- strategies --------------------------------------------------------------------------

def _decimal_str(max_value: int = 500) -> st.SearchStrategy[str]:
    return st.integers(0, max_value * 100).map(lambda cents: str(Decimal(cents) / 100))


def _money_str(max_value: int = 100_000) -> st.SearchStrategy[str]:
    return st.integers(0, max_value * 100).map(
        lambda cents: str((Decimal(cents) / 100).quantize(Decimal("0.01"))))


def fact_value(decl: FactDecl) -> st.SearchStrategy[Any]:
    if decl.type == "integer":
        return st.integers(0, 500)
    if decl.type == "number":
        return _decimal_str()
    if decl.type == "money":
        return _money_str()
    if decl.type == "boolean":
        return st.booleans()
    if decl.type == "enum":
        return st.sampled_from(list(decl.values or ()))
    return st.text("abc", min_size=1, max_size=5)  # text


@st.composite
def facts_for(draw: st.DrawFn, item_ids: list[str]) -> dict[str, Any]:
    """A value for every declared fact of the item(s), plus an optional illegal income."""
    # Art. 29 cases: several items may declare the same name with different numeric types; a
    # whole number suits every one of them, two decimals suit money and number.
    rank = {"integer": 0, "money": 1, "number": 2}
    chosen: dict[str, FactDecl] = {}
    for item_id in item_ids:
        for decl in item(item_id).facts:
            known = chosen.get(decl.name)
            if known is None or rank.get(decl.type, 9) < rank.get(known.type, 9):
                chosen[decl.name] = decl
    facts: dict[str, Any] = {name: draw(fact_value(decl)) for name, decl in chosen.items()}
    income = draw(st.none() | _money_str(5000))
    if income is not None:
        facts["illegal_income"] = income
    return facts


@st.composite
def parties(draw: st.DrawFn, kind: str | None = None, age: st.SearchStrategy[int] | None = None,
            capacity: str | None = None) -> dict[str, Any]:
    kind = kind or draw(st.sampled_from(["individual", "organization"]))
    if kind == "organization":
        return {"kind": "organization"}
    return {"kind": "individual",
            "age": draw(age if age is not None else st.integers(0, 90)),
            "capacity": capacity or draw(st.sampled_from(["full", "partial", "none"]))}


@st.composite
def cases(draw: st.DrawFn, *, item_ids: st.SearchStrategy[str | list[str]] | None = None,
          party: st.SearchStrategy[dict[str, Any]] | None = None,
          late_discovery: bool | None = None,
          harm: str | None = None,
          correction: str | st.SearchStrategy[str] | None = None,
          no_fault_proven: bool | None = None,
          circumstances: st.SearchStrategy[list[str]] | None = None,
          involves: st.SearchStrategy[list[str] | None] | None = None) -> dict[str, Any]:
    """A valid case mapping for the bundled catalog.

    ``late_discovery``: True → discovered more than two years after the act; False → within
    two years (no Art. 36 expiry possible); None → either (mostly within).
    """
    chosen = draw(item_ids if item_ids is not None else st.sampled_from(ITEM_IDS))
    ids = [chosen] if isinstance(chosen, str) else list(chosen)
    # an act before a day whose earlier text the catalog lacks is refused (Art. 37):
    # test_art37_versions covers that; here acts fall where every named item is decided
    first = max([dt.date(2021, 1, 1)] + [gap.before for i in ids
                                         if (gap := item(i).not_encoded_before) is not None])
    occurred = draw(st.dates(first, max(first, dt.date(2022, 12, 31))))
    ended = draw(st.none() | st.integers(0, 60).map(lambda d: occurred + dt.timedelta(days=d)))
    start = ended or occurred
    two_years = start.replace(year=start.year + 2) if not (start.month == 2 and start.day == 29) \
        else start.replace(year=start.year + 2, day=28)
    if late_discovery is True:
        discovered = draw(st.integers(1, 330).map(lambda d: two_years + dt.timedelta(days=d)))
        decided = discovered + dt.timedelta(days=draw(st.integers(0, 30)))
        discovered_on: dt.date | None = discovered  # late discovery is never assumed
    else:
        if late_discovery is False:
            last = two_years
        else:
            last = occurred + dt.timedelta(days=3 * 365)
        decided = draw(st.dates(occurred + dt.timedelta(days=max(3, (start - occurred).days)),
                                max(last, occurred + dt.timedelta(days=3))))
        if decided > two_years and late_discovery is False:
            decided = two_years
        discovered_on = draw(st.none() | st.dates(occurred, decided))
    case: dict[str, Any] = {
        "item": chosen,
        "party": draw(party if party is not None else parties()),
        "occurred_on": occurred.isoformat(),
        "decided_on": decided.isoformat(),
        "first_offense": draw(st.booleans()),
        "harm": harm or draw(st.sampled_from(HARMS)),
        "correction": correction if isinstance(correction, str)
        else draw(correction if correction is not None else st.sampled_from(CORRECTIONS)),
        "no_fault_proven": no_fault_proven if no_fault_proven is not None
        else draw(st.sampled_from([False, False, False, True])),
        "circumstances": draw(circumstances if circumstances is not None
                              else st.lists(st.sampled_from(CIRCUMSTANCES), unique=True)),
        "facts": draw(facts_for(ids)),
    }
    involved = draw(involves if involves is not None else st.sampled_from(INVOLVES))
    if involved is not None:
        case["involves"] = involved
    if ended is not None:
        case["ended_on"] = ended.isoformat()
    if discovered_on is not None:
        case["discovered_on"] = discovered_on.isoformat()
    return case


def several_items() -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(ITEM_IDS), min_size=2, max_size=3, unique=True)


# --- helpers -----------------------------------------------------------------------------

def decide(case: dict[str, Any]) -> Decision:
    return ENGINE.evaluate(case)


def cites(decision: Decision, article: int, paragraph: int | None = None) -> bool:
    """Whether a ground of the decision cites 行政处罚法 art. ``article`` (¶ ``paragraph``)."""
    return any(g.citation.law == APL and g.citation.article == article
               and (paragraph is None or g.citation.paragraph == paragraph)
               for g in decision.grounds)


def limitation_expired(case: dict[str, Any]) -> bool | None:
    """Art. 36 computed independently of the engine from the case mapping: ``None`` when it
    depends on a date of discovery the case does not give (the engine never assumes one)."""
    start = dt.date.fromisoformat(case.get("ended_on") or case["occurred_on"])

    def plus(years: int) -> dt.date:
        try:
            return start.replace(year=start.year + years)
        except ValueError:
            return start.replace(year=start.year + years, day=28)

    if case.get("discovered_on") is None:
        decided = case.get("decided_on")
        if decided is not None and dt.date.fromisoformat(decided) <= plus(2):
            return False
        return None
    discovered = dt.date.fromisoformat(case["discovered_on"])
    if discovered <= plus(2):
        return False
    ids = [case["item"]] if isinstance(case["item"], str) else case["item"]
    if item(ids[0]).five_year_limitation:
        # the item may involve life/health or financial security; the case establishes it
        if case.get("involves") is None:
            return None
        if case["involves"] and case["harm"] != "none":
            return discovered > plus(5)
    return True


def fines(decision: Decision) -> list[tuple[Decimal, Decimal]]:
    """The recommended fines on the party itself (not on its responsible persons)."""
    return [(Decimal(s.fine.min), Decimal(s.fine.max))
            for s in decision.recommended if s.kind == "fine" and s.fine is not None and s.on is None]


def max_fine(decision: Decision) -> Decimal | None:
    found = fines(decision)
    return max(high for _, high in found) if found else None


def adults_or_organizations() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(parties(kind="organization"),
                     parties(kind="individual", age=st.integers(18, 90), capacity="full"))


def any_cases() -> st.SearchStrategy[dict[str, Any]]:
    """Valid cases, half of them biased towards a penalty (adult or organisation, within the
    limitation period, no proven lack of fault, correction overdue or refused)."""
    return st.one_of(cases(), cases(party=adults_or_organizations(), late_discovery=False,
                                    no_fault_proven=False,
                                    correction=st.sampled_from(["overdue", "refused"])))
