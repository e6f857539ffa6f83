"""Decision tests in YAML: worked cases with their expected decisions (`discretion test`).

An agency publishes a benchmark together with worked cases; this module runs them. A file (``defaults`` are merged into every case, the case's own keys winning)::

    defaults: {party: {kind: individual, age: 35}, occurred_on: 2022-03-01}
    cases:
      - name: 逾期不改正，罚款一般档
        case: {item: LS-SRHJ-0001, party: {kind: individual, age: 35}, ...}
        expect:
          outcome: penalized
          tier: 一般
          recommended: {fine: {min: "185.00", max: "365.00"}}
          grounds: [{law: 行政处罚法, article: 33, paragraph: 1}]

``expect`` keys: ``outcome``, ``mandatory``, ``tier`` (the level), ``recommended`` and
``statutory`` (``fine: {min, max}``, ``fines: [{min, max, on}, ...]`` — ``on: responsible`` or
``principal`` for a fine on an organisation's persons —, ``kinds: [...]`` and ``labels: [...]``
that must appear), ``grounds`` (citations that must
all appear), ``adjustments`` (kinds), ``follow_up`` (codes), ``needs_facts`` (paths),
``procedure`` (flags). A failure lists expected vs actual, field by field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discretion.catalog.lawnames import normalize_law_name
from discretion.catalog.yamlpos import YamlError, load_yaml_file
from discretion.decision import Decision, SanctionOut
from discretion.engine.engine import Engine
from discretion.errors import DiscretionError, Problem

EXPECT_KEYS = {"options", "conflict", "outcome", "mandatory", "tier", "recommended", "statutory", "grounds",
               "adjustments", "follow_up", "needs_facts", "procedure", "item", "error"}


@dataclass
class Mismatch:
    field: str
    expected: Any
    actual: Any


@dataclass
class WorkedResult:
    file: str
    line: int | None
    name: str
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


def load_worked_file(path: Path) -> list[tuple[str, int | None, dict[str, Any], dict[str, Any]]]:
    """(name, line, case, expect) of every worked case in a file; errors are located."""
    try:
        doc = load_yaml_file(path)
    except YamlError as exc:
        raise DiscretionError(exc.problems, "input") from None
    value = doc.value
    if not isinstance(value, dict) or not isinstance(value.get("cases"), list):
        raise DiscretionError(doc.problem((), "a worked-case file is a mapping with 'cases:' (a list)",
                                          expected="cases: [{name, case, expect}]"), "input")
    defaults = value.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise DiscretionError(doc.problem(("defaults",), "defaults is a mapping of case fields"), "input")
    found = []
    problems: list[Problem] = []
    for index, entry in enumerate(value["cases"]):
        path_key = ("cases", index)
        if not isinstance(entry, dict) or "case" not in entry or "expect" not in entry:
            problems.append(doc.problem(path_key, "each worked case has name, case and expect"))
            continue
        unknown = set(entry["expect"]) - EXPECT_KEYS if isinstance(entry["expect"], dict) else set()
        for key in sorted(unknown):
            problems.append(doc.problem((*path_key, "expect", key), f"unknown expectation '{key}'",
                                        expected=", ".join(sorted(EXPECT_KEYS))))
        line, _ = doc.position(path_key)
        case = {**defaults, **entry["case"]} if isinstance(entry["case"], dict) else entry["case"]
        found.append((str(entry.get("name", f"case {index + 1}")), line, case, entry["expect"]))
    if problems:
        raise DiscretionError(problems, "input")
    return found


def run_worked(engine: Engine, paths: Iterable[Path]) -> list[WorkedResult]:
    results: list[WorkedResult] = []
    for path in paths:
        for name, line, case, expect in load_worked_file(path):
            result = WorkedResult(str(path), line, name)
            try:
                decision = engine.evaluate(case)
            except DiscretionError as exc:
                if "error" in expect:
                    if str(expect["error"]) not in exc.render():
                        result.mismatches.append(Mismatch("error", expect["error"], exc.render()))
                else:
                    result.error = exc.render()
                results.append(result)
                continue
            result.mismatches = compare(decision, expect)
            results.append(result)
    return results


def _sanctions(expect: dict[str, Any], actual: list[SanctionOut], label: str) -> list[Mismatch]:
    out: list[Mismatch] = []
    fines = [{**dataclasses.asdict(s.fine), **({"on": s.on} if s.on else {})}
             for s in actual if s.fine is not None]
    wanted = expect.get("fines", []) + ([expect["fine"]] if "fine" in expect else [])
    for one in wanted:
        want = {k: str(v) for k, v in one.items()}
        want = {k: (v if "." in v or k == "on" else f"{v}.00") for k, v in want.items()}
        # a fine without `on` is the party's own
        if not any(all(f.get(k) == v for k, v in want.items()) and f.get("on") == want.get("on")
                   for f in fines):
            out.append(Mismatch(f"{label}.fine", want, fines))
    if "labels" in expect:
        labels = [s.label for s in actual]
        missing = [text for text in expect["labels"] if text not in labels]
        if missing:
            out.append(Mismatch(f"{label}.labels", expect["labels"], labels))
    if "kinds" in expect:
        kinds = sorted(s.kind for s in actual)
        if sorted(expect["kinds"]) != kinds:
            out.append(Mismatch(f"{label}.kinds", sorted(expect["kinds"]), kinds))
    return out


def compare(decision: Decision, expect: dict[str, Any]) -> list[Mismatch]:
    """Every difference between a decision and its expectation."""
    out: list[Mismatch] = []
    for key in ("outcome", "mandatory", "item"):
        if key in expect and expect[key] != getattr(decision, key):
            out.append(Mismatch(key, expect[key], getattr(decision, key)))
    if "tier" in expect:
        actual = decision.tier.level if decision.tier else None
        if expect["tier"] != actual:
            out.append(Mismatch("tier", expect["tier"], actual))
    for key in ("recommended", "statutory"):
        if key in expect:
            out.extend(_sanctions(expect[key], getattr(decision, key), key))
    if "grounds" in expect:
        cited = [g.citation for g in decision.grounds]
        for want in expect["grounds"]:
            if not any(normalize_law_name(c.law) == normalize_law_name(str(want["law"]))
                       and c.article == want["article"]
                       and all(getattr(c, k) == want[k] for k in ("paragraph", "item") if k in want)
                       for c in cited):
                out.append(Mismatch("grounds", want, [c.model_dump(exclude_none=True) for c in cited]))
    if "adjustments" in expect:
        kinds = sorted(a.kind for a in decision.adjustments)
        if sorted(expect["adjustments"]) != kinds:
            out.append(Mismatch("adjustments", sorted(expect["adjustments"]), kinds))
    if "follow_up" in expect:
        codes = [f.code for f in decision.follow_up]
        missing = [c for c in expect["follow_up"] if c not in codes]
        if missing:
            out.append(Mismatch("follow_up", expect["follow_up"], codes))
    if "needs_facts" in expect:
        paths = sorted(m.path for m in decision.needs_facts.facts) if decision.needs_facts else []
        if sorted(expect["needs_facts"]) != paths:
            out.append(Mismatch("needs_facts", sorted(expect["needs_facts"]), paths))
    if "options" in expect:
        offered = sorted(o.outcome for o in decision.options)
        if sorted(expect["options"]) != offered:
            out.append(Mismatch("options", sorted(expect["options"]), offered))
    if "conflict" in expect and bool(expect["conflict"]) != (decision.conflict is not None):
        out.append(Mismatch("conflict", expect["conflict"], decision.conflict))
    if "procedure" in expect:
        actual_flags = dataclasses.asdict(decision.procedure) if decision.procedure else {}
        for flag, value in expect["procedure"].items():
            if actual_flags.get(flag) != value:
                out.append(Mismatch(f"procedure.{flag}", value, actual_flags.get(flag)))
    return out


def report(results: list[WorkedResult]) -> str:
    lines = []
    for result in results:
        where = f"{result.file}:{result.line}" if result.line else result.file
        if result.passed:
            lines.append(f"PASS {where} {result.name}")
            continue
        lines.append(f"FAIL {where} {result.name}")
        if result.error:
            lines.append("    error: " + result.error.replace("\n", "\n    "))
        for mismatch in result.mismatches:
            lines.append(f"    {mismatch.field}: expected {mismatch.expected!r}, got {mismatch.actual!r}")
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)
