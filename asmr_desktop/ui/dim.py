"""A veil over a window: black at a chosen share, for the Rest page's slow end cue."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget


class DimOverlay(QWidget):
    """Covers its parent and darkens it by :attr:`level` (0 to 1); clicks pass through."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._veiled = parent
        self.level = 0.0
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.hide()

    def set_level(self, level: float) -> None:
        level = min(1.0, max(0.0, level))
        if level == self.level:
            return
        self.level = level
        self.setVisible(level > 0.0)
        if level > 0.0:
            self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._veiled and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._veiled.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, round(255 * self.level)))
