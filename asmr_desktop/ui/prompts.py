"""The window's side of sessions and prompts: dialogs for the questions, timers, signals.

The rules live in :mod:`asmr_desktop.services` (what is recorded, what is asked and when);
this module only shows each prompt the queue presents as a quiet, non-modal dialog
(``open()``, so playback and the event loop go on) and reports the answer back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from asmr_desktop import APP_NAME
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.medication import kind_table
from asmr_desktop.diary.model import Session
from asmr_desktop.services.checkin import CheckInSchedule
from asmr_desktop.services.prompts import (
    Prompt,
    PromptKind,
    PromptQueue,
    RatingAnswer,
    UnratedChoice,
)
from asmr_desktop.services.sessions import HEARTBEAT_S, SessionEvents, SessionService
from asmr_desktop.ui.checkin import CheckInDialog
from asmr_desktop.ui.rating import PainBeforeDialog, RatingDialog

log = logging.getLogger(__name__)

#: When a prompt is on screen the two-hour question waits this long and tries again.
TWO_HOUR_RETRY_MS = 60_000
#: A prompt due while the person types or drags in the window waits this long, again.
BUSY_RETRY_MS = 500
#: The check-in's timer never waits longer than this, so a clock change or a suspended
#: computer is noticed within the hour.
CHECKIN_RECHECK_MS = 3_600_000


class SessionPrompts(QObject):
    """Binds the session service and the prompt queue to the window."""

    session_started = Signal(int)
    session_ended = Signal(int)
    session_rated = Signal(int)
    advice_shown = Signal(str)
    diary_changed = Signal()

    def __init__(
        self,
        queue: PromptQueue,
        service: SessionService,
        window: QWidget,
        settings: SettingsStore | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.diary = queue.diary
        self.queue = queue
        self.service = service
        # Bind the headless queue and service to this window.
        queue.present = self._present
        queue.changed = self._changed
        queue.problem = self._warn
        queue.advice_shown = self.advice_shown.emit
        service.events = SessionEvents(started=self._started, ended=self._ended)
        self.dialog: QDialog | None = None  # the prompt on screen, for tests and focus
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(round(HEARTBEAT_S * 1000))
        self._heartbeat.timeout.connect(self.service.heartbeat)
        self._two_hour = QTimer(self)
        self._two_hour.setSingleShot(True)
        self._two_hour.timeout.connect(self.check_two_hour)
        #: Shows a line in the tray while the window is hidden; returns False without a tray.
        self.notify: Callable[[str, str], bool] = lambda _title, _text: False
        self._settings = settings
        self._waiting_for_window: Prompt | None = None
        self.checkin: CheckInSchedule | None = None
        self._checkin_timer = QTimer(self)
        self._checkin_timer.setSingleShot(True)
        self._checkin_timer.timeout.connect(self.check_in_if_due)
        if settings is not None and queue.days is not None:
            self.checkin = CheckInSchedule(queue, queue.days, settings, self.diary.now)
        window.installEventFilter(self)

    # -- the service, as the window uses it ------------------------------------------------
    @property
    def current(self) -> Session | None:
        return self.service.current

    @property
    def held(self) -> bool:
        return self.queue.held

    @held.setter
    def held(self, value: bool) -> None:
        self.queue.held = value

    def recover(self) -> None:
        self.service.recover()

    def close_for_shutdown(self) -> None:
        self._heartbeat.stop()
        self._two_hour.stop()
        self.service.shutdown()

    def ask_unrated_later(self) -> None:
        self.queue.ask_unrated_later()

    # -- the daily check-in ----------------------------------------------------------------
    def start_checkin(self) -> None:
        """At start: yesterday when it is missing, then the evening's timer."""
        if self.checkin is None:
            return
        self.checkin.at_start()
        self._schedule_checkin()

    def check_in_if_due(self) -> None:
        if self.checkin is not None:
            self.checkin.tick()
        self._schedule_checkin()

    def log_day(self, day: date | None = None) -> None:
        """'Log a headache' (the menu) or a day from History: asked by hand, at once."""
        if self.queue.days is None:
            return
        self.queue.ask_checkin(day or self.queue.days.today(), by_hand=True)

    def _schedule_checkin(self) -> None:
        due = self.checkin.due_at() if self.checkin is not None else None
        if due is None:
            self._checkin_timer.stop()
            return
        wait_ms = max(0, int((due - self.diary.now()).total_seconds() * 1000))
        self._checkin_timer.start(min(wait_ms, CHECKIN_RECHECK_MS))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A prompt that waited for the hidden window appears when the window is shown."""
        if watched is self._window and event.type() == QEvent.Type.Show:
            waiting, self._waiting_for_window = self._waiting_for_window, None
            if waiting is not None:
                QTimer.singleShot(0, lambda: self._present(waiting))
        return False

    def check_two_hour(self) -> QMessageBox | None:
        """Two hours after a session that started with pain: 'pain-free now?'."""
        if self.queue.showing is not None or self.queue.held:
            self._two_hour.start(TWO_HOUR_RETRY_MS)  # never stack prompts; try again later
            return None
        if not self.queue.check_two_hour():
            self._schedule_two_hour()
            return None
        return self.dialog if isinstance(self.dialog, QMessageBox) else None

    # -- service events --------------------------------------------------------------------
    def _started(self, session: Session) -> None:
        self._heartbeat.start()
        if session.id is not None:
            self.session_started.emit(session.id)

    def _ended(self, session: Session) -> None:
        self._heartbeat.stop()
        if session.id is not None:
            self.session_ended.emit(session.id)

    def _changed(self) -> None:
        self.diary_changed.emit()
        self._schedule_two_hour()

    def _warn(self, error: AsmrError) -> None:
        log.error("%s", error)
        QMessageBox.warning(self._window, APP_NAME, str(error))

    # -- showing prompts -------------------------------------------------------------------
    def _present(self, prompt: Prompt) -> None:
        if self._person_is_busy():
            # Never snatch focus from someone typing or dragging: wait until they stop.
            QTimer.singleShot(BUSY_RETRY_MS, lambda: self._present(prompt))
            return
        if prompt.kind is PromptKind.CHECKIN and not self._window.isVisible():
            # In the tray: a notification, and the question once the window is shown.
            self._waiting_for_window = prompt
            if not self.notify(prompt.question, "Click to answer; two keys at most."):
                log.info("check-in waits for the window (no tray notifications here)")
            return
        show = {
            PromptKind.BEFORE: self._before,
            PromptKind.RATING: self._rating,
            PromptKind.UNRATED: self._unrated,
            PromptKind.TWO_HOUR: self._two_hour_box,
            PromptKind.ADVICE: self._advice,
            PromptKind.CHECKIN: self._checkin,
        }[prompt.kind]
        dialog = show(prompt)
        self.dialog = dialog
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _before(self, prompt: Prompt) -> QDialog:
        dialog = PainBeforeDialog(self._window)

        def done(result: int) -> None:
            self._closed(dialog)
            accepted = result == QDialog.DialogCode.Accepted
            self.queue.answer_before(prompt, dialog.pain() if accepted else None)

        dialog.finished.connect(done)
        return dialog

    def _rating(self, prompt: Prompt) -> QDialog:
        session = prompt.session
        before = session.pain_before if session is not None else None
        dialog = RatingDialog(
            self._window,
            question=prompt.question,
            context=prompt.context,
            reference="" if before is None else f"before the session: {before}",
            forgot=prompt.later,
            skip_all=prompt.total > 1,
        )

        def done(result: int) -> None:
            self._closed(dialog)
            pain = dialog.pain()
            if result == QDialog.DialogCode.Accepted and pain is not None:
                answer = RatingAnswer(
                    pain=pain,
                    triggers=dialog.triggers(),
                    care=dialog.care(),
                    symptom=dialog.symptom(),
                    note=dialog.note_text(),
                    unusual=dialog.is_unusual(),
                )
                self.queue.answer_rating(prompt, answer)
                if prompt.session is not None and prompt.session.id is not None:
                    self.session_rated.emit(prompt.session.id)
            elif dialog.skip_all:
                self.queue.skip_all_ratings(prompt)
            elif prompt.later and not dialog.forgotten:
                self.queue.skip_rating(prompt)  # stays unrated, offered again later
            else:
                self.queue.answer_rating(prompt, None)  # dismissed: no value stored

        dialog.finished.connect(done)
        return dialog

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text)
        box.setParent(self._window, box.windowFlags())
        return box

    def _unrated(self, prompt: Prompt) -> QDialog:
        count = len(prompt.waiting)
        box = self._message(QMessageBox.Icon.Question, "Sessions to rate", prompt.text)
        rate = box.addButton("Rate now", QMessageBox.ButtonRole.AcceptRole)
        dismiss = box.addButton(
            "Dismiss" if count == 1 else "Dismiss all", QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(rate)

        def done() -> None:
            self._closed(box)
            clicked = box.clickedButton()
            choice = (
                UnratedChoice.RATE_NOW
                if clicked is rate
                else UnratedChoice.DISMISS_ALL
                if clicked is dismiss
                else UnratedChoice.NOT_NOW
            )
            self.queue.answer_unrated(prompt, choice)

        box.finished.connect(done)
        return box

    def _two_hour_box(self, prompt: Prompt) -> QDialog:
        pain = prompt.session.pain_before if prompt.session is not None else None
        box = self._message(
            QMessageBox.Icon.Question,
            "Two hours later",
            f"Two hours ago you started a session with pain {pain}.\nAre you pain-free now?",
        )
        yes = box.addButton("Yes, pain-free", QMessageBox.ButtonRole.YesRole)
        no = box.addButton("No", QMessageBox.ButtonRole.NoRole)
        box.addButton("Skip", QMessageBox.ButtonRole.RejectRole)

        def done() -> None:
            self._closed(box)
            clicked = box.clickedButton()
            answer = True if clicked is yes else False if clicked is no else None
            self.queue.answer_two_hour(prompt, answer)

        box.finished.connect(done)
        return box

    def _checkin(self, prompt: Prompt) -> QDialog:
        days = self.queue.days
        overrides = self._settings.settings.medication_kinds if self._settings else {}
        dialog = CheckInDialog(
            self._window,
            question=prompt.question,
            names=days.medication_names() if days is not None else [],
            recorded=prompt.recorded,
            kinds=kind_table(overrides),
        )

        def done(_result: int) -> None:
            self._closed(dialog)
            try:
                answer = dialog.answer()
            except AsmrError as exc:  # a name too long: say so, keep the day unknown
                self._warn(exc)
                answer = None
            self.queue.answer_checkin(prompt, answer)
            self._schedule_checkin()

        dialog.finished.connect(done)
        return dialog

    def _advice(self, prompt: Prompt) -> QDialog:
        box = self._message(QMessageBox.Icon.Information, "Please take care", prompt.text)
        box.addButton("I understand", QMessageBox.ButtonRole.AcceptRole)

        def done() -> None:
            self._closed(box)
            self.queue.acknowledge(prompt)

        box.finished.connect(done)
        return box

    # -- helpers ---------------------------------------------------------------------------
    def _person_is_busy(self) -> bool:
        """A mouse button is held, or the keyboard is in a text field of the window."""
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            return True
        focus = QApplication.focusWidget()
        typing = isinstance(focus, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox)
        return typing and focus is not None and focus.window() is self._window.window()

    def _schedule_two_hour(self) -> None:
        due_at = self.queue.two_hour_due_at()
        if due_at is None:
            self._two_hour.stop()
            return
        wait_ms = max(0, int((due_at - self.diary.now()).total_seconds() * 1000))
        self._two_hour.start(min(wait_ms, 2**31 - 1))
