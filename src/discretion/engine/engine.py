"""Engine.evaluate: find item(s) -> law checks -> circumstances -> ranges -> Decision.

The order of the steps is the order in which the law is applied:

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
from typing import Any, Final, Literal

from pydantic import ValidationError

from discretion.case import Case, CorrectionStatus, Harm, named_item
from discretion.catalog.catalog import OTHERWISE, Catalog
from discretion.catalog.models import (
    LIST_LABELS,
    PAYER_LABELS,
    SANCTION_LABELS,
    SANCTION_SEVERITY,
    AppliesWhen,
    Band,
    BenchmarkItem,
    Citation,
    Correction,
    ListKind,
    Mode,
    Payer,
    Sanction,
    SanctionKind,
    TierFine,
)
from discretion.catalog.vocabulary import circumstance_codes
from discretion.conditions.ast import Expr, names_in
from discretion.conditions.classes import ValueClasses
from discretion.conditions.interpret import UNKNOWN, Tri, evaluate
from discretion.decision import (
    Adjustment,
    CatalogRef,
    Decision,
    FollowUpOut,
    Ground,
    MissingFact,
    Money,
    NeedsFacts,
    OptionOut,
    Outcome,
    Procedure,
    SanctionOut,
    TierOut,
    TraceStep,
)
from discretion.engine import collector
from discretion.engine.blocks import chunks
from discretion.engine.durable import RuleHost
from discretion.engine.plan import ItemPlan, build_plan
from discretion.errors import CaseError, Problem
from discretion.law import apl as law
from discretion.law.caseview import CaseView, plain_view
from discretion.law.citations import apl
from discretion.law.facts import Env, build_env, check_circumstances
from discretion.law.ranges import (
    YuanResult,
    multiples_words,
    party_fine,
    policy_band,
    statutory_bounds,
    tier_bounds,
    tier_fine_for,
    to_yuan,
)
from discretion.law.sanctions import StageName, falls_on, stage_for, stage_words
from discretion.law.versions import VersionChoice, applicable_version, in_force, versions_of
from discretion.money import Range, fmt_yuan

# Enum members the rules compare with, as module constants: in Python 3.11 reading
# `Enum.member` goes through EnumType.__getattr__'s slot (~60 ns); a Final constant of a
# compiled module is read directly.
_BAND_HEAVIER: Final = Band.heavier
_BAND_LIGHTER: Final = Band.lighter
_CORRECTION_NONE: Final = Correction.none
_CORRECTION_STATUS_IN_TIME: Final = CorrectionStatus.in_time
_CORRECTION_STATUS_OVERDUE: Final = CorrectionStatus.overdue
_CORRECTION_STATUS_PENDING: Final = CorrectionStatus.pending
_CORRECTION_STATUS_REFUSED: Final = CorrectionStatus.refused
# the correction statuses that meet a clause's condition (逾期不改正的 includes one who refused)
_ART58_CODES: Final = frozenset(code for _, code, _ in law.ART58_ITEMS)


def _art58_codes(case: CaseView) -> frozenset[str]:
    """The case's circumstance codes that establish a condition of Art. 58 ¶1."""
    return _ART58_CODES.intersection(case.circumstances) if case.circumstances else frozenset()

_ART33_MAY_OPTION: Final = OptionOut(
    outcome="not_penalized", basis=apl(33, 1),
    reason="初次违法且危害后果轻微并及时改正的，可以不予行政处罚（法律赋予的选择，不以不予处罚清单为限）")
_NEEDED: Final[dict[str, frozenset[CorrectionStatus]]] = {
    "overdue": frozenset({_CORRECTION_STATUS_OVERDUE, _CORRECTION_STATUS_REFUSED}),
    "refused": frozenset({_CORRECTION_STATUS_REFUSED}),
}
_GATE_WORDS: Final = {
    AppliesWhen.overdue: "逾期不改正的", AppliesWhen.refused: "拒不改正的",
    AppliesWhen.overdue_or_serious: "逾期不改正或者情节严重的",
    AppliesWhen.refused_or_serious: "拒不改正或者情节严重的",
}


def _officer_tier(item: BenchmarkItem, level: str) -> int:
    """The index of the item's tier named ``level`` (the case's ``tier``); a case error naming
    the item's tiers otherwise."""
    for index, tier in enumerate(item.tiers):
        if tier.level == level:
            return index
    levels = [t.level for t in item.tiers]
    if not levels:
        raise CaseError(Problem(
            f"{item.id} has no tiers, so the case cannot name tier '{level}'; "
            f"事项{item.id}没有裁量阶次，请删除 tier", path="tier",
            expected="no tier for this item", hint="leave tier out: the statutory range applies"))
    raise CaseError(Problem(
        f"{item.id} has no tier '{level}'; 事项{item.id}没有“{level}”这一裁量阶次，可选："
        + "、".join(levels), path="tier", expected="one of: " + ", ".join(levels),
        hint="write the tier's name as the item gives it (discretion show " + item.id + ")"))


def _gate_words(when: AppliesWhen) -> str:
    return _GATE_WORDS[when]
_HARM_MINOR: Final = Harm.minor
_HARM_NONE: Final = Harm.none
_LIST_KIND_LIGHTER: Final = ListKind.lighter
_LIST_KIND_MITIGATION: Final = ListKind.mitigation
_LIST_KIND_NON_PENALTY: Final = ListKind.non_penalty
_LIST_KIND_NO_COERCION: Final = ListKind.no_coercion
_MODE_MAY: Final = Mode.may
_MODE_SHALL: Final = Mode.shall
_PAYER_PARTY: Final = Payer.party
_SANCTION_KIND_CONFISCATE_INCOME: Final = SanctionKind.confiscate_income
_SANCTION_KIND_FINE: Final = SanctionKind.fine

RULE_CACHE_SIZE = 200_000  # circumstance results kept (then the cache starts again)
PROCEDURE_CACHE_SIZE = 20_000  # procedure flags kept, by sanctions, amounts and party
GROUP_SIZE = 8  # items per durable-rules ruleset (consecutive ids; see engine/durable.py)
# Cases evaluate_many reads ahead and decides grouped by item: with ~16 cases an item in a
# block of the bundled catalog's 1,033 items, 0.92x the time of blocks of 4,096 (bench/README.md);
# the block's decisions cost ~9 MB more memory, and the first decision comes after the block.
BLOCK = 16384

FOLLOW_UP_TEXT = {
    "education": "对当事人进行批评教育（《行政处罚法》第三十三条第三款）",
    "correction_order": "责令当事人改正违法行为（《行政处罚法》第二十八条第一款）",
    "commitment": "当事人签署告知承诺书",
    "guardian_discipline": "责令监护人加以管教（看管和治疗）",
    "warning_talk": "约谈提醒",
    "no_coercion": "免予采取行政强制措施",
}
CORRECTION_TEXT = {
    Correction.order: "责令改正",
    Correction.deadline: "责令限期改正",
    Correction.immediate: "责令立即改正（即时清除）",
    Correction.none: "",
}


