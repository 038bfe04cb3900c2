"""The session flow in the window: ask before, record from the start, ask after.

The diary (core) owns the rules and the saving; this turns them into quiet prompts.
Every prompt is opened non-modally (``open()``), so playback and the event loop go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.diary.model import EndReason, Mode, RatingState, Session
from asmr_desktop.diary.service import Diary
from asmr_desktop.ui.rating import PainBeforeDialog, RatingDialog

log = logging.getLogger(__name__)

HEARTBEAT_MS = 60_000
#: A session that ended this recently is "now"; older ones are named by their date.
RECENT = timedelta(minutes=15)


def describe(session: Session) -> str:
    """'the session of Tue 21:04' in the person's local time."""
    local = session.started.astimezone()
    return f"the session of {local.strftime('%a %d %b, %H:%M')}"


class SessionFlow(QObject):
    """Starts and ends diary sessions for the player and visual-only mode."""

    session_started = Signal(int)
    session_ended = Signal(int)
    session_rated = Signal(int)
    advice_shown = Signal(str)
    diary_changed = Signal()

    def __init__(self, diary: Diary, settings: SettingsStore, window: QWidget) -> None:
        super().__init__(window)
        self.diary = diary
        self._settings = settings
        self._window = window
        self.current: Session | None = None
        self.dialog: QDialog | None = None  # the prompt on screen, for tests and focus
        #: True while nothing may pop up (visual-only mode is on screen).
        self.held = False
        self._queue: list[Session] = []
        self._unrated_wanted = False
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._beat)
        self._two_hour = QTimer(self)
        self._two_hour.setSingleShot(True)
        self._two_hour.timeout.connect(self.check_two_hour)

    # -- lifecycle -------------------------------------------------------------------------
    def recover(self) -> None:
        """At start, before anything plays: sessions a crash left open are closed."""
        try:
            self.diary.close_interrupted()
        except AsmrError as exc:
            self._warn(exc)

    def begin(
        self,
        mode: Mode,
        *,
        playlist: str = "",
        items: Iterable[str] = (),
        volume: float | None = None,
        migraine_mode: bool = False,
        ask_before: bool = True,
    ) -> Session | None:
        """Record a new session now; ask 'how is your head?' alongside if that is set.

        A session already running ends first, unrated for now (it is asked about later);
        its 'before' rating carries over, since it was given only moments ago.
        """
        carried: int | None = None
        if self.current is not None:
            carried = self.current.pain_before
            if self.current.id is not None:
                carried = self.diary.get(self.current.id).pain_before
            self.finish(EndReason.STOPPED, ask=False)
        try:
            session = self.diary.start(
                mode,
                playlist=playlist,
                items=items,
                volume=volume,
                migraine_mode=migraine_mode,
                pain_before=carried,
            )
        except AsmrError as exc:
            self._warn(exc)
            return None
        self.current = session
        self._heartbeat.start()
        assert session.id is not None
        self.session_started.emit(session.id)
        self.diary_changed.emit()
        if ask_before and carried is None and self._settings.settings.ask_before_session:
            self.ask_before(session)
        return session

    def finish(self, reason: EndReason, *, ask: bool = True) -> None:
        """End the running session; ask for a rating unless it ended while asleep."""
        session = self.current
        if session is None or session.id is None:
            return
        self.current = None
        self._heartbeat.stop()
        try:
            ended = self.diary.end(session.id, reason)
        except AsmrError as exc:
            self._warn(exc)
            return
        self.session_ended.emit(session.id)
        self.diary_changed.emit()
        self._schedule_two_hour()
        if ask and ended.state is RatingState.PENDING:
            self.ask_rating(ended)

    def close_for_shutdown(self) -> None:
        """The window closes: the running session ends and waits to be rated next time."""
        session = self.current
        if session is None or session.id is None:
            return
        self.current = None
        self._heartbeat.stop()
        try:
            self.diary.end(session.id, EndReason.STOPPED)  # still unrated: asked next start
        except AsmrError as exc:
            log.warning("could not close the session on exit: %s", exc)

    def _beat(self) -> None:
        if self.current is not None and self.current.id is not None:
            try:
                self.diary.heartbeat(self.current.id)
            except AsmrError as exc:  # a full disk must not interrupt a calm session
                log.warning("heartbeat not saved: %s", exc)

    # -- prompts ---------------------------------------------------------------------------
    def ask_before(self, session: Session, then: Callable[[], None] | None = None) -> None:
        """'How is your head now?' for a session just started; ``then`` runs after."""
        dialog = PainBeforeDialog(self._window)

        def done(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted and session.id is not None:
                try:
                    self.diary.set_pain_before(session.id, dialog.pain())
                    self.diary_changed.emit()
                except AsmrError as exc:
                    self._warn(exc)
                self._schedule_two_hour()
            dialog.deleteLater()
            if then is not None:
                then()
            self._next_in_queue()

        dialog.finished.connect(done)
        self._show(dialog)

    def ask_rating(self, session: Session) -> RatingDialog:
        """The after-session prompt. Enter saves, Esc dismisses (the session stays)."""
        recent = session.ended is not None and self.diary.now() - session.ended < RECENT
        when = "" if recent else describe(session)
        dialog = RatingDialog(self._window, initial=session.pain_before or 0, when=when)

        def done(result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if session.id is None:
                return
            try:
                if result == QDialog.DialogCode.Accepted:
                    outcome = self.diary.rate(
                        session.id,
                        dialog.pain(),
                        triggers=dialog.triggers(),
                        care=dialog.care(),
                        symptom=dialog.symptom(),
                        note=dialog.note_text(),
                        unusual=dialog.is_unusual(),
                    )
                    self.session_rated.emit(session.id)
                    if outcome.advice:
                        self.show_advice(outcome.advice)
                        return
                else:
                    self.diary.dismiss(session.id)
            except AsmrError as exc:
                self._warn(exc)
            self.diary_changed.emit()
            self._next_in_queue()

        dialog.finished.connect(done)
        self._show(dialog)
        return dialog

    def show_advice(self, advice: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "Please take care", advice)
        box.setParent(self._window, box.windowFlags())
        box.addButton("I understand", QMessageBox.ButtonRole.AcceptRole)

        def done() -> None:
            self.dialog = None
            self.diary_changed.emit()
            self._next_in_queue()

        box.finished.connect(done)
        self.advice_shown.emit(advice)
        self._show(box)
        return box

    def ask_unrated_later(self) -> None:
        """Ask about unrated sessions once the prompt on screen (if any) is answered."""
        self._unrated_wanted = True
        self._next_in_queue()

    def ask_unrated(self) -> QMessageBox | None:
        """After start: sessions waiting for a rating (e.g. ended by the sleep timer)."""
        self._unrated_wanted = False
        try:
            waiting = self.diary.unrated()
        except AsmrError as exc:
            self._warn(exc)
            return None
        self.diary_changed.emit()
        if not waiting:
            self._schedule_two_hour()
            return None
        count = len(waiting)
        text = (
            f"{describe(waiting[0]).capitalize()} has not been rated yet."
            if count == 1
            else f"{count} sessions have not been rated yet, the first from "
            f"{waiting[0].started.astimezone().strftime('%a %d %b')}."
        )
        box = QMessageBox(QMessageBox.Icon.Question, "Sessions to rate", text)
        box.setParent(self._window, box.windowFlags())
        rate = box.addButton("Rate now", QMessageBox.ButtonRole.AcceptRole)
        dismiss = box.addButton(
            "Dismiss" if count == 1 else "Dismiss all", QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(rate)

        def done() -> None:
            self.dialog = None
            clicked = box.clickedButton()
            if clicked is rate:
                self._queue.extend(waiting)
                self._next_in_queue()
            elif clicked is dismiss:
                for session in waiting:
                    if session.id is not None:
                        self.diary.dismiss(session.id)
                self.diary_changed.emit()
            self._schedule_two_hour()

        box.finished.connect(done)
        self._show(box)
        return box

    def check_two_hour(self) -> QMessageBox | None:
        """Two hours after a session that started with pain: 'pain-free now?'."""
        if self.dialog is not None:  # never stack prompts; try again a little later
            self._two_hour.start(60_000)
            return None
        due = self.diary.two_hour_checks_due()
        if not due:
            self._schedule_two_hour()
            return None
        session = due[0]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Two hours later",
            f"Two hours ago you started a session with pain {session.pain_before}.\n"
            "Are you pain-free now?",
        )
        box.setParent(self._window, box.windowFlags())
        yes = box.addButton("Yes, pain-free", QMessageBox.ButtonRole.YesRole)
        no = box.addButton("No", QMessageBox.ButtonRole.NoRole)
        box.addButton("Skip", QMessageBox.ButtonRole.RejectRole)

        def done() -> None:
            self.dialog = None
            clicked = box.clickedButton()
            answer = True if clicked is yes else False if clicked is no else None
            if session.id is not None:
                self.diary.answer_two_hour_check(session.id, answer)
            self.diary_changed.emit()
            self._schedule_two_hour()

        box.finished.connect(done)
        self._show(box)
        return box

    # -- helpers ---------------------------------------------------------------------------
    def _schedule_two_hour(self) -> None:
        due_at = self.diary.next_two_hour_check()
        if due_at is None:
            self._two_hour.stop()
            return
        wait_ms = max(0, int((due_at - self.diary.now()).total_seconds() * 1000))
        self._two_hour.start(min(wait_ms, 2**31 - 1))

    def _next_in_queue(self) -> None:
        while self._queue and self.dialog is None:
            session = self._queue.pop(0)
            if session.id is not None:
                fresh = self.diary.get(session.id)
                if fresh.state in (RatingState.PENDING, RatingState.DEFERRED):
                    self.ask_rating(fresh)
        if self._unrated_wanted and self.dialog is None and self.held is False:
            self.ask_unrated()

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()

    def _warn(self, error: AsmrError) -> None:
        log.error("%s", error)
        QMessageBox.warning(self._window, "ASMR Desktop", str(error))
