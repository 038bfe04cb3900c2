"""``asmr-desktop log [--date D] --headache LEVEL [--pain N] [--medication NAME[:AMOUNT]]...``

Records one day of the diary without opening the window (a desktop shortcut can bind it).
The same checks as the check-in; a bad value is one line on stderr and nothing is saved. It
writes, so it takes the data folder's lock: while the window runs, log from its menu.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from asmr_desktop.cli.parser import app_paths
from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.days import DayBook, Headache, check_day
from asmr_desktop.diary.medication import kind_table, parse_medication
from asmr_desktop.diary.model import DiaryError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "log", help="record a day's headache and medication (no window needed)"
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day to record (default: today)")
    parser.add_argument(
        "--headache",
        required=True,
        metavar="LEVEL",
        help="none, mild, moderate or severe",
    )
    parser.add_argument("--pain", metavar="N", help="the pain from 0 to 10 (optional)")
    parser.add_argument(
        "--medication",
        action="append",
        default=[],
        metavar="NAME[:AMOUNT]",
        help="a medicine taken, e.g. ibuprofen:400 mg (repeat for more)",
    )
    parser.add_argument("--note", default="", help="a short note for the day")
    parser.set_defaults(func=run)


def _pain(text: str | None) -> int | None:
    """The --pain value as a whole number; the diary checks its range."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped.isdigit():
        raise DiaryError(f"--pain must be a whole number from 0 to 10, not {text!r}.")
    return int(stripped)


def run(args: argparse.Namespace) -> int:
    pain = _pain(args.pain)
    context = AppContext.open_for_command(app_paths(args), write=True)
    try:
        book = DayBook(context.store, context.clock)
        day: date = book.today() if args.date is None else check_day(args.date, book.latest())
        table = kind_table(context.settings.settings.medication_kinds)
        medication = [parse_medication(text, table) for text in args.medication]
        saved = book.record(day, args.headache, pain=pain, medication=medication, note=args.note)
    finally:
        context.close()
    meds = ", ".join(f"{m.name} ({m.kind})" for m in saved.medication) or "no medication"
    level = Headache(saved.headache)
    value = f" ({saved.pain}/10)" if saved.pain is not None else ""
    print(f"recorded {saved.day.isoformat()}: headache {level}{value}, {meds}", file=sys.stderr)  # noqa: T201
    return 0
