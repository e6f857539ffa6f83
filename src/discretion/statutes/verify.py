"""Check a catalog's benchmark items against the statute text.

For every benchmark item: each citation (violated and penalty) exists in the statute (article,
paragraph, item); the clause is verbatim in the cited penalty paragraph; the statutory model
(correction, condition, sanctions with their payer ``on``, threshold, cap and fallback, the
escalation ``stages`` with their effect, the 情节严重 range and its effect) equals what
:func:`~discretion.statutes.clauses.parse_clause` reads from the cited clause — for a paragraph
with several ranges, the range whose ``违反…`` reference covers the item's violated provision
(or, failing that, one of the parsed ranges); the provenance file exists. A difference is
reported field by field (``stages[overdue]: missing``, ``sanctions fine: threshold …``). Statute
labels (责令停业整顿…, 没收犬只) are compared where the parser is certain of the wording; elsewhere
a different label is a warning. Every finding names the catalog file:line of the item and the
statute file:line of the provision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    SANCTION_LABELS,
    AppliesWhen,
    BenchmarkItem,
    Citation,
    Correction,
    PartyScope,
    Payer,
    Sanction,
    SanctionKind,
    Statutory,
)
from discretion.numerals import parse_chinese_integer
from discretion.statutes.clauses import ClauseParse, Variant, parse_clause
from discretion.statutes.extract import Provision, resolve_reference
from discretion.statutes.parse import LawLibrary, Paragraph, Statute, normalize_law_name

_CN_DIGITS = "一二三四五六七八九十"
# an introduction whose fine is set by its list items: …给予警告，并处罚款：
_FINE_BY_ITEMS = re.compile(r"[，,](?:并)?(?:处以|处)罚款[:：]$")
# a paragraph whose fine is set by another paragraph: …给予警告，并按照本条第二款的规定处以罚款
# 有下列行为之一，由…责令改正，处以罚款，没收违法所得；情节严重的，…：(the next paragraph: 有前款
# 第一项…行为之一，处十万元以上一百万元以下的罚款) — the amounts are in the next paragraph
_FINE_IN_INTRO = re.compile(r"[，,](?:并)?(?:处以|处)罚款(?=[，,；;])")
_BY_FORMER_ITEMS = re.compile(r"^有前款第")
_FINE_BY_PARAGRAPH = re.compile(rf"[，,](?:并)?(?:按照|依照)本条第(?P<n>[{_CN_DIGITS}]+)款的?规定处以罚款")

_NO_SANCTION = "no sanction or correction order found"
_CATALOG_EXTRA = "the catalog has"

__all__ = ["Finding", "VerifyReport", "differences", "label_findings", "penalty_ranges",
           "statutory_key", "verify_catalog"]


@dataclass(frozen=True)
class Finding:
    item_id: str
    catalog_at: str
    statute_at: str | None
    message: str

    def render(self) -> str:
        where = f" [{self.statute_at}]" if self.statute_at else ""
        return f"{self.catalog_at}: {self.item_id}: {self.message}{where}"


@dataclass
class VerifyReport:
    checked: int = 0
    mismatches: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _amount(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _party(sanction: Sanction) -> str:
    """The party kind, normalised: a sanction on an organisation's persons is an organisation's
    (``party: organization`` adds nothing to ``on: responsible``)."""
    if sanction.on is not Payer.party and sanction.party is PartyScope.organization:
        return PartyScope.any.value
    return sanction.party.value


def _sanction_key(sanction: Sanction) -> tuple[object, ...]:
    fallback = (sanction.fallback.min.normalize(), sanction.fallback.max.normalize()) \
        if sanction.fallback else None
    low = sanction.low.normalize() if sanction.max is not None else None
    return (sanction.kind.value, sanction.mode.value, _party(sanction), sanction.on.value, low,
            _amount(sanction.max), sanction.base, sanction.per, fallback,
            _amount(sanction.threshold), _amount(sanction.cap))


def _layer_key(sanctions: list[Sanction]) -> tuple[object, ...]:
    return tuple(sorted(map(_sanction_key, sanctions), key=repr))


def statutory_key(statutory: Statutory) -> tuple[object, ...]:
    """What must agree between a catalog item and the parsed clause (texts and labels are not
    compared here: see :func:`differences` and :func:`label_findings`)."""
    serious = (statutory.serious.effect.value, _layer_key(statutory.serious.sanctions)) \
        if statutory.serious else None
    stages = tuple((stage.when, stage.effect.value, _layer_key(stage.sanctions))
                   for stage in statutory.stages)
    return (statutory.correction.value, statutory.applies_when.value,
            statutory.substitute_performance, _layer_key(statutory.sanctions), stages, serious)


def _one(s: Sanction) -> str:
    text = s.kind.value
    if s.max is not None:
        text += f" {s.low.normalize():f}-{s.max.normalize():f}"
        text += f" x{s.base}" if s.base else ""
        text += f" per {s.per}" if s.per else ""
    if s.fallback is not None:
        text += f" fallback {s.fallback.min.normalize():f}-{s.fallback.max.normalize():f}"
    if s.threshold is not None:
        text += f" below {s.threshold.normalize():f}"
    if s.cap is not None:
        text += f" cap {s.cap.normalize():f}"
    if s.mode.value != "shall":
        text += " (may)"
    if s.party.value != "any":
        text += f" [{s.party.value}]"
    if s.on is not Payer.party:
        text += f" on {s.on.value}"
    if s.label:
        text += f" 「{s.label}」"
    return text


def _describe(statutory: Statutory) -> str:
    text = (f"correction={statutory.correction.value}, applies_when={statutory.applies_when.value}, "
            + "; ".join(_one(s) for s in statutory.sanctions))
    for stage in statutory.stages:
        text += f" | {stage.when} ({stage.effect.value}): " + "; ".join(map(_one, stage.sanctions))
    if statutory.serious:
        text += f" | serious ({statutory.serious.effect.value}): " \
            + "; ".join(_one(s) for s in statutory.serious.sanctions)
    return text


def _name(s: Sanction) -> str:
    """How a sanction is named in a finding: its kind and, when not the party, its payer."""
    text = s.kind.value
    if s.on is not Payer.party:
        text += f"[on={s.on.value}]"
    elif s.party is not PartyScope.any:
        text += f"[{s.party.value}]"
    return text


def _align(catalog: list[Sanction], parsed: list[Sanction]) -> tuple[
        list[tuple[Sanction, Sanction]], list[Sanction], list[Sanction]]:
    """Pairs of the same sanction (kind, payer, party; then kind and payer), and the rest of
    each side."""
    pairs: list[tuple[Sanction, Sanction]] = []
    left, right = list(catalog), list(parsed)
    for same in (lambda a, b: (a.kind, a.on, _party(a)) == (b.kind, b.on, _party(b)),
                 lambda a, b: (a.kind, a.on) == (b.kind, b.on)):
        for c in list(left):
            match = next((p for p in right if same(c, p)), None)
            if match is not None:
                pairs.append((c, match))
                left.remove(c)
                right.remove(match)
    return pairs, left, right


_FIELDS: tuple[tuple[str, object], ...] = (
    ("mode", lambda s: s.mode.value), ("party", _party), ("min", lambda s: _amount(s.low)),
    ("max", lambda s: _amount(s.max)), ("base", lambda s: s.base), ("per", lambda s: s.per),
    ("fallback", lambda s: (s.fallback.min.normalize(), s.fallback.max.normalize())
     if s.fallback else None),
    ("threshold", lambda s: _amount(s.threshold)), ("cap", lambda s: _amount(s.cap)),
)


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, tuple):
        return "-".join(_show(v) for v in value)
    return str(value)


def _layer_differences(where: str, catalog: list[Sanction], parsed: list[Sanction]) -> list[str]:
    pairs, extra, missing = _align(catalog, parsed)
    found = [f"{where}: the clause has {_one(s)}, the catalog does not" for s in missing]
    found += [f"{where}: the catalog has {_one(s)}, the clause does not" for s in extra]
    for c, p in pairs:
        for name, get in _FIELDS:
            assert callable(get)
            if get(c) != get(p):
                found.append(f"{where} {_name(c)}: {name} is {_show(get(c))} in the catalog, "
                             f"{_show(get(p))} in the clause")
    return found


def differences(catalog: Statutory, parsed: Statutory) -> list[str]:
    """Each field in which the catalog's model differs from the parsed clause (labels aside)."""
    found: list[str] = []
    for name in ("correction", "applies_when", "substitute_performance"):
        ours, theirs = getattr(catalog, name), getattr(parsed, name)
        if ours != theirs:
            found.append(f"{name} is {getattr(ours, 'value', ours)} in the catalog, "
                         f"{getattr(theirs, 'value', theirs)} in the clause")
    found += _layer_differences("sanctions", catalog.sanctions, parsed.sanctions)
    ours_stages = {stage.when: stage for stage in catalog.stages}
    theirs_stages = {stage.when: stage for stage in parsed.stages}
    for when in ("overdue", "refused"):
        ours, theirs = ours_stages.get(when), theirs_stages.get(when)
        if ours is None and theirs is None:
            continue
        if ours is None or theirs is None:
            present = theirs or ours
            assert present is not None
            side = "the clause has it, the catalog does not" if ours is None \
                else "the catalog has it, the clause does not"
            found.append(f"stages[{when}]: {side} ({'; '.join(map(_one, present.sanctions))})")
            continue
        if ours.effect is not theirs.effect:
            found.append(f"stages[{when}]: effect is {ours.effect.value} in the catalog, "
                         f"{theirs.effect.value} in the clause")
        found += _layer_differences(f"stages[{when}]", ours.sanctions, theirs.sanctions)
    if (catalog.serious is None) != (parsed.serious is None):
        present_serious = parsed.serious or catalog.serious
        assert present_serious is not None
        side = "the clause has it, the catalog does not" if catalog.serious is None \
            else "the catalog has it, the clause does not"
        found.append(f"serious: {side} ({'; '.join(map(_one, present_serious.sanctions))})")
    elif catalog.serious is not None and parsed.serious is not None:
        if catalog.serious.effect is not parsed.serious.effect:
            found.append(f"serious: effect is {catalog.serious.effect.value} in the catalog, "
                         f"{parsed.serious.effect.value} in the clause")
        found += _layer_differences("serious", catalog.serious.sanctions, parsed.serious.sanctions)
    return found