class _Draft:
    """What is known about the decision while the rules run (a plain slotted class: one is
    made per case, and its lists are literals rather than dataclass default factories)."""

    __slots__ = ("adjustments", "conflict", "follow_up", "grounds", "mandatory", "max_fine", "missing",
                 "options",
                 "outcome", "outcomes", "procedure", "range_possible", "recommended", "serious",
                 "stage", "statutory", "tier", "tiers_possible", "trace")

    def __init__(self) -> None:
        self.outcome: Outcome | None = None
        self.mandatory: bool | None = None
        self.grounds: list[Ground] = []
        self.tier: TierOut | None = None
        self.statutory: list[SanctionOut] = []
        self.recommended: list[SanctionOut] = []
        self.adjustments: list[Adjustment] = []
        self.follow_up: list[str] = []
        self.procedure: Procedure | None = None
        self.missing: list[MissingFact] = []
        self.outcomes: set[str] = set()
        self.tiers_possible: list[str] = []
        self.range_possible: Range | None = None
        self.trace: list[TraceStep] = []
        self.max_fine: Decimal | None = None
        self.stage: StageName = "base"  # the clause's escalation stage the case reached
        self.serious = False  # the case is 情节严重 under the clause's serious range
        self.conflict: str | None = None  # shall grounds in both directions, for the officer
        self.options: list[OptionOut] = []  # other lawful outcomes the officer may choose

    def step(self, rule: str, detail: str, citation: Citation | None = None) -> None:
        self.trace.append(TraceStep(rule=rule, detail=detail, citation=citation))

    def need(self, path: str, label: str, type_: str) -> None:
        if all(m.path != path for m in self.missing):
            self.missing.append(MissingFact(path=path, label=label, type=type_))

    def follow(self, *codes: str) -> None:
        for code in codes:
            if code not in self.follow_up:
                self.follow_up.append(code)


