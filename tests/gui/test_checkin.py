"""The check-in dialog: two keys at most, nothing chosen in advance, the first second
guarded; the menu's 'Log a headache'; the question waits for a window hidden in the tray."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.days import DayBook, DayStatus, Headache, MedKind
from asmr_desktop.services.prompts import PromptKind
from asmr_desktop.ui.checkin import CheckInDialog
from asmr_desktop.ui.main_window import MainWindow
from tests.gui.test_main_window import make_window
from tests.helpers.prompts import wait_armed


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    """A window with the check-in switched on (the shared fixture switches it off)."""
    context.settings.update(checkin_enabled=True, ask_before_session=False)
    win = make_window(qtbot, context)
    win.show()
    return win


def _dialog(qtbot: QtBot) -> CheckInDialog:
    dialog = CheckInDialog(None, question="Headache today?", names=["ibuprofen"])
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_two_keys_record_level_and_medicine(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    assert dialog.level is None and not any(b.isChecked() for b in dialog.level_buttons.values())
    assert dialog.name.currentText() == ""  # no remembered name chosen for the person
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_2)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Y)
    answer = dialog.answer()
    assert answer is not None and answer.headache is Headache.MODERATE
    assert answer.took_something is True and answer.medication == ()


def test_none_is_one_key(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_0)
    answer = dialog.answer()
    assert answer is not None and answer.headache is Headache.NONE
    assert answer.took_something is None


def test_the_first_second_ignores_keys(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_3)
    qtbot.keyClick(dialog, Qt.Key.Key_N)
    assert dialog.level is None and dialog.isVisible()
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.answer() is None


def test_a_named_medicine_gets_its_kind(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_3)
    dialog.name.setCurrentText("Sumatriptan")
    dialog.yes_button.click()
    answer = dialog.answer()
    assert answer is not None and answer.medication[0].kind is MedKind.TRIPTAN


def test_log_a_headache_from_the_menu(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    today = window.diary.now().astimezone().date()
    # Yesterday has no record: the first start of the day asks about it; skip that one.
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, CheckInDialog), timeout=5000)
    first = window.sessions.dialog
    assert isinstance(first, CheckInDialog) and "yesterday" in first.heading.text()
    wait_armed(qtbot, first)
    first.reject()
    window.log_day_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, CheckInDialog), timeout=5000)
    dialog = window.sessions.dialog
    assert isinstance(dialog, CheckInDialog) and dialog.heading.text() == "Headache today?"
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    qtbot.keyClick(dialog, Qt.Key.Key_N)
    book = DayBook(context.store, context.clock)
    saved = book.get(today)
    assert saved is not None and saved.headache is Headache.MILD and saved.medication == ()
    assert book.status(today - timedelta(days=1)) is DayStatus.UNKNOWN  # skipped


def test_hidden_in_the_tray_the_question_waits_for_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, CheckInDialog), timeout=5000)
    dialog = window.sessions.dialog
    assert isinstance(dialog, CheckInDialog)
    wait_armed(qtbot, dialog)
    dialog.reject()
    notes: list[tuple[str, str]] = []
    window.sessions.notify = lambda title, text: notes.append((title, text)) is None
    window.hide()
    window.sessions.log_day(date.today() - timedelta(days=3))
    assert window.sessions.dialog is None
    assert notes and notes[0][0].startswith("Headache on")
    assert window.sessions.queue.showing is not None
    assert window.sessions.queue.showing.kind is PromptKind.CHECKIN
    window.show()
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, CheckInDialog), timeout=5000)


def test_an_older_day_is_edited_from_history(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, CheckInDialog), timeout=5000)
    first = window.sessions.dialog
    assert isinstance(first, CheckInDialog)
    wait_armed(qtbot, first)
    first.reject()
    book = DayBook(context.store, context.clock)
    old = book.today() - timedelta(days=10)
    book.record(old, Headache.SEVERE, pain=8)
    window.pages.setCurrentWidget(window.history_page)
    history = window.history
    history.day_date.setDate(QDate(old.year, old.month, old.day))
    assert "severe (8/10)" in history.day_status.text()
    history.day_date.setDate(QDate(old.year, old.month, old.day - 1 if old.day > 1 else 2))
    assert history.day_status.text().startswith("unknown")
    history.day_date.setDate(QDate(old.year, old.month, old.day))
    history.day_button.click()
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, CheckInDialog), timeout=5000)
    dialog = window.sessions.dialog
    assert isinstance(dialog, CheckInDialog) and "Recorded before: severe" in dialog.before.text()
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    qtbot.keyClick(dialog, Qt.Key.Key_N)
    edited = book.get(old)
    assert edited is not None and edited.headache is Headache.MILD
    qtbot.waitUntil(lambda: "mild" in history.day_status.text())
