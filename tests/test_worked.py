"""`discretion test`: worked cases in YAML with expected decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_worked_cases_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", str(ROOT / "examples" / "worked")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out and " 0 failed" in out


def test_a_wrong_expectation_fails_field_by_field(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(
        "cases:\n"
        "  - name: wrong on purpose\n"
        "    case: {item: LS-SRHJ-0001, party: {kind: individual, age: 35}, occurred_on: 2022-03-01,\n"
        "           decided_on: 2022-05-01, first_offense: true, harm: minor, correction: overdue,\n"
        "           facts: {item_count: 5}}\n"
        "    expect: {outcome: not_penalized, tier: 轻微, recommended: {fine: {min: 50, max: 185}}}\n",
        encoding="utf-8")
    code = main(["test", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL {path}:2 wrong on purpose" in out
    assert "outcome: expected 'not_penalized', got 'penalized'" in out
    assert "tier: expected '轻微', got '一般'" in out
    assert "recommended.fine" in out


def test_unknown_expectation_key_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("cases:\n  - name: x\n    case: {}\n    expect: {outcom: penalized}\n", encoding="utf-8")
    code = main(["test", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and f"{path}:4:" in err and "outcom" in err
