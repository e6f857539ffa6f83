"""``discretion check``: one case (text, Markdown, JSON or a decision document), or a batch of
cases (``--batch``: JSON Lines, CSV or a workbook, one JSON line a record, in input order)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from discretion.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    check_input_content,
    check_input_path,
    dask_argument,
    date_argument,
    jobs_argument,
    load_catalog,
    read_case_document,
    refuse_with_dask,
    with_catalog,
)
from discretion.engine import collector
from discretion.errors import DiscretionError, Problem
from discretion.io.textlines import ENCODINGS

if TYPE_CHECKING:
    from discretion.runs.batch import BatchStats


def add_commands(sub: Any) -> None:
    check = sub.add_parser("check", help="decide a case (YAML or JSON file, or - for stdin)")
    check.add_argument("case", metavar="CASE", nargs="?",
                       help="case file (.yaml/.yml/.json) or - for stdin")
    check.add_argument("--batch", metavar="CASES",
                       help="decide many cases: JSON Lines, CSV (.csv) or an Excel workbook "
                            "(.xlsx, its first sheet), or - for stdin (JSON Lines, each line "
                            "answered as it is read); writes one JSON line per record")
    check.add_argument("--out", metavar="FILE", help="with --batch: write here (default stdout)")
    check.add_argument("--resume", action="store_true",
                       help="with --batch --out: continue an interrupted run")
    check.add_argument("--progress", choices=["auto", "on", "off"], default="auto",
                       help="with --batch: progress bar on stderr (auto: when it is a terminal)")
    check.add_argument("--jobs", type=jobs_argument, default=1, metavar="N",
                       help="with --batch: decide on N processes (0: one per core; default 1); "
                            "same output, in the same order")
    check.add_argument("--dask", type=dask_argument, metavar="SCHEDULER",
                       help="with --batch: decide on a Dask cluster, its scheduler's address "
                            "(tcp://HOST:8786) or local:N (N worker processes here); the input "
                            "is a CSV or JSON Lines file the workers can read; same output "
                            "(pip install 'discretion[dask]')")
    check.add_argument("--encoding", choices=ENCODINGS, default="auto",
                       help="with --batch: the input's encoding (auto: UTF-8, else GB18030, "
                            "decided by its first line that is not ASCII)")
    check.add_argument("--on", metavar="DATE", type=date_argument, default=None,
                       help="the decision date (YYYY-MM-DD) for cases that give no decided_on; "
                            "the decision states it (the clock is never read)")
    with_catalog(check)
    check.add_argument("--json", action="store_true",
                       help="print the decision contract as JSON, with its Chinese wording as "
                            "\"text\"")
    check.add_argument("--format", choices=["text", "markdown", "json", "document"], default=None,
                       help="output format (default text; --json is --format json; document: "
                            "the wording of a 行政处罚决定审批表 draft, ready to paste)")
    check.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from discretion.engine.engine import Engine
    from discretion.render.text import decision_text

    if args.batch is not None:
        if args.case is not None:
            raise UsageError("give a CASE file or --batch CASES, not both")
        return cmd_batch(args)
    if args.case is None:
        raise UsageError("check needs a CASE file (or - for stdin), or --batch CASES")
    if args.out or args.resume or args.jobs != 1 or args.dask or args.encoding != "auto":
        raise UsageError("--out, --resume, --jobs, --dask and --encoding go with --batch")
    fmt = "json" if args.json else (args.format or "text")
    value, name = read_case_document(args.case)
    with collector.paused():  # unpickling the catalog makes many objects and no garbage
        engine = Engine(load_catalog(args.catalog), today=args.on)
    collector.freeze_loaded()  # cold start: see bench/README.md
    cases = value if isinstance(value, list) else [value]
    decisions = []
    for index, case in enumerate(cases):
        try:
            decisions.append(engine.evaluate(case))
        except DiscretionError as exc:
            where = f"{name}" + (f" case [{index}]" if isinstance(value, list) else "")
            exc.problems = [Problem(p.message, file=where, path=p.path, expected=p.expected,
                                    hint=p.hint) for p in exc.problems]
            raise
    if fmt == "json":
        payload = [d.to_dict(text=True) for d in decisions]
        print(json.dumps(payload if isinstance(value, list) else payload[0], ensure_ascii=False,
                         indent=2))
    elif fmt == "document":
        from discretion.render.document import decision_document

        print("\n".join(decision_document(d, engine.catalog) for d in decisions), end="")
    else:
        print("\n\n".join(decision_text(d, markdown=fmt == "markdown") for d in decisions))
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from discretion.engine.engine import Engine
    from discretion.io.inputs import scanned_input
    from discretion.runs.batch import OutputRefused, open_output, run_batch
    from discretion.runs.parallel import jobs_for

    check_input_path(args.batch, "batch")
    if args.dask:
        refuse_with_dask(args, args.batch)
    check_input_content(args.batch, args.encoding)
    on = getattr(args, "on", None)
    engine = Engine(load_catalog(args.catalog), today=on)
    collector.freeze_loaded()
    made_from = {"catalog_sha256": engine.catalog.sha256,
                 "on": on.isoformat() if on is not None else None, "encoding": args.encoding}
    if args.dask:
        made_from["dask"] = args.dask  # such an output is run again, not resumed
    try:
        output = open_output(args.out, resume=args.resume, source=args.batch,
                             made_from=made_from)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    progress = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    try:
        if args.dask:
            from discretion.io.inputs import input_header
            from discretion.runs.dask import dask_batch

            output.begin()
            stats = dask_batch(engine.catalog, args.batch, output.sink, scheduler=args.dask,
                               csv_header=input_header(args.batch, args.encoding),
                               encoding=args.encoding, on=on, progress=progress)
            output.flushed(stats.records, "")  # no digest: the client never reads the records
            output.finish()
            return _batch_done(stats)
        with scanned_input(args.batch, args.encoding) as records:
            stats = run_batch(engine, records, output.sink, skip=output.skip,
                              last_line=output.last_line, expect=output.expect,
                              begin=output.begin, flushed=output.flushed, progress=progress,
                              jobs=jobs_for(args.jobs), stream=args.batch == "-")
        output.finish()
    except OutputRefused as exc:  # --resume: the input's records disagree with the output
        raise UsageError(f"cannot resume {args.out}: {exc}; nothing was written: resume with "
                         f"the input the output was made from, or write a new --out") from None
    finally:
        output.close()
    return _batch_done(stats)


def _batch_done(stats: BatchStats) -> int:
    print(f"{stats.records} records: {stats.decided} decided, {stats.errors} errors"
          + (f", {stats.skipped} already done" if stats.skipped else ""), file=sys.stderr)
    return EXIT_OK if stats.errors == 0 else EXIT_INVALID