_CN_COUNT = re.compile(r"[一二两三四五六七八九十]+(?=个月|日|天|年)")


def _norm_label(label: str) -> str:
    text = label.replace("其", "").replace("（", "(").replace("）", ")")
    return _CN_COUNT.sub(lambda m: str(parse_chinese_integer(m.group().replace("两", "二"))), text)


def _layers(statutory: Statutory) -> list[tuple[str, list[Sanction]]]:
    layers = [("sanctions", list(statutory.sanctions))]
    layers += [(f"stages[{stage.when}]", list(stage.sanctions)) for stage in statutory.stages]
    if statutory.serious is not None:
        layers.append(("serious", list(statutory.serious.sanctions)))
    return layers


def label_findings(catalog: Statutory, parsed: Statutory,
                   sure: set[str]) -> tuple[list[str], list[str]]:
    """(mismatches, warnings) of the statute labels of the aligned sanctions.

    A label the parser is sure of (``sure``) must be in the catalog, in the same words (Chinese
    or Arabic numerals, 其 aside); a catalog label that is a shorter or longer form of it is a
    warning. Where the parser is unsure (long or compound wording, or none read while the
    catalog gives one), a difference is a warning.
    """
    mismatches: list[str] = []
    warnings: list[str] = []
    theirs = dict(_layers(parsed))
    for where, ours in _layers(catalog):
        pairs, _, _ = _align(ours, theirs.get(where, []))
        for c, p in pairs:
            if c.label == p.label or (c.label and p.label and _norm_label(c.label) == _norm_label(p.label)):
                continue
            default = SANCTION_LABELS[c.kind]
            message = (f"{where} {_name(c)}: label is {c.label or '(default ' + default + ')'} in the "
                       f"catalog, {p.label or '(default ' + default + ')'} in the clause")
            prefix = bool(c.label and p.label) and (
                _norm_label(p.label or "").startswith(_norm_label(c.label or ""))
                or _norm_label(c.label or "").startswith(_norm_label(p.label or "")))
            if p.label in sure and not prefix:
                mismatches.append(message)
            else:
                warnings.append(message)
    return mismatches, warnings


