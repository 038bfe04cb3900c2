"""The pain prompts: large, dark, and usable with one key and eyes half closed.

Keys 0-9 set the value, Up/Down or the slider reach 10, Enter saves, Esc skips.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
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

CATEGORY_WORDS = {
    "none": "no pain",
    "mild": "mild",
    "moderate": "moderate",
    "severe": "severe",
}


class PainScale(QWidget):
    """A 0-10 slider with the number and its category shown large."""

    value_changed = Signal(int)

    def __init__(self, initial: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        self.number = QLabel()
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setStyleSheet("font-size: 40pt;")
        self.category = QLabel()
        self.category.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.category.setObjectName("dim")
        self.category.setStyleSheet("font-size: 15pt;")
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
        layout.addWidget(self.slider)
        layout.addLayout(ends)
        self.slider.valueChanged.connect(self._show)
        self.slider.setValue(initial)
        self._show(initial)

    def value(self) -> int:
        return int(self.slider.value())

    def set_value(self, value: int) -> None:
        self.slider.setValue(max(PAIN_MIN, min(PAIN_MAX, value)))

    def _show(self, value: int) -> None:
        self.number.setText(str(value))
        self.category.setText(CATEGORY_WORDS[pain_category(value)])
        self.value_changed.emit(value)


class _PainDialog(QDialog):
    """Common key handling: digits set, Up/Down nudge, Enter saves, Esc skips."""

    def __init__(self, title: str, question: str, initial: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.skipped = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(32, 28, 32, 24)
        # Grow with the optional extras instead of squeezing them.
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        self._layout.setSpacing(10)
        heading = QLabel(question)
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading.setWordWrap(True)
        self._layout.addWidget(heading)
        self.scale = PainScale(initial)
        self.scale.setMinimumWidth(600)
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

    def _finish_layout(self) -> None:
        self._layout.addLayout(self.buttons)
        self.scale.slider.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        text = event.text()
        focus = self.focusWidget()
        typing = isinstance(focus, QPlainTextEdit)
        if not typing and len(text) == 1 and text.isdigit():
            self.scale.set_value(int(text))
            return
        if not typing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        self.skipped = True
        super().reject()

    def pain(self) -> int:
        return self.scale.value()


class PainBeforeDialog(_PainDialog):
    """'How is your head now?' before a session (optional, one key or skip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Before you start", "How is your head now?", 0, parent)
        self._finish_layout()


class RatingDialog(_PainDialog):
    """After a session: the pain now, an 'unusual' check, and optional extras."""

    def __init__(self, parent: QWidget | None = None, *, initial: int = 0, when: str = "") -> None:
        question = "How is your head now?" if not when else f"How was your head after {when}?"
        super().__init__("After your session", question, initial, parent)
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
        self._finish_layout()

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
        self.adjustSize()

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
