"""JSON Schemas of the contracts (catalog files, cases, decisions), exported to docs/schema/.

Editors use them for completion in YAML files, e.g. with a first line
``# yaml-language-server: $schema=../../../docs/schema/benchmark-file.schema.json``.
A test keeps the files in ``docs/schema/`` in sync with the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from discretion.case import Case
from discretion.catalog.models import (
    BenchmarkItem,
    Fields,
    ListItem,
    ListKind,
    Manifest,
)
from discretion.decision import decision_schema


class BenchmarkFile(BaseModel):
    """``benchmarks/<FIELD>.yaml``: the field's benchmark items."""

    model_config = ConfigDict(extra="forbid", title="discretion benchmark file")
    field: str = Field(description="Field code; items inherit it")
    items: list[BenchmarkItem]


class ListFile(BaseModel):
    """``lists/<kind>/<FIELD>.yaml``: one list's entries for a field."""

    model_config = ConfigDict(extra="forbid", title="discretion list file")
    field: str
    kind: ListKind
    items: list[ListItem]


SCHEMAS: dict[str, type[BaseModel]] = {
    "manifest": Manifest,
    "fields": Fields,
    "benchmark-file": BenchmarkFile,
    "list-file": ListFile,
    "case": Case,
}


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    if model in (BenchmarkFile, ListFile):
        # in files, items inherit field (and kind) from the file header
        for name in ("BenchmarkItem", "ListItem"):
            definition = schema.get("$defs", {}).get(name)
            if definition:
                definition["required"] = [r for r in definition.get("required", [])
                                          if r not in ("field", "kind")]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of every schema."""
    schemas = {name: schema_of(model) for name, model in SCHEMAS.items()}
    decision = decision_schema()
    decision["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    decision["title"] = "discretion decision"
    schemas["decision"] = decision
    return {f"{name}.schema.json": json.dumps(schema, ensure_ascii=False, indent=2,
                                              sort_keys=True) + "\n"
            for name, schema in schemas.items()}


def export_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
