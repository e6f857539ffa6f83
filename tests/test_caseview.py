"""CaseView (law/caseview.py) holds every field of a validated Case, and its helpers agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from discretion.case import Case, Party
from discretion.law.caseview import CaseView, PartyView

DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


def case_of(**fields: Any) -> Case:
    data: dict[str, Any] = {"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 30},
                            "occurred_on": "2022-03-01"}
    data.update(fields)
    return Case.model_validate(data)


def test_every_field_of_the_case_and_party_is_in_the_view() -> None:
    case = case_of(citation=None, ended_on="2022-03-02", discovered_on="2022-03-05",
                   decided_on="2022-04-01", first_offense=True, harm="minor",
                   correction="overdue", no_fault_proven=True, circumstances=["coerced"],
                   facts={"item_count": 5}, reference="甲-1",
                   party={"kind": "individual", "age": 16, "capacity": "partial", "name": "张三"})
    view = CaseView(case)
    for name in Case.model_fields:
        if name == "party":
            continue
        assert getattr(view, name) == getattr(case, name), name
    assert isinstance(view.party, PartyView)
    for name in Party.model_fields:
        assert getattr(view.party, name) == getattr(case.party, name), name
    # the containers are the case's own (the view copies no data)
    assert view.facts is case.facts and view.circumstances is case.circumstances


def test_a_citation_and_several_items_are_kept() -> None:
    cited = CaseView(case_of(item=None, citation={"law": "中华人民共和国行政处罚法", "article": 30}))
    assert cited.citation is not None and cited.citation.article == 30
    assert cited.item_ids == []
    several = CaseView(case_of(item=["A", "B"]))
    assert several.item_ids == ["A", "B"]
    assert CaseView(case_of()).item_ids == ["LS-SRHJ-0001"]


@given(occurred=DATES, decided=st.none() | DATES, discovered=st.none() | DATES,
       today=st.none() | DATES)
def test_date_helpers_agree_with_the_case(occurred: dt.date, decided: dt.date | None,
                                          discovered: dt.date | None,
                                          today: dt.date | None) -> None:
    case = Case.model_construct(item="X", party=Party(kind="individual"), occurred_on=occurred,
                                decided_on=decided, discovered_on=discovered, ended_on=None,
                                citation=None, first_offense=None, harm=None, correction=None,
                                no_fault_proven=False, circumstances=[], facts={}, reference=None)
    view = CaseView(case)
    assert view.decision_date(today) == case.decision_date(today)
    assert view.discovery_date(today) == case.discovery_date(today)
