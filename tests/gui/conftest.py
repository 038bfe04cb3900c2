"""GUI fixtures: an app context in a temporary data folder, the theme applied once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from asmr_desktop.app import OUTPUT_RATE_HZ, build_window
from asmr_desktop.audio.output import NullOutput
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.theme import apply_theme


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext.open(AppPaths.under(tmp_path / "data"))
    # The daily check-in would queue behind the prompts these tests expect (and at 21:00
    # on its own): tests/gui/test_checkin.py switches it on.
    ctx.settings.update(checkin_enabled=False)
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    """The main window playing into silent real-time outputs, no questions before sessions."""
    context.settings.update(ask_before_session=False, ready_playlists_added=True)
    win = build_window(
        context,
        output=NullOutput(OUTPUT_RATE_HZ, 2, realtime=True),
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture(autouse=True)
def themed(qapp: QApplication) -> None:
    apply_theme(qapp)
