"""The decision contract: what the engine answers for one case.

Keys are fixed (``docs/schema/decision.schema.json``). Money is written as decimal strings in
yuan with two decimals. ``outcome`` is ``None`` only when ``needs_facts`` says what is missing.

The records are plain (slotted) dataclasses, cheap to build in the engine's hot path; pydantic
serialises them (:meth:`Decision.to_json`) and derives their JSON Schema. Every record but
:class:`Decision` and :class:`NeedsFacts` is frozen: the engine shares the ones that only read
the catalog (an item's statutory sanctions, its trace steps) between decisions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from discretion.catalog.models import Citation

Outcome = Literal["not_penalized", "penalized", "correction_only"]


@dataclass(slots=True, frozen=True)
class Ground:
    """A legal ground of the decision: a structured citation and the reason it applies."""

    citation: Citation
    reason: str


@dataclass(slots=True, frozen=True)
class Money:
    """A fine range in yuan, as decimal strings with two decimals."""

    min: str
    max: str


def _absent(value: object) -> bool:
    return value is None


@dataclass(slots=True, frozen=True)
class SanctionOut:
    """A sanction, statutory or recommended; fines carry their range in yuan.

    ``on`` names whom the sanction falls on when that is not the party itself
    (``responsible``: 直接负责的主管人员和其他直接责任人员; ``principal``: 主要负责人); it is left
    out of the JSON for the party's own sanctions.
    """

    kind: str
    label: str
    mode: Literal["shall", "may"] = "shall"
    party: Literal["any", "individual", "organization"] = "any"
    fine: Money | None = None
    basis: str | None = None  # how the amount is computed, in words
    on: Annotated[Literal["responsible", "principal"] | None, Field(exclude_if=_absent)] = None
    # the provision that sets the amount where the penalty clause gives none (实施条例)
    source: Annotated[Citation | None, Field(exclude_if=_absent)] = None


@dataclass(slots=True, frozen=True)
class TierOut:
    index: int
    level: str
    description: str | None = None


@dataclass(slots=True, frozen=True)
class Adjustment:
    kind: Literal["lighter", "mitigated", "heavier"]
    mandatory: bool
    basis: Citation
    reason: str


@dataclass(slots=True, frozen=True)
class OptionOut:
    """Another lawful outcome the officer may choose instead of the recommendation, with the
    provision that allows it: not penalising (Art. 33 ¶1, second sentence), penalising where
    not penalising is only a "may", mitigating (减轻) where a ground allows 从轻或者减轻, the
    tier's own band (``unadjusted``) where only "may" grounds lightened it."""

    outcome: Literal["not_penalized", "penalized", "mitigated", "unadjusted"]
    basis: Citation
    reason: str


@dataclass(slots=True, frozen=True)
class FollowUpOut:
    code: str
    text: str


@dataclass(slots=True, frozen=True)
class Procedure:
    summary_allowed: bool
    hearing_right: bool
    legal_review: bool  # required by what the case establishes (Art. 58 ¶1)
    # the conditions of Art. 58 ¶1 the case does not settle, for the agency to judge
    legal_review_if: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class MissingFact:
    path: str
    label: str
    type: str


@dataclass(slots=True)
class NeedsFacts:
    facts: list[MissingFact]
    outcomes: list[str]
    tiers: list[str]
    range: Money | None = None


@dataclass(slots=True, frozen=True)
class TraceStep:
    rule: str
    detail: str
    citation: Citation | None = None


@dataclass(slots=True, frozen=True)
class CatalogRef:
    jurisdiction: str
    version: str
    sha256: str
    official: bool = False  # the tiers are an agency's published benchmark, not reference defaults


@dataclass(slots=True)
class Decision:
    outcome: Outcome | None
    mandatory: bool | None = None
    grounds: list[Ground] = field(default_factory=list)
    item: str | None = None
    tier: TierOut | None = None
    statutory: list[SanctionOut] = field(default_factory=list)
    recommended: list[SanctionOut] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    follow_up: list[FollowUpOut] = field(default_factory=list)
    procedure: Procedure | None = None
    needs_facts: NeedsFacts | None = None
    trace: list[TraceStep] = field(default_factory=list)
    catalog: CatalogRef | None = None
    reference: str | None = None
    options: list[OptionOut] = field(default_factory=list)
    # 应当从轻（减轻） and 应当从重 grounds together: how they were weighed, for the officer
    # (left out of the JSON when there is none)
    conflict: Annotated[str | None, Field(exclude_if=_absent)] = None

    @property
    def text(self) -> str:
        """The decision in Chinese, worded as ``discretion check`` prints it (with its 说理),
        for a case system to show as it is."""
        from discretion.render.text import decision_text

        return decision_text(self)

    def to_json(self, indent: int | None = 2, *, text: bool = False) -> str:
        """Deterministic JSON (same catalog and case give byte-identical output); with
        ``text``, the same with a last key ``text`` (:attr:`text`)."""
        if text:
            return _dict_adapter().dump_json(self.to_dict(text=True), indent=indent).decode("utf-8")
        return _adapter().dump_json(self, indent=indent).decode("utf-8")

    def to_json_bytes(self) -> bytes:
        """``to_json(indent=None)`` as UTF-8 bytes, without decoding and encoding it again
        (what ``check --batch`` writes)."""
        return _adapter().dump_json(self)

    def to_dict(self, *, text: bool = False) -> dict[str, Any]:
        """The decision as JSON-compatible Python data; with ``text``, with a last key ``text``
        too: the decision in Chinese (:attr:`text`), as ``check --json`` writes it."""
        data = _adapter().dump_python(self, mode="json")
        if text:
            data["text"] = self.text
        return data


DECISION_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Decision))


@cache
def _adapter() -> TypeAdapter[Decision]:
    return TypeAdapter(Decision)


@cache
def _dict_adapter() -> TypeAdapter[dict[str, Any]]:
    return TypeAdapter(dict[str, Any])


def decision_schema() -> dict[str, Any]:
    """The JSON Schema of the decision contract, with ``text`` (present in ``check --json``,
    the HTTP service and ``to_dict(text=True)``; not in batch lines)."""
    schema = _adapter().json_schema(mode="serialization")
    schema.setdefault("properties", {})["text"] = {
        "type": "string", "title": "Text",
        "description": "The decision worded in Chinese as `discretion check` prints it; in "
                       "check --json, the HTTP service and to_dict(text=True), not in batch lines"}
    return schema
