"""SIGTERM and SIGINT end the app the way Quit does: the sound fades, the session is kept.

A session manager logging out sends SIGTERM. Python runs its signal handlers only between
bytecodes, which never happens while Qt's event loop waits in C++; so the signal's number is
written to a socket (``signal.set_wakeup_fd``) that Qt watches, and the quit runs on the Qt
thread. SDL would install handlers of its own that swallow SIGTERM (the process then lived
on after ``kill``); app.py sets SDL_NO_SIGNAL_HANDLERS before pygame starts.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)

HANDLED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class QuitOnSignal(QObject):
    """While this lives, SIGTERM/SIGINT/SIGHUP call ``quit`` on the Qt thread."""

    def __init__(self, quit_app: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit = quit_app
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {sig: signal.signal(sig, self._noted) for sig in HANDLED}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)
        self._quitting = False

    @staticmethod
    def _noted(_signum: int, _frame: object) -> None:
        """The real work happens in _woken; the wake-up fd already carries the signal."""

    def _woken(self) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        names = ", ".join(signal.Signals(b).name for b in data if b in {int(s) for s in HANDLED})
        if names and not self._quitting:
            self._quitting = True
            log.info("%s received: quitting with a fade", names)
            self._quit()

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._reader.close()
        self._writer.close()
