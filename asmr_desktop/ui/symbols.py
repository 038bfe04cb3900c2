"""The app's own line icons (ui/icons/*.svg), drawn white and tinted to the theme's text.

Each SVG is one 24x24 drawing of simple strokes in white; it is rendered at the size a
button paints it, then the chosen colour is painted through its alpha, so one file serves
every colour (normal and disabled text). QtSvg is part of PySide6-Essentials.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from asmr_desktop.ui.theme import TEXT, TEXT_DIM

ICON_DIR = Path(__file__).resolve().parent / "icons"
#: The size of a pixmap asked for without one (tests, labels).
RENDER_PX = 48


def icon_path(name: str) -> Path:
    """The SVG of icon ``name``; FileNotFoundError naming it when the app ships none."""
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"no icon called {name!r} in {ICON_DIR}")
    return path


def names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in ICON_DIR.glob("*.svg")))


def pixmap(name: str, colour: str = TEXT, size_px: int = RENDER_PX) -> QPixmap:
    """Icon ``name`` as a square pixmap in ``colour`` (transparent elsewhere)."""
    return _render(icon_path(name), colour, size_px)


def _render(path: Path, colour: str, size_px: int) -> QPixmap:
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise ValueError(f"the icon {path.stem!r} is not a valid SVG")
    image = QPixmap(size_px, size_px)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size_px, size_px))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), QColor(colour))
    painter.end()
    return image


class _TintedSvg(QIconEngine):
    """Draws the SVG in one colour (dim when disabled) at the size asked, when first asked:
    a page of icons costs nothing until it is painted, and each is crisp at 1x and 2x."""

    def __init__(self, path: Path, colour: str) -> None:
        super().__init__()
        self._path = path
        self._colour = colour
        self._made: dict[tuple[int, int, bool], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        side = max(1, min(size.width(), size.height()))
        disabled = mode == QIcon.Mode.Disabled
        key = (side, side, disabled)
        if key not in self._made:
            colour = TEXT_DIM if disabled else self._colour
            self._made[key] = _render(self._path, colour, side)
        return self._made[key]

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        image = self.pixmap(
            QSize(round(rect.width() * ratio), round(rect.height() * ratio)), mode, state
        )
        painter.drawPixmap(rect, image)

    def clone(self) -> QIconEngine:
        return _TintedSvg(self._path, self._colour)


def icon(name: str, colour: str = TEXT) -> QIcon:
    """A QIcon of ``name`` in ``colour``, in the dim text colour when disabled; drawn when
    first painted (FileNotFoundError now if the app ships no such icon)."""
    return QIcon(_TintedSvg(icon_path(name), colour))
