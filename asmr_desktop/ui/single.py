"""One window per data folder: a second start hands its request to the first and exits."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from asmr_desktop import APP_ID

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
#: Requests a second start may send; anything else is ignored.
RAISE = b"raise"
VISUAL_ONLY = b"visual-only"
KNOWN = (RAISE, VISUAL_ONLY)


def server_name(data_dir: Path) -> str:
    """A socket name per user and data folder, so separate --data-dir runs stay separate."""
    digest = hashlib.sha256(str(data_dir.absolute()).encode("utf-8")).hexdigest()[:16]
    return f"{APP_ID}-{os.getuid() if hasattr(os, 'getuid') else 0}-{digest}"


def send_to_running(name: str, request: bytes) -> bool:
    """True when another instance took ``request``; False when none is running."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(request + b"\n")
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts; emits what they ask for."""

    raise_requested = Signal()
    visual_only_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            # A crash leaves the socket file behind; nobody answered it, so it is stale.
            QLocalServer.removeServer(name)
            if not self._server.listen(name):
                log.warning("single-instance server not started: %s", self._server.errorString())
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            request = bytes(socket.readLine().data()).strip()
            if request == VISUAL_ONLY:
                self.visual_only_requested.emit()
            elif request == RAISE:
                self.raise_requested.emit()
            else:
                log.info("ignored request from another start: %r", request[:40])

    def close(self) -> None:
        self._server.close()
