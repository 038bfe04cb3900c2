"""The command line: one parser for the window and the headless sub-commands.

No Qt here. Each feature package contributes its sub-command from a module with a
``register(subparsers)`` function that adds a parser and sets ``func`` to a
``run(args) -> int`` callable. Expected failures raise AsmrError; :func:`run_command`
turns them into one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from asmr_desktop import APP_ID, __version__
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.paths import AppPaths

log = logging.getLogger(__name__)

#: Sub-command name -> the module that adds it. A module is imported only when its command
#: is asked for (or for --help and mistakes), so starting the window loads none of them.
COMMANDS: dict[str, str] = {
    "render": "asmr_desktop.cli.render",
    "analyze": "asmr_desktop.cli.analyze",
    "export": "asmr_desktop.cli.export",
    "import": "asmr_desktop.cli.importer",
    "frames": "asmr_desktop.cli.frames",
    "soundscapes": "asmr_desktop.cli.soundscapes",
    "log": "asmr_desktop.cli.log",
}
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))


#: Options of the main parser that take a value (so that value is not a command name).
_VALUE_OPTIONS = frozenset({"--data-dir", "--quit-after-ms"})


def _modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules this command line needs: its command's, or all of them."""
    args = list(sys.argv[1:] if argv is None else argv)
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg in _VALUE_OPTIONS:
            skip_next = True
        elif arg in {"-h", "--help"}:
            return COMMAND_MODULES
        elif not arg.startswith("-"):
            # The first word is the command; an unknown one gets argparse's full message.
            return (COMMANDS[arg],) if arg in COMMANDS else COMMAND_MODULES
    return ()


class _SubParsers(Protocol):
    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser: ...


CommandFunc = Callable[[argparse.Namespace], int]


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_ID,
        description="A gentle ASMR player and symptom diary. "
        "It helps you relax and keep a record; it does not diagnose or treat.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_ID} {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep everything (data, settings, logs, caches) under DIR "
        "instead of the platform's user folders",
    )
    parser.add_argument(
        "--visual-only", action="store_true", help="start in visual-only mode: no sound at all"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check headless that Qt, fonts, the data store and audio work; exit 0 when healthy",
    )
    parser.add_argument(
        "--quit-after-ms", type=int, metavar="MS", help=argparse.SUPPRESS
    )  # test-only: close the window after MS milliseconds
    parser.add_argument(
        "--no-error-dialogs", action="store_true", help=argparse.SUPPRESS
    )  # test-only: log unexpected errors instead of showing a dialog
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        module = importlib.import_module(name)
        module.register(subparsers)
    return parser


def app_paths(args: argparse.Namespace) -> AppPaths:
    """The folders this run uses, from ``--data-dir`` or the platform defaults."""
    data_dir: Path | None = args.data_dir
    return AppPaths.under(data_dir) if data_dir is not None else AppPaths.platform_default()


def run_command(args: argparse.Namespace) -> int:
    """Run a sub-command; an expected failure is one line on stderr and exit status 1."""
    func: CommandFunc = args.func
    try:
        return func(args)
    except AsmrError as exc:
        print(f"{APP_ID}: error: {exc}", file=sys.stderr)  # noqa: T201 - the CLI's output
        return 1
    except KeyboardInterrupt:
        return 130


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser(_modules_for(argv)).parse_args(argv)
