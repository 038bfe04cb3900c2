"""The sleep timer in one step: a button per preset (off, 15 ... 90 min) and one for a
custom time, which then reads as chosen ("Custom: 25 min"; "End of this track" when the
tray chose that).

The T key's cycle and the words are services.playpage's; this row shows them and forwards
the choice (``chosen``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QPushButton, QWidget

from asmr_desktop.audio.timer import PRESET_MINUTES, SleepMode, SleepTimer
from asmr_desktop.services.playpage import next_sleep_timer, preset_minutes, sleep_words
from asmr_desktop.ui.sizing import FlowLayout
from asmr_desktop.ui.symbols import icon

CUSTOM_WORDS = "Custom"
#: The custom button keeps room for its longest words, so choosing one moves nothing.
CUSTOM_WIDEST = "End of this track"
CUSTOM_DEFAULT_MIN = 20
CUSTOM_MAX_MIN = 600


class SleepBar(QWidget):
    """Buttons for the sleep timer; ``chosen`` carries the SleepTimer picked."""

    chosen = Signal(object)  # SleepTimer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = SleepTimer.off()
        flow = FlowLayout(self, spacing=8)
        self.label = QLabel("Sleep timer")
        self.label.setObjectName("dim")
        self.label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        flow.addWidget(self.label)
        # One checked at a time, kept by show_timer: an exclusive QButtonGroup would let Tab
        # reach only the checked button, and the arrows are the seek and volume keys.
        self.buttons: dict[str, QPushButton] = {}
        choices: list[tuple[str, SleepTimer]] = [("Off", SleepTimer.off())]
        choices += [(f"{m} min", SleepTimer.after(m * 60.0)) for m in PRESET_MINUTES]
        for words, timer in choices:
            button = self._button(words)
            button.clicked.connect(lambda _=False, t=timer: self.choose(t))
            self.buttons[words] = button
            flow.addWidget(button)
        self.custom_button = self._button(CUSTOM_WORDS)
        self.custom_button.setToolTip("Choose any number of minutes")
        width = self.custom_button.fontMetrics().horizontalAdvance(CUSTOM_WIDEST) + 44
        self.custom_button.setMinimumWidth(width)
        self.custom_button.clicked.connect(self.ask_custom)
        flow.addWidget(self.custom_button)
        self.label.setFixedHeight(self.custom_button.sizeHint().height())  # centred by them
        self.buttons["Off"].setIcon(icon("sleep"))
        self.show_timer(self._timer)

    def _button(self, words: str) -> QPushButton:
        button = QPushButton(words)
        button.setObjectName("quiet")
        button.setCheckable(True)
        return button

    @property
    def timer(self) -> SleepTimer:
        """The timer as last chosen (off again once it has run out)."""
        return self._timer

    def choose(self, timer: SleepTimer) -> None:
        self.show_timer(timer)
        self.chosen.emit(timer)

    def cycle(self) -> None:
        """The T key: the next preset (off -> 15 -> 30 -> 45 -> 60 -> 90 -> off)."""
        self.choose(next_sleep_timer(self._timer))

    def ask_custom(self) -> None:
        minutes, ok = QInputDialog.getInt(
            self,
            "Sleep timer",
            "Minutes:",
            CUSTOM_DEFAULT_MIN,
            1,
            CUSTOM_MAX_MIN,
        )
        if ok:
            self.choose(SleepTimer.after(minutes * 60.0))
        else:
            self.show_timer(self._timer)  # the custom button is not left checked

    def show_timer(self, timer: SleepTimer) -> None:
        """Check the button for ``timer``; a custom time reads as chosen."""
        self._timer = timer
        if timer.mode is SleepMode.OFF:
            button = self.buttons["Off"]
        elif preset_minutes(timer) is not None:
            button = self.buttons[sleep_words(timer)]
        else:
            button = self.custom_button
        custom = button is self.custom_button
        self.custom_button.setText(sleep_words(timer) if custom else CUSTOM_WORDS)
        for each in (*self.buttons.values(), self.custom_button):
            each.setChecked(each is button)

    def words(self) -> str:
        return sleep_words(self._timer)
