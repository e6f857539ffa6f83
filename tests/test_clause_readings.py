"""Hand readings of the clauses ``discretion verify`` cannot read in full (Art. 9 of the
Administrative Penalty Law: the kinds of penalty, as each clause gives them).

For every item whose clause the parser does not fully understand, ``tests/data/clause_readings/
<FIELD>.yaml`` holds a reading written from the statute text alone, in the catalog's own
``statutory`` format, with the statute's words that decide it and the reason the parser cannot
read it. These tests check:

- every reading loads and equals the catalog's encoding in what it gives each party at each
  stage, serious or not (kinds, modes, payers, amounts, bases, thresholds, caps), and in its
  correction order, condition and substitute performance;
- with the statute corpus present, every item ``verify`` cannot check in full has a reading,
  and the readings name no item verify reads in full (a reading left over after the parser
  learns the clause is removed, so the two checks never overlap silently).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import AppliesWhen, Sanction, Statutory
from discretion.catalog.sanctions import compose
from discretion.catalog.yamlpos import load_yaml_file
from discretion.statutes import default_laws_root
from discretion.statutes.verify import differences, verify_catalog

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "catalogs" / "lishui-2022"
READINGS = Path(__file__).resolve().parent / "data" / "clause_readings"
REQUIRED = ("statute", "words", "why", "statutory")


@cache
def _catalog() -> Catalog:
    return Catalog.load(BUNDLED)


@cache
def _readings() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(READINGS.glob("*.yaml")):
        # the catalog's own loader: keys such as `on:` are names, duplicate keys are errors
        data = load_yaml_file(path).value or {}
        for item_id, entry in data.items():
            assert item_id not in found, f"{path.name}: {item_id} is read twice"
            found[item_id] = {**entry, "_file": path.name}
    return found


def _key(sanction: Sanction) -> tuple[object, ...]:
    def num(value: Decimal | None) -> Decimal | None:
        return None if value is None else value.normalize()

    fallback = (num(sanction.fallback.min), num(sanction.fallback.max)) if sanction.fallback else None
    return (sanction.kind.value, sanction.mode.value, sanction.on.value,
            num(sanction.low) if sanction.max is not None else None, num(sanction.max),
            sanction.base, sanction.per, fallback, num(sanction.threshold), num(sanction.cap))


def _stages(statutory: Statutory) -> tuple[str, ...]:
    return ("base", *tuple(stage.when for stage in statutory.stages))


def _gives(statutory: Statutory) -> dict[tuple[str, str, bool], list[tuple[object, ...]]]:
    """What the clause gives each kind of party at each of its stages, serious or not."""
    out = {}
    for party in ("individual", "organization"):
        for stage in _stages(statutory):
            for serious in (False, True):
                out[(party, stage, serious)] = sorted(
                    map(_key, compose(statutory, party, stage, serious)), key=repr)  # type: ignore[arg-type]
    return out


def _gate(statutory: Statutory) -> tuple[object, ...]:
    return (statutory.correction.value, statutory.applies_when.value,
            statutory.substitute_performance)


def test_readings_are_complete_entries() -> None:
    readings = _readings()
    assert readings, "no clause readings found"
    items = _catalog().benchmarks
    for item_id, entry in readings.items():
        where = f"{entry['_file']}: {item_id}"
        assert item_id in items, f"{where}: no such item in the bundled catalog"
        missing = [key for key in REQUIRED if not entry.get(key)]
        assert not missing, f"{where}: missing {missing}"
        assert item_id.split("-")[1] == entry["_file"].removesuffix(".yaml"), \
            f"{where}: the reading belongs in the field's own file"


@pytest.mark.parametrize("item_id", sorted(_readings()))
def test_art9_catalog_gives_what_the_hand_reading_gives(item_id: str) -> None:
    entry = _readings()[item_id]
    reading = Statutory.model_validate(entry["statutory"])
    item = _catalog().benchmarks[item_id]
    encoded = item.statutory
    why = "; ".join(differences(encoded, reading)) or "equivalent layers differ in composition"
    assert _gate(encoded) == _gate(reading), f"{item_id}: {why}"
    assert _stages(encoded) == _stages(reading), f"{item_id}: {why}"
    if encoded.applies_when is not AppliesWhen.always:
        assert encoded.applies_when == reading.applies_when
    assert _gives(encoded) == _gives(reading), f"{item_id}: {why}"


def test_every_item_verify_cannot_read_has_a_hand_reading() -> None:
    laws = default_laws_root()
    if laws is None:
        pytest.skip("statute corpus ../shared/laws not present")
    report = verify_catalog(_catalog(), laws)
    partial = {finding.item_id for finding in report.warnings
               if "not understood" in finding.message or "cannot check" in finding.message}
    readings = set(_readings())
    assert not sorted(partial - readings), "items verify cannot read in full, with no hand reading"
    assert not sorted(readings - partial), "hand readings of items verify now reads in full"
