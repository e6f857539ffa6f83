"""Check a catalog's benchmark items against the statute text.

For every benchmark item: each citation (violated and penalty) exists in the statute (article,
paragraph, item); the clause is verbatim in the cited penalty paragraph; the statutory model
(correction, condition, sanctions, 情节严重 range) equals what
:func:`~discretion.statutes.clauses.parse_clause` reads from the cited clause — for a paragraph
with several ranges, the range whose ``违反…`` reference covers the item's violated provision
(or, failing that, one of the parsed ranges); the provenance file exists. Every finding names
the catalog file:line of the item and the statute file:line of the provision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    AppliesWhen,
    BenchmarkItem,
    Citation,
    Correction,
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
_FINE_BY_PARAGRAPH = re.compile(rf"[，,](?:并)?(?:按照|依照)本条第(?P<n>[{_CN_DIGITS}]+)款的?规定处以罚款")

__all__ = ["Finding", "VerifyReport", "statutory_key", "verify_catalog"]


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


def _sanction_key(sanction: Sanction) -> tuple[object, ...]:
    fallback = (sanction.fallback.min.normalize(), sanction.fallback.max.normalize()) \
        if sanction.fallback else None
    low = sanction.low.normalize() if sanction.max is not None else None
    return (sanction.kind.value, sanction.mode.value, sanction.party.value, low,
            _amount(sanction.max), sanction.base, sanction.per, fallback)


def statutory_key(statutory: Statutory) -> tuple[object, ...]:
    """What must agree between a catalog item and the parsed clause (texts are not compared)."""
    serious = sorted(map(_sanction_key, statutory.serious.sanctions), key=repr) \
        if statutory.serious else None
    return (statutory.correction.value, statutory.applies_when.value,
            statutory.substitute_performance,
            tuple(sorted(map(_sanction_key, statutory.sanctions), key=repr)),
            tuple(serious) if serious is not None else None)


def _describe(statutory: Statutory) -> str:
    def one(s: Sanction) -> str:
        text = s.kind.value
        if s.max is not None:
            text += f" {s.low.normalize():f}-{s.max.normalize():f}"
            text += f" x{s.base}" if s.base else ""
            text += f" per {s.per}" if s.per else ""
        if s.mode.value != "shall":
            text += " (may)"
        if s.party.value != "any":
            text += f" [{s.party.value}]"
        return text

    text = (f"correction={statutory.correction.value}, applies_when={statutory.applies_when.value}, "
            + "; ".join(one(s) for s in statutory.sanctions))
    if statutory.serious:
        text += " | serious: " + "; ".join(one(s) for s in statutory.serious.sanctions)
    return text


def _merge(intro: ClauseParse, own: ClauseParse) -> ClauseParse:
    """``own``'s ranges with the sanctions and correction order its introduction imposes.

    ``…责令停止违法行为，给予警告，并处罚款：（一）…的，处二百元以上三千元以下的罚款`` → the item's
    fine together with the introduction's 警告 and 责令改正. ``intro`` must be one unconditional
    range; otherwise ``own`` is returned unchanged (and the mismatch, if any, is reported).
    """
    if intro.unparsed or len(intro.variants) != 1 or not own.variants:
        return own
    base = intro.variants[0].statutory
    if base.applies_when is not AppliesWhen.always or base.serious is not None:
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
            serious=st.serious,
            substitute_performance=st.substitute_performance or base.substitute_performance)
        variants.append(replace(variant, statutory=statutory))
    return ClauseParse(own.text, own.reference, own.preamble, variants, list(own.unparsed),
                       [*intro.notes, *own.notes])


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
        """The parsed ranges of the cited penalty: the paragraph, or its cited list item.

        A list item is read with the sanctions of its introduction (``给予警告，并处罚款：``); a
        paragraph that sets its fine by another paragraph (``并按照本条第二款的规定处以罚款``) is
        read with that paragraph's ranges, and that paragraph with the first one's sanctions.
        The second value is the provision read alone, when it was read with another one.
        """
        penalty = item.penalty
        target = paragraph.text
        if penalty.item is not None:
            cited_item = paragraph.item(penalty.item)
            if cited_item is None:
                return parse_clause(target), None
            plain = parse_clause(cited_item.text)
            intro = _FINE_BY_ITEMS.sub("", target.strip())
            if intro != target.strip():
                return _merge(parse_clause(intro), plain), plain
            return plain, None
        if item.clause not in target and item.clause in paragraph.full_text:
            return parse_clause(item.clause), None
        plain = parse_clause(target)
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

    def item(self, item: BenchmarkItem, laws_root: Path) -> None:
        self.report.checked += 1
        if not (laws_root / item.provenance.file).is_file():
            self.mismatch(item, f"provenance file '{item.provenance.file}' not found under {laws_root}")
        for cited in item.violated:
            self.cited(item, cited)
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
        accepted, candidates = self.accepts(item, statute, parsed)
        if accepted:
            return
        if plain is not None and plain.variants and self.accepts(item, statute, plain)[0]:
            # the model leaves out what the introduction / the other paragraph imposes
            self.warn(item, "statutory model leaves out the sanctions or correction order that "
                      "the clause's introduction (or the paragraph setting its fine) imposes: "
                      f"catalog has {_describe(item.statutory)}; the provision reads "
                      + " || ".join(_describe(v.statutory) for v in candidates), at)
            return
        self.mismatch(item, "statutory model differs from the clause: catalog has "
                      f"{_describe(item.statutory)}; the clause reads "
                      + " || ".join(_describe(v.statutory) for v in candidates), at)

    def accepts(self, item: BenchmarkItem, statute: Statute,
                parsed: ClauseParse) -> tuple[bool, list[Variant]]:
        """Whether the item's model is the parsed range for its violated provisions."""
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
        if any(statutory_key(v.statutory) == wanted for v in candidates):
            return True, candidates
        # A multi-range paragraph whose ranges could not be told apart by the item's violated
        # provisions: accept the item's range when it is one of the parsed ranges.
        if len(parsed.variants) > 1 and not resolved:
            parsed_keys = {k for v in parsed.variants for k in map(_sanction_key, v.statutory.sanctions)}
            if all(_sanction_key(s) in parsed_keys for s in item.statutory.sanctions) and any(
                    statutory_key(v.statutory)[:2] == wanted[:2] for v in parsed.variants):
                return True, candidates
        return False, candidates


def verify_catalog(catalog: Catalog, laws_root: Path, *, strict: bool = False) -> VerifyReport:
    """Check every benchmark item of ``catalog`` against the statutes under ``laws_root``.

    Items whose clause the parser does not understand are warnings (mismatches with ``strict``).
    """
    verifier = _Verifier(catalog, LawLibrary(laws_root), strict)
    for item in catalog.benchmarks.values():
        verifier.item(item, laws_root)
    return verifier.report
