"""The Layers panel: the bed and the soundscapes mixed under the playlist (issue 17).

A small window beside the player, bound to the listening service's
:class:`~asmr_desktop.services.listening.LayerService` (the same API ``render`` uses): each
layer with its own volume slider and a Remove button, an "Add layer" chooser of the built-in
soundscapes and a bed chooser (none, a soundscape, or an audio file on loop). The player's
soundscape cards call :meth:`LayersPanel.add_layer` to add one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.audio.layers import LayerInfo
from asmr_desktop.core.defaults import LAYERS_MAX
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.library.files import dialog_patterns
from asmr_desktop.services.listening import LayerService
from asmr_desktop.soundscapes import SOUNDSCAPES
from asmr_desktop.ui.notice import NoticeLine
from asmr_desktop.ui.sizing import fit_to_screen

log = logging.getLogger(__name__)

#: Slider steps for a layer's volume (0-1).
SLIDER_STEPS = 100
#: A volume drag is saved this long after it stops (a drag is many moves).
SAVE_DELAY_MS = 400
#: How often an open panel looks for changes made elsewhere (a playlist loaded, a layer
#: that failed on the render thread).
REFRESH_MS = 1000
#: The bed chooser's entries besides the soundscapes.
NO_BED = ""
FILE_BED = "\0file"

#: Asks for an audio file to loop as the bed (None: cancelled); a test passes its own.
FileChooser = Callable[[QWidget], Path | None]


def choose_audio_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, "Choose a sound to loop", "", f"Audio ({dialog_patterns()})"
    )
    return Path(name) if name else None


class LayerRow:
    """One layer's line: its name, its volume slider and its Remove button."""

    def __init__(self, info: LayerInfo, panel: LayersPanel, grid: QGridLayout, row: int) -> None:
        self.key = info.key
        title = f"Bed: {info.item.title}" if info.bed else info.item.title
        if info.failed:
            title += f" (cannot play: {info.failed})"
        self.label = QLabel(title)
        self.label.setWordWrap(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setValue(round(info.volume * SLIDER_STEPS))
        self.slider.setAccessibleName(f"Volume of {info.item.title}")
        self.slider.setMinimumWidth(180)
        self.slider.valueChanged.connect(lambda value: panel.volume_moved(self.key, value))
        self.slider.sliderReleased.connect(panel.save_now)
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName(f"Remove {info.item.title}")
        self.remove.clicked.connect(lambda: panel.remove_layer(self.key))
        grid.addWidget(self.label, row, 0)
        grid.addWidget(self.slider, row, 1)
        grid.addWidget(self.remove, row, 2)

    def show_volume(self, volume: float) -> None:
        """Follow a change made elsewhere, never under a dragging hand."""
        value = round(volume * SLIDER_STEPS)
        if not self.slider.isSliderDown() and self.slider.value() != value:
            self.slider.blockSignals(True)
            self.slider.setValue(value)
            self.slider.blockSignals(False)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.label, self.slider, self.remove)


