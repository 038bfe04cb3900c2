"""The app's own line icons (ui/icons/*.svg), drawn white and tinted to the theme's text.

Each SVG is one 24x24 drawing of simple strokes in white; :func:`icon` renders it, then
paints the chosen colour through its alpha, so one file serves every colour (normal and
disabled text). QtSvg is part of PySide6-Essentials.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from asmr_desktop.ui.theme import TEXT, TEXT_DIM

ICON_DIR = Path(__file__).resolve().parent / "icons"
#: Rendered at this many pixels and scaled down by Qt: crisp at 1x and 2x.
RENDER_PX = 96


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
    renderer = QSvgRenderer(str(icon_path(name)))
    if not renderer.isValid():
        raise ValueError(f"the icon {name!r} is not a valid SVG")
    image = QPixmap(size_px, size_px)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size_px, size_px))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), QColor(colour))
    painter.end()
    return image


def icon(name: str, colour: str = TEXT) -> QIcon:
    """A QIcon of ``name`` in ``colour``, with the dim text colour when disabled."""
    result = QIcon()
    result.addPixmap(pixmap(name, colour), QIcon.Mode.Normal)
    result.addPixmap(pixmap(name, colour), QIcon.Mode.Active)
    result.addPixmap(pixmap(name, TEXT_DIM), QIcon.Mode.Disabled)
    return result
