"""Benchmark items from an agency's readable rows: the 16-column table or the published layout.

An agency writes each tier (裁量阶次 / 违法程度) as prose circumstances and an amount; the
officer decides which tier a case is in. :class:`ItemBuilder` turns the rows of one violation
into a :class:`~discretion.catalog.models.BenchmarkItem` whose tiers have **no** ``when``: their
``description`` is the circumstances, and a case names its ``tier``.

For each violation:

- the penalty citation (处罚依据 / 处罚法律条款) and the clause text after it; with a statute
  corpus (``--laws DIR``) the citation is resolved against it (an unknown law, article,
  paragraph or item is reported), the clause text must be the statute's, and where the cell
  gives no text the clause is taken from the statute; the statutory penalty is parsed from the
  clause (:mod:`discretion.statutes.clauses`);
- the violated provisions (违反法律条款) from their column, else from the clause's
  ``违反本条例第N条…规定`` (:func:`~discretion.tables.cells.reference_citations`);
- every tier's amount (:func:`~discretion.tables.cells.parse_tier_penalty`) is checked against
  the clause's statutory range for the party it applies to, in the clause's unit (yuan,
  multiples, per unit); a tier whose amount lies in the 情节严重 range (or that names a
  sanction only 情节严重 gives) uses that range; tiers of one range must cover it without gaps
  or overlaps.

Every cell that cannot be read, and every amount outside the statutory range, is reported as a
problem naming the file, the row and the column; nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from discretion.catalog.models import (
    SANCTION_LABELS,
    BenchmarkItem,
    Citation,
    Field_,
    PartyScope,
    Provenance,
    Sanction,
    SanctionKind,
    Statutory,
    Tier,
    TierFine,
)
from discretion.catalog.ranges import clause_sanctions, party_fine, statutory_bounds
from discretion.catalog.sanctions import STAGES
from discretion.errors import Problem
from discretion.money import Range, fmt_yuan
from discretion.statutes.clauses import ClauseParse, Variant, parse_clause
from discretion.statutes.parse import LawLibrary, Paragraph, Statute, normalize_law_name
from discretion.tables.cells import (
    CellError,
    TierReading,
    num_text,
    parse_citations,
    parse_tier_penalty,
    reference_citations,
)
from discretion.tables.edits import validation_message
from discretion.tables.reader import Row, Sheet, problem

__all__ = ["PUBLISHED", "TABLE", "ItemBuilder", "Layout"]

PARTIES = ("organization", "individual")
PARTY_LABELS = {"organization": "单位", "individual": "个人"}


@dataclass(frozen=True)
class Layout:
    """Which column of a layout holds what."""

    title: str
    power: str
    violated: str
    penalty: str
    level: str
    description: str
    amount: str
    subject: str
    field: str
    source: str | None
    violated_required: bool  # the 16-column table always has 违反法律条款


TABLE = Layout("违法行为名称", "权力编码", "违反法律条款", "处罚法律条款", "违法程度", "违法情形",
               "裁量基准", "处罚对象", "行业领域", None, True)
PUBLISHED = Layout("事项名称", "事项代码", "违反法律条款", "处罚依据", "裁量阶次", "适用条件",
                   "裁量幅度", "处罚对象", "行业领域", "裁量基准来源", False)


def _zh(text: str) -> str:
    return "\n    中文：" + text


@dataclass
class _Clause:
    """What the penalty cell and the statute say: the citation, the clause text, the statutory
    penalty, the violated provisions and the provenance file."""

    penalty: Citation
    clause: str
    statutory: Statutory
    violated: list[Citation]
    file: str
    note: str | None = None


@dataclass
class ItemBuilder:
    """Builds the benchmark items of a table's plain rows (see the module docstring)."""

    sheet: Sheet
    layout: Layout
    field_code: str | None
    field_codes: dict[str, Field_]
    by_name: dict[str, str]
    prefix: str
    used_ids: set[str]
    problems: list[Problem]
    warnings: list[Problem]
    library: LawLibrary | None = None
    table_name: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    rows_of: dict[str, list[int]] = field(default_factory=dict)  # item id → its row numbers

    def report(self, row: Row | None, message: str, column: str | None = None,
               expected: str | None = None, hint: str | None = None) -> None:
        self.problems.append(problem(self.sheet, row, message, column, expected, hint))

    def cell_error(self, row: Row, exc: CellError) -> None:
        self.report(row, str(exc), exc.column, exc.expected,
                    f"write the cell as docs/tables.md shows{_zh(f'第{row.number}行“{exc.column}”列无法识别，请按文档写法更正')}")

    # --- the item -----------------------------------------------------------------------------

    def item(self, rows: list[Row]) -> BenchmarkItem | None:
        """The item of one violation's rows, or None (the problems are reported)."""
        columns = self.layout
        head = rows[0]
        before = len(self.problems)
        title = head.get(columns.title)
        if not title:
            self.report(head, f"{columns.title} is empty", columns.title,
                        hint=f"write the violation's name{_zh(f'{columns.title}不能为空')}")
            return None
        code = self.field_of(head)
        violated = self.violated_cell(head)
        readings = self.readings(rows, title)
        clause = self.clause(head, violated, readings)
        if len(self.problems) > before or clause is None or code is None:
            return None
        tiers = self.tiers(rows, readings, clause)
        if tiers is None or len(self.problems) > before:
            return None
        source = self.source(rows)
        # an agency's 16-column rows are its official tiers; a published table's tiers are
        # official where every row of the item names its 裁量基准来源
        official = columns.source is None or all(r.get(columns.source) for r in rows)
        note = clause.note
        if columns.source is None:  # the 16-column table: its rows, as before
            note = f"imported from {self.table_name} rows " + ", ".join(str(r.number) for r in rows) \
                + (f"; {clause.note}" if clause.note else "")
        item_id = self.new_id(code)
        try:
            item = BenchmarkItem(
                id=item_id, field=code, title=title, power_code=head.get(columns.power) or None,
                violated=clause.violated, penalty=clause.penalty, clause=clause.clause,
                subject=head.get(columns.subject) or None, statutory=clause.statutory, tiers=tiers,
                provenance=Provenance(file=clause.file, article=clause.penalty.article,
                                      tiers="official" if official else "reference_default",
                                      note=note, source=source))
        except ValidationError as exc:
            self.report(head, f"cannot build the item: {validation_message(exc)}")
            return None
        self.used_ids.add(item_id)
        self.rows_of[item_id] = [r.number for r in rows]
        return item

    def new_id(self, code: str) -> str:
        self.counters[code] = self.counters.get(code, 0)
        while True:
            self.counters[code] += 1
            item_id = f"{self.prefix}-{code}-{self.counters[code]:04d}"
            if item_id not in self.used_ids:
                return item_id

    def field_of(self, head: Row) -> str | None:
        if self.field_code is not None:
            return self.field_code
        column = self.layout.field
        if column not in self.sheet.columns:
            self.report(head, f"the table has no {column} column, so the field of its items is "
                        "not known", column, expected="--field CODE, or a 行业领域 column",
                        hint=f"pass --field CODE (e.g. --field SRHJ){_zh('表格没有“行业领域”列，请用 --field 指定领域代码')}")
            return None
        name = head.get(column)
        code = name if name in self.field_codes else self.by_name.get(name)
        if code is None:
            self.report(head, f"unknown 行业领域 '{name}'", column,
                        expected="a field name or code: " + "、".join(self.by_name),
                        hint="pass --field CODE, or --fields FILE with this field"
                             + _zh(f"“{name}”不是已知的领域"))
        return code

    def violated_cell(self, head: Row) -> list[Citation] | None:
        """The violated provisions of their column; None when the layout leaves them out."""
        column = self.layout.violated
        text = head.get(column)
        if not text and not self.layout.violated_required:
            return None
        try:
            cited, _ = parse_citations(text, column)
            if not cited:
                raise CellError(column, "no citation found", "《法规名称》第N条第N款")
        except CellError as exc:
            self.cell_error(head, exc)
            return []
        return cited

    def readings(self, rows: list[Row], title: str) -> list[tuple[Row, TierReading]]:
        columns = self.layout
        readings: list[tuple[Row, TierReading]] = []
        levels: list[str] = []
        for row in rows:
            level = row.get(columns.level)
            if not level:
                self.report(row, f"{columns.level} is empty", columns.level,
                            hint=f"name the tier (轻微, 一般, 较重, 严重 …){_zh(f'{columns.level}不能为空')}")
                continue
            if level in levels:
                self.report(row, f"tier '{level}' appears twice for '{title}'", columns.level,
                            hint=f"give each tier of the item its own name{_zh('同一事项的裁量阶次不能重复')}")
                continue
            levels.append(level)
            if not row.get(columns.description):
                self.report(row, f"{columns.description} is empty: the officer finds a tier from "
                            "the circumstances it writes", columns.description,
                            hint=f"write the tier's circumstances{_zh(f'{columns.description}不能为空：执法人员据此认定裁量阶次')}")
            try:
                readings.append((row, parse_tier_penalty(row.get(columns.amount), columns.amount)))
            except CellError as exc:
                self.cell_error(row, exc)
        return readings

    def source(self, rows: list[Row]) -> str | None:
        """The item's 裁量基准来源: its rows' distinct texts, in order."""
        if self.layout.source is None:
            return None
        texts: list[str] = []
        for row in rows:
            text = row.get(self.layout.source)
            if text and text not in texts:
                texts.append(text)
        return "；".join(texts) or None

    # --- the clause ------------------------------------------------------------------------------

    def clause(self, head: Row, violated: list[Citation] | None,
               readings: list[tuple[Row, TierReading]]) -> _Clause | None:
        column = self.layout.penalty
        try:
            cited, text = parse_citations(head.get(column), column)
            if len(cited) != 1:
                raise CellError(column, f"{len(cited)} citations; a benchmark has one penalty clause",
                                "《法规名称》第N条第N款[：条文]")
        except CellError as exc:
            self.cell_error(head, exc)
            return None
        penalty = cited[0]
        if self.library is not None:
            return self.from_statute(head, penalty, text, violated, readings)
        if not text:
            return self.from_tiers(head, penalty, violated, readings)
        return self.from_text(head, penalty, text, violated, penalty.law, None, readings)

    def from_statute(self, head: Row, penalty: Citation, text: str,
                     violated: list[Citation] | None,
                     readings: list[tuple[Row, TierReading]]) -> _Clause | None:
        """The citation resolved against the statute corpus; the clause text is the statute's.
        Of a law's versions, the newest whose text has the citations (and the clause text the
        cell gives) is read."""
        from discretion.statutes.verify import penalty_ranges

        assert self.library is not None
        column = self.layout.penalty
        versions = list(reversed(self.library.versions(penalty.law)))
        if not versions:
            reason = f"no law named {penalty.law!r} in the statute corpus"
            try:
                self.library.get(penalty.law)
            except KeyError as exc:
                reason = str(exc).strip("'\"")
            self.report(head, f"unknown citation {penalty.human()}: {reason}", column,
                        expected="a law of the statute corpus (--laws DIR)",
                        hint="correct the law's name, or add the statute to the corpus"
                             + _zh(f"处罚依据{penalty.human()}在法规库中找不到，请核对法规名称"))
            return None
        provisions = [penalty, *(c for c in violated or [] if _same_law(c, penalty))]
        statutes = [self.library.load(v) for v in versions]
        found = [st for st in statutes if not any(_missing(st, p) for p in provisions)]
        if not found:
            latest = statutes[0]
            for provision in provisions:
                missing = _missing(latest, provision)
                if missing:
                    where = column if provision is penalty else self.layout.violated
                    self.report(head, f"unknown citation {provision.human()}: {missing} in "
                                f"{latest.path}", where,
                                hint="correct the article, paragraph or item"
                                     + _zh(f"{provision.human()}在法规文本中不存在，请核对条、款、项"))
            return None
        statute = found[0]
        if text:
            statute = next((st for st in found if (pg := _paragraph_of(st, penalty)) is not None
                            and text in pg.full_text), statute)
        paragraph = _paragraph_of(statute, penalty)
        assert paragraph is not None
        if text and text not in paragraph.full_text:
            self.report(head, f"the clause text after the citation is not the text of "
                        f"{penalty.human()} in {statute.path}", column,
                        expected=f"words of: {_short(paragraph.full_text)}",
                        hint="copy the clause from the statute, or give the citation only"
                             + _zh("处罚依据中的条文与法规原文不一致，请照录原文或只写条款"))
            return None
        if not text:
            cited_item = paragraph.item(penalty.item) if penalty.item is not None else None
            text = cited_item.text if cited_item is not None else paragraph.text
        parsed, _ = penalty_ranges(statute, penalty, text, paragraph)
        if parsed.unparsed or not parsed.variants:
            alone = parse_clause(text)  # the sentence the table cites, when the paragraph is not
            parsed = alone if alone.ok else parsed  # understood as a whole
        return self.from_text(head, penalty, text, violated, statute.path, parsed, readings)

    def from_text(self, head: Row, penalty: Citation, text: str, violated: list[Citation] | None,
                  file: str, parsed: ClauseParse | None,
                  readings: list[tuple[Row, TierReading]]) -> _Clause | None:
        column = self.layout.penalty
        parsed = parsed or parse_clause(text)
        if parsed.unparsed or not parsed.variants:
            reasons = "; ".join(str(u) for u in parsed.unparsed) or "no sanction found"
            self.report(head, f"the penalty clause is not understood: {reasons}", column,
                        hint="split the clause's ranges into separate rows or give the citation only"
                             + _zh("处罚条文无法解析，请拆分或只写条款"))
            return None
        variant = self.variant(head, parsed, penalty, violated, readings)
        if variant is None:
            return None
        note = None
        if violated is None:
            violated = reference_citations(variant.reference or parsed.reference, penalty)
            if not violated:
                violated = [penalty]
                note = ("the table names no violated provision and the clause refers to none of "
                        "its law's provisions: the penalty provision, which describes the act, is "
                        "taken as violated")
                self.warnings.append(problem(
                    self.sheet, head, "the table has no 违反法律条款 and the clause names no "
                    f"provision it enforces (违反本法规定, 前款规定): {penalty.human()} itself is taken "
                    "as the violated provision", self.layout.violated))
        return _Clause(penalty, text, variant.statutory, violated, file, note)

    def variant(self, head: Row, parsed: ClauseParse, penalty: Citation,
                violated: list[Citation] | None,
                readings: list[tuple[Row, TierReading]]) -> Variant | None:
        """The clause's range for this violation: a paragraph may have several (for different
        violated provisions, or addressees). The violated provisions choose among them, then the
        range every tier's amount fits."""
        if len(parsed.variants) == 1:
            return parsed.variants[0]
        candidates = list(parsed.variants)
        if violated:
            named = [v for v in candidates
                     if (refs := reference_citations(v.reference or parsed.reference, penalty))
                     and all(any(_covers(n, c) for n in refs) for c in violated)]
            candidates = named or candidates
        fitting = [v for v in candidates if _fits(readings, v.statutory)]
        if len(fitting) == 1:
            return fitting[0]
        if len(candidates) == 1:
            return candidates[0]  # its amounts that do not fit are reported with their rows
        self.report(head, f"the clause has {len(parsed.variants)} ranges ("
                    + "; ".join(v.reference or v.subject or "…" for v in parsed.variants)
                    + ") and neither the violated provisions nor the tiers' amounts say which one "
                    "applies", self.layout.penalty,
                    expected="a 违反法律条款 column naming the violated provision, or only the "
                             "clause's sentence for this violation",
                    hint="add 违反法律条款, or cite the clause sentence that applies"
                         + _zh("处罚条文含有多个处罚幅度，请写明违反法律条款"))
        return None

    def from_tiers(self, head: Row, penalty: Citation, violated: list[Citation] | None,
                   readings: list[tuple[Row, TierReading]]) -> _Clause | None:
        """Without clause text or statute: one fine per party spanning the tiers."""
        spans: dict[PartyScope, tuple[Decimal, Decimal]] = {}
        kinds: list[SanctionKind] = []
        for _, reading in readings:
            if reading.unit != "yuan":
                self.report(readings[0][0], "a multiple-of-income or per-unit fine needs the clause "
                            "text (which base it multiplies)", self.layout.penalty,
                            expected="《法规名称》第N条第N款：条文, or --laws DIR")
                return None
            for fine in reading.fines:
                assert fine.min is not None and fine.max is not None
                low, high = spans.get(fine.party, (fine.min, fine.max))
                spans[fine.party] = (min(low, fine.min), max(high, fine.max))
            kinds += [k for k in reading.kinds if k not in kinds]
        sanctions = [Sanction(kind=SanctionKind.fine, party=party, min=low, max=high)
                     for party, (low, high) in spans.items()]
        sanctions += [Sanction(kind=k) for k in kinds if k is not SanctionKind.fine]
        if not sanctions:
            self.report(readings[0][0] if readings else head, "no sanction can be read from the tiers",
                        self.layout.amount)
            return None
        self.warnings.append(problem(self.sheet, head, "no clause text after the citation: the "
                                     "statutory range is taken as the span of the tiers",
                                     self.layout.penalty))
        if violated is None:
            violated = [penalty]
        note = ("the table gives no clause text: the statutory range is the span of the table's "
                "tiers — check it against the statute")
        return _Clause(penalty, head.get(self.layout.penalty), Statutory(sanctions=sanctions),
                       violated, penalty.law, note)

    # --- the tiers, checked against the clause -------------------------------------------------

    def tiers(self, rows: list[Row], readings: list[tuple[Row, TierReading]],
              clause: _Clause) -> list[Tier] | None:
        statutory = clause.statutory
        amount = self.layout.amount
        kinds_of_clause = {s.kind for stage in STAGES for serious in (False, True)
                           for s in clause_sanctions(statutory, serious, stage)}
        serious_only = {s.kind for s in statutory.serious.sanctions} - {
            s.kind for stage in STAGES for s in clause_sanctions(statutory, False, stage)} \
            if statutory.serious is not None else set()
        unit = _unit(statutory)
        tiers: list[Tier] = []
        checked: list[tuple[Row, Tier]] = []
        for row, reading in readings:
            extra = [k for k in reading.kinds if k not in kinds_of_clause]
            if extra:
                self.report(row, "sanction not in the penalty clause: "
                            + "、".join(SANCTION_LABELS[k] for k in extra), amount,
                            expected="the clause's sanctions: " + "、".join(
                                SANCTION_LABELS[k] for k in sorted(kinds_of_clause)),
                            hint="write only the sanctions the clause gives"
                                 + _zh(f"第{row.number}行的处罚种类不在处罚依据的条文中"))
                continue
            if reading.fines and reading.unit != unit:
                self.report(row, f"the tier's fine is in {_unit_words(reading.unit)}, the clause's "
                            f"in {_unit_words(unit)}", amount,
                            hint="write the amount as the clause does" + _zh("裁量幅度的计算方式与条文不一致"))
                continue
            uses = self.uses(row, reading, clause, serious_only)
            if uses is None:
                continue
            fine: TierFine | list[TierFine] | None = None
            if len(reading.fines) == 1:
                fine = reading.fines[0]
            elif reading.fines:
                fine = reading.fines
            tier = Tier(level=row.get(self.layout.level), when=None,
                        description=row.get(self.layout.description) or None, fine=fine,
                        sanctions=[k for k in reading.kinds if k is not SanctionKind.fine],
                        uses=uses)
            tiers.append(tier)
            checked.append((row, tier))
        if len(checked) != len(readings):
            return None
        self.coverage(checked, statutory)
        return tiers

    def uses(self, row: Row, reading: TierReading, clause: _Clause,
             serious_only: set[SanctionKind]) -> Literal["base", "serious"] | None:
        """The range a tier's amount lies in: the base range, else the 情节严重 range; every
        amount outside the range for its party is reported."""
        statutory = clause.statutory
        layers: list[bool] = [True] if set(reading.kinds) & serious_only else [False, True]
        if statutory.serious is None:
            layers = [False]
        for serious in layers:
            if not self.outside(reading, statutory, serious):
                return "serious" if serious else "base"
        for message, party in self.outside(reading, statutory, layers[0]):
            word = PARTY_LABELS.get(party, "")
            self.report(row, message, self.layout.amount,
                        expected="an amount inside the statutory range of the clause "
                                 f"({clause.penalty.human()})",
                        hint="correct the amount to the clause's range"
                             + _zh(f"第{row.number}行裁量幅度{('（' + word + '）') if word else ''}"
                                   "超出法定处罚幅度，请按处罚依据更正"))
        return None

    def outside(self, reading: TierReading, statutory: Statutory,
                serious: bool) -> list[tuple[str, str]]:
        """Each amount of the tier outside the clause's range for its party (message, party)."""
        found: list[tuple[str, str]] = []
        layer = "the 情节严重 range" if serious else "the statutory range"
        for fine in reading.fines:
            assert fine.min is not None and fine.max is not None
            parties = PARTIES if fine.party is PartyScope.any else (fine.party.value,)
            fined = [(p, party_fine(statutory, p, serious)) for p in parties]
            if all(s is None for _, s in fined):
                found.append((f"the clause has no fine for {' or '.join(parties)}"
                              + (" in its 情节严重 range" if serious else ""), fine.party.value))
                continue
            seen: set[int] = set()
            for party, sanction in fined:
                if sanction is None or id(sanction) in seen:
                    continue
                seen.add(id(sanction))
                if sanction.party is PartyScope.any:
                    party = "any"  # one range for both kinds of party: reported once
                whole = statutory_bounds(sanction)
                tier = Range(fine.min, fine.max)
                if whole.contains(tier):
                    continue
                if tier.high > whole.high:
                    what = f"above the statutory maximum {_amount(whole.high, sanction)}"
                else:
                    what = f"below the statutory minimum {_amount(whole.low, sanction)}"
                whom = "" if party == "any" else f"{party}: "
                found.append((f"{whom}{_range(tier, sanction)} is {what} ({layer} "
                              f"{_range(whole, sanction)})", party))
        return found

    def coverage(self, checked: list[tuple[Row, Tier]], statutory: Statutory) -> None:
        """Tiers of one range and party cover it without gaps or overlaps (as the catalog
        validator requires), reported at the later tier's row."""
        column = self.layout.amount
        for uses in ("base", "serious"):
            seen: set[tuple[int, ...]] = set()
            for party in PARTIES:
                sanction = party_fine(statutory, party, uses == "serious")
                if sanction is None:
                    continue
                bands: list[tuple[Range, Row]] = []
                fines: list[TierFine] = []
                for row, tier in checked:
                    fine = next((f for f in tier.fines if f.party.value in ("any", party)), None)
                    if tier.uses == uses and fine is not None:
                        assert fine.min is not None and fine.max is not None
                        bands.append((Range(fine.min, fine.max), row))
                        fines.append(fine)
                key = (id(sanction), *(id(f) for f in fines))
                if len(bands) < 2 or key in seen:
                    continue  # a range and tier fines of both kinds of party: checked once
                seen.add(key)
                whom = "" if sanction.party is PartyScope.any and all(
                    f.party is PartyScope.any for f in fines) else f"{party}: "
                whole = statutory_bounds(sanction)
                bands.sort(key=lambda pair: (pair[0].low, pair[0].high))
                if bands[0][0].low != whole.low or bands[-1][0].high != whole.high:
                    self.report(bands[0][1], f"{whom}the tiers cover "
                                f"{_range(Range(bands[0][0].low, bands[-1][0].high), sanction)}, not "
                                f"the whole statutory range {_range(whole, sanction)}", column,
                                hint="let the lowest tier start at the minimum and the highest end "
                                     "at the maximum" + _zh("各裁量阶次应覆盖完整的法定幅度"))
                for (prev, _), (nxt, row) in pairwise(bands):
                    if nxt.low != prev.high:
                        what = "overlaps" if nxt.low < prev.high else "leaves a gap after"
                        self.report(row, f"{whom}{_range(nxt, sanction)} {what} the tier "
                                    f"{_range(prev, sanction)}", column,
                                    hint="adjacent tiers may share a boundary amount, not more"
                                         + _zh("相邻裁量阶次的幅度不得重叠或留有空档"))


