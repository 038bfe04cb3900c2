"""Qt's messages reach logging; unexpected errors are logged with their traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning

from asmr_desktop.core.errors import StoreError
from asmr_desktop.ui.qtlog import make_excepthook, route_qt_messages


def test_qt_messages_go_to_logging(caplog: pytest.LogCaptureFixture) -> None:
    route_qt_messages()
    try:
        with caplog.at_level(logging.WARNING, logger="qt"):
            qWarning("a test warning from Qt")
    finally:
        qInstallMessageHandler(None)
    assert ("qt", logging.WARNING, "a test warning from Qt") in caplog.record_tuples


def test_excepthook_logs_unexpected_errors(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = make_excepthook(tmp_path / "log", show_dialog=False)
    try:
        raise ValueError("boom")
    except ValueError as exc:
        hook(ValueError, exc, exc.__traceback__)
    record = next(r for r in caplog.records if r.levelno == logging.CRITICAL)
    assert "ValueError: boom" in record.getMessage()
    assert "Traceback" in record.getMessage()


def test_excepthook_logs_expected_errors_plainly(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    hook = make_excepthook(tmp_path / "log", show_dialog=False)
    error = StoreError("disk full")
    hook(StoreError, error, None)
    assert caplog.record_tuples[-1][1:] == (logging.ERROR, "disk full")