class Engine:
    """Decides cases against one loaded catalog.

    ``Engine()`` loads the bundled catalog; ``Engine(catalog)`` takes a :class:`Catalog` or a
    folder path. ``today`` fixes the date used when a case gives no ``decided_on`` (for
    reproducible runs). Safe to share between threads.
    """

    def __init__(self, catalog: Catalog | str | Path | None = None, *,
                 today: dt.date | None = None) -> None:
        self.catalog = catalog if isinstance(catalog, Catalog) else Catalog.load(catalog)
        self.today = today
        self._host = RuleHost()
        self._rules: dict[str, dict[str, Expr]] = {}
        # Circumstance results by item and the classes of the values its rules read
        # (conditions/classes.py): values in the same classes fire the same rules, so
        # durable-rules is asked once per item and combination of classes.
        self._fired: dict[tuple[object, ...], list[Any]] = {}
        # [values, trace step, tier choice] by item and the rules that fired
        self._outcomes: dict[tuple[str, frozenset[str]], list[Any]] = {}
        self._classes: dict[str, ValueClasses] = {}
        self._plans: dict[str, ItemPlan] = {}
        self._groups: dict[str, int] | None = None
        self._group_members: dict[int, list[str]] = {}
        self._procedures: dict[tuple[object, ...], tuple[Procedure, tuple[TraceStep, ...]]] = {}
        # Art. 32 and 49 grounds by the case's circumstances; how a list of grounds composes
        # (grounds are shared objects, so the key is their identities; the entry keeps them)
        self._circumstance_grounds: dict[frozenset[str], tuple[law.Ground, ...]] = {}
        self._directions: dict[tuple[int, ...], tuple[tuple[law.Ground, ...], tuple[Adjustment, ...],
                                                      tuple[TraceStep, ...], str | None,
                                                      str | None, tuple[OptionOut, ...]]] = {}
        self._codes = frozenset(circumstance_codes(self.catalog.manifest))  # every accepted code
        # statutory ranges and policy bands of fines, by the sanction (kept alive by the entry)
        self._bands: dict[tuple[int, Band | None], tuple[Sanction, Range]] = {}
        self._ref = CatalogRef(jurisdiction=self.catalog.manifest.jurisdiction,
                               version=self.catalog.manifest.version, sha256=self.catalog.sha256,
                               official=self.catalog.manifest.official)

    # --- public API ----------------------------------------------------------------------

    def evaluate(self, case: Case | Mapping[str, Any]) -> Decision:
        """Decide one case. Raises :class:`~discretion.errors.CaseError` listing every problem."""
        # the rules read a compiled class; a plain dict is validated without pydantic calling
        # Case's Python validators when it can be (see plain_view), by Case otherwise
        view = plain_view(case) if type(case) is dict else None
        return self._evaluate(view if view is not None else CaseView(parse_case(case)))

    def _evaluate(self, case: CaseView) -> Decision:
        manifest = self.catalog.manifest
        problems = check_circumstances(case, manifest) \
            if case.circumstances and not self._codes.issuperset(case.circumstances) else []
        named = case.item
        plan = None
        if isinstance(named, str):  # plans are kept by item id: once built, found without the catalog
            plan = self._plans.get(named)
            if plan is None and named in self.catalog.benchmarks:
                plan = self._plan(self.catalog.benchmarks[named])
        if plan is not None:
            # the common case: one item, named by its id
            declared = plan.declared  # Art. 37: facts of any version are accepted
            item, choice = plan.item, None
            if plan.versioned:
                item, choice = self._version(case, item)
                if item is not plan.item:
                    plan = self._plan(item)
            env, found = build_env(case, item, manifest, also_known=declared, shape=plan.shape)
            if found or problems:
                raise CaseError(problems + [p for p in found if p not in problems])
            return self._finish(case, plan, self._decide(case, plan, env, choice))
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
            return self._finish(case, plan, self._decide(case, plan, envs[0], choices[0]))
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
            items = [named_item(case) or self._cited_item(case) for case in block]
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
            self._build_rules(item)
        return self._host.ruleset_count

    def resolve_items(self, case: Case | CaseView) -> list[BenchmarkItem]:
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

    def _version(self, case: CaseView, item: BenchmarkItem) -> tuple[BenchmarkItem, VersionChoice | None]:
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

    def _lighter_for_case(self, case: CaseView, choice: VersionChoice) -> VersionChoice:
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
                                        self._item_rules(version).get("serious")))
        w_old, w_new = weights
        if w_old is None or w_new is None:
            return VersionChoice(choice.item, [*choice.reasons, "本案决定比较的事实尚未查明，"
                                               "暂按法定最高处罚比较新旧规定"],
                                 acting=old, current=new)
        said = f"违法行为发生时的{old.id}对本案{_weight_words(w_old)}，作出决定时的{new.id}对本案" \
               f"{_weight_words(w_new)}"
        if w_new < w_old:
            return VersionChoice(new, [f"{said}：新规定处罚较轻，从轻适用新规定（从旧兼从轻）"],
                                 acting=old, current=new)
        return VersionChoice(old, [f"{said}：新规定不轻于旧规定，适用旧规定（从旧兼从轻）"],
                             acting=old, current=new)

    @staticmethod
    def _weight(case: CaseView, plan: ItemPlan, env: Env, draft: _Draft,
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

    def _plan(self, item: BenchmarkItem) -> ItemPlan:
        plan = self._plans.get(item.id)
        if plan is None or plan.item is not item:
            plan = self._plans[item.id] = build_plan(self.catalog, item)
        return plan

    # --- rules ---------------------------------------------------------------------------

    def _item_rules(self, item: BenchmarkItem) -> dict[str, Expr]:
        rules = self._rules.get(item.id)
        if rules is None:
            conds = self.catalog.conditions[item.id]
            rules = {}
            for index, cond in enumerate(conds.tiers):
                if cond is not None and cond != OTHERWISE:
                    assert not isinstance(cond, str)
                    rules[f"tier:{index}"] = cond
            if conds.serious is not None:
                rules["serious"] = conds.serious
            for entry_id, cond in conds.lists:
                rules[f"list:{entry_id}"] = cond
            self._classes[item.id] = ValueClasses(rules.values())
            self._rules[item.id] = rules
        return rules

    def ruleset_group(self, item_id: Hashable) -> Hashable:
        """The durable-rules ruleset that decides ``item_id`` (a group of ``GROUP_SIZE`` items
        in id order), as a number; anything the catalog lacks is returned as it is. Workers
        given the cases of whole groups each build only their groups' rulesets."""
        if isinstance(item_id, str):
            return self._group_table().get(item_id, item_id)
        return item_id

    def _group_table(self) -> dict[str, int]:
        groups = self._groups
        if groups is None:  # built whole, then published: other threads see all or nothing
            ordered = sorted(self.catalog.benchmarks)
            groups = {item_id: index // GROUP_SIZE for index, item_id in enumerate(ordered)}
            members: dict[int, list[str]] = {}
            for item_id, number in groups.items():
                members.setdefault(number, []).append(item_id)
            self._group_members = members
            self._groups = groups
        return groups

    def _build_rules(self, item: BenchmarkItem) -> None:
        """Register the durable-rules ruleset of the item's group (GROUP_SIZE items in id
        order): fewer rulesets than items keeps durable-rules' per-ruleset state small."""
        if self._host.is_built(item.id):
            return
        group = self._group_table()[item.id]
        benchmarks = self.catalog.benchmarks
        members = {member: self._item_rules(benchmarks[member])
                   for member in self._group_members[group]}
        self._host.build_group(f"g{group}", members)

    def _match(self, item: BenchmarkItem, env: Env, draft: _Draft) -> list[Any]:
        """Truth of every rule of the item: durable-rules when all names are known, else the
        three-valued reference interpreter. Returns ``[values, trace step, tier choice]``; the
        entry is cached (and its tier choice filled by :meth:`_select_tier`) when every name is
        known."""
        item_id = item.id  # read once: a catalog model's attribute read is slow (pydantic's hook)
        rules = self._item_rules(item)
        classes = self._classes[item_id]
        names = classes.names
        known = env.values
        if classes.name_set <= known.keys():
            # values in the same classes fire the same rules (conditions/classes.py)
            key = (item_id, *classes.key(known))
            found = self._fired.get(key)
            if found is None:
                self._build_rules(item)
                # only the names the rules read travel to durable-rules
                fired = self._host.evaluate(item_id, rules, {n: known[n] for n in names})
                if len(self._fired) >= RULE_CACHE_SIZE:
                    self._fired.clear()
                    self._outcomes.clear()
                # many combinations fire the same rules: they share one entry (memory)
                shared = (item_id, frozenset(fired))
                found = self._outcomes.get(shared)
                if found is None:
                    values: dict[str, Tri] = {name: name in fired for name in rules}
                    step = TraceStep(rule="rules", detail="情形评估（durable-rules）：" + (
                        "、".join(sorted(n for n, v in values.items() if v)) or "无规则命中"))
                    found = self._outcomes[shared] = [values, step, None]
                self._fired[key] = found
            draft.trace.append(found[1])
            return found
        missing = [n for n in names if n not in known]
        values = {name: evaluate(expr, known) for name, expr in rules.items()}  # type: ignore[arg-type]
        draft.step("rules", "情形评估（参考解释器，事实未查明：" + "、".join(missing) + "）")
        return [values, None, None]

    # --- one item ------------------------------------------------------------------------

    def _decide(self, case: CaseView, plan: ItemPlan, env: Env,
                version: VersionChoice | None = None) -> _Draft:
        draft = _Draft()
        item = plan.item
        # the tier the officer found: checked first, whatever ends the case
        found_tier = None if case.tier is None else _officer_tier(item, case.tier)
        # the day the decision is dated: the case's, else one the caller supplied; the clock
        # is never read, and a date no one gave is never assumed
        day = case.decided_on or self.today
        draft.trace.append(plan.item_step)
        if case.decided_on is None and self.today is not None:
            draft.step("date", f"案件未载明决定日期，按调用方指定的日期{self.today}计")
        # Art. 36 first: a case discovered too late ends whatever else is true.
        expired = law.art36_limitation(case, item, day)
        if isinstance(expired, law.Finding):
            return self._not_penalized(draft, expired.citation, expired.reason, expired.rule,
                                       expired.mandatory, expired.follow_up)
        if version is not None:  # Art. 37: which version of the provision applies
            if version.missing is not None:
                draft.need(version.missing, "作出处罚决定的日期", "date")
                draft.step("art37", "须查明作出处罚决定的日期：规定在违法行为发生后有修改或者失效，"
                                    "适用哪一版本取决于该日期（从旧兼从轻）", apl(37))
            for reason in version.reasons:
                draft.step("art37", reason, apl(37))
            if version.not_violation is not None:
                return self._not_penalized(draft, apl(37), version.not_violation, "art37",
                                           True, ())
        draft.grounds.extend(plan.violated)
        if version is not None and version.decisive:
            draft.grounds.append(Ground(citation=apl(37), reason=version.reasons[-1]))
        party = str(case.party.kind)
        draft.statutory = self._statutory(plan, party, env)
        if plan.sources:  # 实施条例 that set the amounts: grounds of the decision
            draft.grounds.extend(plan.sources)
        if item.statutory.correction is not _CORRECTION_NONE:
            draft.follow("correction_order")
        # Art. 36, 30, 31, 33 ¶2: rules that can end the case before the benchmark is read.
        checks: list[Any] = [expired, law.art30_age(case), law.art31_capacity(case),
                             law.art33_no_fault(case)]
        grounds: list[law.Ground] = []
        for result in checks:
            if result is None:
                continue
            if isinstance(result, law.Finding):
                return self._not_penalized(draft, result.citation, result.reason, result.rule,
                                           result.mandatory, result.follow_up)
            if isinstance(result, law.Missing):
                draft.need(result.path, result.label, result.type)
                draft.outcomes.add("not_penalized")
                draft.step(result.rule, "needs " + result.path + ": " + result.reason)
            elif isinstance(result, law.Ground):
                grounds.append(result)
        # The clause's own condition.
        opens = self._clause_applies(case, plan, draft)
        if opens is False:
            return draft
        matched = self._match(item, env, draft)
        values = matched[0]
        if opens is None and not self._serious_opens(case, plan, values, env, draft, found_tier):
            return draft
        tier_index: int | None
        if found_tier is not None:
            tier_index = self._officer_tier_step(plan, found_tier, values, draft)
        elif matched[2] is not None:  # the same classes of facts choose the same tier
            tier_index, draft.tier, steps, draft.serious = matched[2]
            draft.trace.extend(steps)
        else:
            before = len(draft.trace)
            tier_index = self._select_tier(plan, values, env, draft)
            if matched[1] is not None:  # every fact known: the choice is the same next time
                matched[2] = (tier_index, draft.tier, tuple(draft.trace[before:]), draft.serious)
        # Art. 33 ¶1 and the non-penalty list.
        if self._art33_minor(case, plan, tier_index, values, draft):
            return draft
        draft.outcomes.add("penalized")
        if case.circumstances:
            grounds += self._circumstance_grounds_of(case)
        grounds += self._list_grounds(plan, values, draft)
        self._penalize(case, plan, env, tier_index, grounds, draft)
        return draft

    def _circumstance_grounds_of(self, case: CaseView) -> tuple[law.Ground, ...]:
        """Arts. 32 and 49: the grounds the case's circumstances give (the same for the same set
        of circumstances; only catalog-declared codes reach here)."""
        key = frozenset(case.circumstances)
        found = self._circumstance_grounds.get(key)
        if found is None:
            grounds = law.art32_grounds(case, self.catalog.manifest)
            heavier = law.art49_emergency(case)
            if heavier is not None:
                grounds.append(heavier)
            found = self._circumstance_grounds[key] = tuple(grounds)
        return found

    def _statutory(self, plan: ItemPlan, party: str, env: Env) -> list[SanctionOut]:
        """The statutory sanctions for the party, layer by layer as the clause writes them: the
        base, each escalation stage and 情节严重的 (shared when no amount reads a fact)."""
        key = ("statutory", party)
        if plan.value_free:
            cached = plan.memo.get(key)
            if cached is not None:
                return list(cached)  # type: ignore[call-overload]
        item = plan.item
        statutory = item.statutory
        layers: list[tuple[str, list[Sanction]]] = [("", statutory.sanctions)]
        layers += [(stage_words(stage.when), stage.sanctions) for stage in statutory.stages]
        if statutory.serious is not None:
            layers.append(("情节严重的", statutory.serious.sanctions))
        out = []
        for layer, (prefix, sanctions) in enumerate(layers):
            for number, sanction in enumerate(sanctions):
                if not falls_on(sanction, party):
                    continue
                if sanction.base or sanction.per:  # the amount reads a fact of the case
                    out.append(self._sanction_out(sanction, item, env, None, prefix=prefix))
                    continue
                found = plan.memo.get(("statutory", party, layer, number))
                if found is None:
                    found = plan.memo[("statutory", party, layer, number)] = \
                        self._sanction_out(sanction, item, env, None, prefix=prefix)
                out.append(found)  # type: ignore[arg-type]
        if plan.value_free:
            plan.memo[key] = tuple(out)
        return out

    def _not_penalized(self, draft: _Draft, citation: Citation, reason: str, rule: str,
                       mandatory: bool, follow_up: Iterable[str]) -> _Draft:
        draft.outcome = "not_penalized"
        draft.mandatory = mandatory
        draft.grounds.append(Ground(citation=citation, reason=reason))
        draft.follow(*follow_up)
        draft.step(rule, ("应当" if mandatory else "可以") + "不予行政处罚：" + reason, citation)
        draft.missing.clear()
        return draft

    def _clause_applies(self, case: CaseView, plan: ItemPlan, draft: _Draft) -> bool | None:
        """Whether the clause's sanctions apply to the case (``None``: only 情节严重 can still
        open it, decided with the facts)."""
        item = plan.item
        if not plan.sanctions[(str(case.party.kind), "base", False)]:
            who = "单位" if case.party.kind == "individual" else "个人"
            draft.outcome = "correction_only"
            draft.grounds.append(Ground(citation=item.penalty,
                                        reason=f"该条款仅对{who}规定了处罚，对本案当事人只责令改正"))
            draft.step("clause", f"条款的处罚对象是{who}：不予罚款，责令改正", item.penalty)
            return False
        when = item.statutory.applies_when
        if item.statutory.stages:
            self._stage(case, plan, draft)
        if when is AppliesWhen.always:
            return True
        if case.correction in _NEEDED[when.correction_part]:
            draft.step("clause", f"符合“{_gate_words(when)}”：当事人{_correction_label(case.correction)}",
                       item.penalty)
            return True
        if when.or_serious:  # 情节严重 alone opens it too: decided once the facts are matched
            return None
        if case.correction is None:
            self._ask_correction(plan, draft)
            return True
        self._correction_only(case, plan, draft)
        return False

    @staticmethod
    def _ask_correction(plan: ItemPlan, draft: _Draft) -> None:
        draft.need("correction", "改正情况", "enum")
        draft.outcomes.update({"correction_only", "penalized"})
        draft.step("clause", f"处罚以“{_gate_words(plan.item.statutory.applies_when)}”为条件，"
                             "须查明改正情况", plan.item.penalty)

    @staticmethod
    def _correction_only(case: CaseView, plan: ItemPlan, draft: _Draft) -> None:
        item = plan.item
        words = _gate_words(item.statutory.applies_when)
        assert case.correction is not None
        draft.outcome = "correction_only"
        draft.mandatory = None
        draft.grounds.append(Ground(citation=item.penalty,
                                    reason=f"罚款以“{words}”为条件，当事人{_correction_label(case.correction)}，"
                                           f"仅{CORRECTION_TEXT[item.statutory.correction]}"))
        draft.step("clause", f"未出现“{words}”情形：只责令改正，不予罚款", item.penalty)

    def _serious_opens(self, case: CaseView, plan: ItemPlan, values: Mapping[str, Tri], env: Env,
                       draft: _Draft, found_tier: int | None = None) -> bool:
        """…或者情节严重的，处…: the correction status did not open the clause; 情节严重 may (by
        the facts, or by the officer's finding of a 情节严重 tier)."""
        item = plan.item
        serious = values.get("serious", UNKNOWN)
        if found_tier is not None and item.tiers[found_tier].uses == "serious":
            serious = True
        if serious is True:
            draft.step("clause", f"情节严重：符合“{_gate_words(item.statutory.applies_when)}”",
                       item.penalty)
            return True
        if serious is UNKNOWN:
            self._need_names(item, "serious", env, draft)
            if case.correction is None:
                draft.need("correction", "改正情况", "enum")
            draft.outcomes.update({"correction_only", "penalized"})
            draft.step("clause", f"处罚以“{_gate_words(item.statutory.applies_when)}”为条件，"
                                 "须查明改正情况或者情节是否严重", item.penalty)
            return True
        if case.correction is None:
            self._ask_correction(plan, draft)
            return True
        self._correction_only(case, plan, draft)
        return False

    def _stage(self, case: CaseView, plan: ItemPlan, draft: _Draft) -> None:
        """The escalation stage of the clause the case reached (逾期未改正的 / 拒不改正的): it
        decides the sanctions, so an unknown correction status is asked for."""
        item = plan.item
        if case.correction is None:
            draft.need("correction", "改正情况", "enum")
            draft.outcomes.add("penalized")
            words = "、".join(f"“{stage_words(stage.when)}”" for stage in item.statutory.stages)
            draft.step("stage", f"条款对{words}规定了不同的处罚，须查明改正情况", item.penalty)
            return
        draft.stage = stage_for(item.statutory, case.correction.value)
        if draft.stage != "base":
            draft.step("stage", f"当事人{_correction_label(case.correction)}：适用条款中"
                                f"“{stage_words(draft.stage)}”的处罚", item.penalty)

    def _select_tier(self, plan: ItemPlan, values: Mapping[str, Tri], env: Env,
                     draft: _Draft) -> int | None:
        """First tier (in written order) whose circumstances hold; ``otherwise`` when none does."""
        item = plan.item
        serious: Tri = values.get("serious", False) if item.statutory.serious else False
        if serious is UNKNOWN:
            self._need_names(item, "serious", env, draft)
            serious = False
        uses = "serious" if serious is True else "base"
        draft.serious = serious is True
        if serious is True:
            draft.step("serious", "情节严重：适用情节严重的处罚幅度", item.penalty)
        conds = self.catalog.conditions[item.id].tiers
        possible: list[int] = []
        chosen: int | None = None
        otherwise: int | None = None
        prose = False  # a tier the officer finds from its described circumstances
        for index, tier in enumerate(item.tiers):
            if tier.uses != uses:
                continue
            cond = conds[index]
            if cond == OTHERWISE:
                otherwise = index
                continue
            if cond is None:
                possible.append(index)
                prose = True
                continue
            value: Tri = values[f"tier:{index}"]
            if value is True:
                possible.append(index)
                chosen = index
                break
            if value is UNKNOWN:
                possible.append(index)
                self._need_names(item, f"tier:{index}", env, draft)
        if chosen is None and otherwise is not None:
            possible.append(otherwise)
            chosen = otherwise
        if prose and len(possible) == 1:
            chosen = possible[0]  # the only tier there is: nothing for the officer to choose
        if len(possible) > 1:
            possible.sort()
            draft.tiers_possible = [item.tiers[i].level for i in possible]
            if prose:
                draft.need("tier", "裁量阶次", "enum")
                draft.step("tier", "裁量阶次由执法人员依违法情形认定（填写 tier）：" + "；".join(
                    f"{item.tiers[i].level}" + (f"（{item.tiers[i].description}）"
                                                if item.tiers[i].description else "")
                    for i in possible))
            else:
                draft.step("tier", "档次取决于未查明的事实：" + "、".join(draft.tiers_possible))
            self._possible_range(item, env, possible, draft)
            return None
        if chosen is None:
            draft.step("tier", "没有档次的情形成立：按法定幅度")
            return None
        key = ("tier", chosen)
        cached = plan.memo.get(key)
        if cached is None:
            tier = item.tiers[chosen]
            cached = plan.memo[key] = (
                TierOut(index=chosen, level=tier.level, description=tier.description),
                TraceStep(rule="tier", detail=f"违法程度：{tier.level}" +
                          (f"（{tier.description}）" if tier.description else "")))
        draft.tier, step = cached  # type: ignore[misc]
        draft.trace.append(step)  # type: ignore[has-type]
        return chosen

    def _officer_tier_step(self, plan: ItemPlan, index: int, values: Mapping[str, Tri],
                           draft: _Draft) -> int:
        """The tier the officer found (the case's ``tier``), in place of the tiers' conditions;
        a 情节严重 tier is the officer's finding of 情节严重. The facts may not contradict it."""
        item = plan.item
        tier = item.tiers[index]
        serious = tier.uses == "serious"
        if not serious and item.statutory.serious is not None and values.get("serious") is True:
            raise CaseError(Problem(
                f"{item.id}: the facts make the case 情节严重, but tier '{tier.level}' is a tier "
                "without 情节严重; 案件事实构成情节严重，所填裁量阶次不适用于情节严重的情形",
                path="tier", expected="one of: " + ", ".join(
                    t.level for t in item.tiers if t.uses == "serious"),
                hint="give a 情节严重 tier, or correct the facts"))
        draft.serious = serious
        if serious:
            draft.step("serious", "情节严重：执法人员认定的裁量阶次适用情节严重的处罚幅度", item.penalty)
        draft.tier = TierOut(index=index, level=tier.level, description=tier.description)
        draft.step("tier", f"违法程度：{tier.level}（执法人员认定" +
                   (f"：{tier.description}）" if tier.description else "）"))
        return index

    def _need_names(self, item: BenchmarkItem, rule: str, env: Env, draft: _Draft) -> None:
        expr = self._item_rules(item)[rule]
        for name in names_in(expr):
            if name.name not in env.values:
                draft.need(env.paths.get(name.name, name.name), env.labels.get(name.name, name.name),
                           env.types.get(name.name, "text"))

    def _possible_range(self, item: BenchmarkItem, env: Env, tiers: list[int], draft: _Draft) -> None:
        party = env.values["party_kind"]
        lows: list[Decimal] = []
        highs: list[Decimal] = []
        for index in tiers:
            tier = item.tiers[index]
            sanction = party_fine(item.statutory, str(party), tier.uses == "serious", draft.stage)
            tier_fine = tier_fine_for(tier, str(party))
            if sanction is None or tier_fine is None:
                continue
            result = to_yuan(sanction, self._tier_bounds(tier_fine, sanction), env.values)
            if result.range is not None:
                lows.append(result.range.low)
                highs.append(result.range.high)
        if lows:
            draft.range_possible = Range(min(lows), max(highs))

    def _art33_minor(self, case: CaseView, plan: ItemPlan, tier_index: int | None,
                     values: Mapping[str, Tri], draft: _Draft) -> bool:
        """Art. 33 ¶1. First sentence (shall): the violation is minor — the item's lightest tier —
        was corrected in time and caused no harm. Second sentence (may): first violation, minor
        harm, corrected in time, where the catalog's non-penalty list covers the item."""
        lightest = tier_index is not None and tier_index == plan.lightest
        if case.harm is _HARM_NONE and case.correction is _CORRECTION_STATUS_IN_TIME and lightest:
            self._not_penalized(draft, apl(33, 1),
                                "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚", "art33.1",
                                True, ("education",))
            return True
        for entry in plan.lists[_LIST_KIND_NON_PENALTY]:
            value = values.get(f"list:{entry.id}", False)
            if value is True:
                citation = entry.basis[0]
                reason = f"适用《不予处罚事项清单》{entry.id}：{entry.conditions_text or entry.title}"
                self._not_penalized(draft, citation, reason, f"list:{entry.id}", entry.mandatory,
                                    [f.value for f in entry.follow_up] or ["education"])
                if not entry.mandatory:  # the list's "may": penalising stays lawful
                    draft.options.append(OptionOut(
                        outcome="penalized", basis=plan.item.penalty,
                        reason="清单规定的是“可以不予处罚”，执法人员也可以依法给予处罚（按裁量基准）"))
                for extra in entry.basis[1:]:
                    draft.grounds.append(Ground(citation=extra, reason=reason))
                return True
            if value is UNKNOWN:
                draft.outcomes.add("not_penalized")
                draft.step(f"list:{entry.id}", "清单适用条件取决于未查明的事实")
        if case.first_offense and case.harm is _HARM_MINOR and \
                case.correction is _CORRECTION_STATUS_IN_TIME:
            draft.step("art33.1", "初次违法且危害后果轻微并及时改正，依法可以不予行政处罚；"
                                  "但本事项未列入不予处罚清单，按裁量基准处理", apl(33, 1))
            draft.options.append(_ART33_MAY_OPTION)
        return False

    def _list_grounds(self, plan: ItemPlan, values: Mapping[str, Tri],
                      draft: _Draft) -> list[law.Ground]:
        grounds: list[law.Ground] = []
        for kind, effect in ((_LIST_KIND_MITIGATION, "mitigated"), (_LIST_KIND_LIGHTER, "lighter")):
            for entry in plan.lists[kind]:
                if values.get(f"list:{entry.id}") is True:
                    ground = plan.memo.get(("list ground", entry.id))
                    if ground is None:
                        ground = plan.memo[("list ground", entry.id)] = law.Ground(
                            effect, entry.mandatory, entry.basis[0],
                            f"适用《{LIST_LABELS[kind]}事项清单》{entry.id}："
                            f"{entry.conditions_text or entry.title}")
                    grounds.append(ground)  # type: ignore[arg-type]
        for entry in plan.lists[_LIST_KIND_NO_COERCION]:
            if values.get(f"list:{entry.id}") is True:
                draft.follow("no_coercion")
                draft.step(f"list:{entry.id}", f"适用《免予行政强制事项清单》{entry.id}", entry.basis[0])
        return grounds

    # --- penalty -------------------------------------------------------------------------

    def _penalize(self, case: CaseView, plan: ItemPlan, env: Env, tier_index: int | None,
                  grounds: list[law.Ground], draft: _Draft) -> None:
        direction = self._compose(grounds, draft) if grounds else None
        income = env.values.get("illegal_income")
        if not plan.value_free or (isinstance(income, Decimal) and income > 0):
            self._penalty(case, plan, env, tier_index, direction, draft)
            return
        # No amount reads a fact: the penalty depends only on these, and is kept in the plan.
        party = str(case.party.kind)
        review = _art58_codes(case)
        key = ("penalty", party, draft.stage, draft.serious, tier_index, direction,
               bool(draft.tiers_possible), bool(draft.missing), review)
        cached = plan.memo.get(key)
        if cached is None:
            grounds_before, trace_before = len(draft.grounds), len(draft.trace)
            self._penalty(case, plan, env, tier_index, direction, draft)
            cached = plan.memo[key] = (
                tuple(draft.recommended), draft.max_fine, draft.outcome, draft.mandatory,
                draft.procedure, tuple(draft.grounds[grounds_before:]),
                tuple(draft.trace[trace_before:]))
            return
        recommended, draft.max_fine, draft.outcome, draft.mandatory, draft.procedure, \
            added_grounds, added_steps = cached  # type: ignore[misc]
        draft.recommended = list(recommended)  # type: ignore[has-type]
        draft.grounds.extend(added_grounds)  # type: ignore[has-type]
        draft.trace.extend(added_steps)  # type: ignore[has-type]

    def _compose(self, grounds: list[law.Ground], draft: _Draft) -> str | None:
        """:func:`_direction` of ``grounds``, its adjustments and trace steps added to
        ``draft``; kept by the grounds' identities (they are shared, long-lived objects)."""
        key = tuple(map(id, grounds))
        found = self._directions.get(key)
        if found is None or any(a is not b for a, b in zip(found[0], grounds, strict=True)):
            scratch = _Draft()
            direction = _direction(grounds, scratch)
            if len(self._directions) >= PROCEDURE_CACHE_SIZE:
                self._directions.clear()
            found = self._directions[key] = (tuple(grounds), tuple(scratch.adjustments),
                                             tuple(scratch.trace), direction, scratch.conflict,
                                             tuple(scratch.options))
        draft.adjustments.extend(found[1])
        draft.trace.extend(found[2])
        draft.conflict = found[4]
        draft.options.extend(found[5])
        return found[3]

    def _penalty(self, case: CaseView, plan: ItemPlan, env: Env, tier_index: int | None,
                 direction: str | None, draft: _Draft) -> None:
        """The recommended sanctions of the tier moved by ``direction``, Art. 28 and the
        procedure flags (Arts. 51, 58, 63)."""
        item = plan.item
        party = str(case.party.kind)
        tier = item.tiers[tier_index] if tier_index is not None else None
        # 情节严重 decides the clause's sanctions whether or not a tier describes it
        serious = draft.serious
        stage = draft.stage
        sanctions = plan.sanctions[(party, stage, serious)]
        recommended: list[SanctionOut] = []
        kinds: set[SanctionKind] = set()
        for number, sanction in enumerate(sanctions):
            if sanction.kind is _SANCTION_KIND_FINE:
                out = self._recommend_fine(plan, (party, stage, serious, number, tier_index),
                                           sanction, tier, env, direction, draft)
                if out is not None:
                    recommended.append(out)
                    kinds.add(sanction.kind)
            elif sanction.kind is _SANCTION_KIND_CONFISCATE_INCOME:
                continue  # Art. 28 below
            elif tier is None or sanction.kind in tier.sanctions or sanction.mode is _MODE_SHALL:
                key: tuple[object, ...] = ("sanction", party, stage, serious, number)
                out = plan.memo.get(key)  # type: ignore[assignment]
                if out is None:
                    out = plan.memo[key] = self._sanction_out(sanction, item, env, None)
                recommended.append(out)
                kinds.add(sanction.kind)
        income = env.values.get("illegal_income")
        if isinstance(income, Decimal) and income > 0:
            recommended.append(SanctionOut(kind=_SANCTION_KIND_CONFISCATE_INCOME.value,
                                           label=SANCTION_LABELS[_SANCTION_KIND_CONFISCATE_INCOME],
                                           basis=f"没收违法所得{fmt_yuan(income)}（《行政处罚法》第二十八条第二款）"))
            kinds.add(_SANCTION_KIND_CONFISCATE_INCOME)
            draft.step("art28", f"有违法所得{fmt_yuan(income)}，予以没收", apl(28, 2))
        draft.recommended = recommended
        if draft.missing:
            return
        if not recommended:
            # e.g. fines only 造成严重后果的 and no illegal income: nothing to impose but the order
            draft.outcome = "correction_only"
            draft.grounds.append(Ground(citation=item.penalty,
                                        reason="本案情形下该条款没有应当给予的行政处罚，依法责令改正"))
            draft.step("penalty", "本案情形下没有应当给予的行政处罚：只责令改正", item.penalty)
            return
        draft.outcome = "penalized"
        draft.mandatory = None
        basis = plan.memo.get(("basis",))
        if basis is None:
            basis = plan.memo[("basis",)] = Ground(citation=item.penalty, reason=f"处罚依据：{item.clause}")
        draft.grounds.append(basis)  # type: ignore[arg-type]
        income = income if isinstance(income, Decimal) else None
        review = _art58_codes(case)
        key = ("procedure", frozenset(kinds), draft.max_fine, party, income, review)
        procedure = self._procedures.get(key)
        if procedure is None:
            flags = law.procedure_flags(kinds, draft.max_fine, party, self.catalog.manifest, income,
                                        review)
            procedure = (Procedure(summary_allowed=flags.summary_allowed, hearing_right=flags.hearing_right,
                                   legal_review=flags.legal_review,
                                   legal_review_if=list(flags.legal_review_if)),
                         tuple(TraceStep(rule="procedure", detail=reason) for reason in flags.reasons))
            if len(self._procedures) >= PROCEDURE_CACHE_SIZE:
                self._procedures.clear()
            self._procedures[key] = procedure
        draft.procedure = procedure[0]
        draft.trace.extend(procedure[1])

    def _recommend_fine(self, plan: ItemPlan, where: tuple[object, ...], sanction: Sanction,
                        tier: Any, env: Env, direction: str | None,
                        draft: _Draft) -> SanctionOut | None:
        """The recommended fine: the tier's band moved by ``direction``, in yuan. The band
        reads only the catalog; it and, when the amount reads no fact, the whole result are
        kept in the plan."""
        key = ("fine", *where, direction)
        cached = plan.memo.get(key)
        if cached is None:
            bounds = self._fine_bounds(sanction, tier, env, direction)
            cached = (bounds, None)
            if not (sanction.base or sanction.per):
                result = to_yuan(sanction, bounds, env.values, env.labels, plan.units)
                assert result.range is not None
                cached = (bounds, (result.range.high, *_fine_out(sanction, result)))
            plan.memo[key] = cached
        fixed: tuple[Decimal, SanctionOut, TraceStep] | None
        bounds, fixed = cached  # type: ignore[misc]  # the memo's value under this key
        own = sanction.on is _PAYER_PARTY  # the party's own fine sets the procedure (Arts. 51, 63)
        if fixed is not None:
            if own:
                draft.max_fine = fixed[0]
            if draft.tiers_possible:
                return None
            draft.trace.append(fixed[2])
            return fixed[1]
        result = to_yuan(sanction, bounds, env.values, env.labels, plan.units)
        if result.range is None:
            assert result.missing is not None
            draft.need(env.paths.get(result.missing, f"facts.{result.missing}"),
                       env.labels.get(result.missing, result.missing),
                       env.types.get(result.missing, "money"))
            draft.step("fine", f"罚款以{env.labels.get(result.missing, result.missing)}计算，须查明")
            return None
        if own:
            draft.max_fine = result.range.high
        if draft.tiers_possible:
            return None
        out, step = _fine_out(sanction, result)
        draft.trace.append(step)
        return out

    def _fine_bounds(self, sanction: Sanction, tier: Any, env: Env, direction: str | None) -> Range:
        """The recommended bounds of a fine in its own unit (catalog and policy only)."""
        policy = self.catalog.manifest.policy
        whole = self._band(sanction, None)
        bounds = whole
        if tier is not None:
            tier_fine = tier_fine_for(tier, env.values["party_kind"])  # type: ignore[arg-type]
            if tier_fine is not None:
                bounds = self._tier_bounds(tier_fine, sanction)
        if direction == "lighter":
            lower = self._band(sanction, _BAND_LIGHTER)
            bounds = Range(min(bounds.low, lower.low), min(bounds.high, lower.high)) \
                if bounds.low <= lower.high else lower
        elif direction == "heavier":
            upper = self._band(sanction, _BAND_HEAVIER)
            bounds = Range(max(bounds.low, upper.low), max(bounds.high, upper.high))
        elif direction == "mitigated":
            if whole.low > 0:
                bounds = Range((whole.low * policy.mitigation_floor).quantize(Decimal("0.01")),
                               whole.low)
            else:
                bounds = self._band(sanction, _BAND_LIGHTER)
        return whole.clamp(bounds) if direction != "mitigated" else bounds

    def _tier_bounds(self, fine: TierFine, sanction: Sanction) -> Range:
        """:func:`tier_bounds`, its policy band kept (:meth:`_band`)."""
        if fine.band is not None:
            return self._band(sanction, fine.band)
        return tier_bounds(fine, sanction, self.catalog.manifest.policy)

    def _band(self, sanction: Sanction, band: Band | None) -> Range:
        """A policy band of a statutory fine (``None``: its whole statutory range), kept by the
        sanction's identity: the tiers and adjustments of an item share the three bands."""
        key = (id(sanction), band)
        found = self._bands.get(key)
        if found is None or found[0] is not sanction:
            bounds = statutory_bounds(sanction) if band is None else \
                policy_band(sanction, band, self.catalog.manifest.policy)
            found = self._bands[key] = (sanction, bounds)
        return found[1]

    def _sanction_out(self, sanction: Sanction, item: BenchmarkItem, env: Env, bounds: Range | None,
                      prefix: str = "") -> SanctionOut:
        """A statutory sanction for the decision; ``prefix`` names the layer of the clause it
        belongs to (逾期未改正的 / 拒不改正的 / 情节严重的)."""
        fine = None
        basis = None
        if sanction.kind is _SANCTION_KIND_FINE:
            result = to_yuan(sanction, bounds or self._band(sanction, None), env.values, env.labels,
                             self._plan(item).units)
            if result.range is not None:
                fine = Money(**result.range.as_dict())
                basis = result.basis
            else:
                whole = self._band(sanction, None)
                name = result.missing or ""
                label = env.labels.get(name, name)
                if sanction.base:
                    basis = f"{label}的{multiples_words(whole.low, whole.high)}"
                else:
                    unit = self._plan(item).units.get(name) or "个"
                    basis = f"按{label}每{unit}{fmt_yuan(whole.low)}至{fmt_yuan(whole.high)}"
        if prefix:
            basis = (prefix + "：" + basis) if basis else prefix
        return SanctionOut(kind=sanction.kind.value, label=sanction.shown_label,
                           mode=sanction.mode.value, party=sanction.party.value, fine=fine,
                           basis=basis, on=payer_of(sanction), source=sanction.source)

    # --- several items (Art. 29) ---------------------------------------------------------

    def _decide_several(self, case: CaseView, items: list[BenchmarkItem], envs: list[Env],
                        choices: list[VersionChoice | None]) -> Decision:
        drafts = [self._decide(case, self._plan(item), env, choice)
                  for item, env, choice in zip(items, envs, choices, strict=True)]
        party = case.party.kind.value

        def top(item: BenchmarkItem) -> Decimal:
            fine = party_fine(item.statutory, party, False)
            return fine.max if fine is not None and fine.max is not None and not (fine.base or fine.per) \
                else Decimal(0)

        ranked = sorted(range(len(items)), key=lambda i: (
            fine if (fine := drafts[i].max_fine) is not None else top(items[i])), reverse=True)
        chosen = ranked[0]
        draft = drafts[chosen]
        others = [items[i].id for i in ranked[1:]]
        draft.grounds.append(Ground(citation=apl(29),
                                    reason="同一个违法行为违反多个法律规范应当给予罚款处罚的，按照罚款数额高的规定处罚；"
                                           "一并考虑：" + "、".join(others)))
        draft.step("art29", f"一个违法行为违反{len(items)}个规定，适用罚款数额高的{items[chosen].id}，"
                            f"不再就{'、'.join(others)}另行罚款", apl(29))
        if draft.outcome == "penalized":
            self._keep_other_sanctions(case, [(items[i], drafts[i]) for i in ranked[1:]], draft)
        return self._finish(case, self._plan(items[chosen]), draft)

    def _keep_other_sanctions(self, case: CaseView, others: list[tuple[BenchmarkItem, _Draft]],
                              draft: _Draft) -> None:
        """Art. 29 chooses between the provisions' *fines* only: the other sanctions the other
        provisions give (吊销, 责令停产停业, 没收非法财物…) are kept, each with its provision."""
        added: list[SanctionOut] = []
        for item, other in others:
            if other.outcome != "penalized" or other.missing:
                continue
            for out in other.recommended:
                if out.kind in ("fine", "confiscate_income") or any(
                        (r.kind, r.label, r.on) == (out.kind, out.label, out.on)
                        for r in [*draft.recommended, *added]):
                    continue
                added.append(SanctionOut(kind=out.kind, label=out.label, mode=out.mode,
                                         party=out.party, basis=f"依据{item.penalty.human()}",
                                         on=out.on))
                draft.step("art29", f"第二十九条只就罚款择一：{item.id}规定的{out.label}一并适用",
                           item.penalty)
        if not added:
            return
        draft.recommended.extend(added)
        kinds = {SanctionKind(r.kind) for r in draft.recommended}
        codes = _art58_codes(case)
        flags = law.procedure_flags(kinds, draft.max_fine, case.party.kind.value,
                                    self.catalog.manifest, None, codes)
        draft.procedure = Procedure(summary_allowed=flags.summary_allowed,
                                    hearing_right=flags.hearing_right,
                                    legal_review=flags.legal_review,
                                    legal_review_if=list(flags.legal_review_if))

    # --- output --------------------------------------------------------------------------

    def _finish(self, case: CaseView, plan: ItemPlan, draft: _Draft) -> Decision:
        needs = None
        outcome = draft.outcome
        if draft.missing:
            outcome = None
            needs = NeedsFacts(facts=draft.missing, outcomes=sorted(draft.outcomes or {"penalized"}),
                               tiers=draft.tiers_possible,
                               range=Money(**draft.range_possible.as_dict()) if draft.range_possible else None)
        item = plan.item
        follow: list[FollowUpOut] = []
        for code in draft.follow_up:
            # the memo holds a FollowUpOut under this key
            out: FollowUpOut | None = plan.memo.get(("follow", code))  # type: ignore[assignment]
            if out is None:
                out = plan.memo[("follow", code)] = FollowUpOut(code=code, text=_follow_text(code, item))
            follow.append(out)
        return Decision(outcome=outcome, mandatory=draft.mandatory if outcome == "not_penalized" else None,
                        grounds=draft.grounds, item=item.id, tier=draft.tier,
                        statutory=draft.statutory,
                        recommended=draft.recommended if outcome == "penalized" else [],
                        adjustments=draft.adjustments, follow_up=follow, procedure=draft.procedure,
                        needs_facts=needs, trace=draft.trace, catalog=self._ref,
                        reference=case.reference, conflict=draft.conflict,
                        options=draft.options)


def _weight_words(weight: tuple[int, Decimal, int]) -> str:
    penalised, top, heaviest = weight
    if not penalised:
        return "不予处罚或者只责令改正"
    parts = [f"罚款最高{fmt_yuan(top)}"] if top else []
    if heaviest >= 0:
        parts.append(SANCTION_LABELS[SANCTION_SEVERITY[heaviest]])
    return "处" + "、".join(parts) if parts else "只有可以选择的处罚"


def payer_of(sanction: Sanction) -> Literal["responsible", "principal"] | None:
    """Whom the sanction falls on, for the decision: ``None`` for the party itself."""
    on = sanction.on
    return None if on is _PAYER_PARTY else on.value  # type: ignore[return-value]


def _fine_out(sanction: Sanction, result: YuanResult) -> tuple[SanctionOut, TraceStep]:
    """The recommended fine in yuan and its trace step."""
    assert result.range is not None
    mode = "可以处" if sanction.mode is _MODE_MAY else "处"
    out = SanctionOut(kind="fine", label=sanction.shown_label, mode=sanction.mode.value,
                      party=sanction.party.value, fine=Money(**result.range.as_dict()),
                      basis=result.basis, on=payer_of(sanction), source=sanction.source)
    whom = "" if sanction.on is _PAYER_PARTY else "对" + PAYER_LABELS[sanction.on]
    step = TraceStep(rule="fine", detail=f"建议{whom}{mode}罚款{result.range.human()}" +
                     (f"（{result.basis}）" if result.basis else ""))
    return out, step


def _follow_text(code: str, item: BenchmarkItem) -> str:
    if code == "correction_order" and item.statutory.correction is not _CORRECTION_NONE:
        return f"{CORRECTION_TEXT[item.statutory.correction]}（《行政处罚法》第二十八条第一款）"
    return FOLLOW_UP_TEXT.get(code, code)


def _direction(grounds: list[law.Ground], draft: _Draft) -> str | None:
    """How lighter, mitigated and heavier grounds compose (docs/legal-model.md, "Opposite
    grounds"): a mitigation ground applies alone; grounds in one direction apply; grounds in
    both directions: a "may" (可以) ground never cancels a "shall" (应当) one, so where only
    one side has a shall ground, that side applies; where both sides are may, or both have a
    shall ground, they offset and the tier's own band stands — and where both are shall, the
    decision names the conflict for the officer to weigh and reason (it is never silent).
    Each ground is listed as an adjustment either way."""
    down = [g for g in grounds if g.kind in ("lighter", "lighter_or_mitigated", "mitigated")]
    up = [g for g in grounds if g.kind == "heavier"]
    for ground in grounds:
        kind: Literal["lighter", "mitigated", "heavier"] = \
            "heavier" if ground.kind == "heavier" else \
            ("mitigated" if ground.kind == "mitigated" else "lighter")
        draft.adjustments.append(Adjustment(kind=kind, mandatory=ground.mandatory, basis=ground.citation,
                                            reason=ground.reason))
        draft.step("adjust", f"{'应当' if ground.mandatory else '可以'}"
                             f"{ {'heavier': '从重', 'mitigated': '减轻', 'lighter': '从轻'}[kind]}：{ground.reason}",
                   ground.citation)
    if down and up:
        shall_down = any(g.mandatory for g in down)
        shall_up = any(g.mandatory for g in up)
        if shall_down and shall_up:
            draft.conflict = ("应当从轻（减轻）与应当从重的情节并存：" + _cited(down) + "与" + _cited(up) +
                              "均为法定“应当”，法律未规定优先顺序，本基准不以其一抵销另一，暂按所在档次裁量；"
                              "执法人员应当综合考量两类情节，在处罚决定中说明理由")
            draft.step("conflict", draft.conflict)
            return None
        if shall_down != shall_up:
            side = down if shall_down else up
            words = "从轻（减轻）" if shall_down else "从重"
            draft.step("adjust", f"应当{words}的情节（{_cited([g for g in side if g.mandatory])}）"
                                 "不因相反方向的“可以”情节而抵销")
            if shall_up:
                return "heavier"
            if any(g.kind == "mitigated" for g in down):
                return "mitigated"  # a shall ground among them: no "unadjusted" option
            _mitigation_options(down, draft)
            return "lighter"
        draft.step("adjust", "可以从轻（减轻）与可以从重情节并存，相互抵销，按所在档次裁量")
        return None
    if any(g.kind == "mitigated" for g in down):
        _mitigation_options(down, draft, mitigated=True)
        return "mitigated"
    if down:
        _mitigation_options(down, draft)
        return "lighter"
    if up:
        return "heavier"
    return None


def _mitigation_options(down: list[law.Ground], draft: _Draft, mitigated: bool = False) -> None:
    """The law's other choices where grounds lighten: 从轻或者减轻 recommends 从轻, and 减轻 is
    the other; where every ground is a "may", not lightening stays lawful too."""
    if not any(g.mandatory for g in down):
        draft.options.append(OptionOut(
            outcome="unadjusted", basis=down[0].citation,
            reason="从轻（减轻）的情节都是“可以”：也可以不从轻、减轻，按所在档次裁量"))
    if mitigated:
        return
    for ground in down:
        if ground.kind == "lighter_or_mitigated":
            draft.options.append(OptionOut(
                outcome="mitigated", basis=ground.citation,
                reason=f"{'应当' if ground.mandatory else '可以'}从轻或者减轻：也可以减轻处罚"
                       "（在法定最低额以下裁量）"))


def _cited(grounds: list[law.Ground]) -> str:
    """The grounds' provisions in words (《行政处罚法》第三十条、第四十九条)."""
    return "、".join(dict.fromkeys(g.citation.human() for g in grounds))


def _correction_label(status: CorrectionStatus) -> str:
    return {_CORRECTION_STATUS_IN_TIME: "已按期改正", _CORRECTION_STATUS_PENDING: "改正期限未届满",
            _CORRECTION_STATUS_OVERDUE: "逾期未改正", _CORRECTION_STATUS_REFUSED: "拒不改正"}[status]


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
