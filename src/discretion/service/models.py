"""The service's answers other than decisions, as pydantic models: /openapi.json is generated
from them (the case and the decision come from :mod:`discretion.case` and
:mod:`discretion.decision`, see :func:`discretion.service.app.contract_schemas`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ProblemOut(BaseModel):
    """One thing wrong with a request, located: the case field's path (``party.age``,
    ``facts.item_count``; null for the case as a whole) or the query parameter
    (``query.kind``)."""

    path: str | None = Field(description="where: a case field path, or query.<name>")
    message: str
    expected: str | None = None
    hint: str | None = Field(default=None, description="how to fix it")


class ErrorDetail(BaseModel):
    status: int = Field(description="the HTTP status, repeated")
    kind: Literal["case", "request", "limit", "not_found", "timeout", "internal"]
    message: str
    message_zh: str = Field(description="the same for an officer, in Chinese")
    hint: str | None = Field(default=None, description="how to fix it")
    problems: list[ProblemOut] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error the service answers, whatever its status."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"error": {
        "status": 422, "kind": "case", "message": "1 problem in the case",
        "message_zh": "案件信息有1处问题，请按提示更正后重新提交",
        "hint": "correct each field named in problems and send the case again",
        "problems": [{"path": "party.age", "message": "true is not an age (...)",
                      "expected": None, "hint": None}]}}]})

    error: ErrorDetail


class ItemHit(BaseModel):
    id: str
    kind: Literal["benchmark", "non_penalty", "mitigation", "lighter", "no_coercion"]
    field: str
    title: str
    benchmark: str | None = Field(default=None, description="a list entry's benchmark item: "
                                                            "the item a case names")
    why: list[str] = Field(default_factory=list, description="why it matched, in Chinese")
    near: bool = Field(default=False, description="not every word occurs: a near match")


class ItemList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "query": "阳台乱挂", "count": 1, "items": [{
            "id": "LS-SRHJ-0001", "kind": "benchmark", "field": "SRHJ",
            "title": "主要街道和重点地区临街建筑物的阳台外、窗外、屋顶吊挂或者堆放有碍市容、危及安全的物品",
            "benchmark": None, "why": ["“阳台乱挂”见于俗称：阳台乱挂"], "near": False}]}]})

    query: str | None = Field(description="q as read (null: no text search, catalog order)")
    count: int
    items: list[ItemHit]


class ValueOut(BaseModel):
    value: str
    label: str


class FormFieldOut(BaseModel):
    name: str = Field(description="the field's own name (facts: the fact's name)")
    path: str = Field(description="where its value goes in the case: party.age, facts.item_count")
    type: Literal["enum", "boolean", "integer", "number", "money", "date", "text", "set"]
    label: str = Field(description="Chinese label")
    unit: str | None = None
    required: bool = False
    default: str | None = None
    values: list[ValueOut] | None = Field(default=None, description="enum and set: the values")
    hint: str | None = None


class ItemForm(BaseModel):
    item: str
    case: list[FormFieldOut] = Field(description="the case's own fields")
    facts: list[FormFieldOut] = Field(description="the item's facts")


class ItemDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "LS-SRHJ-0001", "kind": "benchmark", "field": "SRHJ", "title": "…",
        "benchmark": None, "lists": [], "item": {"id": "LS-SRHJ-0001", "...": "…"},
        "form": {"item": "LS-SRHJ-0001", "case": [], "facts": [{
            "name": "item_count", "path": "facts.item_count", "type": "integer",
            "label": "吊挂或者堆放物品件数", "unit": "件", "required": False, "default": None,
            "values": None, "hint": "整数"}]}}]})

    id: str
    kind: Literal["benchmark", "non_penalty", "mitigation", "lighter", "no_coercion"]
    field: str
    title: str
    benchmark: str | None = Field(default=None, description="a list entry's benchmark item")
    lists: list[ItemHit] = Field(default_factory=list, description="list entries of a benchmark")
    item: dict[str, Any] = Field(description="the item as the catalog holds it "
                                             "(docs/schema/benchmark-file.schema.json)")
    form: ItemForm | None = Field(description="a benchmark's case form; null for a list entry "
                                              "(a case names its benchmark)")


class CatalogInfo(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "jurisdiction": "丽水市", "version": "2022", "sha256": "…", "official": False,
        "tiers": "reference", "code": "lishui", "title": "…", "effective_from": "2022-01-01",
        "effective_to": None, "benchmarks": 1033, "lists": 333,
        "fields": {"SRHJ": "市容环境卫生"}}]})

    jurisdiction: str
    version: str
    sha256: str
    official: bool = Field(description="an agency's published benchmark (true), or this "
                                       "project's reference tiers (false)")
    tiers: Literal["official", "reference"]
    code: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    benchmarks: int
    lists: int
    fields: dict[str, str] = Field(description="field code -> name")


class Health(BaseModel):
    status: Literal["ok"]
    version: str = Field(description="the discretion package")
    catalog_sha256: str
