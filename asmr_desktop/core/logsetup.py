"""Logging for one run: a rotating, owner-only log file in the app's log folder."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
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
