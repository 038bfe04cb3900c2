"""The built-in soundscapes as cards: an icon and a name each; one click plays it, a small
second button adds it as a layer under what plays (ui/layers.py).

The cards wrap (FlowLayout), so they fit at 2x. They are filled once the engine is attached
(:meth:`SoundscapeCards.set_soundscapes`): the soundscape registry imports numpy, which the
first frame does without.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from asmr_desktop.ui.sizing import FlowLayout
from asmr_desktop.ui.symbols import icon

#: Each built-in soundscape's icon (ui/icons/<icon>.svg), by the soundscape's name; a test
#: checks that every soundscape has one.
CARD_ICONS = {
    "rain": "rain",
    "brown": "brown",
    "pink": "pink",
    "ocean": "ocean",
    "tapping": "tapping",
    "brushing": "brushing",
    "crinkle": "crinkle",
    "whisper": "whisper",
    "breathing": "breathing",
    "fireplace": "fireplace",
    "heartbeat": "heartbeat",
    "purr": "purr",
}
CARD_ICON_PX = 28
LAYER_ICON_PX = 18


class Card(QFrame):
    """One soundscape: its icon and title (click: play), and "Layer" (add as a layer)."""

    def __init__(self, name: str, title: str, description: str) -> None:
        super().__init__()
        self.name = name
        self.setObjectName("card")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 6, 4)
        layout.setSpacing(4)
        self.play_button = QPushButton(title)
        self.play_button.setObjectName("cardPlay")
        self.play_button.setIcon(icon(CARD_ICONS.get(name, "soundscape")))
        self.play_button.setIconSize(QSize(CARD_ICON_PX, CARD_ICON_PX))
        self.play_button.setToolTip(f"{description}\nClick to play it now.")
        self.play_button.setAccessibleName(f"Play {title}")
        self.layer_button = QPushButton("Layer")
        self.layer_button.setObjectName("quiet")
        self.layer_button.setIcon(icon("layer"))
        self.layer_button.setIconSize(QSize(LAYER_ICON_PX, LAYER_ICON_PX))
        self.layer_button.setToolTip(f"Add {title} as a layer under what plays")
        self.layer_button.setAccessibleName(f"Add {title} as a layer")
        layout.addWidget(self.play_button)
        layout.addWidget(self.layer_button)


class SoundscapeCards(QWidget):
    """Every built-in soundscape as a card; ``play_requested`` / ``layer_requested`` carry
    the soundscape's name."""

    play_requested = Signal(str)
    layer_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._flow = FlowLayout(spacing=10)
        outer.addLayout(self._flow)
        self.cards: dict[str, Card] = {}

    def set_soundscapes(self, soundscapes: Sequence[tuple[str, str, str]]) -> None:
        """(name, title, description) of each soundscape, in the order to show them."""
        for name, title, description in soundscapes:
            if name in self.cards:
                continue
            card = Card(name, title, description)
            card.play_button.clicked.connect(lambda _=False, n=name: self.play_requested.emit(n))
            card.layer_button.clicked.connect(lambda _=False, n=name: self.layer_requested.emit(n))
            self.cards[name] = card
            self._flow.addWidget(card)
        self.updateGeometry()

    def buttons(self) -> list[QPushButton]:
        return [b for card in self.cards.values() for b in (card.play_button, card.layer_button)]
