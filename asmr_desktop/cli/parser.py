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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

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


def _global_options(default: object) -> argparse.ArgumentParser:
    """A parent parser with the options that may stand before the command or after it.

    The main parser takes it with ``default=None``, every command's parser with
    ``default=argparse.SUPPRESS``: argparse copies a command's results over the main
    parser's, so a default there would wipe out a ``--data-dir`` given before the command.
    Options that only concern the window (``--visual-only``, ``--self-test``) are not here:
    after a command they would mean nothing, and argparse refuses them.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=default,
        help="keep everything (data, settings, logs, caches) under DIR "
        "instead of the platform's user folders",
    )
    return parent


class _SubParsers(Protocol):
    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


class _CommandParsers:
    """What a command module's ``register`` gets: argparse's sub-parsers, except that every
    command's parser also takes the global options."""

    def __init__(self, subparsers: _SubParsers) -> None:
        self._subparsers = subparsers
        self._global = _global_options(argparse.SUPPRESS)

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parents = [*kwargs.pop("parents", ()), self._global]
        return self._subparsers.add_parser(name, parents=parents, **kwargs)


CommandFunc = Callable[[argparse.Namespace], int]


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_ID,
        description="A gentle ASMR player and symptom diary. "
        "It helps you relax and keep a record; it does not diagnose or treat.",
        parents=[_global_options(None)],
    )
    parser.add_argument("--version", action="version", version=f"{APP_ID} {__version__}")
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
    subparsers = _CommandParsers(parser.add_subparsers(dest="command", metavar="COMMAND"))
    for name in modules:
        module = importlib.import_module(name)
        module.register(subparsers)
    return parser


def _main_options() -> dict[str, bool]:
    """Each option string of the main parser -> whether it takes a value (read off the
    parser itself, so a new option cannot be forgotten here)."""
    parser = build_parser(modules=())
    return {
        string: action.nargs != 0
        for action in parser._actions  # private, but argparse offers no public list
        for string in action.option_strings
    }


def _option_named(arg: str, options: Mapping[str, bool]) -> str | None:
    """The main-parser option ``arg`` stands for, as argparse reads it: in full, or as the
    unique prefix of one long option (``--data``); None for ``--data-dir=X`` and the like."""
    if arg in options:
        return arg
    if arg.startswith("--") and len(arg) > 2 and "=" not in arg:
        matches = [option for option in options if option.startswith(arg)]
        if len(matches) == 1:
            return matches[0]
    return None


def _modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules this command line needs: its command's, or all of them.

    The command is the first word that is neither an option nor an option's value, so
    ``--data-dir X`` before it (in any spelling) is skipped, and everything after it is
    the command's own business: ``export --csv f.csv --data-dir X`` needs only export.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    options = _main_options()
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg.startswith("-"):
            name = _option_named(arg, options)
            if name in {"-h", "--help"}:
                return COMMAND_MODULES
            skip_next = name is not None and options[name]
        else:
            # The first word is the command; an unknown one gets argparse's full message.
            return (COMMANDS[arg],) if arg in COMMANDS else COMMAND_MODULES
    return ()


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
