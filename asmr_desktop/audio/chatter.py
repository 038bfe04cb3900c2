"""libmpg123's own lines on stderr go to the log; everything else still reaches stderr.

libmpg123 (inside libsndfile) writes "Note: ..." and "Warning: ... part2_3_length too large"
to file descriptor 2 by itself while it reads a damaged MP3, from whatever thread decodes:
Python cannot catch them, and a terminal filled with them alarms. :func:`routed_stderr`
points descriptor 2 at a pipe for its duration; one thread reads the pipe line by line,
logs the decoder's lines and writes every other line, unchanged and in order, to the real
stderr. The window runs inside it for its whole life, ``render`` for its run.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

#: What libmpg123 prints on its own (its prefixes; a stack of "[src/libmpg123/..." too).
DECODER_CHATTER = re.compile(r"^(Note: |Warning: |\[src/libmpg123/)")
#: How long stopping waits for the last lines to be passed on.
DRAIN_TIMEOUT_S = 5.0


class StderrRouter:
    """Descriptor 2 through a pipe: decoder lines to ``logger``, the rest to real stderr."""

    def __init__(self, logger: logging.Logger = log) -> None:
        self._logger = logger
        self._saved: int | None = None
        self._thread: threading.Thread | None = None
        self.logged = 0  # decoder lines sent to the log (for tests and the self-test)

    @property
    def active(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        if self._saved is not None:
            return
        sys.stderr.flush()
        self._saved = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)  # descriptor 2 is now the only writer: closing it ends the pump
        self._thread = threading.Thread(
            target=self._pump, args=(read_end, self._saved), name="stderr", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        saved, thread = self._saved, self._thread
        if saved is None:
            return
        sys.stderr.flush()
        os.dup2(saved, 2)  # the pipe loses its last writer: the pump reads to its end
        if thread is not None:
            thread.join(DRAIN_TIMEOUT_S)
        os.close(saved)
        self._saved = self._thread = None

    def _pump(self, read_end: int, real_stderr: int) -> None:
        with os.fdopen(read_end, "rb") as pipe:
            for raw in pipe:
                text = raw.decode("utf-8", "replace")
                if DECODER_CHATTER.match(text):
                    self.logged += 1
                    self._logger.info("decoder: %s", text.rstrip())
                    continue
                view = memoryview(raw)
                while view:
                    view = view[os.write(real_stderr, view) :]


@contextmanager
def routed_stderr(logger: logging.Logger = log) -> Iterator[StderrRouter]:
    """Run with the decoder's stderr lines going to ``logger`` (see the module docstring)."""
    router = StderrRouter(logger)
    router.start()
    try:
        yield router
    finally:
        router.stop()
