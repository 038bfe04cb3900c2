"""Logging for one run: a rotating, owner-only log file in the app's log folder."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from asmr_desktop.core.fileio import FILE_MODE

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUPS = 3


class _OwnerOnlyRotatingHandler(logging.handlers.RotatingFileHandler):
    """Rotating file handler whose files are readable by their owner only."""

    def _open(self) -> io.TextIOWrapper:
        # Create the file owner-only before logging opens it, so it is never readable by
        # others, not even for a moment; the chmod tightens a file loosened by hand.
        os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE))
        stream = super()._open()
        Path(self.baseFilename).chmod(FILE_MODE)
        return stream


def setup_logging(log_file: Path, *, level: int = logging.INFO) -> logging.Handler:
    """Send the root logger to ``log_file``; returns the handler so callers can remove it."""
    handler = _OwnerOnlyRotatingHandler(
        log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return handler


#: The standard streams by descriptor, in the order a launch description names them.
_STREAMS = ((0, "stdin"), (1, "stdout"), (2, "stderr"))


def describe_launch(
    argv: Sequence[str], environ: Mapping[str, str], *, isatty: Callable[[int], bool] = os.isatty
) -> str:
    """One log line saying how this run was started: its argv, which standard streams are a
    terminal, and the desktop entry when a launcher says so.

    A start from the menu (the desktop entry's ``Terminal=false``) shows its errors to no
    one; this line in the log is how a person, or a bug report, can tell it happened.
    GLib-based launchers (GNOME, and everything that uses ``g_desktop_app_info_launch``) set
    ``GIO_LAUNCHED_DESKTOP_FILE``; other launchers leave no trace but the missing terminal.
    """
    ttys = [name for fd, name in _STREAMS if _is_tty(isatty, fd)]
    if ttys:
        where = f"in a terminal ({', '.join(ttys)})"
    else:
        where = "with no terminal (stdin, stdout, stderr are not terminals)"
    line = f"launched as {list(argv)} {where}"
    desktop_file = environ.get("GIO_LAUNCHED_DESKTOP_FILE")
    if desktop_file:
        line += f", from the desktop entry {desktop_file}"
    return line


def _is_tty(isatty: Callable[[int], bool], fd: int) -> bool:
    try:
        return isatty(fd)
    except OSError:  # a closed descriptor is no terminal
        return False
