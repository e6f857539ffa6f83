"""Differential tests: durable-rules (engine.durable) must agree with the reference interpreter."""

from __future__ import annotations

import itertools
import threading
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discretion.conditions import (
    UNKNOWN,
    And,
    Compare,
    InList,
    Literal,
    Name,
    Not,
    Or,
    Truth,
    evaluate,
    parse_condition,
)
from discretion.conditions.ast import Const, to_source
from discretion.engine.durable import RuleHost, compile_condition

# one host for the whole module; rulesets are cached by name, so every example gets fresh names
HOST = RuleHost()
_NAMES = itertools.count(1)


def fresh(prefix: str = "diff") -> str:
    return f"{prefix}_{next(_NAMES)}"


BOOLS = ("b1", "b2")
NUMS = ("n1", "n2")
ENUM_VALUES = ("a", "b", "c")
NUMBER_VALUES = [Decimal(v) for v in ("-1", "0", "0.5", "1", "2", "2.5", "2.50", "3", "10",
                                      "10.25", "100")]
OPS = ["==", "!=", "<", "<=", ">", ">="]

numbers = st.sampled_from(NUMBER_VALUES)
enum_values = st.sampled_from(ENUM_VALUES)


def _compare(name: str, op: str, value) -> Compare:
    return Compare(Name(name), op, Literal(value))


def _inlist(name: str, values, negated: bool) -> InList:
    return InList(Name(name), tuple(Literal(v) for v in values), negated)


bool_leaves = st.one_of(
    st.sampled_from(BOOLS).map(lambda n: Truth(Name(n))),
    st.builds(_compare, st.sampled_from(BOOLS), st.sampled_from(["==", "!="]), st.booleans()),
    st.builds(_inlist, st.sampled_from(BOOLS), st.lists(st.booleans(), min_size=1, max_size=2),
              st.booleans()),
)
number_leaves = st.one_of(
    st.builds(_compare, st.sampled_from(NUMS), st.sampled_from(OPS), numbers),
    st.builds(_inlist, st.sampled_from(NUMS), st.lists(numbers, min_size=1, max_size=4),
              st.booleans()),
)
enum_leaves = st.one_of(
    st.builds(_compare, st.just("e1"), st.sampled_from(["==", "!="]), enum_values),
    st.builds(_inlist, st.just("e1"), st.lists(enum_values, min_size=1, max_size=3),
              st.booleans()),
)
leaves = st.one_of(bool_leaves, number_leaves, enum_leaves, st.booleans().map(Const))


def expressions(depth: int = 4) -> st.SearchStrategy:
    """Well-typed condition ASTs of nesting depth at most ``depth``."""
    if depth <= 0:
        return leaves
    inner = expressions(depth - 1)
    return st.one_of(
        leaves,
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: And(tuple(ops))),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: Or(tuple(ops))),
    )


EXPRS = expressions(4)
rule_sets = st.dictionaries(st.from_regex(r"r[0-9]{1,2}", fullmatch=True), EXPRS,
                            min_size=1, max_size=5)
environments = st.fixed_dictionaries({
    "b1": st.booleans(), "b2": st.booleans(),
    "n1": numbers, "n2": numbers,
    "e1": enum_values,
})


def expected(rules, env) -> set[str]:
    return {name for name, expr in rules.items() if evaluate(expr, env) is True}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets, st.lists(environments, min_size=1, max_size=4))
def test_durable_fires_exactly_the_true_rules(rules, envs):
    name = fresh()
    for env in envs:
        got = HOST.evaluate(name, rules, env)
        want = expected(rules, env)
        assert got == want, (
            {r: to_source(e) for r, e in rules.items()}, env)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets, environments, st.data())
def test_durable_with_missing_facts_fires_only_definitely_true_rules(rules, env, data):
    """A fact that is absent (or None) is UNKNOWN: a rule fires only when it is True regardless."""
    missing = data.draw(st.sets(st.sampled_from(sorted(env))), label="missing")
    partial = {k: (None if k in missing else v) for k, v in env.items()}
    got = HOST.evaluate(fresh("partial"), rules, partial)
    want = expected(rules, partial)
    assert got == want, ({r: to_source(e) for r, e in rules.items()}, partial)


@pytest.mark.parametrize(("source", "env", "fires"), [
    ("n1 == 2.5", {"n1": Decimal("2.50")}, True),
    ("n1 > 2.5", {"n1": Decimal("2.5")}, False),
    ("n1 >= 2.5", {"n1": Decimal("2.5")}, True),
    ("n1 < 3", {"n1": 3}, False),
    ("n1 == 3", {"n1": 3}, True),
    ("n1 == 3.0", {"n1": Decimal("3")}, True),
    ("n1 != 10.25", {"n1": Decimal("10.25")}, False),
    ("not (n1 < 2.5)", {"n1": Decimal("2.5")}, True),
    ('e1 not in ["a", "b"]', {"e1": "c"}, True),
    ('not (e1 in ["a", "b"])', {"e1": "a"}, False),
    ("not b1", {"b1": False}, True),
    ("not b1", {}, False),
    ("b1 or true", {}, True),
    ("not (b1 and false)", {}, True),
    ("not (b1 and true)", {}, False),
    ("false", {}, False),
    ("true", {}, True),
    ("not false", {}, True),
    ('s == "引号\\"和\\\\"', {"s": '引号"和\\'}, True),
    ("n1 == -1", {"n1": -1}, True),
])
def test_durable_examples(source, env, fires):
    expr = parse_condition(source)
    assert (evaluate(expr, env) is True) is fires
    got = HOST.evaluate(fresh("example"), {"r": expr}, env)
    assert got == ({"r"} if fires else set())


