"""The daily check-in dialog: "Headache today?" in two keystrokes at most.

A digit 0-3 chooses none / mild / moderate / severe; for any headache a second question,
"Took something for it?", is answered with y or n and the dialog closes. Nothing is
chosen in advance, the first second ignores clicks and keys (as the rating dialogs do),
Esc skips. The 0-10 value and the medicine's name are optional, for those who want them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.diary.days import Day, Headache, Medication, MedKind, check_medication
from asmr_desktop.diary.medication import kind_of
from asmr_desktop.diary.model import pain_category
from asmr_desktop.services.prompts import CheckInAnswer
from asmr_desktop.ui.rating import GuardedDialog

log = logging.getLogger(__name__)

LEVELS = (Headache.NONE, Headache.MILD, Headache.MODERATE, Headache.SEVERE)
LEVEL_WORDS = {
    Headache.NONE: "0  none",
    Headache.MILD: "1  mild",
    Headache.MODERATE: "2  moderate",
    Headache.SEVERE: "3  severe",
}
NO_VALUE = "exact value (optional)"


class CheckInDialog(GuardedDialog):
    """Level first, then "Took something for it?"; :meth:`answer` is what was chosen."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        question: str,
        names: list[str] | None = None,
        recorded: Day | None = None,
        kinds: Mapping[str, MedKind] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check-in")
        self.level: Headache | None = None
        self.took: bool | None = None
        self._kinds = kinds
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(12)
        self.heading = QLabel(question)
        self.heading.setObjectName("heading")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.heading)
        self.before = QLabel(_recorded_text(recorded))
        self.before.setObjectName("dim")
        self.before.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.before.setVisible(recorded is not None)
        layout.addWidget(self.before)
        row = QHBoxLayout()
        self.level_group = QButtonGroup(self)
        self.level_buttons: dict[Headache, QPushButton] = {}
        for index, level in enumerate(LEVELS):
            button = QPushButton(LEVEL_WORDS[level])
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumHeight(48)
            button.clicked.connect(lambda _checked=False, lv=level: self.choose(lv))
            self.level_group.addButton(button, index)
            self.level_buttons[level] = button
            row.addWidget(button)
        layout.addLayout(row)
        self.pain = QComboBox()
        self.pain.setAccessibleName("The pain from 0 to 10, optional")
        self.pain.setEnabled(False)
        self.pain.addItem(NO_VALUE, None)
        layout.addWidget(self.pain)
        self.took_label = QLabel("Took something for it?")
        self.took_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.took_label)
        took_row = QHBoxLayout()
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.addItems(names or [])
        self.name.setCurrentIndex(-1)  # no name chosen for the person
        line = self.name.lineEdit()
        if line is not None:
            line.setPlaceholderText("what (optional)")
        self.yes_button = QPushButton("Yes  (y)")
        self.no_button = QPushButton("No  (n)")
        for button in (self.yes_button, self.no_button):
            button.setAutoDefault(False)
        self.yes_button.clicked.connect(lambda: self.answer_took(True))
        self.no_button.clicked.connect(lambda: self.answer_took(False))
        took_row.addWidget(self.name, 1)
        took_row.addWidget(self.yes_button)
        took_row.addWidget(self.no_button)
        layout.addLayout(took_row)
        hint = QLabel("Keys 0-3 choose  ·  then y or n  ·  Esc skips")
        hint.setObjectName("dim")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        self.skip_button = QPushButton("Skip")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(self.reject)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._set_enabled()

    # -- the first second ------------------------------------------------------------------
    def _arm(self) -> None:
        super()._arm()
        self._set_enabled()

    def _set_enabled(self) -> None:
        for button in self.level_buttons.values():
            button.setEnabled(self.armed)
        self.skip_button.setEnabled(self.armed)
        second = self.armed and self.level is not None and self.level is not Headache.NONE
        for widget in (self.took_label, self.name, self.yes_button, self.no_button):
            widget.setEnabled(second)
        self.pain.setEnabled(self.armed and self.level is not None)

    # -- choosing --------------------------------------------------------------------------
    def choose(self, level: Headache) -> None:
        if not self.armed:
            return
        self.level = level
        self.level_buttons[level].setChecked(True)
        self.pain.clear()
        self.pain.addItem(NO_VALUE, None)
        for value in range(11):
            if pain_category(value) == level.value:
                self.pain.addItem(str(value), value)
        self._set_enabled()
        if level is Headache.NONE:
            self.accept()  # one keystroke: nothing else to ask

    def answer_took(self, took: bool) -> None:
        if not self.armed or self.level is None or self.level is Headache.NONE:
            return
        self.took = took
        self.accept()

    def answer(self) -> CheckInAnswer | None:
        """What was chosen, or None when nothing was (skipped)."""
        if self.result() != QDialog.DialogCode.Accepted or self.level is None:
            return None
        pain = self.pain.currentData()
        medication: tuple[Medication, ...] = ()
        name = self.name.currentText().strip()
        if self.took and name:
            medication = (check_medication(name, kind_of(name, self._kinds)),)
        return CheckInAnswer(
            self.level,
            took_something=self.took,
            pain=pain if isinstance(pain, int) else None,
            medication=medication,
        )

    # -- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if not self.armed:
            event.accept()  # a key already on its way when the prompt appeared
            return
        text = event.text().lower()
        typing = isinstance(self.focusWidget(), QLineEdit)
        if not typing and text in {"0", "1", "2", "3"}:
            self.choose(LEVELS[int(text)])
            return
        if not typing and text in {"y", "n"}:
            self.answer_took(text == "y")
            return
        super().keyPressEvent(event)


def _recorded_text(recorded: Day | None) -> str:
    if recorded is None:
        return ""
    meds = ", ".join(m.name for m in recorded.medication) or "nothing taken"
    value = f" ({recorded.pain}/10)" if recorded.pain is not None else ""
    return f"Recorded before: {recorded.headache}{value}, {meds}"
