"""The :class:`Engine`: its public API (``evaluate``, ``evaluate_many``, ``prepare``,
``resolve_items``), finding the item(s) a case names and the version of each to apply
(Art. 37), and reading a case against the contract (:func:`parse_case`).

Engine.evaluate: find item(s) -> law checks -> circumstances -> ranges -> Decision. The order of
the steps is the order in which the law is applied (steps 2 to 6 are engine/steps.py, the
matching of step 4 engine/matcher.py, the penalty of step 6 engine/penalty.py, the decision's
assembly engine/trace.py):

1. the case is checked against the contract and the item's facts (errors name field paths);
2. Art. 36 limitation, Art. 30 age, Art. 31 capacity, Art. 33 ¶2 no fault: each may end the case;
3. the clause's own condition (逾期不改正的 / 拒不改正的): otherwise only the correction order;
4. the item's circumstances are evaluated by durable-rules (tiers, 情节严重, list entries);
5. Art. 33 ¶1: minor + no harm + corrected in time -> shall not penalise; the non-penalty list
   (first violation + minor harm + corrected in time) -> may not penalise;
6. otherwise the tier's recommendation, moved by lighter/mitigated/heavier grounds
   (Arts. 30, 31, 32, 49 and the lists), never above the statutory maximum; Art. 28
   confiscation; Art. 51/58/63 procedure flags.
Art. 29 (one act, several provisions): every item is decided and the one with the higher fine
is applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from discretion.case import Case, item_key
from discretion.catalog.catalog import Catalog
from discretion.catalog.models import SANCTION_SEVERITY, BenchmarkItem, Mode, Payer, SanctionKind
from discretion.catalog.ranges import to_yuan
from discretion.conditions.ast import Expr, names_in
from discretion.decision import Decision
from discretion.engine import collector
from discretion.engine.blocks import chunks
from discretion.engine.plan import ItemPlan
from discretion.engine.steps import Steps
from discretion.engine.trace import Draft, finish, weight_words
from discretion.errors import CaseError, Problem
from discretion.law.facts import Env, build_env, check_circumstances
from discretion.law.versions import VersionChoice, applicable_version, in_force, versions_of
from discretion.money import Range

# Enum members compared with, as module constants: in Python 3.11 reading `Enum.member` goes
# through EnumType.__getattr__'s slot (~60 ns); a Final constant of a compiled module is read
# directly.
_MODE_SHALL: Final = Mode.shall
_PAYER_PARTY: Final = Payer.party
_SANCTION_KIND_FINE: Final = SanctionKind.fine

# Cases evaluate_many reads ahead and decides grouped by item: with ~16 cases an item in a
# block of the bundled catalog's 1,033 items, 0.92x the time of blocks of 4,096 (bench/README.md);
# the block's decisions cost ~9 MB more memory, and the first decision comes after the block.
BLOCK = 16384


class Engine(Steps):
    """Decides cases against one loaded catalog.

    ``Engine()`` loads the bundled catalog; ``Engine(catalog)`` takes a :class:`Catalog` or a
    folder path. ``today`` fixes the date used when a case gives no ``decided_on`` (for
    reproducible runs). Safe to share between threads.

    The legal steps are :class:`~discretion.engine.steps.Steps`, the recommended sanctions
    :class:`~discretion.engine.penalty.Penalty`, the state they share
    :class:`~discretion.engine.state.EngineState`, the rule matching the engine's
    :class:`~discretion.engine.matcher.Matcher`.
    """

    def __init__(self, catalog: Catalog | str | Path | None = None, *,
                 today: dt.date | None = None) -> None:
        super().__init__(catalog if isinstance(catalog, Catalog) else Catalog.load(catalog), today)

    # --- public API ----------------------------------------------------------------------

    def evaluate(self, case: Case | Mapping[str, Any]) -> Decision:
        """Decide one case. Raises :class:`~discretion.errors.CaseError` listing every problem."""
        return self._evaluate(parse_case(case))

    def _evaluate(self, case: Case) -> Decision:
        manifest = self.catalog.manifest
        problems = check_circumstances(case, manifest) \
            if case.circumstances and not self._codes.issuperset(case.circumstances) else []
        named = case.item
        plan = None
        if isinstance(named, str):  # plans are kept by item id: once built, found without the catalog
            plan = self._plans.get(named)
            if plan is None and named in self.catalog.benchmarks:
                plan = self._plan(self.catalog.benchmarks[named])
        elif named is None and case.citation is not None:
            # a citation finds one item (or raises): decided as that item named by its id
            plan = self._plan(self.resolve_items(case)[0])
        if plan is not None:
            # the common case: one item, named by its id or found by the citation
            declared = plan.declared  # Art. 37: facts of any version are accepted
            item, choice = plan.item, None
            if plan.versioned:
                item, choice = self._version(case, item)
                if item is not plan.item:
                    plan = self._plan(item)
            env, found = build_env(case, item, manifest, also_known=declared, shape=plan.shape)
            if found or problems:
                raise CaseError(problems + [p for p in found if p not in problems])
            return finish(case, plan, self._decide(case, plan, env, choice), self._ref)
        several = self.resolve_items(case)
        # Art. 37: the version of each act to apply; facts of any version are accepted.
        choices: list[VersionChoice | None] = []
        items: list[BenchmarkItem] = []
        for item in several:
            applied, choice = self._version(case, item)
            items.append(applied)
            choices.append(choice)
        envs: list[Env] = []
        # Art. 29: with several items, a fact belongs to at least one of them.
        declared = self._plan(several[0]).declared if len(several) == 1 else \
            frozenset().union(*(self._plan(item).declared for item in several))
        for item in items:
            env, found = build_env(case, item, manifest, also_known=declared,
                                   shape=self._plan(item).shape)
            problems.extend(p for p in found if p not in problems)
            envs.append(env)
        if problems:
            raise CaseError(problems)
        if case.tier is not None and len(items) > 1:
            raise CaseError(Problem(
                "tier names the tier of one item, and this case names several; 裁量阶次只能对应一个"
                "事项，请分别就每个事项作出决定", path="tier", expected="one item with tier",
                hint="decide each item as its own case, each with its tier"))
        if len(items) == 1:
            plan = self._plan(items[0])
            return finish(case, plan, self._decide(case, plan, envs[0], choices[0]), self._ref)
        return self._decide_several(case, items, envs, choices)

    def evaluate_many(self, cases: Iterable[Case | Mapping[str, Any]]) -> Iterator[Decision]:
        """Decide cases and yield the decisions in input order (an iterator: constant memory).

        Cases are read ``BLOCK`` at a time and decided grouped by item, which keeps each
        item's rules, ruleset and tables hot in the processor's caches (see bench/README.md);
        the decisions, and the error a bad case raises at its position, are those of
        :meth:`evaluate` one case at a time; if ``cases`` itself fails, the cases read before
        are decided and yielded first. A block (16,384 cases, about a second) is decided
        before its first decision is yielded, so a caller that stops early has paid for the
        rest of the block; for one decision at a time, call :meth:`evaluate`. While a
        block is decided (not while its decisions are handed out) the cyclic garbage
        collector is paused: the decisions waiting for their turn would otherwise be scanned
        again and again.
        """
        for block in chunks(cases, BLOCK):  # if the input fails: first the cases read before it
            yield from self._evaluate_block(block)

    def _evaluate_block(self, block: list[Case | Mapping[str, Any]]) -> Iterator[Decision]:
        results: list[Decision | Exception | None] = [None] * len(block)
        with collector.paused():  # the block's decisions are kept until yielded: no use scanning them
            items = [item_key(case) or self._cited_item(case) for case in block]
            for index in sorted(range(len(block)), key=items.__getitem__):
                try:
                    results[index] = self.evaluate(block[index])
                except Exception as exc:  # raised at its position, as one at a time would
                    results[index] = exc
        for result in results:
            if isinstance(result, Exception):
                raise result
            assert result is not None
            yield result

    def _cited_item(self, case: Case | Mapping[str, Any]) -> str:
        """For grouping a block only: the first item a case's citation finds, "" if none."""
        cited: Any = case.get("citation") if type(case) is dict else getattr(case, "citation", None)
        if isinstance(cited, dict):
            parts = (cited.get("law"), cited.get("article"), cited.get("paragraph"), cited.get("item"))
        elif cited is not None and not isinstance(cited, Mapping):
            parts = (cited.law, cited.article, cited.paragraph, cited.item)
        else:
            return ""
        law, article, paragraph, item = parts
        if not isinstance(law, str) or type(article) is not int \
                or not all(p is None or type(p) is int for p in (paragraph, item)):
            return ""
        found = self.catalog.citing(law, article, paragraph, item)
        return found[0] if found else ""

    def prepare(self, items: Iterable[str] | None = None) -> int:
        """Build, ahead of the first case, what is otherwise built on first use: each item's
        plan, its parsed conditions and its durable-rules ruleset (every item by default).

        Useful before a long batch or to measure steady throughput; ``evaluate`` does not need
        it. Returns the number of rulesets built so far; an id the catalog does not have raises
        ``ValueError``.
        """
        benchmarks = self.catalog.benchmarks
        wanted = list(benchmarks if items is None else items)
        unknown = [item_id for item_id in wanted if item_id not in benchmarks]
        if unknown:
            raise ValueError("not benchmark ids of this catalog: " + ", ".join(unknown))
        for item_id in wanted:
            item = benchmarks[item_id]
            self._plan(item)
            self._matcher.build(item)
        return self._matcher.ruleset_count

    def resolve_items(self, case: Case) -> list[BenchmarkItem]:
        """The benchmark item(s) a case names, by id or by citation."""
        catalog = self.catalog
        if case.citation is not None:
            found = catalog.by_citation(case.citation)
            if not found:
                raise CaseError(Problem("no benchmark item matches this citation; "
                                        "没有与该处罚依据对应的事项，请改填事项编号", path="citation",
                                        expected="a provision some catalog item cites",
                                        hint="search with `discretion search` and give item: ID"))
            if len(found) > 1:
                raise CaseError(Problem(
                    "the citation matches several items: " + ", ".join(found)
                    + "; 该处罚依据对应多个事项，请写明款、项，或改填事项编号", path="citation",
                    hint="cite the paragraph and item (款/项), or give item: ID"))
            return [catalog.benchmarks[found[0]]]
        items: list[BenchmarkItem] = []
        problems: list[Problem] = []
        for index, item_id in enumerate(case.item_ids):
            path = "item" if isinstance(case.item, str) else f"item[{index}]"
            item = catalog.benchmarks.get(item_id)
            if item is None:
                entry = catalog.lists.get(item_id)
                if entry is not None:
                    problems.append(Problem(f"'{item_id}' is a {entry.kind.value} list entry, not a "
                                            f"benchmark; “{item_id}”是清单条目，不是裁量基准事项，请填写其"
                                            "对应的事项编号", path=path, hint=f"give item: {entry.benchmark}"))
                    continue
                close = catalog.suggest(item_id)
                problems.append(Problem(f"unknown item '{item_id}'; 目录中没有事项“{item_id}”，请核对事项编号"
                                        "（可用 discretion search 查找）", path=path,
                                        expected="a benchmark id of the catalog",
                                        hint=("did you mean " + " or ".join(close) + "?") if close
                                        else "list ids with `discretion list`"))
                continue
            items.append(item)
        if problems:
            raise CaseError(problems)
        return items

    # --- versions (Art. 37) ----------------------------------------------------------------

    def _version(self, case: Case, item: BenchmarkItem) -> tuple[BenchmarkItem, VersionChoice | None]:
        """Art. 37: the item of the version to apply, and how it was chosen (None: the item has
        no versions)."""
        gap = item.not_encoded_before
        if gap is not None and (case.ended_on or case.occurred_on) < gap.before:
            raise CaseError(Problem(
                f"{item.id}: the act ({case.ended_on or case.occurred_on}) is before "
                f"{gap.before}, and the text in force then is not in the catalog ({gap.why}); "
                "行为发生时适用的规定版本未编入目录，须依《行政处罚法》第三十七条人工确定",
                path="ended_on" if case.ended_on else "occurred_on",
                expected=f"an act on or after {gap.before}",
                hint="decide this case by hand, comparing the two versions (从旧兼从轻)"))
        if not self._plan(item).versioned:
            return item, None
        day = case.decided_on or self.today
        act_day = case.ended_on or case.occurred_on
        if day is None:
            # the version in force when the decision is made decides only where the act's
            # version has ended or been followed: otherwise it is the same version either way
            acting = in_force(versions_of(self.catalog, item), act_day)
            if acting is None or acting.effective_to is not None or self.catalog.successors(acting.id):
                return item, VersionChoice(None, missing="decided_on")
            day = act_day
        choice = applicable_version(self.catalog, item, act_day, day, str(case.party.kind))
        if choice.decisive:
            choice = self._lighter_for_case(case, choice)
        return choice.item or item, choice

    def _lighter_for_case(self, case: Case, choice: VersionChoice) -> VersionChoice:
        """Art. 37 (从旧兼从轻) for this case: each version decides it, and the newer applies only
        if it gives this case a lighter result (no penalty before a penalty; then the lower
        maximum fine for these facts; then the lighter heaviest mandatory kind). Where facts
        that decide the comparison are missing, the versions are compared in the abstract
        (:func:`~discretion.law.versions.is_lighter`) and the trace says so."""
        old, new = choice.acting, choice.current
        assert old is not None and new is not None
        weights = []
        for version in (old, new):
            plan = self._plan(version)
            env, found = build_env(case, version, self.catalog.manifest,
                                   also_known=plan.declared, shape=plan.shape)
            if found:
                return choice  # the case is reported as it stands by the caller
            weights.append(self._weight(case, plan, env, self._decide(case, plan, env),
                                        self._matcher.rules(version).get("serious")))
        w_old, w_new = weights
        if w_old is None or w_new is None:
            return VersionChoice(choice.item, [*choice.reasons, "本案决定比较的事实尚未查明，"
                                               "暂按法定最高处罚比较新旧规定"],
                                 acting=old, current=new)
        said = f"违法行为发生时的{old.id}对本案{weight_words(w_old)}，作出决定时的{new.id}对本案" \
               f"{weight_words(w_new)}"
        if w_new < w_old:
            return VersionChoice(new, [f"{said}：新规定处罚较轻，从轻适用新规定（从旧兼从轻）"],
                                 acting=old, current=new)
        return VersionChoice(old, [f"{said}：新规定不轻于旧规定，适用旧规定（从旧兼从轻）"],
                             acting=old, current=new)

    @staticmethod
    def _weight(case: Case, plan: ItemPlan, env: Env, draft: Draft,
                serious: Expr | None) -> tuple[int, Decimal, int] | None:
        """How heavily a version treats this case: (penalised, maximum fine in yuan for these
        facts, heaviest mandatory kind); ``None`` while a missing fact could change it (whether
        it is penalised, 情节严重, an amount's base). Facts that only choose a tier do not."""
        if draft.missing:
            if draft.outcomes - {"penalized"}:
                return None
            missing = {m.path for m in draft.missing}
            if serious is not None and any(env.paths.get(n.name, n.name) in missing
                                           for n in names_in(serious)):
                return None
        elif draft.outcome != "penalized":
            return (0, Decimal(0), -1)
        top, heaviest = Decimal(0), -1
        for sanction in plan.sanctions[(str(case.party.kind), draft.stage, draft.serious)]:
            if sanction.on is not _PAYER_PARTY:
                continue
            if sanction.kind is _SANCTION_KIND_FINE:
                assert sanction.max is not None
                result = to_yuan(sanction, Range(sanction.low, sanction.max), env.values)
                if result.range is None:
                    return None
                top = max(top, result.range.high)
            elif sanction.mode is _MODE_SHALL:
                heaviest = max(heaviest, SANCTION_SEVERITY.index(sanction.kind))
        return (1, top, heaviest)

    # --- rules (the engine's Matcher) ----------------------------------------------------

    def ruleset_group(self, item_id: Hashable) -> Hashable:
        """The durable-rules ruleset that decides ``item_id`` (a group of ``GROUP_SIZE`` items
        in id order), as a number; anything the catalog lacks is returned as it is. Workers
        given the cases of whole groups each build only their groups' rulesets."""
        return self._matcher.ruleset_group(item_id)


