"""The pain prompts: large, dark, and usable with one key and eyes half closed.

Keys 0-9 set the value, Up/Down or the slider reach 10, Enter saves, Esc skips. A prompt
never starts from a value the person did not give, and ignores the first second.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.diary.model import (
    CARE,
    NOTE_MAX_CHARS,
    PAIN_MAX,
    PAIN_MIN,
    SYMPTOMS,
    TRIGGERS,
    pain_category,
)
from asmr_desktop.ui.sizing import MAX_SCREEN_SHARE, scrolling

CATEGORY_WORDS = {
    "none": "no pain",
    "mild": "mild",
    "moderate": "moderate",
    "severe": "severe",
}


#: For this long after a prompt appears it ignores clicks and keys: a click meant for the
#: window underneath, or an Enter already on its way, must not become an answer.
ARM_DELAY_MS = 1000
#: What the number shows until the person chooses one.
NO_VALUE = "\u2013"  # an en dash


class PainScale(QWidget):
    """A 0-10 slider with the number and its category shown large.

    It starts with no value: the slider rests at 0 but the number reads a dash until the
    person presses a digit, drags, or uses the arrows. ``reference`` (e.g. the pain before
    the session) is shown beside it, never taken as the answer.
    """

    value_changed = Signal(int)

    def __init__(
        self,
        initial: int | None = None,
        parent: QWidget | None = None,
        *,
        reference: str = "",
    ) -> None:
        super().__init__(parent)
        self.chosen: int | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        self.number = QLabel()
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setStyleSheet("font-size: 40pt;")
        self.category = QLabel()
        self.category.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.category.setObjectName("dim")
        self.category.setStyleSheet("font-size: 15pt;")
        self.reference = QLabel(reference)
        self.reference.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reference.setObjectName("dim")
        self.reference.setVisible(bool(reference))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(PAIN_MIN, PAIN_MAX)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setMinimumHeight(36)
        self.slider.setAccessibleName("Pain from 0, no pain, to 10, worst imaginable")
        ends = QHBoxLayout()
        left = QLabel("0  no pain")
        right = QLabel("worst imaginable  10")
        for label in (left, right):
            label.setObjectName("dim")
        ends.addWidget(left)
        ends.addStretch(1)
        ends.addWidget(right)
        layout.addWidget(self.number)
        layout.addWidget(self.category)
        layout.addWidget(self.reference)
        layout.addWidget(self.slider)
        layout.addLayout(ends)
        # Any change the person makes (drag, click, arrows) is a choice.
        self.slider.actionTriggered.connect(lambda _action: self._choose_from_slider())
        self.slider.sliderReleased.connect(self._choose_from_slider)
        self.slider.valueChanged.connect(self._moved)
        if initial is None:
            self._show(None)
        else:
            self.set_value(initial)

    def value(self) -> int | None:
        """The value the person chose, or None while they have not chosen one."""
        return self.chosen

    def set_value(self, value: int) -> None:
        value = max(PAIN_MIN, min(PAIN_MAX, value))
        self.chosen = value
        self.slider.blockSignals(True)
        self.slider.setValue(value)
        self.slider.blockSignals(False)
        self._show(value)

    def _choose_from_slider(self) -> None:
        # actionTriggered fires before the slider moves: read it once the move is done.
        QTimer.singleShot(0, lambda: self.set_value(int(self.slider.value())))

    def _moved(self, value: int) -> None:
        if self.chosen is not None:
            self.set_value(value)

    def _show(self, value: int | None) -> None:
        if value is None:
            self.number.setText(NO_VALUE)
            self.category.setText("choose 0-10")
            return
        self.number.setText(str(value))
        self.category.setText(CATEGORY_WORDS[pain_category(value)])
        self.value_changed.emit(value)


class GuardedDialog(QDialog):
    """A prompt that takes no click and no key for :data:`ARM_DELAY_MS` after it appears.

    :attr:`armed` turns true once the delay has passed; subclasses enable their controls in
    :meth:`_arm` (calling this one first).
    """

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.armed = False
        self._arm_timer = QTimer(self)
        self._arm_timer.setSingleShot(True)
        self._arm_timer.setInterval(ARM_DELAY_MS)
        self._arm_timer.timeout.connect(self._arm)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.armed and not self._arm_timer.isActive():
            self._arm_timer.start()

    def _arm(self) -> None:
        self.armed = True


class _PainDialog(GuardedDialog):
    """Common key handling: digits set, Up/Down nudge, Enter saves, Esc skips.

    Save stays disabled until a value is chosen, and for :data:`ARM_DELAY_MS` after the
    dialog appears nothing is taken: no click, no key.
    """

    def __init__(
        self,
        title: str,
        question: str,
        initial: int | None,
        parent: QWidget | None,
        *,
        context: str = "",
        reference: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.skipped = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 18)
        outer.setSpacing(10)
        # Everything but the buttons scrolls, so the dialog fits a 720-pixel screen.
        self.body = QWidget()
        self._layout = QVBoxLayout(self.body)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(10)
        self.scroller = scrolling(self.body)
        outer.addWidget(self.scroller, 1)
        self.heading = QLabel(question)
        self.heading.setObjectName("heading")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        self._layout.addWidget(self.heading)
        self.context = QLabel(context)
        self.context.setObjectName("dim")
        self.context.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.context.setWordWrap(True)
        self.context.setVisible(bool(context))
        self._layout.addWidget(self.context)
        self.scale = PainScale(initial, reference=reference)
        self.scale.setMinimumWidth(560)
        self.scale.value_changed.connect(lambda _value: self._update_buttons())
        self._layout.addWidget(self.scale)
        hint = QLabel("Keys 0-9 choose  ·  Enter saves  ·  Esc skips")
        hint.setObjectName("dim")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(hint)
        self.buttons = QHBoxLayout()
        self.skip_button = QPushButton("Skip")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.accept)
        self.buttons.addWidget(self.skip_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.save_button)
        outer.addLayout(self.buttons)

    def _finish_layout(self) -> None:
        self._layout.addStretch(1)
        self.scale.slider.setFocus()
        self.body.setEnabled(False)
        self._update_buttons()
        self.fit_to_screen()

    # -- the first second ------------------------------------------------------------------
    def _arm(self) -> None:
        super()._arm()
        self.body.setEnabled(True)
        self.scale.slider.setFocus()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.skip_button.setEnabled(self.armed)
        self.save_button.setEnabled(self.armed and self.scale.value() is not None)

    # -- size ------------------------------------------------------------------------------
    def fit_to_screen(self, height: int | None = None) -> None:
        """Never taller than the screen (or ``height``): the body scrolls instead."""
        if height is None:
            screen = self.screen()
            height = screen.availableGeometry().height() if screen is not None else 720
        limit = int(height * MAX_SCREEN_SHARE)
        self.body.adjustSize()
        natural = self.body.sizeHint().height() + 120  # margins, buttons, title bar room
        self.setMaximumHeight(limit)
        self.resize(max(self.sizeHint().width(), 620), min(natural, limit))

    # -- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if not self.armed:
            event.accept()  # a key already on its way when the prompt appeared
            return
        text = event.text()
        focus = self.focusWidget()
        typing = isinstance(focus, QPlainTextEdit)
        if not typing and len(text) == 1 and text.isdigit():
            self.scale.set_value(int(text))
            return
        if not typing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.save_button.isEnabled():
                self.accept()
            return
        if not typing and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            current = self.scale.value()
            step = 1 if event.key() == Qt.Key.Key_Up else -1
            self.scale.set_value((current if current is not None else 0) + step)
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        if self.armed and self.scale.value() is not None:
            super().accept()

    def reject(self) -> None:
        if not self.armed:
            return
        self.skipped = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.armed = True  # the window manager's close button always works
        super().closeEvent(event)

    def pain(self) -> int | None:
        return self.scale.value()


class PainBeforeDialog(_PainDialog):
    """'How is your head now?' before a session (optional, one key or skip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Before you start", "How is your head now?", None, parent)
        self._finish_layout()


class RatingDialog(_PainDialog):
    """After a session: the pain now, an 'unusual' check, and optional extras.

    ``question`` is asked in the right tense for the session (see services.prompts);
    ``context`` says which session it is about; ``reference`` may show the pain before.
    ``forgot`` adds "I don't remember", an answer that stores no value.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        initial: int | None = None,
        question: str = "How is your head now?",
        context: str = "",
        reference: str = "",
        forgot: bool = False,
        skip_all: bool = False,
    ) -> None:
        super().__init__(
            "After your session", question, initial, parent, context=context, reference=reference
        )
        self.forgotten = False
        self.skip_all = False
        # A bare box with a wrapping label beside it: a long checkbox text does not wrap.
        self.unusual = QCheckBox()
        self.unusual.setAccessibleName("This headache is unusual")
        text = QLabel(
            "This headache is unusual: sudden and severe, the worst ever, or with weakness, "
            "numbness, confusion, vision or speech changes, or after a head injury."
        )
        text.setWordWrap(True)
        text.setBuddy(self.unusual)
        unusual_row = QHBoxLayout()
        unusual_row.addWidget(self.unusual, 0, Qt.AlignmentFlag.AlignTop)
        unusual_row.addWidget(text, 1)
        self._layout.addLayout(unusual_row)
        self.more_button = QPushButton("More: triggers, care, a note…")
        self.more_button.setAutoDefault(False)
        self.more_button.setCheckable(True)
        self.more_button.toggled.connect(self._toggle_extras)
        self._layout.addWidget(self.more_button)
        self.extras = self._build_extras()
        self.extras.setVisible(False)
        self._layout.addWidget(self.extras)
        self.forgot_button: QPushButton | None = None
        if forgot:
            self.forgot_button = QPushButton("I don't remember")
            self.forgot_button.setAutoDefault(False)
            self.forgot_button.clicked.connect(self._forgot)
            self.buttons.insertWidget(1, self.forgot_button)
        self.skip_all_button: QPushButton | None = None
        if skip_all:
            self.skip_all_button = QPushButton("Skip all")
            self.skip_all_button.setAutoDefault(False)
            self.skip_all_button.clicked.connect(self._skip_all)
            self.buttons.insertWidget(1, self.skip_all_button)
        self._finish_layout()

    def _update_buttons(self) -> None:
        super()._update_buttons()
        for button in (
            getattr(self, "forgot_button", None),
            getattr(self, "skip_all_button", None),
        ):
            if button is not None:
                button.setEnabled(self.armed)

    def _forgot(self) -> None:
        if self.armed:
            self.forgotten = True
            self.reject()

    def _skip_all(self) -> None:
        if self.armed:
            self.skip_all = True
            self.reject()

    def _build_extras(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.trigger_boxes = self._check_grid(layout, "Triggers today", TRIGGERS)
        self.care_boxes = self._check_grid(layout, "Care taken", CARE)
        layout.addWidget(QLabel("Most bothersome"))
        row = QHBoxLayout()
        self.symptom_group = QButtonGroup(box)
        self.symptom_buttons: dict[str, QRadioButton] = {}
        for name in SYMPTOMS:
            button = QRadioButton(name)
            self.symptom_group.addButton(button)
            self.symptom_buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("A note (optional)")
        self.note.setMaximumHeight(80)
        layout.addWidget(self.note)
        return box

    @staticmethod
    def _check_grid(
        layout: QVBoxLayout, title: str, names: tuple[str, ...]
    ) -> dict[str, QCheckBox]:
        layout.addWidget(QLabel(title))
        grid = QGridLayout()
        boxes = {}
        for index, name in enumerate(names):
            check = QCheckBox(name)
            grid.addWidget(check, index // 4, index % 4)
            boxes[name] = check
        layout.addLayout(grid)
        return boxes

    def _toggle_extras(self, shown: bool) -> None:
        self.extras.setVisible(shown)
        self.fit_to_screen()

    # -- values ----------------------------------------------------------------------------
    def triggers(self) -> list[str]:
        return [name for name, box in self.trigger_boxes.items() if box.isChecked()]

    def care(self) -> list[str]:
        return [name for name, box in self.care_boxes.items() if box.isChecked()]

    def symptom(self) -> str | None:
        return next((n for n, b in self.symptom_buttons.items() if b.isChecked()), None)

    def note_text(self) -> str:
        return self.note.toPlainText()[:NOTE_MAX_CHARS]

    def is_unusual(self) -> bool:
        return self.unusual.isChecked()
