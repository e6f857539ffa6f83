"""Cross-item checks of a loaded catalog, each problem located at file:line:column.

- every item's field exists; every list entry names an existing benchmark of the same field;
- every condition parses and type-checks against the item's vocabulary;
- fines computed from a base or per unit name a declared numeric fact;
- at most one ``otherwise`` tier; ``uses: serious`` only with a 情节严重 clause; a tier imposes
  only kinds its clause provides;
- tier fines lie inside the statutory range, and the tiers of each party and clause cover the
  range without gaps or overlaps (adjacent tiers may share a boundary amount);
- a list entry or ``supersedes`` naming a benchmark that did not load because its file does
  not parse (or the item itself is invalid) is not reported again: the file's own error is the
  one to fix (:class:`Unloaded`, filled by the loader);
- no two tiers of an item can both hold for one case, unless the item says
  ``tier_priority: true`` (then the first that holds, in written order, applies, as the engine
  does anyway): the generated cases of :mod:`discretion.catalog.coverage` find the overlaps,
  and each is reported at the later tier's condition with a case that meets both.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from itertools import pairwise

from discretion.catalog.catalog import OTHERWISE, Catalog, ItemConditions
from discretion.catalog.coverage import probe_envs, selected_tiers, tier_reach
from discretion.catalog.models import (
    AppliesWhen,
    BenchmarkItem,
    Citation,
    ListItem,
    ListKind,
    Sanction,
    SanctionKind,
)
from discretion.catalog.ranges import clause_sanctions, statutory_bounds, tier_bounds, tier_fine_for
from discretion.catalog.sanctions import STAGES
from discretion.catalog.vocabulary import item_facts, vocabulary_for
from discretion.catalog.yamlpos import Located
from discretion.conditions.ast import Expr, Value, names_in
from discretion.conditions.interpret import evaluate
from discretion.conditions.parser import ConditionSyntaxError, parse_condition
from discretion.conditions.typecheck import Vocabulary, typecheck
from discretion.errors import Problem
from discretion.money import Range

ItemDocs = dict[str, tuple[Located, tuple[str | int, ...]]]
PARTY_KINDS = ("individual", "organization")


@dataclass
class Unloaded:
    """What the loader could not load, so that its consequences are not reported as errors of
    their own: benchmark files that do not parse (by field code, the file's name) and items
    that did not validate (by id). ``skipped`` counts, per field code, the checks left out."""

    fields: set[str] = dc_field(default_factory=set)
    ids: set[str] = dc_field(default_factory=set)
    skipped: dict[str, int] = dc_field(default_factory=dict)

    def covers(self, benchmark_id: str, field_code: str) -> bool:
        """Whether ``benchmark_id`` (named from field ``field_code``) may be one of the
        benchmarks that did not load."""
        if benchmark_id in self.ids:
            return True
        parts = benchmark_id.split("-")
        return field_code in self.fields or any(part in self.fields for part in parts[1:2])

    def skip(self, field_code: str) -> None:
        self.skipped[field_code] = self.skipped.get(field_code, 0) + 1


def validate_catalog(catalog: Catalog, docs: ItemDocs, unloaded: Unloaded | None = None
                     ) -> list[Problem]:
    problems: list[Problem] = []
    unloaded = unloaded or Unloaded()
    compiled: list[str] = []  # benchmarks whose own checks passed: their conditions are parsed
    for item_id, item in catalog.benchmarks.items():
        doc, prefix = docs[item_id]
        found = _check_benchmark(catalog, item, doc, prefix, unloaded)
        problems.extend(found)
        if not found:
            compiled.append(item_id)
    list_conditions: dict[str, Expr] = {}
    for item_id, entry in catalog.lists.items():
        doc, prefix = docs[item_id]
        found, expr = _check_list(catalog, entry, doc, prefix, unloaded)
        problems.extend(found)
        if expr is not None:
            list_conditions[item_id] = expr
    if not problems and not unloaded.skipped:
        _attach_list_conditions(catalog, list_conditions)
    problems.extend(_check_tier_overlaps(catalog, docs, compiled))
    return problems


def compile_condition(text: str, vocab: Vocabulary, doc: Located,
                      path: tuple[str | int, ...], problems: list[Problem]) -> Expr | None:
    """Parse and type-check one condition, appending located problems."""
    try:
        expr = parse_condition(text)
    except ConditionSyntaxError as exc:
        problems.append(doc.problem(path, f"condition does not parse: {exc.message}",
                                    expected=exc.expected,
                                    hint=_name_hint(text, exc.offset, vocab) or exc.hint,
                                    offset=exc.offset))
        return None
    found = typecheck(expr, vocab)
    for problem in found:
        problems.append(doc.problem(path, problem.message, expected=problem.expected,
                                    hint=problem.hint, offset=problem.offset))
    return None if found else expr


# How a case contract path is written as a condition name (the case fields a condition reads)
_CASE_PATHS = {"party.kind": "party_kind", "party.age": "age", "party.capacity": "capacity"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_DOTTED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)")


def _name_hint(text: str, offset: int, vocab: Vocabulary) -> str | None:
    """A did-you-mean for a condition that does not parse because a name was written as the
    case file writes it (``facts.item_count``, ``party.kind``) or by its Chinese label
    (``物品件数 > 3``); None when the error is something else."""
    for match in _DOTTED.finditer(text):
        if not match.start() <= offset <= match.end():
            continue
        path = match.group(0)
        name = _CASE_PATHS.get(path) or match.group(2)
        if name in vocab.names and (match.group(1) in ("facts", "circumstances")
                                    or path in _CASE_PATHS):
            return (f"write the name alone: {name}, not {path} (a condition names facts, case "
                    f"fields and circumstances without the case file's path)\n"
                    f"    中文：条件中直接写名称 {name}，不写 {path}")
    found = _CJK.match(text, offset)
    if found is None:
        return None
    word = found.group(0)
    labelled = {name: t.label for name, t in vocab.names.items() if t.label}
    close = [name for name, label in labelled.items() if word in label or label in word]
    if not close:
        by_label = {label: name for name, label in labelled.items()}
        close = [by_label[label] for label in difflib.get_close_matches(word, list(by_label),
                                                                        n=3, cutoff=0.4)]
    close.sort(key=lambda name: name not in vocab.declared)
    if not close:
        return ("conditions name facts by their name (letters, digits and _), not their "
                "Chinese label; declare the fact under the item's facts\n"
                f"    中文：条件中应写事实的名称（英文字母），不能写中文“{word}”")
    shown = " or ".join(f"{name} ({labelled[name]})" for name in close[:3])
    return (f"did you mean {shown}? Conditions name facts by their name, not their label\n"
            f"    中文：条件中应写事实的名称，不能写中文“{word}”；是否应为 {close[0]}？")


def _check_benchmark(catalog: Catalog, item: BenchmarkItem, doc: Located,
                     prefix: tuple[str | int, ...], unloaded: Unloaded | None = None
                     ) -> list[Problem]:
    problems: list[Problem] = []
    if item.field not in catalog.fields:
        problems.append(doc.problem((*prefix, "field"), f"unknown field '{item.field}'",
                                    expected="a code from fields.yaml: " + ", ".join(catalog.fields)))
    if catalog.manifest.official and item.provenance.tiers != "official":
        problems.append(doc.problem(
            (*prefix, "provenance", "tiers"),
            f"the manifest says the tiers are official, this item's are {item.provenance.tiers}",
            expected="provenance.tiers: official (the agency's published row), or official: "
                     "false in manifest.yaml",
            hint="清单声明为官方裁量基准的，每个事项的档次都应来自官方公布的裁量基准"))
    if item.effective_from and item.effective_to and item.effective_to < item.effective_from:
        problems.append(doc.problem((*prefix, "effective_to"), "effective_to is before effective_from"))
    for index, old_id in enumerate(item.supersedes):
        old = catalog.benchmarks.get(old_id)
        path = (*prefix, "supersedes", index)
        if old is None and unloaded is not None and unloaded.covers(old_id, item.field):
            unloaded.skip(old_id.split("-")[1] if old_id.count("-") >= 2 else item.field)
            continue  # its file does not parse: that error is reported, not this consequence
        if old is None:
            problems.append(doc.problem(path, f"supersedes unknown benchmark '{old_id}'",
                                        hint="name the id of the earlier version of the same act"))
        elif old_id == item.id:
            problems.append(doc.problem(path, "an item cannot supersede itself"))
        elif old.effective_to is None or item.effective_from is None:
            problems.append(doc.problem(path, f"versions need dates: '{old_id}' effective_to and "
                                              "this item's effective_from",
                                        hint="Art. 37 picks the version in force on a date"))
        elif old.effective_to >= item.effective_from:
            problems.append(doc.problem(path, f"'{old_id}' is in force until {old.effective_to}, "
                                              f"not before this version starts on {item.effective_from}"))
    vocab = _vocabulary(item, catalog)
    facts = item_facts(item)
    # fines computed from facts
    layers: list[tuple[tuple[str | int, ...], list[Sanction]]] = [
        ((*prefix, "statutory", "sanctions"), item.statutory.sanctions)]
    layers += [((*prefix, "statutory", "stages", index, "sanctions"), stage.sanctions)
               for index, stage in enumerate(item.statutory.stages)]
    if item.statutory.serious is not None:
        layers.append(((*prefix, "statutory", "serious", "sanctions"), item.statutory.serious.sanctions))
    for where, sanctions in layers:
        for index, sanction in enumerate(sanctions):
            path = (*where, index)
            for key in ("base", "per"):
                name = getattr(sanction, key)
                if name is None:
                    continue
                decl = facts.get(name)
                if decl is None or decl.type not in ("number", "integer", "money"):
                    problems.append(doc.problem((*path, key), f"'{name}' is not a numeric fact of this item",
                                                hint=f"declare it under facts: {{name: {name}, type: money, label: ...}}"))
        fines_by_party: dict[tuple[str, str], int] = {}
        for sanction in sanctions:
            if sanction.kind is SanctionKind.fine:
                slot = (sanction.party.value, sanction.on.value)
                fines_by_party[slot] = fines_by_party.get(slot, 0) + 1
        for (party, on), count in fines_by_party.items():
            if count > 1:
                whom = f"party '{party}'" + ("" if on == "party" else f" on '{on}'")
                problems.append(doc.problem(where if where == layers[0][0] else where[:-1],
                                            f"{count} fines for {whom} in one part of the clause",
                                            hint="split the item, or use stages / serious for "
                                                 "逾期未改正的 / 情节严重的"))
    tiers: list[Expr | str | None] = []
    otherwise = 0
    for index, tier in enumerate(item.tiers):
        path = (*prefix, "tiers", index)
        if tier.when is None:  # the officer finds it (a case's tier) from its circumstances
            tiers.append(None)
            if not tier.description:
                problems.append(doc.problem(path, f"tier '{tier.level}' has no when and no description: "
                                            "an officer finds such a tier from the circumstances "
                                            "its description writes",
                                            hint="write description (违法情形), or a when condition"))
        elif tier.when.strip() == OTHERWISE:
            otherwise += 1
            tiers.append(OTHERWISE)
            if otherwise > 1:
                problems.append(doc.problem((*path, "when"), "more than one 'otherwise' tier"))
        else:
            tiers.append(compile_condition(tier.when, vocab, doc, (*path, "when"), problems))
        if tier.uses == "serious" and item.statutory.serious is None:
            problems.append(doc.problem((*path, "uses"), "uses: serious, but the clause has no 情节严重 range",
                                        hint="add statutory.serious, or use: base"))
            continue
        kinds = {s.kind for stage in STAGES
                 for s in clause_sanctions(item.statutory, tier.uses == "serious", stage)}
        for k_index, kind in enumerate(tier.sanctions):
            if kind not in kinds:
                problems.append(doc.problem((*path, "sanctions", k_index),
                                            f"'{kind.value}' is not a sanction of the clause",
                                            expected=", ".join(sorted(k.value for k in kinds))))
        if tier.fines and SanctionKind.fine not in kinds:
            problems.append(doc.problem((*path, "fine"), "the clause has no fine",
                                        hint="remove fine from this tier"))
    levels = [tier.level for tier in item.tiers]
    for index, level in enumerate(levels):
        if level in levels[:index]:
            problems.append(doc.problem((*prefix, "tiers", index, "level"),
                                        f"two tiers are named '{level}': a case names its tier by name",
                                        hint="give each tier its own name; 各裁量阶次名称不得重复"))
    serious = None
    if item.statutory.serious_when is not None:
        serious = compile_condition(item.statutory.serious_when, vocab, doc,
                                    (*prefix, "statutory", "serious", "when"), problems)
    problems.extend(_check_tier_ranges(catalog, item, doc, prefix))
    if not problems:
        catalog.conditions[item.id] = ItemConditions(item.id, tuple(tiers), serious, ())
    return problems


def _check_tier_ranges(catalog: Catalog, item: BenchmarkItem, doc: Located,
                       prefix: tuple[str | int, ...]) -> list[Problem]:
    problems: list[Problem] = []
    policy = catalog.manifest.policy
    for uses in ("base", "serious"):
        if uses == "serious" and item.statutory.serious is None:
            continue
        checked: set[tuple[int, ...]] = set()
        for party in PARTY_KINDS:
            fine = next((s for s in clause_sanctions(item.statutory, uses == "serious")
                         if s.kind is SanctionKind.fine and s.party.value in ("any", party)), None)
            if fine is None:
                continue
            # a fine and tier fines that apply to both kinds of party are checked once
            key = (id(fine), *(id(tier_fine_for(t, party)) for t in item.tiers))
            if key in checked:
                continue
            checked.add(key)
            if fine.party.value == "any" and all(
                    f.party.value == "any" for t in item.tiers for f in t.fines):
                party_words = ""
            else:
                party_words = f" ({party})"
            whole = statutory_bounds(fine)
            bands: list[tuple[Range, int]] = []
            for index, tier in enumerate(item.tiers):
                if tier.uses != uses:
                    continue
                tier_fine = tier_fine_for(tier, party)
                if tier_fine is None:
                    continue
                bounds = tier_bounds(tier_fine, fine, policy)
                if not whole.contains(bounds):
                    problems.append(doc.problem(
                        (*prefix, "tiers", index, "fine"),
                        f"tier '{tier.level}' fine {_show(bounds)} leaves the statutory range {_show(whole)}",
                        expected=f"bounds inside {_show(whole)}",
                        hint="mitigation below the minimum is a decision adjustment, not a tier"))
                bands.append((bounds, index))
            if len(bands) < 2:
                continue
            bands.sort(key=lambda pair: (pair[0].low, pair[0].high))
            if bands[0][0].low != whole.low or bands[-1][0].high != whole.high:
                problems.append(doc.problem(
                    (*prefix, "tiers"),
                    f"tiers{party_words} cover {_show(Range(bands[0][0].low, bands[-1][0].high))}, "
                    f"not the whole statutory range {_show(whole)}",
                    hint="let the lowest tier start at the minimum and the highest end at the maximum"))
            for (prev, p_index), (nxt, n_index) in pairwise(bands):
                if nxt.low < prev.high:
                    problems.append(doc.problem(
                        (*prefix, "tiers", n_index, "fine"),
                        f"tier '{item.tiers[n_index].level}' {_show(nxt)} overlaps tier "
                        f"'{item.tiers[p_index].level}' {_show(prev)}{party_words}",
                        hint="adjacent tiers may share a boundary amount, not more"))
                elif nxt.low > prev.high:
                    problems.append(doc.problem(
                        (*prefix, "tiers", n_index, "fine"),
                        f"gap between tier '{item.tiers[p_index].level}' {_show(prev)} and "
                        f"tier '{item.tiers[n_index].level}' {_show(nxt)}{party_words}",
                        hint=f"start this tier at {prev.high}"))
    return problems


def _check_tier_overlaps(catalog: Catalog, docs: ItemDocs, compiled: list[str]) -> list[Problem]:
    """Tiers of one item whose conditions both hold for some case, unless ``tier_priority``.

    Only the ``compiled`` items are probed: the others' problems are reported already.
    """
    problems: list[Problem] = []
    for item_id in compiled:
        item = catalog.benchmarks[item_id]
        if item.tier_priority:
            continue
        conds = catalog.conditions[item_id].tiers
        conditioned = [t.uses for t, c in zip(item.tiers, conds, strict=True)
                       if c != OTHERWISE and c is not None]
        if all(conditioned.count(uses) < 2 for uses in set(conditioned)):
            continue  # no two tiers of one range that could both hold
        _, pairs = tier_reach(catalog, item)
        # a tier without a condition is found by the officer: it overlaps nothing
        pairs = [(a, b) for a, b in pairs if conds[a] is not None and conds[b] is not None]
        if not pairs:
            continue
        doc, prefix = docs[item_id]
        examples = _overlap_examples(catalog, item, pairs)
        for first, second in pairs:
            a, b = item.tiers[first], item.tiers[second]
            english, chinese = _example_words(catalog, item, (first, second), examples[first, second])
            problems.append(doc.problem(
                (*prefix, "tiers", second, "when"),
                f"tiers '{a.level}' (tiers[{first}]) and '{b.level}' (tiers[{second}]) can both "
                f"hold, e.g. when {english}",
                expected="tier conditions that no case meets together, or tier_priority: true on "
                         "the item (the first tier in written order that holds then applies)",
                hint="narrow one of the conditions, or add tier_priority: true if the written "
                     f"order is meant; 裁量档次“{a.level}”和“{b.level}”的适用条件可能同时成立"
                     f"（例如{chinese}），请修改条件使其互斥，或者设置 tier_priority: true"
                     "（按书写顺序适用第一个成立的档次）"))
    return problems


def _overlap_examples(catalog: Catalog, item: BenchmarkItem,
                      pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Mapping[str, Value]]:
    """For each overlapping pair, the first generated case that selects both tiers (the same
    cases, in the same order, as :func:`~discretion.catalog.coverage.tier_reach`)."""
    wanted = set(pairs)
    found: dict[tuple[int, int], Mapping[str, Value]] = {}
    serious = catalog.conditions[item.id].serious if item.statutory.serious is not None else None
    for env in probe_envs(catalog, item):
        uses = "serious" if serious is not None and evaluate(serious, env) is True else "base"
        for pair in itertools.combinations(selected_tiers(catalog, item, env, uses), 2):
            if pair in wanted and pair not in found:
                found[pair] = env
        if len(found) == len(wanted):
            break
    return found


def _example_words(catalog: Catalog, item: BenchmarkItem, pair: tuple[int, int],
                   env: Mapping[str, Value]) -> tuple[str, str]:
    """The circumstances of ``env`` that the two tiers (and the 情节严重 condition) read: in
    the condition language, and in Chinese with the names' labels."""
    conds = catalog.conditions[item.id]
    exprs = [conds.tiers[i] for i in pair]
    if item.statutory.serious is not None and conds.serious is not None:
        exprs.append(conds.serious)
    names: list[str] = []
    for expr in exprs:
        if expr is None or isinstance(expr, str):
            continue
        for node in names_in(expr):
            if node.name not in names and node.name in env:
                names.append(node.name)
    if not names:
        return "any case (a tier without a condition always holds)", "任何案件"
    labels = vocabulary_for(item, catalog.manifest).names
    english: list[str] = []
    chinese: list[str] = []
    for name in names:
        value = env[name]
        label = labels[name].label if name in labels and labels[name].label else name
        if isinstance(value, bool):
            english.append(name if value else f"not {name}")
            chinese.append(f"{label}：{'是' if value else '否'}")
        elif isinstance(value, Decimal):
            english.append(f"{name} == {_num(value)}")
            chinese.append(f"{label}：{_num(value)}")
        else:
            english.append(f'{name} == "{value}"')
            chinese.append(f"{label}：{value}")
    return " and ".join(english), "，".join(chinese)


def _show(value: Range) -> str:
    return f"[{_num(value.low)}, {_num(value.high)}]"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _vocabulary(item: BenchmarkItem, catalog: Catalog) -> Vocabulary:
    """The names the item's conditions may read, knowing which are the item's own facts (an
    unknown name is answered with them)."""
    vocab = vocabulary_for(item, catalog.manifest)
    return Vocabulary(vocab.names, declared=tuple(f.name for f in item.facts))


def _check_list(catalog: Catalog, entry: ListItem, doc: Located,
                prefix: tuple[str | int, ...], unloaded: Unloaded | None = None
                ) -> tuple[list[Problem], Expr | None]:
    problems: list[Problem] = []
    if entry.field not in catalog.fields:
        problems.append(doc.problem((*prefix, "field"), f"unknown field '{entry.field}'",
                                    expected="a code from fields.yaml: " + ", ".join(catalog.fields)))
    benchmark = catalog.benchmarks.get(entry.benchmark)
    if benchmark is None and unloaded is not None and unloaded.covers(entry.benchmark, entry.field):
        unloaded.skip(entry.field)  # its benchmark's file does not parse: reported there
        return problems, None
    if benchmark is None:
        close = catalog.suggest(entry.benchmark)
        problems.append(doc.problem((*prefix, "benchmark"), f"unknown benchmark '{entry.benchmark}'",
                                    hint=("did you mean " + " or ".join(close) + "?") if close else None))
        return problems, None
    if benchmark.field != entry.field:
        problems.append(doc.problem((*prefix, "field"),
                                    f"entry is in field {entry.field}, its benchmark in {benchmark.field}"))
    problems.extend(_check_list_basis(entry, benchmark, doc, prefix))
    vocab = _vocabulary(benchmark, catalog)
    return problems, compile_condition(entry.when, vocab, doc, (*prefix, "when"), problems)


APL = "行政处罚法"
# 行政处罚法 Art. 32 ¶1 (1)–(4): 应当从轻或者减轻 (the grounds a list entry may restate)
ART32_MANDATORY_ITEMS = (1, 2, 3, 4)


def _apl(citation: Citation, article: int) -> bool:
    return citation.law == APL and citation.article == article


def _check_list_basis(entry: ListItem, benchmark: BenchmarkItem, doc: Located,
                      prefix: tuple[str | int, ...]) -> list[Problem]:
    """A list entry stands on a legal basis that says whether it binds (行政处罚法 Arts. 32–34)."""
    problems: list[Problem] = []
    where = (*prefix, "basis")
    first = entry.basis[0]
    if entry.kind in (ListKind.mitigation, ListKind.lighter):
        statutory = _apl(first, 32) and first.paragraph == 1 and first.item in ART32_MANDATORY_ITEMS
        policy = _apl(first, 34)
        other_law = first.law != APL
        if _apl(first, 32) and first.item == 5 and not any(c.law != APL for c in entry.basis):
            problems.append(doc.problem(
                where, "行政处罚法第三十二条第一款第五项 needs the 法律、法规、规章 that gives the ground",
                expected="Art. 32 ¶1 (1)–(4) restated (mandatory: true), Art. 34 for the "
                         "benchmark's own policy (mandatory: false), or the law's provision",
                hint="该项以法律、法规、规章规定为前提；裁量基准自身的从轻、减轻情形引用第三十四条，为“可以”"))
        elif not (statutory or policy or other_law):
            problems.append(doc.problem(
                where, f"not a basis for a {entry.kind.value} entry: {first.law} Art. {first.article}",
                expected="行政处罚法 Art. 32 ¶1 (1)–(4), Art. 34, or the provision of another law"))
        if statutory and not entry.mandatory:
            problems.append(doc.problem((*prefix, "mandatory"),
                                        "an entry restating Art. 32 ¶1 (1)–(4) binds: 应当从轻或者减轻",
                                        expected="mandatory: true"))
        if policy and entry.mandatory:
            problems.append(doc.problem((*prefix, "mandatory"),
                                        "the benchmark's own policy (Art. 34) is a 可以, not an 应当",
                                        expected="mandatory: false"))
    elif entry.kind is ListKind.non_penalty:
        if not (_apl(first, 33) and first.paragraph == 1):
            problems.append(doc.problem(where, "a 不予处罚 entry stands on 行政处罚法第三十三条第一款",
                                        expected="{law: 行政处罚法, article: 33, paragraph: 1}"))
        if benchmark.statutory.applies_when is not AppliesWhen.always:
            problems.append(doc.problem(
                (*prefix, "benchmark"),
                f"{benchmark.id} fines only {benchmark.statutory.applies_when.value}: a party that "
                "corrected in time is not fined anyway, so the entry can never apply",
                hint="remove the entry; 该条款只处罚逾期不改正或者拒不改正的，及时改正的本就不罚款"))
    elif entry.kind is ListKind.no_coercion and entry.measure is None:
        problems.append(doc.problem(
            (*prefix, "measure"), "a 免予行政强制 entry names the coercive measure it waives",
            expected="measure: {label: 扣押…, basis: {law: …, article: …}} — the provision that "
                     "authorises the measure for this act",
            hint="该违法行为没有可以免予的行政强制措施的，删除该条目"))
    return problems


def _attach_list_conditions(catalog: Catalog, list_conditions: dict[str, Expr]) -> None:
    by_benchmark: dict[str, list[tuple[str, Expr]]] = {}
    for entry_id, expr in list_conditions.items():
        by_benchmark.setdefault(catalog.lists[entry_id].benchmark, []).append((entry_id, expr))
    for item_id, conds in catalog.conditions.items():
        lists = tuple(by_benchmark.get(item_id, ()))
        catalog.conditions[item_id] = ItemConditions(conds.item_id, conds.tiers, conds.serious, lists)
