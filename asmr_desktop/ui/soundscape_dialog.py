"""Choose a built-in soundscape, set it, hear a few quiet seconds, add it to the playlist."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.audio.engine import Engine
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.library.builtin import soundscape_item
from asmr_desktop.soundscapes import SOUNDSCAPES, SoundscapeInfo

log = logging.getLogger(__name__)

DURATIONS: tuple[tuple[str, float | None], ...] = (
    ("Until the sleep timer ends", None),
    ("5 minutes", 300.0),
    ("10 minutes", 600.0),
    ("20 minutes", 1200.0),
    ("30 minutes", 1800.0),
    ("60 minutes", 3600.0),
)
#: A preview plays this long in all (its fade in from -60 LUFS takes 4 s at the default
#: level, then it fades out over 1.5 s).
PREVIEW_S = 7.0
#: ...and this much quieter than the volume the player is set to (dB).
PREVIEW_QUIETER_DB = 6.0


class SoundscapeDialog(QDialog):
    """Picks one soundscape with its settings and a length; ``chosen`` carries the item."""

    chosen = Signal(object)  # PlaylistItem
    preview_started = Signal()
    preview_finished = Signal()

    def __init__(
        self,
        engine: Engine,
        pause_main: Callable[[], None],
        ensure_output: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        """Previews play in ``engine``'s own mix (one mix, one limiter, one stream);
        ``ensure_output`` starts the sound output if needed (False: none could open)."""
        super().__init__(parent)
        self.setWindowTitle("Add a soundscape")
        self._engine = engine
        self._pause_main = pause_main
        self._ensure_output = ensure_output
        self._previewing = False
        self._spins: dict[str, QDoubleSpinBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        self.choice = QComboBox()
        for info in SOUNDSCAPES.values():
            self.choice.addItem(info.title, info.name)
        self.choice.currentIndexChanged.connect(self._chosen)
        layout.addWidget(self.choice)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("dim")
        self.description.setMinimumHeight(48)
        layout.addWidget(self.description)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(10)
        layout.addLayout(self.form)
        self.duration = QComboBox()
        for label, _seconds in DURATIONS:
            self.duration.addItem(label)
        layout.addWidget(self.duration)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip(f"About {PREVIEW_S:.0f} quiet seconds")
        self.preview_button.clicked.connect(self.preview)
        self.add_button = QPushButton("Add to playlist")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self._add)
        cancel = QPushButton("Close")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.add_button)
        layout.addLayout(buttons)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        self.setMinimumWidth(520)
        self._chosen(0)

    # -- choosing --------------------------------------------------------------------------
    def info(self) -> SoundscapeInfo:
        return SOUNDSCAPES[str(self.choice.currentData())]

    def _chosen(self, _index: int) -> None:
        info = self.info()
        self.description.setText(info.description)
        while self.form.rowCount():
            self.form.removeRow(0)
        self._spins = {}
        for spec in info.settings:
            spin = QDoubleSpinBox()
            spin.setRange(spec.minimum, spec.maximum)
            spin.setDecimals(0 if spec.maximum - spec.minimum >= 20 else 1)
            spin.setValue(spec.default)
            if spec.unit:
                spin.setSuffix(f" {spec.unit}")
            self.form.addRow(spec.label, spin)
            self._spins[spec.name] = spin

    def settings(self) -> dict[str, float]:
        return {name: float(spin.value()) for name, spin in self._spins.items()}

    def make_item(self) -> PlaylistItem:
        seconds = DURATIONS[self.duration.currentIndex()][1]
        return soundscape_item(
            self.info().name, self.settings(), seed=random.randrange(1_000_000), duration_s=seconds
        )

    def _add(self) -> None:
        try:
            item = self.make_item()
        except AsmrError as exc:
            self.notice.setText(str(exc))
            return
        self.chosen.emit(item)
        self.notice.setText(f"Added “{item.title}”.")

    # -- preview ---------------------------------------------------------------------------
    def preview(self) -> None:
        """A few quiet seconds in the player's own mix and limiter, the main sound paused."""
        self.stop_preview()
        self._pause_main()
        if not self._ensure_output():
            self.notice.setText("No sound output could be opened.")
            return
        try:
            self._engine.preview(self.make_item(), seconds=PREVIEW_S, offset_db=-PREVIEW_QUIETER_DB)
        except AsmrError as exc:
            self.notice.setText(str(exc))
            return
        self._previewing = True
        self.preview_button.setEnabled(False)
        self.preview_started.emit()
        QTimer.singleShot(int(PREVIEW_S * 1000) + 300, self._preview_over)

    @property
    def previewing(self) -> bool:
        return self._previewing and self._engine.previewing

    def _preview_over(self) -> None:
        if self._previewing:
            self._previewing = False
            self.preview_button.setEnabled(True)
            self.preview_finished.emit()

    def stop_preview(self) -> None:
        """Fade a running preview out (closing the dialog, or a new preview)."""
        if self._previewing:
            self._engine.stop_preview()
            self._preview_over()

    def done(self, result: int) -> None:
        self.stop_preview()
        super().done(result)
