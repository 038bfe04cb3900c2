"""``asmr-desktop import FILE``: a JSON backup into the diary, all or nothing.

The same checks as the History page's import (strict types, dates, one atomic write). It
needs the data folder to itself: while the window runs, import from its History page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from asmr_desktop.cli.parser import app_paths
from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.backup import import_json


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import", help="add the sessions of a JSON backup to the diary (all or nothing)"
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a backup made by 'export --json'")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    context = AppContext.open_for_command(app_paths(args), write=True)
    try:
        result = import_json(context.store, args.file, context.clock)
    finally:
        context.close()
    print(result.message(), file=sys.stderr)  # noqa: T201 - the CLI's output
    return 0