_validate_case = Case.__pydantic_validator__.validate_python  # Case.model_validate, minus a call


def parse_case(case: Case | Mapping[str, Any]) -> Case:
    """Validate a case mapping against the contract; errors carry field paths."""
    if type(case) is not dict:  # a dict as it is (pydantic only reads it)
        if isinstance(case, Case):
            return case
        if not isinstance(case, Mapping):
            raise CaseError(Problem(f"a case is a mapping of fields, got {type(case).__name__}; "
                                    "案件应为一组“名称: 值”",
                                    expected="an object such as {item: ..., party: {...}, occurred_on: ...}"))
        case = dict(case)  # any other mapping as a dict
    try:
        return _validate_case(case)
    except ValidationError as exc:
        raise CaseError(case_problems(exc)) from None


def case_problems(exc: ValidationError) -> list[Problem]:
    """The problems of a case the contract refuses, each at its field path, with what was
    expected and the fix; every message carries a Chinese line for the officer (pydantic's own
    words, for a missing or unknown field or a value of the wrong type, get theirs from
    :func:`discretion.casefields.chinese_line`)."""
    from discretion import casefields  # imported here: this function is all of engine.py it needs

    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = [part for part in error["loc"] if not (isinstance(part, str) and (
            part[:1].isupper() or "[" in part or part in ("str", "int", "bool", "decimal")))]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
        kind = error["type"]
        message = error["msg"].removeprefix("Value error, ")
        context = error.get("ctx")
        expected = None
        hint = None
        if kind == "missing":
            message = "required field is missing"
            hint = f"add {path or 'it'}"
        elif kind == "extra_forbidden":
            message = "unknown field"
            hint = casefields.unknown_field_hint(path)
        elif kind in ("enum", "literal_error"):
            expected = str((context or {}).get("expected", "")) or None
            bare = path.split("[")[0]
            if expected and bare in casefields.CHOICES:
                expected += " (or in Chinese: " + casefields.choices_chinese(bare) + ")"
            message = f"not an accepted value: {error.get('input')!r}"
        if kind != "value_error" or not casefields.has_chinese(message):
            # pydantic's own words (which may quote Chinese input) get their Chinese line
            message += "; " + casefields.chinese_line(kind, path, context)
        problem = Problem(message, path=path or None, expected=expected, hint=hint)
        if problem not in problems:
            problems.append(problem)
    return problems

