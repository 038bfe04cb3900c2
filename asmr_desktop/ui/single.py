"""One window per data folder: a second start hands its request to the first and exits.

The data folder's lock (core.context.DataFolderLock) decides who is first, at any timing;
the local socket only carries the request. It lives in ``$XDG_RUNTIME_DIR`` (the user's own,
0700), or else in a 0700 folder of the user's, never in a shared /tmp where another user
could create it first; a socket owned by anyone else is never trusted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import socket
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import platformdirs
from PySide6.QtCore import QObject, QSocketNotifier, Signal

from asmr_desktop import APP_ID
from asmr_desktop.core.context import DataFolderBusyError

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECT_TIMEOUT_MS = 500
#: Requests a second start may send; anything else is ignored.
RAISE = b"raise"
VISUAL_ONLY = b"visual-only"
KNOWN = (RAISE, VISUAL_ONLY)
#: How long a second start waits for a first one that holds the lock but is still opening.
HAND_OVER_WAIT_S = 20.0
HAND_OVER_POLL_S = 0.1


def _owned_private_dir(folder: Path) -> bool:
    """A real folder (no symlink) of this user that nobody else may enter."""
    try:
        st = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def runtime_dir(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_RUNTIME_DIR`` when it is the user's own 0700 folder, else a 0700 folder of ours."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_RUNTIME_DIR")
    if xdg and _owned_private_dir(Path(xdg)):
        return Path(xdg)
    fallback = Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)) / "run"
    fallback.mkdir(mode=0o700, parents=True, exist_ok=True)
    fallback.chmod(0o700)
    return fallback


def server_name(data_dir: Path, environ: dict[str, str] | None = None) -> str:
    """The socket's full path, one per data folder, so separate --data-dir runs stay separate."""
    digest = hashlib.sha256(str(data_dir.absolute()).encode("utf-8")).hexdigest()[:16]
    return str(runtime_dir(environ) / f"{APP_ID}-{digest}")


def trusted_socket(name: str) -> bool:
    """The socket exists, is a socket, and belongs to this user (not to someone else)."""
    try:
        st = os.lstat(name)
    except OSError:
        return False
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid()


def open_or_hand_over(
    open_: Callable[[], T],
    hand_over: Callable[[], bool],
    wait_s: float = HAND_OVER_WAIT_S,
) -> T | None:
    """Open the data folder (``open_``) or hand over to the window that holds it.

    Returns None when a running window took the request. A window that holds the lock may
    still be opening (its socket not yet listening): keep trying both until ``wait_s``.
    """
    deadline = time.monotonic() + wait_s
    while True:
        if hand_over():
            return None
        try:
            return open_()
        except DataFolderBusyError:
            if time.monotonic() >= deadline:
                raise
        time.sleep(HAND_OVER_POLL_S)


def send_to_running(name: str, request: bytes) -> bool:
    """True when another instance of this user took ``request``; False when none is running."""
    if not trusted_socket(name):
        if os.path.lexists(name):
            log.warning("ignored %s: not a socket of this user", name)
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(CONNECT_TIMEOUT_MS / 1000)
        try:
            client.connect(name)
            client.sendall(request + b"\n")
        except OSError:
            return False  # stale (a crash left it) or not answering: nobody is running
    return True


class InstanceServer(QObject):
    """Listens for later starts; emits what they ask for.

    A plain AF_UNIX socket watched by a QSocketNotifier, not QLocalServer: QtNetwork costs
    about 5 ms to load, and this starts after the first frame (issue 18). The socket file is
    0600 inside a 0700 folder of the user's (see :func:`runtime_dir`).
    """

    raise_requested = Signal()
    visual_only_requested = Signal()

    #: Bytes read from one connection at most (a request is one short line).
    MAX_REQUEST_BYTES = 64

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._clients: dict[int, tuple[socket.socket, QSocketNotifier, bytearray]] = {}
        self._listener: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        try:
            self._listener = self._listen(name)
        except OSError as exc:
            log.warning("single-instance server not started: %s", exc)
            return
        self._notifier = QSocketNotifier(self._listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._listener is not None

    @staticmethod
    def _listen(name: str) -> socket.socket:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if os.path.lexists(name):
                # A crash leaves the socket file behind; we hold the folder's lock, so it is
                # stale. It sits in the user's own 0700 folder: nobody else could have made it.
                Path(name).unlink()
            old_umask = os.umask(0o177)  # the socket file is born 0600, never wider
            try:
                listener.bind(name)
            finally:
                os.umask(old_umask)
            Path(name).chmod(0o600)
            listener.listen(4)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        return listener

    def _accept(self) -> None:
        if self._listener is None:
            return
        while True:
            try:
                client, _address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("single-instance accept failed: %s", exc)
                return
            client.setblocking(False)
            fd = client.fileno()
            notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            self._clients[fd] = (client, notifier, bytearray())
            notifier.activated.connect(functools.partial(self._read, fd))

    def _read(self, fd: int, *_activated: object) -> None:
        client, _notifier, buffer = self._clients[fd]
        try:
            chunk = client.recv(self.MAX_REQUEST_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        buffer.extend(chunk)
        while b"\n" in buffer:
            line, _, rest = bytes(buffer).partition(b"\n")
            buffer[:] = rest
            self._handle(line.strip())
        if not chunk or len(buffer) > self.MAX_REQUEST_BYTES:
            self._drop(fd)

    def _handle(self, request: bytes) -> None:
        if request == VISUAL_ONLY:
            self.visual_only_requested.emit()
        elif request == RAISE:
            self.raise_requested.emit()
        else:
            log.info("ignored request from another start: %r", request[:40])

    def _drop(self, fd: int) -> None:
        client, notifier, _buffer = self._clients.pop(fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        client.close()

    def close(self) -> None:
        for fd in list(self._clients):
            self._drop(fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            with contextlib.suppress(OSError):
                Path(self._name).unlink()