def test_empty_ruleset_fires_nothing():
    assert HOST.evaluate(fresh("empty"), {}, {"b1": True}) == set()


def test_ruleset_is_cached_by_name():
    name = fresh("cached")
    assert HOST.evaluate(name, {"r": parse_condition("b1")}, {"b1": True}) == {"r"}
    assert HOST.is_built(name)
    # a second call with the same name keeps the first definition (documented caching)
    assert HOST.evaluate(name, {"r": parse_condition("not b1")}, {"b1": True}) == {"r"}


def test_repeated_evaluation_retracts_facts():
    name = fresh("retract")
    rules = {"r": parse_condition("n1 > 1"), "s": parse_condition("b1")}
    assert HOST.evaluate(name, rules, {"n1": 2, "b1": False}) == {"r"}
    assert HOST.evaluate(name, rules, {"n1": 0, "b1": True}) == {"s"}
    assert HOST.evaluate(name, rules, {"n1": 0, "b1": False}) == set()
    assert HOST.evaluate(name, rules, {"n1": 2, "b1": True}) == {"r", "s"}
    # the same fact twice in a row still fires
    assert HOST.evaluate(name, rules, {"n1": 2, "b1": True}) == {"r", "s"}


def test_compile_condition_pushes_negation_to_leaves():
    compiled = compile_condition(parse_condition("not (b1 and n1 < 3)"))
    assert compiled == {"$or": [{"$neq": {"f_b1": True}}, {"$gte": {"f_n1": 3}}]}


