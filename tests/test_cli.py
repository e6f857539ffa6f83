"""The ``discretion`` command line: every subcommand, exit codes, and no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from discretion.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "overdue-fine.yaml"
CATALOG = ROOT / "catalogs" / "lishui-2022"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_chinese_decision(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--catalog", str(CATALOG))
    assert code == 0
    for term in ("处理结果", "法律依据", "违法程度", "建议处罚", "说理"):
        assert term in out


def test_check_json_is_the_decision_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"outcome", "mandatory", "grounds", "item", "tier", "statutory",
                         "recommended", "adjustments", "follow_up", "procedure", "needs_facts",
                         "trace", "catalog"}
    assert data["recommended"][0]["fine"] == {"min": "185.00", "max": "365.00"}


def test_check_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--format", "markdown")
    assert code == 0 and out.startswith("## 处理结果")


def test_check_reads_stdin_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    payload = json.dumps({"item": "LS-SRHJ-0022", "party": {"kind": "individual", "age": 40},
                          "occurred_on": "2022-03-01", "decided_on": "2022-03-02",
                          "first_offense": False, "harm": "ordinary", "correction": "in_time"})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload.encode("utf-8"))))
    code, out, _ = run(capsys, "check", "-", "--json")
    assert code == 0
    assert json.loads(out)["item"] == "LS-SRHJ-0022"


def test_invalid_case_exits_1_with_field_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("item: LS-SRHJ-0001\nparty: {kind: individual, age: -3}\noccurred_on: 2022-13-01\n",
                   encoding="utf-8")
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1 and out == ""
    assert "party.age" in err and "Traceback" not in err


def test_malformed_yaml_case_names_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("item: [LS-SRHJ-0001\nparty: x\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 1 and f"{bad}:" in err


def test_missing_file_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "no-such-file.yaml")
    assert code == 2 and "not found" in err


def test_bad_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "check")
    assert code == 2
    code, _, _ = run(capsys)
    assert code == 2


def test_broken_catalog_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1 and "manifest.yaml" in err


def test_validate_list_show_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "ok" in out
    code, out, _ = run(capsys, "list", "--field", "SRHJ", "--kind", "non_penalty", "--json")
    rows = json.loads(out)
    assert code == 0 and rows and all(r["kind"] == "non_penalty" for r in rows)
    code, out, _ = run(capsys, "show", "LS-SRHJ-0001")
    assert code == 0 and "第十一条" in out and "when:" in out
    code, out, _ = run(capsys, "search", "乱扔")
    assert code == 0 and "LS-SRHJ-0023" in out
    code, out, _ = run(capsys, "search", "《浙江省城市市容和环境卫生管理条例》第三十二条第一款第二项", "--json")
    assert code == 0 and next(r["id"] for r in json.loads(out)) == "LS-SRHJ-0023"


def test_show_unknown_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "ls-srhj-1")
    assert code == 1 and "LS-SRHJ-0001" in err


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "discretion", "check", str(EXAMPLE), "--json"],
                            capture_output=True, text=True, check=False,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "penalized"


def test_non_utf8_case_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("item: LS-SRHJ-0001\nnote: caf\u00e9\n".encode("latin-1"))
    code, _, err = run(capsys, "check", str(bad))
    assert code == 1 and "not UTF-8" in err and "Traceback" not in err
