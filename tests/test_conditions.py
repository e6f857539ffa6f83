"""The condition language: parser, canonical source, syntax errors, limits, typecheck, interpreter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discretion.conditions import (
    UNKNOWN,
    And,
    Compare,
    ConditionSyntaxError,
    FactType,
    InList,
    Literal,
    Name,
    Not,
    Or,
    Truth,
    Vocabulary,
    evaluate,
    names_in,
    parse_condition,
    typecheck,
)
from discretion.conditions.ast import Const, to_source
from discretion.conditions.parser import MAX_DEPTH, MAX_LENGTH, MAX_LIST

# --------------------------------------------------------------------------- helpers


def strip(expr):
    """The expression with every offset set to 0 (structural comparison)."""
    match expr:
        case Truth(name=name):
            return Truth(Name(name.name))
        case Compare(name=name, op=op, value=value):
            return Compare(Name(name.name), op, Literal(value.value))
        case InList(name=name, values=values, negated=negated):
            return InList(Name(name.name), tuple(Literal(v.value) for v in values), negated)
        case Not(operand=operand):
            return Not(strip(operand))
        case And(operands=ops):
            return And(tuple(strip(o) for o in ops))
        case Or(operands=ops):
            return Or(tuple(strip(o) for o in ops))
        case Const():
            return expr
    raise AssertionError(f"not a node: {expr!r}")


def P(source: str):
    return strip(parse_condition(source))


def T(name: str) -> Truth:
    return Truth(Name(name))


def C(name: str, op: str, value) -> Compare:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = Decimal(str(value))
    return Compare(Name(name), op, Literal(value))


# --------------------------------------------------------------------------- parsing


def test_bare_name_is_truth():
    assert P("first_offense") == T("first_offense")


def test_and_or_not():
    assert P("a and b") == And((T("a"), T("b")))
    assert P("a or b") == Or((T("a"), T("b")))
    assert P("not a") == Not(T("a"))
    assert P("a and b and c") == And((T("a"), T("b"), T("c")))
    assert P("a or b or c") == Or((T("a"), T("b"), T("c")))


def test_precedence_and_binds_tighter_than_or():
    assert P("a or b and c") == Or((T("a"), And((T("b"), T("c")))))
    assert P("a and b or c") == Or((And((T("a"), T("b"))), T("c")))


def test_not_binds_tighter_than_and():
    assert P("not a and b") == And((Not(T("a")), T("b")))
    assert P("not not a") == Not(Not(T("a")))


def test_parentheses_override_precedence():
    assert P("(a or b) and c") == And((Or((T("a"), T("b"))), T("c")))
    assert P("not (a or b)") == Not(Or((T("a"), T("b"))))
    assert P("((a))") == T("a")


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_comparison_operators(op):
    assert P(f"n {op} 5") == C("n", op, 5)
    assert P(f"n{op}5") == C("n", op, 5)


@pytest.mark.parametrize(("source", "op"), [("5 > x", "<"), ("5 >= x", "<="), ("5 < x", ">"),
                                             ("5 <= x", ">="), ("5 == x", "=="), ("5 != x", "!=")])
def test_reversed_comparison_flips_operator(source, op):
    assert P(source) == C("x", op, 5)


def test_reversed_comparison_with_string():
    assert P('"minor" == harm') == C("harm", "==", "minor")


def test_literals():
    assert P("n == 2.5") == C("n", "==", Decimal("2.5"))
    assert P("n == -3") == C("n", "==", Decimal("-3"))
    assert P('s == "x y"') == C("s", "==", "x y")
    assert P("s == 'single'") == C("s", "==", "single")
    assert P("s == “全角”") == C("s", "==", "全角")
    assert P(r's == "a\"b"') == C("s", "==", 'a"b')
    assert P("b == true") == C("b", "==", True)
    assert P("b != false") == C("b", "!=", False)
    value = parse_condition("n == 2.5").value.value
    assert isinstance(value, Decimal) and value == Decimal("2.5")


def test_in_and_not_in_lists():
    assert P('harm in ["none", "minor"]') == InList(
        Name("harm"), (Literal("none"), Literal("minor")))
    assert P('harm not in ["serious"]') == InList(Name("harm"), (Literal("serious"),), True)
    assert P("n in [1, 2.5, 3,]") == InList(
        Name("n"), (Literal(Decimal(1)), Literal(Decimal("2.5")), Literal(Decimal(3))))


def test_true_false_constants():
    assert P("true") == Const(True)
    assert P("false") == Const(False)
    assert P("true and a") == And((Const(True), T("a")))


def test_chinese_keywords():
    assert P("a 且 b") == P("a and b")
    assert P("a 并且 b") == P("a and b")
    assert P("a 或 b") == P("a or b")
    assert P("a 或者 b") == P("a or b")
    assert P("非 a") == P("not a")
    assert P("非 a 且 b 或 c") == P("not a and b or c")


def test_unicode_operators():
    assert P("n ≤ 3") == C("n", "<=", 3)
    assert P("n ≥ 3") == C("n", ">=", 3)
    assert P("n ≠ 3") == C("n", "!=", 3)


def test_keywords_are_case_sensitive():
    # "AND" is a name, so "a AND b" is a name followed by junk
    with pytest.raises(ConditionSyntaxError):
        parse_condition("a AND b")
    assert P("True") == T("True")


def test_offsets_of_names_and_literals():
    expr = parse_condition('first_offense and harm == "minor"')
    assert isinstance(expr, And)
    assert expr.operands[0].name.offset == 0
    cmp = expr.operands[1]
    assert cmp.name.offset == 18
    assert cmp.value.offset == 26
    reversed_ = parse_condition("10 > area")
    assert reversed_.name.offset == 5 and reversed_.value.offset == 0


def test_names_in_source_order():
    expr = parse_condition('a and (b or n > 1) and not harm in ["x"] and a')
    assert [n.name for n in names_in(expr)] == ["a", "b", "n", "harm", "a"]


# --------------------------------------------------------------------------- to_source round trip

_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(lambda s: s not in _KEYWORDS)
numbers = st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True).map(Decimal)
strings = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
                  max_size=8)
literal_values = st.one_of(numbers, strings, st.booleans())
OPS = ["==", "!=", "<", "<=", ">", ">="]

leaves = st.one_of(
    names.map(lambda n: Truth(Name(n))),
    st.builds(lambda n, op, v: Compare(Name(n), op, Literal(v)), names, st.sampled_from(OPS),
              literal_values),
    st.builds(lambda n, vs, neg: InList(Name(n), tuple(Literal(v) for v in vs), neg), names,
              st.lists(literal_values, min_size=1, max_size=4), st.booleans()),
    st.booleans().map(Const),
)
exprs = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: And(tuple(ops))),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: Or(tuple(ops))),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs)
def test_to_source_round_trip(expr):
    text = to_source(expr)
    reparsed = parse_condition(text)
    assert to_source(reparsed) == text


@settings(max_examples=300, deadline=None)
@given(exprs)
def test_to_source_is_canonical_for_parsed_text(expr):
    # parse(to_source(e)) is a fixed point: printing it again and re-parsing changes nothing
    once = parse_condition(to_source(expr))
    twice = parse_condition(to_source(once))
    assert strip(once) == strip(twice)


def test_to_source_examples():
    assert to_source(parse_condition("a or b and c")) == "a or b and c"
    assert to_source(parse_condition("(a or b) and c")) == "(a or b) and c"
    assert to_source(parse_condition("5 > x")) == "x < 5"
    assert to_source(parse_condition("非 a 且 n ≤ 2.5")) == "not (a) and n <= 2.5"
    assert to_source(parse_condition("s == 'it\\'s'")) == 's == "it\'s"'


def test_to_source_small_decimal_round_trip():
    expr = parse_condition("n == 0.0000001")
    assert to_source(parse_condition(to_source(expr))) == to_source(expr)


# --------------------------------------------------------------------------- syntax errors


def err(source: str) -> ConditionSyntaxError:
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(source)
    return info.value


def test_single_equals_offset_and_hint():
    e = err("a = 3")
    assert e.offset == 2
    assert "==" in (e.hint or "")


def test_unclosed_paren():
    e = err("(a and b")
    assert e.offset == len("(a and b")
    assert "')'" in (e.expected or "")


def test_unbalanced_close_paren():
    assert err("a)").offset == 1


@pytest.mark.parametrize("source", ["", "   ", "\n\t"])
def test_empty_condition(source):
    e = err(source)
    assert e.offset == 0
    assert "empty" in e.message


@pytest.mark.parametrize(("source", "offset"), [("a and", 5), ("a or ", 5), ("not", 3),
                                                ("a and or b", 6), ("n <", 3)])
def test_trailing_or_misplaced_operator(source, offset):
    assert err(source).offset == offset


def test_unquoted_name_as_value_hint():
    e = err("harm == none")
    assert e.offset == 8
    assert '"none"' in (e.hint or "")
    e = err("harm in [none, minor]")
    assert e.offset == 9
    assert "quote" in (e.hint or "")


def test_not_equal_pascal_style():
    e = err("area_m2 <> 3")
    assert e.offset == 9


def test_fullwidth_punctuation_hint():
    e = err("（a）")
    assert e.offset == 0
    assert "half-width" in (e.hint or "")


def test_value_alone_is_not_a_condition():
    assert err("5").offset == 1
    assert err('"x"').offset == 3


def test_literal_on_both_sides():
    assert err("5 > 3").offset == 4
    assert err("true == a").offset == 0


def test_empty_list_rejected():
    assert "empty" in err("x in []").message


def test_missing_comma_in_list():
    assert err("x in [1 2]").offset == 8


def test_too_many_digits():
    err("n == " + "1" * 31)
    assert P("n == " + "1" * 30) == C("n", "==", Decimal("1" * 30))


def test_unterminated_string():
    assert err('s == "abc').offset == 5


# --------------------------------------------------------------------------- limits


def test_length_limit():
    ok = "a or " * ((MAX_LENGTH - 1) // 5) + "a"
    assert len(ok) <= MAX_LENGTH
    parse_condition(ok)
    too_long = "a" * (MAX_LENGTH + 1)
    e = err(too_long)
    assert "longer" in e.message
    assert err("a or " * 1000 + "a").offset == MAX_LENGTH


def test_depth_limit_parentheses():
    parse_condition("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    e = err("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert "nesting" in e.message
    assert e.offset == MAX_DEPTH


def test_depth_limit_not():
    parse_condition("not " * MAX_DEPTH + "a")
    e = err("not " * (MAX_DEPTH + 1) + "a")
    assert "nesting" in e.message


def test_depth_limit_mixed():
    source = "not (" * 17 + "a" + ")" * 17
    assert "nesting" in err(source).message


def test_list_limit():
    ok = "x in [" + ", ".join(str(i) for i in range(MAX_LIST)) + "]"
    assert len(parse_condition(ok).values) == MAX_LIST
    e = err("x in [" + ", ".join(str(i) for i in range(MAX_LIST + 1)) + "]")
    assert str(MAX_LIST) in e.message


# --------------------------------------------------------------------------- no code execution


@pytest.mark.parametrize("source", [
    "__import__('os').system('x')",
    "lambda: 1",
    "a.b",
    "x[0]",
    "eval('1')",
    "open('/etc/passwd')",
    "a + 1 == 2",
    "x == 1; import os",
    "f(x)",
    "{'a': 1}",
    "x if y else z",
    "`ls`",
    "$x",
    "x == 1e5",
    "x == 0x10",
])
def test_code_is_not_accepted(source):
    with pytest.raises(ConditionSyntaxError):
        parse_condition(source)


def test_non_string_input():
    with pytest.raises(ConditionSyntaxError):
        parse_condition(None)  # type: ignore[arg-type]
    with pytest.raises(ConditionSyntaxError):
        parse_condition(b"a")  # type: ignore[arg-type]


_ALPHABET = st.sampled_from(
    [*"ab xy_()[],\"'\\=<>!.-0123456789≤≥≠且或非并者“”（）\n\t",
     "and ", " or ", "not ", " in ", "true", "false", "__import__", "lambda", "1.5"])


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET, max_size=40).map("".join)))
def test_parse_returns_ast_or_syntax_error(source):
    try:
        expr = parse_condition(source)
    except ConditionSyntaxError as exc:
        assert isinstance(exc.offset, int)
        assert 0 <= exc.offset <= len(source)
        return
    assert isinstance(expr, Truth | Compare | InList | Not | And | Or | Const)


# --------------------------------------------------------------------------- typecheck

VOCAB = Vocabulary({
    "first_offense": FactType("boolean"),
    "harm": FactType("enum", ("none", "minor", "ordinary", "serious")),
    "age": FactType("number"),
    "area_m2": FactType("number"),
    "note": FactType("text"),
})


def check(source: str):
    return typecheck(parse_condition(source), VOCAB)


def test_well_typed_conditions_have_no_problems():
    for source in ['first_offense and harm in ["none", "minor"] and area_m2 < 10',
                   "not first_offense or age >= 18",
                   'harm != "serious"', "first_offense == true", 'note == "x"', "true",
                   '10 > area_m2', 'harm not in ["serious"]']:
        assert check(source) == [], source


def test_unknown_name_with_suggestion():
    problems = check("first_ofense and age > 1")
    assert len(problems) == 1
    assert "unknown name 'first_ofense'" in problems[0].message
    assert problems[0].offset == 0
    assert "first_offense" in (problems[0].hint or "")


def test_unknown_name_without_close_match():
    problems = check("age > 1 and zzzzzz")
    assert len(problems) == 1
    assert problems[0].offset == 12
    assert "did you mean" not in (problems[0].hint or "")


def test_enum_value_not_in_values():
    problems = check('harm == "minr"')
    assert len(problems) == 1
    assert "'minr'" in problems[0].message
    assert problems[0].offset == 8
    assert '"minor"' in (problems[0].hint or "")
    problems = check('harm in ["none", "big"]')
    assert [p.offset for p in problems] == [17]


def test_order_comparison_on_enum():
    problems = check('harm < "serious"')
    assert len(problems) == 1
    assert "'<'" in problems[0].message
    assert problems[0].offset == 0


def test_order_comparison_on_boolean():
    assert len(check("first_offense > true")) == 1


def test_bare_non_boolean_name():
    problems = check("age")
    assert len(problems) == 1
    assert "not true/false" in problems[0].message
    assert "age > 0" in (problems[0].hint or "")
    problems = check("first_offense and harm")
    assert len(problems) == 1 and problems[0].offset == 18
    assert 'harm == "none"' in (problems[0].hint or "")


def test_string_compared_with_number():
    problems = check('age == "3"')
    assert len(problems) == 1
    assert problems[0].offset == 7
    problems = check("harm == 3")
    assert len(problems) == 1 and problems[0].offset == 8


def test_boolean_compared_with_string_and_number():
    assert len(check('first_offense == "yes"')) == 1
    assert len(check("first_offense == 1")) == 1


def test_every_problem_reported():
    problems = check('nope and harm == "bad" and age == "x" and harm and hram == "minor"')
    assert len(problems) == 5
    assert [p.offset for p in problems] == sorted(p.offset for p in problems)


# --------------------------------------------------------------------------- interpreter


def ev(source: str, **env):
    return evaluate(parse_condition(source), env)


def test_unknown_is_a_singleton_without_truth_value():
    from discretion.conditions.interpret import _Unknown

    assert _Unknown() is UNKNOWN
    with pytest.raises(TypeError):
        bool(UNKNOWN)


def test_kleene_and():
    assert ev("a and b", a=False) is False
    assert ev("b and a", a=False) is False
    assert ev("a and b", a=True) is UNKNOWN
    assert ev("a and b", a=True, b=True) is True
    assert ev("a and b", a=True, b=False) is False
    assert ev("a and b") is UNKNOWN


def test_kleene_or():
    assert ev("a or b", a=True) is True
    assert ev("b or a", a=True) is True
    assert ev("a or b", a=False) is UNKNOWN
    assert ev("a or b", a=False, b=False) is False
    assert ev("a or b") is UNKNOWN


def test_kleene_not():
    assert ev("not a") is UNKNOWN
    assert ev("not a", a=True) is False
    assert ev("not a", a=False) is True
    assert ev("not not a") is UNKNOWN


def test_none_is_unknown():
    assert ev("n > 1", n=None) is UNKNOWN
    assert ev('harm in ["x"]', harm=None) is UNKNOWN
    assert ev('harm not in ["x"]') is UNKNOWN


def test_comparisons():
    assert ev("n > 2.5", n=Decimal("2.6")) is True
    assert ev("n > 2.5", n=Decimal("2.5")) is False
    assert ev("n >= 2.5", n=Decimal("2.50")) is True
    assert ev("n == 3", n=3) is True  # ints are accepted as decimals
    assert ev("n != 3", n=Decimal("3.0")) is False
    assert ev("n < 3", n=2) is True
    assert ev("n <= -1", n=-1) is True
    assert ev('harm == "minor"', harm="minor") is True
    assert ev('harm != "minor"', harm="minor") is False
    assert ev('harm in ["none", "minor"]', harm="minor") is True
    assert ev('harm not in ["none", "minor"]', harm="minor") is False
    assert ev('harm not in ["none", "minor"]', harm="serious") is True
    assert ev("5 > n", n=4) is True


def test_booleans_are_not_numbers():
    assert ev("b == true", b=True) is True
    assert ev("b == true", b=1) is False
    assert ev("n == 1", n=True) is False
    assert ev("b", b=1) is False
    assert ev("b", b=True) is True
    assert ev("b", b=False) is False


def test_constants():
    assert ev("true") is True
    assert ev("false") is False
    assert ev("a or true") is True
    assert ev("a and false") is False
    assert ev("a and true") is UNKNOWN


@settings(max_examples=300, deadline=None)
@given(exprs, st.data())
def test_interpreter_is_monotone_in_knowledge(expr, data):
    """Kleene logic: learning a missing fact never turns a definite answer into another one."""
    names = sorted({n.name for n in names_in(expr)})
    values = st.one_of(st.booleans(), numbers, strings)
    full = {n: data.draw(values, label=n) for n in names}
    known = {n: v for n, v in full.items() if data.draw(st.booleans(), label=f"keep {n}")}
    partial = evaluate(expr, known)
    complete = evaluate(expr, full)
    assert complete is True or complete is False
    if partial is not UNKNOWN:
        assert partial is complete