def _merge(intro: ClauseParse, own: ClauseParse) -> ClauseParse:
    """``own``'s ranges with the sanctions and correction order its introduction imposes.

    ``…责令停止违法行为，给予警告，并处罚款：（一）…的，处二百元以上三千元以下的罚款`` → the item's
    fine together with the introduction's 警告 and 责令改正. ``intro`` must be one unconditional
    range; otherwise ``own`` is returned unchanged (and the mismatch, if any, is reported).
    """
    if intro.unparsed or len(intro.variants) != 1 or not own.variants:
        return own
    base = intro.variants[0].statutory
    if base.applies_when is not AppliesWhen.always or base.stages:
        return own
    if base.serious is not None and any(v.statutory.serious for v in own.variants):
        return own
    extra = [s for s in base.sanctions if s.kind is not SanctionKind.fine]
    variants = []
    for variant in own.variants:
        st = variant.statutory
        kinds = {s.kind for s in st.sanctions}
        statutory = Statutory(
            correction=st.correction if st.correction is not Correction.none else base.correction,
            applies_when=st.applies_when,
            sanctions=[*(s for s in extra if s.kind not in kinds), *st.sanctions],
            stages=st.stages,
            serious=st.serious or base.serious,
            substitute_performance=st.substitute_performance or base.substitute_performance)
        variants.append(replace(variant, statutory=statutory))
    return ClauseParse(own.text, own.reference, own.preamble, variants, list(own.unparsed),
                       [*intro.notes, *own.notes], own.sure_labels | intro.sure_labels)


