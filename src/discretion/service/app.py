"""The HTTP service: the engine behind a JSON API, and the officer's page.

``create_app(catalog)`` loads the catalog once (``discretion serve --workers N``: once per
worker process), builds every item's rules before the first request, and answers:

- ``POST /v1/decisions`` — one case (the case contract, JSON) → the decision contract, the
  content of ``discretion check --json`` plus ``text`` (the Chinese rendering); an invalid
  case → 422 with every problem located; a body that is not JSON → 400;
- ``POST /v1/decisions:batch`` — JSON Lines in, JSON Lines out, streamed in input order: one
  line per non-blank input line, ``{"line": N, "decision": {...}}`` or ``{"line": N,
  "error": {...}}`` (a bad line costs its own line, never the stream);
- ``GET /v1/items?q=&field=&kind=`` (ranked search, or the catalog's items in order),
  ``GET /v1/items/{id}`` (the item and its case form), ``GET /v1/catalog``, ``GET /healthz``,
  ``GET /openapi.json`` (generated from the pydantic models, with examples);
- ``/`` — the officer's page (:mod:`discretion.service.page`).

Every error is JSON (:class:`~discretion.service.models.ErrorBody`), with a Chinese line;
no traceback reaches a client (it goes to the server's log). The bounds of a request are
:class:`~discretion.service.limits.Limits`. Decisions are made on a small thread pool, so that
the event loop keeps reading requests and a request waits no longer than its bound.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import TypeAdapter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from discretion import __version__
from discretion.case import Case
from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, ListKind
from discretion.catalog.search import search_hits
from discretion.decision import Decision
from discretion.engine import collector
from discretion.engine.engine import Engine
from discretion.errors import DiscretionError, Problem
from discretion.io.records import MAX_DEPTH, json_depth, parse_json_line
from discretion.render.text import decision_text
from discretion.service.form import item_form
from discretion.service.limits import DEFAULT_LIMITS, Limits
from discretion.service.models import (
    CatalogInfo,
    ErrorBody,
    Health,
    ItemDetail,
    ItemList,
)

__all__ = ["CATALOG_ENV", "ApiError", "create_app", "create_app_from_environment"]

log = logging.getLogger("discretion.service")
T = TypeVar("T")

# `discretion serve --catalog DIR --workers N` hands the catalog to each worker process here
CATALOG_ENV = "DISCRETION_SERVE_CATALOG"
KINDS = ("benchmark", *(k.value for k in ListKind))
NDJSON = "application/x-ndjson"
_DECODER = json.JSONDecoder(parse_float=str)  # numbers with a fraction stay exact (text)

EXAMPLE_CASE: dict[str, Any] = {
    "item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35, "capacity": "full"},
    "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
    "harm": "minor", "correction": "overdue", "circumstances": [],
    "facts": {"item_count": 5}, "reference": "丽综执罚〔2022〕15号",
}
EXAMPLE_BAD_CASE: dict[str, Any] = {**EXAMPLE_CASE, "party": {"kind": "individual", "age": True}}


class ApiError(Exception):
    """An error the service answers with (``ErrorBody``): its status, kind, message in English
    and in Chinese, the fix, and the located problems."""

    def __init__(self, status: int, kind: str, message: str, message_zh: str,
                 hint: str | None = None, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.message_zh = status, kind, message, message_zh
        self.hint = hint
        self.problems = list(problems)

    def body(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "kind": self.kind, "message": self.message,
                          "message_zh": self.message_zh, "hint": self.hint,
                          "problems": [problem_dict(p) for p in self.problems]}}

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def problem_dict(problem: Problem) -> dict[str, Any]:
    """A problem as the API gives it: always ``path``, ``message``, ``expected``, ``hint``
    (null where there is none; a null path is the case as a whole)."""
    return {"path": problem.path, "message": problem.message, "expected": problem.expected,
            "hint": problem.hint}


def case_error(exc: DiscretionError) -> ApiError:
    count = len(exc.problems)
    return ApiError(422, "case", f"{count} problem{'s' if count != 1 else ''} in the case",
                    f"案件信息有{count}处问题，请按提示更正后重新提交",
                    "correct each field named in problems and send the case again",
                    exc.problems)


def too_large(limit: int, what: str) -> ApiError:
    return ApiError(413, "limit", f"the body is larger than {limit:,} bytes, the most a {what} "
                                  "may be", "请求内容过大，请分批提交",
                    "send less in one request (a batch: split it into several)")


def not_json(detail: str) -> ApiError:
    return ApiError(400, "request", f"the body is not a JSON case: {detail}",
                    "请求内容不是有效的JSON，请检查后重新提交",
                    "send one case as a JSON object, UTF-8 (docs/schema/case.schema.json)")


def timed_out(seconds: float) -> ApiError:
    return ApiError(503, "timeout", f"not decided within {seconds:g} s", "处理超时，请稍后重试",
                    "send it again later; if it persists, tell the service's administrator")


def decision_payload(decision: Decision) -> dict[str, Any]:
    """The decision contract as ``check --json`` gives it, with ``text``: its Chinese
    rendering (what ``check`` prints)."""
    payload = decision.to_dict()
    if "text" not in payload:
        payload["text"] = decision_text(decision)
    return payload


def decision_bytes(decision: Decision) -> bytes:
    return json.dumps(decision_payload(decision), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _line(payload: dict[str, Any]) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def error_line(line: int, kind: str, problems: Sequence[Problem]) -> bytes:
    """A batch's output line for an input line that is not decided."""
    zh = {"record": f"第{line}行无法读取为案件，请检查", "case": f"第{line}行案件信息有误，请按提示更正",
          "timeout": f"第{line}行未在时限内处理，请重新提交该行",
          "internal": f"第{line}行处理时服务内部出错，请联系管理员"}[kind]
    return _line({"line": line, "error": {"kind": kind, "message_zh": zh,
                                          "problems": [problem_dict(p) for p in problems]}})


