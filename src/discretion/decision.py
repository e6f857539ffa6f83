"""The decision contract: what the engine answers for one case.

Keys are fixed (``docs/schema/decision.schema.json``). Money is written as decimal strings in
yuan with two decimals. ``outcome`` is ``None`` only when ``needs_facts`` says what is missing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from discretion.catalog.models import Citation


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ground(_Out):
    """A legal ground of the decision: a structured citation and the reason it applies."""

    citation: Citation
    reason: str


class Money(_Out):
    min: str
    max: str


class SanctionOut(_Out):
    """A sanction, statutory or recommended; fines carry their range in yuan."""

    kind: str
    label: str
    mode: Literal["shall", "may"] = "shall"
    party: Literal["any", "individual", "organization"] = "any"
    fine: Money | None = None
    basis: str | None = Field(default=None, description="How the amount is computed, in words")


class TierOut(_Out):
    index: int
    level: str
    description: str | None = None


class Adjustment(_Out):
    kind: Literal["lighter", "mitigated", "heavier"]
    mandatory: bool
    basis: Citation
    reason: str


class FollowUpOut(_Out):
    code: str
    text: str


class Procedure(_Out):
    summary_allowed: bool
    hearing_right: bool
    legal_review: bool


class MissingFact(_Out):
    path: str
    label: str
    type: str


class NeedsFacts(_Out):
    facts: list[MissingFact]
    outcomes: list[str]
    tiers: list[str]
    range: Money | None = None


class TraceStep(_Out):
    rule: str
    detail: str
    citation: Citation | None = None


class CatalogRef(_Out):
    jurisdiction: str
    version: str
    sha256: str


Outcome = Literal["not_penalized", "penalized", "correction_only"]


class Decision(_Out):
    outcome: Outcome | None
    mandatory: bool | None = None
    grounds: list[Ground] = Field(default_factory=list)
    item: str | None = None
    tier: TierOut | None = None
    statutory: list[SanctionOut] = Field(default_factory=list)
    recommended: list[SanctionOut] = Field(default_factory=list)
    adjustments: list[Adjustment] = Field(default_factory=list)
    follow_up: list[FollowUpOut] = Field(default_factory=list)
    procedure: Procedure | None = None
    needs_facts: NeedsFacts | None = None
    trace: list[TraceStep] = Field(default_factory=list)
    catalog: CatalogRef
    reference: str | None = None

    def to_json(self, indent: int | None = 2) -> str:
        """Deterministic JSON (same catalog and case give byte-identical output)."""
        return self.model_dump_json(indent=indent)