def _paragraph_number(text: str) -> int:
    """The number of ``本条第…款`` (0, no paragraph, when the numeral is malformed)."""
    try:
        return parse_chinese_integer(text)
    except ValueError:
        return 0


def _covers(provision: Provision, cited: Citation) -> bool:
    if provision.article != cited.article:
        return False
    if provision.paragraph is not None and provision.paragraph != cited.paragraph:
        return False
    return provision.item is None or provision.item == cited.item


def penalty_ranges(statute: Statute, penalty: Citation, clause: str,
                   paragraph: Paragraph) -> tuple[ClauseParse, ClauseParse | None]:
    """The parsed ranges of the cited penalty: the paragraph, or its cited list item.

    A list item is read with the sanctions of its introduction (``给予警告，并处罚款：``); a
    paragraph that sets its fine by another paragraph (``并按照本条第二款的规定处以罚款``) is
    read with that paragraph's ranges, and that paragraph with the first one's sanctions.
    The second value is the provision read alone, when it was read with another one.
    """
    target = paragraph.text
    if penalty.item is not None:
        cited_item = paragraph.item(penalty.item)
        if cited_item is None:
            return parse_clause(target), None
        plain = parse_clause(cited_item.text)
        intro = _FINE_BY_ITEMS.sub("", target.strip())
        if intro != target.strip():
            return _merge(parse_clause(intro), plain), plain
        if not plain.variants and not any(u.reason != _NO_SANCTION for u in plain.unparsed):
            # 生产经营单位有下列行为之一的，责令限期改正，处…：（一）…的: the item names the act,
            # the introduction the penalty
            return parse_clause(target.strip().rstrip(":：")), None
        return plain, None
    if clause not in target and clause in paragraph.full_text:
        return parse_clause(clause), None
    plain = parse_clause(target)
    if plain.unparsed and clause.strip() != target.strip():
        # a paragraph of two violations, the item citing one of them: read that one alone
        # when the paragraph is not understood as a whole
        alone = parse_clause(clause)
        if alone.ok:
            return alone, None
    if _BY_FORMER_ITEMS.match(target.strip()) and paragraph.number > 1:
        former = statute.paragraph(penalty.article, paragraph.number - 1)
        if former is not None and _FINE_IN_INTRO.search(former.text):
            intro = _FINE_IN_INTRO.sub("", former.text.strip()).rstrip(":：")
            return _merge(parse_clause(intro), plain), plain
    by_paragraph = _FINE_BY_PARAGRAPH.search(target)
    if by_paragraph is not None:
        other = statute.paragraph(penalty.article, _paragraph_number(by_paragraph.group("n")))
        if other is not None and other.number != paragraph.number:
            intro = target[: by_paragraph.start()] + target[by_paragraph.end():]
            return _merge(parse_clause(intro), parse_clause(other.text)), plain
    article = statute.article(penalty.article)
    for first in article.paragraphs if article is not None else ():
        by_paragraph = _FINE_BY_PARAGRAPH.search(first.text)
        if first.number != paragraph.number and by_paragraph is not None \
                and _paragraph_number(by_paragraph.group("n")) == paragraph.number:
            intro = first.text[: by_paragraph.start()] + first.text[by_paragraph.end():]
            return _merge(parse_clause(intro), plain), plain
    return plain, None


