"""Checking the header row of a CSV (or workbook) input before any of its records is read,
and reading the cells of its yes/no and whole-number columns strictly.

A CSV input, or a workbook's first sheet, names the case contract's fields by column (see :mod:`discretion.io.records`);
columns that are not case fields are passed over, since agencies' exports carry their own.
That leniency has a price: a header that names no case field at all (a file separated by
``;`` or tabs, headings in Chinese), lacks a column every case needs, names a column twice, or
misspells one (``first_offence``, ``party.knd``) would turn every row into an invalid record,
or worse, silently leave a field out of every case. ``check --batch`` and ``audit`` therefore
read the header first and stop, before writing anything, with every problem of it at once.

A cell of a yes/no column (``first_offense``, ``no_fault_proven``) or a whole-number column
(``party.age``, ``citation.article``, ``citation.paragraph``, ``citation.item``) is read only in
the forms docs/csv-columns.md lists (:func:`bool_cell`, :func:`int_cell`): ``y`` is not yes,
``1_0`` is not 10, ``٣٥`` (Arabic-Indic digits) is not 35, ``35.0`` is not an age. Python's
``int()`` would take all of them. This module imports :mod:`discretion.io.records` only when its
header check runs, so that the records module can import these readers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path

from discretion.errors import DiscretionError, Problem
from discretion.money import normalize_digits

REQUIRED = ("party.kind", "occurred_on")  # every case has them (case.py)
CITATION = ("citation.law", "citation.article")  # instead of item: both are needed
AUDIT_COLUMNS = ("decided.outcome", "decided.fine")  # what the audit reads besides the case
PREFIXES = ("party.", "citation.")  # every column under these is meant as a case field
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars", "，": "full-width commas"}
CLOSE = 0.85  # how alike a column and a field name must be to be taken for a misspelling
DOCS = "docs/csv-columns.md"

# The cells a yes/no column reads (Latin letters in any case: spreadsheets write TRUE/FALSE).
BOOL_CELLS: dict[str, bool] = {"true": True, "false": False, "yes": True, "no": False,
                               "1": True, "0": False, "是": True, "否": False}
INT_DIGITS = 9  # a whole-number cell has at most this many digits (an age, an article number)
_DIGITS = re.compile(f"-?[0-9]{{1,{INT_DIGITS}}}")  # a minus: the contract's range refuses it


def bool_cell(column: str, text: str) -> bool:
    """The cell ``text`` of yes/no column ``column``: true/false, yes/no (any case), 1/0, 是/否.
    Anything else raises ValueError naming the column, what to write, in English and Chinese."""
    value = BOOL_CELLS.get(text.strip().lower())
    if value is None:
        raise ValueError(f"{column}: {_shown(text)} is not yes/no: write true or false (or "
                         f"yes/no, 1/0, 是/否); {column}应填写“是”或“否”")
    return value


def int_cell(column: str, text: str) -> int:
    """The cell ``text`` of whole-number column ``column``: digits only (full-width digits read
    as ASCII), at most :data:`INT_DIGITS` of them, after an optional minus (the case contract
    refuses a negative number with its range). No plus, decimal point, separator or other
    script's digits. Anything else raises ValueError naming the column, what to write, in
    English and Chinese."""
    digits = normalize_digits(text).strip()
    if _DIGITS.fullmatch(digits) is None:
        raise ValueError(f"{column}: {_shown(text)} is not a whole number: write digits only, "
                         f"e.g. 35; {column}应填写整数（仅数字），如 35")
    return int(digits)


def _shown(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:37] + "...")


def header_problems(header: Sequence[str], file: str | None = None, *,
                    audit: bool = False) -> list[Problem]:
    """Every problem of a CSV header row for ``check --batch`` (or, with ``audit``, for
    ``discretion audit``, which also needs ``decided.outcome``); empty when it is usable."""
    from discretion.io.records import CASE_COLUMNS  # records imports this module's cell readers

    fields = set(CASE_COLUMNS) | (set(AUDIT_COLUMNS) if audit else set())
    names = [name.strip() for name in header]

    def problem(message: str, expected: str | None = None, hint: str | None = None) -> Problem:
        return Problem(message, file=file, line=1, expected=expected, hint=hint)

    if not any(name in fields or _is_fact(name) for name in names):
        return [problem("the header row names no case field",
                        expected="columns named after the case fields: item, party.kind, "
                                 "occurred_on, decided_on, harm, correction, facts.<name>, …"
                                 + (", decided.outcome, decided.fine" if audit else ""),
                        hint=_separator_hint(names) or f"name the columns as {DOCS} lists them")]
    problems: list[Problem] = []
    present = set(names)
    seen: dict[str, int] = {}
    meant_as: set[str] = set()
    for number, name in enumerate(names, 1):
        if name in seen:
            problems.append(problem(f"columns {seen[name]} and {number} are both named '{name}'",
                                    hint="keep one of them: a row has one value per field"))
            continue
        seen[name] = number
        if name in fields or _is_fact(name):
            continue
        misnamed = _misnamed(name, fields, present, audit)
        if misnamed is not None:
            hint, meant = misnamed
            problems.append(problem(f"column {number} '{name}' is not a case field, "
                                    "and looks meant as one", hint=hint))
            meant_as.add(meant)  # if that column is missing too, this said it
    for name in REQUIRED:
        if name not in present | meant_as:
            problems.append(problem(f"no '{name}' column: every case needs {name}",
                                    hint=f"add the column '{name}'"))
    named = present | meant_as
    if "item" not in named and not named.issuperset(CITATION):
        problems.append(problem("no 'item' column: every case names its violation",
                                hint="add 'item' (catalog ids), or 'citation.law' and "
                                     "'citation.article'"))
    if audit and "decided.outcome" not in named:
        problems.append(problem("no 'decided.outcome' column: the audit compares what was decided",
                                expected="not_penalized, penalized or correction_only in each row",
                                hint="add the column 'decided.outcome' (and 'decided.fine' for "
                                     "the fine imposed, in yuan)"))
    return problems


def check_header(path: str | Path, *, audit: bool = False,
                 encoding: str = "auto") -> tuple[str, ...] | None:
    """The header of input ``path``, a CSV file or a workbook, once checked: raises
    :class:`DiscretionError` listing every problem of it. ``None`` for JSON Lines, or an empty
    file: no header, no records, nothing to refuse."""
    from discretion.io.inputs import input_header  # which imports records, which imports this

    header = input_header(str(path), encoding)
    if header is None:
        return None
    problems = header_problems(header, str(path), audit=audit)
    if problems:
        raise DiscretionError(problems, "input")
    return header


def _is_fact(name: str) -> bool:
    return name.startswith("facts.") and len(name) > len("facts.")


def _misnamed(name: str, fields: set[str], present: set[str],
              audit: bool) -> tuple[str, str] | None:
    """How to fix a column that is not a case field but looks meant as one, and the field it
    looks meant as (``""`` when unsure); ``None`` for a column of the agency's own."""
    lowered = name.lower()
    if lowered in fields and lowered not in present:
        return f"rename it '{lowered}': names are lower case", lowered
    if lowered.startswith("facts.") and len(lowered) > len("facts."):
        meant = "facts." + name[len("facts."):]
        return f"rename it '{meant}'", meant
    if lowered.startswith("fact.") and len(lowered) > len("fact."):
        meant = "facts." + name[len("fact."):]
        return f"name a fact column 'facts.<name>', here '{meant}'", meant
    if lowered in ("fact", "facts", "fact.", "facts."):
        return "give each fact its own column, named 'facts.<name>'", ""
    close = difflib.get_close_matches(lowered, sorted(fields), n=1, cutoff=CLOSE)
    if close and close[0] not in present:  # both there: the other is the agency's own
        return (f"did you mean '{close[0]}'? rename it (columns of your own with other names "
                "are passed over)", close[0])
    prefixes = PREFIXES + (("decided.",) if audit else ())
    if lowered.startswith(prefixes):
        group = lowered.split(".", 1)[0] + "."
        known = sorted(f for f in fields if f.startswith(group))
        return "the columns under '" + group + "' are " + ", ".join(known), ""
    return None


def _separator_hint(names: Sequence[str]) -> str | None:
    """A hint when the whole header is one cell holding another separator."""
    if len(names) != 1:
        return None
    for separator, label in SEPARATORS.items():
        if separator in names[0]:
            return f"the file seems separated by {label}: save it as comma-separated CSV"
    return None
