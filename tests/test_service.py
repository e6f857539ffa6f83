"""The HTTP service (``discretion serve``), through a real server on a real socket, talked to
with a real HTTP client (httpx): the decision endpoints against ``discretion check``, the
batch stream, the catalog endpoints, /openapi.json, the limits, the JSON errors, the officer's
page without a browser, and the ``serve`` command itself (a subprocess with two workers)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from discretion.catalog.catalog import Catalog  # noqa: E402
from discretion.cli import main  # noqa: E402
from discretion.cli.serve import UVICORN_OPTIONS  # noqa: E402
from discretion.engine.engine import Engine  # noqa: E402
from discretion.render.document import decision_document  # noqa: E402
from discretion.service.app import create_app  # noqa: E402
from discretion.service.limits import Limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalogs" / "lishui-2022"
CASE: dict[str, Any] = {  # examples/overdue-fine.yaml, as JSON
    "item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35, "capacity": "full"},
    "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
    "harm": "minor", "correction": "overdue", "circumstances": [], "facts": {"item_count": 5},
}
OTHER: dict[str, Any] = {**CASE, "item": "LS-SRHJ-0024", "harm": "none", "correction": "in_time",
                         "facts": {}}
STARTUP = 120.0  # seconds a server may take to start before a test gives up on it


@contextmanager
def running(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn as ``discretion serve`` serves it, on a free port of
    127.0.0.1, in a thread; its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, **{**UVICORN_OPTIONS, "log_level": "warning"}))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(CATALOG)


@pytest.fixture(scope="module")
def base(app: Any) -> Iterator[str]:
    with running(app) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


TIGHT = Limits(case_bytes=2_000, batch_bytes=4_000, batch_lines=3, decision_seconds=0.5,
               batch_seconds=0.5)


@pytest.fixture(scope="module")
def tight_app(app: Any) -> Any:
    """A service whose limits are small: a case of 2,000 bytes, a batch of 3 lines, half a
    second to decide."""
    return create_app(app.engine.catalog, limits=TIGHT, prepare=False)


@pytest.fixture(scope="module")
def tight(tight_app: Any) -> Iterator[httpx.Client]:
    with running(tight_app) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


@pytest.fixture
def stuck(tight_app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The tight service's engine never finishes a case until the test is over."""
    release = threading.Event()
    monkeypatch.setattr(tight_app.engine, "evaluate", lambda case: release.wait(120))
    yield
    release.set()


def check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: dict[str, Any],
               *options: str) -> tuple[int, str]:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code = main(["check", str(path), "--catalog", str(CATALOG), *options])
    out, _ = capsys.readouterr()
    return code, out


