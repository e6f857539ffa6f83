"""Inputs read as UTF-8 or GB18030 lines, a bad byte named by its line (discretion.io.textlines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from discretion import DiscretionError
from discretion.cli import main
from discretion.io.textlines import decoded_lines, raw_lines

HEADER = "reference,item,party.kind,party.age,occurred_on,decided_on,first_offense,harm,correction,facts.item_count,备注"
ROWS = [f"案{n},LS-SRHJ-0001,individual,{20 + n},2022-03-01,2022-05-01,{'是' if n % 2 else '否'},minor,"
        f"overdue,{n},当事人{n}号" for n in range(1, 8)]
# lines as a file holds them: no line ends inside, and no byte-order mark (read as one)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\ufeff"),
               max_size=30)


def lines_of(texts: list[str], end: str) -> list[str]:
    return [text + end for text in texts]


@given(st.lists(TEXT, max_size=8), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["utf-8", "gb18030"]))
def test_lines_decode_to_the_text_written(texts: list[str], end: str, encoding: str) -> None:
    lines = lines_of(texts, end)
    raw = [line.encode(encoding) for line in lines]
    assert list(decoded_lines(raw, "x", encoding)) == lines
    if encoding == "utf-8":  # auto reads UTF-8 whatever the text
        assert list(decoded_lines(raw, "x")) == lines


@given(st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\r").replace(b"\x01", b"\n")),
       st.integers(1, 9))
@example(b"\r\x02", 1)  # a lone \r, then a chunk without a line end
@example(b"ab\r\ncd\re", 3)
def test_raw_lines_split_at_every_line_end_whatever_the_chunks(data: bytes, size: int) -> None:
    import io

    assert list(raw_lines(io.BytesIO(data), size)) == data.splitlines(keepends=True)


def test_lines_ended_by_a_lone_carriage_return_are_lines(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *ROWS]) + "\n"
    outputs = []
    for number, end in enumerate(("\n", "\r", "\r\n")):
        source = tmp_path / f"cases{number}.csv"
        source.write_bytes(text.replace("\n", end).encode("utf-8"))
        out = tmp_path / f"out{number}.jsonl"
        assert main(["check", "--batch", str(source), "--out", str(out), "--progress", "off"]) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) == len(ROWS)


def test_auto_reads_gb18030_chinese_text_and_drops_a_utf8_bom() -> None:
    lines = lines_of([HEADER, *ROWS], "\r\n")
    assert list(decoded_lines([line.encode("gb18030") for line in lines], "x")) == lines
    raw = [("\ufeff" + lines[0]).encode("utf-8"), *(line.encode("utf-8") for line in lines[1:])]
    assert list(decoded_lines(raw, "x")) == lines


def test_a_bad_line_is_named_by_its_number_after_the_lines_before_it() -> None:
    raw = [b"ascii\n", "中文\n".encode(), b"\xff\n", b"after\n"]
    read: list[str] = []
    with pytest.raises(DiscretionError) as caught:
        read.extend(decoded_lines(raw, "cases.jsonl"))
    assert read == ["ascii\n", "中文\n"]
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("cases.jsonl", 3)
    assert "not UTF-8 text, as the lines before it were (its byte 1 is 0xff)" in problem.message
    with pytest.raises(DiscretionError, match="neither UTF-8 nor GB18030"):
        list(decoded_lines([b"ok\n", b"\x80\xff\n"], "x"))
    with pytest.raises(DiscretionError, match="--encoding gb18030"):
        list(decoded_lines(["中文\n".encode("gb18030")], "x", "utf-8"))
    with pytest.raises(ValueError, match="encoding is one of"):
        list(decoded_lines([], "x", "latin-1"))


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_batch_and_audit_of_a_gb18030_csv_equal_those_of_the_utf8_csv(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *ROWS]) + "\n"
    outputs = {}
    for encoding in ("utf-8", "gb18030"):
        source = write(tmp_path / f"{encoding}.csv", text, encoding)
        out = tmp_path / f"{encoding}.jsonl"
        assert main(["check", "--batch", str(source), "--out", str(out), "--progress", "off"]) == 0
        outputs[encoding] = out.read_bytes()
    assert outputs["utf-8"] == outputs["gb18030"]
    assert json.loads(outputs["utf-8"].splitlines()[0])["decision"]["reference"] == "案1"
    decided = "\n".join([HEADER + ",decided.outcome,decided.fine",
                         *(row + ",penalized,５００元" for row in ROWS)]) + "\n"
    audits = {}
    for encoding in ("utf-8", "gb18030"):
        source = write(tmp_path / f"decided-{encoding}.csv", decided, encoding)
        out = tmp_path / f"dev-{encoding}.csv"
        main(["audit", str(source), "--out", str(out), "--progress", "off"])
        audits[encoding] = out.read_bytes()
    assert audits["utf-8"] == audits["gb18030"]
    assert audits["utf-8"].count(b"\n") > 1  # some rows deviate: the comparison is not empty


def test_a_bad_byte_late_in_a_batch_is_reported_with_its_line(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    case = {"item": "LS-SRHJ-0001", "party": {"kind": "individual"}, "occurred_on": "2022-03-01",
            "decided_on": "2022-05-01", "reference": "甲"}
    good = (json.dumps(case, ensure_ascii=False) + "\n").encode("utf-8") * 3000
    source = tmp_path / "cases.jsonl"
    source.write_bytes(good + b'{"reference": "\xff"}\n')
    out = tmp_path / "out.jsonl"
    assert main(["check", "--batch", str(source), "--out", str(out), "--progress", "off"]) == 1
    err = capsys.readouterr().err
    assert f"{source}:3001: the line is not UTF-8 text" in err and "Traceback" not in err
    assert len(out.read_bytes().splitlines()) == 3000  # every line before it was decided


def test_encoding_option_is_for_batch_only_and_forces_the_encoding(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "cases.csv", "\n".join([HEADER, *ROWS]) + "\n", "gb18030")
    assert main(["check", "--batch", str(source), "--encoding", "utf-8", "--progress", "off"]) == 1
    err = capsys.readouterr().err
    assert f"{source}:1: the line is not UTF-8 text" in err and "--encoding gb18030" in err
    assert main(["check", "--batch", str(source), "--encoding", "gb18030", "--progress", "off",
                 "--out", str(tmp_path / "o.jsonl")]) == 0
    assert main(["check", "examples/overdue-fine.yaml", "--encoding", "utf-8"]) == 2
