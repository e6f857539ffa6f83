"""yamlpos: YAML with positions, duplicate keys, malformed input, bounded aliases and nesting."""

from __future__ import annotations

import datetime as dt

import pytest

from discretion.catalog.yamlpos import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_NODES,
    Located,
    YamlError,
    format_path,
    load_yaml,
    load_yaml_file,
)
from discretion.errors import Problem

DOC = """\
# a comment
name: test
items:
  - id: A-1
    tiers:
      - level: 轻微
        when: area < 10
      - level: 一般
        when: "harm == \\"minor\\""
  - id: A-2
    list: [1, 2, {k: v}]
"""


def yaml_error(text: str) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_yaml(text, "doc.yaml")
    return info.value


def test_values_load_as_plain_python():
    doc = load_yaml(DOC, "doc.yaml")
    assert doc.file == "doc.yaml"
    assert doc.value["name"] == "test"
    assert doc.value["items"][0]["tiers"][1]["when"] == 'harm == "minor"'
    assert doc.value["items"][1]["list"] == [1, 2, {"k": "v"}]


def test_positions_of_nested_values():
    doc = load_yaml(DOC, "doc.yaml")
    assert doc.position(("name",)) == (2, 7)
    assert doc.position(("items",)) == (4, 3)
    assert doc.position(("items", 0)) == (4, 5)
    assert doc.position(("items", 0, "id")) == (4, 9)
    assert doc.position(("items", 0, "tiers", 0, "level")) == (6, 16)
    assert doc.position(("items", 0, "tiers", 0, "when")) == (7, 15)
    assert doc.position(("items", 0, "tiers", 1, "when")) == (9, 15)
    assert doc.position(("items", 1, "list")) == (11, 11)
    assert doc.position(("items", 1, "list", 1)) == (11, 15)
    assert doc.position(("items", 1, "list", 2, "k")) == (11, 22)


def test_position_falls_back_to_nearest_ancestor():
    doc = load_yaml(DOC, "doc.yaml")
    assert doc.position(("items", 0, "tiers", 0, "missing", 3)) == (6, 9)
    assert doc.position(("nope",)) == doc.position(())
    assert Located(None, "x").position(("a",)) == (None, None)


def test_problem_offset_into_plain_and_quoted_scalars():
    doc = load_yaml(DOC, "doc.yaml")
    plain = doc.problem(("items", 0, "tiers", 0, "when"), "bad", offset=5)
    assert (plain.file, plain.line, plain.column) == ("doc.yaml", 7, 15 + 5)
    assert plain.path == "items[0].tiers[0].when"
    quoted = doc.problem(("items", 0, "tiers", 1, "when"), "bad", offset=0)
    assert (quoted.line, quoted.column) == (9, 15 + 1)  # past the opening quote
    # an offset is only applied at the exact path, not at an ancestor's position
    fallback = doc.problem(("items", 0, "tiers", 0, "nope"), "bad", offset=5)
    assert (fallback.line, fallback.column) == (6, 9)


def test_format_path():
    assert format_path(("items", 3, "tiers", 0, "when")) == "items[3].tiers[0].when"
    assert format_path(()) == ""
    assert format_path((0, "a")) == "[0].a"


def test_scalars_types():
    doc = load_yaml("a: 1\nb: 2.5\nc: true\nd: null\ne: 2022-01-01\nf: '007'\ng: 2022-13-01\n")
    assert doc.value == {"a": 1, "b": 2.5, "c": True, "d": None, "e": dt.date(2022, 1, 1),
                         "f": "007", "g": "2022-13-01"}


def test_empty_document():
    assert load_yaml("").value is None
    assert load_yaml("# only a comment\n").value is None


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_key_reports_both_lines():
    error = yaml_error("a: 1\nb: 2\na: 3\n")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.file == "doc.yaml"
    assert (problem.line, problem.column) == (3, 1)
    assert "line 1" in problem.message
    assert "'a'" in problem.message
    assert problem.path == "a"


def test_duplicate_key_nested_and_in_flow_mapping():
    error = yaml_error("items:\n  - id: X\n    title: t\n    id: Y\n  - {k: 1, k: 2}\n")
    assert [(p.line, p.column) for p in error.problems] == [(4, 5), (5, 12)]
    assert "line 2" in error.problems[0].message
    assert error.problems[0].path == "items[0].id"
    assert "line 5" in error.problems[1].message


def test_every_duplicate_is_reported():
    error = yaml_error("a: 1\na: 2\na: 3\nb: 1\nb: 2\n")
    assert [p.line for p in error.problems] == [2, 3, 5]


# --------------------------------------------------------------------------- malformed


def test_malformed_unclosed_flow_sequence():
    error = yaml_error("a: [1, 2\n")
    problem = error.problems[0]
    assert problem.message.startswith("malformed YAML")
    assert (problem.line, problem.column) == (2, 1)
    assert problem.hint


def test_malformed_bad_indentation():
    error = yaml_error("a:\n  b: 1\n c: 2\n")
    assert (error.problems[0].line, error.problems[0].column) == (3, 2)


def test_malformed_unterminated_quote():
    error = yaml_error('a: 1\nb: "abc\nc: 2\n')
    assert error.problems[0].line is not None and error.problems[0].line >= 2


def test_tab_indentation():
    error = yaml_error("a:\n\tb: 1\n")
    assert error.problems[0].line == 2


def test_multiple_documents_rejected():
    error = yaml_error("a: 1\n---\nb: 2\n")
    assert error.problems[0].line == 2


def test_error_renders_location():
    error = yaml_error("a: 1\na: 2\n")
    assert "doc.yaml:2:1" in str(error)


# --------------------------------------------------------------------------- hostile input