def assert_error(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["kind"] == kind
    assert error["message"] and error["message_zh"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message_zh"]), "a line in Chinese"
    assert "Traceback" not in response.text
    return dict(error)


# --- POST /v1/decisions ---------------------------------------------------------------------

def test_a_decision_is_what_check_json_gives_plus_its_text(
        client: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    response = client.post("/v1/decisions", json=CASE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    got = response.json()
    code, out = check_json(tmp_path, capsys, CASE, "--json")
    assert code == 0
    expected = json.loads(out)
    _, text = check_json(tmp_path, capsys, CASE)
    assert got["text"] == text.rstrip("\n"), "text: what `discretion check` prints"
    assert got == {**expected, "text": got["text"]}
    assert list(got)[-1] == "text" and got["outcome"] == "penalized"


def test_an_amount_written_as_a_json_number_is_read_exactly_as_check_reads_it(
        client: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = {**CASE, "item": "LS-CXGH-0004", "party": {"kind": "organization"},
            "facts": {"project_cost": 1234567.89}}
    response = client.post("/v1/decisions", content=json.dumps(case).encode())
    code, out = check_json(tmp_path, capsys, case, "--json")
    assert response.status_code == 200 and code == 0
    got = response.json()
    assert got == {**json.loads(out), "text": got["text"]}


H2C_OFFER = {"Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c",
             "HTTP2-Settings": "AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA"}


def test_a_request_offering_http2_as_java_clients_do_is_answered_with_its_body(
        client: httpx.Client) -> None:
    """java.net.http.HttpClient offers an upgrade to h2c with every request by default; the
    service ignores the offer and decides the case in the body (uvicorn's httptools parser
    would drop the body: `serve` runs h11)."""
    response = client.post("/v1/decisions", json=CASE, headers=H2C_OFFER)
    assert response.status_code == 200 and response.json()["outcome"] == "penalized"
    lines = client.post("/v1/decisions:batch", content=json.dumps(CASE) + "\n", headers=H2C_OFFER)
    assert json.loads(lines.text)["decision"]["outcome"] == "penalized"


def test_an_invalid_case_is_422_with_every_problem_located(client: httpx.Client) -> None:
    case = {**CASE, "party": {"kind": "individual", "age": True}, "harm": "huge", "colour": "red"}
    error = assert_error(client.post("/v1/decisions", json=case), 422, "case")
    paths = {p["path"] for p in error["problems"]}
    assert {"party.age", "harm", "colour"} <= paths
    for problem in error["problems"]:
        assert set(problem) == {"path", "message", "expected", "hint"}
        assert problem["message"]
    harm = next(p for p in error["problems"] if p["path"] == "harm")
    assert "minor" in (harm["expected"] or "")
    assert error["message_zh"].startswith(f"案件信息有{len(error['problems'])}处问题")


def test_a_case_that_is_not_an_object_is_an_invalid_case(client: httpx.Client) -> None:
    assert_error(client.post("/v1/decisions", json=[CASE]), 422, "case")


@pytest.mark.parametrize("body", [b"{bad json", b"", b"\xff\xfe{}", b"[" * 200 + b"]" * 200],
                         ids=["malformed", "empty", "not-utf8", "too-deep"])
def test_a_body_that_is_not_json_is_400(client: httpx.Client, body: bytes) -> None:
    error = assert_error(client.post("/v1/decisions", content=body), 400, "request")
    assert "JSON" in error["message"] and error["hint"]


def test_a_body_past_the_limit_is_413_with_or_without_its_length(tight: httpx.Client) -> None:
    big = json.dumps({**CASE, "reference": "x" * 5_000}).encode()
    error = assert_error(tight.post("/v1/decisions", content=big), 413, "limit")
    assert "2,000 bytes" in error["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused as it arrives
        for start in range(0, len(big), 500):
            yield big[start:start + 500]

    assert_error(tight.post("/v1/decisions", content=chunks()), 413, "limit")


def test_a_decision_past_its_time_is_503(tight: httpx.Client, stuck: None) -> None:
    error = assert_error(tight.post("/v1/decisions", json=CASE), 503, "timeout")
    assert "0.5 s" in error["message"]


# --- POST /v1/decisions:batch ---------------------------------------------------------------

def test_a_batch_streams_one_line_per_line_in_order_and_a_bad_line_costs_only_its_own(
        client: httpx.Client) -> None:
    bad_case = {**CASE, "party": {"kind": "individual", "age": "old"}}
    lines = [json.dumps(CASE), "", "{not json", json.dumps(bad_case), json.dumps(OTHER),
             "[1, 2]", json.dumps(CASE, ensure_ascii=False)]
    body = "\n".join(lines).encode() + b"\n" + b'{"item": "\xff"}\r\n' + json.dumps(OTHER).encode()
    with client.stream("POST", "/v1/decisions:batch", content=body,
                       headers={"content-type": "application/x-ndjson"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers.get("transfer-encoding") == "chunked", "streamed"
        out = [json.loads(line) for line in response.iter_lines() if line]
    assert [o["line"] for o in out] == [1, 3, 4, 5, 6, 7, 8, 9], "blank line 2 is skipped"
    kinds = ["decision" if "decision" in o else o["error"]["kind"] for o in out]
    assert kinds == ["decision", "record", "case", "decision", "record", "decision", "record",
                     "decision"]
    single = client.post("/v1/decisions", json=CASE).json()
    assert out[0]["decision"] == single == out[5]["decision"]
    assert out[3]["decision"] == out[7]["decision"] == client.post("/v1/decisions", json=OTHER).json()
    assert out[2]["error"]["problems"][0]["path"] == "party.age"
    assert "UTF-8" in out[6]["error"]["problems"][0]["message"]
    for o in out:
        if "error" in o:
            assert o["error"]["message_zh"].startswith(f"第{o['line']}行")
            assert all(set(p) == {"path", "message", "expected", "hint"}
                       for p in o["error"]["problems"])


def test_a_batch_of_more_lines_than_the_limit_is_413_before_any_is_decided(
        tight: httpx.Client) -> None:
    body = "\n".join(json.dumps(CASE) for _ in range(4)).encode()
    error = assert_error(tight.post("/v1/decisions:batch", content=body), 413, "limit")
    assert "at most 3" in error["message"]
    assert_error(tight.post("/v1/decisions:batch", content=b"\n" * 5_000), 413, "limit")


def test_a_batch_past_its_time_ends_with_an_error_line_for_each_line_not_decided(
        tight: httpx.Client, stuck: None) -> None:
    body = "\n".join(json.dumps(CASE) for _ in range(3)).encode()
    response = tight.post("/v1/decisions:batch", content=body)
    assert response.status_code == 200
    out = [json.loads(line) for line in response.text.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3]
    assert all(o["error"]["kind"] == "timeout" for o in out)
    assert "time limit" in out[0]["error"]["problems"][0]["message"]


# --- the catalog ----------------------------------------------------------------------------

def test_items_are_searched_in_everyday_words_ranked_with_why(client: httpx.Client) -> None:
    response = client.get("/v1/items", params={"q": "阳台乱挂"})
    assert response.status_code == 200
    result = response.json()
    assert result["query"] == "阳台乱挂" and result["count"] == len(result["items"]) >= 1
    first = result["items"][0]
    assert first["id"] == "LS-SRHJ-0001" and first["kind"] == "benchmark"
    assert any("俗称" in why for why in first["why"]) and first["near"] is False


def test_items_narrow_by_field_and_kind_and_refuse_unknown_ones(client: httpx.Client) -> None:
    everything = client.get("/v1/items").json()
    assert everything["query"] is None and everything["count"] == 1033 + 333
    lists = client.get("/v1/items", params={"field": "SRHJ", "kind": "non_penalty"}).json()
    assert lists["count"] >= 1
    assert all(i["field"] == "SRHJ" and i["kind"] == "non_penalty" and i["benchmark"]
               for i in lists["items"])
    error = assert_error(client.get("/v1/items", params={"field": "NOPE", "kind": "fines"}),
                         422, "request")
    assert {p["path"] for p in error["problems"]} == {"query.field", "query.kind"}
    assert "SRHJ" in next(p["expected"] for p in error["problems"] if p["path"] == "query.field")


def test_an_item_comes_with_its_facts_and_case_fields_as_a_form(client: httpx.Client) -> None:
    detail = client.get("/v1/items/LS-SRHJ-0001").json()
    assert detail["id"] == "LS-SRHJ-0001" and detail["item"]["penalty"]["article"] == 11
    facts = detail["form"]["facts"]
    assert facts == [{"name": "item_count", "path": "facts.item_count", "type": "integer",
                      "label": "吊挂或者堆放物品件数", "unit": "件", "required": False,
                      "default": None, "values": None, "hint": "整数"}]
    case = {f["path"]: f for f in detail["form"]["case"]}
    assert case["party.kind"]["label"] == "当事人类型" and case["party.kind"]["required"]
    assert {v["value"] for v in case["harm"]["values"]} == {"none", "minor", "ordinary", "serious"}
    assert case["occurred_on"]["type"] == "date" and case["occurred_on"]["required"]


def test_a_list_entry_names_its_benchmark_and_an_unknown_item_is_404(client: httpx.Client) -> None:
    entry = client.get("/v1/items", params={"kind": "non_penalty"}).json()["items"][0]
    detail = client.get(f"/v1/items/{entry['id']}").json()
    assert detail["benchmark"] == entry["benchmark"] and detail["form"] is None
    benchmark = client.get(f"/v1/items/{entry['benchmark']}").json()
    assert entry["id"] in {e["id"] for e in benchmark["lists"]}
    error = assert_error(client.get("/v1/items/ls-srhj-1"), 404, "not_found")
    assert "LS-SRHJ-0001" in error["hint"]


def test_the_catalog_is_named_as_every_decision_names_it(client: httpx.Client) -> None:
    info = client.get("/v1/catalog").json()
    catalog = Catalog.load(CATALOG)
    assert info["sha256"] == catalog.sha256 and info["jurisdiction"] == "丽水市"
    assert info["official"] is False and info["tiers"] == "reference"
    assert info["benchmarks"] == len(catalog.benchmarks) and "SRHJ" in info["fields"]
    decided = client.post("/v1/decisions", json=CASE).json()["catalog"]
    assert {k: info[k] for k in decided} == decided


def test_healthz(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and len(health["catalog_sha256"]) == 64


def test_openapi_is_generated_from_the_models_with_examples(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/decisions", "/v1/decisions:batch", "/v1/items", "/v1/items/{item_id}",
                 "/v1/catalog", "/healthz"):
        assert path in spec["paths"]
    assert "/" not in spec["paths"], "the page is not part of the API"
    schemas = spec["components"]["schemas"]
    assert {"Case", "Decision", "DecisionResponse", "ErrorBody", "ItemDetail", "CatalogInfo"} <= set(schemas)
    assert "occurred_on" in schemas["Case"]["properties"]
    post = spec["paths"]["/v1/decisions"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Case"}
    assert body["example"]["item"] == "LS-SRHJ-0001"
    answer = post["responses"]["200"]["content"]["application/json"]
    assert answer["example"]["outcome"] == "penalized" and answer["example"]["text"]
    assert post["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"}
    batch = spec["paths"]["/v1/decisions:batch"]["post"]
    example = batch["responses"]["200"]["content"]["application/x-ndjson"]["example"]
    assert [json.loads(line)["line"] for line in example.splitlines()] == [1, 2]
    assert "1,048,576 bytes" in spec["info"]["description"], "the limits are documented"


def test_every_error_is_json(client: httpx.Client) -> None:
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    assert_error(client.delete("/v1/decisions"), 405, "request")
    assert_error(client.get("/v1/decisions"), 405, "request")


def test_an_internal_error_is_json_without_a_traceback_and_costs_a_batch_only_its_line(
        app: Any, client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(case: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.engine, "evaluate", broken)
    error = assert_error(client.post("/v1/decisions", json=CASE), 500, "internal")
    assert "secret" not in json.dumps(error)
    out = client.post("/v1/decisions:batch", content=json.dumps(CASE) + "\n" + json.dumps(CASE))
    lines = [json.loads(line) for line in out.text.splitlines()]
    assert [(o["line"], o["error"]["kind"]) for o in lines] == [(1, "internal"), (2, "internal")]
    assert "secret" not in out.text


# --- the officer's page, without a browser (tests/test_service_browser.py drives one) ------

def test_the_page_finds_items_in_everyday_words(client: httpx.Client) -> None:
    page = client.get("/", params={"q": "阳台乱挂"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/item/LS-SRHJ-0001"' in page.text and "俗称" in page.text
    none = client.get("/", params={"q": "月球采矿无人机"})
    assert "没有找到" in none.text


def test_the_page_decides_the_form_as_the_engine_decides_the_case(client: httpx.Client) -> None:
    form = client.get("/item/LS-SRHJ-0001").text
    for label in ("当事人类型", "违法行为发生日期", "危害后果", "吊挂或者堆放物品件数"):
        assert label in form
    fields = {"party.kind": "individual", "party.age": "35", "party.capacity": "full",
              "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": "true",
              "harm": "minor", "correction": "overdue", "facts.item_count": "5",
              "ended_on": "", "no_fault_proven": ""}
    page = client.post("/item/LS-SRHJ-0001", data=fields)
    assert page.status_code == 200
    engine = Engine(CATALOG)
    document = decision_document(engine.evaluate(CASE), engine.catalog)
    import html

    assert html.escape(document, quote=False) in page.text
    assert "处理结果：给予行政处罚" in page.text and "处理依据" in page.text


def test_the_page_shows_each_problem_at_its_field(client: httpx.Client) -> None:
    page = client.post("/item/LS-SRHJ-0001", data={"party.kind": "individual",
                                                    "party.age": "abc", "occurred_on": "2022-03-01"})
    assert page.status_code == 422
    field = page.text.split('id="f-party-age-field"', 1)[1].split('id="f-party-capacity-field"')[0]
    assert 'class="problem"' in field and "年龄" in field
    assert 'value="abc"' in field, "what was entered is kept"


def test_the_page_marks_what_a_decision_still_needs(client: httpx.Client) -> None:
    page = client.post("/item/LS-SRHJ-0001", data={
        "party.kind": "individual", "party.age": "35", "occurred_on": "2022-03-01",
        "decided_on": "2022-05-01", "harm": "minor", "correction": "overdue"})
    assert page.status_code == 200 and "处理结果：尚待查明事实" in page.text
    assert 'class="field needed" id="f-facts-item_count-field"' in page.text


@pytest.mark.parametrize(("chosen", "outcome"), [
    ([], "处理结果：尚待查明事实"),
    (["neither"], "处理结果：应当不予行政处罚"),
    (["life_health"], "处理结果：给予行政处罚"),
    (["neither", "life_health"], "处理结果：给予行政处罚"),
])
def test_the_page_reads_what_an_act_involves_including_neither(
        client: httpx.Client, chosen: list[str], outcome: str) -> None:
    """Art. 36: found three years after the act, the case is time-barred unless the act
    involves life and health (five years); nothing chosen is not established, “都不涉及” is
    ``involves: []``."""
    fields = [("party.kind", "individual"), ("party.age", "35"), ("occurred_on", "2018-01-01"),
              ("discovered_on", "2021-06-01"), ("decided_on", "2021-07-01"),
              ("harm", "minor"), ("correction", "overdue"), ("facts.item_count", "5"),
              *(("involves", value) for value in chosen)]
    page = client.post("/item/LS-SRHJ-0001", content=urlencode(fields),
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert page.status_code == 200 and outcome in page.text


def test_the_page_leads_a_list_entry_to_its_benchmark_and_an_unknown_id_to_a_page(
        client: httpx.Client) -> None:
    entry = client.get("/v1/items", params={"kind": "non_penalty"}).json()["items"][0]
    moved = client.get(f"/item/{entry['id']}")
    assert moved.status_code == 303 and moved.headers["location"] == f"/item/{entry['benchmark']}"
    missing = client.get("/item/NOPE-1")
    assert missing.status_code == 404 and "没有这个事项编号" in missing.text


def test_the_page_fetches_nothing_from_the_internet_and_runs_no_script(client: httpx.Client) -> None:
    pages = [client.get("/").text, client.get("/", params={"q": "占道经营"}).text,
             client.get("/item/LS-SRHJ-0001").text]
    style = client.get("/static/page.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    for text in [*pages, style.text]:
        assert "http://" not in text and "https://" not in text and "//" + "cdn" not in text
        assert "<script" not in text and "@import" not in text


# --- the serve command ----------------------------------------------------------------------

def test_serve_refuses_a_broken_catalog_before_listening(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--catalog", str(tmp_path / "missing"), "--port", "1"])
    _, err = capsys.readouterr()
    assert code == 1 and "missing" in err and "Traceback" not in err


@pytest.mark.parametrize("option", [["--port", "0"], ["--port", "http"], ["--workers", "0"]])
def test_serve_usage_errors_exit_2(option: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", *option]) == 2
    assert "expected" in capsys.readouterr().err


def test_serve_names_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code = main(["serve", "--catalog", str(CATALOG), "--port", str(taken.getsockname()[1])])
    err = capsys.readouterr().err
    assert code == 1 and "in use" in err and "端口已被占用" in err and "fix:" in err


def test_serve_without_the_extra_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    assert main(["serve", "--port", "8000"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'discretion[serve]'" in err and "请先安装" in err


def test_serve_with_two_workers_answers_over_a_real_socket(tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "discretion", "serve", "--port", str(port), "--workers", "2",
         "--catalog", str(CATALOG)], stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + STARTUP
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            while True:
                assert process.poll() is None, Path(log.name).read_text()
                try:
                    if c.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the service did not start"
                time.sleep(0.2)
            assert c.post("/v1/decisions", json=CASE).json()["outcome"] == "penalized"
            offered = c.post("/v1/decisions", json=CASE, headers=H2C_OFFER)
            assert offered.json()["outcome"] == "penalized"
            out = c.post("/v1/decisions:batch", content="\n".join([json.dumps(CASE)] * 50))
            assert [json.loads(line)["line"] for line in out.text.splitlines()] == list(range(1, 51))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    text = Path(log.name).read_text()
    assert "2 workers" in text and "Traceback" not in text
    assert "Unsupported upgrade" not in text, "an ignored HTTP/2 offer is not worth a warning"
