"""``discretion audit``: the supervision audit (执法监督) of decided cases; see docs/audit.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discretion.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    check_input_content,
    check_input_path,
    dask_argument,
    jobs_argument,
    refuse_with_dask,
)
from discretion.io.textlines import ENCODINGS

if TYPE_CHECKING:
    from discretion.catalog.catalog import Catalog
    from discretion.runs.audit import AuditStats

CHART_FORMATS = (".png", ".svg")


def add_commands(sub: Any) -> None:
    audit = sub.add_parser(
        "audit", help="supervision audit (执法监督): re-decide decided cases and report deviations")
    audit.add_argument("decided", metavar="DECIDED",
                       help="decided cases: CSV (.csv) or an Excel workbook (.xlsx, its first "
                            "sheet) with columns decided.outcome and decided.fine, or JSON Lines "
                            "(with a \"decided\" object); - for stdin (JSON Lines)")
    audit.add_argument("--catalog", metavar="DIR",
                       help="catalog folder (default: the bundled lishui-2022)")
    audit.add_argument("--out", metavar="DEVIATIONS.csv",
                       help="deviations CSV (default: stdout)")
    audit.add_argument("--summary", metavar="SUMMARY.md",
                       help="write a Markdown summary (totals, field × kind, rate per 1,000 cases)")
    audit.add_argument("--chart", metavar="CHART.png|.svg",
                       help="draw deviations by field, stacked by kind (PNG or SVG)")
    audit.add_argument("--records", metavar="RECORDS.jsonl",
                       help="one JSON line per input record, in input order: line, reference, "
                            "item, status (ok|deviations|needs_facts|invalid), deviation kinds, "
                            "error")
    audit.add_argument("--resume", action="store_true",
                       help="continue an interrupted run: skip the records already in --records, "
                            "append to it and to --out (the summary counts every record)")
    audit.add_argument("--progress", choices=["auto", "on", "off"], default="auto",
                       help="progress bar on stderr (auto: when it is a terminal)")
    audit.add_argument("--jobs", type=jobs_argument, default=1, metavar="N",
                       help="audit on N processes (0: one per core; default 1); same output, "
                            "in the same order")
    audit.add_argument("--dask", type=dask_argument, metavar="SCHEDULER",
                       help="audit on a Dask cluster: its scheduler's address (tcp://HOST:8786) "
                            "or local:N (N worker processes here); DECIDED is a CSV or JSON "
                            "Lines file the workers can read; same output "
                            "(pip install 'discretion[dask]')")
    audit.add_argument("--encoding", choices=ENCODINGS, default="auto",
                       help="the input's encoding (auto: UTF-8, else GB18030, decided by its "
                            "first line that is not ASCII)")
    audit.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    from discretion.catalog.catalog import Catalog
    from discretion.engine import collector
    from discretion.engine.engine import Engine
    from discretion.io.inputs import scanned_input
    from discretion.runs.audit import Auditor, Resumed, ResumeMismatch, resume_audit, run_audit
    from discretion.runs.parallel import jobs_for

    check_input_path(args.decided, "decided-cases")
    if args.dask:
        refuse_with_dask(args, args.decided)
    if args.chart and Path(args.chart).suffix.lower() not in CHART_FORMATS:
        raise UsageError(f"--chart is a .png or .svg file, not '{args.chart}'")
    if args.resume and not args.records:
        raise UsageError("--resume needs --records FILE: it counts the records already audited")
    for option in ("out", "summary", "chart", "records"):
        value = getattr(args, option)
        if value and value != "-" and Path(value).is_dir():
            raise UsageError(f"--{option} '{value}' is a folder")
        if value and value != "-" and not Path(value).resolve().parent.is_dir():
            raise UsageError(f"--{option}: the folder of '{value}' does not exist")
    if args.out and args.out != "-" and Path(args.out).resolve() == Path(args.decided).resolve():
        raise UsageError("--out would overwrite the input")
    records_path = Path(args.records) if args.records else None
    if records_path is not None:
        if args.records == "-":
            raise UsageError("--records is a file, not stdout")
        if args.decided != "-" and records_path.resolve() == Path(args.decided).resolve():
            raise UsageError("--records would overwrite the input")
        if args.out and args.out != "-" and records_path.resolve() == Path(args.out).resolve():
            raise UsageError("--records and --out are the same file")
        if not args.resume and records_path.exists() and records_path.stat().st_size > 0:
            raise UsageError(f"{args.records} exists; pass --resume to continue it or remove it")
    check_input_content(args.decided, args.encoding, audit=True)
    auditor = Auditor(Engine(Catalog.load(args.catalog)))
    collector.freeze_loaded()
    progress = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    to_stdout = args.out in (None, "-")
    if args.dask:
        stats = _dask_audit(args, auditor.catalog, progress)
        return _audit_done(args, stats, auditor.catalog, 0)
    resumed = Resumed()
    if args.resume and records_path is not None:
        try:
            resumed = resume_audit(auditor, records_path,
                                   None if to_stdout else Path(args.out))
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot resume: {exc}") from None
    mode = "a" if args.resume else "w"
    # A BOM so that spreadsheet programs read the Chinese text as UTF-8 (as `export --format csv`);
    # appending to a non-empty file writes no second BOM.
    out = sys.stdout if to_stdout else open(args.out, mode, encoding="utf-8-sig", newline="")
    records_out = (open(records_path, mode, encoding="utf-8", newline="")
                   if records_path is not None else None)
    try:
        with scanned_input(args.decided, args.encoding) as records:
            stats = run_audit(auditor, records, out, progress=progress,
                              records_out=records_out, skip=resumed.skip,
                              header=resumed.header, last_line=resumed.last_line,
                              jobs=jobs_for(args.jobs))
    except ResumeMismatch as exc:
        raise UsageError(f"cannot resume: {exc}") from None
    finally:
        if not to_stdout:
            out.close()
        if records_out is not None:
            records_out.close()
    return _audit_done(args, stats, auditor.catalog, resumed.skip)


def _dask_audit(args: argparse.Namespace, catalog: Catalog, progress: bool) -> AuditStats:
    """``audit --dask``: as the run on one process writes it, from the cluster's blocks."""
    from discretion.io.inputs import input_header
    from discretion.runs.dask import dask_audit

    to_stdout = args.out in (None, "-")
    if to_stdout:
        sys.stdout.flush()
    out = sys.stdout.buffer if to_stdout else open(args.out, "wb")
    records_out = open(args.records, "wb") if args.records else None
    try:
        return dask_audit(catalog, args.decided, out, scheduler=args.dask,
                          csv_header=input_header(args.decided, args.encoding),
                          encoding=args.encoding, records_out=records_out, progress=progress,
                          bom=not to_stdout)
    finally:
        if not to_stdout:
            out.close()
        if records_out is not None:
            records_out.close()


def _audit_done(args: argparse.Namespace, stats: AuditStats, catalog: Catalog, skip: int) -> int:
    """The summary, the chart and the line on stderr that end an audit."""
    from discretion.runs.audit_report import draw_chart, summary_markdown

    if args.summary:
        Path(args.summary).write_text(summary_markdown(stats, catalog, args.decided),
                                      encoding="utf-8")
    if args.chart:
        chinese = draw_chart(stats, catalog, args.chart)
        if not chinese:
            print("discretion: no CJK font found; the chart labels fields by code",
                  file=sys.stderr)
    print(f"{stats.records} records: {stats.audited} audited, {stats.deviations} deviations in "
          f"{stats.with_deviations} records, {stats.needs_facts} need facts, "
          f"{stats.invalid} invalid"
          + (f" ({skip} from the earlier run)" if skip else ""), file=sys.stderr)
    return EXIT_OK if stats.invalid == 0 else EXIT_INVALID