def decide_raw_line(engine: Engine, line: int, raw: bytes) -> bytes:
    """The output line of one non-blank input line of a batch (never raises)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error_line(line, "record", [Problem(
            f"the line is not UTF-8 text (byte {exc.start + 1})", expected="UTF-8 text",
            hint="send the batch encoded as UTF-8")])
    record = parse_json_line(line, text)
    if record.case is None:
        return error_line(line, "record", [Problem(record.error or "the line cannot be read",
                                                   expected="one case as a JSON object a line")])
    try:
        decision = engine.evaluate(record.case)
    except DiscretionError as exc:
        return error_line(line, "case", exc.problems)
    except Exception:  # a bug costs its line, never the stream
        log.exception("batch line %d", line)
        return error_line(line, "internal", [Problem(
            "internal error while deciding this line", hint="this is a bug in discretion; "
            "please report it with the line")])
    return b'{"line":%d,"decision":%b}\n' % (line, decision_bytes(decision))


def batch_lines(body: bytes) -> list[tuple[int, bytes]]:
    """The non-blank lines of a JSON Lines body, numbered from 1 (blank lines count, as in
    ``check --batch``); a leading byte-order mark and ``\\r`` line ends are accepted."""
    body = body.removeprefix(b"\xef\xbb\xbf")
    lines = body.split(b"\n")
    return [(number, raw.removesuffix(b"\r")) for number, raw in enumerate(lines, 1)
            if raw.strip()]


def parse_case_body(body: bytes) -> Any:
    """The JSON value of a case body (400 for what is not JSON)."""
    try:
        text = body.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_json(f"it is not UTF-8 text (byte {exc.start + 1})") from None
    if not text.strip():
        raise not_json("it is empty")
    if text.count("[") + text.count("{") > MAX_DEPTH and json_depth(text) > MAX_DEPTH:
        raise not_json(f"it nests more than {MAX_DEPTH} levels deep; a case nests 3")
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise not_json(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:  # a number of more digits than Python converts
        raise not_json(str(exc)) from None


async def read_body(request: Request, limit: int, what: str) -> bytes:
    """The request's body, refused (413) past ``limit`` bytes: by its ``Content-Length``
    before reading, else as it arrives."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit, what)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit, what)
    return bytes(body)


class ServiceApp(FastAPI):
    """The application: FastAPI with the engine, the limits and the decision threads."""

    engine: Engine
    limits: Limits
    executor: ThreadPoolExecutor

    async def run(self, work: Callable[[], T], seconds: float) -> T:
        """``work()`` on the decision threads, answered within ``seconds`` (else 503; the
        work itself runs to its end)."""
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.executor, work), seconds)
        except TimeoutError:
            raise timed_out(seconds) from None

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema:
            return self.openapi_schema
        schema = super().openapi()
        add_contracts(schema, self.engine)
        return schema