def _laughs(levels: int, width: int = 9) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_bounded():
    error = yaml_error(_laughs(9))
    assert len(error.problems) == 1
    assert "alias" in error.problems[0].message
    assert str(MAX_ALIAS_VALUES) in error.problems[0].message
    assert error.problems[0].line is not None


def test_billion_laughs_in_mappings_is_bounded():
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}"]
    for i in range(1, 10):
        keys = ", ".join(f"k{j}: *m{i - 1}" for j in range(8))
        lines.append(f"m{i}: &m{i} {{{keys}}}")
    error = yaml_error("\n".join(lines) + "\n")
    assert "values" in error.problems[0].message


def test_values_written_out_are_not_alias_expansion():
    """The bound counts what aliases repeat: a file that writes more values than the bound
    loads (an honest catalog file of ~1,800 items does)."""
    count = MAX_ALIAS_VALUES + 50_000
    doc = load_yaml("items: [" + "1, " * (count - 1) + "2]\n")
    assert len(doc.value["items"]) == count and doc.value["items"][-1] == 2


def test_a_document_writing_too_many_values_is_refused_before_it_is_built():
    # a 3 MB file of tiny values would take seconds and hundreds of MB to build: the parser's
    # events are counted first
    text = "a: 1\nitems: [" + "1, " * MAX_NODES + "2]\n"
    error = yaml_error(text)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.message == f"more than {MAX_NODES} values and keys in one file"
    assert problem.line == 2 and problem.column is not None
    assert "拆分" in (problem.hint or "")


def test_small_aliases_are_fine():
    doc = load_yaml(_laughs(3, 3))
    assert doc.value["l2"] == [[["lol"] * 3] * 3] * 3


def test_recursive_alias_is_rejected():
    with pytest.raises(YamlError):
        load_yaml("a: &a [*a]\n")


@pytest.mark.parametrize("levels", [MAX_DEPTH + 2, 1000, 100_000])
def test_deep_flow_nesting_is_bounded(levels):
    error = yaml_error("[" * levels + "]" * levels)
    assert "nest" in error.problems[0].message
    assert error.problems[0].line == 1


def test_deep_block_nesting_is_bounded():
    text = "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + " " * (MAX_DEPTH + 5) + "x\n"
    error = yaml_error(text)
    assert "nested deeper" in error.problems[0].message
    assert error.problems[0].line is not None and error.problems[0].line > MAX_DEPTH - 1


def test_nesting_just_within_the_bound_loads():
    doc = load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    value = doc.value
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


def test_python_tags_are_rejected():
    error = yaml_error("a: 1\nb: !!python/name:os.system x\n")
    assert error.problems[0].line == 2
    assert error.problems[0].path == "b"


def test_python_tag_on_a_sequence_runs_no_code():
    # tags on collections are not constructed: the value stays plain data
    doc = load_yaml("a: !!python/object/apply:os.system ['echo hi']\n")
    assert doc.value == {"a": ["echo hi"]}


def test_merge_keys_rejected():
    error = yaml_error("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert "merge" in problem.message
    assert (problem.line, problem.column) == (3, 3)


def test_non_scalar_and_boolean_keys_rejected():
    error = yaml_error("? [1, 2]\n: 3\ntrue: 1\n")
    assert len(error.problems) == 2
    assert all("plain names" in p.message for p in error.problems)


def test_all_builder_problems_at_once():
    error = yaml_error("a: 1\na: 2\nb: &x {k: 1}\nc:\n  <<: *x\n")
    assert len(error.problems) == 2


# --------------------------------------------------------------------------- files


def test_load_yaml_file_and_display_name(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("a:\n  b: 值\n", encoding="utf-8")
    doc = load_yaml_file(path)
    assert doc.file == str(path)
    assert doc.value == {"a": {"b": "值"}}
    assert doc.position(("a", "b")) == (2, 6)
    assert load_yaml_file(path, "shown.yaml").file == "shown.yaml"


def test_non_utf8_file(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("a: 1\nb: 2\nc: 中文\n".encode("gbk"))  # d6 d0: not UTF-8
    with pytest.raises(YamlError) as info:
        load_yaml_file(path)
    problem = info.value.problems[0]
    assert "UTF-8" in problem.message
    assert problem.line == 3
    assert problem.file == str(path)


def test_missing_file(tmp_path):
    with pytest.raises(YamlError) as info:
        load_yaml_file(tmp_path / "nope.yaml")
    assert "cannot read" in info.value.problems[0].message


def test_bom_tolerated(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\nb:\n  c: 2\n")
    doc = load_yaml_file(path)
    assert doc.value == {"a": 1, "b": {"c": 2}}
    assert doc.position(("a",)) == (1, 4)
    assert doc.position(("b", "c")) == (3, 6)
    assert load_yaml("\ufeffa: 1\n").value == {"a": 1}


def test_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"a: 1\r\nb:\r\n  c: 2\r\n")
    doc = load_yaml_file(path)
    assert doc.value == {"a": 1, "b": {"c": 2}}
    assert doc.position(("b", "c")) == (3, 6)


def test_problem_type():
    error = yaml_error("a: 1\na: 2\n")
    assert all(isinstance(p, Problem) for p in error.problems)


def test_plain_keys_are_names_never_booleans() -> None:
    """YAML 1.1 reads a plain on/off/yes/no as a boolean; as a mapping key it is the word (a
    sanction's `on: responsible` names whom it falls on)."""
    from discretion.catalog.yamlpos import load_yaml

    doc = load_yaml("sanction: {on: responsible, kind: fine}\nyes: 1\n'off': 2\n")
    assert doc.value == {"sanction": {"on": "responsible", "kind": "fine"}, "yes": 1, "off": 2}
