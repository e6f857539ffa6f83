"""The contracts: JSON Schemas in docs/schema/ match the models; decision keys are fixed."""

from __future__ import annotations

from pathlib import Path

from discretion.decision import DECISION_KEYS as KEYS
from discretion.render.schemas import render_schemas

ROOT = Path(__file__).resolve().parents[1]

DECISION_KEYS = ["outcome", "mandatory", "grounds", "item", "tier", "statutory", "recommended",
                 "adjustments", "follow_up", "procedure", "needs_facts", "trace", "catalog",
                 "reference", "options", "conflict"]  # conflict: only when present


def test_exported_schemas_are_in_sync() -> None:
    folder = ROOT / "docs" / "schema"
    for name, text in render_schemas().items():
        path = folder / name
        assert path.is_file(), f"{path} missing: run `discretion schema`"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `discretion schema`"


def test_decision_keys_are_fixed() -> None:
    assert list(KEYS) == DECISION_KEYS


def test_case_schema_names_the_contract_fields() -> None:
    import json

    schema = json.loads(render_schemas()["case.schema.json"])
    assert set(schema["properties"]) >= {"item", "citation", "party", "occurred_on", "ended_on",
                                         "discovered_on", "decided_on", "first_offense", "harm",
                                         "correction", "no_fault_proven", "circumstances", "facts"}