def contract_schemas() -> dict[str, Any]:
    """The JSON Schemas of the case (as read) and the decision (as written), from their
    pydantic models, under ``#/components/schemas/``; ``DecisionResponse`` adds ``text``."""
    _, defs = TypeAdapter.json_schemas(
        [("case", "validation", TypeAdapter(Case)),
         ("decision", "serialization", TypeAdapter(Decision))],
        ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(defs["$defs"])
    schemas["DecisionResponse"] = {"allOf": [
        {"$ref": "#/components/schemas/Decision"},
        {"type": "object", "required": ["text"], "properties": {"text": {
            "type": "string", "description": "the decision in Chinese, as `discretion check` "
                                             "prints it"}}}]}
    return schemas


def add_contracts(schema: dict[str, Any], engine: Engine) -> None:
    """The case and decision schemas, and live examples, for the decision routes (which read
    their body themselves: a case is validated by the engine, with its located problems)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in contract_schemas().items():
        if name in components and components[name] != definition:
            raise RuntimeError(f"two different schemas named {name} in /openapi.json")
        components[name] = definition
    examples: dict[str, Any] = {}
    if EXAMPLE_CASE["item"] in engine.catalog.benchmarks:
        good = engine.evaluate(EXAMPLE_CASE)
        examples = {"case": EXAMPLE_CASE, "decision": decision_payload(good)}
    single = schema["paths"]["/v1/decisions"]["post"]
    single["requestBody"] = {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Case"},
        **({"example": examples["case"]} if examples else {})}}}
    single["responses"]["200"]["content"] = {"application/json": {
        "schema": {"$ref": "#/components/schemas/DecisionResponse"},
        **({"example": examples["decision"]} if examples else {})}}
    batch = schema["paths"]["/v1/decisions:batch"]["post"]
    lines_in = "\n".join(json.dumps(c, ensure_ascii=False) for c in (EXAMPLE_CASE, EXAMPLE_BAD_CASE))
    batch["requestBody"] = {"required": True, "content": {NDJSON: {
        "schema": {"type": "string", "description": "JSON Lines: one case (the Case schema) "
                                                    "a line, UTF-8; blank lines are skipped"},
        "example": lines_in + "\n"}}}
    lines_out = b"".join(decide_raw_line(engine, n, raw) for n, raw in
                         batch_lines(lines_in.encode("utf-8"))).decode("utf-8") if examples else None
    batch["responses"]["200"]["content"] = {NDJSON: {
        "schema": {"type": "string", "description": "JSON Lines, one per non-blank input line, "
                                                    "in input order: {\"line\": N, \"decision\": "
                                                    "DecisionResponse} or {\"line\": N, \"error\": "
                                                    "{kind, message_zh, problems}}"},
        **({"example": lines_out} if lines_out else {})}}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "the body is not JSON"},
    413: {"model": ErrorBody, "description": "the body is larger than the limit"},
    422: {"model": ErrorBody, "description": "an invalid case: every problem, located"},
    503: {"model": ErrorBody, "description": "not decided within the time limit"},
}


def create_app(catalog: Catalog | str | Path | None = None, *, limits: Limits = DEFAULT_LIMITS,
               prepare: bool = True) -> FastAPI:
    """The service for ``catalog`` (a :class:`Catalog`, a folder, or None for the bundled
    catalog): loaded here, once; with ``prepare``, every item's rules built before the first
    request. Raises :class:`~discretion.errors.CatalogError` for a catalog that does not load."""
    with collector.paused():
        engine = Engine(catalog if isinstance(catalog, Catalog) else Catalog.load(catalog))
    if prepare:
        engine.prepare()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        executor.shutdown(wait=False, cancel_futures=True)

    manifest = engine.catalog.manifest
    app = ServiceApp(
        title="discretion — 行政处罚裁量",
        version=__version__,
        description=("Decides administrative-penalty cases against a discretion benchmark "
                     f"catalog ({manifest.jurisdiction} {manifest.version}). The case and "
                     "decision contracts are those of the `discretion` package "
                     "(docs/schema/). " + limits.describe() + " Every error is JSON "
                     "(ErrorBody), with a Chinese line (message_zh)."),
        lifespan=lifespan, docs_url=None, redoc_url=None)
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="discretion-decide")
    app.engine, app.limits, app.executor = engine, limits, executor
    _add_error_handlers(app)
    _add_api(app)
    from discretion.service.page import add_page

    add_page(app)
    return app


def create_app_from_environment() -> FastAPI:
    """The application of one ``discretion serve`` worker: the catalog named by
    ``$DISCRETION_SERVE_CATALOG`` (else the bundled one). uvicorn calls it in each worker."""
    from discretion.cli.serve import quiet_upgrade_offers

    app = create_app(os.environ.get(CATALOG_ENV) or None)
    quiet_upgrade_offers()
    collector.freeze_loaded()  # the catalog and its rules live as long as the worker
    return app


def _add_error_handlers(app: ServiceApp) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return exc.response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            error = ApiError(404, "not_found", f"no such address: {request.url.path}",
                             "没有这个地址", "see /openapi.json for the service's addresses")
        elif exc.status_code == 405:
            error = ApiError(405, "request", f"{request.method} is not allowed here",
                             "请求方法不正确", "see /openapi.json for the methods of each address")
        else:
            error = ApiError(exc.status_code, "request", str(exc.detail), "请求有误")
        return error.response(headers=dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [Problem(str(e.get("msg", "invalid")), path=".".join(str(p) for p in e["loc"]))
                    for e in exc.errors()]
        return ApiError(422, "request", "invalid request parameters", "请求参数有误",
                        "correct the parameters named in problems", problems).response()

    app.add_middleware(JsonErrors)


def internal_error() -> ApiError:
    return ApiError(500, "internal", "internal error", "服务内部错误，请联系管理员",
                    "this is a bug in discretion; please report it with the request")


class JsonErrors:
    """An exception no handler answers (a bug) becomes a JSON 500; its traceback goes to the
    server's log, not to the client. Answered here, not re-raised to the server, so that the
    connection stays usable (Starlette's own last-resort handler re-raises, and uvicorn then
    closes the connection under the answer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("%s %s", scope.get("method"), scope.get("path"))
            if started:  # a stream already under way: the server ends the connection
                raise
            await internal_error().response()(scope, receive, send)


def _hit_row(catalog: Catalog, item_id: str, why: list[str] | None = None,
             near: bool = False) -> dict[str, Any]:
    entry = catalog.get(item_id)
    assert entry is not None
    if isinstance(entry, BenchmarkItem):
        return {"id": entry.id, "kind": "benchmark", "field": entry.field, "title": entry.title,
                "benchmark": None, "why": why or [], "near": near}
    return {"id": entry.id, "kind": entry.kind.value, "field": entry.field, "title": entry.title,
            "benchmark": entry.benchmark, "why": why or [], "near": near}


def find_items(catalog: Catalog, q: str | None, field: str | None,
               kind: str | None) -> list[dict[str, Any]]:
    """Ranked search (q) or the catalog's items in order, narrowed to a field and a kind; 422
    for a field or kind the catalog does not have."""
    problems = []
    if field is not None and field not in catalog.fields:
        problems.append(Problem(f"unknown field {field!r}", path="query.field",
                                expected=", ".join(catalog.fields),
                                hint="list the fields with GET /v1/catalog"))
    if kind is not None and kind not in KINDS:
        problems.append(Problem(f"unknown kind {kind!r}", path="query.kind",
                                expected=" | ".join(KINDS)))
    if problems:
        raise ApiError(422, "request", "invalid query parameters", "查询参数有误",
                       "correct the parameters named in problems", problems)
    if q is not None and q.strip():
        rows = [_hit_row(catalog, hit.id, hit.why, hit.near) for hit in search_hits(catalog, q)]
    else:
        rows = [_hit_row(catalog, item_id) for item_id in catalog.ids]
    return [r for r in rows if (field is None or r["field"] == field)
            and (kind is None or r["kind"] == kind)]


def item_detail(catalog: Catalog, item_id: str) -> dict[str, Any]:
    entry = catalog.get(item_id)
    if entry is None:
        close = catalog.suggest(item_id)
        raise ApiError(404, "not_found", f"unknown item {item_id!r}", "没有这个事项编号",
                       ("did you mean " + " or ".join(close) + "?") if close
                       else "find the id with GET /v1/items?q=…")
    row = _hit_row(catalog, item_id)
    del row["why"], row["near"]
    if isinstance(entry, BenchmarkItem):
        lists = [_hit_row(catalog, tied.id) for tied in catalog.lists_for(entry.id)]
        form: dict[str, Any] | None = item_form(catalog, entry)
    else:
        lists, form = [], None
    return {**row, "lists": lists, "item": entry.model_dump(mode="json", exclude_none=True),
            "form": form}


def _add_api(app: ServiceApp) -> None:
    engine, limits = app.engine, app.limits
    catalog = engine.catalog

    @app.post("/v1/decisions", tags=["decisions"], responses=ERRORS,
              summary="Decide one case",
              description="One case (the case contract, JSON) → the decision contract, as "
                          "`discretion check --json` gives it, plus `text` (the Chinese "
                          "rendering). Fields a case leaves out are not established: the "
                          "decision then says what is needed (`needs_facts`).")
    async def decide(request: Request) -> Response:
        case = parse_case_body(await read_body(request, limits.case_bytes, "case"))

        def work() -> bytes:
            try:
                return decision_bytes(engine.evaluate(case))
            except DiscretionError as exc:
                raise case_error(exc) from None

        return Response(await app.run(work, limits.decision_seconds),
                        media_type="application/json")

    @app.post("/v1/decisions:batch", tags=["decisions"],
              responses={k: v for k, v in ERRORS.items() if k in (413,)},
              response_class=StreamingResponse, summary="Decide many cases (JSON Lines)",
              description="JSON Lines in (one case a line), JSON Lines out, streamed as they "
                          "are decided, in input order: one line per non-blank input line, "
                          "naming it (`line`, counted from 1, blank lines included). A bad "
                          "line gets its error line and the stream goes on. At most "
                          f"{limits.batch_lines:,} lines and {limits.batch_bytes:,} bytes "
                          "(else 413, nothing decided).")
    async def decide_batch(request: Request) -> Response:
        records = batch_lines(await read_body(request, limits.batch_bytes, "batch"))
        if len(records) > limits.batch_lines:
            raise ApiError(413, "limit", f"the batch has {len(records):,} lines; a request may "
                                         f"have at most {limits.batch_lines:,}",
                           f"每次最多提交{limits.batch_lines}行，请分批提交",
                           "split the batch into several requests")
        return StreamingResponse(_stream(app, records), media_type=NDJSON)

    @app.get("/v1/items", tags=["catalog"], response_model=ItemList,
             summary="Find items: ranked search, or the catalog's items",
             responses={422: {"model": ErrorBody, "description": "unknown field or kind"}})
    async def items(q: str | None = None, field: str | None = None,
                    kind: str | None = None) -> dict[str, Any]:
        """``q``: everyday words (占道经营), words of the title or clause, or a citation
        (《…条例》第三十二条第一款第二项), ranked best first with why each matched; without it,
        every item in catalog order. ``field`` (a field code, e.g. SRHJ) and ``kind``
        (benchmark, non_penalty, mitigation, lighter, no_coercion) narrow the result."""
        rows = find_items(catalog, q, field, kind)
        return {"query": q.strip() if q is not None and q.strip() else None,
                "count": len(rows), "items": rows}

    @app.get("/v1/items/{item_id}", tags=["catalog"], response_model=ItemDetail,
             summary="One item, and the form of a case for it",
             responses={404: {"model": ErrorBody, "description": "unknown item"}})
    async def item(item_id: str) -> dict[str, Any]:
        """The item as the catalog holds it; for a benchmark item, its list entries and the
        form of a case: the case fields and the item's facts, each with its type, Chinese
        label and unit."""
        return item_detail(catalog, item_id)

    info = {"jurisdiction": catalog.manifest.jurisdiction, "version": catalog.manifest.version,
            "sha256": catalog.sha256, "official": catalog.manifest.official,
            "tiers": "official" if catalog.manifest.official else "reference",
            "code": catalog.manifest.code, "title": catalog.manifest.title,
            "effective_from": catalog.manifest.effective_from,
            "effective_to": catalog.manifest.effective_to,
            "benchmarks": len(catalog.benchmarks), "lists": len(catalog.lists),
            "fields": {code: f.name for code, f in catalog.fields.items()}}

    @app.get("/v1/catalog", tags=["catalog"], response_model=CatalogInfo,
             summary="The catalog decisions are made against")
    async def catalog_info() -> dict[str, Any]:
        """Jurisdiction, version, SHA-256 (the same as in every decision's ``catalog``), and
        whether its tiers are an agency's official benchmark or reference defaults."""
        return info

    @app.get("/healthz", tags=["service"], response_model=Health, summary="Liveness")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "catalog_sha256": catalog.sha256}


def decide_lines(engine: Engine, records: Sequence[tuple[int, bytes]]) -> bytes:
    return b"".join(decide_raw_line(engine, n, raw) for n, raw in records)


async def _stream(app: ServiceApp, records: list[tuple[int, bytes]]) -> AsyncIterator[bytes]:
    """A batch's output, a chunk of lines at a time, in order, within the batch's time."""
    engine, limits = app.engine, app.limits
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.batch_seconds
    for start in range(0, len(records), limits.batch_chunk):
        part = records[start:start + limits.batch_chunk]
        try:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            yield await asyncio.wait_for(
                loop.run_in_executor(app.executor, decide_lines, engine, part), remaining)
        except TimeoutError:
            problem = Problem(f"not decided: the batch's time limit ({limits.batch_seconds:g} s) "
                              "was reached", hint="send this line again, in a smaller batch")
            yield b"".join(error_line(n, "timeout", [problem]) for n, _ in records[start:])
            return
