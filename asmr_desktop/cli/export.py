"""``asmr-desktop export --csv FILE | --json FILE | --pdf FILE [--notes]``: the diary, out of
the app. The PDF report carries the person's notes only with ``--notes``; it needs no Qt.

Export only reads: while the window runs it reads a consistent snapshot and never disturbs
the window's saves. A data file that had to be kept aside is named on stderr and the export
fails (exit 1); records set aside are named on stderr and the rest is exported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from asmr_desktop import APP_ID
from asmr_desktop.cli.parser import app_paths
from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.backup import export_csv, export_days_csv, export_json
from asmr_desktop.diary.days import DayBook
from asmr_desktop.diary.service import Diary, set_aside_message
from asmr_desktop.insights.experiment import Experiments
from asmr_desktop.insights.report import write_report
from asmr_desktop.insights.summary import load
from asmr_desktop.insights.trial import Trials


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="export the diary to CSV (one row per session), a JSON backup or a PDF report",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--csv", type=Path, metavar="FILE", help="one row per session")
    target.add_argument("--json", type=Path, metavar="FILE", help="a backup the app can import")
    target.add_argument(
        "--days-csv", type=Path, metavar="FILE", help="one row per recorded day (check-ins)"
    )
    target.add_argument(
        "--pdf", type=Path, metavar="FILE", help="a report for a doctor, covering all sessions"
    )
    parser.add_argument(
        "--notes",
        action="store_true",
        help="with --pdf: include your notes in the report (left out unless asked for)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.notes and args.pdf is None:
        print(f"{APP_ID}: error: --notes goes with --pdf", file=sys.stderr)  # noqa: T201
        return 2
    context = AppContext.open_for_command(app_paths(args), write=False)
    try:
        diary = Diary(context.store, context.clock)
        set_aside = diary.note_set_aside()
        if set_aside:
            print(set_aside_message(set_aside, context.store.path), file=sys.stderr)  # noqa: T201
        if args.days_csv is not None:
            days = export_days_csv(DayBook(context.store, context.clock), args.days_csv)
            print(f"exported {days} days to {args.days_csv}", file=sys.stderr)  # noqa: T201
            return 0
        if args.csv is not None:
            count = export_csv(diary, args.csv)
            where = args.csv
        elif args.pdf is not None:
            insights = load(
                diary,
                Experiments(context.store, context.clock),
                None,
                book=DayBook(context.store, context.clock),
                trials=Trials(context.store, context.clock),
            )
            pages = write_report(args.pdf, insights, context.clock(), notes=args.notes)
            print(  # noqa: T201
                f"wrote a {pages}-page report of {insights.sessions} sessions to {args.pdf}",
                file=sys.stderr,
            )
            return 0
        else:
            count = export_json(
                diary, args.json, context.clock(), DayBook(context.store, context.clock)
            )
            where = args.json
    finally:
        context.close()
    print(f"exported {count} sessions to {where}", file=sys.stderr)  # noqa: T201
    return 0
