"""The supervision audit (执法监督): re-decide decided cases and report where the record deviates.

Each input record is a case (the case contract, or its flattened CSV columns) plus what was
actually decided: ``decided.outcome`` (``not_penalized`` | ``penalized`` | ``correction_only``)
and ``decided.fine`` (yuan, a decimal string; empty when no fine). The engine decides the case
again and :class:`Auditor` compares, giving zero or more :class:`Deviation` rows per record, or
one ``invalid_record`` row when the record cannot be audited at all. See ``docs/audit.md``.

Streaming: records are read in chunks (``discretion.runs.parallel``: a few thousand in one
process), audited grouped by item (each item's rules and tables stay hot) and written in
input order; only counters are kept (:class:`AuditStats`), so memory does not grow with the
input.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from discretion.case import item_key
from discretion.catalog.catalog import Catalog
from discretion.catalog.models import Citation
from discretion.decision import Decision, SanctionOut
from discretion.engine.engine import Engine
from discretion.errors import DiscretionError
from discretion.io.records import Record, Unparsed, map_by_item, parsed, ruleset_key
from discretion.money import MoneyError, fmt, to_money
from discretion.runs.parallel import map_ordered, worker_engine
from discretion.tables.columns import csv_cell

OUTCOMES = ("not_penalized", "penalized", "correction_only")

# kind code -> (severity, Chinese label). Order is the order of columns in the summary and of
# the stacks in the chart.
KINDS: dict[str, tuple[str, str]] = {
    "penalized_when_law_forbids": ("high", "依法应当不予处罚而处罚"),
    "limitation_ignored": ("high", "超过追责时效仍处罚"),
    "fine_without_clause_condition": ("high", "不具备罚款条件而罚款"),
    "fine_above_statutory": ("high", "罚款高于法定最高额"),
    "fine_below_statutory": ("medium", "罚款低于法定最低额"),
    "missed_mandatory_adjustment": ("medium", "应当从轻减轻而未从轻减轻"),
    "fine_outside_recommended": ("low", "罚款超出裁量基准建议幅度"),
    "not_penalized_without_ground": ("low", "无不予处罚依据而未处罚（风险线索）"),
    "needs_facts": ("info", "记录缺少审查所需事实"),
    "invalid_record": ("info", "记录无效"),
}
# Kinds that are findings about the decision; the other two are about the record itself.
LEGAL_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k not in ("needs_facts", "invalid_record"))
CSV_HEADER = ("line", "reference", "item", "field", "kind", "severity", "expected", "actual",
              "basis", "message")
NO_FIELD = "-"
ZERO = Decimal("0.00")


@dataclass(slots=True)
class Deviation:
    """One row of the deviations report."""

    line: int
    reference: str
    item: str
    field: str
    kind: str
    expected: str
    actual: str
    basis: str
    message: str

    @property
    def severity(self) -> str:
        return KINDS[self.kind][0]

    def row(self) -> list[str | int]:
        """The CSV row. Text cells are neutralised against spreadsheet formulas (a reference
        or an item id such as ``=HYPERLINK(…)`` gets a leading apostrophe; docs/tables.md)."""
        return [self.line, *(csv_cell(text) for text in (
            self.reference, self.item, self.field, self.kind, self.severity, self.expected,
            self.actual, self.basis, self.message))]


@dataclass
class AuditStats:
    """Counters for the summary: constant size whatever the input length."""

    records: int = 0
    audited: int = 0  # the engine gave an outcome
    invalid: int = 0
    needs_facts: int = 0
    with_deviations: int = 0  # records with at least one legal deviation
    deviations: int = 0  # legal deviations (not needs_facts / invalid_record)
    kinds: Counter[str] = field(default_factory=Counter)
    cases_by_field: Counter[str] = field(default_factory=Counter)
    by_field: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, record_field: str, deviations: list[Deviation]) -> None:
        self.add_kinds(record_field, [d.kind for d in deviations])

    def add_kinds(self, record_field: str, kinds: Iterable[str]) -> None:
        """Count one record of field ``record_field`` with deviations of ``kinds`` (all the
        deviations of a record share its field)."""
        self.records += 1
        self.cases_by_field[record_field] += 1
        legal = 0
        unaudited = False
        for kind in kinds:
            self.kinds[kind] += 1
            self.by_field.setdefault(record_field or NO_FIELD, Counter())[kind] += 1
            if kind == "invalid_record":
                self.invalid += 1
                unaudited = True
            elif kind == "needs_facts":
                self.needs_facts += 1
                unaudited = True
            else:
                legal += 1
        if not unaudited:
            self.audited += 1
        self.deviations += legal
        if legal:
            self.with_deviations += 1

    def merge(self, other: AuditStats) -> AuditStats:
        """Add another run's counters (partitions of one input, docs/scaling.md)."""
        for name in ("records", "audited", "invalid", "needs_facts", "with_deviations",
                     "deviations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.kinds.update(other.kinds)
        self.cases_by_field.update(other.cases_by_field)
        for code, counts in other.by_field.items():
            self.by_field.setdefault(code, Counter()).update(counts)
        return self


class _Invalid(Exception):
    def __init__(self, problems: list[str], details: list[dict[str, Any]] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.details = details or [{"message": message} for message in problems]


def status_of(kinds: Iterable[str]) -> str:
    """The status of a record in the records file: invalid, needs_facts, deviations or ok."""
    kinds = list(kinds)
    if "invalid_record" in kinds:
        return "invalid"
    if "needs_facts" in kinds:
        return "needs_facts"
    return "deviations" if kinds else "ok"


@dataclass(slots=True)
class AuditResult:
    """The audit of one record: one line of the records file (``--records``)."""

    line: int
    reference: str
    item: str
    field: str
    deviations: list[Deviation]
    # dataclasses.field: in this class, the name field is the record's field code
    problems: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # invalid records only

    @property
    def status(self) -> str:
        return status_of(d.kind for d in self.deviations)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "reference": self.reference, "item": self.item,
                               "status": self.status,
                               "deviations": [d.kind for d in self.deviations]}
        if out["status"] == "invalid":
            out["error"] = {"problems": self.problems}
        return out

    def json_line(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"


def span_of(sanctions: Iterable[SanctionOut]) -> tuple[Decimal, Decimal] | None:
    """The overall [min, max] of the fines among ``sanctions`` (None when none has an amount)."""
    lows: list[Decimal] = []
    highs: list[Decimal] = []
    for sanction in sanctions:
        if sanction.kind == "fine" and sanction.fine is not None:
            lows.append(Decimal(sanction.fine.min))
            highs.append(Decimal(sanction.fine.max))
    if not lows:
        return None
    return min(lows), max(highs)


def _range_text(span: tuple[Decimal, Decimal]) -> str:
    return f"{fmt(span[0])}-{fmt(span[1])}"


def _can_mitigate(decision: Decision) -> bool:
    """Whether a ground allows a fine below the statutory minimum (减轻处罚)."""
    if any(a.kind == "heavier" for a in decision.adjustments):
        return False  # offset: the tier's own band stands (docs/legal-model.md §9)
    return any(a.kind == "mitigated" or "减轻" in a.reason for a in decision.adjustments
               if a.kind != "heavier")


class Auditor:
    """Re-decides decided cases with one engine and compares; keeps :attr:`stats`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.catalog: Catalog = engine.catalog
        self.stats = AuditStats()

    # --- per record ----------------------------------------------------------------------

    def audit(self, records: Iterable[Record]) -> Iterator[tuple[Record, list[Deviation]]]:
        """Each record with its deviations, in input order (an iterator: constant memory)."""
        for record in records:
            yield record, self.audit_record(record)

    def audit_record(self, record: Record) -> list[Deviation]:
        return self.audit_result(record).deviations

    def audit_result(self, record: Record) -> AuditResult:
        """The audit of one record (counted in :attr:`stats`), with its item and field."""
        result = self.examine(record)
        self.count(result)
        return result

    def count(self, result: AuditResult) -> None:
        """Count an audited record in :attr:`stats`."""
        self.stats.add(result.field or NO_FIELD, result.deviations)

    def examine(self, record: Record) -> AuditResult:
        """The audit of one record, not counted (see :meth:`audit_result`)."""
        case = record.case
        reference = str(case.get("reference") or "") if case is not None else ""
        item_id = item_key(case)
        problems: list[dict[str, Any]] = []
        try:
            item_id, record_field, deviations = self._audit(record, reference)
        except _Invalid as exc:
            deviations = [self._invalid(record, reference, item_id, exc.problems)]
            record_field = deviations[0].field
            problems = exc.details
        except Exception as exc:  # a bug must not lose the record or stop the run
            message = f"internal error: {type(exc).__name__}: {exc}"
            deviations = [self._invalid(record, reference, item_id, [message])]
            record_field = deviations[0].field
            problems = [{"message": message}]
        return AuditResult(record.line, reference, item_id, record_field, deviations, problems)

    def restore(self, result: dict[str, Any]) -> int:
        """Count a line of an earlier run's records file in :attr:`stats` (``--resume``);
        returns its number of deviation rows. Raises ValueError when it is not one."""
        kinds = result.get("deviations") if isinstance(result, dict) else None
        item = result.get("item") if isinstance(result, dict) else None
        if (not isinstance(kinds, list) or not all(k in KINDS for k in kinds)
                or not isinstance(item, str) or not isinstance(result.get("line"), int)):
            raise ValueError("not a line of an audit records file")
        self.stats.add_kinds(self._field_of(item) or NO_FIELD, kinds)
        return len(kinds)

    def _audit(self, record: Record, reference: str) -> tuple[str, str, list[Deviation]]:
        if record.case is None:
            raise _Invalid([record.error or "unreadable record"])
        case = dict(record.case)
        outcome, fine = self._decided(case, record.extra)
        try:
            decision = self.engine.evaluate(case)
        except DiscretionError as exc:
            raise _Invalid([(f"{p.path}: " if p.path else "") + p.message
                            for p in exc.problems], [p.as_dict() for p in exc.problems]) from None
        item_id = decision.item or ""
        dev = _Builder(record.line, reference, item_id, self._field_of(item_id),
                       outcome, fine)
        if decision.outcome is None:
            needs = decision.needs_facts
            facts = needs.facts if needs is not None else []
            dev.add("needs_facts", "、".join(f.path for f in facts), dev.actual_text(), "",
                    "案件记录缺少审查所需的事实：" + "、".join(f.label for f in facts)
                    + "；无法判断处理是否合法")
            return item_id, dev.field, dev.rows
        item = self.catalog.benchmarks.get(item_id)
        penalty = item.penalty.human() if item is not None else ""
        if decision.outcome == "not_penalized":
            self._not_penalized(decision, dev)
        elif decision.outcome == "correction_only":
            if outcome == "penalized" and fine is not None and fine > 0:
                reason = decision.grounds[-1].reason if decision.grounds else "不具备罚款条件"
                basis = decision.grounds[-1].citation.human() if decision.grounds else penalty
                dev.add("fine_without_clause_condition", "correction_only",
                        f"penalized {fmt(fine)}", basis,
                        f"{reason}；但记录处以罚款{fmt(fine)}元")
        else:
            self._penalized(decision, dev, penalty)
        return item_id, dev.field, dev.rows

    def _not_penalized(self, decision: Decision, dev: _Builder) -> None:
        if dev.outcome != "penalized" or not decision.mandatory:
            return  # a may-ground (可以不予处罚) leaves penalising lawful
        citation, reason = _deciding_ground(decision)
        basis = citation.human() if citation is not None else ""
        if citation is not None and citation.article == 36 and "行政处罚法" in citation.law:
            dev.add("limitation_ignored", "not_penalized", dev.actual_text(), basis,
                    f"{reason}，依法不再给予行政处罚；但记录给予了行政处罚")
        else:
            dev.add("penalized_when_law_forbids", "not_penalized", dev.actual_text(), basis,
                    f"依法应当不予行政处罚（{reason}）；但记录给予了行政处罚")

    def _penalized(self, decision: Decision, dev: _Builder, penalty: str) -> None:
        if dev.outcome != "penalized":
            if any(step.rule == "art33.1" for step in decision.trace):
                return  # Art. 33 ¶1 second sentence: may not penalise (a may-ground exists)
            words = "不予行政处罚" if dev.outcome == "not_penalized" else "仅责令改正、未予处罚"
            dev.add("not_penalized_without_ground", "penalized", dev.outcome, penalty,
                    f"依裁量基准应予处罚，且没有可以不予处罚的依据；记录{words}。"
                    "作为执法风险线索核查（是否有未录入的情节）")
            return
        statutory_fines = [s for s in decision.statutory if s.kind == "fine"]
        if dev.fine is None:
            if not any(s.mode == "shall" for s in statutory_fines):
                return  # no fine, or only "may" fines: a penalty without a fine can be lawful
            fine = ZERO
        else:
            fine = dev.fine
        actual = fmt(fine) if dev.fine is not None else "无罚款"
        statutory = span_of(self._statutory_for(decision))
        if statutory is None and not statutory_fines and fine > 0:
            dev.add("fine_above_statutory", "无罚款", actual, penalty,
                    f"法定处罚种类不含罚款；但记录处以罚款{actual}元")
            return
        if statutory is not None:
            low, high = statutory
            if fine > high:
                dev.add("fine_above_statutory", _range_text(statutory), actual, penalty,
                        f"罚款{actual}元高于法定最高额{fmt(high)}元（法定幅度{_range_text(statutory)}元）")
                return
            if fine < low and not _can_mitigate(decision):
                dev.add("fine_below_statutory", _range_text(statutory), actual, penalty,
                        f"罚款{actual}元低于法定最低额{fmt(low)}元，且没有减轻处罚情节")
                return
        recommended = span_of(decision.recommended)
        tier = decision.tier.level if decision.tier is not None else "按法定幅度"
        if recommended is None:
            if fine > 0 and statutory_fines:
                dev.add("fine_outside_recommended", "不建议罚款", actual,
                        f"{penalty}；裁量基准{dev.item}（{tier}）",
                        f"裁量基准对本案（{tier}）不建议罚款；但记录处以罚款{actual}元")
            return
        low, high = recommended
        mandatory = [a for a in decision.adjustments
                     if a.mandatory and a.kind in ("lighter", "mitigated")]
        heavier = any(a.kind == "heavier" for a in decision.adjustments)
        if fine > high and mandatory and not heavier:
            basis = "；".join(dict.fromkeys(a.basis.human() for a in mandatory))
            dev.add("missed_mandatory_adjustment", _range_text(recommended), actual, basis,
                    f"有应当从轻或者减轻处罚的情节（{'；'.join(a.reason for a in mandatory)}），"
                    f"罚款{actual}元高于建议最高额{fmt(high)}元")
        elif fine > high or fine < low:
            dev.add("fine_outside_recommended", _range_text(recommended), actual,
                    f"{penalty}；裁量基准{dev.item}（{tier}）",
                    f"罚款{actual}元在法定幅度内，但不在裁量基准建议幅度{_range_text(recommended)}元内"
                    f"（违法程度：{tier}）")

    def _statutory_for(self, decision: Decision) -> list[SanctionOut]:
        """The statutory fines for the party at the level applied (情节严重 or not)."""
        item = self.catalog.benchmarks.get(decision.item or "")
        serious = False
        if item is not None and decision.tier is not None and decision.tier.index < len(item.tiers):
            serious = item.tiers[decision.tier.index].uses == "serious"
        chosen = [s for s in decision.statutory
                  if (s.basis or "").startswith("情节严重的") == serious]
        return chosen or decision.statutory

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _decided(case: dict[str, Any], extra: dict[str, str]) -> tuple[str, Decimal | None]:
        """Take ``decided`` out of the case (JSONL) or the extra columns (CSV)."""
        problems: list[str] = []
        raw = case.pop("decided", None)
        if raw is None:
            raw = {"outcome": extra.get("decided.outcome", ""), "fine": extra.get("decided.fine", "")}
        if not isinstance(raw, dict):
            raise _Invalid(["decided: expected an object {outcome, fine}"])
        unknown = sorted(set(raw) - {"outcome", "fine"})
        if unknown:
            problems.append("decided: unknown key(s) " + ", ".join(map(str, unknown)))
        outcome = str(raw.get("outcome") or "").strip()
        if outcome not in OUTCOMES:
            problems.append(f"decided.outcome: {outcome!r} is not one of " + "|".join(OUTCOMES)
                            if outcome else "decided.outcome: missing (what was decided?)")
        fine: Decimal | None = None
        value = raw.get("fine")
        if value is not None and str(value).strip() != "":
            try:
                fine = to_money(value)
            except MoneyError as exc:
                problems.append(f"decided.fine: {exc}")
            else:
                if fine < 0:
                    problems.append(f"decided.fine: {fmt(fine)} is negative")
                elif fine > 0 and outcome in ("not_penalized", "correction_only"):
                    problems.append(f"decided.fine: a fine of {fmt(fine)} with decided.outcome "
                                    f"{outcome} is contradictory")
        if problems:
            raise _Invalid(problems)
        return outcome, fine

    def _field_of(self, item_id: str) -> str:
        item = self.catalog.benchmarks.get(item_id) if item_id else None
        return item.field if item is not None else ""

    def _invalid(self, record: Record, reference: str, item_id: str,
                 problems: list[str]) -> Deviation:
        return Deviation(record.line, reference, item_id, self._field_of(item_id),
                         "invalid_record", "", "", "",
                         f"第{record.line}行记录无效：" + "；".join(problems))


class _Builder:
    """Collects the deviations of one record."""

    def __init__(self, line: int, reference: str, item: str, field_code: str, outcome: str,
                 fine: Decimal | None) -> None:
        self.line, self.reference, self.item, self.field = line, reference, item, field_code
        self.outcome, self.fine = outcome, fine
        self.rows: list[Deviation] = []

    def actual_text(self) -> str:
        return self.outcome + (f" {fmt(self.fine)}" if self.fine is not None and self.fine > 0
                               else "")

    def add(self, kind: str, expected: str, actual: str, basis: str, message: str) -> None:
        self.rows.append(Deviation(self.line, self.reference, self.item, self.field, kind,
                                   expected, actual, basis, message))


def _deciding_ground(decision: Decision) -> tuple[Citation | None, str]:
    """The citation and reason of the step that ended the case (应当不予行政处罚)."""
    for step in reversed(decision.trace):
        if step.detail.startswith("应当不予行政处罚") and step.citation is not None:
            return step.citation, step.detail.split("：", 1)[-1]
    if decision.grounds:
        ground = decision.grounds[-1]
        return ground.citation, ground.reason
    return None, "依法不予行政处罚"


# --- running ------------------------------------------------------------------------------


def _audit_chunk(records: list[Unparsed]) -> list[AuditResult]:
    auditor = Auditor(worker_engine())
    return map_by_item(records, lambda record: auditor.examine(parsed(record)))


def run_audit(auditor: Auditor, records: Iterable[Unparsed], out: IO[str], *,
              progress: bool = False, total: int | None = None,
              records_out: IO[str] | None = None, skip: int = 0, header: bool = True,
              last_line: int | None = None, jobs: int = 1) -> AuditStats:
    """Audit ``records`` and write the deviations CSV to ``out``; returns the counters.

    ``records_out``: the records file (one JSON line per input record). ``skip``: input records
    already audited by an earlier run (``--resume``; their counts are already in
    ``auditor.stats``, see :func:`resume_audit`); ``last_line`` is the input line of the last
    of them, checked so that a different input is not resumed. ``header``: write the CSV header
    (not when appending to a CSV that has one).

    Crash safety: a records line is written only after the deviation rows of its record have
    been flushed, so the records file never gets ahead of the CSV (:func:`resume_audit` cuts
    the CSV back to the rows of the records kept). ``jobs``: audit on that many processes
    (:mod:`discretion.runs.parallel`); the output is the same, in the same order."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(CSV_HEADER)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="case", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
    pending: list[str] = []

    def flush() -> None:
        out.flush()
        if records_out is not None and pending:
            records_out.write("".join(pending))
            records_out.flush()
            pending.clear()

    try:
        results = map_ordered(auditor.engine, _audit_chunk, _skipping(records, skip, last_line),
                              jobs=jobs, affinity=ruleset_key(auditor.engine))
        for index, result in enumerate(results, 1):
            auditor.count(result)
            for deviation in result.deviations:
                writer.writerow(deviation.row())
            if records_out is not None:
                pending.append(result.json_line())
                if len(pending) >= 1000:
                    flush()
            if bar is not None and index % 256 == 0:
                bar.update(256)
        if bar is not None:
            bar.update(auditor.stats.records - skip - bar.n)
    finally:
        flush()
        if bar is not None:
            bar.close()
    return auditor.stats


class ResumeMismatch(ValueError):
    """The records file of ``--resume`` was not written for this input."""


def _skipping(records: Iterable[Unparsed], skip: int, last_line: int | None) -> Iterator[Unparsed]:
    """``records`` without the first ``skip``; checks the last skipped one's line."""
    iterator = iter(records)
    for index in range(skip):
        record = next(iterator, None)
        if record is None:
            return
        if index == skip - 1 and last_line is not None and record.line != last_line:
            raise ResumeMismatch(f"the records file does not match the input: its last record is "
                             f"line {last_line}, the input's record {skip} is line {record.line}")
    yield from iterator


@dataclass
class Resumed:
    """What :func:`resume_audit` found: records to skip, the last one's line, CSV state."""

    skip: int = 0
    last_line: int | None = None
    rows: int = 0  # deviation rows of the skipped records
    header: bool = True  # the CSV needs its header (it is empty or absent)


def resume_audit(auditor: Auditor, records_path: Path, csv_path: Path | None) -> Resumed:
    """Prepare ``--resume``: cut a torn last line off the records file, count its complete lines
    (the records to skip) and rebuild their counts into ``auditor.stats`` (so the summary covers
    the whole input); cut the deviations CSV (``csv_path``, None for stdout) back to its header
    and the rows of those records. Raises ValueError when the files do not fit together."""
    from discretion.runs.batch import completed_lines

    resumed = Resumed(skip=completed_lines(records_path))
    if resumed.skip:
        with records_path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, 1):
                try:
                    result = json.loads(text)
                    resumed.rows += auditor.restore(result)
                except ValueError as exc:
                    raise ValueError(f"{records_path}:{number}: {exc}") from None
                resumed.last_line = result["line"]
    if csv_path is not None:
        resumed.header = _cut_csv(csv_path, resumed.rows)
    elif resumed.rows:
        resumed.header = True  # stdout: a new CSV with the rows of the remaining records
    return resumed


def _cut_csv(path: Path, rows: int) -> bool:
    """Keep the header and the first ``rows`` rows of a deviations CSV (a torn last line and
    rows of records not in the records file are cut off). Returns whether the header is
    missing (the file is empty)."""
    if not path.exists():
        if rows:
            raise ValueError(f"{path} does not exist but the records file lists {rows} "
                             "deviation rows")
        return True
    with path.open("rb+") as handle:
        data = handle.read()
        end = data.rfind(b"\n") + 1
        data = data[:end]
        if not data:
            if rows:
                raise ValueError(f"{path} is empty but the records file lists {rows} "
                                 "deviation rows")
            handle.truncate(0)
            return True
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="\n"))
        next(reader, None)  # the header
        kept = sum(1 for _ in zip(range(rows), reader, strict=False))
        if kept < rows:
            raise ValueError(f"{path} has {kept} deviation rows, fewer than the {rows} "
                             "the records file lists")
        physical = reader.line_num
        lines = data.split(b"\n")
        handle.truncate(sum(len(line) + 1 for line in lines[:physical]))
    return False


# --- chart --------------------------------------------------------------------------------


# --- synthetic input (measurements and tests) ---------------------------------------------
