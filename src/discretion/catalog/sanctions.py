"""Which sanctions a clause gives this party at this stage: base, escalation stages, 情节严重.

A penalty clause is read in layers, in the order the statute writes them:

1. the base sanctions (``statutory.sanctions``);
2. the escalation stages the case has reached: 逾期未改正的 (``overdue``: a party that missed the
   deadline, or refused) and 拒不改正的 (``refused``);
3. 情节严重的 (``statutory.serious``), when the case is serious.

A layer ``adds`` (并处…, or a bare further sanction such as 责令停业整顿): the sanctions before it
are kept and its own are added, except that a fine of the layer takes the place of the earlier
fine on the same payer (the clause gives that payer a different range: 逾期未改正的，处五万元以上
二十万元以下的罚款), and a sanction of the same kind and payer takes the place of the earlier one
(可以吊销 → 吊销). A layer that ``replaces`` stands alone. Sanctions restricted to the other kind
of party (对单位… / 对个人…) are left out; those that fall on an organisation's persons
(直接负责的主管人员, 主要负责人) apply to an organisation only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from discretion.catalog.models import (
    Effect,
    PartyScope,
    Payer,
    Sanction,
    Statutory,
)

StageName = Literal["base", "overdue", "refused"]
STAGES: tuple[StageName, ...] = ("base", "overdue", "refused")

__all__ = ["STAGES", "StageName", "compose", "falls_on", "stage_for", "stage_words"]


def falls_on(sanction: Sanction, party_kind: str) -> bool:
    """The sanction can fall on a party of this kind (individual / organization)."""
    if sanction.party is not PartyScope.any and sanction.party.value != party_kind:
        return False
    return sanction.on is Payer.party or party_kind == "organization"


def stage_for(statutory: Statutory, correction: str | None) -> StageName:
    """The furthest stage of the clause a correction status reaches (``base`` when the clause
    has no stages or the status reaches none). ``None`` (not known) reads as ``base``: the
    caller asks for the status when the clause has stages."""
    whens = {stage.when for stage in statutory.stages}
    if correction == "refused" and "refused" in whens:
        return "refused"
    if correction in ("overdue", "refused") and "overdue" in whens:
        return "overdue"
    return "base"


def stage_words(stage: str) -> str:
    return {"overdue": "逾期未改正的", "refused": "拒不改正的"}.get(stage, "")


def _layer(current: list[Sanction], layer: list[Sanction], effect: Effect) -> list[Sanction]:
    """Compose a layer of sanctions that all apply to the party (see the module docstring)."""
    if effect is Effect.replaces:
        return layer
    return [s for s in current
            if not any(n.kind is s.kind and n.on is s.on for n in layer)] + layer


def compose(statutory: Statutory, party_kind: str, stage: StageName = "base",
            serious: bool = False) -> list[Sanction]:
    """The sanctions the clause gives a party of this kind at this stage, serious or not."""
    def mine(layer: Iterable[Sanction]) -> list[Sanction]:
        return [s for s in layer if falls_on(s, party_kind)]

    sanctions = mine(statutory.sanctions)
    reached = {"base": (), "overdue": ("overdue",), "refused": ("overdue", "refused")}[stage]
    for layer in statutory.stages:
        if layer.when in reached:
            sanctions = _layer(sanctions, mine(layer.sanctions), layer.effect)
    if serious and statutory.serious is not None:
        sanctions = _layer(sanctions, mine(statutory.serious.sanctions), statutory.serious.effect)
    return sanctions