def _paragraph_of(statute: Statute, cited: Citation) -> Paragraph | None:
    return statute.paragraph(cited.article, cited.paragraph or 1)


def _same_law(a: Citation, b: Citation) -> bool:
    return normalize_law_name(a.law) == normalize_law_name(b.law)


def _fits(readings: list[tuple[Row, TierReading]], statutory: Statutory) -> bool:
    """Every tier's amount lies in the range (base or 情节严重) for its party, in its unit, and
    names only the clause's sanctions."""
    kinds = {s.kind for stage in STAGES for serious in (False, True)
             for s in clause_sanctions(statutory, serious, stage)}
    for _, reading in readings:
        if not set(reading.kinds) <= kinds or (reading.fines and reading.unit != _unit(statutory)):
            return False
        for fine in reading.fines:
            assert fine.min is not None and fine.max is not None
            parties = PARTIES if fine.party is PartyScope.any else (fine.party.value,)
            ranges = [party_fine(statutory, p, serious) for p in parties for serious in (False, True)]
            if not any(s is not None and statutory_bounds(s).contains(Range(fine.min, fine.max))
                       for s in ranges):
                return False
    return True


def _missing(statute: Statute, cited: Citation) -> str | None:
    """What of a citation the statute does not have, or None."""
    article = statute.article(cited.article)
    if article is None:
        return f"no article {cited.article}"
    if cited.paragraph is not None:
        paragraph = article.paragraph(cited.paragraph)
        if paragraph is None:
            return f"article {cited.article} has no paragraph {cited.paragraph}"
        if cited.item is not None and paragraph.item(cited.item) is None:
            return f"article {cited.article} paragraph {cited.paragraph} has no item {cited.item}"
    return None


def _covers(named: Citation, cited: Citation) -> bool:
    if named.article != cited.article:
        return False
    if named.paragraph is not None and named.paragraph != cited.paragraph:
        return False
    return named.item is None or named.item == cited.item


def _unit(statutory: Statutory) -> str:
    fine = next((s for s in statutory.every_sanction() if s.kind is SanctionKind.fine), None)
    if fine is None:
        return "yuan"
    return "multiple" if fine.base else "per" if fine.per else "yuan"


def _unit_words(unit: str) -> str:
    return {"multiple": "multiples of a base (倍)", "per": "an amount per unit (按每…)"}.get(unit, "yuan")


def _amount(value: Decimal, sanction: Sanction) -> str:
    if sanction.base:
        return f"{num_text(value)}倍"
    if sanction.per:
        return f"{num_text(value)}元每单位"
    return fmt_yuan(value)


def _range(bounds: Range, sanction: Sanction) -> str:
    return f"{_amount(bounds.low, sanction)}–{_amount(bounds.high, sanction)}"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def laws_library(root: Path | None) -> LawLibrary | None:
    """The statute corpus at ``root`` (None: no corpus)."""
    return None if root is None else LawLibrary(root)
