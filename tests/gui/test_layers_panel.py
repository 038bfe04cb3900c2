"""The Layers panel (issue 17): opened from the View menu, bound to the listening service's
layers; its controls drive the engine and are saved with the playlist."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from pytestqt.qtbot import QtBot

from asmr_desktop.core.defaults import LAYERS_MAX
from asmr_desktop.ui.layers import FILE_BED, NO_BED, LayersPanel
from asmr_desktop.ui.main_window import MainWindow


def layers_of(window: MainWindow) -> list[tuple[str, float, bool]]:
    return [(layer.item.title, layer.volume, layer.bed) for layer in window.engine.layers()]


def choose(panel: LayersPanel, data: str) -> None:
    """Pick a bed as a person does (``activated`` is what a click or Enter sends)."""
    index = panel.bed_choice.findData(data)
    panel.bed_choice.setCurrentIndex(index)
    panel.bed_choice.activated.emit(index)


def test_the_menu_opens_the_panel_and_its_controls_drive_the_engine(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.layers_action.isEnabled()
    window.layers_action.trigger()
    panel = window.show_layers()
    assert panel.isVisible() and panel.empty.isVisible()
    panel.add_layer("rain")
    assert layers_of(window) == [("Soft rain", 0.9, False)]
    (row,) = panel.rows
    row.slider.setValue(30)
    assert layers_of(window) == [("Soft rain", 0.3, False)]
    qtbot.waitUntil(lambda: not window.services.listening.layers.dirty, timeout=3000)
    saved = window.services.listening.playlists.load_layers("")
    assert [(layer.item.title, layer.volume) for layer in saved] == [("Soft rain", 0.3)]
    row.remove.click()
    assert layers_of(window) == [] and panel.rows == []


def test_the_cap_is_shown_and_a_fifth_layer_refused_with_a_calm_line(window: MainWindow) -> None:
    panel = window.show_layers()
    for _ in range(LAYERS_MAX):
        panel.add_button.click()
    assert len(panel.rows) == LAYERS_MAX and not panel.add_button.isEnabled()
    assert panel.count.text() == f"{LAYERS_MAX} of {LAYERS_MAX}"
    panel.add_layer("purr")  # a card's "add as layer" while full
    assert "At most 4" in panel.notice.text() and len(window.engine.layers()) == LAYERS_MAX


def test_the_bed_chooser_takes_a_soundscape_a_file_or_none(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    hum = tmp_path / "hum.wav"
    t = np.arange(48000 * 2) / 48000
    sf.write(hum, np.stack([0.1 * np.sin(2 * np.pi * 110 * t)] * 2, axis=1), 48000)
    picked: list[Path | None] = [None, hum]
    panel = LayersPanel(window.services.listening.layers, choose_file=lambda _w: picked.pop(0))
    qtbot.addWidget(panel)
    panel.show()
    choose(panel, "brown")
    assert layers_of(window) == [("Brown noise", 0.9, True)]
    choose(panel, FILE_BED)  # cancelled: the bed stays, and so does the chooser
    assert layers_of(window) == [("Brown noise", 0.9, True)]
    assert panel.bed_choice.currentData() == "brown"
    choose(panel, FILE_BED)
    assert layers_of(window) == [("hum", 0.9, True)]
    assert panel.rows[0].label.text() == "Bed: hum"
    choose(panel, NO_BED)
    assert layers_of(window) == []
