"""The diary in the window: rate with the keyboard alone, skip, deferred prompts, undo."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from asmr_desktop.app import build_window
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.diary.service import ADVICE_UNUSUAL, Diary
from asmr_desktop.services.prompts import PromptQueue
from asmr_desktop.services.sessions import SessionService
from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.prompts import SessionPrompts
from asmr_desktop.ui.rating import PainBeforeDialog, RatingDialog
from tests.helpers.clock import FakeClock
from tests.helpers.prompts import wait_armed


def window_for(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = build_window(context)
    qtbot.addWidget(window)
    window.show()
    return window


def no_before_question(context: AppContext) -> None:
    context.settings.update(ask_before_session=False)


def test_rate_with_digit_and_enter(qtbot: QtBot, context: AppContext) -> None:
    no_before_question(context)
    window = window_for(qtbot, context)
    window.start_rest()
    window.end_rest()
    dialog = window.sessions.dialog
    assert isinstance(dialog, RatingDialog)
    qtbot.waitUntil(dialog.isVisible)
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_3)
    assert dialog.scale.number.text() == "3"
    assert dialog.scale.category.text() == "mild"
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    sessions = window.diary.sessions()
    assert [(s.mode, s.pain_after, s.state) for s in sessions] == [
        (Mode.REST, 3, RatingState.RATED)
    ]


def test_escape_skips_and_keeps_the_session(qtbot: QtBot, context: AppContext) -> None:
    no_before_question(context)
    window = window_for(qtbot, context)
    window.start_rest()
    window.end_rest()
    dialog = window.sessions.dialog
    assert isinstance(dialog, RatingDialog)
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.sessions.dialog is None)
    (session,) = window.diary.sessions()
    assert session.state is RatingState.DISMISSED
    assert session.pain_after is None


def test_pain_before_is_asked_and_saved(qtbot: QtBot, context: AppContext) -> None:
    window = window_for(qtbot, context)
    window.start_rest()
    dialog = window.sessions.dialog
    assert isinstance(dialog, PainBeforeDialog)
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_6)
    qtbot.keyClick(dialog, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.sessions.dialog is None)
    (session,) = window.diary.sessions()
    assert session.pain_before == 6
    assert session.state is RatingState.OPEN


def test_unusual_headache_shows_calm_advice(qtbot: QtBot, context: AppContext) -> None:
    no_before_question(context)
    window = window_for(qtbot, context)
    window.start_rest()
    window.end_rest()
    dialog = window.sessions.dialog
    assert isinstance(dialog, RatingDialog)
    wait_armed(qtbot, dialog)
    dialog.scale.set_value(4)
    dialog.unusual.setChecked(True)
    with qtbot.waitSignal(window.sessions.advice_shown) as shown:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert shown.args == [ADVICE_UNUSUAL]
    box = window.sessions.dialog
    assert isinstance(box, QMessageBox)
    assert "medical care now" in box.text()
    box.accept()


def test_sleep_timer_session_is_asked_about_next_start(qtbot: QtBot, context: AppContext) -> None:
    diary = Diary(context.store, context.clock)
    session = diary.start(Mode.AUDIO, playlist="Before sleep")
    assert session.id is not None
    diary.end(session.id, EndReason.SLEEP_TIMER)
    window = window_for(qtbot, context)
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, QMessageBox))
    box = window.sessions.dialog
    assert isinstance(box, QMessageBox)
    assert "not been rated" in box.text()
    rate_now = next(b for b in box.buttons() if b.text() == "Rate now")
    rate_now.click()
    qtbot.waitUntil(lambda: isinstance(window.sessions.dialog, RatingDialog))
    rating = window.sessions.dialog
    assert isinstance(rating, RatingDialog)
    wait_armed(qtbot, rating)
    assert "when you woke" in rating.heading.text()
    assert "Before sleep" in rating.context.text()
    qtbot.keyClick(rating, Qt.Key.Key_2)
    qtbot.keyClick(rating, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sessions.dialog is None)
    assert window.diary.get(session.id).pain_after == 2


def test_edit_and_undo_in_history(qtbot: QtBot, context: AppContext) -> None:
    diary = Diary(context.store, context.clock)
    session = diary.start(Mode.AUDIO, pain_before=7)
    assert session.id is not None
    diary.rate(session.id, 5, note="before edit")
    window = window_for(qtbot, context)
    qtbot.waitUntil(
        lambda: window.sessions.dialog is None or not window.sessions.dialog.isVisible()
    )
    history = window.history
    window.pages.setCurrentWidget(window.history_page)  # shown: it loads
    assert history.model.rowCount() == 1
    history.select_row(0)
    dialog = history.edit_selected()
    assert dialog is not None
    assert dialog.pain() == 5
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: history.edit_dialog is None)
    assert diary.get(session.id).pain_after == 1
    assert history.model.data(history.model.index(0, 4)) == "1 (mild)"
    history.undo()
    assert diary.get(session.id).pain_after == 5
    assert diary.get(session.id).note == "before edit"
    history.select_row(0)
    history.delete_selected()
    assert diary.get(session.id).pain_after is None
    assert history.undo_button.isEnabled()
    window.pages.setCurrentWidget(window.history_page)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    history.table.setFocus()
    qtbot.keyClick(history.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert diary.get(session.id).pain_after == 5


def test_history_empty_state(qtbot: QtBot, context: AppContext) -> None:
    window = window_for(qtbot, context)
    window.pages.setCurrentWidget(window.history_page)
    assert window.history.empty.isVisible()
    assert not window.history.table.isVisible()


def test_two_hour_check(qtbot: QtBot, context: AppContext) -> None:
    clock = FakeClock()
    diary = Diary(context.store, clock)
    settings = SettingsStore(context.store)
    window = window_for(qtbot, context)
    queue = PromptQueue(diary)
    flow = SessionPrompts(queue, SessionService(diary, settings, queue), window)
    session = diary.start(Mode.VISUAL, pain_before=6)
    assert session.id is not None
    assert flow.check_two_hour() is None
    clock.advance(hours=2, seconds=1)
    box = flow.check_two_hour()
    assert box is not None
    assert "pain-free" in box.text()
    next(b for b in box.buttons() if b.text() == "Yes, pain-free").click()
    qtbot.waitUntil(lambda: flow.dialog is None)
    assert diary.get(session.id).pain_free_2h is True
    assert diary.next_two_hour_check() is None
    clock.advance(days=1)
    assert clock.now - session.started > timedelta(hours=4)


# -- issue 14: imports off the UI thread, notices until seen, the single-instance socket ----


def test_history_import_runs_off_the_ui_thread_with_progress(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    import json
    import threading

    window = window_for(qtbot, context)
    history = window.history
    window.pages.setCurrentWidget(window.history_page)
    history.range_box.setCurrentIndex(history.range_box.count() - 1)  # "All"
    start = datetime(2021, 1, 1, 21, tzinfo=UTC)
    records = [
        {"started": (start + timedelta(days=i)).isoformat(), "mode": "rest", "uid": f"{i:032x}"}
        for i in range(1200)
    ]
    backup = tmp_path / "b.json"
    backup.write_text(
        json.dumps({"format": "asmr-desktop-backup", "version": 1, "sessions": records})
    )
    threads: list[str] = []
    import asmr_desktop.ui.history as history_module

    real = history_module.import_json

    def recording(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    history_module.import_json = recording  # type: ignore[assignment]
    try:
        with qtbot.waitSignal(history.import_finished, timeout=30_000) as finished:
            history.import_backup(backup)
            assert history.import_progress.isVisible()
            assert not history.import_button.isEnabled()
    finally:
        history_module.import_json = real
    assert threads == ["import"]
    assert finished.args == ["Imported 1200 sessions; 0 were already here."]
    assert not history.import_progress.isVisible() and history.import_button.isEnabled()
    assert history.model.rowCount() == 1200


def test_a_notice_is_shown_until_the_person_has_seen_it(qtbot: QtBot, context: AppContext) -> None:
    context.store.add_notice("recovered:x", "Your data file could not be read (test).")
    window = window_for(qtbot, context)
    (notice,) = context.unseen_notices()
    box = window.show_notice_until_seen(notice, context.notice_seen)
    assert context.unseen_notices() == [notice], "not seen while the box is open"
    box.accept()
    qtbot.waitUntil(lambda: context.unseen_notices() == [])


def test_the_instance_socket_lives_in_the_users_runtime_dir(tmp_path: Path) -> None:
    from asmr_desktop.ui.single import server_name

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    name = server_name(tmp_path / "data", {"XDG_RUNTIME_DIR": str(runtime)})
    assert Path(name).parent == runtime
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    fallback = Path(server_name(tmp_path / "data", {"XDG_RUNTIME_DIR": str(shared)})).parent
    assert fallback != shared, "a folder others may write is never used"
    assert fallback.stat().st_mode & 0o777 == 0o700


def test_a_socket_of_another_user_is_never_trusted(tmp_path: Path) -> None:
    import os
    import socket

    from asmr_desktop.ui.single import RAISE, send_to_running

    path = tmp_path / "s"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    try:
        if os.getuid() != 0:
            pytest.skip("changing a socket's owner needs root")
        os.chown(path, 54321, -1)  # as if another local user had created it first
        assert not send_to_running(str(path), RAISE)
    finally:
        listener.close()


def test_a_second_start_hands_over_to_the_first_at_any_timing(tmp_path: Path) -> None:
    from asmr_desktop.core.context import DataFolderBusyError
    from asmr_desktop.ui.single import open_or_hand_over

    tries: list[str] = []

    def busy() -> str:
        tries.append("open")
        raise DataFolderBusyError("busy")

    answers = iter([False, False, True])  # the first window's socket comes up late
    assert open_or_hand_over(busy, lambda: next(answers), wait_s=5.0) is None
    assert tries == ["open", "open"]
    with pytest.raises(DataFolderBusyError):
        open_or_hand_over(busy, lambda: False, wait_s=0.0)
    assert open_or_hand_over(lambda: "opened", lambda: False) == "opened"


def test_the_instance_server_is_private_and_takes_a_request(qtbot: QtBot, tmp_path: Path) -> None:
    import stat

    from asmr_desktop.ui.single import RAISE, VISUAL_ONLY, InstanceServer, send_to_running

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    name = str(runtime / "asmr-desktop-test")
    (runtime / "asmr-desktop-test").write_text("")  # left by a crash: replaced, not refused
    server = InstanceServer(name)
    try:
        assert server.listening
        mode = os.lstat(name).st_mode
        assert stat.S_ISSOCK(mode)
        assert mode & 0o777 == 0o600, "only its owner may connect"
        with qtbot.waitSignal(server.visual_only_requested, timeout=3000):
            assert send_to_running(name, VISUAL_ONLY)
        with qtbot.waitSignal(server.raise_requested, timeout=3000):
            assert send_to_running(name, RAISE)
        with qtbot.assertNotEmitted(server.raise_requested, wait=200):
            assert send_to_running(name, b"x" * 500)  # nonsense is read, ignored, dropped
    finally:
        server.close()
    assert not os.path.lexists(name), "a closed server leaves no socket behind"
    assert not send_to_running(name, RAISE), "nobody runs: the request is not taken"
