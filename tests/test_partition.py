"""Parts of an input decided or audited apart (docs/scaling.md) join to one run's output."""

from __future__ import annotations

import datetime as dt
import io
import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discretion import Catalog, Engine
from discretion.cli import main
from discretion.runs.audit import AuditStats
from discretion.runs.audit_report import summary_markdown
from discretion.runs.partition import (
    AuditPart,
    audit_part,
    csv_header,
    decide_part,
    engine_for,
    first_lines,
    join_audits,
)
from discretion.testing.synthetic import synthetic_decided, write_decided

GOOD = {"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35},
        "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
        "harm": "minor", "correction": "overdue", "facts": {"item_count": 5}}


@pytest.fixture(scope="module")
def decided() -> list[dict[str, object]]:
    """Decided cases over many items, some deviating, some lacking a fact, some invalid."""
    return list(synthetic_decided(Engine(today=dt.date(2023, 1, 1)), 160, seed=11))


@pytest.fixture(scope="module")
def batch_input(tmp_path_factory: pytest.TempPathFactory,
                decided: list[dict[str, object]]) -> tuple[list[str], bytes]:
    """JSON Lines cases with blank and bad lines among them, and `check --batch`'s output."""
    lines = [json.dumps({k: v for k, v in d.items() if k != "decided"},
                        ensure_ascii=False) + "\n" for d in decided]
    lines[5:5] = ["\n", "{not json\n", json.dumps(dict(GOOD, party={"kind": "individual",
                                                                   "age": -1})) + "\n"]
    folder = tmp_path_factory.mktemp("batch")
    path = folder / "cases.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    out = folder / "out.jsonl"
    main(["check", "--batch", str(path), "--out", str(out), "--progress", "off"])
    return lines, out.read_bytes()


def split(lines: list[str], cuts: list[int]) -> list[list[str]]:
    bounds = [0, *sorted(set(cuts)), len(lines)]
    return [lines[a:b] for a, b in pairwise(bounds)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=0, max_value=163), max_size=5))
def test_decided_parts_join_to_the_batch_output(batch_input: tuple[list[str], bytes],
                                                cuts: list[int]) -> None:
    lines, whole = batch_input
    parts = split(lines, cuts)
    starts = first_lines(len(part) for part in parts)
    joined = b"".join(decide_part(part, first_line=start) for part, start in zip(parts, starts, strict=True))
    assert joined == whole


def test_csv_parts_are_numbered_as_in_the_whole_file(tmp_path: Path,
                                                     decided: list[dict[str, object]]) -> None:
    path = tmp_path / "cases.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        write_decided(decided[:40], handle, csv_format=True, fact_names=_fact_names(decided[:40]))
    out = tmp_path / "out.jsonl"
    main(["check", "--batch", str(path), "--out", str(out), "--progress", "off"])
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = csv_header(path)
    # a part holding only the header, then parts cut anywhere between rows
    parts = split(lines, [1, 2, 17])
    starts = first_lines(len(part) for part in parts)
    joined = b"".join(decide_part(part, first_line=start, header=header)
                      for part, start in zip(parts, starts, strict=True))
    assert joined == out.read_bytes()
    assert json.loads(joined.splitlines()[0])["line"] == 2  # line 1 is the header


@pytest.mark.parametrize("csv_format", [True, False], ids=["csv", "jsonl"])
def test_audit_parts_join_to_the_audit_outputs(tmp_path: Path, decided: list[dict[str, object]],
                                               csv_format: bool) -> None:
    invalid = dict(decided[0], party={"kind": "individual", "age": -1})
    cases = [*decided[:80], invalid, *decided[80:]]
    path = tmp_path / ("decided.csv" if csv_format else "decided.jsonl")
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_decided(cases, handle, csv_format=csv_format, fact_names=_fact_names(cases))
    out, summary = tmp_path / "deviations.csv", tmp_path / "summary.md"
    main(["audit", str(path), "--out", str(out), "--summary", str(summary), "--progress", "off"])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = csv_header(path) if csv_format else None
    parts = split(lines, [1, 50, 51, 120])
    starts = first_lines(len(part) for part in parts)
    audited = [audit_part(part, first_line=start, header=header)
               for part, start in zip(parts, starts, strict=True)]
    written = io.BytesIO()
    stats = join_audits(audited, written)
    assert written.getvalue() == out.read_bytes()
    assert summary_markdown(stats, Catalog.load(), str(path)) == summary.read_text(encoding="utf-8")
    assert stats.deviations > 0 and stats.invalid == 1  # the input exercises both


def test_parts_audited_with_different_catalogs_are_refused() -> None:
    parts = [AuditPart(b"", AuditStats(), "a" * 64), AuditPart(b"", AuditStats(), "b" * 64)]
    with pytest.raises(ValueError, match="different catalogs"):
        join_audits(parts)


def test_engine_for_keeps_one_engine_per_catalog_folder() -> None:
    engine = engine_for()
    assert engine_for(None) is engine
    assert engine_for(engine.catalog.root) is engine_for(str(engine.catalog.root))
    assert engine.today is None  # as the commands decide: by each case's own dates


def test_first_line_counts_from_one() -> None:
    assert first_lines([3, 0, 2]) == [1, 4, 4]
    with pytest.raises(ValueError, match="from 1"):
        decide_part(["{}\n"], first_line=0)


def test_a_header_other_than_the_files_is_refused() -> None:
    lines = ["\ufeffitem,party.kind,occurred_on\n", "LS-SRHJ-0001,individual,2022-03-01\n"]
    assert decide_part(lines, header=("item", "party.kind", "occurred_on")).startswith(b'{"line":2,')
    with pytest.raises(ValueError, match="header that is not the one given"):
        decide_part(lines, header=("item", "occurred_on", "party.kind"))


def test_csv_header_of_an_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="starts with its header"):
        csv_header(empty)


def _fact_names(cases: list[dict[str, object]]) -> list[str]:
    return sorted({name for case in cases for name in case.get("facts", {})})  # type: ignore[attr-defined]
