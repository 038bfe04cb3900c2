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

from asmr_desktop.audio.engine import Engine, EngineSettings, PlayState
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.output import Output
from asmr_desktop.audio.worker import Player
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
#: A preview plays this long in all (3 s fade in, then it fades out over 1.5 s).
PREVIEW_S = 7.0
#: ...and this much quieter than the volume the player is set to.
PREVIEW_QUIETER = 0.2


class SoundscapeDialog(QDialog):
    """Picks one soundscape with its settings and a length; ``chosen`` carries the item."""

    chosen = Signal(object)  # PlaylistItem
    preview_started = Signal()
    preview_finished = Signal()

    def __init__(
        self,
        preview_output: Callable[[], Output],
        engine_settings: Callable[[], EngineSettings],
        pause_main: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a soundscape")
        self._preview_output = preview_output
        self._engine_settings = engine_settings
        self._pause_main = pause_main
        self._preview: Player | None = None
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
        """A few quiet seconds through the same safety chain, with the main sound paused."""
        self.stop_preview()
        self._pause_main()
        main = self._engine_settings()
        settings = EngineSettings(
            volume=main.volume * (1.0 - PREVIEW_QUIETER),
            ceiling_db=main.ceiling_db,
            loudness_target_lufs=main.loudness_target_lufs,
            migraine=main.migraine,
        )
        output = self._preview_output()
        engine = Engine(output.rate_hz, output.channels, settings)
        try:
            engine.set_items([self.make_item()])
            player = Player(engine, output)
            player.start()
        except AsmrError as exc:
            self.notice.setText(str(exc))
            return
        engine.play()
        self._preview = player
        self.preview_button.setEnabled(False)
        self.preview_started.emit()
        QTimer.singleShot(int((PREVIEW_S - 1.5) * 1000), engine.stop)
        QTimer.singleShot(int(PREVIEW_S * 1000) + 300, self.stop_preview)

    @property
    def previewing(self) -> bool:
        return self._preview is not None and self._preview.engine.state is PlayState.PLAYING

    def stop_preview(self) -> None:
        player, self._preview = self._preview, None
        if player is None:
            return
        player.close(fade=True, timeout_s=2.0)
        self.preview_button.setEnabled(True)
        self.preview_finished.emit()

    def done(self, result: int) -> None:
        self.stop_preview()
        super().done(result)
