"""``discretion extract`` and ``discretion verify``: statute tools on the command line."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from discretion.cli.common import EXIT_INVALID, EXIT_OK, UsageError
from discretion.errors import DiscretionError, Problem


def add_commands(sub: Any) -> None:
    extract = sub.add_parser("extract", help="draft benchmark items from a statute's penalty clauses")
    extract.add_argument("laws", nargs="+", metavar="LAW.md", help="statute file(s) or folder(s)")
    extract.add_argument("--field", default="XX", help="field code of the drafts (default XX)")
    extract.add_argument("--prefix", default="LS", help="id prefix (default LS)")
    extract.add_argument("--start", type=int, default=1, help="first id number (default 1)")
    extract.add_argument("--out", metavar="DIR", help="write <DIR>/<FIELD>.yaml (default: counts only)")
    extract.add_argument("--laws-root", metavar="DIR",
                         help="corpus root, for provenance paths (default: the statute corpus)")
    extract.set_defaults(handler=cmd_extract)

    verify = sub.add_parser("verify", help="check a catalog's citations and ranges against the statutes")
    verify.add_argument("catalog", nargs="?", metavar="CATALOG", help="catalog folder (default: bundled)")
    verify.add_argument("--laws", metavar="DIR", help="statute corpus (default: ../shared/laws)")
    verify.add_argument("--strict", action="store_true",
                        help="also fail on clauses the parser does not understand")
    verify.set_defaults(handler=cmd_verify)



def _law_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if p.is_file()
                            and not p.name.lower().startswith("readme"))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"not found: {raw}")
    return files


def cmd_extract(args: argparse.Namespace) -> int:
    from discretion.statutes.extract import extract_statute, field_document
    from discretion.statutes.parse import default_laws_root, parse_statute

    if not re.fullmatch(r"[A-Z][A-Z0-9]*", args.field):
        raise UsageError(f"--field '{args.field}' is not a field code (A-Z and digits, e.g. SRHJ)")
    if not re.fullmatch(r"[A-Z][A-Z0-9]*", args.prefix):
        raise UsageError(f"--prefix '{args.prefix}' must be capital letters and digits, e.g. LS")
    if args.start < 0:
        raise UsageError("--start must be 0 or more")
    root = Path(args.laws_root) if args.laws_root else default_laws_root()
    drafts = []
    number = args.start
    totals = [0, 0, 0]
    for file in _law_files(args.laws):
        try:
            statute = parse_statute(file, root)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DiscretionError(Problem(f"cannot read statute: {exc}", file=str(file))) from None
        result = extract_statute(statute, field_code=args.field, prefix=args.prefix, start=number)
        number += len(result.drafts)
        drafts += result.drafts
        totals[0] += len(result.sites)
        totals[1] += result.parsed
        totals[2] += result.not_parsed
        print(f"{statute.path}: {len(result.sites)} clauses found, {result.parsed} parsed "
              f"({len(result.drafts)} drafts), {result.not_parsed} not parsed")
        for site, problems in result.failures:
            where = f"{statute.path}:{site.line} {site.article.label}"
            for problem in problems:
                print(f"  {where}: {problem.reason}: {problem.fragment}")
    if len(_law_files(args.laws)) > 1:
        print(f"total: {totals[0]} clauses found, {totals[1]} parsed ({len(drafts)} drafts), "
              f"{totals[2]} not parsed")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{args.field}.yaml"
        header = ("# Drafted by `discretion extract`: citations and statutory ranges parsed from the\n"
                  "# statute text; titles derived; tiers are reference defaults. Review before use.\n")
        target.write_text(field_document(args.field, drafts, header), encoding="utf-8")
        print(f"wrote {target} ({len(drafts)} items)")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from discretion.catalog.catalog import Catalog
    from discretion.statutes.parse import default_laws_root
    from discretion.statutes.verify import verify_catalog

    laws = Path(args.laws) if args.laws else default_laws_root()
    if laws is None or not laws.is_dir():
        raise UsageError("statute corpus not found: pass --laws DIR (or set DISCRETION_LAWS)")
    catalog = Catalog.load(args.catalog)
    report = verify_catalog(catalog, laws, strict=args.strict)
    for finding in report.warnings:
        print(f"warning: {finding.render()}")
    for finding in report.mismatches:
        print(finding.render())
    status = "ok" if report.ok else f"{len(report.mismatches)} mismatch(es)"
    print(f"{catalog.root}: {report.checked} benchmark items checked against {laws}: {status}"
          + (f", {len(report.warnings)} warning(s)" if report.warnings else ""))
    return EXIT_OK if report.ok else EXIT_INVALID