class _Verifier:
    def __init__(self, catalog: Catalog, library: LawLibrary, strict: bool) -> None:
        self.catalog = catalog
        self.library = library
        self.strict = strict
        self.report = VerifyReport()

    def at(self, item: BenchmarkItem) -> str:
        source = self.catalog.sources.get(item.id)
        if source is None:
            return str(self.catalog.root)
        path = self.catalog.root / source.file
        return f"{path}:{source.line}" if source.line else str(path)

    def mismatch(self, item: BenchmarkItem, message: str, statute_at: str | None = None) -> None:
        self.report.mismatches.append(Finding(item.id, self.at(item), statute_at, message))

    def warn(self, item: BenchmarkItem, message: str, statute_at: str | None = None) -> None:
        finding = Finding(item.id, self.at(item), statute_at, message)
        (self.report.mismatches if self.strict else self.report.warnings).append(finding)

    def statute_at(self, statute: Statute, line: int | None) -> str:
        return f"{statute.path}:{line}" if line else statute.path

    def cited(self, item: BenchmarkItem, cited: Citation) -> tuple[Statute, int] | None:
        """The statute and line of a citation; a mismatch when it does not exist."""
        # the provenance file names the exact version when it is a version of the cited law
        version = next((v for v in self.library.versions(cited.law)
                        if v.path == item.provenance.file), None)
        statute = self.library.load(version) if version is not None else \
            self.library.find(cited.law, item.effective_from)
        if statute is None:
            self.mismatch(item, f"law '{cited.law}' is not in the statute corpus")
            return None
        article = statute.article(cited.article)
        if article is None:
            self.mismatch(item, f"{cited.law} has no article {cited.article}", statute.path)
            return None
        line = article.line
        if cited.paragraph is not None:
            paragraph = article.paragraph(cited.paragraph)
            if paragraph is None:
                self.mismatch(item, f"article {cited.article} has no paragraph {cited.paragraph}",
                              self.statute_at(statute, article.line))
                return None
            line = paragraph.line
            if cited.item is not None:
                found = paragraph.item(cited.item)
                if found is None:
                    self.mismatch(item, f"article {cited.article} paragraph {cited.paragraph} has "
                                        f"no item {cited.item}", self.statute_at(statute, line))
                    return None
                line = found.line
        return statute, line

    def parse_penalty(self, statute: Statute, item: BenchmarkItem,
                      paragraph: Paragraph) -> tuple[ClauseParse, ClauseParse | None]:
        return penalty_ranges(statute, item.penalty, item.clause, paragraph)

    def item(self, item: BenchmarkItem, laws_root: Path) -> None:
        self.report.checked += 1
        if not (laws_root / item.provenance.file).is_file():
            self.mismatch(item, f"provenance file '{item.provenance.file}' not found under {laws_root}")
        for cited in item.violated:
            self.cited(item, cited)
        for sanction in item.statutory.every_sanction():
            if sanction.source is not None:  # the regulation that sets the amount must exist
                self.cited(item, sanction.source)
        found = self.cited(item, item.penalty)
        if found is None:
            return
        statute, line = found
        at = self.statute_at(statute, line)
        penalty = item.penalty
        paragraph = statute.paragraph(penalty.article, penalty.paragraph or 1)
        if paragraph is None:
            self.mismatch(item, f"article {penalty.article} has no paragraph 1", at)
            return
        if item.clause not in paragraph.full_text:
            self.mismatch(item, "clause is not verbatim in the cited penalty paragraph", at)
        parsed, plain = self.parse_penalty(statute, item, paragraph)
        if not parsed.variants:
            reasons = "; ".join(str(u) for u in parsed.unparsed) or "no sanction found"
            self.warn(item, f"cannot check the sanctions: the clause is not understood ({reasons})", at)
            return
        if parsed.unparsed:
            self.warn(item, "part of the clause is not understood: "
                      + "; ".join(str(u) for u in parsed.unparsed), at)
        accepted, candidates, best = self.accepts(item, statute, parsed)
        if accepted:
            if best is not None:
                self.labels(item, best, parsed.sure_labels, at)
            return
        if plain is not None and plain.variants and self.accepts(item, statute, plain)[0]:
            # the model leaves out what the introduction / the other paragraph imposes
            self.warn(item, "statutory model leaves out the sanctions or correction order that "
                      "the clause's introduction (or the paragraph setting its fine) imposes: "
                      f"catalog has {_describe(item.statutory)}; the provision reads "
                      + " || ".join(_describe(v.statutory) for v in candidates), at)
            return
        closest = min(candidates, key=lambda v: len(differences(item.statutory, v.statutory)))
        fields = differences(item.statutory, closest.statutory)
        if parsed.unparsed and all(_CATALOG_EXTRA in f for f in fields):
            # what the catalog has beyond the parse may be the part not understood
            self.warn(item, "cannot check all of the statutory model (part of the clause is not "
                      "understood): " + "; ".join(fields), at)
            return
        self.mismatch(item, "statutory model differs from the clause: " + "; ".join(fields)
                      + f" (catalog has {_describe(item.statutory)}; the clause reads "
                      + " || ".join(_describe(v.statutory) for v in candidates) + ")", at)

    def labels(self, item: BenchmarkItem, variant: Variant, sure: set[str], at: str) -> None:
        mismatches, warnings = label_findings(item.statutory, variant.statutory, sure)
        for message in mismatches:
            self.mismatch(item, f"statute label differs: {message}", at)
        for message in warnings:
            self.report.warnings.append(Finding(item.id, self.at(item), at,
                                                f"statute label may differ: {message}"))

    def accepts(self, item: BenchmarkItem, statute: Statute,
                parsed: ClauseParse) -> tuple[bool, list[Variant], Variant | None]:
        """Whether the item's model is the parsed range for its violated provisions; the
        candidate ranges; the one that agrees (None when accepted without one)."""
        penalty = item.penalty
        candidates = []
        same_law = all(normalize_law_name(v.law) == normalize_law_name(penalty.law)
                       for v in item.violated)
        for variant in parsed.variants:
            if variant.reference is None or not same_law:
                candidates.append(variant)
                continue
            provisions, reason = resolve_reference(variant.reference, statute, penalty.article,
                                                   penalty.paragraph)
            if reason is None and all(any(_covers(p, v) for p in provisions) for v in item.violated):
                candidates.append(variant)
        resolved = bool(candidates)
        if not candidates:
            candidates = list(parsed.variants)
        wanted = statutory_key(item.statutory)
        for variant in candidates:
            if statutory_key(variant.statutory) == wanted:
                return True, candidates, variant
        # A multi-range paragraph whose ranges could not be told apart by the item's violated
        # provisions: accept the item's range when it is one of the parsed ranges.
        if len(parsed.variants) > 1 and not resolved:
            parsed_keys = {k for v in parsed.variants for k in map(_sanction_key, v.statutory.sanctions)}
            if all(_sanction_key(s) in parsed_keys for s in item.statutory.sanctions) and any(
                    statutory_key(v.statutory)[:2] == wanted[:2] for v in parsed.variants):
                return True, candidates, None
        return False, candidates, None


def verify_catalog(catalog: Catalog, laws_root: Path, *, strict: bool = False) -> VerifyReport:
    """Check every benchmark item of ``catalog`` against the statutes under ``laws_root``.

    Items whose clause the parser does not understand are warnings (mismatches with ``strict``).
    """
    verifier = _Verifier(catalog, LawLibrary(laws_root), strict)
    for item in catalog.benchmarks.values():
        verifier.item(item, laws_root)
    return verifier.report
