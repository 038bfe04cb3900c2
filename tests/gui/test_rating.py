"""The rating prompt on its own: it never answers for the person.

No pre-filled value, Save disabled until a value is chosen, the first second ignored (a
click meant for the window beneath or an Enter on its way stores nothing), and it fits a
720-pixel screen with everything shown.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.model import EndReason, Mode, RatingState
from asmr_desktop.diary.service import Diary
from asmr_desktop.services.prompts import PromptQueue
from asmr_desktop.services.sessions import SessionService
from asmr_desktop.ui.prompts import SessionPrompts
from asmr_desktop.ui.rating import ARM_DELAY_MS, NO_VALUE, PainBeforeDialog, RatingDialog
from tests.helpers.prompts import wait_armed


def shown(qtbot: QtBot, dialog: RatingDialog | PainBeforeDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)


def test_no_value_until_the_person_gives_one(qtbot: QtBot) -> None:
    dialog = RatingDialog(reference="before the session: 6")
    shown(qtbot, dialog)
    assert dialog.pain() is None and dialog.scale.number.text() == NO_VALUE
    assert dialog.scale.reference.text() == "before the session: 6"
    wait_armed(qtbot, dialog)
    assert not dialog.save_button.isEnabled(), "nothing chosen, nothing to save"
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0, "Enter without a value saves nothing"
    qtbot.keyClick(dialog, Qt.Key.Key_4)
    assert dialog.pain() == 4 and dialog.save_button.isEnabled()


def test_the_slider_counts_as_a_choice(qtbot: QtBot) -> None:
    dialog = RatingDialog()
    shown(qtbot, dialog)
    wait_armed(qtbot, dialog)
    dialog.scale.slider.setFocus()
    qtbot.keyClick(dialog.scale.slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: dialog.pain() == 1)
    assert dialog.save_button.isEnabled()


def test_the_first_second_ignores_keys_and_clicks(qtbot: QtBot) -> None:
    dialog = PainBeforeDialog()
    shown(qtbot, dialog)
    assert not dialog.armed
    qtbot.keyClick(dialog, Qt.Key.Key_7)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.pain() is None
    qtbot.wait(ARM_DELAY_MS // 4)
    assert not dialog.armed, "still guarded a quarter second later"
    wait_armed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.skipped


def test_a_stray_click_and_enter_after_a_session_store_nothing(
    qtbot: QtBot, context: AppContext
) -> None:
    """The reported case: a click meant for 'Repeat' and an Enter land on the new prompt."""
    context.settings.update(ask_before_session=False)
    diary = Diary(context.store, context.clock)
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    queue = PromptQueue(diary)
    flow = SessionPrompts(queue, SessionService(diary, context.settings, queue), window)
    session = flow.service.begin(Mode.AUDIO)
    assert session is not None and session.id is not None
    diary.set_pain_before(session.id, 6)
    flow.service.finish(EndReason.FINISHED)
    dialog = flow.dialog
    assert isinstance(dialog, RatingDialog)
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.keyClick(dialog, Qt.Key.Key_Enter)
    qtbot.wait(50)
    saved = diary.get(session.id)
    assert (saved.state, saved.pain_after) == (RatingState.PENDING, None)
    assert flow.dialog is dialog and dialog.isVisible()
    dialog.close()


def test_it_fits_a_720_pixel_screen_with_everything_open(qtbot: QtBot) -> None:
    dialog = RatingDialog(context="Tue 02 Dec, 21:04  ·  Before sleep: Rain  ·  35 min")
    shown(qtbot, dialog)
    dialog.more_button.setChecked(True)
    assert dialog.extras.isVisible()
    for height in (720, 600):  # 1280x720, and 2560x1440 at a scale of 2 (720 logical px)
        dialog.fit_to_screen(height)
        qtbot.wait(10)
        assert dialog.height() <= height
        for button in (dialog.save_button, dialog.skip_button):
            bottom = button.mapTo(dialog, QPoint(0, button.height())).y()
            assert 0 < bottom <= dialog.height(), "Save and Skip stay on screen"
    assert dialog.scroller.verticalScrollBar().maximum() > 0, "the rest scrolls"


def test_i_dont_remember_stores_no_value(qtbot: QtBot) -> None:
    dialog = RatingDialog(forgot=True, question="How was your head when you woke?")
    shown(qtbot, dialog)
    assert dialog.forgot_button is not None
    wait_armed(qtbot, dialog)
    qtbot.mouseClick(dialog.forgot_button, Qt.MouseButton.LeftButton)
    assert dialog.forgotten and dialog.pain() is None and not dialog.isVisible()


def test_a_prompt_waits_while_the_person_is_typing(qtbot: QtBot, context: AppContext) -> None:
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    context.settings.update(ask_before_session=False)
    diary = Diary(context.store, context.clock)
    window = QWidget()
    field = QLineEdit(window)
    QVBoxLayout(window).addWidget(field)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    queue = PromptQueue(diary)
    flow = SessionPrompts(queue, SessionService(diary, context.settings, queue), window)
    flow.service.begin(Mode.REST)
    flow.service.finish(EndReason.STOPPED)
    qtbot.wait(700)
    assert flow.dialog is None and field.hasFocus(), "no prompt snatches the keyboard"
    field.clearFocus()
    window.setFocus()
    qtbot.waitUntil(lambda: isinstance(flow.dialog, RatingDialog), timeout=3000)
    assert flow.dialog is not None
    flow.dialog.close()