class LayersPanel(QDialog):
    """The bed and up to four layers, each with its own volume; not modal."""

    def __init__(
        self,
        layers: LayerService,
        parent: QWidget | None = None,
        *,
        choose_file: FileChooser = choose_audio_file,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sound layers")
        self._layers = layers
        self._choose_file = choose_file
        self._shown: list[tuple[int, str | None]] | None = None  # (key, failed) on show
        self.rows: list[LayerRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        intro = QLabel(
            "Sounds mixed under the playlist while it plays, each at its own volume. "
            "Together they stay as loud as one sound, under the same ceiling."
        )
        intro.setWordWrap(True)
        intro.setObjectName("dim")
        layout.addWidget(intro)
        bed_row = QHBoxLayout()
        bed_label = QLabel("Background bed")
        self.bed_choice = QComboBox()
        self.bed_choice.setAccessibleName("Background bed")
        self.bed_choice.addItem("None", NO_BED)
        for info in SOUNDSCAPES.values():
            self.bed_choice.addItem(info.title, info.name)
        self.bed_choice.addItem("An audio file on loop…", FILE_BED)
        self.bed_choice.activated.connect(self._bed_chosen)
        bed_label.setBuddy(self.bed_choice)
        bed_row.addWidget(bed_label)
        bed_row.addWidget(self.bed_choice, 1)
        layout.addLayout(bed_row)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setColumnStretch(1, 1)
        layout.addLayout(self.grid)
        self.empty = QLabel("No layers yet.")
        self.empty.setObjectName("dim")
        layout.addWidget(self.empty)
        add_row = QHBoxLayout()
        self.add_choice = QComboBox()
        self.add_choice.setAccessibleName("Soundscape to add")
        for info in SOUNDSCAPES.values():
            self.add_choice.addItem(info.title, info.name)
        self.add_button = QPushButton("Add layer")
        self.add_button.clicked.connect(self._add_chosen)
        self.count = QLabel()
        self.count.setObjectName("dim")
        add_row.addWidget(self.add_choice, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.count)
        layout.addLayout(add_row)
        self.notice = NoticeLine()
        layout.addWidget(self.notice)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        close_row.addWidget(close)
        layout.addLayout(close_row)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.setMinimumWidth(560)
        self.refresh()

    # -- what others call ------------------------------------------------------------------
    @Slot(str)
    def add_layer(self, name: str) -> None:
        """Add built-in soundscape ``name`` as a layer (the soundscape cards' "add as layer")."""
        self._try(lambda: self._layers.add_layer(name))

    @Slot(int)
    def remove_layer(self, key: int) -> None:
        self._try(lambda: self._layers.remove_layer(key))

    def volume_moved(self, key: int, value: int) -> None:
        try:
            self._layers.set_layer_volume(key, value / SLIDER_STEPS)
        except AsmrError as exc:
            self.notice.say(str(exc), problem=True)
            self.refresh()
            return
        self._save_timer.start()

    def save_now(self) -> None:
        self._save_timer.stop()
        try:
            self._layers.save_if_moved()
        except AsmrError as exc:
            self.notice.say(f"Layers not saved: {exc}", problem=True)

    def refresh(self) -> None:
        """Show the layers as they are (rebuilt only when they changed)."""
        layers = self._layers.layers()
        shown = [(info.key, info.failed) for info in layers]
        if shown == self._shown:
            for row, info in zip(self.rows, layers, strict=True):
                row.show_volume(info.volume)
            return
        self._shown = shown
        for row in self.rows:
            for widget in row.widgets():
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = [LayerRow(info, self, self.grid, n) for n, info in enumerate(layers)]
        self.empty.setVisible(not layers)
        count = sum(1 for info in layers if not info.bed)
        self.count.setText(f"{count} of {LAYERS_MAX}")
        self.add_button.setEnabled(count < LAYERS_MAX)
        self.add_choice.setEnabled(count < LAYERS_MAX)
        bed = next((info for info in layers if info.bed), None)
        self._show_bed(bed)
        # Tall enough for the wrapped intro at this width and every row (at a 2x scale the
        # intro takes three lines; Qt's own first size gave it two and clipped it).
        fit_to_screen(self)

    # -- internals -------------------------------------------------------------------------
    def _show_bed(self, bed: LayerInfo | None) -> None:
        if bed is None:
            index = self.bed_choice.findData(NO_BED)
        elif bed.item.path is not None:
            index = self.bed_choice.findData(FILE_BED)
        else:
            name = (bed.item.spec or "").partition("?")[0]
            index = self.bed_choice.findData(name)
        self.bed_choice.setCurrentIndex(max(index, 0))

    def _add_chosen(self) -> None:
        self.add_layer(str(self.add_choice.currentData()))

    def _bed_chosen(self, index: int) -> None:
        data = str(self.bed_choice.itemData(index))
        if data == NO_BED:
            self._try(lambda: self._layers.set_bed(None))
        elif data == FILE_BED:
            path = self._choose_file(self)
            if path is None:
                self.refresh()
                self._show_bed(self._layers.bed())
                return
            self._try(lambda: self._layers.set_bed(str(path)))
        else:
            self._try(lambda: self._layers.set_bed(data))

    def _try(self, action: Callable[[], object]) -> None:
        try:
            action()
        except AsmrError as exc:
            self.notice.say(str(exc), problem=True)
        else:
            self.notice.say("")
        self._shown = None  # rebuild
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self.refresh()
        self._refresh_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self._refresh_timer.stop()
        self.save_now()
        super().hideEvent(event)
