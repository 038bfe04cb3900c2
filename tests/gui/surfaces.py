"""Every page and dialog of the window, opened the way a person opens them.

Shared by the clipping test, the focus-ring test and ``packaging/screenshots.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QWidget

from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.ui.checkin import CheckInDialog
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.rating import PainBeforeDialog, RatingDialog
from tests.gui.names import DIALOGS, PAGES

__all__ = ["DIALOGS", "PAGES", "add_sample_sessions", "open_dialog", "settle", "show_page"]


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def show_page(window: MainWindow, title: str) -> QWidget:
    """Make the page called ``title`` current and return the window (what is painted)."""
    tabs = window.pages
    for index in range(tabs.count()):
        if tabs.tabText(index) == title:
            tabs.setCurrentIndex(index)
            settle()
            return window
    raise KeyError(title)


def add_sample_sessions(window: MainWindow) -> None:
    """Rated sessions, so History shows rows (the longest texts), not its empty line."""
    diary = window.diary
    for index, mode in enumerate((Mode.AUDIO, Mode.VISUAL, Mode.REST)):
        session = diary.start(
            mode, playlist="Before sleep", items=["Rain", "Brown noise"], pain_before=6
        )
        assert session.id is not None
        diary.end(session.id, EndReason.STOPPED)
        diary.rate(session.id, 3 + index, triggers=["stress"], note="slept well after")
    window.sessions.diary_changed.emit()


def _dialogs(window: MainWindow) -> dict[str, Callable[[], QDialog]]:
    context = "Tue 02 Dec, 21:04  ·  Before sleep: Rain, Brown noise, Fireplace  ·  35 min"

    def soundscape() -> QDialog:
        from asmr_desktop.ui.soundscape_dialog import SoundscapeDialog

        return opened(SoundscapeDialog(window.engine, lambda: None, lambda: True, window))

    def opened(dialog: QDialog) -> QDialog:
        dialog.open()
        return dialog

    def export_report() -> QDialog:
        # The file dialog Trends' "Save report" opens (Qt's own, as on a plain desktop).
        from PySide6.QtWidgets import QFileDialog

        dialog = QFileDialog(window, "Save report for the doctor", str(Path.home()), "PDF (*.pdf)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile("asmr-desktop-report.pdf")
        return opened(dialog)

    return {
        "rating": lambda: opened(
            RatingDialog(window, context=context, reference="before the session: 6")
        ),
        "rating-forgot": lambda: opened(
            RatingDialog(window, forgot=True, question="How was your head when you woke?")
        ),
        "pain-before": lambda: opened(PainBeforeDialog(window)),
        "check-in": lambda: opened(
            CheckInDialog(window, question="Headache today?", names=["ibuprofen", "sumatriptan"])
        ),
        "preferences": window.show_preferences,
        "about": window.show_about,
        "soundscape": soundscape,
        "layers": window.show_layers,
        "shortcuts": window.show_shortcuts,
        "notice": lambda: window.show_notice(
            "Your data file could not be read. It was kept as "
            "~/.local/share/asmr-desktop/diary.json.damaged-2026-12-02."
        ),
        "export-report": export_report,
    }


@contextmanager
def open_dialog(window: MainWindow, name: str) -> Iterator[QDialog]:
    dialog = _dialogs(window)[name]()
    settle()
    try:
        yield dialog
    finally:
        dialog.close()
        dialog.deleteLater()
        settle()