def test_threads_agree_with_sequential_results():
    rng_rules = {
        "light": parse_condition('n1 <= 2.5 and e1 in ["a", "b"]'),
        "heavy": parse_condition('n1 > 2.5 or e1 == "c"'),
        "first": parse_condition("b1 and not b2"),
        "never": parse_condition("b1 and not b1"),
        "mixed": parse_condition('(b2 or n2 != 0) and not (e1 == "b" and n1 >= 10)'),
    }
    name = fresh("threads")
    envs = [{"b1": i % 2 == 0, "b2": i % 3 == 0, "n1": NUMBER_VALUES[i % len(NUMBER_VALUES)],
             "n2": NUMBER_VALUES[(i * 7) % len(NUMBER_VALUES)], "e1": ENUM_VALUES[i % 3]}
            for i in range(200)]
    sequential = [HOST.evaluate(name, rng_rules, env) for env in envs]
    assert sequential == [expected(rng_rules, env) for env in envs]

    results: dict[int, list[set[str]]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            order = envs[index:] + envs[:index]  # each thread starts elsewhere
            got = [HOST.evaluate(name, rng_rules, env) for env in order]
            results[index] = got[len(envs) - index:] + got[:len(envs) - index]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == list(range(8))
    for index in range(8):
        assert results[index] == sequential, f"thread {index} disagrees"


def test_threads_on_distinct_rulesets_built_concurrently():
    """Many threads building and evaluating different rulesets at once."""
    rules = {"r": parse_condition("n1 > 1 and b1"), "s": parse_condition('e1 == "a"')}
    names = [fresh("concurrent") for _ in range(8)]
    env_true = {"n1": 2, "b1": True, "e1": "a"}
    env_false = {"n1": 1, "b1": True, "e1": "b"}
    errors: list[BaseException] = []
    mismatches: list[tuple[str, int]] = []

    def worker(name: str) -> None:
        try:
            for i in range(200):
                env = env_true if i % 2 == 0 else env_false
                got = HOST.evaluate(name, rules, env)
                if got != ({"r", "s"} if i % 2 == 0 else set()):
                    mismatches.append((name, i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert mismatches == []


def test_unknown_is_not_fired():
    expr = parse_condition("b1 or n1 > 1")
    assert evaluate(expr, {"b1": False}) is UNKNOWN
    assert HOST.evaluate(fresh("unknown"), {"r": expr}, {"b1": False}) == set()


# --------------------------------------------------------------------------- known bugs
# Numbers the parser and the interpreter accept but durable-rules cannot take: Python's json
# writes small/large floats in exponent form (1e-05, 1e+20), which durable-rules 2.0.28 rejects
# with "error code: 204"; beyond 2**53 integers and past ~16 significant digits, floats lose
# exactness, so durable-rules and the exact Decimal interpreter disagree.

def test_small_literal_compiles():
    expr = parse_condition("n1 < 0.00001")
    assert HOST.evaluate(fresh("bug_small_literal"), {"r": expr}, {"n1": 0}) == {"r"}


def test_small_fact_value_evaluates():
    expr = parse_condition("n1 < 1")
    assert HOST.evaluate(fresh("bug_small_fact"), {"r": expr}, {"n1": Decimal("0.00001")}) == {"r"}


def test_large_literal_compiles():
    expr = parse_condition("n1 < 100000000000000000001")
    assert HOST.evaluate(fresh("bug_large_literal"), {"r": expr}, {"n1": 0}) == {"r"}


@pytest.mark.parametrize(("source", "value"), [
    ("n1 > 1", Decimal("1.00000000000000001")),
    ("n1 > 9007199254740992", 2**53 + 1),
])
def test_precision_beyond_float(source, value):
    expr = parse_condition(source)
    assert evaluate(expr, {"n1": value}) is True
    assert HOST.evaluate(fresh("bug_precision"), {"r": expr}, {"n1": value}) == {"r"}


# --- the circumstance cache's value classes (conditions/classes.py) ----------------------

wide_numbers = st.one_of(numbers, st.integers(-5, 120),
                         st.decimals(min_value=-2, max_value=120, places=2))
wide_environments = st.fixed_dictionaries({
    "b1": st.booleans(), "b2": st.booleans(),
    "n1": wide_numbers, "n2": wide_numbers,
    "e1": st.sampled_from((*ENUM_VALUES, "z", "")),
})


@settings(max_examples=500, deadline=None)
@given(rule_sets, wide_environments, st.data())
def test_value_classes_never_merge_values_a_rule_separates(rules, one, data):
    """Two environments with the same class key make every rule come out the same, so the
    engine may reuse durable-rules' answer for one as the answer for the other."""
    from discretion.conditions.classes import ValueClasses

    name = data.draw(st.sampled_from(sorted(one)), label="changed")
    other = dict(one, **{name: data.draw(wide_environments, label="other")[name]})
    classes = ValueClasses(rules.values())
    if classes.key(one) == classes.key(other):
        assert expected(rules, one) == expected(rules, other)


@given(rule_sets, wide_environments)
def test_value_classes_separate_every_literal(rules, env):
    """A value equal to a literal of its name is never in the class of a different value."""
    from discretion.conditions.classes import ValueClasses

    classes = ValueClasses(rules.values())
    for name in classes.names:
        if name.startswith("n"):
            bumped = dict(env, **{name: env[name] + Decimal("0.001")})
            if any(evaluate(e, bumped) != evaluate(e, env) for e in rules.values()):
                assert classes.key(bumped) != classes.key(env)


# --- group rulesets: several items in one ruleset, each case firing only its own item's rules

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rule_sets, min_size=1, max_size=4), st.lists(environments, min_size=1, max_size=3))
def test_group_members_fire_exactly_their_own_true_rules(members_rules, envs):
    host = RuleHost()
    members = {f"item{index}": rules for index, rules in enumerate(members_rules)}
    host.build_group(fresh("group"), members)
    for env in envs:
        for member, rules in members.items():
            assert host.evaluate(member, rules, env) == expected(rules, env), (member, env)


def test_group_member_with_unsafe_literal_is_interpreted():
    host = RuleHost()
    members = {"exact": {"r": parse_condition("n1 > 0.12345678901234567")},
               "plain": {"r": parse_condition("n1 > 1")}}
    host.build_group(fresh("group"), members)
    assert host.evaluate("exact", members["exact"], {"n1": Decimal("0.2")}) == {"r"}
    assert host.evaluate("plain", members["plain"], {"n1": Decimal("2")}) == {"r"}
    assert host.evaluate("plain", members["plain"], {"n1": Decimal("0.5")}) == set()
    assert host.ruleset_count == 1


def test_group_rules_only_match_their_own_item():
    """Each rule of a group requires the fact's c_item to be its member, so durable-rules
    never runs another item's actions (the result is also filtered by member)."""
    from discretion.engine.durable import group_definition

    members = {"a": {"r": parse_condition("b1")}, "b": {"r": parse_condition("b1"),
                                                       "s": parse_condition("not b1")}}
    definition = group_definition(members, lambda rule: rule)
    assert sorted(definition) == ["a|r", "b|r", "b|s"]
    for name, rule in definition.items():
        conditions = rule["all"][0]["m"]["$and"]
        assert {"c_item": name.split("|")[0]} in conditions
        assert rule["run"] == name


def test_fired_rule_names_that_json_escapes_come_back_exactly():
    """Fired rules are read from durable-rules' pending actions ({"<rule>": ...}); names with
    non-ASCII text, quotes and backslashes are decoded as written."""
    host = RuleHost()
    rules = {'list:不予处罚-1': parse_condition("b1"), 'tier:"0"\\x': parse_condition("b1"),
             "tier:1": parse_condition("not b1")}
    member = fresh("escaped")
    host.build(member, rules)
    assert host.evaluate(member, rules, {"b1": True}) == {'list:不予处罚-1', 'tier:"0"\\x'}
    assert host.evaluate(member, rules, {"b1": False}) == {"tier:1"}
