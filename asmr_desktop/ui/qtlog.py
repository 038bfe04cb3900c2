"""Qt's own messages go into logging; unexpected errors are logged and shown once."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from asmr_desktop.core.errors import AsmrError

log = logging.getLogger("qt")
app_log = logging.getLogger(__name__)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    log.log(_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages() -> None:
    """Send qDebug/qWarning/... into the ``qt`` logger instead of stderr."""
    qInstallMessageHandler(_qt_message)


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def make_excepthook(log_file: Path, *, show_dialog: bool) -> ExceptHook:
    """An excepthook that logs, then (unless under tests) tells the person calmly."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        expected = isinstance(exc, AsmrError)
        if expected:
            app_log.error("%s", exc)
        else:
            app_log.critical(
                "unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb))
            )
        if not show_dialog or QApplication.instance() is None:
            if not expected:
                sys.__excepthook__(exc_type, exc, tb)
            return
        text = (
            str(exc)
            if expected
            else "Something went wrong inside the app. Your diary is saved as it was before.\n\n"
            f"Details were written to {log_file}."
        )
        QMessageBox.warning(None, "ASMR Desktop", text)

    return hook
