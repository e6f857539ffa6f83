"""Penalty clauses (罚则) in Chinese statute text -> the catalog's :class:`Statutory` model.

:func:`parse_clause` reads one penalty paragraph such as::

    违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，对单位处五百元以上三千元以下罚款，
    对个人处二百元以上一千元以下罚款。

and returns a :class:`ClauseParse`: the typed sanctions (APL Art. 9), the correction order, the
condition the sanctions apply under (逾期不改正的 / 拒不改正的), the 情节严重 range, and a list of
every fragment that was *not* understood, with the reason. Nothing is guessed: an amount, a
base of a multiple or a condition that the grammar below does not know makes the clause
"not parsed" (``ClauseParse.ok`` is False), with the fragment named.

The grammar (sentences split at ``；``/``。``, fragments at ``，``):

* the fragments before the first action (责令…/处…/没收…) describe the violation
  (``违反本条第一款规定设置户外设施，影响市容的``);
* a later ``违反…规定的`` / ``对违反…规定的行为`` fragment opens a new *scope*: a part of the clause
  for some of the violated provisions only (``违反前款第一项或者第二项规定的，可以处…；违反前款第三项
  或者第四项规定的，处…``). Each scope with sanctions is a :class:`Variant`;
* ``对单位…`` / ``对个人…`` scope a sanction to a party kind; ``对其直接负责的主管人员和其他直接责任
  人员处…`` gives a sanction ``on: responsible`` and ``对（企业）主要负责人处…`` (or a clause whose actor
  is ``…的主要负责人``) a fine ``on: principal``, in the same variant; another subject
  (``对户外广告设施的设置者``) makes a separate variant per subject;
* sentence conditions: ``逾期不改正的`` (overdue), ``拒不改正的`` (refused): after sanctions that apply
  at once they open an escalation ``stage`` (``effect: adds``), otherwise they say when the clause
  applies (``applies_when``); a sentence naming only the persons of the unit (``；对其直接负责的…``)
  continues the condition before it; ``拒不改正或者情节严重的`` is both a stage and the serious range;
  ``情节严重的`` / ``造成严重后果的`` (the serious range: ``adds``, or ``replaces`` when the base is
  the alternative ``处警告或者…罚款``); ``有违法所得的`` scopes the next sanction; ``没有违法所得的，处…``
  is the fallback range of the multiple fine before it, ``…或者违法所得不足X元的`` adds
  ``threshold: X``, ``违法所得不足X元的，按X元计算`` is the fallback of the multiples times X, and
  ``违法所得X元以上的，并处违法所得N倍…`` makes the fixed range before it the fallback below X;
  ``但最高不得超过X元`` is the ``cap`` of the fine before it;
* labels: the statute's own words where they differ from the kind's (``责令停业整顿1个月至6个月``,
  ``没收犬只``, ``吊销营业执照``, ``予以通报``); a label of long or compound wording is given but not in
  ``ClauseParse.sure_labels``; ``A，直至B`` imposes A and makes B ``may``; ``A，或者B`` makes both
  ``may``;
* fines: ``X元以上Y元以下罚款``, ``Y元以下罚款`` (max only), ``X元罚款`` (fixed), ``X元至Y元``;
  ``违法所得/货值金额N倍以上M倍以下罚款`` (base); ``每平方米/每立方米/每辆/每日…`` (per unit);
  ``可以处`` / ``可处`` / ``并可处`` → may, otherwise shall; ``可以对个人并处…，对单位并处…`` → both may;
  ``每超养一只`` → per unit over a limit; ``处警告或者…罚款`` → warning and fine, each may;
* ``个人有…的，处…；单位有…的，处…`` → party ranges; ``有前款第一项、第二项行为之一的`` → a scope;
  ``乘车人向车外抛撒物品的`` (the preamble's act by another actor) and ``其中，从事…服务的单位和个人…的``
  (a group of the violators) → a range with that ``subject``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from discretion.catalog.models import (
    AppliesWhen,
    Correction,
    Effect,
    FineRange,
    Mode,
    PartyScope,
    Payer,
    Sanction,
    SanctionKind,
    SeriousRange,
    Stage,
    Statutory,
)
from discretion.numerals import parse_amount
from discretion.statutes.clause_grammar import (
    ABOVE,
    ACTION,
    ACTOR_PARTIES,
    ACTOR_PARTY,
    AMT,
    BARE_SUBJECT,
    BASE_FACTS,
    CAP,
    CONFISCATE,
    CONSEQUENCE,
    COUNT_AS,
    DOCUMENT,
    FALLBACK,
    FINE_WORD,
    FIXED_MULT,
    FIXED_YUAN,
    HAS_INCOME,
    HAS_ITEMS,
    ITEM_REF,
    KIND_AFTER,
    KIND_PATTERNS,
    MAX_MULT,
    MAX_YUAN,
    MAY_BEFORE_PARTY,
    OVERDUE,
    PER,
    PER_UNIT_FACTS,
    PERSON_ROLE,
    PERSONS_FIRST,
    PRINCIPAL,
    PRINCIPAL_ACTOR,
    RANGE_MULT,
    RANGE_YUAN,
    REFERENCE,
    REFUSED,
    RESPONSIBLE,
    SANCTION_WORDS,
    SCOPE,
    SERIOUS,
    STAGE_OR_SERIOUS,
    STOP_WORK,
    SUBJECT,
    WARNING_OR_FINE,
    ClauseParse,
    Found,
    Scope,
    Unparsed,
    Variant,
    correction_of,
    fragments_of,
    is_action,
    labels_of,
    mode_of,
    multiple_of,
    other_actor,
    party_of,
    split_sentences,
)

__all__ = [
    "BASE_FACTS",
    "PER_UNIT_FACTS",
    "ClauseParse",
    "Unparsed",
    "Variant",
    "parse_clause",
    "split_sentences",
]




class _ClauseParser:
    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.result = ClauseParse(self.text)
        self.found: list[Found] = []
        self.scopes: list[Scope] = [Scope(None)]
        self.substitute = False
        self.pending_object: str | None = None

    def problem(self, fragment: str, reason: str) -> None:
        self.result.unparsed.append(Unparsed(fragment, reason))

    def run(self) -> ClauseParse:
        sentences = split_sentences(self.text)
        started = False
        # 个人有…的，处…；单位有…的，处…: party ranges by the actor the clause names. When only the
        # violation names its actor (个人有前款…行为之一的，处…) the clause is for that actor and its
        # ranges stay `any`.
        preamble_party: PartyScope | None = None
        actor_split = False
        preamble: list[str] = []
        last_condition, last_serious = "always", False
        # 生产经营单位的主要负责人未履行…的，…处…罚款: the clause's fines fall on the principal
        preamble_payer = Payer.party
        for sentence in sentences:
            condition = "always"
            serious = False
            income_next = False
            fallback_next: tuple[str, str, Decimal | None] | None = None
            party = PartyScope.any
            subject: str | None = None
            payer = preamble_payer
            also_serious = False
            may_next = False
            above_next: tuple[str, str, Decimal] | None = None
            sentence_start = len(self.found)
            # 拒不改正的，处…罚款；对其直接负责的主管人员…处…: a sentence that only names the persons
            # of the organisation continues the condition of the one before
            first = fragments_of(sentence)[0] if sentence else ""
            if started and self.subject_of(first)[2] is not Payer.party:
                condition, serious = last_condition, last_serious
            # 可以对个人并处…，对单位并处…: the modal before the first 对 governs the parallel 对 phrases
            shared_may = False
            among = False  # 其中，从事婚庆…服务的单位和个人…的，处…: a range for some of the violators
            for fragment in fragments_of(sentence):
                if not started:
                    if is_action(fragment):
                        started = True
                    else:
                        preamble.append(fragment)
                        if len(preamble) == 1 and PRINCIPAL_ACTOR.match(fragment):
                            preamble_payer = payer = Payer.principal
                        if (actor := ACTOR_PARTY.match(fragment)) is not None:
                            party = ACTOR_PARTIES[actor.group("who")]
                            preamble_party = party
                        continue
                if fragment == "其中":
                    among = True
                    continue
                scope = SCOPE.match(fragment)
                if scope is not None:
                    self.scopes.append(Scope(scope.group("ref")))
                    party, subject, payer = PartyScope.any, None, Payer.party
                    continue
                if fallback_next is not None and (counted := COUNT_AS.match(fragment)) is not None:
                    self.count_as(fragment, fallback_next, counted.group("amount"))
                    fallback_next = None
                    continue
                bare = BARE_SUBJECT.match(fragment)
                if bare is not None and not ACTION.search(fragment) and not fragment.endswith("的"):
                    named = bare.group("subject")
                    if DOCUMENT.search(named):
                        # 对原取得的营业性演出许可证、批准文件，予以吊销: the object of the next one
                        self.pending_object = named
                    else:
                        # 对广告经营者、广告发布者，由…没收广告费用，处…: the subject of the rest
                        party, subject, payer = self.subject_of(f"对{named}处")  # type: ignore[assignment]
                    continue
                if (cap := CAP.match(fragment)) is not None:
                    self.cap(fragment, cap.group("cap"), self.found[sentence_start:])
                    continue
                if fragment.endswith("的") and not SANCTION_WORDS.search(fragment):
                    shared_may = False
                    among, was_among = False, among
                    if (both := STAGE_OR_SERIOUS.match(fragment)) is not None:
                        condition = "refused" if both.group("stage").startswith("拒不") else "overdue"
                        also_serious = True
                    elif OVERDUE.match(fragment):
                        condition = "overdue"
                    elif REFUSED.match(fragment):
                        condition = "refused"
                    elif SERIOUS.match(fragment):
                        serious = True
                    elif HAS_INCOME.match(fragment):
                        income_next = True
                    elif (actor := ACTOR_PARTY.match(fragment)) is not None:
                        party, subject = ACTOR_PARTIES[actor.group("who")], None
                        actor_split = True
                    elif (items := HAS_ITEMS.match(fragment)) is not None:
                        self.scopes.append(Scope(items.group("ref")))
                        party, subject = PartyScope.any, None
                    elif (actor_name := other_actor(fragment, preamble)) is not None:
                        self.scopes.append(Scope(None, same_act=True))
                        party, subject = PartyScope.any, actor_name
                    elif was_among and not CONSEQUENCE.search(fragment):
                        self.scopes.append(Scope(None, same_act=True))
                        party, subject = PartyScope.any, fragment.removesuffix("的")
                    elif (above := ABOVE.match(fragment)) is not None:
                        try:
                            above_next = (fragment, BASE_FACTS[above.group("base")],
                                          parse_amount(above.group("t")))
                        except ValueError as exc:
                            self.problem(fragment, f"threshold not understood ({exc})")
                    elif (fb := FALLBACK.match(fragment)) is not None:
                        threshold = fb.group("t1") or fb.group("t2")
                        try:
                            amount = parse_amount(threshold) if threshold else None
                        except ValueError as exc:
                            self.problem(fragment, f"threshold not understood ({exc})")
                            continue
                        fallback_next = (fragment, BASE_FACTS[fb.group("b1") or fb.group("b2")],
                                         amount)
                    else:
                        condition = f"unknown:{fragment}"
                    continue
                new_party, new_subject, new_payer = self.subject_of(fragment)
                if new_party is not None:
                    party, subject, payer = new_party, new_subject, new_payer
                may = (shared_may and fragment.startswith("对")) or may_next
                shared_may = may or MAY_BEFORE_PARTY.match(fragment) is not None
                before = len(self.found)
                recorded = self.action(fragment, condition, serious, income_next, fallback_next,
                                       party, subject, payer, may=may,
                                       from_preamble=preamble_party is not None and new_party is None)
                if above_next is not None:
                    self.above(above_next, self.found[before:])
                    above_next = None
                # 并可以报经有批准权的人民政府批准，责令停业: the 可以 of a step before the sanction
                may_next = not recorded and mode_of(fragment) is Mode.may
                if also_serious:
                    twins = len(self.found)
                    self.action(fragment, "always", True, income_next, fallback_next,
                                party, subject, payer, may=may,
                                from_preamble=preamble_party is not None and new_party is None)
                    for twin in self.found[twins:]:
                        twin.twin = True
                income_next = False
                fallback_next = None
            last_condition, last_serious = condition, serious
        if preamble_party is not None and not actor_split:
            for found in self.found:
                if found.party is preamble_party and found.from_preamble:
                    found.party = PartyScope.any
        self.result.preamble = "，".join(preamble)
        ref = re.search(rf"违反(?P<ref>{REFERENCE})", self.result.preamble) \
            or re.search(rf"^有(?P<ref>{ITEM_REF})(?:规定的)?行为之一的$", self.result.preamble)
        self.result.reference = ref.group("ref") if ref else None
        self.scopes[0].reference = self.result.reference
        if not started:
            self.problem(self.text, "no sanction or correction order found")
        self.assemble()
        return self.result

    # --- fragments ----------------------------------------------------------------------

    def subject_of(self, fragment: str) -> tuple[PartyScope | None, str | None, Payer]:
        """(party kind, other subject, payer) of a ``对…`` fragment; (None, None, party) without."""
        if PERSONS_FIRST.match(fragment):
            return PartyScope.any, None, Payer.responsible
        match = SUBJECT.match(fragment)
        if match is None or "予以没收" in fragment:
            return None, None, Payer.party
        subject = match.group("subject")
        persons = re.sub(r"(?:其|单位)?直接负责的主管人员(?:和|、|以及|及)?(?:其他)?直接责任人员", "@", subject)
        parts = [part for part in re.split(r"、|和|或者|以及|及", persons) if part]
        if len(parts) > 1 and all(PERSON_ROLE.match(part) for part in parts) \
                and any(part == "@" or part.endswith("责任人员") for part in parts):
            # 对法定代表人、主要负责人、直接负责的主管人员和其他责任人员处…: the persons responsible
            # (the principal among them)
            return PartyScope.any, None, Payer.responsible
        if re.search(r"、|和|或者", persons) and ("@" in persons or "主要负责人" in persons):
            # 对生产经营单位的主要负责人、个人经营的投资人处…: several payers in one phrase
            return PartyScope.any, "unknown:" + subject, Payer.party
        if RESPONSIBLE.search(subject):
            return PartyScope.any, None, Payer.responsible
        if PRINCIPAL.search(subject):
            return PartyScope.any, None, Payer.principal
        party = party_of(subject)
        if party is None:
            return PartyScope.any, subject, Payer.party
        return party, None, Payer.party

    def above(self, condition: tuple[str, str, Decimal], new: list[Found]) -> None:
        """``违法所得五万元以上的，并处违法所得一倍以上五倍以下罚款``: the multiple fine applies
        from the threshold on; the fixed range before it (same payer) is its fallback below."""
        text, base, threshold = condition
        fines = [f for f in new if f.kind is SanctionKind.fine]
        earlier = [f for f in self.found[: len(self.found) - len(new)]
                   if f.kind is SanctionKind.fine and f.base is None and f.per is None
                   and fines and f.on is fines[0].on and f.party is fines[0].party
                   and f.serious == fines[0].serious and f.scope == fines[0].scope]
        if len(fines) != 1 or fines[0].base != base or not earlier or earlier[-1].max is None:
            self.problem(text, "a multiple above a threshold (…以上的) without a fixed range before it")
            for record in new:
                self.found.remove(record)
            return
        previous = earlier[-1]
        assert previous.max is not None
        fines[0].fallback = FineRange(min=previous.min or Decimal(0), max=previous.max)
        fines[0].threshold = threshold
        fines[0].text = f"{previous.text}；{text}，{fines[0].text}"
        fines[0].condition = previous.condition
        self.found.remove(previous)

    def count_as(self, fragment: str, fallback: tuple[str, str, Decimal | None], amount: str) -> None:
        """``违法所得不足一万元的，按一万元计算``: below the threshold the multiples apply to it, a
        fallback range of the multiples times the threshold."""
        text, base, threshold = fallback
        previous = next((f for f in reversed(self.found) if f.kind is SanctionKind.fine), None)
        try:
            counted = parse_amount(amount)
        except ValueError as exc:
            self.problem(fragment, f"amount not understood ({exc})")
            return
        if previous is None or previous.base != base or previous.max is None or threshold != counted:
            self.problem(f"{text}，{fragment}", "a base counted as an amount (按…计算) that is not "
                                               "the threshold of a multiple fine before it")
            return
        previous.fallback = FineRange(min=(previous.min or Decimal(0)) * counted,
                                      max=previous.max * counted)
        previous.threshold = counted
        previous.text = f"{previous.text}，{text}，{fragment}"

    def cap(self, fragment: str, amount: str, sentence: list[Found]) -> None:
        """``但最高不得超过十万元``: the cap of the last fine of the sentence."""
        fines = [f for f in sentence if f.kind is SanctionKind.fine]
        if not fines:
            self.problem(fragment, "a cap (最高不得超过) without a fine before it")
            return
        try:
            fines[-1].cap = parse_amount(amount)
        except ValueError as exc:
            self.problem(fragment, f"cap not understood ({exc})")
            return
        fines[-1].text = f"{fines[-1].text}，{fragment}"

    def action(self, fragment: str, condition: str, serious: bool, income_next: bool,
               fallback_next: tuple[str, str, Decimal | None] | None, party: PartyScope,
               subject: str | None, payer: Payer = Payer.party, *,
               may: bool = False, from_preamble: bool = False) -> bool:
        """Record the sanctions of ``fragment``; whether it had any."""
        scope = len(self.scopes) - 1
        if subject is not None and subject.startswith("unknown:"):
            self.problem(fragment, "a sanction on several payers in one phrase "
                                   f"({subject.removeprefix('unknown:')})")
            return False
        correction = correction_of(fragment)
        if correction is not None and condition.startswith("unknown:"):
            # 因泄漏…造成道路污染的，责令限期清理: the order is for a case not understood
            self.problem(condition.removeprefix("unknown:"), "condition not understood")
            return False
        if correction is not None and self.scopes[scope].correction is None:
            self.scopes[scope].correction = correction
        if "代为" in fragment or re.search(r"^(?:所需|有关|清理|拆除)?费用由[^，]*(?:负担|承担)[:：]?$", fragment):
            # 代为… / 由…拆除，有关费用由设置者负担: performed for the party at its cost
            self.substitute = True
        text = fragment
        if income_next:
            text = "有违法所得的，" + fragment
        if fallback_next is not None:
            text = fallback_next[0] + "，" + fragment
        kinds: list[SanctionKind] = []
        for kind, pattern in KIND_PATTERNS:
            if pattern.search(fragment):
                kinds.append(kind)
        for match in CONFISCATE.finditer(fragment):
            obj = match.group("obj") if match.group("obj") is not None else match.group("obj2")
            parts = [p for p in re.split(r"和|、|及|以及|或者|并", obj or "") if p.strip()]
            if not parts:
                kinds.append(SanctionKind.confiscate_property)
            for part in parts:
                if "违法所得" in part or "非法所得" in part:
                    kinds.append(SanctionKind.confiscate_income)
                else:
                    kinds.append(SanctionKind.confiscate_property)
        if (condition != "always" or serious) and re.search(STOP_WORK, fragment) \
                and SanctionKind.suspend_business not in kinds:
            kinds.append(SanctionKind.suspend_business)
        kinds = list(dict.fromkeys(kinds))
        fine = self.fine(fragment) if FINE_WORD in fragment else None
        if fine is not None:
            kinds.append(SanctionKind.fine)
        alternative = False
        kinds_alternative = False
        if len(kinds) >= 2 and "或者" in fragment and not re.search(r"没收[^，]*或者", fragment) \
                and SanctionKind.fine not in kinds:
            # 责令停业或者关闭 / 降低资质等级或者吊销资质证书: the authority chooses one: each may
            kinds_alternative = True
            self.result.notes.append(f"alternative kinds read as each may: {fragment}")
        elif len(kinds) >= 2 and "或者" in fragment and not re.search(r"没收[^，]*或者", fragment):
            if kinds != [SanctionKind.warning, SanctionKind.fine] or not WARNING_OR_FINE.search(fragment):
                self.problem(fragment, "alternative sanctions (或者): the model has no choice between kinds")
                return False
            # 处警告或者五十元罚款: either kind may be imposed (each is `may`; the tiers choose)
            alternative = True
            self.result.notes.append(f"alternative kinds read as each may: {fragment}")
        if kinds and condition.startswith("unknown:"):
            self.problem(condition.removeprefix("unknown:"), "condition not understood")
            return False
        if "按日连续处罚" in fragment or "按照原处罚数额按日" in fragment:
            self.problem(fragment, "daily continuing penalty (按日连续处罚) is not modelled")
            return False
        if re.search(r"最高不得超过|最低不得少于|累计", fragment):
            self.problem(fragment, "a cap or floor on the fine is not modelled")
            return False
        if fine is None and (re.search(AMT, fragment) or "罚" in fragment) and not any(
                u.fragment == fragment for u in self.result.unparsed):
            self.problem(fragment, "a money amount or fine that is not understood")
            return False
        mode = Mode.may if may or alternative or kinds_alternative else mode_of(fragment)
        modes = {kind: mode for kind in kinds}
        layer = [f for f in self.found if f.condition == condition and f.serious == serious
                 and f.scope == scope and f.kind is not SanctionKind.fine]
        if kinds and fragment.startswith("或者"):
            # 责令停业整顿，或者由工商行政管理机关吊销营业执照: a choice between the sanction
            # before and this one: each may be imposed
            modes = dict.fromkeys(kinds, Mode.may)
            if layer:
                layer[-1].mode = Mode.may
        elif "直至" in fragment and kinds:
            # 降低资质等级，直至吊销资质证书 / 责令暂停…执业活动直至吊销医师执业证书: a gradation
            # whose last step is the most the authority may impose; the steps before it are imposed
            after = fragment.split("直至", 1)[1]
            for kind in kinds:
                if kind in KIND_AFTER and re.search(KIND_AFTER[kind], after):
                    modes[kind] = Mode.may
        if fine is None and FINE_WORD in fragment and re.search(r"或者(?:处以|处)?罚款", fragment):
            # 给予警告或者处以罚款 (the fine's amount not understood): the kinds before it are one
            # of the alternatives
            modes = dict.fromkeys(kinds, Mode.may)
        elif len(kinds) == 1 and "或者" in fragment and kinds[0] is not SanctionKind.fine:
            # 责令其办理经营范围变更登记或者吊销其营业执照: a choice between an order that is not a
            # penalty and this sanction: it may be imposed
            before = fragment.split("或者", 1)[0]
            if "责令" in before and not re.search(STOP_WORK, before) \
                    and not any(pattern.search(before) for _, pattern in KIND_PATTERNS):
                modes[kinds[0]] = Mode.may
        if set(kinds) == {SanctionKind.restrict_business, SanctionKind.suspend_business}:
            # 责令限制生产、停产整治: either measure
            modes = dict.fromkeys(kinds, Mode.may)
        labels = labels_of(fragment)
        if self.pending_object is not None and SanctionKind.revoke_licence in kinds:
            obj = self.pending_object.removeprefix("原取得的").removeprefix("其")
            labels[SanctionKind.revoke_licence] = ("吊销" + obj, False)
        self.pending_object = None
        for kind in kinds:
            on = payer if kind is SanctionKind.fine or payer is not Payer.principal \
                or SUBJECT.match(fragment) else Payer.party
            record = Found(kind, modes[kind], party, subject, condition, serious, scope, text,
                            from_preamble=from_preamble, on=on, alternative=alternative)
            if kind in labels:
                label, sure = labels[kind]
                record.label = label or None
                if sure and label:
                    self.result.sure_labels.add(label)
            if kind is SanctionKind.fine:
                assert fine is not None
                record.min, record.max, record.base, record.per = fine
                if fallback_next is not None:
                    if not self.attach_fallback(record, fallback_next[1], fallback_next[2]):
                        self.problem(fragment, "a fallback range (没有违法所得的…) without a multiple "
                                               "fine of the same base before it")
                    continue
            self.found.append(record)
        return bool(kinds)

    def attach_fallback(self, record: Found, base: str, threshold: Decimal | None) -> bool:
        """Attach ``record``'s range as the fallback (below ``threshold``) of the multiple fine
        of ``base`` before it, on the same payer."""
        for previous in reversed(self.found):
            if previous.kind is SanctionKind.fine and previous.base is not None \
                    and previous.scope == record.scope and previous.serious == record.serious \
                    and previous.on is record.on:
                if record.base or record.per or record.max is None or previous.base != base:
                    return False
                try:
                    previous.fallback = FineRange(min=record.min or Decimal(0), max=record.max)
                except ValueError:
                    return False
                previous.threshold = threshold
                previous.text = f"{previous.text}；{record.text}"
                return True
        return False

    def fine(self, fragment: str) -> tuple[Decimal | None, Decimal, str | None, str | None] | None:
        """(min, max, base, per) of the fine in ``fragment``; None (and a problem) if not understood."""
        if fragment.count(FINE_WORD) > 1:
            self.problem(fragment, "several fines in one fragment")
            return None
        per_units = PER.findall(fragment)
        if len(per_units) > 1:
            self.problem(fragment, "a fine per several units (每…每…) is not modelled")
            return None
        per = PER_UNIT_FACTS[per_units[0]][0] if per_units else None
        try:
            for pattern in (RANGE_MULT, MAX_MULT, FIXED_MULT):
                match = pattern.search(fragment)
                if match is None:
                    continue
                head = fragment[: match.start()]
                base_text = re.sub(r"^.*?(?:并处以|并处|处以|可处|处)", "", head)
                base_text = re.sub(r"[（(][^）)]*[）)]", "", base_text).removesuffix("的")
                base = BASE_FACTS.get(base_text)
                if base is None:
                    self.problem(fragment, f"multiple of an unknown base '{base_text}'")
                    return None
                low = multiple_of(match.group("lo")) if "lo" in match.groupdict() else None
                high = multiple_of(match.group("hi"))
                if pattern is FIXED_MULT:
                    low = high
                return low, high, base, None
            for pattern in (RANGE_YUAN, MAX_YUAN, FIXED_YUAN):
                match = pattern.search(fragment)
                if match is None:
                    continue
                low = parse_amount(match.group("lo")) if "lo" in match.groupdict() else None
                high = parse_amount(match.group("hi"))
                if pattern is FIXED_YUAN:
                    low = high
                if per is None and re.search(r"每[^，]{0,6}(?:处|罚)", fragment):
                    self.problem(fragment, "a fine per an unknown unit")
                    return None
                if per is None and re.search(rf"{AMT}.*{AMT}", fragment) and pattern is not RANGE_YUAN:
                    self.problem(fragment, "several amounts around one fine")
                    return None
                if low is not None and low > high:
                    self.problem(fragment, f"fine minimum {low} above maximum {high}")
                    return None
                return low, high, None, per
        except ValueError as exc:
            self.problem(fragment, f"amount not understood ({exc})")
            return None
        self.problem(fragment, "fine amount not understood")
        return None

    # --- assembly -----------------------------------------------------------------------

    def assemble(self) -> None:
        by_scope: dict[int, list[Found]] = {}
        for found in self.found:
            by_scope.setdefault(found.scope, []).append(found)
        for scope_index, in_scope in sorted(by_scope.items()):
            scope = self.scopes[scope_index]
            subjects = list(dict.fromkeys(f.subject for f in in_scope if f.subject is not None))
            shared = [f for f in in_scope if f.subject is None]
            groups: list[tuple[str | None, list[Found]]]
            own = {s: [f for f in in_scope if f.subject == s] for s in subjects}
            if not subjects:
                groups = [(None, shared)]
            elif not any(f.kind is SanctionKind.fine for f in shared):
                groups = [(s, [*shared, *own[s]]) for s in subjects]
            else:
                # 没收…，对从事批发的企业并处…，对零售经营者并处…: what is not a fine applies to all
                common = [f for f in shared if f.kind is not SanctionKind.fine]
                groups = [(None, shared), *((s, [*common, *own[s]]) for s in subjects)]
            correction = scope.correction or self.scopes[0].correction or Correction.none
            for subject, records in groups:
                reference = scope.reference if scope_index and not scope.same_act \
                    else self.result.reference
                variant = self.variant(reference,
                                       subject, correction, records)
                if variant is not None:
                    self.result.variants.append(variant)

    def variant(self, reference: str | None, subject: str | None, correction: Correction,
                records: list[Found]) -> Variant | None:
        base = [r for r in records if not r.serious]
        serious = [r for r in records if r.serious]
        if not base:
            if serious:
                self.problem("；".join(r.text for r in serious),
                             "a 情节严重 range without a base range")
            return None
        conditions = {r.condition for r in base}
        # 处…；逾期未改正的，处…；拒不改正的，…: the sanctions that apply at once are the base and
        # the later ones escalation stages; without them the first condition is when the clause
        # applies (逾期不改正的，处…) and a 拒不改正的 after it a stage.
        order = [c for c in ("always", "overdue", "refused") if c in conditions]
        if len(order) != len(conditions):
            self.problem("；".join(r.text for r in base),
                         "sanctions under different conditions (" + ", ".join(sorted(conditions)) + ")")
            return None
        applies = {"always": AppliesWhen.always, "overdue": AppliesWhen.overdue,
                   "refused": AppliesWhen.refused}[order[0]]
        if order[0] != "always" and serious and all(r.twin for r in serious):
            # 拒不改正或者情节严重的，处… (nothing before): the sanctions apply when either holds
            applies = AppliesWhen(f"{order[0]}_or_serious")
            serious = []
        # 处警告或者…罚款；情节严重的，处…: the serious range is given instead of the alternatives
        # (replaces); otherwise a later layer adds (its fine takes the fine's place)
        alternative = any(r.alternative for r in base)
        serious_effect = Effect.replaces if alternative else Effect.adds
        try:
            sanctions = [self.sanction(r) for r in base if r.condition == order[0]]
            stages = [Stage(when="overdue" if c == "overdue" else "refused",
                            sanctions=[self.sanction(r) for r in base if r.condition == c],
                            text="；".join(dict.fromkeys(r.text for r in base if r.condition == c)))
                      for c in order[1:]]
            serious_range = SeriousRange(effect=serious_effect,
                                         sanctions=[self.sanction(r) for r in serious]) \
                if serious else None
            layers = [sanctions, *(stage.sanctions for stage in stages),
                      serious_range.sanctions if serious_range else []]
            for group in layers:
                payers = [(s.party, s.on) for s in group if s.kind is SanctionKind.fine]
                if len(payers) != len(set(payers)):
                    self.problem("；".join(s.text or "" for s in group if s.kind is SanctionKind.fine),
                                 "several fines for the same party")
                    return None
            statutory = Statutory(correction=correction, applies_when=applies, sanctions=sanctions,
                                  stages=stages, serious=serious_range,
                                  substitute_performance=self.substitute)
        except ValueError as exc:
            self.problem(self.text, f"not a valid statutory model: {exc}")
            return None
        text = "；".join(dict.fromkeys(r.text for r in records))
        return Variant(reference, subject, statutory, text)

    @staticmethod
    def sanction(record: Found) -> Sanction:
        return Sanction(kind=record.kind, mode=record.mode, party=record.party, on=record.on,
                        min=record.min, max=record.max, base=record.base, per=record.per,
                        fallback=record.fallback, threshold=record.threshold, cap=record.cap,
                        label=record.label, text=record.text)


def parse_clause(text: str) -> ClauseParse:
    """Parse one penalty clause (a paragraph, or a sentence of it); see the module docstring."""
    return _ClauseParser(text).run()
