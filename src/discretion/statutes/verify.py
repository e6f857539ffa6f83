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

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, Citation, Sanction, Statutory
from discretion.statutes.clauses import parse_clause
from discretion.statutes.extract import Provision, resolve_reference
from discretion.statutes.parse import LawLibrary, Statute, normalize_law_name

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
            text += f" {s.low.normalize()}-{s.max.normalize()}"
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
        target = paragraph.text
        if penalty.item is not None:
            cited_item = paragraph.item(penalty.item)
            target = cited_item.text if cited_item else target
        elif item.clause not in target and item.clause in paragraph.full_text:
            target = item.clause
        parsed = parse_clause(target)
        if not parsed.variants:
            reasons = "; ".join(str(u) for u in parsed.unparsed) or "no sanction found"
            self.warn(item, f"cannot check the sanctions: the clause is not understood ({reasons})", at)
            return
        if parsed.unparsed:
            self.warn(item, "part of the clause is not understood: "
                      + "; ".join(str(u) for u in parsed.unparsed), at)
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
        if not candidates:
            candidates = list(parsed.variants)
        wanted = statutory_key(item.statutory)
        if any(statutory_key(v.statutory) == wanted for v in candidates):
            return
        # A multi-range paragraph: accept the item's range when it is one of the parsed ranges.
        if len(parsed.variants) > 1:
            parsed_keys = {k for v in parsed.variants for k in map(_sanction_key, v.statutory.sanctions)}
            if all(_sanction_key(s) in parsed_keys for s in item.statutory.sanctions) and any(
                    statutory_key(v.statutory)[:2] == wanted[:2] for v in parsed.variants):
                return
        self.mismatch(item, "statutory model differs from the clause: catalog has "
                      f"{_describe(item.statutory)}; the clause reads "
                      + " || ".join(_describe(v.statutory) for v in candidates), at)


def verify_catalog(catalog: Catalog, laws_root: Path, *, strict: bool = False) -> VerifyReport:
    """Check every benchmark item of ``catalog`` against the statutes under ``laws_root``.

    Items whose clause the parser does not understand are warnings (mismatches with ``strict``).
    """
    verifier = _Verifier(catalog, LawLibrary(laws_root), strict)
    for item in catalog.benchmarks.values():
        verifier.item(item, laws_root)
    return verifier.report
