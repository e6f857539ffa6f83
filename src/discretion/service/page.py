"""The officer's page: find an item in everyday words, fill in the case, read the decision.

Rendered on the server from the templates beside this module (Jinja2, escaped by default) and
served with its style sheet by the package: no script, nothing fetched from the internet, so it
works in any browser of an agency's network, with scripts off too.

- ``GET /?q=占道经营`` — ranked search, with why each item matched (:mod:`discretion.catalog.search`);
- ``GET /item/{id}`` — the case form for a benchmark item: the case fields and the item's facts
  with their Chinese labels (:mod:`discretion.service.form`); a list entry's address leads to its
  benchmark item;
- ``POST /item/{id}`` — the form decided: the decision as the wording of a 行政处罚决定审批表
  draft (:func:`discretion.render.document.decision_document`) with its legal basis, the
  reasoning text, and the form again with what was entered; an invalid case shows each problem
  at its field (and the fields a decision still needs are marked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import LIST_LABELS, BenchmarkItem
from discretion.catalog.search import search_hits
from discretion.decision import Decision
from discretion.errors import DiscretionError, Problem
from discretion.render.document import decision_document
from discretion.render.text import OUTCOME_LABELS, decision_text
from discretion.service.app import ApiError, ServiceApp, read_body
from discretion.service.form import NEITHER, FormField, case_fields, case_from_form, fact_fields

__all__ = ["add_page"]

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MAX_HITS = 30  # results shown on the page (the API gives them all)
MAX_FIELDS = 200  # fields a submitted form may have


def outcome_label(decision: Decision) -> str:
    if decision.outcome == "not_penalized":
        return ("应当" if decision.mandatory else "可以") + "不予行政处罚"
    return OUTCOME_LABELS[decision.outcome]


class _Page:
    """The page's state: the templates and what every page shows of the catalog."""

    def __init__(self, app: ServiceApp) -> None:
        self.app = app
        self.catalog: Catalog = app.engine.catalog
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        manifest = self.catalog.manifest
        self.common = {"catalog": {"jurisdiction": manifest.jurisdiction,
                                   "version": manifest.version, "title": manifest.title,
                                   "official": manifest.official,
                                   "sha256": self.catalog.sha256}}

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**self.common, **context)
        return HTMLResponse(html, status_code=status)

    def error(self, status: int, message: str, hint: str | None = None) -> HTMLResponse:
        return self.render("error.html", status=status, message=message, hint=hint)

    def hits(self, q: str) -> list[dict[str, Any]]:
        rows = []
        for hit in search_hits(self.catalog, q):
            entry = self.catalog.get(hit.id)
            if isinstance(entry, BenchmarkItem):
                rows.append({"id": entry.id, "title": entry.title, "kind": "事项",
                             "target": entry.id, "why": hit.why, "near": hit.near})
            elif entry is not None:
                rows.append({"id": entry.id, "title": entry.title,
                             "kind": LIST_LABELS[entry.kind] + "清单", "target": entry.benchmark,
                             "why": hit.why, "near": hit.near})
        return rows

    def item_page(self, item: BenchmarkItem, values: dict[str, list[str]] | None = None,
                  problems: list[Problem] | None = None, decision: Decision | None = None,
                  status: int = 200) -> HTMLResponse:
        case = case_fields(self.catalog, item)
        facts = fact_fields(item)
        problems = problems or []
        paths = {f.path for f in (*case, *facts)}
        needed = {f.path for f in decision.needs_facts.facts} if decision and decision.needs_facts \
            else set()

        def view(field: FormField) -> dict[str, Any]:
            given = (values or {}).get(field.path)
            if given is None:
                given = [field.default] if field.default is not None and values is None else []
            return {"field": field, "id": "f-" + field.path.replace(".", "-"),
                    "values": given, "value": given[0] if given else "",
                    "problems": [p for p in problems if p.path == field.path
                                 or (p.path or "").startswith(field.path + "[")],
                    "needed": field.path in needed}

        general = [p for p in problems if not any(
            p.path == path or (p.path or "").startswith(path + "[") for path in paths)]
        shown = None
        if decision is not None:
            shown = {"outcome": outcome_label(decision),
                     "document": decision_document(decision, self.catalog),
                     "reasoning": decision_text(decision)}
        return self.render(
            "item.html", status=status, item=item, penalty=item.penalty.human(),
            violated=[c.human() for c in item.violated],
            lists=[{"id": e.id, "kind": LIST_LABELS[e.kind]} for e in self.catalog.lists_for(item.id)],
            case_fields=[view(f) for f in case], fact_fields=[view(f) for f in facts],
            problems=problems, general=general, decision=shown, neither=NEITHER)


def add_page(app: ServiceApp) -> None:
    """The page's routes on ``app`` (left out of /openapi.json: they answer HTML)."""
    page = _Page(app)
    catalog = page.catalog

    @app.get("/", include_in_schema=False)
    async def index(q: str = "") -> Response:
        q = q.strip()
        hits = page.hits(q) if q else []
        return page.render("index.html", q=q, hits=hits[:MAX_HITS], count=len(hits))

    def benchmark_of(item_id: str) -> BenchmarkItem | Response:
        entry = catalog.get(item_id)
        if isinstance(entry, BenchmarkItem):
            return entry
        if entry is not None:  # a list entry: a case names its benchmark item
            return RedirectResponse(f"/item/{quote(entry.benchmark)}", status_code=303)
        close = catalog.suggest(item_id)
        return page.error(404, f"没有这个事项编号：{item_id}",
                          ("是否要找：" + "、".join(close)) if close else "请用上方的查询框查找事项")

    @app.get("/item/{item_id}", include_in_schema=False)
    async def item_form(item_id: str) -> Response:
        item = benchmark_of(item_id)
        return item if isinstance(item, Response) else page.item_page(item)

    @app.post("/item/{item_id}", include_in_schema=False)
    async def item_decide(item_id: str, request: Request) -> Response:
        item = benchmark_of(item_id)
        if isinstance(item, Response):
            return item
        try:
            body = await read_body(request, app.limits.case_bytes, "case")
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                              max_num_fields=MAX_FIELDS, strict_parsing=False)
        except ApiError as exc:
            return page.error(exc.status, exc.message_zh, exc.message)
        except (UnicodeDecodeError, ValueError):
            return page.error(400, "提交的表单无法读取，请重新填写", "the form is not UTF-8 form data")
        values: dict[str, list[str]] = {}
        for name, value in pairs:
            values.setdefault(name, []).append(value)
        case = case_from_form(item, [*case_fields(catalog, item), *fact_fields(item)], pairs)
        try:
            decision = await app.run(lambda: app.engine.evaluate(case), app.limits.decision_seconds)
        except DiscretionError as exc:
            return page.item_page(item, values, problems=exc.problems, status=422)
        except ApiError as exc:
            return page.error(exc.status, exc.message_zh, exc.message)
        return page.item_page(item, values, decision=decision)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
